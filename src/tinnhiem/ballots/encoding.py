"""Packed rows: one ciphertext per official carries the whole mark (mã hoá gộp).

A poll row encrypts blank 0, low 1, confident B, high B²; a formal-vote row encrypts
blank 0, no confidence 1, confidence B. With fewer than B ballots the sum of a column is
h·B² + c·B + l (poll) or c·B + n (formal vote), read back digit by digit in base B.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tinnhiem.ballots.manifest import Manifest, RoundKind
from tinnhiem.errors import InputError

__all__ = ["FORMAL_MARKS", "POLL_MARKS", "Mark", "PackedCounts", "mark_value", "unpack"]


class Mark(StrEnum):
    """What a voter ticks on one row."""

    BLANK = "blank"
    LOW = "low"  # tín nhiệm thấp
    CONFIDENT = "confident"  # tín nhiệm
    HIGH = "high"  # tín nhiệm cao
    NO_CONFIDENCE = "no_confidence"  # không tín nhiệm (formal vote)
    CONFIDENCE = "confidence"  # tín nhiệm (formal vote)


POLL_MARKS = (Mark.BLANK, Mark.LOW, Mark.CONFIDENT, Mark.HIGH)
FORMAL_MARKS = (Mark.BLANK, Mark.NO_CONFIDENCE, Mark.CONFIDENCE)


def mark_value(manifest: Manifest, mark: Mark) -> int:
    """The packed plaintext of ``mark`` in this round (raises for a mark of the other kind)."""
    marks = POLL_MARKS if manifest.kind is RoundKind.POLL else FORMAL_MARKS
    if mark not in marks:
        raise InputError(
            f"mark {mark.value!r} is not used in a {manifest.kind.value} round", where="ballot row"
        )
    return manifest.allowed_values()[marks.index(mark)]


@dataclass(frozen=True)
class PackedCounts:
    """The digits of one column's sum. For a formal vote ``high`` is confidence,
    ``low`` is no confidence and ``confident`` is 0."""

    high: int
    confident: int
    low: int
    blank: int


def unpack(kind: RoundKind, base: int, total: int, ballots: int) -> PackedCounts:
    """Split a decrypted column sum over ``ballots`` ballots into counts per mark."""
    if not 0 <= ballots < base:
        raise InputError(f"{ballots} ballots do not fit base {base}", where="unpack")
    if total < 0:
        raise InputError("a column sum is never negative", where="unpack")
    low = total % base
    rest = total // base
    if kind is RoundKind.POLL:
        confident = rest % base
        high = rest // base
    else:
        confident = 0
        high = rest
    marked = high + confident + low
    if marked > ballots:
        raise InputError(f"sum {total} holds {marked} marks for {ballots} ballots", where="unpack")
    return PackedCounts(high=high, confident=confident, low=low, blank=ballots - marked)
