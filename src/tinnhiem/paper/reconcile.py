"""Reconciling a mixed round (paper and electronic) so that each voter counts once.

Policy (documented in docs/paper.md): **each voter counts once, and no sheet is tied to
a voter**.

* Paper sheets are identical and unnumbered: a mixed round records only *that* a voter
  received paper, never which sheet. The committee numbers the sheets as it enters them.
* Issuing paper to a voter who has already cast electronically is refused at issue time.
* A voter who holds an unused electronic credential and receives paper votes on paper:
  the credential is *superseded* and not counted as issued, so that the voter counts once.
* A voter who received paper and later cast electronically cannot have "their" sheet set
  aside (nobody knows which it is): both ballots count as issued and the case is reported
  as a conflict for the committee. The electronic side must prevent it: a credential whose
  holder receives paper should be withdrawn before the booth opens.
* Totals tie to ballots issued: issued = paper issued + electronic credentials, returned =
  paper returned + electronic cast; returned above issued is reported, so are more sheets
  in the box than voters who received paper, and a difference between the number of paper
  ballots the committee found in the box (when it declares it) and the number entered.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tinnhiem.paper.errors import PaperInputError
from tinnhiem.rules import RoundKind

__all__ = [
    "Conflict",
    "ElectronicPart",
    "LevelCounts",
    "Reconciliation",
    "count_fields",
    "reconcile",
]


@dataclass(frozen=True)
class LevelCounts:
    """Counts for one official: each level marked, and the rows with no valid mark.

    A poll uses ``high``, ``confident`` and ``low``; a formal vote ``confidence`` and
    ``no_confidence`` (tín nhiệm / không tín nhiệm); the levels of the other kind stay 0.
    """

    high: int = 0
    confident: int = 0
    low: int = 0
    invalid: int = 0
    confidence: int = 0
    no_confidence: int = 0

    @property
    def valid(self) -> int:
        return self.high + self.confident + self.low + self.confidence + self.no_confidence

    @property
    def total(self) -> int:
        return self.valid + self.invalid

    def level(self, name: str) -> int:
        """The count of level ``name`` (or ``invalid``)."""
        if name not in _COUNT_FIELDS:
            raise PaperInputError(f"no level {name!r}", where="counts")
        return int(getattr(self, name))

    def fields(self, kind: RoundKind) -> tuple[int, ...]:
        """The counts of ``kind``'s levels then ``invalid``; refuses counts of another kind."""
        names = count_fields(kind)
        stray = [name for name in _COUNT_FIELDS if name not in names and self.level(name)]
        if stray:
            raise PaperInputError(
                f"counts for {', '.join(stray)}, which a {kind.value} ballot does not have",
                where="counts",
            )
        return tuple(self.level(name) for name in names)

    @staticmethod
    def of(kind: RoundKind, values: Sequence[int]) -> LevelCounts:
        """From ``kind``'s levels then ``invalid`` (the order of :func:`count_fields`)."""
        names = count_fields(kind)
        if len(values) != len(names):
            raise PaperInputError(
                f"{len(values)} counts, a {kind.value} needs {len(names)} ({', '.join(names)})",
                where="counts",
            )
        return LevelCounts(**dict(zip(names, (int(v) for v in values), strict=True)))

    def __add__(self, other: LevelCounts) -> LevelCounts:
        return LevelCounts(**{name: self.level(name) + other.level(name) for name in _COUNT_FIELDS})


_COUNT_FIELDS = ("high", "confident", "low", "invalid", "confidence", "no_confidence")


def count_fields(kind: RoundKind) -> tuple[str, ...]:
    """What is counted per official on a ``kind`` ballot: its levels, then ``invalid``
    (rows with no valid mark)."""
    if kind is RoundKind.POLL:
        return ("high", "confident", "low", "invalid")
    return ("confidence", "no_confidence", "invalid")


@dataclass(frozen=True)
class ElectronicPart:
    """What the electronic side of a mixed round contributes.

    ``credentials``: voters issued an electronic credential; ``cast``: voters whose
    credential cast a ballot (the organiser's credential list joined with the board);
    ``counts``: the decrypted counts per official over the cast ballots; ``kind``: a poll's
    or a formal vote's counts (it must be the round's).
    """

    credentials: frozenset[str]
    cast: frozenset[str]
    counts: Mapping[str, LevelCounts]
    source: str = ""
    kind: RoundKind = RoundKind.POLL

    def check(self, official_ids: tuple[str, ...]) -> None:
        where = f"electronic part{f' ({self.source})' if self.source else ''}"
        missing = [o for o in official_ids if o not in self.counts]
        extra = [o for o in self.counts if o not in official_ids]
        if missing or extra:
            raise PaperInputError(
                f"counts must list exactly the round's officials (missing: {missing}, "
                f"unknown: {extra})",
                where=where,
            )
        names = count_fields(self.kind)
        for official_id, counts in self.counts.items():
            try:
                values = counts.fields(self.kind)
            except PaperInputError as exc:
                raise PaperInputError(f"{official_id}: {exc}", where=where) from exc
            if min(values) < 0:
                raise PaperInputError(f"{official_id}: negative count", where=where)
            if counts.total != len(self.cast):
                raise PaperInputError(
                    f"{official_id}: {' + '.join(names)} = {counts.total}, "
                    f"but {len(self.cast)} electronic ballots were cast",
                    where=where,
                )

    def to_dict(self) -> dict[str, Any]:
        """As the log stores it; a poll's has no ``kind`` key (the bytes of older logs)."""
        raw: dict[str, Any] = {
            "credentials": sorted(self.credentials),
            "cast": sorted(self.cast),
            "counts": {k: list(v.fields(self.kind)) for k, v in self.counts.items()},
            "source": self.source,
        }
        if self.kind is not RoundKind.POLL:
            raw["kind"] = self.kind.value
        return raw

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> ElectronicPart:
        kind = RoundKind(str(raw.get("kind", RoundKind.POLL.value)))
        return ElectronicPart(
            credentials=frozenset(str(v) for v in raw["credentials"]),
            cast=frozenset(str(v) for v in raw["cast"]),
            counts={str(k): LevelCounts.of(kind, v) for k, v in raw["counts"].items()},
            source=str(raw.get("source", "")),
            kind=kind,
        )


