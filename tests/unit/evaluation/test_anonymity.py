"""Anonymity: minimum group size (5, never under 3) and the difference attack."""

from __future__ import annotations

import pytest

from tinnhiem.evaluation import AnonymityConfigError, check_min_group, suppress_groups


def test_small_groups_hidden():
    decisions = suppress_groups({"all": range(12), "unit-a": range(4), "unit-b": range(4, 12)})
    assert not decisions["unit-a"].shown
    assert "fewer than 5" in decisions["unit-a"].reason_en
    assert decisions["all"].shown


@pytest.mark.parametrize("bad", [2, 0, -1, True])
def test_minimum_never_under_three(bad):
    with pytest.raises(AnonymityConfigError, match="at least 3"):
        suppress_groups({"all": range(10)}, min_group=bad)
    with pytest.raises(AnonymityConfigError):
        check_min_group(bad)


def test_minimum_is_configurable_down_to_three():
    decisions = suppress_groups({"all": range(10), "x": range(3)}, min_group=3)
    assert decisions["x"].shown and decisions["all"].shown
    assert not suppress_groups({"x": range(3)}, min_group=4)["x"].shown


def test_difference_attack_suppresses_the_subgroup():
    # "all" (20) and "unit-a" (17) are both large, but all − unit-a reveals 3 raters.
    groups = {"all": range(20), "unit-a": range(17), "unit-b": range(17, 20)}
    decisions = suppress_groups(groups)
    assert not decisions["unit-b"].shown  # too small by itself
    assert not decisions["unit-a"].shown  # would give unit-b away as a difference
    assert "reveal 3" in decisions["unit-a"].reason_en
    assert decisions["all"].shown


def test_difference_of_five_or_more_is_fine_and_chains_resolve():
    groups = {"all": range(30), "a": range(20), "a-young": range(16), "b": range(20, 30)}
    decisions = suppress_groups(groups)
    assert decisions["a"].shown and decisions["b"].shown and decisions["all"].shown
    assert not decisions["a-young"].shown  # a − a-young = 4 raters
    shown = [name for name, d in decisions.items() if d.shown]
    # No two shown groups, one inside the other, differ by fewer than 5 raters.
    sets = {name: set(groups[name]) for name in shown}
    for small in shown:
        for big in shown:
            if sets[small] < sets[big]:
                assert len(sets[big] - sets[small]) >= 5
