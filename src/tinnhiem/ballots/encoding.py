"""How a row encodes a mark, and how column sums give back the counts.

Packed rows (mã hoá gộp): one ciphertext per official carries the whole mark. A poll row
encrypts blank 0, low 1, confident B, high B²; a formal-vote row encrypts blank 0, no
confidence 1, confidence B. With fewer than B ballots the sum of a column is
h·B² + c·B + l (poll) or c·B + n (formal vote), read back digit by digit in base B.

Per level (mã hoá theo mức, for bodies too large for packing): one 0/1 ciphertext per
level, in the order low, confident, high (poll) or no confidence, confidence (formal
vote); each column sums to that level's count. The manifest says which (``encoding``).

Personnel ballots are always per level. ``agree_disagree``: one row per candidate with two
0/1 ciphertexts, agree then disagree, their sum 0 or 1. ``choose_at_most``: one row (its id
``choice``) with one 0/1 ciphertext per candidate, in list order, then the blank indicator
b (1 exactly when no name is marked), the checked sum ``Σ x_i + k·b`` in 1 … k (a manifest
without ``personnel.blank_column``: no b, the sum in 0 … k). Each column sums to the
number of ballots marking that candidate (or option); b's to the blank ballots.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from tinnhiem.ballots.manifest import Encoding, Manifest, RoundKind
from tinnhiem.errors import InputError

__all__ = [
    "AGREE_MARKS",
    "FORMAL_MARKS",
    "POLL_MARKS",
    "Mark",
    "PackedCounts",
    "blank_ballots",
    "choice_bits",
    "column_counts",
    "level_bits",
    "mark_value",
    "personnel_votes",
    "unpack",
]


class Mark(StrEnum):
    """What a voter ticks on one row."""

    BLANK = "blank"
    LOW = "low"  # tín nhiệm thấp
    CONFIDENT = "confident"  # tín nhiệm
    HIGH = "high"  # tín nhiệm cao
    NO_CONFIDENCE = "no_confidence"  # không tín nhiệm (formal vote)
    CONFIDENCE = "confidence"  # tín nhiệm (formal vote)
    AGREE = "agree"  # đồng ý (agree_disagree)
    DISAGREE = "disagree"  # không đồng ý (agree_disagree)
    CHOSEN = "chosen"  # a name marked on a choose_at_most ballot


POLL_MARKS = (Mark.BLANK, Mark.LOW, Mark.CONFIDENT, Mark.HIGH)
FORMAL_MARKS = (Mark.BLANK, Mark.NO_CONFIDENCE, Mark.CONFIDENCE)
AGREE_MARKS = (Mark.BLANK, Mark.AGREE, Mark.DISAGREE)

_MARKS = {
    RoundKind.POLL: POLL_MARKS,
    RoundKind.FORMAL_VOTE: FORMAL_MARKS,
    RoundKind.AGREE_DISAGREE: AGREE_MARKS,
}


def mark_value(manifest: Manifest, mark: Mark) -> int:
    """The packed plaintext of ``mark`` in this round (raises for a mark of the other kind)."""
    marks = _MARKS.get(manifest.kind, ())
    if mark not in marks:
        raise InputError(
            f"mark {mark.value!r} is not used in a {manifest.kind.value} round", where="ballot row"
        )
    if manifest.encoding is not Encoding.PACKED:
        raise InputError("a per-level row has one value per level (level_bits)", where="row")
    return manifest.allowed_values()[marks.index(mark)]


def _marks(manifest: Manifest, mark: Mark) -> tuple[Mark, ...]:
    marks = _MARKS.get(manifest.kind, ())
    if mark not in marks:
        raise InputError(
            f"mark {mark.value!r} is not used in a {manifest.kind.value} round", where="ballot row"
        )
    return marks


def level_bits(manifest: Manifest, mark: Mark) -> tuple[int, ...]:
    """A per-level row's plaintexts: 1 at the marked level, 0 elsewhere (all 0: blank)."""
    marks = _marks(manifest, mark)
    return tuple(int(m is mark) for m in marks[1:])


