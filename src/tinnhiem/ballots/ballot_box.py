"""The ballot box (hòm phiếu): accepts each ballot once, after checking it on arrival.

Checks, in this order (docs/record-format.md, "Casting"): the credential is on the list
fixed when the poll opened; the ballot is not a copy of one already received; no
ciphertext reuses a nonce commitment α seen before (a re-randomised or duplicated
ciphertext); the re-vote policy; then the signature and every row's proof. Each accepted
ballot is posted on the bulletin board and gets a tracker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.ballots.ballot import Ballot, BallotRejected, format_tracker, verify_ballot
from tinnhiem.ballots.board import BulletinBoard
from tinnhiem.ballots.manifest import Manifest, RevotePolicy
from tinnhiem.ballots.pool import chunked, parallel_map
from tinnhiem.crypto import Point

__all__ = ["Accepted", "BallotBox"]


@dataclass(frozen=True)
class Accepted:
    """Biên nhận: an accepted ballot, its hash, tracker and board position."""

    ballot: Ballot
    ballot_hash: bytes
    tracker: str
    board_index: int


class BallotBox:
    """Receives ballots for one round; ``counted()`` gives the ballots that count."""

    def __init__(
        self,
        manifest: Manifest,
        fingerprint: bytes,
        public_key: Point,
        credentials: Iterable[bytes],
        board: BulletinBoard,
    ) -> None:
        self.manifest = manifest
        self.fingerprint = fingerprint
        self.public_key = public_key
        self.credentials = frozenset(credentials)
        self.board = board
        self.accepted: list[Accepted] = []
        self._seen_hashes: set[bytes] = set()
        self._seen_alphas: set[bytes] = set()
        self._current: dict[bytes, int] = {}  # credential -> index in accepted

    # -- the checks -----------------------------------------------------------------------

    def _precheck(self, ballot: Ballot, ballot_hash: bytes) -> None:
        if ballot.credential not in self.credentials:
            raise BallotRejected("not_eligible", "the credential was not issued for this poll")
        if ballot_hash in self._seen_hashes:
            raise BallotRejected("duplicate", "this exact ballot was already received")
        alphas = [row.ciphertext[:32] for row in ballot.rows]
        for i, alpha in enumerate(alphas):
            if alpha in self._seen_alphas or alphas.index(alpha) != i:
                raise BallotRejected(
                    "replay", "a ciphertext reuses the randomness of an earlier one", row=i
                )
        if ballot.credential in self._current and self.manifest.revote is RevotePolicy.REJECT:
            raise BallotRejected("already_voted", "this credential has already voted")

    def _commit(self, ballot: Ballot, ballot_hash: bytes) -> Accepted:
        entry = self.board.append("ballot", ballot_hash)
        # ``ballot.tracker(fp)`` is ``format_tracker(ballot.ballot_hash(fp))``: reuse the hash.
        accepted = Accepted(ballot, ballot_hash, format_tracker(ballot_hash), entry.index)
        self._seen_hashes.add(ballot_hash)
        self._seen_alphas.update(row.ciphertext[:32] for row in ballot.rows)
        self._current[ballot.credential] = len(self.accepted)
        self.accepted.append(accepted)
        return accepted

    # -- public ---------------------------------------------------------------------------

    def cast(self, ballot: Ballot) -> Accepted:
        """Check ``ballot`` once and accept it, or raise ``BallotRejected``."""
        ballot_hash = ballot.ballot_hash(self.fingerprint)
        self._precheck(ballot, ballot_hash)
        verify_ballot(self.manifest, self.fingerprint, self.public_key, ballot)
        return self._commit(ballot, ballot_hash)

    def cast_many(
        self,
        ballots: Sequence[Ballot],
        *,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> list[Accepted | BallotRejected]:
        """Cast ``ballots`` in order; the proofs are checked on ``workers`` processes.

        Returns, per ballot, its receipt or the rejection (nothing is raised).
        """
        size = max(1, min(32, len(ballots) // max(1, workers * 4)))
        verdicts = [
            v
            for chunk in parallel_map(
                _verify_chunk,
                chunked(ballots, size),
                workers=workers,
                initializer=_init_worker,
                initargs=(self.manifest, self.fingerprint, self.public_key.to_bytes()),
                progress=progress,
            )
            for v in chunk
        ]
        out: list[Accepted | BallotRejected] = []
        for ballot, verdict in zip(ballots, verdicts, strict=True):
            try:
                if verdict is not None:
                    raise verdict
                ballot_hash = ballot.ballot_hash(self.fingerprint)
                self._precheck(ballot, ballot_hash)
                out.append(self._commit(ballot, ballot_hash))
            except BallotRejected as exc:
                out.append(exc)
        return out

    def counted(self) -> list[Accepted]:
        """The ballots that count: each credential's last accepted ballot, in board order."""
        keep = set(self._current.values())
        return [a for i, a in enumerate(self.accepted) if i in keep]


_WORKER: dict[str, Any] = {}


def _init_worker(manifest: Manifest, fingerprint: bytes, public_key: bytes) -> None:
    _WORKER["args"] = (manifest, fingerprint, Point.from_bytes(public_key))


def _verify_chunk(ballots: Sequence[Ballot]) -> list[BallotRejected | None]:
    manifest, fingerprint, public_key = _WORKER["args"]
    out: list[BallotRejected | None] = []
    for ballot in ballots:
        try:
            verify_ballot(manifest, fingerprint, public_key, ballot)
            out.append(None)
        except BallotRejected as exc:
            out.append(exc)
    return out
