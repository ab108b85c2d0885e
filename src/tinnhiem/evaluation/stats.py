"""Confidence statistics beside the legal tally (thống kê tham khảo, không thay kết quả).

Nothing here changes a count: every function reads ``(k, n)`` pairs and returns new values.
Shares with Wilson and Jeffreys intervals, empirical-Bayes shrinkage toward the body
(beta-binomial prior fitted across the body's officials), the trend of one official across
rounds and the comparison of two bodies rating the same official (Newcombe's hybrid score
interval for a difference of two shares).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy import optimize, special, stats

from tinnhiem.evaluation.errors import EvaluationError

__all__ = [
    "BetaPrior",
    "Comparison",
    "Interval",
    "ShareEstimate",
    "TrendPoint",
    "compare_shares",
    "estimate_shares",
    "fit_beta_prior",
    "jeffreys_interval",
    "newcombe_difference",
    "trend",
    "wilson_interval",
]

_MAX_CONCENTRATION = 10_000.0  # a+b cap: "no spread between officials" shrinks almost fully
_MIN_CONCENTRATION = 0.5


@dataclass(frozen=True)
class Interval:
    """A two-sided interval ``[low, high]`` at ``level`` (khoảng tin cậy)."""

    low: float
    high: float
    method: str
    level: float


def _check(k: int, n: int) -> None:
    if n <= 0 or not 0 <= k <= n:
        raise EvaluationError(f"a share needs 0 <= k <= n and n > 0, got k={k}, n={n}")


def wilson_interval(k: int, n: int, level: float = 0.95) -> Interval:
    """Wilson score interval for ``k`` of ``n``."""
    _check(k, n)
    z = float(stats.norm.isf((1 - level) / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Interval(max(0.0, centre - half), min(1.0, centre + half), "wilson", level)


def jeffreys_interval(k: int, n: int, level: float = 0.95) -> Interval:
    """Jeffreys interval: the central ``level`` interval of Beta(k + ½, n − k + ½)."""
    _check(k, n)
    tail = (1 - level) / 2
    a, b = k + 0.5, n - k + 0.5
    return Interval(
        float(stats.beta.ppf(tail, a, b)), float(stats.beta.isf(tail, a, b)), "jeffreys", level
    )


@dataclass(frozen=True)
class BetaPrior:
    """The body's Beta(a, b) prior for a share, fitted across its officials."""

    a: float
    b: float
    method: str

    @property
    def mean(self) -> float:
        """The body's typical share ``a / (a + b)``."""
        return self.a / (self.a + self.b)

    @property
    def concentration(self) -> float:
        """``a + b``: how many marks the prior is worth."""
        return self.a + self.b


def _moments(ks: np.ndarray, ns: np.ndarray) -> tuple[float, float]:
    """Method-of-moments (mean, concentration) of a beta-binomial across officials."""
    p = ks / ns
    mean = float(ks.sum() / ns.sum())
    mean = min(max(mean, 1e-6), 1 - 1e-6)
    spread = float(p.var(ddof=1)) if len(p) > 1 else 0.0
    inv_n = float(np.mean(1 / ns))
    # Var(p_i) ≈ m(1-m)·[ρ + (1-ρ)/n], ρ = 1/(κ+1): solve for ρ.
    rho = (spread / (mean * (1 - mean)) - inv_n) / (1 - inv_n) if inv_n < 1 else 0.0
    kappa = _MAX_CONCENTRATION if rho <= 0 else (1 - rho) / rho
    return mean, float(np.clip(kappa, _MIN_CONCENTRATION, _MAX_CONCENTRATION))


def fit_beta_prior(
    counts: Sequence[tuple[int, int]], method: str = "marginal-likelihood"
) -> BetaPrior:
    """Fit the body's Beta prior to ``(k, n)`` of each official.

    ``moments``: method of moments. ``marginal-likelihood``: maximise the beta-binomial
    likelihood over (mean, concentration), started from the moments; concentration is kept
    in [0.5, 10000].
    """
    if len(counts) < 2:
        raise EvaluationError("shrinkage needs at least two officials in the body")
    for k, n in counts:
        _check(k, n)
    ks = np.array([k for k, _ in counts], dtype=float)
    ns = np.array([n for _, n in counts], dtype=float)
    mean, kappa = _moments(ks, ns)
    if method == "moments":
        return BetaPrior(mean * kappa, (1 - mean) * kappa, "moments")
    if method != "marginal-likelihood":
        raise EvaluationError(f"unknown shrinkage method {method!r}")

    def negative_log_likelihood(theta: np.ndarray) -> float:
        m = float(special.expit(theta[0]))
        c = float(np.exp(theta[1]))
        return -float(stats.betabinom.logpmf(ks, ns, m * c, (1 - m) * c).sum())

    start = np.array([special.logit(mean), math.log(kappa)])
    bounds = [(-15.0, 15.0), (math.log(_MIN_CONCENTRATION), math.log(_MAX_CONCENTRATION))]
    result = optimize.minimize(negative_log_likelihood, start, method="L-BFGS-B", bounds=bounds)
    m = float(special.expit(result.x[0]))
    c = float(np.exp(result.x[1]))
    return BetaPrior(m * c, (1 - m) * c, "marginal-likelihood")


