"""Reading the CSV files a paper round is set up and fed from (UTF-8, BOM tolerated).

Every error names the file and line (the header is line 1) and what is wrong.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tinnhiem.paper.errors import PaperInputError
from tinnhiem.paper.model import CommitteeMember, Official
from tinnhiem.paper.reconcile import LevelCounts, count_fields
from tinnhiem.rules import RoundKind

__all__ = [
    "parse_committee_csv",
    "parse_counts_csv",
    "parse_officials_csv",
    "parse_participation_csv",
]

Source = Path | str
"""A file, or the CSV text itself."""


def _where(source: Source) -> str:
    """How errors name ``source``: the file's path, or ``csv`` for text."""
    return str(source) if isinstance(source, Path) else "csv"


def _read_csv(source: Source, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    where = _where(source)
    if isinstance(source, Path):
        try:
            text = source.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise PaperInputError(f"cannot read ({exc})", where=where) from exc
    else:
        text = source.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    if missing:
        raise PaperInputError(
            f"missing column(s) {', '.join(missing)}; the header must name {', '.join(required)}",
            where=f"{where}:1",
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items()}
        if any(row.values()):
            rows.append((number, row))
    if not rows:
        raise PaperInputError("no rows", where=where)
    return rows


def parse_officials_csv(source: Source) -> tuple[Official, ...]:
    """Officials in ballot order from a CSV with columns ``id,name[,position]`` (UTF-8)."""
    where = _where(source)
    officials = []
    for number, row in _read_csv(source, ("id", "name")):
        if not row["id"] or not row["name"]:
            raise PaperInputError("id and name are required", where=f"{where}:{number}")
        officials.append(Official(row["id"], row["name"], row.get("position", "")))
    return tuple(officials)


def parse_committee_csv(source: Source) -> tuple[CommitteeMember, ...]:
    """Counting committee members from a CSV with columns ``name[,role]``."""
    where = _where(source)
    members = []
    for number, row in _read_csv(source, ("name",)):
        if not row["name"]:
            raise PaperInputError("name is required", where=f"{where}:{number}")
        members.append(CommitteeMember(row["name"], row.get("role") or "Thành viên"))
    return tuple(members)


def _count(row: dict[str, str], name: str, where: str) -> int:
    value = row.get(name, "")
    if not value.isdigit():
        raise PaperInputError(f"{name} must be a whole number ≥ 0, got {value!r}", where=where)
    return int(value)


def parse_counts_csv(source: Source, kind: RoundKind = RoundKind.POLL) -> dict[str, LevelCounts]:
    """Per-official counts from a CSV with columns ``id`` and, for a poll,
    ``high,confident,low,invalid``, for a formal vote ``confidence,no_confidence,invalid``
    (``invalid``: rows with no valid mark)."""
    where = _where(source)
    names = count_fields(kind)
    out: dict[str, LevelCounts] = {}
    for number, row in _read_csv(source, ("id", *names)):
        here = f"{where}:{number}"
        if row["id"] in out:
            raise PaperInputError(f"official {row['id']!r} appears twice", where=here)
        out[row["id"]] = LevelCounts.of(kind, [_count(row, name, here) for name in names])
    return out


_YES = {"1", "yes", "y", "true", "có", "x"}
_NO = {"0", "no", "n", "false", "không", ""}


def _flag(row: dict[str, str], name: str, where: str) -> bool:
    value = row.get(name, "").lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise PaperInputError(f"{name} must be 1 or 0 (yes/no), got {value!r}", where=where)


def parse_participation_csv(source: Source) -> tuple[frozenset[str], frozenset[str]]:
    """Electronic participation from a CSV with columns ``voter,credential,cast`` (1/0):
    returns (voters issued a credential, voters whose credential cast a ballot)."""
    where = _where(source)
    credentials: set[str] = set()
    cast: set[str] = set()
    seen: set[str] = set()
    for number, row in _read_csv(source, ("voter", "credential", "cast")):
        here = f"{where}:{number}"
        voter = row["voter"]
        if not voter:
            raise PaperInputError("voter is empty", where=here)
        if voter in seen:
            raise PaperInputError(f"voter {voter!r} appears twice", where=here)
        seen.add(voter)
        has_credential, has_cast = _flag(row, "credential", here), _flag(row, "cast", here)
        if has_cast and not has_credential:
            raise PaperInputError(f"voter {voter!r} cast without a credential", where=here)
        if has_credential:
            credentials.add(voter)
        if has_cast:
            cast.add(voter)
    return frozenset(credentials), frozenset(cast)
