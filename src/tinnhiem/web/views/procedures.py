"""Personnel procedures (quy trình bổ nhiệm, bổ nhiệm lại): the organiser's set-up page, a
procedure's page with its steps and the next step's creation, and a step's result page
(the counts, the outcome, who goes on and every clause that decided it, quoted and cited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinnhiem.poll.personnel import Progress, source_decision
from tinnhiem.rules.appointment_loader import list_procedures
from tinnhiem.rules.settlement import Settlement, settlement_choices, summary_vi
from tinnhiem.tally.personnel import NOT_CONFIRMED, cite_text
from tinnhiem.web.actions import ActionError
from tinnhiem.web.actions.paper_personnel import paper_step_view
from tinnhiem.web.actions.procedures import (
    EnteredCandidate,
    do_create_procedure,
    do_create_step,
    do_set_roster_flags,
    do_settle_step,
    plan_of,
    settlement_of,
    step_result_of,
)
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.poll_round import engine_of, procedure_text_for, step_source
from tinnhiem.web.lib.visibility import Sealed, may_see
from tinnhiem.web.models import Person, Procedure, Result, Role, Round
from tinnhiem.web.views.comments import thread_context
from tinnhiem.web.views.common import actor_for, scope_of

__all__ = [
    "procedure_create_step",
    "procedure_detail",
    "procedure_settle",
    "procedures",
    "settlement_download",
    "step_result_page",
]


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _steps(procedure_id: str) -> list[dict[str, Any]]:
    """Each step as the page lists it: who votes, the ballot, the threshold, the clauses."""
    proc = procedure_text_for(procedure_id).procedure
    out = []
    for s in proc.steps:
        threshold = "—"
        if s.threshold is not None:
            threshold = f"{s.threshold.text_vi} {s.base.label.split(' / ')[0]}"
        cites = [s.cite, s.base_cite] + ([s.threshold.cite] if s.threshold else [])
        out.append(
            {
                "id": s.id,
                "number": s.number,
                "title": s.title_en if _english() else s.title_vi,
                "body": s.body.label,
                "ballot": s.ballot.value,
                "k": s.k,
                "threshold": threshold,
                "cites": list(dict.fromkeys(cite_text(c) for c in cites)),
            }
        )
    return out


@require_role(Role.ORGANISER)
def procedures(request: HttpRequest, body_id: int) -> HttpResponse:
    """The body's procedures, its planning list and leadership collective, and a new one."""
    body = scope_of(request).body
    assert body is not None
    people = list(Person.objects.filter(body=body))
    if request.method == "POST":
        actor = actor_for(request, Role.ORGANISER)
        by_pk = {str(p.pk): p for p in people}
        try:
            if request.POST.get("what") == "flags":
                do_set_roster_flags(
                    actor,
                    body,
                    planning=[by_pk[k] for k in request.POST.getlist("planning") if k in by_pk],
                    leadership=[by_pk[k] for k in request.POST.getlist("leadership") if k in by_pk],
                )
                return redirect("web:procedures", body_id=body.pk)
            person = by_pk.get(request.POST.get("person", ""))
            procedure = do_create_procedure(
                actor,
                body,
                procedure_id=request.POST.get("procedure_id", ""),
                post=request.POST.get("post", ""),
                title=request.POST.get("title", ""),
                person=person,
            )
        except ActionError as exc:
            return render(
                request, "web/procedures.html", _list_context(body, people, exc.message), status=400
            )
        return redirect("web:procedure", body_id=body.pk, procedure_id=procedure.pk)
    return render(request, "web/procedures.html", _list_context(body, people, ""))


def _list_context(body: Any, people: list[Person], error: str) -> dict[str, Any]:
    return {
        "body": body,
        "people": people,
        "error": error,
        # The texts in force first (the first is preselected), replaced ones last; each
        # says how far it was checked against its text.
        "choices": [
            (
                p.id,
                p.title_en if _english() else p.title_vi,
                p.standing_en if _english() else p.standing_vi,
            )
            for p in sorted(list_procedures(), key=lambda p: (not p.in_force, p.id))
        ],
        "procedures": Procedure.objects.filter(body=body).select_related("person"),
    }


def _settled_view(settlement: Settlement, names: dict[str, str]) -> dict[str, Any]:
    """A settlement as the pages show it: one sentence, the reason, the digest."""
    return {
        "summary": summary_vi(settlement, names),
        "reason": settlement.reason,
        "digest": settlement.digest,
        "in_text": settlement.in_text,
        "outcome": settlement.outcome.value,
    }


