"""Personnel procedures (quy trình bổ nhiệm, bổ nhiệm lại) on the web: set one up, then run
each step as a round of the existing machinery (summons, key ceremony, slips, check-in,
cast, close, decryption, head signatures, publication).

A step's round is created here, never from the round form: its kind and k come from the
procedure file, its list from the body's planning list or the organiser (first step) or
from the ``advancing`` list of the step its procedure names (``candidates_from``), read from
that round's posted step result — or from the settlement the competent person's decision
made when that step waited on a person (``do_settle_step``). Which step runs next, and on
what list, is the core's one progression rule (``tinnhiem.poll.personnel.next_step``).
``lib.poll_round.personnel_manifest`` freezes the round with the link to that round's
record (and the settlement's digest) when its key ceremony starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.ballots.manifest import MAX_CANDIDATES, ListSource
from tinnhiem.errors import InputError
from tinnhiem.poll.personnel import (
    Candidate,
    NextStep,
    Progress,
    StepDone,
    next_step,
    source_decision,
    write_in_list,
)
from tinnhiem.rules.appointment import BallotKind, StepRule
from tinnhiem.rules.appointment_loader import builtin_procedure_ids
from tinnhiem.rules.settlement import Settlement, settle
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.poll_round import procedure_text_for, step_source
from tinnhiem.web.lib.text import clean
from tinnhiem.web.models import (
    Body,
    Membership,
    Official,
    Person,
    Procedure,
    Result,
    Role,
    Round,
    RoundKind,
    StepSettlement,
)

__all__ = [
    "EnteredCandidate",
    "do_create_procedure",
    "do_create_step",
    "do_set_roster_flags",
    "do_settle_step",
    "next_step_of",
    "plan_of",
    "settlement_of",
    "step_result_of",
]


@dataclass(frozen=True)
class EnteredCandidate:
    """A candidate typed in by the organiser: roster code, full name, current post. Added to
    the body's roster when the code is new."""

    code: str
    name: str
    post: str = ""


def step_result_of(round: Round) -> dict[str, Any] | None:
    """A tallied personnel round's posted step result (record-format §3.13), else None."""
    result = Result.objects.filter(round=round).first()
    if result is None or not round.personnel:
        return None
    payload = result.payload.get("results")
    return payload if isinstance(payload, dict) else None


def _steps_done(procedure: Procedure) -> list[Round]:
    return list(procedure.rounds.order_by("created_at", "id"))


def settlement_of(round: Round) -> Settlement | None:
    """The settlement recorded for a step that waited on a person, else None."""
    row = StepSettlement.objects.filter(round=round).first()
    return None if row is None else Settlement.from_json(row.payload)


def _history(procedure: Procedure) -> tuple[list[Round], list[StepDone]]:
    rounds = _steps_done(procedure)
    return rounds, [StepDone(r.step_id, step_result_of(r), settlement_of(r)) for r in rounds]


def plan_of(procedure: Procedure) -> NextStep:
    """Where ``procedure`` stands and what runs next (``poll.personnel.next_step``)."""
    proc = procedure_text_for(procedure.procedure_id).procedure
    return next_step(proc, _history(procedure)[1])


def next_step_of(procedure: Procedure) -> StepRule | None:
    """The step a new round of ``procedure`` would run now (None: the last step is not
    tallied yet, waits on a person's decision, or the procedure ended)."""
    plan = plan_of(procedure)
    return plan.step if plan.state is Progress.RUN else None


@transaction.atomic
def do_create_procedure(
    actor: Actor,
    body: Body,
    *,
    procedure_id: str,
    post: str,
    title: str = "",
    person: Person | None = None,
) -> Procedure:
    """Start an appointment or reappointment under a built-in procedure file; a
    reappointment names the person whose term ends."""
    role = ensure_role(actor, [Role.ORGANISER], body=body)
    if procedure_id not in builtin_procedure_ids():
        raise ActionError(
            _("Không có quy trình “%(id)s”.") % {"id": procedure_id}, field="procedure_id"
        )
    proc = procedure_text_for(procedure_id).procedure
    post = clean(post, label=_("Chức vụ"), field="post")
    if not post:
        raise ActionError(_("Hãy nhập chức vụ cần bổ nhiệm."), field="post")
    title = clean(title, label=_("Tên quy trình"), field="title") or f"{proc.title_vi}: {post}"
    if person is not None and person.body_id != body.pk:
        raise ActionError(_("Người này không thuộc cơ quan."), field="person")
    if proc.purpose == "reappointment" and person is None:
        raise ActionError(_("Bổ nhiệm lại: hãy chọn người được xem xét."), field="person")
    procedure = Procedure.objects.create(
        body=body, procedure_id=procedure_id, title=title[:300], post=post, person=person
    )
    audit(
        Actor(actor.user, role),
        "procedure.create",
        procedure,
        body=body,
        detail={
            "procedure": procedure_id,
            "post": post,
            "person": person.external_id if person else None,
        },
    )
    return procedure


