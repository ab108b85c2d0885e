"""The round's published results with their comment thread. The result tables themselves
are drawn by ``web/results.html`` from ``Result.payload`` (issue 4, part B fills it in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tinnhiem.web.lib.access import require_role
from tinnhiem.web.models import Result, Role
from tinnhiem.web.views.comments import thread_context
from tinnhiem.web.views.common import scope_of

__all__ = ["results"]


@require_role(*Role)
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = scope_of(request).round
    assert round_ is not None
    result = Result.objects.filter(round=round_).first()
    if (
        result is not None
        and result.published_at is None
        and (
            Role.ORGANISER not in scope_of(request).roles
            and Role.COMMITTEE not in scope_of(request).roles
        )
    ):
        result = None
    context = {"round": round_, "result": result}
    context.update(thread_context(request, round_, None))
    return render(request, "web/results.html", context)
