"""Flags on constructed data: a "popular but idle" and an "unpopular achiever" official are
found, ordinary officials are not; the robust fit matches scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tinnhiem.evaluation import (
    EvaluationError,
    FlagInput,
    FlagKind,
    estimate_shares,
    flag_officials,
    loo_theil_sen_residuals,
)

N = 60


def constructed() -> tuple[list[float], list[tuple[str, int, int]]]:
    """30 ordinary officials whose confidence follows performance, plus two exceptions."""
    rng = np.random.default_rng(7)
    perf = list(np.linspace(0.35, 0.95, 30))
    counts = []
    for i, p in enumerate(perf):
        share = 0.15 + 0.7 * p + rng.normal(0, 0.02)
        counts.append((f"ordinary-{i}", round(N * share), N))
    perf += [0.15, 0.97]
    counts += [("popular-idle", 57, N), ("unpopular-achiever", 6, N)]
    return perf, counts


def analyse(policy, seed=None):
    perf, counts = constructed()
    estimates, _ = estimate_shares(counts)
    points = [
        FlagInput(e.official, p, e.shrunk, *e.posterior)
        for e, p in zip(estimates, perf, strict=True)
    ]
    return flag_officials(points, policy, seed=seed)


def test_the_two_built_officials_are_flagged_and_no_one_else(fast_policy):
    analysis = analyse(fast_policy)
    flags = {r.official: r for r in analysis.flagged()}
    assert set(flags) == {"popular-idle", "unpopular-achiever"}
    assert flags["popular-idle"].flag is FlagKind.CONFIDENCE_ABOVE_PERFORMANCE
    assert flags["unpopular-achiever"].flag is FlagKind.PERFORMANCE_ABOVE_CONFIDENCE
    assert flags["popular-idle"].frequency > 0.9
    assert flags["unpopular-achiever"].frequency > 0.9
    ordinary = next(r for r in analysis.results if r.official == "ordinary-10")
    assert ordinary.flag is None and abs(ordinary.z) < 2
    assert ordinary.frequency_above < 0.5 and ordinary.frequency_below < 0.5
    assert analysis.slope > 0
    assert any("sanction" in en for _, en in analysis.caveats)


def test_redraws_are_seeded(fast_policy):
    first = analyse(fast_policy, seed=11)
    again = analyse(fast_policy, seed=11)
    assert first == again
    assert analyse(fast_policy, seed=12).seed == 12


def test_leave_one_out_matches_scipy_theilslopes():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, 25)
    y = 0.3 + 0.5 * x + rng.normal(0, 0.05, 25)
    residuals, slopes, intercepts = loo_theil_sen_residuals(x, y[None, :])
    for i in (0, 7, 24):
        fit = stats.theilslopes(np.delete(y, i), np.delete(x, i), method="separate")
        assert slopes[0, i] == pytest.approx(fit.slope)
        assert intercepts[0, i] == pytest.approx(fit.intercept)
        assert residuals[0, i] == pytest.approx(y[i] - fit.intercept - fit.slope * x[i])


def test_too_few_officials(fast_policy):
    points = [FlagInput(f"O{i}", 0.5 + i / 10, 0.5, 10, 10) for i in range(4)]
    with pytest.raises(EvaluationError, match="at least 5"):
        flag_officials(points, fast_policy)
