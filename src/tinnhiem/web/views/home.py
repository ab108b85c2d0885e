"""The start page: what the logged-in user can reach, by role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tinnhiem.web.lib.access import roles_of, visible_rounds
from tinnhiem.web.models import Body, Membership, Role, Round, RoundStatus

__all__ = ["home"]


def next_step(round_: Round, roles: frozenset[str]) -> tuple[str, str] | None:
    """The one thing this user is expected to do next in ``round_`` (label, URL), if any:
    a voter votes while the poll is open; a committee member makes the key, then decrypts."""
    if Role.VOTER in roles and round_.status == RoundStatus.OPEN:
        return _("Vào phòng bỏ phiếu"), reverse("web:poll_booth", args=[round_.pk])
    if Role.COMMITTEE in roles and round_.status in (RoundStatus.CEREMONY, RoundStatus.CLOSED):
        if round_.status == RoundStatus.CEREMONY:
            label = _("Làm phần của bạn trong lễ tạo khóa")
        else:
            label = _("Giải mã kết quả")
        return label, reverse("web:poll_committee", args=[round_.pk])
    return None


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
            "rounds": [
                (r, next_step(r, roles_of(user, round=r))) for r in visible_rounds(user)[:50]
            ],
            "memberships": mine.select_related("body", "round"),
        },
    )
