"""Vietnamese number and date notation for what people read (decimal comma, "ngày … tháng …
năm …"); the machine form keeps the dot."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from tinnhiem.rules import (
    format_date_short_vi,
    format_date_vi,
    format_number,
    format_percent,
    format_percent_vi,
    format_time_vi,
)


def test_percent_keeps_the_dot_for_machines_and_a_comma_for_people() -> None:
    assert format_percent(Fraction(393, 485)) == "81.03"
    assert format_percent_vi(Fraction(393, 485)) == "81,03"
    assert format_percent_vi(Fraction(25, 47)) == "53,19"
    assert format_percent_vi(Fraction(1, 4)) == "25,00"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (Fraction(872, 10), 2, "87,20"),
        (1234567, 0, "1.234.567"),
        (1234.5, 2, "1.234,50"),
        (Fraction(1, 8), 2, "0,13"),  # half up
        (-2.25, 1, "-2,3"),
        (-0.004, 2, "0,00"),
    ],
)
def test_format_number(value: object, decimals: int, text: str) -> None:
    assert format_number(value, decimals) == text  # type: ignore[arg-type]


def test_dates_and_times() -> None:
    day = dt.date(2026, 3, 5)
    assert format_date_vi(day) == "ngày 05 tháng 3 năm 2026"  # NĐ 30/2020: no zero from month 3
    assert format_date_short_vi(day) == "05/03/2026"
    assert format_time_vi(dt.datetime(2026, 3, 5, 14, 7)) == "14 giờ 07 phút"


def test_rules_reexports_the_one_date_formatter() -> None:
    import tinnhiem.rules
    import tinnhiem.text

    assert tinnhiem.rules.format_date_vi is tinnhiem.text.format_date_vi
    assert tinnhiem.rules.format_date_short_vi is tinnhiem.text.format_date_short_vi
