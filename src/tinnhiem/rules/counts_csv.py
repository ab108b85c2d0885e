"""Counts read from a CSV file (bảng số phiếu), and a rule applied to each row.

The format is that of ``tinnhiem results`` (docs/results-json.md): columns
``official,position,high,confident,low`` for a poll rule,
``official,position,confidence,no_confidence`` for a formal-vote rule; optional ``issued``,
``returned``, ``invalid`` per row, and optional printed percentages (``high_pct``, ...,
``no_confidence_pct``) that are checked against the counts. ``tinnhiem evaluate`` reads its
poll, history and other-body files the same way.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from tinnhiem.errors import InputError
from tinnhiem.rules.evaluate import (
    FormalCounts,
    Outcome,
    PollCounts,
    evaluate_formal,
    evaluate_poll,
)
from tinnhiem.rules.model import RoundKind, Rule
from tinnhiem.rules.percent import check_printed_percent

__all__ = ["CountRow", "evaluate_rows", "read_counts", "with_defaults"]

_OPTIONAL = ("issued", "returned", "invalid")
# Which command-line option (of `tinnhiem results` and `tinnhiem evaluate`) or column supplies
# a missing number the evaluator asked for (keyed by InputError.where).
_HINTS = {
    "members": " (option --members N)",
    "returned": " (option --returned N or a 'returned' column)",
    "quorum": " (options --present N --summoned N)",
}


@dataclass(frozen=True)
class CountRow:
    """One CSV row: who, and their counts by level (plus optional per-row base numbers)."""

    line: int
    official: str
    position: str
    counts: dict[str, int]
    issued: int | None
    returned: int | None
    invalid: int
    printed: dict[str, str]

    def poll_counts(self) -> PollCounts:
        """The row as a poll's counts (a poll rule's columns high, confident, low)."""
        c = self.counts
        return PollCounts(
            self.issued, self.returned, c["high"], c["confident"], c["low"], self.invalid
        )

    def formal_counts(self) -> FormalCounts:
        """The row as a formal vote's counts (columns confidence, no_confidence)."""
        c = self.counts
        return FormalCounts(
            self.issued, self.returned, c["confidence"], c["no_confidence"], self.invalid
        )


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _whole(value: str, where: str, column: str) -> int:
    text = value.strip()
    if not text.isdigit():
        raise InputError(f"column '{column}': '{value}' is not a whole number >= 0", where=where)
    return int(text)


def read_counts(path: Path, rule: Rule) -> list[CountRow]:
    """Read the counts CSV (UTF-8, with or without BOM); names are NFC-normalised."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the counts file: {exc.strerror}", where=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte {exc.start}); save the CSV as UTF-8", where=name
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise InputError("the counts file is empty", where=name)
    columns = [_nfc(h).lower() for h in header]
    levels = list(rule.levels)
    required = ["official", "position", *levels]
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)};"
            f" a {rule.kind} rule needs {','.join(required)}",
            where=f"{name}, line 1",
        )
    known = set(required) | set(_OPTIONAL) | {f"{lv}_pct" for lv in levels}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise InputError(f"unknown column(s) {', '.join(unknown)}", where=f"{name}, line 1")
    if len(set(columns)) != len(columns):
        raise InputError("a column name appears twice", where=f"{name}, line 1")
    rows: list[CountRow] = []
    for cells in reader:
        line = reader.line_num
        where = f"{name}, line {line}"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise InputError(f"expected {len(columns)} cells, got {len(cells)}", where=where)
        row = dict(zip(columns, cells, strict=True))
        official = _nfc(row["official"])
        if not official:
            raise InputError("column 'official' is empty", where=where)
        optional = {
            c: _whole(row[c], where, c) if row.get(c, "").strip() else None for c in _OPTIONAL
        }
        rows.append(
            CountRow(
                line=line,
                official=official,
                position=_nfc(row["position"]),
                counts={lv: _whole(row[lv], where, lv) for lv in levels},
                issued=optional["issued"],
                returned=optional["returned"],
                invalid=optional["invalid"] or 0,
                printed={lv: row[f"{lv}_pct"] for lv in levels if row.get(f"{lv}_pct", "").strip()},
            )
        )
    if not rows:
        raise InputError("no rows of counts", where=name)
    return rows


def with_defaults(
    rows: list[CountRow], *, issued: int | None, returned: int | None
) -> list[CountRow]:
    """Fill each row's missing ``issued``/``returned`` from the command-line values."""
    return [
        replace(
            row,
            issued=row.issued if row.issued is not None else issued,
            returned=row.returned if row.returned is not None else returned,
        )
        for row in rows
    ]


def evaluate_rows(
    rule: Rule,
    rows: list[CountRow],
    file: str,
    *,
    members: int | None,
    present: int | None,
    summoned: int | None,
) -> list[Outcome]:
    """Evaluate every row; an error names the CSV line and the reason.

    Rows without their own ``issued``/``returned`` take the command-line values (see
    ``with_defaults``).
    """
    outcomes: list[Outcome] = []
    for row in rows:
        where = f"{file}, line {row.line}"
        try:
            if rule.kind is RoundKind.POLL:
                outcome = evaluate_poll(
                    rule, row.poll_counts(), members=members, present=present, summoned=summoned
                )
            else:
                outcome = evaluate_formal(
                    rule,
                    row.formal_counts(),
                    members=members,
                    present=present,
                    summoned=summoned,
                )
            for level, printed in row.printed.items():
                check_printed_percent(row.counts[level], outcome.base, printed, where=level)
        except InputError as exc:
            hint = _HINTS.get(exc.where or "", "")
            raise InputError(f"{row.official}: {exc}{hint}", where=where) from None
        outcomes.append(outcome)
    return outcomes
