"""The arrival policy (quy tắc nhận phiếu): which ballots the box accepts, and which count.

Defined once, used by the ballot box, the poll engine (the web's host of a round) and the
verifier, always in this order (docs/record-format.md, "Casting"):

1. ``not_eligible``: the credential is not on the list fixed when the poll opened;
2. ``duplicate``: this exact ballot (its hash) was received before;
3. ``audited``: this ballot was opened in a Benaloh audit (its randomness is public), so it
   can never be cast; only a host that saw the audit knows it;
4. ``replay``: a ciphertext reuses the randomness (α) of one seen before, or of another row
   of the same ballot;
5. ``already_voted``: the credential already has an accepted ballot and the round's re-vote
   policy is ``reject``;

then the signature and every row's proof (``verify_ballot``), which need no state and may
run first, outside any lock. Under ``last_counts`` each credential's last accepted ballot
counts; under ``reject`` there is only one.

``ArrivalState`` is the question the policy asks of what was received so far;
``ArrivalLedger`` answers it from sets in memory, and ``ArrivalFacts`` carries the answers
about one arriving ballot that a store looked up at once (a database: one round trip).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from tinnhiem.ballots.ballot import Ballot, BallotRejected
from tinnhiem.ballots.manifest import RevotePolicy

__all__ = [
    "Accepted",
    "ArrivalFacts",
    "ArrivalLedger",
    "ArrivalState",
    "alphas_of",
    "check_arrival",
    "check_arrival_of",
    "counted_indices",
]


@dataclass(frozen=True)
class Accepted:
    """Biên nhận: an accepted ballot, its hash, tracker and board position."""

    ballot: Ballot
    ballot_hash: bytes
    tracker: str
    board_index: int


class ArrivalState(Protocol):
    """What the arrival policy needs to know about the ballots received so far."""

    def is_eligible(self, credential: bytes) -> bool: ...

    def seen_hash(self, ballot_hash: bytes) -> bool: ...

    def is_spent(self, ballot_hash: bytes) -> bool: ...

    def seen_alphas(self, alphas: Sequence[bytes]) -> frozenset[bytes]: ...

    def has_voted(self, credential: bytes) -> bool: ...


@dataclass(frozen=True)
class ArrivalFacts:
    """What was received before, as far as one arriving ballot is concerned: whether its
    hash was seen or spent, which of its α's were seen, whether its credential voted."""

    seen_hash: bool
    spent: bool
    seen_alphas: frozenset[bytes]
    voted: bool


def alphas_of(ballot: Ballot) -> list[bytes]:
    """The nonce commitment α (first 32 bytes) of each row's ciphertext, in row order."""
    return [row.ciphertext[:32] for row in ballot.rows]


def check_arrival(
    state: ArrivalState, revote: RevotePolicy, ballot: Ballot, ballot_hash: bytes
) -> None:
    """Apply checks 1–5 in order; raise ``BallotRejected`` at the first that fails."""
    check_arrival_of(state, revote, ballot.credential, alphas_of(ballot), ballot_hash)


def check_arrival_of(
    state: ArrivalState,
    revote: RevotePolicy,
    credential: bytes,
    alphas: Sequence[bytes],
    ballot_hash: bytes,
) -> None:
    """``check_arrival`` on what the policy reads of a ballot: its credential, its rows'
    α's and its hash (a verifier that parsed the ballot elsewhere hands these over)."""
    if not state.is_eligible(credential):
        raise BallotRejected("not_eligible", "the credential was not issued for this poll")
    if state.seen_hash(ballot_hash):
        raise BallotRejected("duplicate", "this exact ballot was already received")
    if state.is_spent(ballot_hash):
        raise BallotRejected(
            "audited", "this ballot was opened in an audit (its choices are public); seal a new one"
        )
    alphas = list(alphas)
    seen = state.seen_alphas(alphas)
    for i, alpha in enumerate(alphas):
        if alpha in seen or alphas.index(alpha) != i:
            raise BallotRejected(
                "replay", "a ciphertext reuses the randomness of an earlier one", row=i
            )
    if revote is RevotePolicy.REJECT and state.has_voted(credential):
        raise BallotRejected("already_voted", "this credential has already voted")


def counted_indices(credentials: Iterable[bytes]) -> list[int]:
    """Given the credential of each accepted ballot in board order, the positions of the
    ballots that count: each credential's last one, in board order."""
    last: dict[bytes, int] = {}
    for i, credential in enumerate(credentials):
        last[credential] = i
    return sorted(last.values())


class ArrivalLedger:
    """``ArrivalState`` in memory, for the ballot box, the in-memory store and the verifier."""

    def __init__(self, credentials: Iterable[bytes] = ()) -> None:
        self.eligible = frozenset(credentials)
        self._hashes: set[bytes] = set()
        self._spent: set[bytes] = set()
        self._alphas: set[bytes] = set()
        self._voted: set[bytes] = set()

    # -- ArrivalState ---------------------------------------------------------------------

    def is_eligible(self, credential: bytes) -> bool:
        return credential in self.eligible

    def seen_hash(self, ballot_hash: bytes) -> bool:
        return ballot_hash in self._hashes

    def is_spent(self, ballot_hash: bytes) -> bool:
        return ballot_hash in self._spent

    def seen_alphas(self, alphas: Sequence[bytes]) -> frozenset[bytes]:
        return frozenset(a for a in alphas if a in self._alphas)

    def has_voted(self, credential: bytes) -> bool:
        return credential in self._voted

    # -- updates --------------------------------------------------------------------------

    def admit(self, ballot: Ballot, ballot_hash: bytes) -> None:
        """Note an accepted ballot."""
        self.admit_of(ballot.credential, alphas_of(ballot), ballot_hash)

    def admit_of(self, credential: bytes, alphas: Iterable[bytes], ballot_hash: bytes) -> None:
        """``admit`` on what the policy reads of a ballot (see ``check_arrival_of``)."""
        self._hashes.add(ballot_hash)
        self._alphas.update(alphas)
        self._voted.add(credential)

    def spend(self, ballot: Ballot, ballot_hash: bytes) -> None:
        """Note an audited ballot: it and its randomness can never be cast."""
        self._spent.add(ballot_hash)
        self._alphas.update(alphas_of(ballot))
