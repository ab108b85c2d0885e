"""Scanned sheets and the audit on the web (issue 13): upload a batch, resolve the queue of
flagged rows, run the risk-limiting audit. Each call locks the round, replays its log, lets
the core decide, and stores the events it appended (and the crops the queue shows)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.paper import Mark
from tinnhiem.paper.omr import SheetImage
from tinnhiem.paper.scan import ScanOutcome, scan_images
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.actions.paper_rounds import require_paper_round
from tinnhiem.web.actions.paper_store import operator_name, session_for_update
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.models import Role, Round
from tinnhiem.web.models.paper import PaperScanCrop

__all__ = [
    "do_paper_audit_conclude",
    "do_paper_audit_reading",
    "do_paper_audit_start",
    "do_paper_queue_resolve",
    "do_paper_scan",
]


@transaction.atomic
def do_paper_scan(
    actor: Actor, round: Round, *, images: Sequence[SheetImage], batch: str
) -> list[ScanOutcome]:
    """Read a batch of sheet images (in order: position 1, 2, …) and record each as a reader's
    entry; the crops of flagged rows are kept for the committee's queue."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    paper_round = require_paper_round(round)
    with session_for_update(paper_round, actor.user) as session:
        if not session.definition.scan:
            raise ActionError(_("Đợt phiếu giấy này không đọc bằng máy quét."))
        taken = [s.position for s in session.scans.values() if s.batch == batch]
        outcomes = scan_images(
            session,
            images,
            batch=batch,
            actor=operator_name(actor.user),
            first_position=max(taken, default=0) + 1,
        )
    PaperScanCrop.objects.bulk_create(
        [
            PaperScanCrop(paper_round=paper_round, serial=o.serial, field=field, png=png)
            for o in outcomes
            if o.serial is not None and o.reading is not None
            for field, png in o.reading.crops.items()
        ]
    )
    audit(
        Actor(actor.user, role),
        "paper.scan",
        paper_round,
        round=round,
        detail={
            "batch": batch,
            "sheets": sum(1 for o in outcomes if o.serial is not None),
            "flagged": sum(len(o.flags) for o in outcomes),
        },
    )
    return outcomes


@transaction.atomic
def do_paper_queue_resolve(
    actor: Actor, round: Round, *, serial: int, field: str, value: str, note: str
) -> None:
    """The committee's decision on a flagged field, with who (the user) and why (``note``,
    required)."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    if not note.strip():
        raise ActionError(_("Ghi lý do quyết định của Ban kiểm phiếu."), field="note")
    paper_round = require_paper_round(round)
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
def do_paper_audit_start(actor: Actor, round: Round, *, seed: str, risk_limit: float) -> None:
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    paper_round = require_paper_round(round)
    with session_for_update(paper_round, actor.user) as session:
        session.start_audit(seed, risk_limit, actor=operator_name(actor.user))
    audit(
        Actor(actor.user, role),
        "paper.audit_start",
        paper_round,
        round=round,
        detail={"risk_limit": risk_limit},
    )


@transaction.atomic
def do_paper_audit_reading(actor: Actor, round: Round, *, marks: Sequence[Mark] | None) -> None:
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    paper_round = require_paper_round(round)
    with session_for_update(paper_round, actor.user) as session:
        session.record_audit_reading(marks, actor=operator_name(actor.user))
        audit_state = session.audit
        draws = len(audit_state.comparisons) if audit_state else 0
    audit(
        Actor(actor.user, role),
        "paper.audit_reading",
        paper_round,
        round=round,
        detail={"draw": draws},
    )


@transaction.atomic
def do_paper_audit_conclude(actor: Actor, round: Round, *, escalate: bool, note: str = "") -> str:
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    paper_round = require_paper_round(round)
    with session_for_update(paper_round, actor.user) as session:
        session.conclude_audit(actor=operator_name(actor.user), escalate=escalate, note=note)
        state = session.audit
        outcome = state.conclusion.outcome if state and state.conclusion else ""
    audit(
        Actor(actor.user, role),
        "paper.audit_conclude",
        paper_round,
        round=round,
        detail={"outcome": outcome},
    )
    return outcome
