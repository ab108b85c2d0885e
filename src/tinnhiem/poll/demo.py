"""A realistic demonstration round, generated from a seed (vòng lấy phiếu mẫu).

A provincial People's Council rates its officials: Vietnamese names and posts from seeded
lists, voters who mostly give high confidence, a few who abstain or leave a row blank, a
couple of officials in the first band, a committee of five with threshold three of whom
one is absent at decryption. The seed fixes the roster and the marks; the cryptographic
randomness is always fresh.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tinnhiem.ballots import (
    Ballot,
    CommitteeMember,
    ExemptOfficial,
    Manifest,
    Mark,
    Official,
    RevotePolicy,
    RoundKind,
    cast_ballot,
)
from tinnhiem.ballots.pool import chunked, parallel_map
from tinnhiem.crypto import CredentialKey, Point
from tinnhiem.demo_data import demo_posts, vietnamese_names
from tinnhiem.errors import InputError
from tinnhiem.poll.simulation import Election
from tinnhiem.tally import RuleSource

__all__ = [
    "DemoConfig",
    "DemoRun",
    "demo_manifest",
    "demo_marks",
    "make_ballots",
    "run_demo",
    "vietnamese_names",
]


@dataclass(frozen=True)
class DemoConfig:
    """What the demo generates; ``seed`` fixes the roster and the marks."""

    officials: int = 44
    voters: int = 480
    seed: int = 2026
    committee: int = 5
    threshold: int = 3
    absent: tuple[int, ...] = (4,)
    abstain_rate: float = 0.01
    blank_rate: float = 0.004
    exempt: int = 2
    first_band: int = 2

    def check(self) -> None:
        if self.officials < 1:
            raise InputError("at least one official is needed", where="--officials")
        if self.voters < 1:
            raise InputError("at least one voter is needed", where="--voters")
        if not 1 <= self.threshold <= self.committee:
            raise InputError("need 1 ≤ threshold ≤ committee", where="--threshold")
        present = self.committee - len(set(self.absent))
        if present < self.threshold:
            raise InputError(
                f"only {present} members present, {self.threshold} needed", where="absent"
            )


def demo_manifest(config: DemoConfig, rule: RuleSource) -> Manifest:
    """The round definition of the demo: roster, exemptions, committee, weights."""
    rng = random.Random(config.seed)
    names = vietnamese_names(rng, config.officials + config.exempt + config.committee)
    posts = demo_posts(config.officials + config.exempt)
    officials = tuple(
        Official(f"cb{i + 1:03d}", names[i], posts[i], i + 1) for i in range(config.officials)
    )
    reasons = [e.reason_vi for e in rule.rule.exemptions] or [
        "Đã có thông báo nghỉ hưu / retirement notice"
    ]
    exempt = tuple(
        ExemptOfficial(
            f"cb{config.officials + k + 1:03d}",
            names[config.officials + k],
            posts[config.officials + k],
            reasons[k % len(reasons)],
        )
        for k in range(config.exempt)
    )
    members = tuple(
        CommitteeMember(k + 1, names[config.officials + config.exempt + k])
        for k in range(config.committee)
    )
    kind = RoundKind(rule.rule.kind.value)
    return Manifest(
        round_id=f"demo-{config.seed}",
        body="Hội đồng nhân dân tỉnh (mẫu) / Provincial People's Council (demo)",
        title=(
            "Lấy phiếu tín nhiệm đối với người giữ chức vụ do HĐND bầu (mẫu)"
            if kind is RoundKind.POLL
            else "Bỏ phiếu tín nhiệm (mẫu)"
        ),
        kind=kind,
        rule_id=rule.id,
        rule_version=rule.digest,
        officials=officials,
        exempt=exempt,
        summoned=config.voters,
        committee=members,
        threshold=config.threshold,
        weight_base=config.voters + 1,
        revote=RevotePolicy.REJECT,
        date="2026-11-29",
    )


def demo_marks(config: DemoConfig, manifest: Manifest) -> list[dict[str, Mark]]:
    """Each voting voter's marks (abstainers are left out), seeded.

    Most officials draw high ≈ 70 %, confident ≈ 22 %, low ≈ 8 %; ``first_band`` officials
    draw low ≈ 56 %, inside the first band (more than half, less than two thirds).
    """
    rng = random.Random(config.seed * 7919 + 1)
    n = len(manifest.officials)
    weak = set(rng.sample(range(n), min(config.first_band, n)))
    voting = [v for v in range(config.voters) if rng.random() >= config.abstain_rate]
    poll = manifest.kind is RoundKind.POLL
    out = []
    for _ in voting:
        marks: dict[str, Mark] = {}
        for j, official in enumerate(manifest.officials):
            x = rng.random()
            if x < config.blank_rate:
                continue  # blank row
            x = rng.random()
            if poll:
                low, conf = (0.56, 0.30) if j in weak else (0.08, 0.22)
                mark = Mark.LOW if x < low else (Mark.CONFIDENT if x < low + conf else Mark.HIGH)
            else:
                mark = Mark.NO_CONFIDENCE if x < (0.56 if j in weak else 0.1) else (Mark.CONFIDENCE)
            marks[official.id] = mark
        out.append(marks)
    return out


_WORKER: dict[str, Any] = {}


def _init_caster(manifest: Manifest, fingerprint: bytes, public_key: bytes) -> None:
    _WORKER["args"] = (manifest, fingerprint, Point.from_bytes(public_key))


def _cast_chunk(chunk: Sequence[tuple[bytes, dict[str, Mark]]]) -> list[Ballot]:
    manifest, fingerprint, public_key = _WORKER["args"]
    return [
        cast_ballot(manifest, fingerprint, public_key, CredentialKey.from_seed(seed), marks)
        for seed, marks in chunk
    ]


def make_ballots(
    election: Election,
    voters: Sequence[tuple[CredentialKey, dict[str, Mark]]],
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[Ballot]:
    """Every voter's encrypted ballot (the voters' devices), on ``workers`` processes."""
    work = [(key.seed, marks) for key, marks in voters]
    size = max(1, min(16, len(work) // max(1, workers * 4)))
    chunks = parallel_map(
        _cast_chunk,
        chunked(work, size),
        workers=workers,
        initializer=_init_caster,
        initargs=(election.manifest, election.fingerprint, election.public_key.to_bytes()),
        progress=progress,
    )
    return [b for chunk in chunks for b in chunk]


@dataclass
class DemoRun:
    """The finished demo round and the time of each phase (seconds)."""

    election: Election
    timings: dict[str, float] = field(default_factory=dict)
    rejected: int = 0


Phase = Callable[[str, int], Callable[[int], None] | None]
"""``phase(name, total)`` announces a phase; it may return a progress callback."""


def run_demo(
    config: DemoConfig, rule: RuleSource, *, workers: int = 1, phase: Phase | None = None
) -> DemoRun:
    """Run the whole demo round up to its results (the record is ``run.election.record()``)."""
    config.check()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    def announce(name: str, total: int) -> Callable[[int], None] | None:
        return phase(name, total) if phase is not None else None

    announce("setup", 0)
    manifest = demo_manifest(config, rule)
    election = Election(manifest, rule)
    lap("setup")
    announce("key_ceremony", 0)
    election.key_ceremony()
    lap("key_ceremony")
    announce("credentials", 0)
    keys = [CredentialKey.generate() for _ in range(config.voters)]
    election.open(k.public for k in keys)
    marks = demo_marks(config, manifest)
    rng = random.Random(config.seed * 31 + 7)
    voting_keys = rng.sample(keys, len(marks))
    lap("credentials")
    ballots = make_ballots(
        election,
        list(zip(voting_keys, marks, strict=True)),
        workers=workers,
        progress=announce("encrypt", len(marks)),
    )
    lap("encrypt")
    outcomes = election.cast_many(ballots, workers=workers, progress=announce("cast", len(ballots)))
    rejected = sum(1 for o in outcomes if not hasattr(o, "tracker"))
    lap("cast")
    announce("tally", 0)
    election.close(workers=workers)
    lap("tally")
    announce("decrypt", 0)
    present = [m.index for m in manifest.committee if m.index not in set(config.absent)]
    election.decrypt(present)
    lap("decrypt")
    election.results()
    lap("results")
    return DemoRun(election, timings, rejected)
