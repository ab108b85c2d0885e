"""Where a round's public state lives: the storage protocol of the poll engine.

The engine never queries a database itself: it asks a ``PollStore`` the questions the
protocol needs (the board's head, a section's payload, whether a ballot hash or an α was
seen …) and hands it what to append. ``MemoryStore`` serves the demo, the benchmarks and
the tests; the web's ORM store answers the same questions from indexed columns. Every
write is an append: nothing posted is ever changed or removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tinnhiem.ballots import Accepted, Ballot, BoardEntry
from tinnhiem.ballots.arrival import ArrivalFacts, ArrivalLedger

__all__ = ["CeremonyPost", "MemoryStore", "PollStore"]


@dataclass(frozen=True)
class CeremonyPost:
    """One key-ceremony message as posted by committee member ``member``."""

    member: int
    kind: str
    payload: dict[str, Any]
    attempt: int = 0  # the ceremony's attempt (0, then 1, 2 … after each restart)


class PollStore(Protocol):
    """The engine's view of one round's stored state (all public)."""

    # -- the bulletin board --------------------------------------------------------------
    def last_entry(self) -> BoardEntry | None: ...

    def last_section(self) -> str | None:
        """The kind of the last entry that is not a ballot (None: nothing posted)."""
        ...

    def section(self, kind: str) -> Any:
        """The payload of the last section ``kind`` posted, or None. Only ``manifest`` (and
        ``restart``) can be posted more than once: when the key ceremony restarts."""
        ...

    def sections(self, kind: str) -> list[Any]:
        """Every payload of ``kind`` posted, in board order."""
        ...

    def entries(self) -> list[BoardEntry]: ...

    def post(self, entry: BoardEntry, payload: Any) -> None:
        """Append ``entry`` (already chained to ``last_entry``) with its payload."""
        ...

    # -- the key ceremony ----------------------------------------------------------------
    def ceremony_posts(self) -> list[CeremonyPost]: ...

    def add_ceremony_post(self, post: CeremonyPost) -> None: ...

    # -- ballots (ArrivalState, less eligibility, which the engine reads from the board) --
    def seen_hash(self, ballot_hash: bytes) -> bool: ...

    def is_spent(self, ballot_hash: bytes) -> bool: ...

    def arrival_facts(
        self, ballot_hash: bytes, credential: bytes, alphas: Sequence[bytes]
    ) -> ArrivalFacts:
        """What the arrival policy asks about one ballot (``ballots.arrival``), answered
        at once: a database store answers in one round trip, under the round's lock."""
        ...

    def add_ballot(self, accepted: Accepted) -> None:
        """Keep an accepted ballot (its board entry is already posted)."""
        ...

    def spend(self, ballot: Ballot, ballot_hash: bytes) -> None:
        """Keep an audited ballot's hash and randomness: they can never be cast."""
        ...

    def ballots(self) -> list[Accepted]:
        """Every accepted ballot, in board order."""
        ...

    def ballot_count(self) -> int: ...

    def find_ballot(self, ballot_hash: bytes) -> Accepted | None:
        """The accepted ballot with this hash, if any."""
        ...

    # -- decryption ----------------------------------------------------------------------
    def shares(self) -> dict[int, dict[str, Any]]: ...

    def add_share(self, member: int, payload: dict[str, Any]) -> None: ...

    # -- the committee's signatures of the final board head ------------------------------
    def head_signatures(self) -> dict[int, str]:
        """Each signing member's signature (hex) of the final board head."""
        ...

    def add_head_signature(self, member: int, signature: str) -> None: ...


class MemoryStore:
    """``PollStore`` in memory."""

    def __init__(self) -> None:
        self._entries: list[BoardEntry] = []
        self._sections: dict[str, list[Any]] = {}
        self._last_section: str | None = None
        self._ceremony: list[CeremonyPost] = []
        self._ledger = ArrivalLedger()
        self._ballots: list[Accepted] = []
        self._by_hash: dict[bytes, Accepted] = {}
        self._shares: dict[int, dict[str, Any]] = {}
        self._head_signatures: dict[int, str] = {}

    def last_entry(self) -> BoardEntry | None:
        return self._entries[-1] if self._entries else None

    def last_section(self) -> str | None:
        return self._last_section

    def section(self, kind: str) -> Any:
        posted = self._sections.get(kind)
        return posted[-1] if posted else None

    def sections(self, kind: str) -> list[Any]:
        return list(self._sections.get(kind, []))

    def entries(self) -> list[BoardEntry]:
        return list(self._entries)

    def post(self, entry: BoardEntry, payload: Any) -> None:
        self._entries.append(entry)
        if entry.kind != "ballot":
            self._sections.setdefault(entry.kind, []).append(payload)
            self._last_section = entry.kind

    def ceremony_posts(self) -> list[CeremonyPost]:
        return list(self._ceremony)

    def add_ceremony_post(self, post: CeremonyPost) -> None:
        self._ceremony.append(post)

    def seen_hash(self, ballot_hash: bytes) -> bool:
        return self._ledger.seen_hash(ballot_hash)

    def is_spent(self, ballot_hash: bytes) -> bool:
        return self._ledger.is_spent(ballot_hash)

    def arrival_facts(
        self, ballot_hash: bytes, credential: bytes, alphas: Sequence[bytes]
    ) -> ArrivalFacts:
        ledger = self._ledger
        return ArrivalFacts(
            seen_hash=ledger.seen_hash(ballot_hash),
            spent=ledger.is_spent(ballot_hash),
            seen_alphas=ledger.seen_alphas(alphas),
            voted=ledger.has_voted(credential),
        )

    def add_ballot(self, accepted: Accepted) -> None:
        self._ledger.admit(accepted.ballot, accepted.ballot_hash)
        self._ballots.append(accepted)
        self._by_hash[accepted.ballot_hash] = accepted

    def spend(self, ballot: Ballot, ballot_hash: bytes) -> None:
        self._ledger.spend(ballot, ballot_hash)

    def ballots(self) -> list[Accepted]:
        return list(self._ballots)

    def ballot_count(self) -> int:
        return len(self._ballots)

    def find_ballot(self, ballot_hash: bytes) -> Accepted | None:
        return self._by_hash.get(ballot_hash)

    def shares(self) -> dict[int, dict[str, Any]]:
        return dict(self._shares)

    def add_share(self, member: int, payload: dict[str, Any]) -> None:
        self._shares[member] = payload

    def head_signatures(self) -> dict[int, str]:
        return dict(self._head_signatures)

    def add_head_signature(self, member: int, signature: str) -> None:
        self._head_signatures[member] = signature
