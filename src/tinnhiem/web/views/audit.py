"""The audit log, readable by observers and organisers of the scope."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tinnhiem.web.lib.access import require_role
from tinnhiem.web.models import AuditEntry, Role
from tinnhiem.web.views.common import scope_of

__all__ = ["audit_log"]


@require_role(Role.ORGANISER, Role.OBSERVER)
def audit_log(
    request: HttpRequest, body_id: int | None = None, round_id: int | None = None
) -> HttpResponse:
    """Entries of a round, of a body (and its rounds), or, site-wide, all of them."""
    scope = scope_of(request)
    entries = AuditEntry.objects.select_related("round", "body")
    if scope.round is not None:
        entries = entries.filter(round=scope.round)
    elif scope.body is not None:
        entries = entries.filter(Q(body=scope.body) | Q(round__body=scope.body))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    labels = dict(Role.choices)
    for entry in page:
        # shown to people: the role's name and the detail as JSON, not Python's repr
        entry.role_label = labels.get(entry.role, entry.role)
        entry.detail_text = (
            json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail else ""
        )
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "body": scope.body,
            "round": scope.round,
        },
    )
