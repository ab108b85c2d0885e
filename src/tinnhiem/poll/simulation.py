"""A whole round in one process (demo, tests, benchmarks), driven through the poll engine.

``Election`` plays every party of a round over a ``MemoryStore``: the committee members
run their DKG side in memory and post their messages through the engine's ceremony
mediator, the voters' ballots go through the engine's arrival policy, the members present
post their partial decryptions through its decryption mediator. The steps, the checks and
the record are exactly those of a web round; only the transport differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tinnhiem.ballots import Accepted, Ballot, BallotRejected, Manifest, ceremony_fingerprint
from tinnhiem.crypto import Ciphertext, Context, Point
from tinnhiem.crypto.dkg import DkgMember, MemberShare
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.errors import InputError
from tinnhiem.poll.engine import Phase, PollEngine
from tinnhiem.poll.errors import PollStateError
from tinnhiem.poll.store import MemoryStore, PollStore
from tinnhiem.record.model import ElectionRecord
from tinnhiem.tally import OfficialResult, ProcedureText, RuleSource, sign_head

__all__ = ["Election", "MemberSecrets", "Trustees", "run_key_ceremony"]


@dataclass
class MemberSecrets:
    """What the committee members hold after the ceremony (never published)."""

    shares: dict[int, MemberShare] = field(default_factory=dict)


class Trustees:
    """The counting committee's members played in one process (demo, bench, tests): each
    step gives every member's message, to post through whatever host runs the round (the
    engine here, the web actions for a hosted demo)."""

    def __init__(self, manifest: Manifest) -> None:
        ctx = Context(ceremony_fingerprint(manifest))
        t, n = manifest.threshold, len(manifest.committee)
        self._members = {m.index: DkgMember(ctx, m.index, t, n) for m in manifest.committee}
        self._commits: dict[int, Any] = {}
        self._reveals: dict[int, Any] = {}
        self.secrets = MemberSecrets()

    @property
    def shares(self) -> dict[int, MemberShare]:
        return self.secrets.shares

    def commits(self) -> dict[int, dict[str, Any]]:
        self._commits = {i: m.commit() for i, m in self._members.items()}
        return {i: c.to_dict() for i, c in self._commits.items()}

    def reveals(self) -> dict[int, dict[str, Any]]:
        self._reveals = {i: m.reveal(self._commits) for i, m in self._members.items()}
        return {i: r.to_dict() for i, r in self._reveals.items()}

    def confirms(self) -> dict[int, dict[str, Any]]:
        out = {}
        for i, member in self._members.items():
            key, share = member.finish(self._reveals)
            self.secrets.shares[i] = share
            out[i] = {
                "member": i,
                "verification_key": key.verification_keys[i].hex(),
                "public_key": key.public_key.hex(),
            }
        return out

    def steps(self) -> Iterator[tuple[str, dict[int, dict[str, Any]]]]:
        """The three rounds in order: ``(kind, {member: message})``."""
        yield "commit", self.commits()
        yield "reveal", self.reveals()
        yield "confirm", self.confirms()

    def decryption(self, index: int, engine: PollEngine) -> dict[str, Any]:
        """Member ``index``'s partial decryption of the round's aggregates."""
        ctx = Context(engine.fingerprint)
        return partial_decrypt(ctx, self.shares[index], engine.aggregates()).to_dict()

    def head_signature(self, index: int, engine: PollEngine) -> str:
        """Member ``index``'s signature (hex) of the tallied round's final board head."""
        return sign_head(engine.fingerprint, self.shares[index], engine.head()).hex()


def run_key_ceremony(engine: PollEngine) -> MemberSecrets:
    """Every member's three DKG steps, posted in order through the engine's mediator."""
    trustees = Trustees(engine.manifest)
    for kind, messages in trustees.steps():
        for i, payload in messages.items():
            engine.post_ceremony_message(i, kind, payload)
    return trustees.secrets


class Election:
    """Drives one round in memory; every public step goes through ``engine``."""

    def __init__(
        self,
        manifest: Manifest,
        rule: RuleSource | ProcedureText,
        store: PollStore | None = None,
    ) -> None:
        self.engine = PollEngine(store if store is not None else MemoryStore())
        self.engine.freeze(manifest, rule)
        self.rule = rule
        self.secrets: MemberSecrets | None = None

    # -- steps -------------------------------------------------------------------------------

    def key_ceremony(self) -> MemberSecrets:
        """Run the committee's DKG; the committee key and fingerprint are then fixed."""
        if self.secrets is not None:
            raise PollStateError("repeat", "the key ceremony already ran")
        self.secrets = run_key_ceremony(self.engine)
        return self.secrets

    @property
    def manifest(self) -> Manifest:
        """The frozen manifest (after a restarted ceremony, the last one)."""
        return self.engine.manifest

    @property
    def public_key(self) -> Point:
        return self.engine.public_key

    @property
    def fingerprint(self) -> bytes:
        return self.engine.fingerprint

    @property
    def credentials(self) -> tuple[bytes, ...]:
        return self.engine.credentials

    def open(self, credentials: Iterable[bytes]) -> None:
        self.engine.open(credentials)

    def cast(self, ballot: Ballot) -> Accepted:
        return self.engine.cast(ballot)

    def cast_many(
        self,
        ballots: Sequence[Ballot],
        *,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> list[Accepted | BallotRejected]:
        return self.engine.cast_many(ballots, workers=workers, progress=progress)

    def close(
        self, *, workers: int = 1, progress: Callable[[int], None] | None = None
    ) -> list[Ciphertext]:
        """Close the poll and post the aggregates of the counted ballots."""
        return self.engine.close(workers=workers, progress=progress)

    def decrypt(self, present: Iterable[int]) -> list[int]:
        """The members ``present`` post their partial decryptions, in order, until t are in
        (an empty round needs none); returns the decrypted sums."""
        if self.secrets is None:
            raise PollStateError("phase", "no key ceremony yet")
        members = list(present)
        for index in members:
            if index not in self.secrets.shares:
                raise InputError(f"no committee member {index}", where="present")
        if len(set(members)) != len(members):
            raise InputError("a member is listed twice among those decrypting", where="present")
        aggregates = self.engine.aggregates()
        ctx = Context(self.engine.fingerprint)
        for index in members:
            if self.engine.phase is Phase.TALLIED:
                break
            share = partial_decrypt(ctx, self.secrets.shares[index], aggregates)
            self.engine.post_share(index, share.to_dict())
        if self.engine.phase is not Phase.TALLIED:
            raise InputError(
                f"{len(members)} members present, at least t = {self.manifest.threshold} needed",
                where="present",
            )
        self.sign_head()
        return self.sums()

    def sign_head(self) -> None:
        """Every member who decrypted signs the final board head."""
        assert self.secrets is not None
        head = self.engine.head()
        signed = self.engine.store.head_signatures()
        for index in self.engine.present():
            if index not in signed:
                signature = sign_head(self.engine.fingerprint, self.secrets.shares[index], head)
                self.engine.sign_head(index, signature.hex())

    def sums(self) -> list[int]:
        """The decrypted sums (one packed sum per official)."""
        return list(self.engine._section("decryption")["sums"])

    def results(self) -> list[OfficialResult]:
        return self.engine.results()

    def counted(self) -> list[Accepted]:
        return self.engine.counted()

    def accepted(self) -> list[Accepted]:
        return self.engine.store.ballots()

    def record(self) -> ElectionRecord:
        return self.engine.record()
