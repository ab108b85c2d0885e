"""Flags for review (gợi ý xem xét): confidence against verified performance.

Across the officials of one round, confidence ``C`` (the shrunk share) is fitted on
performance ``P`` (the work score) with a Theil–Sen line. Each official's residual is taken
*leave-one-out* — from the line fitted to everybody else, so nobody pulls their own fit —
and divided by a robust scale (1.4826 × the median absolute deviation of those residuals,
floored at ``policy.min_residual_scale``). ``z > threshold``: "confidence above
performance"; ``z < −threshold``: "performance above confidence".

``C`` is then redrawn from each official's Beta posterior (seeded, ``policy.draws`` times),
the whole fit is repeated, and the share of draws in which each flag holds is reported. A
flag is raised when it holds on the point estimate *and* in at least
``policy.min_frequency`` of the draws, so that noise in a small body does not raise it.
A flag is a prompt for a person to look, never a sanction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from tinnhiem.evaluation.errors import EvaluationError
from tinnhiem.evaluation.policy import EvaluationPolicy

__all__ = [
    "CAVEATS",
    "FlagAnalysis",
    "FlagInput",
    "FlagKind",
    "FlagResult",
    "flag_officials",
    "loo_theil_sen_residuals",
]

_MAD_TO_SD = 1.4826

CAVEATS: tuple[tuple[str, str], ...] = (
    (
        "Đây là gợi ý để xem xét, không phải kết luận hay chế tài.",
        "A flag is a prompt for a person to review, not a verdict or a sanction.",
    ),
    (
        "Hồi quy về giá trị trung bình: kết quả cực trị một năm thường dịu đi năm sau.",
        "Regression to the mean: an extreme year tends to be followed by a less extreme one.",
    ),
    (
        "Thước đo kết quả công việc có thể bị 'làm đẹp'; chỉ dùng bằng chứng đã xác minh.",
        "Performance measures can be gamed; only verified evidence counts.",
    ),
    (
        "Tập thể nhỏ cho khoảng tin cậy rộng; xem tần suất cờ khi rút lại từ phân phối hậu nghiệm.",
        "Small bodies give wide intervals; read how often the flag holds under posterior redraws.",
    ),
)


class FlagKind(StrEnum):
    """The two prompts for review."""

    CONFIDENCE_ABOVE_PERFORMANCE = "confidence_above_performance"  # tín nhiệm cao hơn kết quả
    PERFORMANCE_ABOVE_CONFIDENCE = "performance_above_confidence"  # kết quả cao hơn tín nhiệm

    @property
    def text_vi(self) -> str:
        """Vietnamese label."""
        if self is FlagKind.CONFIDENCE_ABOVE_PERFORMANCE:
            return "Tín nhiệm cao hơn kết quả công việc"
        return "Kết quả công việc cao hơn tín nhiệm"

    @property
    def text_en(self) -> str:
        """English label."""
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class FlagInput:
    """One official: performance (work score, 0-1) and the Beta posterior of confidence."""

    official: str
    performance: float
    confidence: float  # posterior mean (shrunk share)
    posterior_a: float
    posterior_b: float


@dataclass(frozen=True)
class FlagResult:
    """One official's place against the fitted line, and how often each flag holds."""

    official: str
    performance: float
    confidence: float
    fitted: float
    residual: float
    z: float
    flag: FlagKind | None
    frequency_above: float  # share of draws with "confidence above performance"
    frequency_below: float  # share of draws with "performance above confidence"

    @property
    def frequency(self) -> float | None:
        """How often the flag shown holds under redraws (None without a flag)."""
        if self.flag is FlagKind.CONFIDENCE_ABOVE_PERFORMANCE:
            return self.frequency_above
        if self.flag is FlagKind.PERFORMANCE_ABOVE_CONFIDENCE:
            return self.frequency_below
        return None


@dataclass(frozen=True)
class FlagAnalysis:
    """The fit over the round and every official's result, with its parameters."""

    slope: float
    intercept: float
    scale: float
    threshold: float
    min_frequency: float
    draws: int
    seed: int
    results: tuple[FlagResult, ...]
    caveats: tuple[tuple[str, str], ...] = CAVEATS

    def flagged(self) -> tuple[FlagResult, ...]:
        """The officials with a flag, strongest first."""
        return tuple(sorted((r for r in self.results if r.flag), key=lambda r: -abs(r.z)))


