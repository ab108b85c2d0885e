"""Vietnamese notation for what people read on the pages: ``{% load vi_format %}``.

One place for the page's numbers and dates, with the same half-up rounding as the tally
minutes (tinnhiem.rules.percent). Machine formats (JSON, CSV, the record) keep the dot.

- ``{{ share|vi_percent }}``: an exact share (``Fraction``, 0..1) → ``81,03``; a printed
  percentage string such as ``b.percent`` (``"25.00"``) → ``25,00``.
- ``{{ value|vi_number:2 }}``: ``87,20``; ``{{ 1234567|vi_number }}`` → ``1.234.567``.
- ``{{ day|vi_date }}`` → ``ngày 29 tháng 11 năm 2026``, ``ngày 05 tháng 3 năm 2026`` (the
  form of Nghị định 30/2020/NĐ-CP Phụ lục I: a zero before days 1..9 and months 1, 2 only;
  tinnhiem.text.format_date_vi); ``{{ day|vi_date_short }}`` → ``29/11/2026``, ``05/03/2026``
  (the numeric form of tables and lists, tinnhiem.text.format_date_short_vi);
  ``{{ moment|vi_time }}`` → ``14 giờ 05 phút`` (in the active time zone).

On the English pages (the switcher's ``en``) the same filters write English notation:
``81.03``, ``1,234,567``, ``29 November 2026``, ``2026-11-29``, ``14:05``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from tinnhiem.rules import format_number, format_percent_vi, format_time_vi
from tinnhiem.text import format_date_short_vi, format_date_vi

register = template.Library()

_MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _en_number(text: str) -> str:
    """``1.234,5`` (Vietnamese) → ``1,234.5``."""
    return text.translate(str.maketrans(".,", ",."))


__all__ = ["register", "vi_date", "vi_date_short", "vi_number", "vi_percent", "vi_time"]


def _exact(value: Any) -> Fraction | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, Fraction | int | Decimal):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    try:
        return Fraction(Decimal(str(value).strip().replace(",", ".")))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def vi_number(value: Any, decimals: int | str = 0) -> str:
    """A number with a decimal comma and ``.`` between thousands; unchanged if not a number."""
    exact = _exact(value)
    if exact is None:
        return str(value)
    text = format_number(exact, int(decimals))
    return _en_number(text) if _english() else text


@register.filter
def vi_percent(value: Any, decimals: int | str = 2) -> str:
    """A share (Fraction 0..1) as a percentage, or a printed "81.03" with a comma."""
    if isinstance(value, Fraction):
        text = format_percent_vi(value, int(decimals))
    elif isinstance(value, str):
        text = value.replace(".", ",")
    else:
        exact = _exact(value)
        text = "" if exact is None else format_number(exact, int(decimals))
    return _en_number(text) if _english() else text


@register.filter
def vi_date(value: Any) -> str:
    """``ngày 29 tháng 11 năm 2026``, ``ngày 05 tháng 3 năm 2026`` (local date for an aware
    datetime): tinnhiem.text.format_date_vi."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        return str(value or "")
    if _english():
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return format_date_vi(value)


@register.filter
def vi_date_short(value: Any) -> str:
    """``29/11/2026``, ``05/03/2026`` (tables): tinnhiem.text.format_date_short_vi."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        return str(value or "")
    return value.isoformat() if _english() else format_date_short_vi(value)


@register.filter
def vi_time(value: Any) -> str:
    """``14 giờ 05 phút`` in the active time zone."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.time()
    if not isinstance(value, dt.time):
        return str(value or "")
    return value.strftime("%H:%M") if _english() else format_time_vi(value)
