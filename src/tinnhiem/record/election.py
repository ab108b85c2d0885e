"""One round from set-up to election record, in the order the board records it.

``Election`` drives the steps (key ceremony, opening with the credentials, casting,
closing, aggregation, threshold decryption, results) and posts each on the bulletin
board; ``record()`` gives the ``ElectionRecord``. The demo, the tests and the benchmarks
use it; the web app drives the same steps through its own actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tinnhiem.ballots import (
    Accepted,
    Ballot,
    BallotBox,
    BallotRejected,
    BulletinBoard,
    Manifest,
    check_credentials,
    election_fingerprint,
    to_hex,
)
from tinnhiem.crypto import Ciphertext, Context, Point
from tinnhiem.crypto.dkg import MemberShare
from tinnhiem.crypto.threshold import DecryptionShare
from tinnhiem.errors import InputError
from tinnhiem.record.model import ElectionRecord, RecordedBallot, payload_hash, roster_fingerprint
from tinnhiem.tally import (
    Ceremony,
    OfficialResult,
    RuleSource,
    aggregate,
    committee_decrypt,
    compute_results,
    run_ceremony,
)

__all__ = ["Election", "ElectionStateError"]


class ElectionStateError(InputError):
    """A step was taken out of order (e.g. casting before the poll opened)."""


@dataclass
class Election:
    """Drives one round; every public step is posted on ``board``."""

    manifest: Manifest
    rule: RuleSource
    board: BulletinBoard = field(default_factory=BulletinBoard)
    ceremony: Ceremony | None = None
    fingerprint: bytes = b""
    credentials: tuple[bytes, ...] = ()
    box: BallotBox | None = None
    close_info: dict[str, int] | None = None
    aggregates: list[Ciphertext] | None = None
    shares: dict[int, DecryptionShare] | None = None
    sums: list[int] | None = None
    results: list[OfficialResult] | None = None

    def __post_init__(self) -> None:
        if self.rule.id != self.manifest.rule_id:
            raise InputError(
                f"the manifest names rule {self.manifest.rule_id}, not {self.rule.id}", where="rule"
            )
        if self.rule.digest != self.manifest.rule_version:
            raise InputError(
                "the manifest's rule_version is not this rule text's digest",
                where="manifest.rule.version",
            )
        self.board.append("manifest", payload_hash("manifest", self._manifest_payload()))

    def _manifest_payload(self) -> dict[str, object]:
        return {
            "manifest": self.manifest.to_json(),
            "rule": self._rule_json(),
            "roster": to_hex(roster_fingerprint(self.manifest)),
        }

    def _rule_json(self) -> dict[str, str]:
        return {"id": self.rule.id, "digest": self.rule.digest, "text": self.rule.text}

    # -- steps -----------------------------------------------------------------------------

    def key_ceremony(self) -> Ceremony:
        """Run the committee's DKG and fix the election fingerprint."""
        if self.ceremony is not None:
            raise ElectionStateError("the key ceremony already ran", where="election")
        self.ceremony = run_ceremony(self.manifest)
        self.board.append("committee", payload_hash("committee", self.ceremony.public_json()))
        self.fingerprint = election_fingerprint(
            self.manifest, self.ceremony.key.public_key.to_bytes()
        )
        return self.ceremony

    @property
    def public_key(self) -> Point:
        if self.ceremony is None:
            raise ElectionStateError("no key ceremony yet", where="election")
        return self.ceremony.key.public_key

    def open(self, credentials: Iterable[bytes]) -> None:
        """Fix the list of public credentials (ballots issued) and open the poll."""
        if self.ceremony is None or self.box is not None:
            raise ElectionStateError("open needs a key ceremony, once", where="election")
        self.credentials = check_credentials(credentials, summoned=self.manifest.summoned)
        if len(self.credentials) >= self.manifest.weight_base:
            raise InputError(
                "more credentials than the packed encoding allows", where="credentials"
            )
        self.board.append(
            "open",
            payload_hash(
                "open",
                {
                    "fingerprint": to_hex(self.fingerprint),
                    "credentials": [to_hex(c) for c in self.credentials],
                },
            ),
        )
        self.box = BallotBox(
            self.manifest, self.fingerprint, self.public_key, self.credentials, self.board
        )

    def _open_box(self) -> BallotBox:
        if self.box is None or self.close_info is not None:
            raise ElectionStateError("the poll is not open", where="election")
        return self.box

    def cast(self, ballot: Ballot) -> Accepted:
        """Check and accept one ballot (raises ``BallotRejected``)."""
        return self._open_box().cast(ballot)

    def cast_many(
        self,
        ballots: Sequence[Ballot],
        *,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> list[Accepted | BallotRejected]:
        return self._open_box().cast_many(ballots, workers=workers, progress=progress)

    def close(self) -> None:
        box = self._open_box()
        self.close_info = {"accepted": len(box.accepted), "counted": len(box.counted())}
        self.board.append("close", payload_hash("close", self.close_info))

    def tally(
        self, *, workers: int = 1, progress: Callable[[int], None] | None = None
    ) -> list[Ciphertext]:
        """Aggregate the counted ballots, one ciphertext per official.

        With no ballot counted every aggregate is the empty sum ``(identity, identity)``: the
        round still closes, and ``decrypt`` gives all-zero sums without any share.
        """
        if self.box is None or self.close_info is None or self.aggregates is not None:
            raise ElectionStateError("tally needs a closed poll, once", where="election")
        counted = [a.ballot for a in self.box.counted()]
        self.aggregates = aggregate(
            len(self.manifest.officials), counted, workers=workers, progress=progress
        )
        self.board.append(
            "aggregates", payload_hash("aggregates", [a.hex() for a in self.aggregates])
        )
        return self.aggregates

    def decrypt(self, present: Iterable[int]) -> list[int]:
        """Threshold decryption by the members ``present`` (any t of n).

        An empty round (no ballot counted) is not decrypted: no member publishes a share and
        every sum is 0, whoever is present.
        """
        if self.ceremony is None or self.aggregates is None or self.box is None:
            raise ElectionStateError("decrypt needs the aggregates", where="election")
        member_shares: list[MemberShare] = []
        for index in present:
            if index not in self.ceremony.member_shares:
                raise InputError(f"no committee member {index}", where="present")
            member_shares.append(self.ceremony.member_shares[index])
        returned = len(self.box.counted())
        self.shares, self.sums = committee_decrypt(
            Context(self.fingerprint),
            self.ceremony.key,
            member_shares,
            self.aggregates,
            bound=self.manifest.dlog_bound(returned),
            counted=returned,
        )
        self.board.append("decryption", payload_hash("decryption", self.decryption_json()))
        return self.sums

    def decryption_json(self) -> dict[str, object]:
        assert self.shares is not None and self.sums is not None
        return {
            "present": sorted(self.shares),
            "shares": [self.shares[m].to_dict() for m in sorted(self.shares)],
            "sums": list(self.sums),
        }

    def compute_results(self) -> list[OfficialResult]:
        """Apply the rule to every official's counts and post the results."""
        if self.sums is None or self.box is None:
            raise ElectionStateError("results need the decrypted sums", where="election")
        self.results = compute_results(
            self.manifest,
            self.rule.rule,
            self.sums,
            issued=len(self.credentials),
            returned=len(self.box.counted()),
        )
        self.board.append("results", payload_hash("results", [r.to_json() for r in self.results]))
        return self.results

    # -- the record ------------------------------------------------------------------------

    def record(self) -> ElectionRecord:
        if (
            self.ceremony is None
            or self.box is None
            or self.close_info is None
            or self.aggregates is None
            or self.results is None
        ):
            raise ElectionStateError("the round is not finished", where="election")
        return ElectionRecord(
            manifest=self.manifest,
            rule=self._rule_json(),
            roster=roster_fingerprint(self.manifest),
            committee=self.ceremony.public_json(),
            fingerprint=self.fingerprint,
            credentials=self.credentials,
            ballots=tuple(
                RecordedBallot(a.ballot, a.ballot_hash, a.tracker, a.board_index)
                for a in self.box.accepted
            ),
            close=dict(self.close_info),
            aggregates=tuple(a.to_bytes() for a in self.aggregates),
            decryption=self.decryption_json(),
            results=[r.to_json() for r in self.results],
            board=tuple(self.board),
            head=self.board.head,
        )
