"""Work programmes (chương trình công tác): a body's assignments (đề án) for one cycle.

Every value is frozen and checked when built; a broken rule raises :class:`ProgrammeError`
naming the assignment and the field. Progress is only what a verifier confirmed with evidence;
quality is only what an independent reviewer scored; a delay caused by others is excused only
with its approver. Nobody who owns an assignment may verify, review or excuse it.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from tinnhiem.evaluation.errors import (
    AmbitiousFlagError,
    PolicyLockedError,
    ProgrammeError,
)
from tinnhiem.evaluation.levels import Finding, OfficialInfo, Rating
from tinnhiem.evaluation.policy import EvaluationPolicy

__all__ = [
    "Assignment",
    "DelayExcuse",
    "Milestone",
    "ProgressUpdate",
    "QualityReview",
    "Share",
    "WorkProgramme",
    "bind_policy",
]


@dataclass(frozen=True)
class Share:
    """An owner of an assignment and their share of it (lead or co-owner, đồng chủ trì)."""

    official: str
    share: Fraction


@dataclass(frozen=True)
class Milestone:
    """A planned point (mốc): by ``on``, ``planned`` (0-1) of the work should be done."""

    on: date
    planned: Fraction
    title: str = ""


@dataclass(frozen=True)
class ProgressUpdate:
    """Verified progress (tiến độ đã xác minh): ``verified`` (0-1) done, with evidence."""

    on: date
    verified: Fraction
    evidence: str
    verifier: str


@dataclass(frozen=True)
class QualityReview:
    """The independent quality review (thẩm định chất lượng): rubric score, 0 to the scale max."""

    on: date
    reviewer: str
    score: Fraction
    comment: str = ""


@dataclass(frozen=True)
class DelayExcuse:
    """A delay caused by others (chậm do khách quan), excused by ``approver``."""

    days: int
    cause: str
    approver: str
    on: date | None = None


@dataclass(frozen=True)
class Assignment:
    """One đề án: lead official and co-owners with shares, due date, weight and evidence.

    ``ambitious_flagged_on`` is the day the assignment was flagged ambitious (dám nghĩ dám
    làm); None means it is not ambitious.
    """

    id: str
    title: str
    lead: str
    due: date
    weight: Fraction = Fraction(1)
    lead_share: Fraction | None = None
    co_owners: tuple[Share, ...] = ()
    ambitious_flagged_on: date | None = None
    milestones: tuple[Milestone, ...] = ()
    progress: tuple[ProgressUpdate, ...] = ()
    reviews: tuple[QualityReview, ...] = ()
    excuses: tuple[DelayExcuse, ...] = ()

    def __post_init__(self) -> None:
        def fail(message: str, name: str, item: object = None) -> None:
            raise ProgrammeError(message, where=f"assignment {self.id}", field=name, item=item)

        if not self.id.strip():
            fail("an assignment needs an id", "assignment")
        if not self.title.strip():
            fail("an assignment needs a title", "title")
        if not self.lead.strip():
            fail("an assignment needs a lead official", "official")
        if self.weight <= 0:
            fail("weight must be positive", "weight")
        co_total = sum((s.share for s in self.co_owners), Fraction(0))
        lead_share = Fraction(1) - co_total if self.lead_share is None else self.lead_share
        if lead_share <= 0:
            fail("the lead's share must be positive (co-owners take all of it)", "share")
        for s in self.co_owners:
            if s.share <= 0:
                fail("every co-owner's share must be positive", "share", s)
        if lead_share + co_total != 1:
            fail(f"shares add up to {lead_share + co_total}, not 1", "share")
        object.__setattr__(self, "lead_share", lead_share)
        owners = {self.lead}
        for s in self.co_owners:
            if s.official in owners:
                fail(f"{s.official} is listed twice among the owners", "official", s)
            owners.add(s.official)
        planned = sorted(self.milestones, key=lambda m: m.on)
        for m in planned:
            if not 0 <= m.planned <= 1:
                fail("a milestone's planned progress must lie in 0-100%", "percent", m)
        for before, m in itertools.pairwise(planned):
            if before.on == m.on:
                fail("two milestones on the same day", "date", m)
            if m.planned < before.planned:
                fail("planned progress must not fall from one milestone to the next", "percent", m)
        object.__setattr__(self, "milestones", tuple(planned))
        updates = sorted(self.progress, key=lambda u: u.on)
        for u in updates:
            if not 0 <= u.verified <= 1:
                fail("verified progress must lie in 0-100%", "percent", u)
            if not u.evidence.strip():
                fail("a progress update needs evidence (a link or document number)", "evidence", u)
            if not u.verifier.strip():
                fail("a progress update needs its verifier", "person", u)
            if u.verifier in owners:
                fail(f"{u.verifier} owns this assignment and cannot verify it", "person", u)
        object.__setattr__(self, "progress", tuple(updates))
        reviews = sorted(self.reviews, key=lambda r: r.on)
        for r in reviews:
            if r.score < 0:
                fail("a quality score must not be negative", "score", r)
            if not r.reviewer.strip():
                fail("a quality review needs its reviewer", "person", r)
            if r.reviewer in owners:
                fail(
                    f"{r.reviewer} owns this assignment; the review must be independent",
                    "person",
                    r,
                )
        object.__setattr__(self, "reviews", tuple(reviews))
        for e in self.excuses:
            if e.days <= 0:
                fail("an excused delay must be a positive number of days", "days", e)
            if not e.approver.strip():
                fail("an excused delay needs its approver", "person", e)
            if e.approver in owners:
                fail(f"{e.approver} owns this assignment and cannot excuse its delay", "person", e)
            if not e.cause.strip():
                fail("an excused delay needs its cause", "note", e)

    @property
    def ambitious(self) -> bool:
        """True when flagged ambitious before the cycle (dám nghĩ dám làm)."""
        return self.ambitious_flagged_on is not None

    @property
    def owners(self) -> tuple[Share, ...]:
        """The lead first, then the co-owners, each with their share."""
        assert self.lead_share is not None
        return (Share(self.lead, self.lead_share), *self.co_owners)

    @property
    def excused_days(self) -> int:
        """Days of delay excused by an approver."""
        return sum(e.days for e in self.excuses)

    def verified_at(self, at: date) -> Fraction:
        """The latest verified progress on or before ``at`` (0 before any update)."""
        done = Fraction(0)
        for u in self.progress:
            if u.on <= at:
                done = u.verified
        return done

    def planned_at(self, at: date, start: date) -> Fraction:
        """Planned progress at ``at``: linear between milestones, from 0 at ``start``."""
        points = [(start, Fraction(0)), *((m.on, m.planned) for m in self.milestones)]
        if at <= start:
            return Fraction(0)
        for (d0, p0), (d1, p1) in itertools.pairwise(points):
            if at <= d1:
                span = (d1 - d0).days
                return p1 if span <= 0 else p0 + (p1 - p0) * Fraction((at - d0).days, span)
        return points[-1][1]

    def flag_ambitious(self, on: date, cycle_start: date) -> Assignment:
        """This assignment flagged ambitious on ``on``; rejected after the cycle's start."""
        if on > cycle_start:
            raise AmbitiousFlagError(
                f"cờ 'dám nghĩ dám làm' đặt ngày {on.isoformat()}, sau khi chu kỳ bắt đầu "
                f"({cycle_start.isoformat()}) / an ambitious flag must be set before the cycle "
                "starts",
                where=f"assignment {self.id}",
                field="ambitious_flagged_on",
            )
        return dataclasses.replace(self, ambitious_flagged_on=on)


