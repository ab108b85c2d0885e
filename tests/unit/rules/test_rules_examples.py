"""The two public examples of DOMAIN.md, through the evaluator, under each applicable rule."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tinnhiem.rules import Denominator, Level, PollCounts, evaluate_poll, load_rule

NGAN_2018 = PollCounts(issued=None, returned=None, high=437, confident=34, low=4)
VINH_PHUC_2023 = PollCounts(issued=47, returned=47, high=19, confident=2, low=25)


@pytest.mark.parametrize("rule_id", ["nq85-2014", "nq35-2012"])
def test_national_assembly_2018_over_all_deputies(rule_id: str) -> None:
    out = evaluate_poll(load_rule(rule_id), NGAN_2018, members=485)
    assert out.denominator is Denominator.MEMBERS
    assert out.base == 485
    assert out.percentages[Level.HIGH] == Fraction(437, 485)
    assert out.display_percentages == {"high": "90.10", "confident": "7.01", "low": "0.82"}
    assert out.band is None
    assert out.consequences == ()
    assert not out.formal_vote_follows


def test_national_assembly_2018_needs_members() -> None:
    from tinnhiem.errors import InputError

    with pytest.raises(InputError, match="members"):
        evaluate_poll(load_rule("nq85-2014"), NGAN_2018, members=None)


def test_vinh_phuc_2023_first_band_under_nq96() -> None:
    rule = load_rule("nq96-2023")
    out = evaluate_poll(rule, VINH_PHUC_2023, members=None)
    assert out.denominator is Denominator.RETURNED
    assert out.base == 47
    assert out.percentages[Level.LOW] == Fraction(25, 47)
    assert out.display_percentages[Level.LOW] == "53.19"
    assert out.band is not None and out.band.id == "over-half"
    codes = [c.code for c in out.consequences]
    assert codes == ["may_resign", "formal_vote_if_not_resigned"]
    assert all(
        c.rule_id == "nq96-2023" and c.citation.startswith("Nghị quyết 96/2023/QH15")
        for c in out.consequences
    )
    assert out.resignation_open
    assert out.formal_vote_follows
    assert out.formal_rule == "nq96-2023-formal"
    assert out.unmarked == 1  # 19 + 2 + 25 = 46 marks on 47 ballots
    assert not out.mandatory


def test_vinh_phuc_counts_under_party_rule_with_quorum() -> None:
    out = evaluate_poll(
        load_rule("qd96-2023"), VINH_PHUC_2023, members=None, present=47, summoned=50
    )
    assert out.band is not None and out.band.id == "over-half"
    assert [c.code for c in out.consequences] == ["removed_from_planning", "authority_considers"]
    assert out.formal_vote.value == "possible" and not out.formal_vote_follows


def test_same_counts_differ_by_denominator() -> None:
    """25 low of 47 returned is the first band; of 60 members it is under half."""
    counts = PollCounts(issued=47, returned=47, high=19, confident=2, low=25)
    over_returned = evaluate_poll(load_rule("nq96-2023"), counts, members=60)
    over_members = evaluate_poll(load_rule("nq85-2014"), counts, members=60)
    assert over_returned.band is not None
    assert over_members.base == 60 and over_members.band is None
