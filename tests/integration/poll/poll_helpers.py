"""Build small polls for the integration tests, keeping the voters' keys and marks so a
test can count the plaintext independently and forge consistent records."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from tinnhiem.ballots import (
    BallotRow,
    BoardEntry,
    CommitteeMember,
    Encoding,
    ExemptOfficial,
    Manifest,
    Mark,
    Official,
    RevotePolicy,
    RoundKind,
    cast_ballot,
    entry_hash,
    format_tracker,
)
from tinnhiem.ballots.board import GENESIS
from tinnhiem.crypto import CredentialKey
from tinnhiem.poll import Election
from tinnhiem.record import ElectionRecord, RecordedBallot, payload_hash
from tinnhiem.tally import load_rule_source

MarksFn = Callable[[int, int, random.Random], Mark | None]


@dataclass
class Poll:
    election: Election
    keys: dict[bytes, CredentialKey]
    marks: list[dict[str, Mark]]  # what each counted ballot says, in casting order

    def record(self) -> ElectionRecord:
        return self.election.record()

    def plain_counts(self) -> dict[str, Counter[Mark]]:
        """Count the marks in the clear, per official (blank rows as Mark.BLANK)."""
        out: dict[str, Counter[Mark]] = {o.id: Counter() for o in self.election.manifest.officials}
        for marks in self.marks:
            for o in self.election.manifest.officials:
                out[o.id][marks.get(o.id, Mark.BLANK)] += 1
        return out


def random_marks(kind: RoundKind) -> MarksFn:
    choices = (
        [Mark.HIGH, Mark.HIGH, Mark.CONFIDENT, Mark.LOW, Mark.BLANK]
        if kind is RoundKind.POLL
        else [Mark.CONFIDENCE, Mark.NO_CONFIDENCE, Mark.BLANK]
    )

    def fn(voter: int, official: int, rng: random.Random) -> Mark | None:
        mark = rng.choice(choices)
        return None if mark is Mark.BLANK else mark

    return fn


def build_poll(
    *,
    officials: int = 6,
    voters: int = 30,
    issued: int | None = None,
    rule: str = "qd96-2023",
    marks_fn: MarksFn | None = None,
    present: tuple[int, ...] = (1, 2, 3, 5),
    revote: RevotePolicy = RevotePolicy.REJECT,
    exempt: tuple[tuple[str, str], ...] = (),
    seed: int = 7,
    workers: int = 1,
    encoding: Encoding = Encoding.PACKED,
    summoned: int | None = None,
) -> Poll:
    """A finished round: ``issued`` credentials (default: ``voters``) of ``voters`` summoned;
    every credential holder votes with ``marks_fn``."""
    source = load_rule_source(rule)
    kind = RoundKind(source.rule.kind.value)
    manifest = Manifest(
        round_id=f"test-{seed}",
        body="Hội đồng nhân dân xã (thử)",
        title="Thử nghiệm",
        kind=kind,
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(
            Official(f"o{i + 1}", f"Người {i + 1}", f"Chức vụ {i + 1}", i + 1)
            for i in range(officials)
        ),
        exempt=tuple(
            ExemptOfficial(f"x{i + 1}", name, "Phó Chủ tịch", reason)
            for i, (name, reason) in enumerate(exempt)
        ),
        summoned=summoned or voters,
        committee=tuple(CommitteeMember(i + 1, f"Thành viên {i + 1}") for i in range(5)),
        threshold=3,
        weight_base=(summoned or voters) + 1,
        encoding=encoding,
        revote=revote,
        date="2026-11-29",
    )
    election = Election(manifest, source)
    election.key_ceremony()
    keys = [CredentialKey.generate() for _ in range(voters if issued is None else issued)]
    election.open(k.public for k in keys)
    rng = random.Random(seed)
    fn = marks_fn or random_marks(kind)
    all_marks = []
    ballots = []
    for v, key in enumerate(keys):
        marks = {}
        for j, o in enumerate(manifest.officials):
            mark = fn(v, j, rng)
            if mark is not None:
                marks[o.id] = mark
        all_marks.append(marks)
        ballots.append(cast_ballot(manifest, election.fingerprint, election.public_key, key, marks))
    outcomes = election.cast_many(ballots, workers=workers)
    assert all(hasattr(o, "tracker") for o in outcomes), outcomes
    election.close(workers=workers)
    election.decrypt(present)
    election.results()
    return Poll(election, {k.public: k for k in keys}, all_marks)


def reseal(
    record: ElectionRecord,
    keys: dict[bytes, CredentialKey] | None = None,
) -> ElectionRecord:
    """A forger's best effort: re-sign the ballots (with the voters' keys, when given),
    recompute every ballot hash and tracker and rebuild the whole board hash chain, so that
    only the deep checks (proofs, sums, decryption, rule) can catch a change."""
    fp = record.fingerprint
    ballots = []
    for rb in record.ballots:
        b = rb.ballot
        if keys is not None and b.credential in keys:
            digest = b.digest(fp)
            b = replace(b, signature=keys[b.credential].sign(digest))
        h = b.ballot_hash(fp)
        ballots.append(RecordedBallot(b, h, format_tracker(h), rb.board_index))
    record = replace(record, ballots=tuple(ballots))
    posts = [(k, payload_hash(k, p)) for k, p in record.section_payloads()]
    posts += [("ballot", b.hash) for b in record.ballots]
    posts += [(k, payload_hash(k, p)) for k, p in record.closing_payloads()]
    entries = []
    prev = GENESIS
    for i, (kind, digest) in enumerate(posts):
        h = entry_hash(i, prev, kind, digest)
        entries.append(BoardEntry(i, prev, kind, digest, h))
        prev = h
    return replace(record, board=tuple(entries), head=prev)


def with_row(record: ElectionRecord, ballot: int, row: int, **changes: Any) -> ElectionRecord:
    """The record with one ballot row's fields replaced."""
    rb = record.ballots[ballot]
    rows = list(rb.ballot.rows)
    rows[row] = replace(rows[row], **changes)
    new_ballot = replace(rb.ballot, rows=tuple(rows))
    ballots = list(record.ballots)
    ballots[ballot] = replace(rb, ballot=new_ballot)
    return replace(record, ballots=tuple(ballots))


__all__ = ["BallotRow", "Poll", "build_poll", "random_marks", "reseal", "with_row"]