@dataclass(frozen=True)
class Conflict:
    """Something the reconciliation found, for the committee to see in the minutes."""

    kind: str
    subject: str
    text_vi: str
    text_en: str


@dataclass(frozen=True)
class Reconciliation:
    """How the ballots issued and returned tie together."""

    paper_issued: int
    electronic_issued: int
    paper_returned: int
    electronic_cast: int
    void_serials: tuple[int, ...] = ()
    excluded_serials: tuple[int, ...] = ()
    superseded_credentials: int = 0
    declared_paper_returned: int | None = None
    conflicts: tuple[Conflict, ...] = field(default=())

    @property
    def issued(self) -> int:
        return self.paper_issued + self.electronic_issued

    @property
    def returned(self) -> int:
        return self.paper_returned + self.electronic_cast

    @property
    def ties(self) -> bool:
        """No conflict was found."""
        return not self.conflicts


def reconcile(
    *,
    printed: int,
    mixed: bool,
    paper_voters: Collection[str],
    entered: frozenset[int],
    counted: frozenset[int],
    electronic: ElectronicPart | None,
    declared_paper_returned: int | None,
) -> Reconciliation:
    """Apply the policy above.

    ``paper_voters`` are the voters who received a paper ballot (mixed rounds): only that
    fact, never which sheet, since the sheets are identical. ``entered`` are the numbers the
    committee gave the sheets that came back, as it entered them; ``counted`` those among
    them whose entries agree (or were resolved).
    """
    conflicts: list[Conflict] = []
    void: set[int] = set()
    excluded: set[int] = set()
    cast = electronic.cast if electronic else frozenset()
    credentials = electronic.credentials if electronic else frozenset()

    if mixed:
        holders = frozenset(paper_voters)
        for voter in sorted(holders & cast):
            conflicts.append(
                Conflict(
                    "paper_and_electronic",
                    voter,
                    "Một người đã nhận phiếu giấy và đã bỏ phiếu điện tử: phiếu giấy không ghi "
                    "số nên không xác định được tờ phiếu của người này; Ban kiểm phiếu xem xét",
                    "A voter received a paper ballot and also cast electronically: the sheets "
                    "are unnumbered, so theirs cannot be identified; the committee decides",
                )
            )
        for voter in sorted(cast - credentials):
            conflicts.append(
                Conflict(
                    "cast_without_credential",
                    voter,
                    f"Phiếu điện tử của {voter} không có thẻ xác thực được cấp",
                    f"Electronic ballot of {voter} without an issued credential",
                )
            )
        # A voter who received paper and also cast electronically was issued two ballots:
        # both count as issued, so the totals still tie, and the conflict above says why.
        superseded = len((credentials - cast) & holders)
        paper_issued = len(holders)
        if len(entered) > len(holders):
            conflicts.append(
                Conflict(
                    "paper_returned_exceeds_issued",
                    "",
                    f"Số phiếu giấy thu về ({len(entered)}) nhiều hơn số người đã nhận phiếu "
                    f"giấy ({len(holders)})",
                    f"More paper sheets came back ({len(entered)}) than voters received "
                    f"paper ({len(holders)})",
                )
            )
    else:
        superseded = 0
        paper_issued = printed
    excluded |= void & entered
    paper_returned = len(counted - excluded)
    electronic_issued = len(credentials) - superseded
    result = Reconciliation(
        paper_issued=paper_issued,
        electronic_issued=electronic_issued,
        paper_returned=paper_returned,
        electronic_cast=len(cast),
        void_serials=tuple(sorted(void)),
        excluded_serials=tuple(sorted(excluded)),
        superseded_credentials=superseded,
        declared_paper_returned=declared_paper_returned,
    )
    if result.returned > result.issued:
        conflicts.append(
            Conflict(
                "returned_exceeds_issued",
                "",
                f"Số phiếu thu về ({result.returned}) lớn hơn số phiếu phát ra ({result.issued})",
                f"Ballots returned ({result.returned}) exceed ballots issued ({result.issued})",
            )
        )
    if declared_paper_returned is not None and declared_paper_returned != len(entered):
        conflicts.append(
            Conflict(
                "declared_returned_mismatch",
                "",
                f"Ban kiểm phiếu đếm được {declared_paper_returned} phiếu giấy trong hòm, "
                f"đã nhập {len(entered)} số sê-ri",
                f"The committee counted {declared_paper_returned} paper ballots in the box; "
                f"{len(entered)} serials were entered",
            )
        )
    return replace(result, conflicts=tuple(conflicts))
