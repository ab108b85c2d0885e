"""Band boundaries: exactly 1/2, exactly 2/3, one above and one below, each inclusivity."""

from __future__ import annotations

from pathlib import Path

import pytest

from tinnhiem.rules import PollCounts, Rule, evaluate_poll, load_rule

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def qd41_rule(tmp_path: Path) -> Rule:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "qd96-qd41.toml"
    path.write_text(block, encoding="utf-8")
    return load_rule(path)


def band_of(rule: Rule, low: int, n: int) -> str | None:
    counts = PollCounts(issued=n, returned=n, high=n - low, confident=0, low=low)
    quorum = {"present": n, "summoned": n} if rule.quorum else {}
    out = evaluate_poll(rule, counts, members=n, **quorum)
    return out.band.id if out.band else None


@pytest.mark.parametrize("rule_id", ["qd96-2023", "nq96-2023", "nq85-2014"])
@pytest.mark.parametrize(
    ("low", "n", "expected"),
    [
        (3, 6, None),  # exactly 1/2: not "more than half"
        (2, 6, None),
        (50, 100, None),
        (51, 100, "over-half"),  # one above 1/2
        (5, 9, "over-half"),
        (5, 8, "over-half"),
        (6, 9, "two-thirds"),  # exactly 2/3: "2/3 or more"
        (4, 6, "two-thirds"),
        (199, 300, "over-half"),  # one below 2/3
        (200, 300, "two-thirds"),
        (201, 300, "two-thirds"),
        (0, 485, None),
        (485, 485, "two-thirds"),
    ],
)
def test_inclusive_two_thirds(rule_id: str, low: int, n: int, expected: str | None) -> None:
    assert band_of(load_rule(rule_id), low, n) == expected


@pytest.mark.parametrize(
    ("low", "n", "expected"),
    [
        (3, 6, None),
        (51, 100, "over-half"),
        (6, 9, "over-half"),  # exactly 2/3 is not "more than 2/3"
        (200, 300, "over-half"),
        (201, 300, "over-two-thirds"),
        (7, 9, "over-two-thirds"),
    ],
)
def test_exclusive_two_thirds_qd41(tmp_path: Path, low: int, n: int, expected: str | None) -> None:
    assert band_of(qd41_rule(tmp_path), low, n) == expected


def test_mandatory_band_closes_resignation(tmp_path: Path) -> None:
    rule = qd41_rule(tmp_path)
    counts = PollCounts(issued=9, returned=9, high=2, confident=0, low=7)
    out = evaluate_poll(rule, counts, members=None, present=9, summoned=9)
    codes = [c.code for c in out.consequences]
    assert codes == ["dismissal", "resignation_closed"]
    assert not out.resignation_open and out.mandatory
    closed = out.consequences[-1]
    # A free-text citation (no [citations] table) is shown as not checked against its text.
    assert closed.citation == "QĐ 41-QĐ/TW [chưa đối chiếu văn bản / unverified]"
    assert closed.rule_id == "qd96-qd41"


def test_nq96_second_band_is_mandatory_dismissal() -> None:
    counts = PollCounts(issued=90, returned=90, high=20, confident=10, low=60)
    out = evaluate_poll(load_rule("nq96-2023"), counts, members=None)
    assert [c.code for c in out.consequences] == ["must_submit_dismissal", "resignation_closed"]
    assert out.mandatory and not out.resignation_open and not out.formal_vote_follows


def test_nq85_second_band_holds_a_formal_vote() -> None:
    counts = PollCounts(issued=None, returned=None, high=0, confident=0, low=324)
    out = evaluate_poll(load_rule("nq85-2014"), counts, members=485)
    assert out.band is not None and out.band.id == "two-thirds"  # 3·324 = 972 >= 970
    assert out.formal_vote.value == "required" and out.formal_vote_follows
    assert out.resignation_open  # NQ 85 does not close the resignation path


def test_denominator_changes_the_band() -> None:
    """51 low of 100 returned is over half; of 110 members it is not."""
    counts = PollCounts(issued=100, returned=100, high=49, confident=0, low=51)
    assert evaluate_poll(load_rule("nq96-2023"), counts, members=110).band is not None
    assert evaluate_poll(load_rule("nq85-2014"), counts, members=110).band is None
    counts = PollCounts(issued=100, returned=100, high=0, confident=0, low=56)
    assert evaluate_poll(load_rule("nq85-2014"), counts, members=110).band is not None


def test_invalid_rows_stay_in_returned_base() -> None:
    """Invalid rows count in N: 24 low + 2 invalid of 48 returned is exactly half."""
    counts = PollCounts(issued=48, returned=48, high=20, confident=2, low=24, invalid=2)
    out = evaluate_poll(load_rule("nq96-2023"), counts, members=None)
    assert out.base == 48 and out.band is None and out.unmarked == 0


@pytest.mark.parametrize(
    ("blank_row", "in_base", "base", "band"),
    [
        ("invalid", "true", 10, None),  # 5/10 is exactly half
        ("invalid", "false", 7, "over-two-thirds"),  # 1 invalid + 2 blank rows leave N = 7
        ("no_mark", "false", 9, "over-half"),  # blank rows stay: N = 10 - 1 invalid
    ],
)
def test_invalid_rows_in_base_field(
    tmp_path: Path, blank_row: str, in_base: str, base: int, band: str | None
) -> None:
    text = DOCS.read_text(encoding="utf-8").split("```toml\n", 1)[1].split("```", 1)[0]
    text = text.replace('blank_row = "invalid"', f'blank_row = "{blank_row}"')
    text = text.replace("invalid_rows_in_base = true", f"invalid_rows_in_base = {in_base}")
    path = tmp_path / "variant.toml"
    path.write_text(text, encoding="utf-8")
    counts = PollCounts(issued=10, returned=10, high=2, confident=0, low=5, invalid=1)
    out = evaluate_poll(load_rule(path), counts, members=None, present=10, summoned=10)
    assert out.base == base and out.unmarked == 2
    assert (out.band.id if out.band else None) == band


@pytest.mark.parametrize(
    ("low", "n", "expected"),
    [
        (3, 6, None),  # exactly 1/2: not "more than half"
        (51, 100, "over-half"),
        (4, 6, "over-half"),  # exactly 2/3 is not "trên hai phần ba" (NQ 35/2012, Điều 11)
        (200, 300, "over-half"),
        (201, 300, "over-two-thirds"),
        (322, 483, "over-half"),  # 483 = 3 · 161: exactly 2/3
        (323, 483, "over-two-thirds"),
        (323, 485, "over-half"),  # 3·323 = 969 < 970 = 2·485
        (324, 485, "over-two-thirds"),  # 3·324 = 972 > 970
        (485, 485, "over-two-thirds"),
    ],
)
def test_nq35_formal_vote_band_is_strictly_more_than_two_thirds(
    low: int, n: int, expected: str | None
) -> None:
    assert band_of(load_rule("nq35-2012"), low, n) == expected


@pytest.mark.parametrize(
    ("low", "n", "expected"),
    [
        (242, 485, None),  # 2·242 = 484 < 485
        (243, 485, "over-half"),  # 2·243 = 486 > 485
        (323, 485, "over-half"),  # 3·323 = 969 < 970
        (324, 485, "two-thirds"),  # "từ hai phần ba ... trở lên": 3·324 >= 970
        (322, 483, "two-thirds"),  # exactly 2/3 is in the second band
        (321, 483, "over-half"),
    ],
)
def test_nq96_boundaries_at_the_national_assembly_size(
    low: int, n: int, expected: str | None
) -> None:
    assert band_of(load_rule("nq96-2023"), low, n) == expected