@transaction.atomic
def do_set_roster_flags(
    actor: Actor, body: Body, *, planning: Iterable[Person], leadership: Iterable[Person]
) -> None:
    """Mark exactly ``planning`` as the body's planning list (danh sách quy hoạch) and
    ``leadership`` as its leadership collective (tập thể lãnh đạo)."""
    role = ensure_role(actor, [Role.ORGANISER], body=body)
    plan, lead = list(planning), list(leadership)
    if any(p.body_id != body.pk for p in plan + lead):
        raise ActionError(_("Có người không thuộc cơ quan."), field="people")
    roster = Person.objects.filter(body=body)
    roster.update(planning=False, leadership=False)
    roster.filter(pk__in=[p.pk for p in plan]).update(planning=True)
    roster.filter(pk__in=[p.pk for p in lead]).update(leadership=True)
    audit(
        Actor(actor.user, role),
        "roster.flags",
        body,
        body=body,
        detail={
            "planning": sorted(p.external_id for p in plan)[:200],
            "leadership": sorted(p.external_id for p in lead)[:200],
        },
    )


def _with_write_ins(
    body: Body,
    went: list[tuple[Person, str]],
    people: Sequence[Person],
    entered: Sequence[EnteredCandidate],
) -> list[tuple[Person, str]]:
    """The list of a step whose voters may also name other eligible people (NĐ 170/2025
    Điều 33 bước 3, ``write_in`` in its procedure file): who the earlier step sent on, in
    its order, then the others (``poll.personnel.write_in_list``) — those chosen from the
    roster and typed in by the organiser, or by default the rest of the planning list."""
    if any(p.body_id != body.pk for p in people):
        raise ActionError(_("Có người không thuộc cơ quan."), field="people")
    if people or entered:
        others = [(p, p.position) for p in people] + _entered_people(body, entered)
    else:
        planning = Person.objects.filter(body=body, planning=True)
        others = [(p, p.position) for p in planning]
    by_code = {p.external_id: (p, post) for p, post in [*went, *others]}
    listed = write_in_list(
        [Candidate(p.external_id, p.full_name, post) for p, post in went],
        [Candidate(p.external_id, p.full_name, post) for p, post in others],
    )
    return [by_code[c.id] for c in listed]


def _entered_people(body: Body, entered: Sequence[EnteredCandidate]) -> list[tuple[Person, str]]:
    out = []
    for row in entered:
        code = clean(row.code, label=_("Mã"), field="entered")
        name = clean(row.name, label=_("Họ và tên"), field="entered")
        post = clean(row.post, label=_("Chức vụ"), field="entered")
        if not code or not name:
            raise ActionError(_("Mỗi người nhập thêm cần mã và họ tên."), field="entered")
        person, _made = Person.objects.get_or_create(
            body=body, external_id=code[:64], defaults={"full_name": name[:300], "position": post}
        )
        out.append((person, post or person.position))
    return out