def choice_bits(manifest: Manifest, chosen: Collection[str]) -> tuple[int, ...]:
    """A choose ballot's plaintexts: 1 for each candidate named, in list order, then the
    blank indicator b (1 when none is named: a blank ballot) when the row has one. Raises
    ``InputError`` for an unknown name or more than k names."""
    if manifest.kind is not RoundKind.CHOOSE_AT_MOST or manifest.personnel is None:
        raise InputError(f"a {manifest.kind.value} round has no choose row", where="ballot row")
    ids = manifest.official_ids
    unknown = sorted(set(chosen) - set(ids))
    if unknown:
        raise InputError(f"not on the list: {', '.join(unknown)}", where="ballot row")
    k = manifest.personnel.k
    if len(set(chosen)) > k:
        raise InputError(
            f"{len(set(chosen))} names marked, the ballot allows at most {k}", where="ballot row"
        )
    bits = tuple(int(c in chosen) for c in ids)
    return (*bits, int(not any(bits))) if manifest.choose_blank else bits


def personnel_votes(
    manifest: Manifest, sums: Sequence[int], ballots: int
) -> dict[str, int | dict[str, int]]:
    """A personnel round's counts from its decrypted column sums: candidate → ballots
    naming them (choose), or candidate → ``{"agree": a, "disagree": d}``; checked against
    the ``ballots`` counted (raises ``InputError``)."""
    if len(sums) != manifest.columns:
        raise InputError(
            f"{len(sums)} sums, the round has {manifest.columns} columns", where="sums"
        )
    if any(s < 0 or s > ballots for s in sums):
        raise InputError(f"a column sum exceeds the {ballots} ballots", where="unpack")
    ids = manifest.official_ids
    if manifest.kind is RoundKind.CHOOSE_AT_MOST:
        assert manifest.personnel is not None
        names = sums[: len(ids)]
        blank = blank_ballots(manifest, sums, ballots, checked=True)
        marking = ballots - (blank or 0)
        if sum(names) > manifest.personnel.k * marking:
            raise InputError(f"{sum(names)} names on {marking} ballots", where="unpack")
        return {c: s for c, s in zip(ids, names, strict=True)}
    if manifest.kind is not RoundKind.AGREE_DISAGREE:
        raise InputError(f"a {manifest.kind.value} round is not a personnel vote", where="sums")
    out: dict[str, int | dict[str, int]] = {}
    for j, c in enumerate(ids):
        agree, disagree = sums[2 * j], sums[2 * j + 1]
        if agree + disagree > ballots:
            raise InputError(f"{c}: {agree + disagree} marks for {ballots} ballots", where="unpack")
        out[c] = {"agree": agree, "disagree": disagree}
    return out


def blank_ballots(
    manifest: Manifest, sums: Sequence[int], ballots: int, *, checked: bool = False
) -> int | None:
    """The blank ballots (phiếu trống: naming nobody) of a choose round from its decrypted
    column sums: the blank column's sum; None for a choose row without one (its blanks
    cannot be told apart when k > 1). Raises ``InputError`` when the sums do not fit: the blank
    ballots exceed ``ballots``, or the other ballots name fewer than one each.
    ``checked``: the sums' count and range were checked already (``personnel_votes``)."""
    if manifest.kind is not RoundKind.CHOOSE_AT_MOST:
        raise InputError(f"a {manifest.kind.value} round has no blank column", where="sums")
    if not checked and (len(sums) != manifest.columns or any(s < 0 for s in sums)):
        raise InputError(f"expected {manifest.columns} column sums", where="sums")
    if not manifest.choose_blank:
        return None
    blank = sums[-1]
    names = sum(sums[:-1])
    if blank > ballots or names < ballots - blank:
        raise InputError(
            f"{blank} blank ballots and {names} names do not fit {ballots} ballots "
            "(each ballot not blank names someone)",
            where="unpack",
        )
    return blank


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


def column_counts(manifest: Manifest, sums: Sequence[int], ballots: int) -> list[PackedCounts]:
    """Each official's counts from the decrypted column sums (``manifest.columns`` of them)
    of ``ballots`` ballots, for either encoding."""
    if len(sums) != manifest.columns:
        raise InputError(
            f"{len(sums)} sums, the round has {manifest.columns} columns", where="sums"
        )
    if manifest.encoding is Encoding.PACKED:
        return [unpack(manifest.kind, manifest.weight_base, s, ballots) for s in sums]
    k = manifest.levels
    out = []
    for j in range(len(manifest.officials)):
        levels = list(sums[j * k : (j + 1) * k])
        if any(c < 0 for c in levels) or sum(levels) > ballots:
            raise InputError(
                f"official {j + 1}: {sum(levels)} marks for {ballots} ballots", where="unpack"
            )
        if manifest.kind is RoundKind.POLL:
            low, confident, high = levels
        else:
            (low, high), confident = levels, 0
        out.append(PackedCounts(high, confident, low, ballots - sum(levels)))
    return out
