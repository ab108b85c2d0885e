"""Per-official results (kết quả kiểm phiếu): counts, percentages, the rule's verdict.

From each official's decrypted column sum: issued, returned, valid and blank rows, the
count and two-decimal percentage of each level, the quorum check, the band and its
consequences under the round's rule, all exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from tinnhiem.ballots import Manifest, Official, RoundKind
from tinnhiem.ballots.encoding import column_counts
from tinnhiem.errors import InputError
from tinnhiem.rules import (
    BlankRow,
    Denominator,
    FormalCounts,
    FormalOption,
    Level,
    Outcome,
    PollCounts,
    QuorumCheck,
    QuorumStatus,
    Rule,
    evaluate_formal,
    evaluate_poll,
)

__all__ = ["OfficialResult", "compute_results"]


@dataclass(frozen=True)
class OfficialResult:
    """One row of the tally minutes (biên bản kiểm phiếu) with the rule's outcome."""

    official: Official
    issued: int
    returned: int
    valid: int
    blank: int
    counts: dict[str, int]
    outcome: Outcome

    @property
    def percentages(self) -> dict[str, str]:
        return self.outcome.display_percentages

    def to_json(self) -> dict[str, Any]:
        """The record's form of this result (docs/record-format.md, "results")."""
        o = self.outcome
        return {
            "official": self.official.id,
            "issued": self.issued,
            "returned": self.returned,
            "valid": self.valid,
            "blank": self.blank,
            "counts": dict(self.counts),
            "base": o.base,
            "percentages": {str(k): v for k, v in o.display_percentages.items()},
            "quorum": o.quorum.status.value,
            "band": o.band.id if o.band is not None else None,
            "consequences": [c.code for c in o.consequences],
            "formal_vote": o.formal_vote.value,
        }


NO_BALLOT_NOTE = "no ballot was counted: no band applies / không có phiếu nào được kiểm"
QUORUM_NOTE = "quorum not met: the result has no legal effect / không đủ điều kiện"
SUMMONED_AS_MEMBERS_NOTE = (
    "the round does not give the number of members of the body: the number summoned stands"
    " in for it / đợt không ghi tổng số đại biểu, lấy số người được triệu tập thay thế"
)


def _members(rule: Rule, manifest: Manifest) -> tuple[int, bool]:
    """The number of members of the body for a rule whose base is all members (the formal
    vote: "quá nửa tổng số đại biểu"), and whether the summoned count stood in for it."""
    if manifest.members is not None:
        return manifest.members, False
    return manifest.summoned, rule.denominator is Denominator.MEMBERS


def _empty_outcome(rule: Rule, manifest: Manifest, counts: dict[str, int], issued: int) -> Outcome:
    """The outcome of a round where no ballot was counted (đợt không có phiếu nào): every
    count and share 0, base 0, no band and no consequence; the quorum is checked as usual
    (``issued`` present of those summoned)."""
    quorum = rule.quorum
    if quorum is None:
        check = QuorumCheck(QuorumStatus.NOT_REQUIRED, issued, manifest.summoned)
    else:
        status = QuorumStatus.MET if quorum.met(issued, manifest.summoned) else QuorumStatus.NOT_MET
        check = QuorumCheck(
            status,
            issued,
            manifest.summoned,
            quorum.fraction,
            quorum.inclusive,
            quorum.citation,
        )
    notes: tuple[str, ...] = (NO_BALLOT_NOTE,) if check.met else (QUORUM_NOTE, NO_BALLOT_NOTE)
    members, stand_in = _members(rule, manifest)
    if stand_in:
        notes += (SUMMONED_AS_MEMBERS_NOTE,)
    # Over all members the base is the body's size even when nobody voted (every share 0).
    base = members if rule.denominator is Denominator.MEMBERS else 0
    return Outcome(
        rule_id=rule.id,
        kind=rule.kind,
        denominator=rule.denominator,
        base=base,
        counts=dict(counts),
        percentages={level: Fraction(0) for level in counts},
        band=None,
        consequences=(),
        quorum=check,
        unmarked=0,
        notes=notes,
    )


def _outcome(
    rule: Rule,
    manifest: Manifest,
    counts: dict[str, int],
    *,
    issued: int,
    returned: int,
    blank: int,
) -> Outcome:
    if returned == 0:
        return _empty_outcome(rule, manifest, counts, issued)
    invalid = blank if rule.blank_row is BlankRow.INVALID else 0
    members, stand_in = _members(rule, manifest)
    outcome = _evaluate(rule, manifest, counts, issued, returned, invalid, members)
    if stand_in:
        outcome = replace(outcome, notes=(*outcome.notes, SUMMONED_AS_MEMBERS_NOTE))
    return outcome


def _evaluate(
    rule: Rule,
    manifest: Manifest,
    counts: dict[str, int],
    issued: int,
    returned: int,
    invalid: int,
    members: int,
) -> Outcome:
    """Apply the rule; a formal vote over all members counts against ``members`` (the
    body's size), not against the ballots returned."""
    if manifest.kind is RoundKind.POLL:
        return evaluate_poll(
            rule,
            PollCounts(
                issued,
                returned,
                counts[Level.HIGH],
                counts[Level.CONFIDENT],
                counts[Level.LOW],
                invalid,
            ),
            members=members,
            present=issued,
            summoned=manifest.summoned,
        )
    return evaluate_formal(
        rule,
        FormalCounts(
            issued,
            returned,
            counts[FormalOption.CONFIDENCE],
            counts[FormalOption.NO_CONFIDENCE],
            invalid,
        ),
        members=members,
        present=issued,
        summoned=manifest.summoned,
    )


def compute_results(
    manifest: Manifest, rule: Rule, sums: Sequence[int], *, issued: int, returned: int
) -> list[OfficialResult]:
    """Unpack each official's decrypted sum and apply ``rule`` (in ballot order).

    ``issued`` is the number of credentials (ballots issued, and those present at the
    conference, which the quorum checks against those summoned); ``returned`` the number of
    ballots counted. With no ballot counted (an empty round) every count is 0 and no band
    applies: the base is 0, and only the quorum is checked.
    """
    if rule.id != manifest.rule_id:
        raise InputError(f"rule {rule.id} is not the round's rule {manifest.rule_id}", where="rule")
    if rule.kind.value != manifest.kind.value:
        raise InputError(
            f"rule {rule.id} governs a {rule.kind.value}, the round is a {manifest.kind.value}",
            where="rule",
        )
    if len(sums) != manifest.columns:
        raise InputError("one sum per column (official, or official and level)", where="sums")
    out = []
    for official, p in zip(
        manifest.officials, column_counts(manifest, sums, returned), strict=True
    ):
        if manifest.kind is RoundKind.POLL:
            counts = {
                Level.HIGH.value: p.high,
                Level.CONFIDENT.value: p.confident,
                Level.LOW.value: p.low,
            }
        else:
            counts = {
                FormalOption.CONFIDENCE.value: p.high,
                FormalOption.NO_CONFIDENCE.value: p.low,
            }
        outcome = _outcome(rule, manifest, counts, issued=issued, returned=returned, blank=p.blank)
        out.append(
            OfficialResult(official, issued, returned, returned - p.blank, p.blank, counts, outcome)
        )
    return out