@dataclass(frozen=True)
class WorkProgramme:
    """A body's work programme for one cycle (usually a calendar year).

    ``policy_sha256``, when set, is the hash of the evaluation policy locked at the cycle
    start; an evaluation with any other policy is refused.
    """

    body: str
    title: str
    cycle_start: date
    cycle_end: date
    assignments: tuple[Assignment, ...] = field(default_factory=tuple)
    policy_sha256: str | None = None
    people: tuple[OfficialInfo, ...] = ()
    findings: tuple[Finding, ...] = ()

    def __post_init__(self) -> None:
        if not self.body.strip():
            raise ProgrammeError("a programme needs its body", where="programme", field="body")
        if self.cycle_end <= self.cycle_start:
            raise ProgrammeError(
                "the cycle must end after it starts", where="programme", field="due"
            )
        seen: set[str] = set()
        for a in self.assignments:
            if a.id in seen:
                raise ProgrammeError(
                    "two assignments with this id", where=f"assignment {a.id}", field="assignment"
                )
            seen.add(a.id)
            if a.ambitious_flagged_on is not None:
                a.flag_ambitious(a.ambitious_flagged_on, self.cycle_start)
        named: set[str] = set()
        for info in self.people:
            if info.official in named:
                raise ProgrammeError(
                    f"{info.official} is described twice",
                    where="official",
                    field="official",
                    item=info,
                )
            named.add(info.official)

    def unit_of(self, official: str) -> str:
        """The official's unit (đơn vị) for the quota; the body when none is given."""
        for info in self.people:
            if info.official == official and info.unit:
                return info.unit
        return self.body

    def previous_rating(self, official: str) -> Rating | None:
        """Last year's rating of the official, when the file gives it."""
        for info in self.people:
            if info.official == official:
                return info.previous_rating
        return None

    @property
    def year(self) -> int:
        """The year the cycle starts in."""
        return self.cycle_start.year

    def officials(self) -> tuple[str, ...]:
        """Every official who owns a share of some assignment, in first-seen order."""
        seen: dict[str, None] = {}
        for a in self.assignments:
            for s in a.owners:
                seen.setdefault(s.official, None)
        return tuple(seen)

    def schedule_index(self, at: date) -> Fraction | None:
        """Schedule index SPI = Σ w·EV / Σ w·PV at ``at`` (earned against planned, chỉ số tiến
        độ); None while nothing is planned yet."""
        earned = sum((a.weight * a.verified_at(at) for a in self.assignments), Fraction(0))
        planned = sum(
            (a.weight * a.planned_at(at, self.cycle_start) for a in self.assignments), Fraction(0)
        )
        return None if planned == 0 else earned / planned


def bind_policy(programme: WorkProgramme, policy: EvaluationPolicy, at: date) -> EvaluationPolicy:
    """The policy to evaluate ``programme`` with at ``at``: locked once the cycle has started.

    Raises :class:`PolicyLockedError` if the programme recorded another policy's hash.
    """
    if programme.policy_sha256 is not None and programme.policy_sha256 != policy.sha256:
        raise PolicyLockedError(
            f"chương trình đã khóa chính sách {programme.policy_sha256[:12]}…, nhưng chính sách "
            f"đưa vào là {policy.sha256[:12]}… / the programme locked policy "
            f"{programme.policy_sha256} at the cycle start; {policy.id} v{policy.version} has "
            f"hash {policy.sha256}"
        )
    if at >= programme.cycle_start:
        return policy.lock(programme.cycle_start)
    return policy
