"""Percentages as the published tables print them, computed exactly.

``format_percent`` turns an exact share (count / N) into the two-decimal percentage of the
tally minutes, rounding half up: 393/485 → ``"81.03"``. Nothing a rule decides ever looks
at these strings; bands are decided on the exact counts.

Two notations, one rounding. ``format_percent`` keeps the dot: it is the machine form of
the record, the results JSON and the CSV exports. What a person reads (the CLI, the tally
minutes, the big screen, the evaluation pages) uses the Vietnamese notation:
``format_percent_vi`` / ``format_number`` (decimal comma, ``.`` between thousands:
``81,03``, ``1.234,50``) and ``format_date_vi`` (``ngày 29 tháng 11 năm 2026``,
``ngày 05 tháng 3 năm 2026``: NĐ 30/2020 Phụ lục I; written once, in tinnhiem.text, and
re-exported here).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

from tinnhiem.errors import InputError
from tinnhiem.text import format_date_short_vi, format_date_vi

__all__ = [
    "check_printed_percent",
    "format_date_short_vi",
    "format_date_vi",
    "format_number",
    "format_percent",
    "format_percent_vi",
    "format_time_vi",
    "parse_percent",
]

_PERCENT = re.compile(r"^\s*(\d+)(?:[.,](\d+))?\s*%?\s*$")


def format_percent(share: Fraction, decimals: int = 2) -> str:
    """The share (0..1) as a percentage string with ``decimals`` places, half up.

    ``format_percent(Fraction(393, 485)) == "81.03"``; ``Fraction(1, 8)`` gives ``"12.50"``.
    """
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    if share < 0:
        raise ValueError("a share is never negative")
    scale = 10**decimals
    scaled = share * 100 * scale
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, frac = divmod(rounded, scale)
    return f"{whole}.{frac:0{decimals}d}" if decimals else str(whole)


def _half_up(value: Fraction, decimals: int) -> tuple[int, int]:
    """``|value|`` rounded half up at ``decimals`` places, as (whole, fraction digits)."""
    scale = 10**decimals
    scaled = abs(value) * scale
    rounded: int = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, frac = divmod(rounded, scale)
    return whole, frac


def format_number(
    value: Fraction | Decimal | int | float, decimals: int = 0, *, grouping: bool = True
) -> str:
    """A number in Vietnamese notation, half up: ``1.234,50`` (``.`` groups thousands,
    ``,`` is the decimal mark). ``format_number(Fraction(872, 10), 2) == "87,20"``.
    """
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    whole, frac = _half_up(exact, decimals)
    digits = f"{whole:,}".replace(",", ".") if grouping else str(whole)
    sign = "-" if exact < 0 and (whole or frac) else ""
    return f"{sign}{digits},{frac:0{decimals}d}" if decimals else f"{sign}{digits}"


def format_percent_vi(share: Fraction, decimals: int = 2) -> str:
    """``format_percent`` with a decimal comma, for people: 393/485 → ``"81,03"``."""
    return format_percent(share, decimals).replace(".", ",")


def format_time_vi(moment: dt.datetime | dt.time) -> str:
    """``14 giờ 05 phút`` (the clock time of the minutes, local time as given)."""
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"


def parse_percent(text: str, *, where: str | None = None) -> tuple[Fraction, int]:
    """Parse a printed percentage (``"81.03"``, ``"81,03%"``) into (value, decimals)."""
    match = _PERCENT.match(text)
    if not match:
        raise InputError(f"'{text}' is not a percentage (expected e.g. 81.03)", where=where)
    digits = match.group(2) or ""
    value = Fraction(int(match.group(1) + digits), 10 ** len(digits))
    return value, len(digits)


def check_printed_percent(count: int, base: int, printed: str, *, where: str | None = None) -> None:
    """Raise InputError unless ``printed`` is ``count/base`` rounded half up at its precision.

    A row of published minutes whose count and percentage disagree is an input error
    (Vietnamese: số phiếu và tỷ lệ không khớp). The printed value may use a comma as the
    decimal mark and may end with ``%``.
    """
    if base <= 0:
        raise InputError(f"base must be positive, got {base}", where=where)
    value, decimals = parse_percent(printed, where=where)
    expected = format_percent(Fraction(count, base), decimals)
    if Fraction(expected) != value:
        raise InputError(
            f"printed percentage {printed.strip()} does not match {count}/{base} = {expected}%"
            " / tỷ lệ in ra không khớp với số phiếu",
            where=where,
        )
