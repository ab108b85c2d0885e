"""Personnel procedures (quy trình bổ nhiệm, bổ nhiệm lại): the organiser's set-up page, a
procedure's page with its steps and the next step's creation, and a step's result page
(the counts, the outcome, who goes on and every clause that decided it, quoted and cited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinnhiem.rules.appointment_loader import list_procedures
from tinnhiem.tally.personnel import NOT_CONFIRMED, cite_text
from tinnhiem.web.actions import ActionError
from tinnhiem.web.actions.paper_personnel import paper_step_view
from tinnhiem.web.actions.procedures import (
    EnteredCandidate,
    do_create_procedure,
    do_create_step,
    do_set_roster_flags,
    next_step_of,
    step_result_of,
)
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.poll_round import engine_of, procedure_text_for
from tinnhiem.web.models import Person, Procedure, Result, Role, Round
from tinnhiem.web.views.comments import thread_context
from tinnhiem.web.views.common import actor_for, scope_of

__all__ = ["procedure_create_step", "procedure_detail", "procedures", "step_result_page"]


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
        "choices": [
            (p.id, p.title_en if _english() else p.title_vi, p.source.verified)
            for p in list_procedures()
        ],
        "procedures": Procedure.objects.filter(body=body).select_related("person"),
    }


def _procedure_context(procedure: Procedure, error: str = "") -> dict[str, Any]:
    rounds = list(procedure.rounds.order_by("created_at", "id"))
    step = next_step_of(procedure)
    proc = procedure_text_for(procedure.procedure_id).procedure
    return {
        "body": procedure.body,
        "procedure": procedure,
        "source": proc.source,
        "steps": _steps(procedure.procedure_id),
        "rounds": [(r, step_result_of(r)) for r in rounds],
        "next_step": step,
        "first": step is not None and step.candidates_from is None,
        "people": Person.objects.filter(body=procedure.body),
        "not_confirmed": NOT_CONFIRMED,
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
                "source": proc.source,
            }
        )
    context.update(thread_context(request, round_, None))
    return render(request, "web/step_result.html", context)
