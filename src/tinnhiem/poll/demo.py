"""Realistic demonstration rounds, generated from a seed (vòng lấy phiếu mẫu).

Three bodies a Vietnamese official recognises (``DemoConfig.body``):

- ``hdnd``: a provincial People's Council (tens of delegates) rates the posts it elects
  (NQ 96/2023/QH15, Điều 2), under ``nq96-2023``;
- ``party``: a provincial Party executive committee rates its standing committee, under
  ``qd96-2023``;
- ``quochoi``: the National Assembly (480 voting of 499 deputies) rates 44 posts, under
  ``nq96-2023``: the large case of the benchmark.

Vietnamese names and posts from seeded lists, voters who mostly give high confidence, a
few who abstain or leave a row blank, a couple of officials in the first band, a committee
of five with threshold three of whom one is absent at decryption. The seed fixes the
roster and the marks; the cryptographic randomness is always fresh.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
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
from tinnhiem.demo_data import ROSTERS, demo_posts, vietnamese_names
from tinnhiem.errors import InputError
from tinnhiem.poll.engine import PollEngine
from tinnhiem.poll.simulation import Election
from tinnhiem.tally import RuleSource

__all__ = [
    "BODIES",
    "DemoBodySpec",
    "DemoConfig",
    "DemoRun",
    "demo_ballot_json",
    "demo_manifest",
    "demo_marks",
    "make_ballots",
    "marks_for_counts",
    "run_demo",
    "vietnamese_names",
]


@dataclass(frozen=True)
class DemoBodySpec:
    """One demo body: who rates whom, under which rule, where and when."""

    code: str
    rule: str
    body: str
    title: str
    session: str
    venue: str
    officials: int
    exempt: int
    voters: int
    members: int
    date: str
    committee_roles: tuple[str, ...]


_HDND_COMMITTEE = (
    "Trưởng Ban kiểm phiếu",
    "Thư ký Ban kiểm phiếu",
    "Ủy viên Ban kiểm phiếu",
    "Ủy viên Ban kiểm phiếu",
    "Ủy viên Ban kiểm phiếu",
)

BODIES: dict[str, DemoBodySpec] = {
    "hdnd": DemoBodySpec(
        code="hdnd",
        rule="nq96-2023",
        body="Hội đồng nhân dân tỉnh Mẫu",
        title=("Lấy phiếu tín nhiệm đối với người giữ chức vụ do Hội đồng nhân dân tỉnh bầu"),
        session="Kỳ họp thứ mười chín, Hội đồng nhân dân tỉnh Mẫu khóa X, nhiệm kỳ 2021 - 2026",
        venue="Hội trường Trung tâm Hội nghị tỉnh Mẫu",
        officials=25,
        exempt=2,
        voters=72,
        members=75,
        date="2026-11-29",
        committee_roles=_HDND_COMMITTEE,
    ),
    "party": DemoBodySpec(
        code="party",
        rule="qd96-2023",
        body="Ban Chấp hành Đảng bộ tỉnh Mẫu",
        title="Lấy phiếu tín nhiệm đối với Ủy viên Ban Thường vụ Tỉnh ủy",
        session="Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ mười hai, nhiệm kỳ 2025 - 2030",
        venue="Hội trường Tỉnh ủy Mẫu",
        officials=14,
        exempt=1,
        voters=51,
        members=53,
        date="2026-12-10",
        committee_roles=_HDND_COMMITTEE,
    ),
    "quochoi": DemoBodySpec(
        code="quochoi",
        rule="nq96-2023",
        body="Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam (mẫu)",
        title=("Lấy phiếu tín nhiệm đối với người giữ chức vụ do Quốc hội bầu hoặc phê chuẩn"),
        session="Kỳ họp thứ mười, Quốc hội khóa XV",
        venue="Nhà Quốc hội, Hà Nội",
        officials=44,
        exempt=2,
        voters=480,
        members=499,
        date="2026-10-25",
        committee_roles=_HDND_COMMITTEE,
    ),
}


@dataclass(frozen=True)
class DemoConfig:
    """What the demo generates; ``seed`` fixes the roster and the marks. ``officials`` and
    ``voters`` default to the body's (``BODIES``)."""

    officials: int | None = None
    voters: int | None = None
    seed: int = 2026
    body: str = "hdnd"
    committee: int = 5
    threshold: int = 3
    absent: tuple[int, ...] = (4,)
    abstain_rate: float = 0.01
    blank_rate: float = 0.004
    exempt: int | None = None
    first_band: int = 2

    @property
    def spec(self) -> DemoBodySpec:
        """The body this demo rates."""
        if self.body not in BODIES:
            raise InputError(
                f"unknown demo body {self.body!r}: use {', '.join(BODIES)}", where="--body"
            )
        return BODIES[self.body]

    @property
    def n_officials(self) -> int:
        return self.spec.officials if self.officials is None else self.officials

    @property
    def n_voters(self) -> int:
        return self.spec.voters if self.voters is None else self.voters

    @property
    def n_members(self) -> int:
        """Every member of the body (all summoned); as many stay away as in the body's spec."""
        spec = self.spec
        return spec.members if self.voters is None else self.voters + spec.members - spec.voters

    @property
    def n_exempt(self) -> int:
        return self.spec.exempt if self.exempt is None else self.exempt

    def check(self) -> None:
        spec = self.spec
        if self.n_officials < 1:
            raise InputError("at least one official is needed", where="--officials")
        room = len(ROSTERS[spec.code])
        if self.n_officials + self.n_exempt > room:
            raise InputError(
                f"the {spec.code} demo rates at most {room - self.n_exempt} officials "
                f"(the posts the body really rates)",
                where="--officials",
            )
        if self.n_voters < 1:
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
    spec = config.spec
    n, n_exempt = config.n_officials, config.n_exempt
    rng = random.Random(config.seed)
    names = vietnamese_names(rng, n + n_exempt + config.committee)
    posts = demo_posts(n + n_exempt, spec.code)
    officials = tuple(Official(f"cb{i + 1:03d}", names[i], posts[i], i + 1) for i in range(n))
    reasons = [e.reason_vi for e in rule.rule.exemptions] or ["Đã có thông báo nghỉ hưu"]
    exempt = tuple(
        ExemptOfficial(f"cb{n + k + 1:03d}", names[n + k], posts[n + k], reasons[k % len(reasons)])
        for k in range(n_exempt)
    )
    members = tuple(
        CommitteeMember(k + 1, names[n + n_exempt + k]) for k in range(config.committee)
    )
    kind = RoundKind(rule.rule.kind.value)
    return Manifest(
        round_id=f"demo-{spec.code}-{config.seed}",
        body=spec.body,
        title=spec.title if kind is RoundKind.POLL else "Bỏ phiếu tín nhiệm",
        kind=kind,
        rule_id=rule.id,
        rule_version=rule.digest,
        officials=officials,
        exempt=exempt,
        summoned=config.n_members,  # every member is summoned; ``voters`` of them attend
        committee=members,
        threshold=config.threshold,
        weight_base=config.n_members + 1,
        revote=RevotePolicy.REJECT,
        date=spec.date,
        members=config.n_members,
    )


