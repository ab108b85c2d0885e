"""One evaluation of a body (đánh giá một cơ quan): the legal tally, unchanged, beside the
work scores, the confidence statistics, the flags for review, the rating suggestions, the
unit quota and the combined consequences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from tinnhiem.evaluation._numbers import fraction_text
from tinnhiem.evaluation.errors import EvaluationError
from tinnhiem.evaluation.flags import FlagAnalysis, FlagInput, FlagResult, flag_officials
from tinnhiem.evaluation.policy import EvaluationPolicy
from tinnhiem.evaluation.programme import WorkProgramme, bind_policy
from tinnhiem.evaluation.rating import (
    CombinedConsequence,
    QuotaCheck,
    RatingSuggestion,
    check_quota,
    combine_consequences,
    suggest_rating,
    task_record,
)
from tinnhiem.evaluation.scoring import OfficialScore, ProgrammeScores, score_programme
from tinnhiem.evaluation.sources import BODY_POLICY_VI, PARAMETER_BASIS
from tinnhiem.evaluation.stats import (
    BetaPrior,
    Comparison,
    ShareEstimate,
    TrendPoint,
    compare_shares,
    estimate_shares,
    trend,
)
from tinnhiem.rules import Outcome, PollCounts

__all__ = [
    "SCHEMA",
    "EvaluationReport",
    "OfficialEvaluation",
    "OtherPoll",
    "PollEntry",
    "evaluate_body",
    "report_document",
]

SCHEMA = "tinnhiem.evaluation/1"


@dataclass(frozen=True)
class PollEntry:
    """One official's row of the legal tally (biên bản kiểm phiếu) and the rule's outcome."""

    official: str
    position: str
    counts: PollCounts
    outcome: Outcome | None = None


@dataclass(frozen=True)
class OfficialEvaluation:
    """Everything the evaluation says about one official, the legal tally first."""

    official: str
    position: str
    unit: str
    poll: PollEntry | None
    work: OfficialScore | None
    share: ShareEstimate | None
    flag: FlagResult | None
    rating: RatingSuggestion
    consequences: tuple[CombinedConsequence, ...]
    trend: tuple[TrendPoint, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    hidden: tuple[str, ...] = ()  # rounds or bodies not shown: fewer raters than min_group


# Another round of the same body, or another body rating the same officials: (label, rows).
OtherPoll = tuple[str, Mapping[str, PollCounts]]


@dataclass(frozen=True)
class EvaluationReport:
    """The evaluation of a body at a date, under a locked policy whose hash it records."""

    programme: WorkProgramme
    at: date
    policy: EvaluationPolicy
    rule_label: str
    scores: ProgrammeScores
    officials: tuple[OfficialEvaluation, ...]
    prior: BetaPrior | None
    flags: FlagAnalysis | None
    quota: tuple[QuotaCheck, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def policy_sha256(self) -> str:
        """The hash of the policy the evaluation used."""
        return self.policy.sha256


def _share_counts(counts: PollCounts, which: str) -> tuple[int, int]:
    n = counts.high + counts.confident + counts.low
    k = counts.high if which == "high" else counts.high + counts.confident
    return k, n


def evaluate_body(
    programme: WorkProgramme,
    polls: Sequence[PollEntry],
    policy: EvaluationPolicy,
    *,
    at: date,
    rule_label: str = "",
    round_label: str = "",
    formal: Mapping[str, Outcome] | None = None,
    history: Sequence[OtherPoll] = (),
    other_bodies: Sequence[OtherPoll] = (),
    seed: int | None = None,
) -> EvaluationReport:
    """Evaluate ``programme`` with the poll rows ``polls`` at ``at``.

    The policy is locked once ``at`` reaches the cycle start (and refused if the programme
    recorded another policy's hash). ``seed`` overrides the policy's seed for the redraws.
    ``history`` holds earlier rounds of the same body, oldest first (the trend);
    ``other_bodies`` other bodies rating the same officials (side by side). ``round_label``
    names this round in both (default: the programme's year). Nothing in ``polls`` is
    changed; the report holds the same objects.
    """
    policy = bind_policy(programme, policy, at)
    scores = score_programme(programme, policy, at)
    by_official = {p.official: p for p in polls}
    if len(by_official) != len(polls):
        raise EvaluationError("an official appears twice in the poll rows")
    notes: list[str] = []
    if programme.cycle_start < date(2025, 8, 30):
        notes.append(
            f"chu kỳ bắt đầu {programme.cycle_start.isoformat()}, trước ngày Quy định "
            "366-QĐ/TW được ban hành (30/8/2025): phần trước ngày đó không thể đã theo QĐ 366 "
            "/ the cycle starts before QĐ 366 was issued (30 Aug 2025)"
        )
    if at < programme.cycle_end:
        notes.append(
            f"giữa kỳ ({at.isoformat()} < {programme.cycle_end.isoformat()}): điểm và xếp loại "
            "chỉ là tạm tính; xem SPI / mid-cycle: scores and ratings are provisional; read the "
            "schedule index"
        )
    share_input = []
    for p in polls:
        k, n = _share_counts(p.counts, policy.confidence_share)
        if n > 0:
            share_input.append((p.official, k, n))
    shares: dict[str, ShareEstimate] = {}
    prior: BetaPrior | None = None
    if len(share_input) >= 2:
        estimates, prior = estimate_shares(
            share_input, level=float(policy.interval_level), method=policy.shrinkage
        )
        shares = {e.official: e for e in estimates}
    else:
        notes.append("fewer than two officials with marks: no intervals or shrinkage")

    flag_points = [
        FlagInput(name, float(scores.officials[name].score), est.shrunk, *est.posterior)
        for name, est in shares.items()
        if name in scores.officials
    ]
    flags: FlagAnalysis | None = None
    try:
        flags = flag_officials(flag_points, policy, seed=seed)
    except EvaluationError as exc:
        notes.append(f"no flags: {exc}")
    flag_by = {r.official: r for r in flags.results} if flags else {}

    owners = set(programme.officials())
    notes.extend(
        f"{name}: có phiếu nhưng không có đề án / in the poll, owns no assignment"
        for name in by_official
        if name not in owners
    )
    notes.extend(
        f"{name}: có đề án nhưng không có phiếu / owns assignments, not in the poll"
        for name in programme.officials()
        if name not in by_official
    )
    names = list(by_official) + [o for o in programme.officials() if o not in by_official]
    rows = []
    formal = formal or {}
    for name in names:
        entry = by_official.get(name)
        work = scores.officials.get(name)
        rating = suggest_rating(
            name,
            programme.year,
            work_score=work.score if work else None,
            counts=entry.counts if entry else None,
            findings=programme.findings,
            policy=policy,
            tasks=task_record(work.parts) if work else None,
        )
        previous = programme.previous_rating(name)
        consequences = combine_consequences(
            poll=entry.outcome if entry else None,
            rating=rating,
            previous=[(programme.year - 1, previous)] if previous else [],
            formal=formal.get(name),
        )
        trend_points, comparisons, hidden = _beside(
            name, entry, round_label or str(programme.year), history, other_bodies, policy
        )
        rows.append(
            OfficialEvaluation(
                official=name,
                position=entry.position if entry else "",
                unit=programme.unit_of(name),
                poll=entry,
                work=work,
                share=shares.get(name),
                flag=flag_by.get(name),
                rating=rating,
                consequences=consequences,
                trend=trend_points,
                comparisons=comparisons,
                hidden=hidden,
            )
        )
    quota = check_quota(((r.unit, r.rating.rating) for r in rows), policy)
    return EvaluationReport(
        programme, at, policy, rule_label, scores, tuple(rows), prior, flags, quota, tuple(notes)
    )


def _beside(
    name: str,
    entry: PollEntry | None,
    label: str,
    history: Sequence[OtherPoll],
    other_bodies: Sequence[OtherPoll],
    policy: EvaluationPolicy,
) -> tuple[tuple[TrendPoint, ...], tuple[Comparison, ...], tuple[str, ...]]:
    """The official's trend across rounds and the comparison with other bodies.

    A round or body with fewer marks than the anonymity minimum is not shown (hidden).
    """
    if entry is None:
        return (), (), ()
    level = float(policy.interval_level)
    k, n = _share_counts(entry.counts, policy.confidence_share)
    hidden: list[str] = []

    def visible(other_label: str, counts: PollCounts) -> tuple[str, int, int] | None:
        ko, no = _share_counts(counts, policy.confidence_share)
        if no < policy.min_group:
            hidden.append(other_label)
            return None
        return other_label, ko, no

    if n < policy.min_group:
        return (), (), ()
    rounds = [visible(lbl, rows[name]) for lbl, rows in history if name in rows]
    past = [r for r in rounds if r is not None]
    trend_points = trend([*past, (label, k, n)], level) if past else ()
    others = [visible(lbl, rows[name]) for lbl, rows in other_bodies if name in rows]
    comparisons = tuple(compare_shares((label, k, n), o, level) for o in others if o)
    return trend_points, comparisons, tuple(hidden)


# -- a plain document (ints, strings, None) for JSON and the web ---------------------------


def _frac(value: Fraction | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"exact": fraction_text(value), "decimal": f"{float(value):.4f}"}


def _num(value: float | None, places: int = 4) -> str | None:
    return None if value is None else f"{value:.{places}f}"


def report_document(report: EvaluationReport) -> dict[str, Any]:
    """The report as nested dicts of strings, ints and None (floats as decimal strings), ready
    for the canonical JSON codec. Schema ``tinnhiem.evaluation/1`` (docs/evaluation.md)."""
    pol = report.policy
    programme = report.programme
    officials = []
    for r in report.officials:
        poll = None
        if r.poll is not None:
            c = r.poll.counts
            outcome = r.poll.outcome
            poll = {
                "issued": c.issued,
                "returned": c.returned,
                "high": c.high,
                "confident": c.confident,
                "low": c.low,
                "invalid": c.invalid,
                "base": outcome.base if outcome else None,
                "percent": dict(outcome.display_percentages) if outcome else None,
                "band": outcome.band.id if outcome and outcome.band else None,
                "consequences": [x.code for x in outcome.consequences] if outcome else [],
            }
        share = None
        if r.share is not None:
            s = r.share
            share = {
                "k": s.k,
                "n": s.n,
                "share": _frac(s.share),
                "wilson": [_num(s.wilson.low), _num(s.wilson.high)],
                "jeffreys": [_num(s.jeffreys.low), _num(s.jeffreys.high)],
                "shrunk": _num(s.shrunk),
                "shrunk_interval": [_num(s.shrunk_interval.low), _num(s.shrunk_interval.high)],
            }
        flag = None
        if r.flag is not None:
            f = r.flag
            flag = {
                "flag": f.flag.value if f.flag else None,
                "z": _num(f.z, 2),
                "residual": _num(f.residual),
                "frequency_above": _num(f.frequency_above, 3),
                "frequency_below": _num(f.frequency_below, 3),
            }
        officials.append(
            {
                "official": r.official,
                "position": r.position,
                "unit": r.unit,
                "poll": poll,
                "work_score": _frac(r.work.score) if r.work else None,
                "assignments": [p.assignment.id for p, _ in r.work.parts] if r.work else [],
                "confidence_share": share,
                "flag": flag,
                "rating": {
                    "level": r.rating.rating.value if r.rating.rating else None,
                    "points": _frac(r.rating.points),
                    "confidence_score": _frac(r.rating.confidence_score),
                    "reasons": list(r.rating.reasons),
                },
                "trend": [
                    {
                        "label": t.label,
                        "k": t.k,
                        "n": t.n,
                        "share": _frac(t.share),
                        "wilson": [_num(t.wilson.low), _num(t.wilson.high)],
                        "change": None
                        if t.change is None
                        else {
                            "difference": _num(t.change.difference),
                            "interval": [_num(t.change.interval.low), _num(t.change.interval.high)],
                            "clear": t.change.clear,
                        },
                    }
                    for t in r.trend
                ],
                "other_bodies": [
                    {
                        "body": c.second,
                        "share": _frac(c.second_share),
                        "difference": _num(c.difference),
                        "interval": [_num(c.interval.low), _num(c.interval.high)],
                        "clear": c.clear,
                    }
                    for c in r.comparisons
                ],
                "hidden": list(r.hidden),
                "consequences": [
                    {
                        "code": c.code,
                        "vi": c.text_vi,
                        "en": c.text_en,
                        "sources": [
                            {
                                "kind": s.kind,
                                "reference": s.reference,
                                "citation": s.citation,
                                "detail": s.detail,
                            }
                            for s in c.sources
                        ],
                    }
                    for c in r.consequences
                ],
            }
        )
    return {
        "schema": SCHEMA,
        "body": programme.body,
        "programme": programme.title,
        "cycle": [programme.cycle_start.isoformat(), programme.cycle_end.isoformat()],
        "at": report.at.isoformat(),
        "rule": report.rule_label,
        "policy": {
            "id": pol.id,
            "version": pol.version,
            "sha256": pol.sha256,
            "locked_on": pol.locked_on.isoformat() if pol.locked_on else None,
            "body_policy": BODY_POLICY_VI,
            "basis": [
                {
                    "parameter": b.parameter,
                    "vi": b.vi,
                    "basis": b.basis_vi,
                    "body_policy": b.source is None,
                    "source_kind": None if b.source is None else b.source.kind,
                    "url": None if b.source is None else b.source.url,
                }
                for b in PARAMETER_BASIS
            ],
        },
        "programme_score": _frac(report.scores.score),
        "schedule_index": _frac(report.scores.schedule_index),
        "assignments": [
            {
                "id": s.assignment.id,
                "title": s.assignment.title,
                "lead": s.assignment.lead,
                "ambitious": s.assignment.ambitious,
                "weight": fraction_text(s.assignment.weight),
                "verified": _frac(s.verified),
                "completion": _frac(s.completion),
                "timeliness": _frac(s.timeliness),
                "quality": _frac(s.quality),
                "score": _frac(s.score),
                "days_late": s.days_late,
                "schedule_index": _frac(s.schedule_index),
            }
            for s in report.scores.assignments
        ],
        "prior": None
        if report.prior is None
        else {"a": _num(report.prior.a), "b": _num(report.prior.b), "method": report.prior.method},
        "flags": None
        if report.flags is None
        else {
            "slope": _num(report.flags.slope),
            "intercept": _num(report.flags.intercept),
            "scale": _num(report.flags.scale),
            "threshold": _num(report.flags.threshold, 2),
            "min_frequency": _num(report.flags.min_frequency, 2),
            "draws": report.flags.draws,
            "seed": report.flags.seed,
            "caveats": [{"vi": vi, "en": en} for vi, en in report.flags.caveats],
        },
        "quota": [
            {
                "unit": q.unit,
                "excellent": q.excellent,
                "good": q.good,
                "limit": fraction_text(q.limit),
                "ok": q.ok,
            }
            for q in report.quota
        ],
        "officials": officials,
        "notes": list(report.notes),
    }
