"""The audit's statistics against the published examples: the sample sizes of Lindeman and
Stark's *A Gentle Introduction to Risk-limiting Audits* (2012, p. 5: risk limit 10%,
γ = 1.03905), super-simple's ρ (Stark 2010: ρ ≈ 15,2 for α = 10%, γ = 1,1, λ = 50%), the
Kaplan–Markov P-value at those sizes, and Rivest's sampler."""

from __future__ import annotations

import hashlib

import pytest

from tinnhiem.audit import (
    Assertion,
    AuditError,
    agi_sample_size,
    draw_indices,
    km_p_value,
    km_sample_size,
    rho,
)


@pytest.mark.parametrize(("margin", "expected"), [(0.2, 24), (0.1, 48), (0.05, 96), (0.002, 2393)])
def test_agi_sample_sizes_with_no_discrepancy(margin: float, expected: int) -> None:
    assert agi_sample_size(0.1, margin) == expected


def test_agi_sample_size_with_a_one_vote_overstatement() -> None:
    assert agi_sample_size(0.1, 0.05, o1=1) == 123


def test_super_simple_rho() -> None:
    assert round(rho(0.1, 1.1, 0.5), 1) == 15.2
    assert round(rho(0.1, 1.03905, 0.2), 2) == 6.58


def test_the_kaplan_markov_p_value_confirms_at_the_agi_size() -> None:
    # AGI's rule is conservative: at its sample size the P-value is within the risk limit,
    # and the exact Kaplan–Markov size is never larger
    for margin in (0.2, 0.1, 0.05):
        n = agi_sample_size(0.1, margin)
        assert km_p_value(margin, [0.0] * n) <= 0.1
        assert km_sample_size(0.1, margin) <= n
        assert km_p_value(margin, [0.0] * (km_sample_size(0.1, margin) - 1)) > 0.1
    # one one-vote overstatement in 123 draws (AGI's example) still confirms
    assert km_p_value(0.05, [0.5] + [0.0] * 122) <= 0.1
    # an overstatement raises the P-value, an understatement lowers it
    assert km_p_value(0.05, [1.0] + [0.0] * 9) > km_p_value(0.05, [0.0] * 10)
    assert km_p_value(0.05, [-1.0] + [0.0] * 9) < km_p_value(0.05, [0.0] * 10)
    assert km_p_value(0.0, [0.0] * 1000) == 1.0


def test_rivest_sampler_is_sha256_in_counter_mode() -> None:
    seed = "31415926535897932384"
    draws = draw_indices(seed, 481, 5)
    assert draws == [
        1 + int(hashlib.sha256(f"{seed},{i}".encode()).hexdigest(), 16) % 481 for i in range(1, 6)
    ]
    assert draw_indices(seed, 481, 2, first=4) == draws[3:5]
    assert all(1 <= d <= 481 for d in draw_indices(seed, 481, 200))
    with pytest.raises(AuditError):
        draw_indices(seed, 0, 1)


def test_threshold_assertions() -> None:
    # Vĩnh Phúc 2023: 25 low of 47 returned; "2L > N" holds with a margin of 2(25/47 − 1/2)
    above = Assertion("chair:low>1/2", True, 0.5, 25, 47)
    assert above.margin == pytest.approx(2 * (25 / 47 - 0.5))
    assert agi_sample_size(0.05, above.margin) > 47  # too close: a full hand count
    below = Assertion("chair:low<2/3", False, 2 / 3, 25, 47)
    assert below.margin == pytest.approx(2 * (2 / 3 - 25 / 47))
    # a low counted where the paper says otherwise overstates "above", understates "below"
    assert above.taint(True, False) == 1.0 and above.taint(False, True) == -1.0
    assert below.taint(True, False) == -1.0 and below.taint(False, True) == 1.0
    assert above.taint(True, True) == 0.0
    # 4 low of 485 (Kim Ngân, 2018): a handful of sheets confirms "2L ≤ N"
    assert km_sample_size(0.05, Assertion("v", False, 0.5, 4, 485).margin) <= 6