def demo_marks(config: DemoConfig, manifest: Manifest) -> list[dict[str, Mark]]:
    """Each voting voter's marks (abstainers are left out), seeded.

    Most officials draw high ≈ 70 %, confident ≈ 22 %, low ≈ 8 %; ``first_band`` officials
    draw low ≈ 56 %, inside the first band (more than half, less than two thirds).
    """
    rng = random.Random(config.seed * 7919 + 1)
    n = len(manifest.officials)
    weak = set(rng.sample(range(n), min(config.first_band, n)))
    voting = [v for v in range(config.n_voters) if rng.random() >= config.abstain_rate]
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
    keys = [CredentialKey.generate() for _ in range(config.n_voters)]
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


# -- the demo's players for a hosted round (the web site's seeded finished round) ----------


def demo_ballot_json(engine: PollEngine, seed: bytes, marks: Mapping[str, Mark]) -> Any:
    """The JSON form of the ballot a voter's device seals with credential ``seed``."""
    key = CredentialKey.from_seed(seed)
    return cast_ballot(engine.manifest, engine.fingerprint, engine.public_key, key, marks).to_json()


def marks_for_counts(
    counts: Sequence[tuple[str, Mapping[str, int]]], voters: int, seed: int
) -> list[dict[str, Mark]]:
    """``voters`` ballots whose rows add up to the given counts per official (``high``,
    ``confident``, ``low``, ``blank``), each official's column shuffled with ``seed``."""
    rng = random.Random(seed)
    out: list[dict[str, Mark]] = [{} for _ in range(voters)]
    levels = (("high", Mark.HIGH), ("confident", Mark.CONFIDENT), ("low", Mark.LOW))
    for official_id, c in counts:
        column = [mark for level, mark in levels for _ in range(c.get(level, 0))]
        if len(column) > voters:
            raise InputError(f"{official_id}: more marks than voters", where="counts")
        column += [Mark.BLANK] * (voters - len(column))
        rng.shuffle(column)
        for ballot, mark in zip(out, column, strict=True):
            if mark is not Mark.BLANK:
                ballot[official_id] = mark
    return out