def _pending_view(round_: Round) -> dict[str, Any] | None:
    """What the settle form shows for the last step, which waits on a person, as the core
    says it (``settlement_choices``): the names concerned, who goes on whatever is decided,
    the clauses that left it to a person, and whether a revote is open."""
    source = step_source(round_)
    if source is None:
        return None
    d = source_decision(source)
    choices = settlement_choices(d.decision, d.procedure)
    officials = {o.person.external_id: o.person.full_name for o in round_.officials.all()}
    action = d.decision.action
    assert action is not None  # settlement_choices refuses a step that does not wait
    return {
        "round": round_,
        "step": d.procedure.step(round_.step_id),
        "action": action.label,
        "concerned": [(c, officials.get(c, c)) for c in choices.concerned],
        "fixed": [officials.get(c, c) for c in choices.fixed],
        "revote": choices.revote,
        "basis": [
            {"text": r.text_en if _english() else r.text_vi, "cite": cite_text(r.cite)}
            for r in choices.basis
        ],
    }


def _procedure_context(procedure: Procedure, error: str = "") -> dict[str, Any]:
    rounds = list(procedure.rounds.order_by("created_at", "id"))
    plan = plan_of(procedure)
    step = plan.step if plan.state is Progress.RUN else None
    proc = procedure_text_for(procedure.procedure_id).procedure
    listed = []
    for r in rounds:
        names = {o.person.external_id: o.person.full_name for o in r.officials.all()}
        settled = settlement_of(r)
        listed.append((r, step_result_of(r), _settled_view(settled, names) if settled else None))
    pending = None
    if plan.state is Progress.PENDING and rounds:
        pending = _pending_view(rounds[-1])
    names_all = {
        o.person.external_id: o.person.full_name
        for r in rounds
        for o in r.officials.select_related("person")
    }
    return {
        "body": procedure.body,
        "procedure": procedure,
        "source": proc.source,
        "steps": _steps(procedure.procedure_id),
        "rounds": listed,
        "next_step": step,
        "revote": plan.revote,
        "listed": plan.candidates is not None,
        "first": step is not None and plan.candidates is None,
        # Step 3 of NĐ 170 as issued: who went on, then other eligible people (write-ins).
        "write_in": (
            step is not None
            and step.write_in is not None
            and plan.candidates is not None
            and not plan.revote
        ),
        "went_on": list(plan.candidates or ()),
        "state": plan.state.value,
        "pending": pending,
        "people": Person.objects.filter(body=procedure.body),
        "standing": proc.standing_en if _english() else proc.standing_vi,
        "proposed": [names_all.get(c, c) for c in plan.proposed],
        "ended_by": plan.settlement is not None,
        "error": error,
    }


@require_role(Role.ORGANISER)
def procedure_detail(request: HttpRequest, body_id: int, procedure_id: int) -> HttpResponse:
    body = scope_of(request).body
    procedure = get_object_or_404(Procedure, pk=procedure_id, body=body)
    return render(request, "web/procedure.html", _procedure_context(procedure))


