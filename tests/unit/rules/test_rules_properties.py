"""Property tests: the band never depends on rounding; percentages round half up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tinnhiem.rules import (
    FormalCounts,
    PollCounts,
    evaluate_formal,
    evaluate_poll,
    format_percent,
    load_rule,
)

NQ96 = load_rule("nq96-2023")
NQ85 = load_rule("nq85-2014")


@st.composite
def poll(draw: st.DrawFn) -> tuple[int, int, int, int, int]:
    """(returned, high, confident, low, invalid) with marks + invalid <= returned."""
    returned = draw(st.integers(min_value=1, max_value=3000))
    low = draw(st.integers(min_value=0, max_value=returned))
    high = draw(st.integers(min_value=0, max_value=returned - low))
    confident = draw(st.integers(min_value=0, max_value=returned - low - high))
    invalid = draw(st.integers(min_value=0, max_value=returned - low - high - confident))
    return returned, high, confident, low, invalid


def expected_band(low: int, n: int) -> str | None:
    """The DOMAIN.md table, written directly as cross-multiplication."""
    if 3 * low >= 2 * n:
        return "two-thirds"
    if 2 * low > n:
        return "over-half"
    return None


@given(poll())
def test_band_is_exact_cross_multiplication(case: tuple[int, int, int, int, int]) -> None:
    returned, high, confident, low, invalid = case
    counts = PollCounts(returned, returned, high, confident, low, invalid)
    out = evaluate_poll(NQ96, counts, members=None)
    assert (out.band.id if out.band else None) == expected_band(low, returned)


@given(poll(), st.integers(min_value=0, max_value=500))
def test_band_over_members(case: tuple[int, int, int, int, int], extra: int) -> None:
    returned, high, confident, low, invalid = case
    members = returned + extra
    out = evaluate_poll(
        NQ85, PollCounts(None, returned, high, confident, low, invalid), members=members
    )
    assert out.base == members
    assert (out.band.id if out.band else None) == expected_band(low, members)


@given(st.integers(min_value=1, max_value=2000), st.data())
def test_band_ignores_the_rounded_percentage(n: int, data: st.DataObject) -> None:
    """Counts whose displayed percentages are equal can still fall in different bands."""
    low = data.draw(st.integers(min_value=0, max_value=n))
    out = evaluate_poll(NQ96, PollCounts(n, n, n - low, 0, low), members=None)
    shown = Fraction(format_percent(Fraction(low, n)))
    # the rounded value may sit on the other side of 50 or 66.67; the band must not follow it
    assert (out.band.id if out.band else None) == expected_band(low, n)
    assert abs(shown - Fraction(100 * low, n)) <= Fraction(1, 200)


@given(st.integers(min_value=1, max_value=10**6), st.data())
def test_format_percent_is_half_up(base: int, data: st.DataObject) -> None:
    count = data.draw(st.integers(min_value=0, max_value=base))
    text = format_percent(Fraction(count, base))
    # Decimal's 28 digits cannot blur a tie: a share of base <= 10**6 that is not exactly
    # on x.xx5 is at least 1/(200·base) away from it.
    reference = Decimal(count) * 100 / Decimal(base)
    assert Decimal(text) == reference.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_formal_vote_needs_strictly_more_than_half(n: int, data: st.DataObject) -> None:
    no = data.draw(st.integers(min_value=0, max_value=n))
    yes = data.draw(st.integers(min_value=0, max_value=n - no))
    members = data.draw(st.integers(min_value=n, max_value=2 * n))
    counts = FormalCounts(n, n, yes, no)
    out = evaluate_formal(load_rule("nq96-2023-formal"), counts, members=members)
    # over ALL members of the body, not the ballots returned
    assert out.base == members
    assert (out.band is not None) == (2 * no > members)
    assert out.mandatory == (2 * no > members)
