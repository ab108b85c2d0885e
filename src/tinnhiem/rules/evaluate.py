"""The evaluator: apply a rule version to the counts of one official, exactly.

No floats anywhere: the base N is an integer, shares are ``Fraction``s, and a band is
decided by integer cross-multiplication (``2L > N``), never on a rounded percentage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from tinnhiem.errors import InputError
from tinnhiem.rules.model import (
    Band,
    BlankRow,
    Consequence,
    Denominator,
    FormalFollowUp,
    FormalOption,
    Level,
    RoundKind,
    Rule,
)
from tinnhiem.rules.percent import format_percent

__all__ = [
    "FormalCounts",
    "Outcome",
    "PollCounts",
    "QuorumCheck",
    "QuorumStatus",
    "evaluate_formal",
    "evaluate_poll",
    "formal_vote_requested",
]


@dataclass(frozen=True)
class PollCounts:
    """The counts of one official in one poll (biên bản kiểm phiếu, one row).

    ``issued``/``returned`` are ballots issued and returned (phiếu phát ra / thu về);
    either may be ``None`` when unknown and the rule's base does not need it. ``invalid``
    is the number of returned ballots whose row for this official is invalid.
    """

    issued: int | None
    returned: int | None
    high: int
    confident: int
    low: int
    invalid: int = 0

    def by_level(self) -> dict[str, int]:
        """The marks per level, keyed by ``Level``."""
        return {Level.HIGH: self.high, Level.CONFIDENT: self.confident, Level.LOW: self.low}


@dataclass(frozen=True)
class FormalCounts:
    """The counts of one official in a formal vote (bỏ phiếu tín nhiệm)."""

    issued: int | None
    returned: int | None
    confidence: int
    no_confidence: int
    invalid: int = 0

    def by_level(self) -> dict[str, int]:
        """The votes per option, keyed by ``FormalOption``."""
        return {
            FormalOption.CONFIDENCE: self.confidence,
            FormalOption.NO_CONFIDENCE: self.no_confidence,
        }


class QuorumStatus(StrEnum):
    """Result of the quorum check (điều kiện tiến hành hội nghị)."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_REQUIRED = "not_required"


@dataclass(frozen=True)
class QuorumCheck:
    """The quorum check with its numbers: ``present`` of ``summoned`` against ``required``."""

    status: QuorumStatus
    present: int | None = None
    summoned: int | None = None
    required: Fraction | None = None
    inclusive: bool = True
    citation: str = ""

    @property
    def met(self) -> bool:
        """True when the round may count: the quorum is met or not required."""
        return self.status is not QuorumStatus.NOT_MET

    def describe(self) -> str:
        """One line, Vietnamese then English."""
        if self.status is QuorumStatus.NOT_REQUIRED:
            return "Không yêu cầu số người có mặt tối thiểu / no quorum required"
        op = "≥" if self.inclusive else ">"
        need = f"{op} {self.required} × {self.summoned}"
        if self.status is QuorumStatus.MET:
            return (
                f"Đủ: {self.present}/{self.summoned} có mặt ({need}) / quorum met ({self.citation})"
            )
        return (
            f"Không đủ: {self.present}/{self.summoned} có mặt, cần {need}"
            f" / quorum not met ({self.citation})"
        )


@dataclass(frozen=True)
class Outcome:
    """What a rule decides for one official (kết quả áp dụng quy định).

    ``base`` is N and ``denominator`` says what it counts. ``percentages`` holds the exact
    share ``count / N`` of each level (a ``Fraction`` in [0, 1]); ``display_percentages``
    the two-decimal strings of the tables. ``band`` is None when no band holds or the
    quorum failed. ``formal_vote`` says whether a formal vote follows.
    """

    rule_id: str
    kind: RoundKind
    denominator: Denominator
    base: int
    counts: Mapping[str, int]
    percentages: Mapping[str, Fraction]
    band: Band | None
    consequences: tuple[Consequence, ...]
    quorum: QuorumCheck
    formal_vote: FormalFollowUp = FormalFollowUp.NONE
    formal_rule: str | None = None
    resignation_open: bool = False
    unmarked: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def display_percentages(self) -> dict[str, str]:
        """Two-decimal, half-up percentage strings per level (``"81.03"``)."""
        return {level: format_percent(share) for level, share in self.percentages.items()}

    @property
    def formal_vote_follows(self) -> bool:
        """True when the rule says a formal vote is held (possibly unless one resigns)."""
        return self.formal_vote.follows

    @property
    def mandatory(self) -> bool:
        """True when a mandatory trigger (e.g. dismissal) holds."""
        return any(c.mandatory for c in self.consequences)


