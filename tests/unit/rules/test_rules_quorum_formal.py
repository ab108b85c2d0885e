"""Quorum (Party rule: at least 2/3 of those summoned present) and the formal vote."""

from __future__ import annotations

import pytest

from tinnhiem.errors import InputError
from tinnhiem.rules import (
    FormalCounts,
    FormalOption,
    PollCounts,
    QuorumStatus,
    evaluate_formal,
    evaluate_poll,
    formal_vote_requested,
    load_rule,
)

LOW_HEAVY = PollCounts(issued=20, returned=20, high=5, confident=0, low=15)


def test_quorum_exactly_two_thirds_is_met() -> None:
    out = evaluate_poll(load_rule("qd96-2023"), LOW_HEAVY, members=None, present=20, summoned=30)
    assert out.quorum.status is QuorumStatus.MET
    assert (out.quorum.present, out.quorum.summoned) == (20, 30)
    assert out.band is not None and out.band.id == "two-thirds"
    assert [c.code for c in out.consequences] == ["relieved_of_posts", "resignation_closed"]


def test_failed_quorum_has_no_band() -> None:
    counts = PollCounts(issued=19, returned=19, high=4, confident=0, low=15)
    out = evaluate_poll(load_rule("qd96-2023"), counts, members=None, present=19, summoned=30)
    assert out.quorum.status is QuorumStatus.NOT_MET and not out.quorum.met
    assert out.band is None and out.consequences == ()
    assert out.notes and "quorum" in out.notes[0]
    assert "19/30" in out.quorum.describe()
    # the percentages are still reported, exactly
    assert out.display_percentages["low"] == "78.95"


def test_quorum_numbers_required_by_party_rule() -> None:
    with pytest.raises(InputError, match="present and summoned"):
        evaluate_poll(load_rule("qd96-2023"), LOW_HEAVY, members=None)


def test_no_quorum_rule() -> None:
    out = evaluate_poll(load_rule("nq96-2023"), LOW_HEAVY, members=None)
    assert out.quorum.status is QuorumStatus.NOT_REQUIRED and out.quorum.met


def test_present_above_summoned_rejected() -> None:
    with pytest.raises(InputError, match="summoned"):
        evaluate_poll(load_rule("qd96-2023"), LOW_HEAVY, members=None, present=31, summoned=30)


def test_formal_exactly_half_is_not_more_than_half() -> None:
    rule = load_rule("nq96-2023-formal")
    half = evaluate_formal(rule, FormalCounts(100, 100, 50, 50), members=100)
    assert half.band is None and half.consequences == ()
    more = evaluate_formal(rule, FormalCounts(100, 100, 49, 51), members=100)
    assert more.band is not None
    # "có thể xin từ chức. Trường hợp không từ chức thì ... trình ... miễn nhiệm"
    assert [c.code for c in more.consequences] == ["may_resign", "dismissal_if_not_resigned"]
    assert more.resignation_open and more.mandatory
    assert more.percentages[FormalOption.NO_CONFIDENCE] * 100 == 51


def test_formal_base_is_all_deputies_not_ballots_returned() -> None:
    """Luật Tổ chức Quốc hội, Điều 13, khoản 2: "quá nửa tổng số đại biểu Quốc hội"."""
    rule = load_rule("nq96-2023-formal")
    # 240 of 479 returned is more than half of the ballots, not of the 485 deputies
    out = evaluate_formal(rule, FormalCounts(480, 479, 230, 240, invalid=9), members=485)
    assert out.base == 485 and out.band is None
    assert evaluate_formal(rule, FormalCounts(485, 485, 242, 242), members=485).band is None
    yes = evaluate_formal(rule, FormalCounts(485, 485, 242, 243), members=485)
    assert yes.band is not None  # 2·243 = 486 > 485
    with pytest.raises(InputError, match="members"):
        evaluate_formal(rule, FormalCounts(4, 4, 1, 3), members=None)


def test_formal_three_of_four_sheets_in_a_body_of_fifty_is_not_a_majority() -> None:
    rule = load_rule("nq96-2023-formal")
    out = evaluate_formal(rule, FormalCounts(4, 4, 1, 3), members=50)
    assert out.base == 50 and out.band is None and out.consequences == ()
    assert evaluate_formal(rule, FormalCounts(50, 50, 25, 25), members=50).band is None
    assert evaluate_formal(rule, FormalCounts(50, 50, 24, 26), members=50).band is not None


def test_poll_and_formal_rules_are_not_interchangeable() -> None:
    with pytest.raises(InputError, match="not a poll rule"):
        evaluate_poll(load_rule("nq96-2023-formal"), LOW_HEAVY, members=None)
    with pytest.raises(InputError, match="not a formal-vote rule"):
        evaluate_formal(load_rule("nq96-2023"), FormalCounts(1, 1, 1, 0), members=None)


def test_formal_vote_request_thresholds() -> None:
    rule = load_rule("nq96-2023-formal")
    assert formal_vote_requested(rule, "national_assembly", 97, 485)  # exactly 20%
    assert not formal_vote_requested(rule, "national_assembly", 96, 485)
    assert formal_vote_requested(rule, "peoples_council", 17, 51)  # exactly 1/3
    assert not formal_vote_requested(rule, "peoples_council", 16, 51)
    with pytest.raises(InputError, match="no request threshold"):
        formal_vote_requested(rule, "senate", 1, 2)