@transaction.atomic
def do_create_step(
    actor: Actor,
    procedure: Procedure,
    *,
    people: Sequence[Person] = (),
    entered: Sequence[EnteredCandidate] = (),
    threshold: int = 2,
    committee_size: int = 3,
) -> Round:
    """Create the round of the procedure's next step, in draft, with its list: for the first
    step ``people`` (the planning list or chosen from the roster) and ``entered`` (typed in),
    or the person concerned for a reappointment; after it, the ``advancing`` list of the
    step the procedure names — on a step whose voters may also name other eligible people
    (``write_in``), followed by ``people`` and ``entered``, or by default by the rest of the
    body's planning list. Summons, committee and slips then go as for any round."""
    body = procedure.body
    role = ensure_role(actor, [Role.ORGANISER], body=body)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    rounds, history = _history(procedure)
    proc = procedure_text_for(procedure.procedure_id).procedure
    try:
        plan = next_step(proc, history)
    except InputError as exc:
        raise ActionError(_("Không xác định được bước tiếp theo: %(e)s") % {"e": exc}) from exc
    if plan.state is not Progress.RUN or plan.step is None:
        raise ActionError(_NOT_NOW.get(plan.state, _NOT_NOW[Progress.RUNNING])())
    step = plan.step
    if not 1 <= committee_size <= 15:
        raise ActionError(_("Ban kiểm phiếu có từ 1 đến 15 thành viên."), field="committee_size")
    if not 1 <= threshold <= committee_size:
        raise ActionError(_("Ngưỡng t phải từ 1 đến số thành viên n."), field="threshold")
    previous: Round | None = None
    if plan.candidates is not None:
        # The list is decided: who an earlier step (or its settlement) sent on, or, for a
        # first step voted again, the list of the round voted again.
        if plan.list_from is not None:
            previous = rounds[plan.list_from]
            source = ListSource.PREVIOUS
        else:
            previous = rounds[-1]
            source = ListSource(previous.list_source or ListSource.ENTERED)
        posts = {o.person.external_id: (o.person, o.post) for o in previous.officials.all()}
        missing = [c for c in plan.candidates if c not in posts]
        if missing:
            raise ActionError(_("Bước trước không có ai được giới thiệu vào bước này."))
        chosen = [posts[c] for c in plan.candidates]
        if step.write_in is not None and plan.list_from is not None and not plan.revote:
            chosen = _with_write_ins(body, chosen, people, entered)
    else:
        if procedure.person is not None and not people and not entered:
            chosen = [(procedure.person, procedure.person.position)]
            source = ListSource.ENTERED
        else:
            if any(p.body_id != body.pk for p in people):
                raise ActionError(_("Có người không thuộc cơ quan."), field="people")
            chosen = [(p, p.position) for p in people] + _entered_people(body, entered)
            in_plan = Person.objects.filter(pk__in=[p.pk for p in people], planning=True)
            planned = bool(people) and not entered and in_plan.count() == len(people)
            source = ListSource.PLANNING if planned else ListSource.ENTERED
        if plan.revote:
            previous = rounds[-1]  # a first step voted again on a list typed in again
    ids = [p.pk for p, _post in chosen]
    if not chosen:
        raise ActionError(_("Danh sách nhân sự đang trống."), field="people")
    if len(set(ids)) != len(ids):
        raise ActionError(_("Một người có tên hai lần trong danh sách."), field="people")
    if len(chosen) > MAX_CANDIDATES:
        raise ActionError(
            _("Một lá phiếu có tối đa %(n)s người.") % {"n": MAX_CANDIDATES}, field="people"
        )
    kind = (
        RoundKind.CHOOSE_AT_MOST
        if step.ballot is BallotKind.CHOOSE_AT_MOST
        else RoundKind.AGREE_DISAGREE
    )
    round = Round.objects.create(
        body=body,
        title=f"{procedure.title} — Bước {step.number}: {step.title_vi}"[:300],
        kind=kind,
        rule_id=procedure.procedure_id,
        threshold=threshold,
        committee_size=committee_size,
        procedure=procedure,
        step_id=step.id,
        list_source=source.value,
        previous=previous,
    )
    for order, (person, post) in enumerate(chosen, start=1):
        Official.objects.create(
            round=round, person=person, post=post or procedure.post, order=order
        )
        if person.user_id is not None:
            Membership.objects.get_or_create(
                user=person.user, role=Role.OFFICIAL, body=None, round=round
            )
    # The leadership collective reads the step's result first (lib/visibility.py): its
    # members' accounts get the least role that reaches a round's pages.
    for member in Person.objects.filter(body=body, leadership=True, user__isnull=False):
        user = member.user
        if user is not None and not Membership.objects.filter(user=user, round=round).exists():
            Membership.objects.create(user=user, role=Role.VOTER, body=None, round=round)
    audit(
        Actor(actor.user, role),
        "procedure.step",
        round,
        round=round,
        detail={
            "procedure": procedure.procedure_id,
            "step": step.id,
            "list_source": source.value,
            "previous": previous.pk if previous is not None else None,
            "candidates": [p.external_id for p, _post in chosen],
            "revote": plan.revote,
            "settlement": plan.settlement.digest if plan.settlement is not None else None,
        },
    )
    return round


