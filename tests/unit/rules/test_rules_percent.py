"""Two-decimal percentages, half up, and the printed count/percentage check."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tinnhiem.errors import InputError
from tinnhiem.rules import check_printed_percent, format_percent, parse_percent


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (Fraction(393, 485), "81.03"),
        (Fraction(437, 485), "90.10"),
        (Fraction(34, 485), "7.01"),
        (Fraction(4, 485), "0.82"),
        (Fraction(25, 47), "53.19"),
        (Fraction(1, 800), "0.13"),  # 0.125 exactly: half up, not to even
        (Fraction(3, 800), "0.38"),  # 0.375
        (Fraction(1, 8), "12.50"),
        (Fraction(0), "0.00"),
        (Fraction(1), "100.00"),
        (Fraction(2, 3), "66.67"),
    ],
)
def test_format_percent(share: Fraction, text: str) -> None:
    assert format_percent(share) == text


def test_format_percent_other_precision() -> None:
    assert format_percent(Fraction(2, 3), 1) == "66.7"
    assert format_percent(Fraction(2, 3), 0) == "67"


def test_parse_percent() -> None:
    assert parse_percent("81,03%") == (Fraction(8103, 100), 2)
    assert parse_percent(" 7.1 ") == (Fraction(71, 10), 1)
    with pytest.raises(InputError, match="not a percentage"):
        parse_percent("81.0.3")


@pytest.mark.parametrize("printed", ["81.03", "81,03", "81.03%", "81.0", "81"])
def test_printed_percent_agrees(printed: str) -> None:
    check_printed_percent(393, 485, printed)


@pytest.mark.parametrize("printed", ["81.02", "81.04", "81.1", "80", "-1"])
def test_printed_percent_disagrees(printed: str) -> None:
    with pytest.raises(InputError, match=r"393/485|not a percentage"):
        check_printed_percent(393, 485, printed, where="line 4")
