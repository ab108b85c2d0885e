"""A ballot-level comparison risk-limiting audit: the sampler and the test statistic.

**Sampler.** Rivest's SHA-256 sampler (R. L. Rivest, *Reference implementation code for
pseudo-random sampler for election audits or other purposes*, sampler.py, 2011; the sampler
Colorado's audits use): draw ``i`` (1, 2, …) is ``a + (int(SHA-256(seed ‖ "," ‖ i)) mod
(b − a + 1))`` with ``i`` in decimal, sampling **with replacement**. The seed is a public
string, here the digits of dice rolled in the hall and typed in by the chair, so anyone can
re-derive the sample.

**Test.** The Kaplan–Markov P-value of the *super-simple* method (P. B. Stark, *Super-Simple
Simultaneous Single-Ballot Risk-Limiting Audits*, EVT/WOTE 2010; the worked formulas and
examples are in M. Lindeman and P. B. Stark, *A Gentle Introduction to Risk-limiting
Audits*, IEEE Security & Privacy 10(5), 2012, "AGI"). An assertion with diluted margin
``μ`` (the margin in units of the largest overstatement one ballot can carry, over all
ballots) and error inflation ``γ`` (AGI uses 1.03905) has, after ``n`` draws with taints
``t_k`` (a ballot's overstatement over the largest possible: 1 for a "two-vote"
overstatement, ½ for a "one-vote", negative for understatements)::

    P = Π_k (1 − μ/(2γ)) / (1 − t_k/γ)

and the audit may stop for it once ``P ≤ α`` (the risk limit). AGI's sample-size rule
``n ≥ −2γ (log α + o₁ log(1 − 1/(2γ)) + o₂ log(1 − 1/γ) + u₁ log(1 + 1/(2γ)) +
u₂ log(1 + 1/γ)) / μ`` (:func:`agi_sample_size`) plans how many to draw;
:func:`km_sample_size` is the exact count for no discrepancies. Several assertions are
tested on the same sample and the audit stops only when every one is confirmed, so the
chance of stopping with a wrong outcome is at most α.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from tinnhiem.errors import InputError

__all__ = [
    "DEFAULT_GAMMA",
    "Assertion",
    "AuditError",
    "agi_sample_size",
    "draw_indices",
    "km_p_value",
    "km_sample_size",
    "rho",
]

DEFAULT_GAMMA = 1.03905
"""The error inflation factor of AGI and of Stark's audit tools."""


class AuditError(InputError):
    """A seed, a risk limit or an audit step that cannot be used."""


def draw_indices(seed: str, population: int, count: int, *, first: int = 1) -> list[int]:
    """Draws ``first`` … ``first + count − 1`` of Rivest's sampler over 1..``population``
    (with replacement)."""
    if population < 1:
        raise AuditError("nothing to sample from", where="sample")
    out = []
    for i in range(first, first + count):
        digest = hashlib.sha256(f"{seed},{i}".encode()).hexdigest()
        out.append(1 + int(digest, 16) % population)
    return out


def km_p_value(margin: float, taints: Sequence[float], gamma: float = DEFAULT_GAMMA) -> float:
    """The Kaplan–Markov P-value after the draws with ``taints`` (one per draw, 0 where the
    ballot matches). ``margin`` is the diluted margin μ; a margin ≤ 0 never confirms."""
    if margin <= 0:
        return 1.0
    if gamma <= 1:
        raise AuditError("gamma must be greater than 1", where="gamma")
    log_p = 0.0
    for taint in taints:
        if not -1.0 <= taint <= 1.0:
            raise AuditError(f"taint {taint} outside [-1, 1]", where="taint")
        log_p += math.log1p(-margin / (2 * gamma)) - math.log1p(-taint / gamma)
    return min(1.0, math.exp(log_p))


def agi_sample_size(
    alpha: float,
    margin: float,
    *,
    gamma: float = DEFAULT_GAMMA,
    o1: int = 0,
    o2: int = 0,
    u1: int = 0,
    u2: int = 0,
) -> int:
    """AGI's sample size for risk limit ``alpha`` and diluted margin ``margin`` with the
    given one- and two-vote over- and understatements (never fewer than the discrepancies
    themselves)."""
    _check_alpha(alpha)
    if margin <= 0:
        raise AuditError("the margin is not positive: a full hand count is needed", where="margin")
    total = (
        math.log(alpha)
        + o1 * math.log(1 - 1 / (2 * gamma))
        + o2 * math.log(1 - 1 / gamma)
        + u1 * math.log(1 + 1 / (2 * gamma))
        + u2 * math.log(1 + 1 / gamma)
    )
    return max(o1 + o2 + u1 + u2, math.ceil(-2 * gamma * total / margin))


def km_sample_size(alpha: float, margin: float, gamma: float = DEFAULT_GAMMA) -> int:
    """The fewest draws with no discrepancy whose Kaplan–Markov P-value is ≤ ``alpha``."""
    _check_alpha(alpha)
    if margin <= 0:
        raise AuditError("the margin is not positive: a full hand count is needed", where="margin")
    if margin >= 2 * gamma:
        return 1
    return max(1, math.ceil(math.log(alpha) / math.log1p(-margin / (2 * gamma))))


def rho(alpha: float, gamma: float, tolerance: float) -> float:
    """Super-simple's sample-size multiplier ρ (Stark 2010, p. 4): draw ρ/μ ballots to be able
    to stop with up to ``tolerance``·ρ/… one-vote overstatements (λ = ``tolerance``)."""
    _check_alpha(alpha)
    return -math.log(alpha) / (1 / (2 * gamma) + tolerance * math.log(1 - 1 / (2 * gamma)))


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise AuditError(f"risk limit {alpha} must be between 0 and 1", where="risk limit")


@dataclass(frozen=True)
class Assertion:
    """ "The share of ballots carrying the property is above (or below) ``threshold``": one
    side of a rule's threshold for one official, over the ``ballots`` audited.

    ``reported`` ballots carry the property according to the count. The assorter is ``x/(2t)``
    (above) or ``(1 − x)/(2(1 − t))`` (below) with ``x`` ∈ {0, 1} and ``t`` the threshold as a
    share of the audited ballots; in the units of the largest overstatement one ballot can
    carry, its diluted margin is ``2 (p − t)`` (above) or ``2 (t − p)`` (below), ``p`` the
    reported share."""

    key: str
    above: bool
    threshold: float
    reported: int
    ballots: int

    @property
    def trivial(self) -> bool:
        """True when no count of these ballots could break it (nothing to audit)."""
        return self.threshold < 0 if self.above else self.threshold > 1

    @property
    def margin(self) -> float:
        if self.trivial:
            return 2.0
        share = self.reported / self.ballots
        return 2 * (share - self.threshold) if self.above else 2 * (self.threshold - share)

    def taint(self, reported: bool, audited: bool) -> float:
        """+1 when the count overstated this assertion on a ballot, −1 when it understated
        it, 0 when the count and the audit agree."""
        if reported == audited:
            return 0.0
        overstated = reported if self.above else audited
        return 1.0 if overstated else -1.0
