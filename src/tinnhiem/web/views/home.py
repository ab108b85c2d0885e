"""The start page: what the logged-in user can reach, by role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tinnhiem.web.lib.access import roles_of, visible_rounds
from tinnhiem.web.models import Body, Membership, Role

__all__ = ["home"]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    site_roles = roles_of(user)
    mine = Membership.objects.filter(user=user)
    if Role.ORGANISER in site_roles or Role.OBSERVER in site_roles:
        bodies = Body.objects.all()
    else:
        bodies = Body.objects.filter(
            id__in=mine.filter(round__isnull=True, body__isnull=False).values("body")
        )
    return render(
        request,
        "web/home.html",
        {
            "site_organiser": Role.ORGANISER in site_roles,
            "bodies": bodies,
            "rounds": visible_rounds(user)[:50],
            "memberships": mine.select_related("body", "round"),
        },
    )
