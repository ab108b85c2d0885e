"""Exemptions from the poll (không lấy phiếu), with their reasons."""

from __future__ import annotations

from datetime import date

import pytest

from tinnhiem.errors import InputError
from tinnhiem.rules import OfficialFacts, check_exemption, load_rule
from tinnhiem.rules.exemptions import add_months

POLL = date(2023, 10, 25)


def test_retirement_notice_under_every_poll_rule_but_nq35() -> None:
    for rule_id in ("qd96-2023", "nq96-2023", "nq85-2014"):
        found = check_exemption(load_rule(rule_id), OfficialFacts(POLL, retirement_notice=True))
        assert found is not None and found.code == "retirement_notice"
        assert found.reason_vi.startswith("Đã có thông báo nghỉ") and found.rule_id == rule_id
    # No exemption clause of NQ 35/2012 was found: none is applied.
    assert load_rule("nq35-2012").exemptions == ()


def test_elected_in_the_poll_year() -> None:
    rule = load_rule("nq96-2023")
    found = check_exemption(rule, OfficialFacts(POLL, took_office=date(2023, 1, 2)))
    assert found is not None and found.code == "took_office_in_poll_year"
    assert "calendar year" in found.reason_en
    assert check_exemption(rule, OfficialFacts(POLL, took_office=date(2022, 12, 31))) is None


def test_serious_illness_six_months_is_na_rule_only() -> None:
    facts = OfficialFacts(POLL, took_office=date(2021, 4, 1), serious_illness_months=6)
    found = check_exemption(load_rule("nq96-2023"), facts)
    assert found is not None and found.code == "serious_illness"
    five = OfficialFacts(POLL, took_office=date(2021, 4, 1), serious_illness_months=5)
    assert check_exemption(load_rule("nq96-2023"), five) is None
    assert check_exemption(load_rule("qd96-2023"), facts) is None


def test_nq85_in_post_under_nine_months() -> None:
    """The 9-month exemption is the 2014-2023 rule's (reported for the 2018 polls)."""
    rule = load_rule("nq85-2014")
    poll = date(2018, 10, 24)
    under = check_exemption(rule, OfficialFacts(poll, took_office=date(2018, 1, 25)))
    assert under is not None and under.code == "in_post_under_9_months"
    assert under.citation.endswith("[chưa đối chiếu văn bản / unverified]")
    assert check_exemption(rule, OfficialFacts(poll, took_office=date(2018, 1, 24))) is None
    # NQ 85 has no "elected in the poll year" exemption: in post 9 months and more is polled
    assert check_exemption(rule, OfficialFacts(poll, took_office=date(2018, 1, 2))) is None
    assert check_exemption(load_rule("nq35-2012"), OfficialFacts(poll, took_office=poll)) is None
    # the newer rules do not know this exemption
    assert (
        check_exemption(
            load_rule("nq96-2023"), OfficialFacts(date(2024, 3, 1), took_office=date(2023, 9, 1))
        )
        is None
    )


def test_no_exemption() -> None:
    assert check_exemption(load_rule("qd96-2023"), OfficialFacts(POLL)) is None


def test_impossible_facts_rejected() -> None:
    with pytest.raises(InputError, match="after the poll date"):
        check_exemption(load_rule("nq96-2023"), OfficialFacts(POLL, took_office=date(2024, 1, 1)))
    with pytest.raises(InputError, match="negative"):
        check_exemption(load_rule("nq96-2023"), OfficialFacts(POLL, serious_illness_months=-1))


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2023, 5, 31), 9) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 15), 12) == date(2024, 1, 15)
