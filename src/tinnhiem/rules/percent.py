"""Percentages as the published tables print them, computed exactly.

``format_percent`` turns an exact share (count / N) into the two-decimal percentage of the
tally minutes, rounding half up: 393/485 → ``"81.03"``. Nothing a rule decides ever looks
at these strings; bands are decided on the exact counts.
"""

from __future__ import annotations

import re
from fractions import Fraction

from tinnhiem.errors import InputError

__all__ = ["check_printed_percent", "format_percent", "parse_percent"]

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
