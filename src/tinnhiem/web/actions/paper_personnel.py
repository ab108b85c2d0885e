"""A personnel step (bước nhân sự) run on paper from its web round (issue 14): the paper
round's definition (the step of the procedure, its candidates, the link to the step its
list came from), the committee's totals, and posting the step's result where the procedure
reads it (``Result.payload["results"]``, record-format §3.13), so that the next step is
made from its ``advancing`` list.

Everything is decided by the core: ``tinnhiem.paper`` checks the step and the link, counts
the agreed sheets (or totals), and ``decide_step`` decides; this module loads the rows and
stores what the core returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.errors import TinnhiemError
from tinnhiem.paper import (
    NotReady,
    PaperError,
    PaperSession,
    PreviousStep,
    decide_paper_step,
    section_for,
    step_result_json,
)
from tinnhiem.paper import Official as PaperOfficial
from tinnhiem.paper.model import _ID as PAPER_ID
from tinnhiem.poll.personnel import paper_step_link
from tinnhiem.rules.settlement import Settlement
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.actions.paper_store import (
    load_session,
    operator_name,
    paper_error,
    paper_round_of,
    session_for_update,
)
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.poll_round import procedure_text_for, step_source
from tinnhiem.web.models import Official, Result, Role, Round, RoundStatus, StepSettlement

__all__ = [
    "PAPER_RESULT_SCHEMA",
    "PaperStepView",
    "do_paper_enter_personnel_totals",
    "do_paper_post_step",
    "paper_step_candidates",
    "paper_step_previous",
    "paper_step_section",
    "paper_step_view",
    "refuse_if_posted",
]

PAPER_RESULT_SCHEMA = "tinnhiem.web-result/1"


def paper_step_candidates(round: Round) -> tuple[PaperOfficial, ...]:
    """The step's list in ballot order. On a personnel sheet a candidate's id is their
    roster code (``Person.external_id``), the id the step's result names in ``advancing``
    and the next step's list is read by."""
    officials = Official.objects.filter(round=round, exempt=False).select_related("person")
    out = []
    for o in officials.order_by("order", "id"):
        code = o.person.external_id
        if not PAPER_ID.match(code):
            raise ActionError(
                _(
                    "Mã “%(code)s” của %(name)s không dùng được trên phiếu giấy: chỉ gồm chữ, "
                    "số, “.”, “_” hoặc “-”."
                )
                % {"code": code, "name": o.person.full_name}
            )
        out.append(PaperOfficial(code, o.person.full_name, o.post))
    return tuple(out)


def paper_step_previous(
    round: Round, candidates: tuple[str, ...]
) -> tuple[PreviousStep, int] | None:
    """The link to the step this round's list came from and how many write-ins end the
    list, as the core makes them (``poll.personnel.paper_step_link``): a paper step's
    count (decided again) or an electronic step's record, with the decision recorded when
    that step waited on a person; either must send exactly these people on (then, on a step
    that takes them, the write-ins among the eligible)."""
    proc = procedure_text_for(round.rule_id).procedure
    step = proc.step(round.step_id)
    if step.candidates_from is None or round.previous is None:
        return None
    source = step_source(round.previous)
    if source is None:
        raise ActionError(_("Bước trước chưa kiểm phiếu xong."))
    settled = StepSettlement.objects.filter(round=round.previous).first()
    settlement = Settlement.from_json(settled.payload) if settled is not None else None
    try:
        return paper_step_link(source, proc, step.id, candidates, settlement)
    except PaperError as exc:
        raise paper_error(exc) from exc
    except TinnhiemError as exc:
        raise ActionError(_("Không tạo được: %(reason)s") % {"reason": str(exc)}) from exc


def paper_step_section(round: Round, candidates: tuple[PaperOfficial, ...]) -> Any:
    """The personnel section of the paper round (step, ballot, k from the procedure; the
    link to the previous step and the write-ins that end the list)."""
    from dataclasses import replace

    proc = procedure_text_for(round.rule_id).procedure
    try:
        section = section_for(proc, round.step_id, len(candidates), None)
    except (PaperError, TinnhiemError) as exc:
        raise ActionError(_("Không tạo được: %(reason)s") % {"reason": str(exc)}) from exc
    linked = paper_step_previous(round, tuple(c.id for c in candidates))
    if linked is None:
        return section
    link, write_ins = linked
    return replace(section, previous=link, write_ins=write_ins)


