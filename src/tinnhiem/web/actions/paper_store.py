"""Keeping a paper round's entry log in the database (helpers for the ``do_paper_*``
actions and the paper pages).

Each ``LogEvent`` is one ``PaperEvent`` row holding its exact JSON line. An action locks
the ``PaperRound`` row, replays the rows into a ``PaperSession``, lets the session check
and append its events in memory, then inserts only the new events. A refused action raises
before anything is inserted, and the surrounding transaction keeps the rows and the audit
entry together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinnhiem.paper import EntryLog, LogEvent, PaperError, PaperSession, verify_chain
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.models import Round
from tinnhiem.web.models.paper import PaperEvent, PaperRound

__all__ = [
    "load_events",
    "load_session",
    "operator_name",
    "paper_error",
    "paper_round_of",
    "session_for_update",
]


def operator_name(user: Any) -> str:
    """The name a web user acts under in the entry log: their user name (unique)."""
    return str(user.get_username())


def paper_round_of(round: Round) -> PaperRound | None:
    """The paper side of ``round``, if the organiser created one."""
    return PaperRound.objects.filter(round=round).first()


def load_events(paper_round: PaperRound) -> list[LogEvent]:
    """The stored log, in order, parsed back into events (the chain is checked by the
    ``EntryLog`` that receives them)."""
    rows = PaperEvent.objects.filter(paper_round=paper_round).order_by("seq")
    return [LogEvent.from_json(r.line, where=f"paper event {r.seq}") for r in rows]


def load_session(paper_round: PaperRound) -> PaperSession:
    """Replay the stored log (read only; raises ``PaperError`` if the rows were tampered)."""
    events = load_events(paper_round)
    verify_chain(events)
    return PaperSession(EntryLog(events, clock=timezone.now))


def paper_error(exc: PaperError) -> ActionError:
    """A refusal of ``tinnhiem.paper`` (its text names the serial and field) as shown to the
    user."""
    return ActionError(_("Không thực hiện được: %(reason)s") % {"reason": str(exc)})


@contextmanager
def session_for_update(paper_round: PaperRound, user: Any) -> Iterator[PaperSession]:
    """Lock the paper round, replay its log, yield the session; on a normal exit, insert
    the events the block appended. Call inside ``transaction.atomic``."""
    locked = PaperRound.objects.select_for_update().get(pk=paper_round.pk)
    try:
        session = load_session(locked)
    except PaperError as exc:
        raise paper_error(exc) from exc
    before = len(session.events)
    try:
        yield session
    except PaperError as exc:
        raise paper_error(exc) from exc
    store_events(locked, session.events[before:], user)


def store_events(paper_round: PaperRound, events: tuple[LogEvent, ...], user: Any) -> None:
    """Insert new events (never an update)."""
    user_id = getattr(user, "pk", None)
    PaperEvent.objects.bulk_create(
        [
            PaperEvent(
                paper_round=paper_round,
                seq=e.seq,
                action=e.action,
                actor=e.actor,
                user_id=user_id,
                line=e.to_json(),
                hash=e.hash,
            )
            for e in events
        ]
    )


def create_log(
    paper_round: PaperRound, make: Callable[[EntryLog], PaperSession], user: Any
) -> PaperSession:
    """Start an empty log, let ``make`` write the round's first event, store it."""
    log = EntryLog(clock=timezone.now)
    try:
        session = make(log)
    except PaperError as exc:
        raise paper_error(exc) from exc
    store_events(paper_round, session.events, user)
    return session
