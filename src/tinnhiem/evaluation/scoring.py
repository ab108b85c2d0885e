"""Scores (điểm kết quả công việc): per assignment completion × timeliness × quality, and per
official the weighted mean over the assignments they share.

Definitions (all exact ``Fraction``s; ``at`` is the evaluation date):

- verified progress ``p``: the latest verified progress update on or before ``at``.
- completion ``c = p``; for an ambitious assignment ``c = min(1, p / a)`` with
  ``a = policy.ambitious_success_fraction`` (0.7: reaching 70% of the target is success).
- finished on: the first update date with ``c = 1``.
- excused due date: ``due + excused days``.
- timeliness ``t``: finished: the policy step for ``max(0, finished − excused due)`` days
  late; unfinished: 1 until the excused due date, ``policy.unfinished_timeliness`` after.
- quality ``q = score / policy.quality_scale_max`` of the latest independent review on or
  before ``at``; ``policy.missing_review_quality`` without one.
- assignment score ``s = c · t · q``.
- official score ``Σ w·share·s / Σ w·share`` over the assignments the official owns.
- programme score ``Σ w·s / Σ w``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from tinnhiem.evaluation.errors import ProgrammeError
from tinnhiem.evaluation.policy import EvaluationPolicy
from tinnhiem.evaluation.programme import Assignment, WorkProgramme

__all__ = [
    "AssignmentScore",
    "OfficialScore",
    "ProgrammeScores",
    "score_assignment",
    "score_programme",
]


@dataclass(frozen=True)
class AssignmentScore:
    """The score of one đề án with its three factors and how they were reached."""

    assignment: Assignment
    verified: Fraction
    completion: Fraction
    timeliness: Fraction
    quality: Fraction
    finished_on: date | None
    days_late: int | None
    planned: Fraction
    reviewed: bool

    @property
    def score(self) -> Fraction:
        """``completion × timeliness × quality``."""
        return self.completion * self.timeliness * self.quality

    @property
    def schedule_index(self) -> Fraction | None:
        """EV/PV at the evaluation date; None while nothing is planned."""
        return None if self.planned == 0 else self.verified / self.planned


@dataclass(frozen=True)
class OfficialScore:
    """An official's work score: ``Σ w·share·s / Σ w·share`` over their assignments."""

    official: str
    score: Fraction
    parts: tuple[tuple[AssignmentScore, Fraction], ...]  # (assignment score, share)

    @property
    def led(self) -> int:
        """How many assignments this official leads."""
        return sum(1 for part, _ in self.parts if part.assignment.lead == self.official)


@dataclass(frozen=True)
class ProgrammeScores:
    """All scores of a programme at one date under one policy."""

    programme: WorkProgramme
    at: date
    policy_sha256: str
    assignments: tuple[AssignmentScore, ...]
    officials: dict[str, OfficialScore]
    score: Fraction
    schedule_index: Fraction | None


def score_assignment(
    assignment: Assignment, policy: EvaluationPolicy, at: date, cycle_start: date
) -> AssignmentScore:
    """Score one assignment at ``at`` (see the module docstring for every definition)."""
    verified = assignment.verified_at(at)
    success = policy.ambitious_success_fraction if assignment.ambitious else Fraction(1)

    def completion_of(p: Fraction) -> Fraction:
        return min(Fraction(1), p / success)

    completion = completion_of(verified)
    finished_on = next(
        (u.on for u in assignment.progress if u.on <= at and completion_of(u.verified) == 1),
        None,
    )
    excused_due = assignment.due + timedelta(days=assignment.excused_days)
    if finished_on is not None:
        days_late: int | None = max(0, (finished_on - excused_due).days)
        assert days_late is not None
        timeliness = policy.timeliness_factor(days_late)
    elif at <= excused_due:
        days_late, timeliness = None, Fraction(1)
    else:
        days_late, timeliness = (at - excused_due).days, policy.unfinished_timeliness
    reviews = [r for r in assignment.reviews if r.on <= at]
    if reviews:
        score = reviews[-1].score
        if score > policy.quality_scale_max:
            raise ProgrammeError(
                f"quality score {score} is above the policy's scale maximum "
                f"{policy.quality_scale_max}",
                where=f"assignment {assignment.id}",
                field="score",
            )
        quality = score / policy.quality_scale_max
    else:
        quality = policy.missing_review_quality
    return AssignmentScore(
        assignment=assignment,
        verified=verified,
        completion=completion,
        timeliness=timeliness,
        quality=quality,
        finished_on=finished_on,
        days_late=days_late,
        planned=assignment.planned_at(at, cycle_start),
        reviewed=bool(reviews),
    )


def score_programme(
    programme: WorkProgramme, policy: EvaluationPolicy, at: date
) -> ProgrammeScores:
    """Score every assignment and every official of ``programme`` at ``at``."""
    scored = tuple(
        score_assignment(a, policy, at, programme.cycle_start) for a in programme.assignments
    )
    parts: dict[str, list[tuple[AssignmentScore, Fraction]]] = {}
    for s in scored:
        for owner in s.assignment.owners:
            parts.setdefault(owner.official, []).append((s, owner.share))
    officials = {}
    for official, items in parts.items():
        total_weight = sum((p.assignment.weight * share for p, share in items), Fraction(0))
        earned = sum((p.assignment.weight * share * p.score for p, share in items), Fraction(0))
        officials[official] = OfficialScore(official, earned / total_weight, tuple(items))
    total = sum((s.assignment.weight for s in scored), Fraction(0))
    overall = (
        sum((s.assignment.weight * s.score for s in scored), Fraction(0)) / total
        if total
        else Fraction(0)
    )
    return ProgrammeScores(
        programme=programme,
        at=at,
        policy_sha256=policy.sha256,
        assignments=scored,
        officials=officials,
        score=overall,
        schedule_index=programme.schedule_index(at),
    )