def refuse_if_posted(round: Round) -> None:
    """Once a paper step's result is posted (the procedure reads it), its count is closed:
    no further entry, totals or resolution can change it."""
    if round.personnel and Result.objects.filter(round=round).exists():
        raise ActionError(_("Kết quả của bước này đã được chốt: không nhập thêm được."))


@transaction.atomic
def do_paper_enter_personnel_totals(
    actor: Actor, round: Round, *, values: Mapping[str, int], device: str = ""
) -> None:
    """One operator's reading of a personnel step's totals sheet (entered twice)."""
    from tinnhiem.web.actions.paper_entry import default_device
    from tinnhiem.web.actions.paper_rounds import require_paper_round

    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    paper_round = require_paper_round(round)
    refuse_if_posted(round)
    with session_for_update(paper_round, actor.user) as session:
        session.enter_personnel_totals(
            operator_name(actor.user), device or default_device(actor.user), values
        )
    audit(
        Actor(actor.user, role),
        "paper.totals",
        paper_round,
        round=round,
        detail={"returned": int(values.get("returned", 0))},
    )


@transaction.atomic
def do_paper_post_step(actor: Actor, round: Round) -> Result:
    """Post the paper step's result once every sheet (or the totals) agrees: the core counts
    and decides (``decide_step``), the result is stored in the record's shape beside the
    entry log's head, and the round is tallied (first readers only, until the organiser
    publishes it). Once."""
    from tinnhiem.web.actions.paper_rounds import require_paper_round

    role = ensure_role(actor, [Role.ORGANISER, Role.COMMITTEE], round=round)
    if not round.personnel:
        raise ActionError(_("Đợt này không phải một bước nhân sự."))
    paper_round = require_paper_round(round)
    round = Round.objects.select_for_update().get(pk=round.pk)
    if Result.objects.filter(round=round).exists():
        raise ActionError(_("Kết quả của bước này đã được chốt."))
    session = load_session(paper_round)
    proc = procedure_text_for(round.rule_id).procedure
    try:
        tally = session.personnel_tally()
        decision = decide_paper_step(tally, proc)
    except NotReady as exc:
        raise ActionError(
            _("Chưa chốt được: %(reason)s")
            % {"reason": _("còn phiếu chưa nhập đủ hoặc chênh lệch")}
        ) from exc
    except PaperError as exc:
        raise paper_error(exc) from exc
    result = Result.objects.create(
        round=round,
        payload={
            "schema": PAPER_RESULT_SCHEMA,
            "source": "paper",
            "issued": tally.definition.present,
            "returned": tally.returned,
            "head": session.head,
            "events": len(session.events),
            "results": step_result_json(tally, decision, proc),
        },
    )
    round.status = RoundStatus.TALLIED
    round.save(update_fields=["status"])
    audit(
        Actor(actor.user, role),
        "paper.step_result",
        result,
        round=round,
        detail={
            "step": decision.step_id,
            "status": decision.status.value,
            "advancing": list(decision.advancing),
            "head": session.head,
        },
    )
    return result


@dataclass(frozen=True)
class _Kind:
    value: str


@dataclass(frozen=True)
class _StepOfficial:
    id: str
    name: str
    post: str
    order: int


@dataclass(frozen=True)
class _Personnel:
    previous: PreviousStep | None


@dataclass(frozen=True)
class PaperStepView:
    """What the step's result page reads of a paper step, in the names an electronic
    step's manifest gives them (body, date, the candidates in order, the ballot kind, the
    link to the previous step)."""

    body: str
    date: str
    officials: tuple[_StepOfficial, ...]
    kind: _Kind
    personnel: _Personnel
    head: str


def paper_step_view(round: Round) -> PaperStepView | None:
    """A paper step's facts for its result page, or None for an electronic step."""
    paper_round = paper_round_of(round)
    if paper_round is None:
        return None
    session: PaperSession = load_session(paper_round)
    d = session.definition
    assert d.personnel is not None
    return PaperStepView(
        body=d.body,
        date=dt.date.fromisoformat(d.date).isoformat(),
        officials=tuple(
            _StepOfficial(o.id, o.name, o.position, i) for i, o in enumerate(d.officials, 1)
        ),
        kind=_Kind(d.personnel.ballot),
        personnel=_Personnel(d.personnel.previous),
        head=session.head,
    )
