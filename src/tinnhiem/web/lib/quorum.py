"""The quorum of a round's conference: those checked in against those summoned, judged by
the round's rule (exact fractions; a rule without a quorum always passes)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from tinnhiem.web.lib.rules import builtin_rule
from tinnhiem.web.models import CheckIn, Round, Summons

__all__ = ["QuorumView", "quorum_of"]


@dataclass(frozen=True)
class QuorumView:
    """``present`` of ``summoned``; ``required`` is the rule's fraction (None: no quorum)."""

    present: int
    summoned: int
    required: Fraction | None
    inclusive: bool
    citation: str
    met: bool

    @property
    def needed(self) -> int:
        """The smallest number present that meets the quorum."""
        if self.required is None:
            return 0
        num, den = self.required.numerator, self.required.denominator
        # smallest p with den·p >= num·s (inclusive) or den·p > num·s (exclusive)
        base = -(-num * self.summoned // den)
        if not self.inclusive and base * den == num * self.summoned:
            base += 1
        return base


def quorum_of(round: Round) -> QuorumView:
    """The quorum state of ``round`` now."""
    present = CheckIn.objects.filter(round=round).count()
    summoned = Summons.objects.filter(round=round).count()
    if round.personnel:
        return _step_quorum(round, present, summoned)
    rule = builtin_rule(round.rule_id)
    quorum = rule.quorum if rule is not None else None
    if quorum is None:
        return QuorumView(present, summoned, None, True, "", True)
    return QuorumView(
        present,
        summoned,
        quorum.fraction,
        quorum.inclusive,
        quorum.citation,
        summoned > 0 and quorum.met(present, summoned),
    )


def _step_quorum(round: Round, present: int, summoned: int) -> QuorumView:
    """A personnel step's quorum, from its procedure file (none: always met)."""
    from tinnhiem.web.lib.poll_round import procedure_text_for

    step = procedure_text_for(round.rule_id).procedure.step(round.step_id)
    if step.quorum is None:
        return QuorumView(present, summoned, None, True, "", True)
    cite = step.quorum_cite.label if step.quorum_cite is not None else ""
    met = summoned > 0 and step.quorum.admits_from_below(present, summoned)
    return QuorumView(present, summoned, step.quorum.fraction, step.quorum.inclusive, cite, met)