def _check_count(name: str, value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number, got {value!r}", where=name)
    if value < 0:
        raise InputError(f"{name} must not be negative, got {value}", where=name)


def _base(
    rule: Rule,
    *,
    issued: int | None,
    returned: int | None,
    marked: int,
    invalid: int,
    members: int | None,
    present: int | None,
    summoned: int | None,
) -> int:
    """Check that the counts fit together and return the base N of the rule."""
    for name, value in (
        ("issued", issued),
        ("returned", returned),
        ("members", members),
        ("present", present),
        ("summoned", summoned),
    ):
        _check_count(name, value)
    if issued is not None and returned is not None and returned > issued:
        raise InputError(
            f"ballots returned ({returned}) exceed ballots issued ({issued})"
            " / số phiếu thu về lớn hơn số phiếu phát ra",
            where="returned",
        )
    if members is not None and issued is not None and issued > members:
        raise InputError(
            f"ballots issued ({issued}) exceed the members of the body ({members})", where="issued"
        )
    if members is not None and returned is not None and returned > members:
        raise InputError(
            f"ballots returned ({returned}) exceed the members of the body ({members})",
            where="returned",
        )
    if present is not None and summoned is not None and present > summoned:
        raise InputError(f"present ({present}) exceeds summoned ({summoned})", where="present")
    if returned is not None and marked > returned:
        raise InputError(
            f"marks plus invalid rows ({marked}) exceed ballots returned ({returned})"
            " / tổng số phiếu vượt quá số phiếu thu về",
            where="counts",
        )
    if rule.denominator is Denominator.RETURNED:
        if returned is None:
            raise InputError(
                f"rule {rule.id} counts over ballots returned: give the number returned"
                " / cần số phiếu thu về",
                where="returned",
            )
        base = returned
        if not rule.invalid_rows_in_base:
            # Only rows that count for this official form N: drop invalid rows, and blank
            # rows too where the rule calls a blank row invalid.
            blank = returned - marked
            base = returned - invalid - (blank if rule.blank_row is BlankRow.INVALID else 0)
    else:
        if members is None:
            raise InputError(
                f"rule {rule.id} counts over all members of the body: give the number of"
                " members / cần tổng số thành viên (đại biểu)",
                where="members",
            )
        base = members
        if marked > members:
            raise InputError(
                f"marks plus invalid rows ({marked}) exceed the members of the body ({members})"
                " / tổng số phiếu vượt quá tổng số thành viên",
                where="counts",
            )
    if base == 0 and rule.denominator is not Denominator.RETURNED:
        raise InputError(f"the base N ({rule.denominator}) is zero", where=str(rule.denominator))
    # A base of zero ballots returned (nobody voted, or every row invalid where invalid rows
    # leave the base) is a real round: it has no percentages and no band (_apply).
    return base


def _quorum(rule: Rule, present: int | None, summoned: int | None) -> QuorumCheck:
    quorum = rule.quorum
    if quorum is None:
        return QuorumCheck(QuorumStatus.NOT_REQUIRED, present, summoned)
    if present is None or summoned is None:
        raise InputError(
            f"rule {rule.id} requires a quorum ({quorum.fraction} of those summoned present):"
            " give present and summoned / cần số người có mặt và số người được triệu tập",
            where="quorum",
        )
    if summoned == 0:
        raise InputError("summoned must be positive", where="summoned")
    status = QuorumStatus.MET if quorum.met(present, summoned) else QuorumStatus.NOT_MET
    return QuorumCheck(
        status, present, summoned, quorum.fraction, quorum.inclusive, quorum.citation
    )


def _apply(
    rule: Rule,
    counts: Mapping[str, int],
    base: int,
    quorum: QuorumCheck,
    unmarked: int | None,
) -> Outcome:
    notes: list[str] = []
    if base == 0:
        # Every count is zero too (the base counts them); 0/0 is no share, and no band may
        # apply: an inclusive bound like 3L >= 2N would hold vacuously.
        percentages = {level: Fraction(0) for level in counts}
        notes.append(
            "no ballot counts for this official: no percentage, no band"
            " / không có phiếu nào được tính"
        )
    else:
        percentages = {level: Fraction(n, base) for level, n in counts.items()}
    band: Band | None = None
    consequences: tuple[Consequence, ...] = ()
    if not quorum.met:
        notes.append("quorum not met: the result has no legal effect / không đủ điều kiện")
    elif base > 0:
        matching = [b for b in rule.bands if b.contains(counts[b.measure], base)]
        band = matching[0] if matching else None
    if band is not None:
        consequences = band.consequences
        closure = rule.resignation
        if closure.closed_by_mandatory and any(c.mandatory for c in consequences):
            dropped = [c for c in consequences if c.resignation]
            consequences = tuple(c for c in consequences if not c.resignation)
            consequences += (
                Consequence(
                    code="resignation_closed",
                    text_vi=closure.text_vi,
                    text_en=closure.text_en,
                    citation=closure.citation,
                    rule_id=rule.id,
                    cite=closure.cite,
                ),
            )
            if dropped:
                notes.append(
                    "resignation path closed by a mandatory trigger: "
                    + ", ".join(c.code for c in dropped)
                )
    formal = band.formal_vote if band is not None else FormalFollowUp.NONE
    return Outcome(
        rule_id=rule.id,
        kind=rule.kind,
        denominator=rule.denominator,
        base=base,
        counts=dict(counts),
        percentages=percentages,
        band=band,
        consequences=consequences,
        quorum=quorum,
        formal_vote=formal,
        formal_rule=rule.formal_rule if formal is not FormalFollowUp.NONE else None,
        resignation_open=any(c.resignation for c in consequences),
        unmarked=unmarked,
        notes=tuple(notes),
    )


def _evaluate(
    rule: Rule,
    counts: PollCounts | FormalCounts,
    levels: tuple[str, ...],
    *,
    members: int | None,
    present: int | None,
    summoned: int | None,
) -> Outcome:
    """What a poll and a formal vote share: check the counts (``levels``, then ``invalid``),
    find the base N and the quorum, then apply the rule's bands."""
    for name in (*levels, "invalid"):
        _check_count(name, getattr(counts, name))
    marked = sum(getattr(counts, name) for name in levels) + counts.invalid
    base = _base(
        rule,
        issued=counts.issued,
        returned=counts.returned,
        marked=marked,
        invalid=counts.invalid,
        members=members,
        present=present,
        summoned=summoned,
    )
    quorum = _quorum(rule, present, summoned)
    unmarked = counts.returned - marked if counts.returned is not None else None
    return _apply(rule, counts.by_level(), base, quorum, unmarked)


def evaluate_poll(
    rule: Rule,
    counts: PollCounts,
    *,
    members: int | None,
    present: int | None = None,
    summoned: int | None = None,
) -> Outcome:
    """Apply a poll rule (lấy phiếu tín nhiệm) to one official's counts.

    Raises InputError when the counts do not fit the base (negative, more marks than
    ballots returned, returned > issued, a missing base or quorum number).
    """
    if rule.kind is not RoundKind.POLL:
        raise InputError(f"rule {rule.id} is a {rule.kind} rule, not a poll rule", where="rule")
    return _evaluate(
        rule,
        counts,
        ("high", "confident", "low"),
        members=members,
        present=present,
        summoned=summoned,
    )


def evaluate_formal(
    rule: Rule,
    counts: FormalCounts,
    *,
    members: int | None,
    present: int | None = None,
    summoned: int | None = None,
) -> Outcome:
    """Apply a formal-vote rule (bỏ phiếu tín nhiệm) to one official's counts.

    Under NQ 96/2023 "more than half of the ballots returned" is exclusive: exactly half
    saying no confidence is not enough.
    """
    if rule.kind is not RoundKind.FORMAL_VOTE:
        raise InputError(
            f"rule {rule.id} is a {rule.kind} rule, not a formal-vote rule", where="rule"
        )
    return _evaluate(
        rule,
        counts,
        ("confidence", "no_confidence"),
        members=members,
        present=present,
        summoned=summoned,
    )


def formal_vote_requested(rule: Rule, body: str, requesters: int, members: int) -> bool:
    """Do ``requesters`` of ``members`` reach the share that calls a formal vote for ``body``?

    E.g. at least 20% of National Assembly deputies, or 1/3 of a People's Council.
    """
    _check_count("requesters", requesters)
    _check_count("members", members)
    if requesters > members:
        raise InputError(
            f"requesters ({requesters}) exceed members ({members})", where="requesters"
        )
    for threshold in rule.request_thresholds:
        if threshold.body == body:
            left = threshold.fraction.denominator * requesters
            right = threshold.fraction.numerator * members
            return left >= right if threshold.inclusive else left > right
    known = ", ".join(t.body for t in rule.request_thresholds) or "none"
    raise InputError(
        f"rule {rule.id} has no request threshold for body '{body}' (known: {known})", where="body"
    )
