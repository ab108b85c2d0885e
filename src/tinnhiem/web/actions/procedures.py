"""Personnel procedures (quy trình bổ nhiệm, bổ nhiệm lại) on the web: set one up, then run
each step as a round of the existing machinery (summons, key ceremony, slips, check-in,
cast, close, decryption, head signatures, publication).

A step's round is created here, never from the round form: its kind and k come from the
procedure file, its list from the body's planning list or the organiser (first step) or
from the ``advancing`` list of the step its procedure names (``candidates_from``), read from
that round's posted step result. ``lib.poll_round.personnel_manifest`` freezes it with the
link to that round's record when its key ceremony starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.ballots.manifest import MAX_CANDIDATES, ListSource
from tinnhiem.rules.appointment import BallotKind, StepRule
from tinnhiem.rules.appointment_loader import builtin_procedure_ids
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.poll_round import procedure_text_for
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
)

__all__ = [
    "EnteredCandidate",
    "do_create_procedure",
    "do_create_step",
    "do_set_roster_flags",
    "next_step_of",
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


def next_step_of(procedure: Procedure) -> StepRule | None:
    """The step a new round of ``procedure`` would run now: the first step while none ran,
    else the last round's ``next_step`` once it is tallied (None: not tallied yet, waiting
    on a person, or the procedure ended)."""
    proc = procedure_text_for(procedure.procedure_id).procedure
    rounds = _steps_done(procedure)
    if not rounds:
        return proc.first
    result = step_result_of(rounds[-1])
    if result is None or result.get("pending") or not result.get("next_step"):
        return None
    return proc.step(str(result["next_step"]))


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
    step the procedure names. Summons, committee and slips then go as for any round."""
    body = procedure.body
    role = ensure_role(actor, [Role.ORGANISER], body=body)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    step = next_step_of(procedure)
    if step is None:
        raise ActionError(
            _(
                "Chưa tạo được bước tiếp theo: bước trước chưa kiểm phiếu xong, đang chờ người "
                "có thẩm quyền quyết định, hoặc quy trình đã kết thúc."
            )
        )
    if not 1 <= committee_size <= 15:
        raise ActionError(_("Ban kiểm phiếu có từ 1 đến 15 thành viên."), field="committee_size")
    if not 1 <= threshold <= committee_size:
        raise ActionError(_("Ngưỡng t phải từ 1 đến số thành viên n."), field="threshold")
    previous: Round | None = None
    if step.candidates_from is not None:
        previous = (
            procedure.rounds.filter(step_id=step.candidates_from).order_by("-created_at", "-id")
        ).first()
        result = step_result_of(previous) if previous is not None else None
        if (
            previous is None
            or result is None
            or result.get("pending")
            or not result.get("advancing")
        ):
            raise ActionError(_("Bước trước không có ai được giới thiệu vào bước này."))
        posts = {o.person.external_id: (o.person, o.post) for o in previous.officials.all()}
        chosen = [posts[str(c)] for c in result["advancing"]]
        source = ListSource.PREVIOUS
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
        last = procedure.rounds.order_by("-created_at", "-id").first()
        previous = last if last is not None and last.step_id == step.id else None  # a revote
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
        },
    )
    return round
