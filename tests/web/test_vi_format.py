"""The template filters the web pages use for Vietnamese notation (one place)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.template import Context, Template

from tinnhiem.web.templatetags.vi_format import (
    vi_date,
    vi_date_short,
    vi_number,
    vi_percent,
    vi_time,
)


def test_filters() -> None:
    assert vi_percent(Fraction(25, 100)) == "25,00"
    assert vi_percent("81.03") == "81,03"
    assert vi_number(Fraction(872, 10), 2) == "87,20"
    assert vi_number(0.4285, "3") == "0,429"
    assert vi_number("n/a") == "n/a"
    assert vi_date(dt.date(2026, 11, 29)) == "ngày 29 tháng 11 năm 2026"
    assert vi_date_short(dt.date(2026, 11, 29)) == "29/11/2026"
    # NĐ 30/2020 Phụ lục I: a zero before days 1..9 and months 1, 2; none from month 3 on.
    assert vi_date(dt.date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert vi_date(dt.date(2026, 2, 9)) == "ngày 09 tháng 02 năm 2026"
    assert vi_date_short(dt.date(2026, 3, 5)) == "05/03/2026"
    late = dt.datetime(2026, 2, 28, 17, 30, tzinfo=dt.UTC)  # 00:30 on 1 March in Hà Nội
    assert vi_date(late) == "ngày 01 tháng 3 năm 2026"
    moment = dt.datetime(2026, 11, 29, 1, 30, tzinfo=dt.UTC)  # 08:30 in Hà Nội
    assert vi_time(moment) == "08 giờ 30 phút"


def test_filters_load_in_a_template() -> None:
    text = Template("{% load vi_format %}{{ p|vi_percent }}% {{ d|vi_date }}").render(
        Context({"p": Fraction(25, 47), "d": dt.date(2026, 12, 1)})
    )
    assert text == "53,19% ngày 01 tháng 12 năm 2026"
    text = Template("{% load vi_format %}{{ d|vi_date }} · {{ d|vi_date_short }}").render(
        Context({"d": dt.date(2026, 7, 5)})
    )
    assert text == "ngày 05 tháng 7 năm 2026 · 05/07/2026"


def test_english_pages_keep_english_notation():
    from django.utils import translation

    moment = dt.datetime(2026, 11, 29, 7, 5, tzinfo=dt.UTC)  # 14:05 in Hà Nội
    with translation.override("en"):
        assert vi_percent("81.03") == "81.03"
        assert vi_percent(Fraction(25, 100)) == "25.00"
        assert vi_number(1234567) == "1,234,567"
        assert vi_date(moment) == "29 November 2026"
        assert vi_date_short(moment) == "2026-11-29"
        assert vi_time(moment) == "14:05"
    assert vi_number(1234567) == "1.234.567" and vi_time(moment) == "14 giờ 05 phút"