def _slopes(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise slopes (draws × pairs) over pairs with distinct x, and the pair indices."""
    j, k = np.triu_indices(len(x), 1)
    keep = x[j] != x[k]
    j, k = j[keep], k[keep]
    return (y[:, k] - y[:, j]) / (x[k] - x[j]), j, k


def loo_theil_sen_residuals(
    x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Leave-one-out Theil–Sen residuals of ``y`` (draws × m) on ``x`` (m).

    For each official i the slope is the median of the pairwise slopes not involving i and the
    intercept is ``median(y_−i) − slope · median(x_−i)`` (scipy's "separate" intercept).
    Returns (residuals, slopes, intercepts), each with one column per official.
    """
    y = np.atleast_2d(y)
    m = len(x)
    slopes, j, k = _slopes(x, y)
    # Sort each draw's slopes once; for official i the median of the slopes not involving i
    # is found by counting the kept slopes in sorted order (cumulative sum), not by re-sorting.
    order = np.argsort(slopes, axis=1)
    ordered = np.take_along_axis(slopes, order, axis=1)
    first, second = j[order], k[order]
    rows = np.arange(y.shape[0])
    residuals = np.empty_like(y)
    b_all = np.empty_like(y)
    a_all = np.empty_like(y)
    for i in range(m):
        kept = int(np.count_nonzero((j != i) & (k != i)))
        if kept == 0:
            raise EvaluationError("every other official has the same performance: no fit")
        rank = np.cumsum((first != i) & (second != i), axis=1)
        low = np.argmax(rank >= (kept + 1) // 2, axis=1)
        high = np.argmax(rank >= kept // 2 + 1, axis=1)
        b = (ordered[rows, low] + ordered[rows, high]) / 2
        others = np.arange(m) != i
        a = np.median(y[:, others], axis=1) - b * np.median(x[others])
        residuals[:, i] = y[:, i] - (a + b * x[i])
        b_all[:, i], a_all[:, i] = b, a
    return residuals, b_all, a_all


def _z(residuals: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    centre = np.median(residuals, axis=1, keepdims=True)
    mad = np.median(np.abs(residuals - centre), axis=1, keepdims=True)
    scale = np.maximum(_MAD_TO_SD * mad, floor)
    return residuals / scale, scale[:, 0]


def flag_officials(
    points: Sequence[FlagInput], policy: EvaluationPolicy, *, seed: int | None = None
) -> FlagAnalysis:
    """Flag officials whose confidence stands far from what their performance predicts.

    ``seed`` overrides the policy's seed (time and randomness are parameters).
    """
    if len(points) < 5:
        raise EvaluationError(
            f"flags need at least 5 officials with both a poll and a work score, got {len(points)}"
        )
    x = np.array([p.performance for p in points], dtype=float)
    if len(np.unique(x)) < 3:
        raise EvaluationError("flags need at least 3 distinct performance scores")
    y = np.array([p.confidence for p in points], dtype=float)
    threshold = float(policy.z_threshold)
    floor = float(policy.min_residual_scale)
    min_frequency = float(policy.min_frequency)
    residuals, _, _ = loo_theil_sen_residuals(x, y[None, :])
    z, scale = _z(residuals, floor)
    slopes = _slopes(x, y[None, :])[0]
    slope = float(np.median(slopes))
    intercept = float(np.median(y) - slope * np.median(x))

    draw_seed = policy.seed if seed is None else seed
    rng = np.random.default_rng(draw_seed)
    a = np.array([p.posterior_a for p in points])
    b = np.array([p.posterior_b for p in points])
    drawn = rng.beta(a, b, size=(policy.draws, len(points)))
    drawn_z, _ = _z(loo_theil_sen_residuals(x, drawn)[0], floor)
    above = (drawn_z > threshold).mean(axis=0)
    below = (drawn_z < -threshold).mean(axis=0)

    results = []
    for i, p in enumerate(points):
        zi = float(z[0, i])
        flag = None
        if zi > threshold and above[i] >= min_frequency:
            flag = FlagKind.CONFIDENCE_ABOVE_PERFORMANCE
        elif zi < -threshold and below[i] >= min_frequency:
            flag = FlagKind.PERFORMANCE_ABOVE_CONFIDENCE
        results.append(
            FlagResult(
                official=p.official,
                performance=p.performance,
                confidence=p.confidence,
                fitted=p.confidence - float(residuals[0, i]),
                residual=float(residuals[0, i]),
                z=zi,
                flag=flag,
                frequency_above=float(above[i]),
                frequency_below=float(below[i]),
            )
        )
    return FlagAnalysis(
        slope,
        intercept,
        float(scale[0]),
        threshold,
        min_frequency,
        policy.draws,
        draw_seed,
        tuple(results),
    )
