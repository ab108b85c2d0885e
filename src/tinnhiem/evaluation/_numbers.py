"""Exact parsing of the numbers users write: "0.7", "7/10", "70%", "1"."""

from __future__ import annotations

from fractions import Fraction

__all__ = ["fraction_text", "parse_fraction"]


def parse_fraction(text: str | int | float | Fraction) -> Fraction:
    """Parse a decimal, a ratio or a percentage into an exact Fraction; ValueError if not."""
    if isinstance(text, Fraction):
        return text
    if isinstance(text, bool):
        raise ValueError(f"not a number: {text!r}")
    if isinstance(text, int):
        return Fraction(text)
    if isinstance(text, float):
        # A spreadsheet float: its shortest repr is what the user typed (0.1 -> "0.1").
        return Fraction(repr(text))
    value = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text
    value = value.strip()
    if not value:
        raise ValueError("empty number")
    scale = Fraction(1)
    if value.endswith("%"):
        value = value[:-1].strip()
        scale = Fraction(1, 100)
    try:
        return Fraction(value) * scale
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"not a number: {text!r}") from exc


def fraction_text(value: Fraction) -> str:
    """The canonical text of a Fraction: "3/4", or "2" for an integer."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"
