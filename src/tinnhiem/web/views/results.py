"""The results (kết quả kiểm phiếu) of a round, one page for every kind of round: per
official counts, percentages, band and consequence with the rule cited, a bar chart with
its numbers in text, a big-screen mode for the conference hall, the publish button, the
election record and the tally minutes for download, and the results' comment thread; the
same result as JSON (``/api/rounds/<id>/results``). Who sees it when is
``lib.visibility``'s decision, the same on every page and in the API.

Counts and bands are recomputed from the decrypted sums with the round's rule (exact
arithmetic in ``tinnhiem.rules``); nothing is rounded before a rule compares it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinnhiem.poll import Phase, PollEngine
from tinnhiem.rules import Level
from tinnhiem.tally import OfficialResult
from tinnhiem.web.actions import ActionError
from tinnhiem.web.actions.poll_results import do_publish_results
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.api import api_get
from tinnhiem.web.lib.poll_round import engine_of, record_for, rule_source_for
from tinnhiem.web.lib.visibility import Sealed, Stage, may_see, stage_of
from tinnhiem.web.models import Result, Role, Round
from tinnhiem.web.templatetags.vi_format import vi_percent
from tinnhiem.web.views.api import iso
from tinnhiem.web.views.comments import thread_context
from tinnhiem.web.views.common import actor_for, mark_labels, scope_of

__all__ = [
    "Bar",
    "publish",
    "record_download",
    "results",
    "results_api",
    "results_rows",
    "unsigned_members",
]


@dataclass(frozen=True)
class Bar:
    """One segment of an official's bar: a mark, its count, its share and where it starts
    (both in percent of the base, as SVG attribute values — no inline style under the CSP)."""

    mark: str
    label: str
    count: int
    percent: str
    x: str
    width: str


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _row(result: OfficialResult, labels: dict[str, str], kind: str) -> dict[str, Any]:
    outcome = result.outcome
    order = (
        [Level.HIGH.value, Level.CONFIDENT.value, Level.LOW.value]
        if kind == "poll"
        else ["confidence", "no_confidence"]
    )
    base = outcome.base or 1
    bars: list[Bar] = []
    start = 0
    for mark in order:
        count = result.counts.get(mark, 0)
        # Geometry only (exact shares are the text): thousandths of a percent.
        x = start * 100_000 // base
        width = count * 100_000 // base
        bars.append(
            Bar(
                mark,
                labels[mark],
                count,
                outcome.display_percentages.get(mark, ""),
                f"{x / 1000:.3f}%",
                f"{width / 1000:.3f}%",
            )
        )
        start += count
    band = outcome.band
    return {
        "official": result.official,
        "issued": result.issued,
        "returned": result.returned,
        "valid": result.valid,
        "blank": result.blank,
        "base": outcome.base,
        "denominator": outcome.denominator.value,
        "bars": bars,
        "band": band,
        "band_title": (band.title_en if _english() else band.title_vi) if band else "",
        "band_formula": band.formula() if band else "",
        "consequences": [
            {
                "text": c.text_en if _english() else c.text_vi,
                "citation": c.citation,
                "rule_id": c.rule_id,
                "mandatory": getattr(c, "mandatory", False),
            }
            for c in outcome.consequences
        ],
        "quorum": outcome.quorum.status.value,
        "summary": ", ".join(f"{b.label} {b.count} ({vi_percent(b.percent)}%)" for b in bars),
    }


def results_rows(round_: Round) -> list[dict[str, Any]]:
    """The rows to show: the results the round's board holds, read with the manifest and
    rule text frozen when its ceremony started (never the live roster or rule file)."""
    labels = mark_labels(round_.kind)
    return [_row(r, labels, round_.kind) for r in engine_of(round_).results()]


def _visible_result(round_: Round, roles: frozenset[str], user: Any = None) -> Result | None:
    """The round's result if ``lib.visibility`` lets these roles see it now, else None."""
    if not may_see(Sealed.RESULTS, round_, roles, user=user):
        return None
    return Result.objects.filter(round=round_).first()