def _not_tallied() -> str:
    return _("Chưa tạo được bước tiếp theo: bước trước chưa kiểm phiếu xong.")


def _waiting() -> str:
    return _(
        "Chưa tạo được bước tiếp theo: bước trước đang chờ người có thẩm quyền quyết định. "
        "Hãy ghi quyết định trước."
    )


def _ended() -> str:
    return _("Quy trình đã kết thúc: không còn bước nào.")


def _stopped() -> str:
    return _("Quy trình đã dừng: không ai được giới thiệu vào bước tiếp theo.")


_NOT_NOW = {
    Progress.RUNNING: _not_tallied,
    Progress.PENDING: _waiting,
    Progress.ENDED: _ended,
    Progress.STOPPED: _stopped,
}

#: Which form field a refusal of the core's ``settle`` names (its ``where``).
_SETTLE_FIELDS = {
    "settlement.decided_by.name": "name",
    "settlement.decided_by.post": "post",
    "settlement.document": "document",
    "settlement.date": "date",
    "settlement.reason": "reason",
    "settlement.outcome": "outcome",
    "settlement.chosen": "chosen",
}


@transaction.atomic
def do_settle_step(
    actor: Actor,
    round: Round,
    *,
    name: str,
    post: str,
    document: str,
    date: str,
    outcome: str,
    chosen: Sequence[str] = (),
    reason: str,
) -> StepSettlement:
    """Record the competent person's written decision on ``round``, the procedure's last
    step, which waits on a person: ``chosen`` (roster codes among those concerned) go on,
    or the procedure stops, or the step is voted again where the texts leave that open.
    Checked by the core (``rules.settlement.settle``) against the step's decision; stored
    once, never changed; audited."""
    body = round.body
    role = ensure_role(actor, [Role.ORGANISER], body=body)
    if round.procedure is None or not round.step_id:
        raise ActionError(_("Đợt này không phải một bước của quy trình."))
    procedure = Procedure.objects.select_for_update().get(pk=round.procedure.pk)
    last = procedure.rounds.order_by("-created_at", "-id").first()
    if last is None or last.pk != round.pk:
        raise ActionError(_("Chỉ ghi quyết định cho bước cuối cùng của quy trình."))
    if StepSettlement.objects.filter(round=round).exists():
        raise ActionError(_("Bước này đã có quyết định; quyết định đã ghi không sửa được."))
    source = step_source(round)
    if source is None:
        raise ActionError(_("Bước này chưa kiểm phiếu xong."))
    step = source_decision(source)
    proc, decision = step.procedure, step.decision
    if not decision.pending:
        raise ActionError(_("Bước này không chờ người có thẩm quyền quyết định."))
    fields = {
        "name": clean(name, label=_("Họ tên người quyết định"), field="name"),
        "post": clean(post, label=_("Chức vụ"), field="post"),
        "document": clean(document, label=_("Số văn bản"), field="document"),
        "reason": clean(reason, label=_("Lý do"), field="reason"),
    }
    try:
        settlement = settle(
            decision,
            proc,
            round_id=step.round_id,
            head=step.head,
            date=date,
            outcome=outcome,
            chosen=tuple(chosen),
            **fields,
        )
    except InputError as exc:
        field = _SETTLE_FIELDS.get(exc.where or "", "outcome")
        detail = str(exc).removeprefix(f"{exc.where}: ")
        raise ActionError(
            _("Quyết định không hợp lệ: %(detail)s") % {"detail": detail}, field=field
        ) from exc
    row = StepSettlement.objects.create(
        round=round,
        procedure=procedure,
        digest=settlement.digest,
        payload=settlement.to_json(),
        recorded_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    audit(
        Actor(actor.user, role),
        "procedure.settle",
        row,
        round=round,
        detail={
            "procedure": procedure.procedure_id,
            "step": settlement.step,
            "outcome": settlement.outcome.value,
            "advancing": list(settlement.advancing),
            "document": settlement.document,
            "digest": settlement.digest,
        },
    )
    return row