def _entered(text: str) -> list[EnteredCandidate]:
    """One candidate a line: ``code; full name; post``."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        out.append(EnteredCandidate(parts[0], parts[1] if len(parts) > 1 else "", *parts[2:3]))
    return out


@require_POST
@require_role(Role.ORGANISER)
def procedure_create_step(request: HttpRequest, body_id: int, procedure_id: int) -> HttpResponse:
    body = scope_of(request).body
    procedure = get_object_or_404(Procedure, pk=procedure_id, body=body)
    people = Person.objects.filter(body=body, pk__in=request.POST.getlist("people"))
    try:
        threshold = int(request.POST.get("threshold") or 2)
        size = int(request.POST.get("committee_size") or 3)
        round_ = do_create_step(
            actor_for(request, Role.ORGANISER),
            procedure,
            people=list(people),
            entered=_entered(request.POST.get("entered", "")),
            threshold=threshold,
            committee_size=size,
        )
    except ValueError:
        return render(
            request,
            "web/procedure.html",
            _procedure_context(procedure, _("Ngưỡng t và số thành viên n phải là số.")),
            status=400,
        )
    except ActionError as exc:
        return render(
            request, "web/procedure.html", _procedure_context(procedure, exc.message), status=400
        )
    return redirect("web:round", round_id=round_.pk)


def _iso_date(text: str) -> str:
    """``dd/mm/yyyy`` (as a Vietnamese reader writes it) to ISO; ActionError otherwise."""
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date().isoformat()
    except ValueError as exc:
        raise ActionError(
            _("Ngày văn bản viết theo dạng ngày/tháng/năm, ví dụ 12/03/2026."), field="date"
        ) from exc


@require_POST
@require_role(Role.ORGANISER)
def procedure_settle(request: HttpRequest, body_id: int, procedure_id: int) -> HttpResponse:
    """The organiser records the competent person's decision on the last step, which
    waits on a person; the next step is then created from it on this page."""
    body = scope_of(request).body
    procedure = get_object_or_404(Procedure, pk=procedure_id, body=body)
    last = procedure.rounds.order_by("-created_at", "-id").first()
    try:
        if last is None:
            raise ActionError(_("Quy trình chưa có bước nào."))
        do_settle_step(
            actor_for(request, Role.ORGANISER),
            last,
            name=request.POST.get("name", ""),
            post=request.POST.get("post", ""),
            document=request.POST.get("document", ""),
            date=_iso_date(request.POST.get("date", "")),
            outcome=request.POST.get("outcome", ""),
            chosen=request.POST.getlist("chosen"),
            reason=request.POST.get("reason", ""),
        )
    except ActionError as exc:
        return render(
            request, "web/procedure.html", _procedure_context(procedure, exc.message), status=400
        )
    return redirect("web:procedure", body_id=procedure.body_id, procedure_id=procedure.pk)


@require_role(*Role)
def settlement_download(request: HttpRequest, round_id: int) -> HttpResponse:
    """The settlement of a step (canonical JSON with its digest), for ``tinnhiem verify
    --previous RECORD --settlement FILE``: readable by whoever may read the step's result."""
    round_ = scope_of(request).round
    assert round_ is not None
    if not may_see(Sealed.RESULTS, round_, scope_of(request).roles, user=request.user):
        raise Http404(_("Kết quả chưa được công bố."))
    settlement = settlement_of(round_)
    if settlement is None:
        raise Http404(_("Bước này không có quyết định của người có thẩm quyền."))
    response = HttpResponse(settlement.to_file(), content_type="application/json")
    name = settlement.round_id.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="tinnhiem-settlement-{name}.json"'
    return response


def step_result_page(request: HttpRequest, round_: Round, result: Result | None) -> HttpResponse:
    """A personnel step's result page (the results view's branch for these rounds): what
    ``lib.visibility`` lets the request see, with each clause quoted and cited."""
    roles = scope_of(request).roles
    context: dict[str, Any] = {
        "round": round_,
        "result": result,
        "can_publish": Role.ORGANISER in roles and result is not None and not result.published_at,
        "not_confirmed": NOT_CONFIRMED,
    }
    if result is not None:
        # A step counted on paper reads its facts from the entry log (paper_step_view).
        paper = paper_step_view(round_)
        manifest: Any = paper or engine_of(round_).manifest
        context["paper"] = paper
        proc = procedure_text_for(round_.rule_id).procedure
        data = result.payload["results"]
        names = {o.id: o.name for o in manifest.officials}
        cites = {c.key: c for c in proc.citations}
        rows = []
        for o, c in zip(manifest.officials, data["candidates"], strict=True):
            rows.append({"official": o, **c, "percentage": c["percentage"].replace(".", ",")})
        context.update(
            {
                "manifest": manifest,
                "data": data,
                "rows": rows,
                "agree": manifest.kind.value == "agree_disagree",
                "advancing": [names.get(c, c) for c in data["advancing"]],
                "concerned": [names.get(c, c) for c in data["concerned"]],
                "reasons": [
                    {
                        "text": r["text_en"] if _english() else r["text_vi"],
                        "cite": cite_text(cites[r["cite"]]) if r["cite"] in cites else r["cite"],
                        "verified": r["verified"],
                    }
                    for r in data["reasons"]
                ],
                "date": dt.date.fromisoformat(manifest.date) if manifest.date else None,
                "previous": manifest.personnel.previous if manifest.personnel else None,
                "settlement": (
                    _settled_view(settled, names)
                    if (settled := settlement_of(round_)) is not None
                    else None
                ),
                "settled_from": _settled_from(round_),
                "source": proc.source,
            }
        )
    context.update(thread_context(request, round_, None))
    return render(request, "web/step_result.html", context)


def _settled_from(round_: Round) -> dict[str, Any] | None:
    """The settlement that made this step's list, when its previous step waited on a
    person."""
    previous = round_.previous
    if previous is None:
        return None
    settled = settlement_of(previous)
    if settled is None:
        return None
    names = {o.person.external_id: o.person.full_name for o in previous.officials.all()}
    return _settled_view(settled, names) | {"round": previous}