def unsigned_members(engine: PollEngine) -> list[str]:
    """The members who decrypted a tallied round and have not yet signed its final board
    head (record-format §3.12), as "i. name": until they sign, the record is not complete
    and ``tinnhiem verify`` refuses it at the ``signatures`` check."""
    if engine.phase is not Phase.TALLIED:
        return []
    signed = engine.store.head_signatures()
    names = {m.index: m.name for m in engine.manifest.committee}
    return [f"{m}. {names.get(m, '')}" for m in engine.present() if m not in signed]


@require_role(*Role)
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = scope_of(request).round
    assert round_ is not None
    roles = scope_of(request).roles
    stage = stage_of(round_)
    visible = may_see(Sealed.RESULTS, round_, roles, stage=stage, user=request.user)
    result = Result.objects.filter(round=round_).first() if visible else None
    if round_.personnel:
        from tinnhiem.web.views.procedures import step_result_page

        return step_result_page(request, round_, result)
    big = request.GET.get("screen") == "1"
    engine = engine_of(round_)
    frozen = engine.phase.value != "new"
    rule = engine.rule.rule if frozen else rule_source_for(round_.rule_id).rule
    context = {
        "round": round_,
        "result": result,
        # A result row without its board (imported, or made by hand) has no table to draw.
        "rows": results_rows(round_)
        if result is not None and engine.phase is Phase.TALLIED
        else [],
        "rule": rule,
        "rule_title": rule.title_en if _english() else rule.title_vi,
        "big": big,
        "can_publish": Role.ORGANISER in roles and result is not None and not result.published_at,
        "labels": mark_labels(round_.kind),
        "unsigned": unsigned_members(engine) if result is not None else [],
        # A paper round's final minutes are its result; witnesses see a draft on the paper
        # pages while the count goes on.
        "minutes": visible and (result is not None or stage is Stage.COUNTED),
        "results_data": {
            "board_url": reverse("web:api_board", args=[round_.pk]),
            "waiting": result is None,
        },
    }
    context.update(thread_context(request, round_, None))
    return render(request, "web/results.html", context)


@api_get
@require_role(*Role)
def results_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """The result as JSON, to whom the results page shows it (``published_at`` is null
    while only the organiser and the committee see it)."""
    round_ = scope_of(request).round
    assert round_ is not None
    result = _visible_result(round_, scope_of(request).roles, request.user)
    if result is None:
        return JsonResponse({"error": "not_published"}, status=404)
    return JsonResponse(
        {"round": round_.pk, "published_at": iso(result.published_at), "result": result.payload}
    )


@require_role(*Role)
def record_download(request: HttpRequest, round_id: int) -> HttpResponse:
    """The election record (hồ sơ) of a tallied round: canonical JSON for ``tinnhiem verify``.
    Until every member who decrypted has signed the final board head, the record holds the
    signatures received so far: it downloads, the results page says it is not complete, and
    ``tinnhiem verify`` names the member whose signature is missing."""
    round_ = scope_of(request).round
    assert round_ is not None
    if _visible_result(round_, scope_of(request).roles, request.user) is None:
        raise Http404(_("Kết quả chưa được công bố."))
    record = record_for(round_)
    if record is None:
        raise Http404(_("Đợt này chưa kiểm phiếu xong."))
    response = HttpResponse(record.to_bytes(), content_type="application/json")
    name = record.manifest.round_id.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="tinnhiem-record-{name}.json"'
    return response


@require_POST
@require_role(Role.ORGANISER)
def publish(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = scope_of(request).round
    assert round_ is not None
    try:
        do_publish_results(actor_for(request, Role.ORGANISER), round_)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã công bố kết quả."))
    return redirect("web:results", round_id=round_.pk)
