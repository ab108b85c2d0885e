"""Intervals against statsmodels, shrinkage toward the body, trends and side-by-side bodies."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from tinnhiem.evaluation import (
    EvaluationError,
    compare_shares,
    estimate_shares,
    fit_beta_prior,
    jeffreys_interval,
    newcombe_difference,
    trend,
    wilson_interval,
)

CASES = [
    (0, 30),
    (1, 30),
    (15, 30),
    (29, 30),
    (30, 30),
    (19, 47),
    (25, 47),
    (437, 485),
    (4, 485),
    (0, 1),
    (1, 1),
]


@pytest.mark.parametrize(("k", "n"), CASES)
@pytest.mark.parametrize("level", [0.95, 0.9])
def test_wilson_matches_statsmodels(k, n, level):
    low, high = proportion_confint(k, n, alpha=1 - level, method="wilson")
    got = wilson_interval(k, n, level)
    assert got.low == pytest.approx(low, abs=1e-12)
    assert got.high == pytest.approx(high, abs=1e-12)


@pytest.mark.parametrize(("k", "n"), CASES)
@pytest.mark.parametrize("level", [0.95, 0.9])
def test_jeffreys_matches_statsmodels(k, n, level):
    low, high = proportion_confint(k, n, alpha=1 - level, method="jeffreys")
    got = jeffreys_interval(k, n, level)
    assert got.low == pytest.approx(low, abs=1e-12)
    assert got.high == pytest.approx(high, abs=1e-12)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(19, 47, 30, 40), (437, 485, 40, 47), (0, 30, 5, 30)]
)
def test_newcombe_matches_statsmodels(k1, n1, k2, n2):
    low, high = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb")
    got = newcombe_difference(k1, n1, k2, n2)
    assert (got.low, got.high) == pytest.approx((low, high), abs=1e-12)


def test_small_bodies_give_wide_intervals():
    assert wilson_interval(20, 40).high - wilson_interval(20, 40).low > 0.29
    assert wilson_interval(240, 480).high - wilson_interval(240, 480).low < 0.09


def test_bad_counts_raise():
    with pytest.raises(EvaluationError):
        wilson_interval(5, 4)
    with pytest.raises(EvaluationError):
        jeffreys_interval(0, 0)


def _body(seed: int, n_officials: int = 40) -> list[tuple[str, int, int]]:
    rng = np.random.default_rng(seed)
    ns = rng.integers(30, 50, n_officials)
    ks = rng.binomial(ns, rng.beta(8, 4, n_officials))
    return [(f"O{i}", int(k), int(n)) for i, (k, n) in enumerate(zip(ks, ns, strict=True))]


@pytest.mark.parametrize("method", ["marginal-likelihood", "moments"])
def test_prior_recovers_the_body(method):
    prior = fit_beta_prior([(k, n) for _, k, n in _body(1, 300)], method)
    assert prior.mean == pytest.approx(8 / 12, abs=0.03)
    assert 5 < prior.concentration < 25  # the generating Beta(8, 4) has 12


def test_shrinkage_pulls_toward_the_body_more_for_small_counts():
    counts = [*_body(2), ("small", 5, 5), ("large", 500, 500)]
    estimates, prior = estimate_shares(counts)
    by = {e.official: e for e in estimates}
    for e in estimates:  # every shrunk share lies between the raw share and the body mean
        lo, hi = sorted((float(e.share), prior.mean))
        assert lo - 1e-12 <= e.shrunk <= hi + 1e-12
    assert by["small"].shrunk < by["large"].shrunk
    assert 1 - by["small"].shrunk > 5 * (1 - by["large"].shrunk)
    assert by["small"].share == by["large"].share == 1


def test_no_spread_means_full_pooling():
    estimates, prior = estimate_shares([(f"O{i}", 30, 40) for i in range(10)])
    assert prior.concentration > 1000
    assert all(e.shrunk == pytest.approx(0.75, abs=1e-6) for e in estimates)


def test_trend_and_two_bodies_side_by_side():
    points = trend([("2023", 30, 48), ("2024", 35, 47), ("2025", 20, 46)])
    assert points[0].change is None
    assert points[1].change is not None and not points[1].change.clear
    assert points[2].change is not None and points[2].change.clear
    assert points[2].change.difference == pytest.approx(20 / 46 - 35 / 47)
    side = compare_shares(("Quốc hội", 437, 475), ("HĐND tỉnh", 25, 46))
    assert side.first_share == Fraction(437, 475) and side.clear
    assert side.interval.low > 0
