"""A round where no ballot counts for an official: no percentage and no band, even under a
rule whose top band is inclusive (3L >= 2N would hold vacuously for L = N = 0)."""

from fractions import Fraction

import pytest

from tinnhiem.errors import InputError
from tinnhiem.rules import PollCounts, evaluate_poll, load_rule


@pytest.mark.parametrize("rule_id", ["qd96-2023", "nq96-2023"])
def test_zero_ballots_returned_has_no_band(rule_id: str) -> None:
    rule = load_rule(rule_id)
    outcome = evaluate_poll(
        rule,
        PollCounts(issued=40, returned=0, high=0, confident=0, low=0),
        members=40,
        present=40,
        summoned=40,
    )
    assert outcome.base == 0
    assert outcome.band is None
    assert outcome.consequences == ()
    assert set(outcome.percentages.values()) == {Fraction(0)}
    assert outcome.display_percentages == {"high": "0.00", "confident": "0.00", "low": "0.00"}
    assert any("no ballot counts" in note for note in outcome.notes)


def test_zero_members_is_still_an_input_error() -> None:
    with pytest.raises(InputError, match="zero"):
        evaluate_poll(
            load_rule("nq85-2014"),
            PollCounts(issued=0, returned=0, high=0, confident=0, low=0),
            members=0,
        )