@dataclass(frozen=True)
class ShareEstimate:
    """One official's share ``k / n`` (exact) with its intervals and shrunk estimate."""

    official: str
    k: int
    n: int
    wilson: Interval
    jeffreys: Interval
    shrunk: float
    shrunk_interval: Interval
    prior: BetaPrior

    @property
    def share(self) -> Fraction:
        """The observed share, exact."""
        return Fraction(self.k, self.n)

    @property
    def posterior(self) -> tuple[float, float]:
        """Beta posterior parameters ``(k + a, n − k + b)``."""
        return self.k + self.prior.a, self.n - self.k + self.prior.b


def estimate_shares(
    counts: Sequence[tuple[str, int, int]],
    *,
    level: float = 0.95,
    method: str = "marginal-likelihood",
) -> tuple[tuple[ShareEstimate, ...], BetaPrior]:
    """Intervals and shrunk shares for ``(official, k, n)`` of one body."""
    prior = fit_beta_prior([(k, n) for _, k, n in counts], method)
    tail = (1 - level) / 2
    out = []
    for official, k, n in counts:
        a, b = k + prior.a, n - k + prior.b
        out.append(
            ShareEstimate(
                official=official,
                k=k,
                n=n,
                wilson=wilson_interval(k, n, level),
                jeffreys=jeffreys_interval(k, n, level),
                shrunk=a / (a + b),
                shrunk_interval=Interval(
                    float(stats.beta.ppf(tail, a, b)),
                    float(stats.beta.isf(tail, a, b)),
                    "eb-beta",
                    level,
                ),
                prior=prior,
            )
        )
    return tuple(out), prior


@dataclass(frozen=True)
class Comparison:
    """Difference of two shares ``first − second`` with Newcombe's hybrid score interval."""

    first: str
    second: str
    first_share: Fraction
    second_share: Fraction
    difference: float
    interval: Interval

    @property
    def clear(self) -> bool:
        """True when the interval excludes 0 (the two shares differ beyond chance)."""
        return self.interval.low > 0 or self.interval.high < 0


def newcombe_difference(k1: int, n1: int, k2: int, n2: int, level: float = 0.95) -> Interval:
    """Newcombe's hybrid score interval for ``k1/n1 − k2/n2`` (built from Wilson limits)."""
    p1, p2 = k1 / n1, k2 / n2
    w1, w2 = wilson_interval(k1, n1, level), wilson_interval(k2, n2, level)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2)
    high = diff + math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2)
    return Interval(low, high, "newcombe", level)


def compare_shares(
    first: tuple[str, int, int], second: tuple[str, int, int], level: float = 0.95
) -> Comparison:
    """Two bodies (or rounds) rating the same official, side by side: ``(label, k, n)`` each."""
    (l1, k1, n1), (l2, k2, n2) = first, second
    return Comparison(
        l1,
        l2,
        Fraction(k1, n1),
        Fraction(k2, n2),
        k1 / n1 - k2 / n2,
        newcombe_difference(k1, n1, k2, n2, level),
    )


@dataclass(frozen=True)
class TrendPoint:
    """One round of an official's trend: the share, its interval, the change since before."""

    label: str
    k: int
    n: int
    wilson: Interval
    change: Comparison | None

    @property
    def share(self) -> Fraction:
        """The observed share, exact."""
        return Fraction(self.k, self.n)


def trend(rounds: Sequence[tuple[str, int, int]], level: float = 0.95) -> tuple[TrendPoint, ...]:
    """The same official across rounds ``(label, k, n)``, oldest first."""
    points = []
    for i, (label, k, n) in enumerate(rounds):
        change = compare_shares(rounds[i], rounds[i - 1], level) if i else None
        points.append(TrendPoint(label, k, n, wilson_interval(k, n, level), change))
    return tuple(points)
