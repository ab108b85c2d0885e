"""Independent double entry of paper sheets and of hand-counted totals, and the committee's
resolutions (nhập phiếu độc lập, xử lý chênh lệch). Every call appends events to the
round's entry log; nothing is ever updated or deleted."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from tinnhiem.paper import Mark, PersonnelMark, TotalsSheet
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.paper_personnel import refuse_if_posted
from tinnhiem.web.actions.paper_rounds import require_paper_round
from tinnhiem.web.actions.paper_store import operator_name, session_for_update
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.models import Role, Round

__all__ = [
    "default_device",
    "do_paper_enter_ballot",
    "do_paper_enter_totals",
    "do_paper_resolve",
    "do_paper_resolve_totals",
]


def default_device(user: object) -> str:
    """The device name logged when the operator gives none: their own web session."""
    return f"web:{operator_name(user)}"


@transaction.atomic
def do_paper_enter_ballot(
    actor: Actor,
    round: Round,
    *,
    serial: int,
    marks: Sequence[Mark | PersonnelMark] | None,
    device: str = "",
) -> str:
    """One operator's reading of sheet ``serial``: a mark per official in ballot order (a
    personnel sheet's marks for a personnel step), or ``None`` for a sheet invalid as a
    whole. Returns the sheet's state afterwards (``in_progress``, ``counted`` or
    ``disagreement``)."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    paper_round = require_paper_round(round)
    refuse_if_posted(round)
    with session_for_update(paper_round, actor.user) as session:
        operator, dev = operator_name(actor.user), device or default_device(actor.user)
        if session.definition.personnel is not None:
            rows = None if marks is None else [PersonnelMark(m.value) for m in marks]
            session.enter_personnel_sheet(serial, operator, dev, rows)
        else:
            session.enter_ballot(
                serial, operator, dev, None if marks is None else [Mark(m.value) for m in marks]
            )
        state = session.serial_state(serial)
    audit(
        Actor(actor.user, role),
        "paper.enter",
        paper_round,
        round=round,
        detail={"serial": serial, "state": state},
    )
    return state


@transaction.atomic
def do_paper_resolve(
    actor: Actor, round: Round, *, serial: int, field: str, value: str, note: str = ""
) -> None:
    """The committee's reading of a disputed field of sheet ``serial`` (an official's row,
    or ``ballot`` for the sheet's validity); the resolver is the acting user."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    paper_round = require_paper_round(round)
    refuse_if_posted(round)
    with session_for_update(paper_round, actor.user) as session:
        session.resolve(serial, field, value, resolved_by=operator_name(actor.user), note=note)
    audit(
        Actor(actor.user, role),
        "paper.resolve",
        paper_round,
        round=round,
        detail={"serial": serial, "field": field, "value": value},
    )


@transaction.atomic
def do_paper_enter_totals(
    actor: Actor, round: Round, *, sheet: TotalsSheet, device: str = ""
) -> None:
    """One operator's reading of the hand-count totals sheet (entered twice)."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    paper_round = require_paper_round(round)
    with session_for_update(paper_round, actor.user) as session:
        session.enter_totals(operator_name(actor.user), device or default_device(actor.user), sheet)
    audit(
        Actor(actor.user, role),
        "paper.totals",
        paper_round,
        round=round,
        detail={"issued": sheet.issued, "returned": sheet.returned},
    )


@transaction.atomic
def do_paper_resolve_totals(
    actor: Actor, round: Round, *, key: str, value: int, note: str = ""
) -> None:
    """The committee's value for a disputed totals field (``issued``, ``cb7.low``, …)."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    paper_round = require_paper_round(round)
    refuse_if_posted(round)
    with session_for_update(paper_round, actor.user) as session:
        session.resolve_totals(key, value, resolved_by=operator_name(actor.user), note=note)
    audit(
        Actor(actor.user, role),
        "paper.resolve",
        paper_round,
        round=round,
        detail={"field": key, "value": value},
    )
