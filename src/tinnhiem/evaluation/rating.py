"""The annual rating suggestion (gợi ý xếp loại) on the 100-point scale of Quy định 366-QĐ/TW,
the unit quota for "excellent", and the rule consequences combined with their sources.

What QĐ 366 states is applied and cited (the levels at 90 / 70 / 50 points and, Điều 11, the
task conditions of the two top levels); how the points are computed (the work : confidence
weights, the lateness factors) is the body's own policy and every reason says so
(tinnhiem.evaluation.sources). A suggestion is advice to the personnel office, computed
exactly (``Fraction``); the decision stays with the competent authority.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tinnhiem.evaluation.levels import Finding, Rating
from tinnhiem.evaluation.policy import EvaluationPolicy
from tinnhiem.evaluation.scoring import AssignmentScore
from tinnhiem.evaluation.sources import BODY_POLICY_VI, QD366, rating_regulation
from tinnhiem.rules import Outcome, PollCounts, format_number

__all__ = [
    "CombinedConsequence",
    "ConsequenceSource",
    "QuotaCheck",
    "RatingSuggestion",
    "TaskRecord",
    "check_quota",
    "combine_consequences",
    "confidence_score",
    "format_points",
    "suggest_rating",
    "task_record",
]

_EXCEED_SHARE = Fraction(3, 10)  # QĐ 366, Điều 11, khoản 1: "ít nhất 30% ... vượt mức yêu cầu"


def _rating_citation(year: int) -> str:
    return f"{rating_regulation(year)}, thang 100 điểm"


@dataclass(frozen=True)
class TaskRecord:
    """An official's assigned tasks (đề án) at the evaluation date, for QĐ 366 Điều 11.

    ``on_time`` counts the tasks finished by their (excused) due date; ``exceeded`` those
    finished on time that the body counts as "vượt mức yêu cầu" (its reading, see
    ``sources.EXCEEDS_MAPPING_VI``).
    """

    total: int
    on_time: int
    exceeded: int

    @property
    def all_on_time(self) -> bool:
        """ "Hoàn thành 100% các nhiệm vụ được giao, đúng hạn"."""
        return self.total > 0 and self.on_time == self.total

    @property
    def exceeded_enough(self) -> bool:
        """At least 30% of the tasks exceeded the requirement (exact: 10·exceeded ≥ 3·total)."""
        return self.total > 0 and self.exceeded >= _EXCEED_SHARE * self.total


_DISMISSAL_CITATION = (
    "Quy định 41-QĐ/TW (2021): căn cứ miễn nhiệm — 2 năm liên tiếp không hoàn thành nhiệm vụ"
)


@dataclass(frozen=True)
class RatingSuggestion:
    """The suggested rating of one official for one year, with the points and the reasons."""

    official: str
    year: int
    rating: Rating | None
    points: Fraction | None
    work_score: Fraction | None
    confidence_score: Fraction | None
    findings: tuple[Finding, ...]
    reasons: tuple[str, ...]


def confidence_score(counts: PollCounts) -> Fraction | None:
    """``(high + confident/2) / valid marks`` from the legal tally, exact; None without marks."""
    marks = counts.high + counts.confident + counts.low
    if marks == 0:
        return None
    return (counts.high + Fraction(counts.confident, 2)) / marks


def suggest_rating(
    official: str,
    year: int,
    *,
    work_score: Fraction | None,
    counts: PollCounts | None,
    findings: Sequence[Finding],
    policy: EvaluationPolicy,
    tasks: TaskRecord | None = None,
) -> RatingSuggestion:
    """Suggest the rating: points = 100 × (work weight × work + confidence weight × confidence).

    Without a poll the points are 100 × work score. Without a work score there are no points
    and no suggestion unless a disqualifying finding decides it. A disqualifying finding makes
    the rating "not completed" whatever the points. With ``tasks``, the conditions QĐ 366
    sets for the top two levels are checked: "excellent" needs every task on time and at
    least 30% exceeding the requirement, "good" every task on time; a level whose condition
    fails falls to the next one.
    """
    conf = confidence_score(counts) if counts is not None else None
    points: Fraction | None = None
    reasons: list[str] = []
    if work_score is not None:
        if conf is None:
            points = 100 * work_score
            reasons.append(
                "không có phiếu tín nhiệm: điểm = 100 × kết quả công việc (chính sách riêng "
                "của cơ quan) / no poll: points = 100 × work score (the body's own policy)"
            )
        else:
            points = 100 * (policy.work_weight * work_score + policy.confidence_weight * conf)
            reasons.append(
                f"điểm = 100 × ({policy.work_weight} × công việc + {policy.confidence_weight} × "
                f"tín nhiệm): {BODY_POLICY_VI}"
            )
    else:
        reasons.append("không có đề án được giao: chưa đủ căn cứ / no assignment: no evidence")
    bad = tuple(f for f in findings if f.official == official and f.disqualifies(policy))
    rating: Rating | None = None
    if bad:
        rating = Rating.NOT_COMPLETED
        reasons.extend(f"{f.kind.value}{' ' + f.level if f.level else ''}: {f.source}" for f in bad)
    elif points is not None:
        if points >= policy.excellent_min:
            rating = Rating.EXCELLENT
        elif points >= policy.good_min:
            rating = Rating.GOOD
        elif points >= policy.completed_min:
            rating = Rating.COMPLETED
        else:
            rating = Rating.NOT_COMPLETED
        reasons.append(f"{format_points(points)} điểm / points ({_rating_citation(year)})")
        if tasks is not None:
            rating = _top_conditions(rating, tasks, year, reasons)
    return RatingSuggestion(official, year, rating, points, work_score, conf, bad, tuple(reasons))


def task_record(parts: Iterable[tuple[AssignmentScore, Fraction]]) -> TaskRecord:
    """The TaskRecord of an official from their scored assignments (``OfficialScore.parts``):
    on time = finished with no day late after the excused due date; exceeded = on time and
    the independent review at the top of its scale (the body's reading of "vượt mức")."""
    total = on_time = exceeded = 0
    for part, _share in parts:
        total += 1
        if part.completion == 1 and part.days_late == 0:
            on_time += 1
            if part.reviewed and part.quality == 1:
                exceeded += 1
    return TaskRecord(total, on_time, exceeded)


def format_points(points: Fraction) -> str:
    """Points with two decimals and a decimal comma, half up (``87,20``)."""
    return format_number(points, 2)


def _top_conditions(rating: Rating, tasks: TaskRecord, year: int, reasons: list[str]) -> Rating:
    """Lower a top level whose QĐ 366 task condition fails (Điều 11, khoản 1 and 2)."""
    cite = f"{QD366.document}, Điều 11" if year >= 2025 else rating_regulation(year)
    if rating is Rating.EXCELLENT and not (tasks.all_on_time and tasks.exceeded_enough):
        reasons.append(
            f"chưa đủ điều kiện mức xuất sắc: {tasks.on_time}/{tasks.total} nhiệm vụ đúng hạn, "
            f"{tasks.exceeded} vượt mức yêu cầu (cần 100% đúng hạn và ít nhất 30% vượt mức) "
            f"[{cite}]"
        )
        rating = Rating.GOOD
    if rating is Rating.GOOD and not tasks.all_on_time:
        reasons.append(
            f"chưa đủ điều kiện mức tốt: {tasks.on_time}/{tasks.total} nhiệm vụ đúng hạn "
            f"(cần 100% đúng hạn, bảo đảm chất lượng) [{cite}]"
        )
        rating = Rating.COMPLETED
    return rating


@dataclass(frozen=True)
class QuotaCheck:
    """ "Excellent" at most ``quota`` × the number rated "good" in one unit (exact)."""

    unit: str
    excellent: int
    good: int
    quota: Fraction

    @property
    def limit(self) -> Fraction:
        """``quota × good``, exact."""
        return self.quota * self.good

    @property
    def max_excellent(self) -> int:
        """The largest whole number of "excellent" the quota allows."""
        return math.floor(self.limit)

    @property
    def ok(self) -> bool:
        """True when ``excellent <= quota × good``."""
        return self.excellent <= self.limit


def check_quota(
    records: Iterable[tuple[str, Rating | None]], policy: EvaluationPolicy
) -> tuple[QuotaCheck, ...]:
    """Check the "excellent" quota per unit over ``(unit, rating)`` records."""
    excellent: dict[str, int] = {}
    good: dict[str, int] = {}
    for unit, rating in records:
        excellent.setdefault(unit, 0)
        good.setdefault(unit, 0)
        if rating is Rating.EXCELLENT:
            excellent[unit] += 1
        elif rating is Rating.GOOD:
            good[unit] += 1
    return tuple(
        QuotaCheck(unit, excellent[unit], good[unit], policy.excellent_quota_of_good)
        for unit in sorted(excellent)
    )


@dataclass(frozen=True)
class ConsequenceSource:
    """Where a combined consequence comes from: a poll, a formal vote or a year's rating."""

    kind: str  # "poll" | "formal_vote" | "rating" | "rule"
    reference: str
    citation: str
    detail: str


@dataclass(frozen=True)
class CombinedConsequence:
    """A consequence with every source it rests on (hệ quả tổng hợp)."""

    code: str
    text_vi: str
    text_en: str
    sources: tuple[ConsequenceSource, ...]


def _poll_source(outcome: Outcome, label: str, kind: str) -> ConsequenceSource:
    band = outcome.band
    detail = f"band {band.id}: {band.formula()}" if band is not None else "no band"
    citation = "; ".join(dict.fromkeys(c.citation for c in outcome.consequences)) or ""
    return ConsequenceSource(kind, f"{label} ({outcome.rule_id})", citation, detail)


def _rating_source(year: int, rating: Rating, points: Fraction | None) -> ConsequenceSource:
    detail = rating.text_vi + (f", {format_points(points)} điểm" if points is not None else "")
    return ConsequenceSource("rating", f"xếp loại {year}", _rating_citation(year), detail)


def combine_consequences(
    *,
    poll: Outcome | None,
    rating: RatingSuggestion | None,
    previous: Sequence[tuple[int, Rating]] = (),
    formal: Outcome | None = None,
    poll_label: str = "lấy phiếu / poll",
    formal_label: str = "bỏ phiếu / formal vote",
) -> tuple[CombinedConsequence, ...]:
    """The poll's (and formal vote's) own consequences plus those the rating adds, each with
    its sources:

    - a poll in a band below the mandatory trigger plus "not completed" opens the resignation
      path (mở đường từ chức);
    - "not completed" this year and the year before is a dismissal ground (căn cứ miễn nhiệm);
    - a mandatory dismissal (poll or formal vote) closes the resignation path, unless the
      rule keeps it open (a formal vote under the Law: "có thể xin từ chức. Trường hợp không
      từ chức thì ... trình ... miễn nhiệm", so ``outcome.resignation_open`` stays true).
    """
    out: list[CombinedConsequence] = []
    for outcome, label, kind in ((poll, poll_label, "poll"), (formal, formal_label, "formal_vote")):
        if outcome is None:
            continue
        source = _poll_source(outcome, label, kind)
        for c in outcome.consequences:
            s = ConsequenceSource(kind, source.reference, c.citation, source.detail)
            out.append(CombinedConsequence(c.code, c.text_vi, c.text_en, (s,)))
    mandatory = [
        o for o in (poll, formal) if o is not None and o.mandatory and not o.resignation_open
    ]
    not_completed = rating is not None and rating.rating is Rating.NOT_COMPLETED
    if rating is not None and not_completed:
        this_year = _rating_source(rating.year, Rating.NOT_COMPLETED, rating.points)
        before = [r for y, r in previous if y == rating.year - 1]
        if before and before[0] is Rating.NOT_COMPLETED:
            out.append(
                CombinedConsequence(
                    "dismissal_ground_two_years",
                    "Hai năm liên tiếp không hoàn thành nhiệm vụ: căn cứ xem xét miễn nhiệm",
                    "Not completed two years running: a ground for dismissal",
                    (
                        _rating_source(rating.year - 1, Rating.NOT_COMPLETED, None),
                        this_year,
                        ConsequenceSource(
                            "rule",
                            "Quy định 41-QĐ/TW",
                            _DISMISSAL_CITATION,
                            "căn cứ miễn nhiệm / dismissal ground",
                        ),
                    ),
                )
            )
        in_band = poll is not None and poll.band is not None
        if in_band and poll is not None:
            opened = (_poll_source(poll, poll_label, "poll"), this_year)
            if mandatory:
                triggers = tuple(
                    _poll_source(
                        o,
                        poll_label if o is poll else formal_label,
                        "poll" if o is poll else "formal_vote",
                    )
                    for o in mandatory
                )
                out.append(
                    CombinedConsequence(
                        "resignation_path_closed",
                        "Đường từ chức đóng lại: đã có căn cứ bắt buộc miễn nhiệm",
                        "Resignation path closed: a mandatory dismissal trigger holds",
                        triggers + opened,
                    )
                )
            else:
                out.append(
                    CombinedConsequence(
                        "resignation_path_opened",
                        "Tín nhiệm thấp và không hoàn thành nhiệm vụ: mở đường xin từ chức",
                        "Low confidence and not completed: the resignation path is open",
                        opened,
                    )
                )
    return tuple(out)
