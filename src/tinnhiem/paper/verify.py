"""Verifying a paper round from its entry log alone (``tinnhiem verify ROUND.jsonl``).

A paper round's public record is its entry log: every event hash-chained, from the round's
creation through the entries, the committee's resolutions, the scanned sheets (batch,
position, the image's SHA-256) to the risk-limiting audit. Verifying it means checking the
chain and replaying every event through the same session rules that accepted it: the
double entry and its reconciliation, and for the audit the plan from the count, every draw
re-derived from the chair's seed (the sheet read at each draw must be the one the seed
names) and the recorded conclusion recomputed from the readings. Nothing is trusted from
the file that can be derived again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tinnhiem.paper.audit import SheetPlace
from tinnhiem.paper.errors import LogIntegrityError, PaperInputError
from tinnhiem.paper.log import EntryLog, read_log
from tinnhiem.paper.session import PaperSession

__all__ = [
    "AuditSummary",
    "PaperLogInvalid",
    "PaperVerification",
    "is_paper_log",
    "verify_paper_log",
]

_EVENT_KEYS = frozenset({"seq", "ts", "actor", "action", "data", "prev", "hash"})


class PaperLogInvalid(Exception):
    """The log is readable but does not verify: a broken chain or a refused event."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class AuditSummary:
    """The audit as re-derived from the log: seed, risk limit, the sheets drawn (from the
    seed), how many readings differed from the count, and the conclusion."""

    seed: str
    risk_limit: float
    drawn: tuple[SheetPlace, ...]
    differing: int
    outcome: str | None
    p_values: dict[str, float]


@dataclass(frozen=True)
class PaperVerification:
    """A paper round's log that verified: its head, size, what was counted, the audit."""

    round_id: str
    title: str
    head: str
    events: int
    counted: int
    complete: bool
    audit: AuditSummary | None


def is_paper_log(path: Path) -> bool:
    """Whether ``path`` starts like a paper round's entry log (its first line is the
    ``round_created`` event), as opposed to an electronic round's record."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(1 << 20)
        event = json.loads(first)
    except (OSError, ValueError):
        return False
    return (
        isinstance(event, dict)
        and _EVENT_KEYS <= event.keys()
        and event.get("action") == "round_created"
    )


def verify_paper_log(path: Path) -> PaperVerification:
    """Check the chain and replay every event; raise ``PaperLogInvalid`` at the first
    failure (``PaperInputError`` when the file cannot be read at all)."""
    try:
        events = read_log(path)
        log = EntryLog(events)
    except LogIntegrityError as exc:
        raise PaperLogInvalid(str(exc), line=exc.line) from exc
    try:
        session = PaperSession(log)
    except PaperInputError as exc:
        raise PaperLogInvalid(str(exc)) from exc
    status = session.status()
    definition = session.definition
    audit = session.audit
    summary = None
    if audit is not None:
        summary = AuditSummary(
            seed=audit.seed,
            risk_limit=audit.risk_limit,
            drawn=tuple(audit.draws(len(audit.comparisons))) if audit.comparisons else (),
            differing=sum(1 for c in audit.comparisons if c.differences),
            outcome=None if audit.conclusion is None else audit.conclusion.outcome,
            p_values=dict(audit.p_values()),
        )
    return PaperVerification(
        round_id=definition.round_id,
        title=definition.title,
        head=log.head,
        events=len(log),
        counted=status.counted,
        complete=status.complete,
        audit=summary,
    )
