"""Import a work programme from CSV or XLSX: one table, one row per record (docs/evaluation.md).

Every problem is collected with its file, line (CSV) or row (XLSX) and column; if there is
any, :class:`ProgrammeImportError` lists them all and nothing is imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from tinnhiem.evaluation._numbers import fraction_text, parse_fraction
from tinnhiem.evaluation.errors import ImportIssue, ProgrammeError, ProgrammeImportError
from tinnhiem.evaluation.levels import Finding, FindingKind, OfficialInfo, Rating
from tinnhiem.evaluation.programme import (
    Assignment,
    DelayExcuse,
    Milestone,
    ProgressUpdate,
    QualityReview,
    Share,
    WorkProgramme,
)
from tinnhiem.text import UnsafeText, clean_text, spreadsheet_row, xlsx_without_formulas

__all__ = [
    "COLUMNS",
    "RECORDS",
    "load_programme",
    "parse_programme_csv",
    "programme_rows",
    "write_programme",
]

COLUMNS = (
    "record",
    "assignment",
    "title",
    "body",
    "official",
    "share",
    "date",
    "due",
    "percent",
    "weight",
    "ambitious_flagged_on",
    "score",
    "evidence",
    "person",
    "days",
    "note",
    "policy_sha256",
    "unit",
    "kind",
    "level",
    "previous_rating",
)
# The columns each record needs (beyond ``record``), then those it may have.
RECORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "programme": (("body", "title", "date", "due"), ("policy_sha256", "note")),
    "assignment": (
        ("assignment", "title", "official", "due"),
        ("weight", "share", "ambitious_flagged_on", "note"),
    ),
    "owner": (("assignment", "official", "share"), ("note",)),
    "milestone": (("assignment", "date", "percent"), ("title", "note")),
    "progress": (("assignment", "date", "percent", "evidence", "person"), ("note",)),
    "review": (("assignment", "date", "score", "person"), ("note",)),
    "excuse": (("assignment", "days", "note", "person"), ("date",)),
    "official": (("official",), ("unit", "previous_rating", "title", "note")),
    "finding": (("official", "kind", "evidence"), ("level", "date", "note")),
}


@dataclass(frozen=True)
class _Cell:
    value: Any
    label: str  # "percent" (CSV) or "H (percent)" (XLSX)
    percent_format: bool = False

    @property
    def empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, _Cell]


class _Reader:
    """Turns raw rows into typed values, recording every issue instead of stopping."""

    def __init__(self, file: str, line_word: str = "line") -> None:
        self.file = file
        self.line_word = line_word
        self.issues: list[ImportIssue] = []

    def issue(self, row: _Row | int, column: str, message: str) -> None:
        line = row if isinstance(row, int) else row.line
        label = column
        if not isinstance(row, int) and column in row.cells:
            label = row.cells[column].label
        self.issues.append(ImportIssue(self.file, line, label, message, self.line_word))

    def text(self, row: _Row, column: str) -> str:
        cell = row.cells.get(column)
        if cell is None or cell.empty:
            return ""
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return clean_text(value, multiline=True)
        except UnsafeText as exc:
            self.issue(row, column, str(exc))
            return ""

    def date(self, row: _Row, column: str) -> date | None:
        cell = row.cells.get(column)
        if cell is None or cell.empty:
            return None
        value = cell.value
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            if "/" in text:  # dd/mm/yyyy, as Vietnamese documents write dates
                day, month, year = (int(p) for p in text.split("/"))
                return date(year, month, day)
            return date.fromisoformat(text)
        except ValueError:
            self.issue(row, column, f"not a date: {text!r} (write 2025-03-31 or 31/03/2025)")
            return None

    def fraction(self, row: _Row, column: str, *, percent: bool = False) -> Fraction | None:
        cell = row.cells.get(column)
        if cell is None or cell.empty:
            return None
        value = cell.value
        try:
            if percent and cell.percent_format:
                return parse_fraction(value)  # a cell formatted 50% holds 0.5
            if percent and not (isinstance(value, str) and value.strip().endswith("%")):
                return parse_fraction(value) / 100
            return parse_fraction(value)
        except ValueError:
            self.issue(row, column, f"not a number: {value!r}")
            return None

    def integer(self, row: _Row, column: str) -> int | None:
        number = self.fraction(row, column)
        if number is None:
            return None
        if number.denominator != 1:
            self.issue(row, column, f"not a whole number: {number}")
            return None
        return int(number)


def load_programme(path: str | Path) -> WorkProgramme:
    """Read a work programme from a ``.csv`` or ``.xlsx`` file (docs/evaluation.md)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProgrammeImportError(
            str(path), [ImportIssue(str(path), 0, "-", str(exc.strerror))]
        ) from exc
    if suffix == ".csv":
        return parse_programme_csv(data, file=str(path))
    if suffix in (".xlsx", ".xlsm"):
        return _parse(_xlsx_rows(data, str(path)), str(path), sheet_style=True)
    raise ProgrammeImportError(
        str(path), [ImportIssue(str(path), 0, "-", "unknown file type; use .csv or .xlsx")]
    )


def parse_programme_csv(data: bytes | str, *, file: str = "<csv>") -> WorkProgramme:
    """Parse the CSV form of a work programme (UTF-8, a BOM is allowed)."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ProgrammeImportError(
                file, [ImportIssue(file, 1, "-", f"not UTF-8 text (byte {exc.start})")]
            ) from exc
    else:
        text = data
    return _parse(_csv_rows(text), file, sheet_style=False)


def _csv_rows(text: str) -> Iterator[tuple[int, list[tuple[Any, bool]]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for values in reader:
        yield start, [(v, False) for v in values]
        start = reader.line_num + 1


def _xlsx_rows(data: bytes, file: str) -> Iterator[tuple[int, list[tuple[Any, bool]]]]:
    import openpyxl  # local: the CLI stays light when no spreadsheet is read

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ProgrammeImportError(
            file, [ImportIssue(file, 0, "-", f"not a readable XLSX workbook: {exc}")]
        ) from exc
    sheet = book["programme"] if "programme" in book.sheetnames else book.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield (
            number,
            [(cell.value, "%" in str(getattr(cell, "number_format", "") or "")) for cell in row],
        )
    book.close()


def _parse(
    rows: Iterator[tuple[int, list[tuple[Any, bool]]]], file: str, *, sheet_style: bool
) -> WorkProgramme:
    reader = _Reader(file, "row" if sheet_style else "line")
    header: list[str] | None = None
    records: list[tuple[str, _Row]] = []
    for line, values in rows:
        if header is None:
            header = [str(v or "").strip().lower() for v, _ in values]
            while header and not header[-1]:
                header.pop()
            for i, name in enumerate(header):
                label = _label(i, name, sheet_style)
                if name not in COLUMNS:
                    reader.issue(
                        line, label, f"unknown column {name!r}; known: " + ", ".join(COLUMNS)
                    )
                elif header.index(name) != i:
                    reader.issue(line, label, f"column {name!r} appears twice")
            if "record" not in header:
                reader.issue(line, "record", "the header needs a 'record' column")
            if reader.issues:
                raise ProgrammeImportError(file, reader.issues)
            continue
        cells: dict[str, _Cell] = {}
        for i, (value, pct) in enumerate(values):
            if i >= len(header):
                if value not in (None, ""):
                    reader.issue(line, _label(i, "", sheet_style), "a value outside any column")
                continue
            cells[header[i]] = _Cell(value, _label(i, header[i], sheet_style), pct)
        row = _Row(line, cells)
        kind = reader.text(row, "record").lower()
        if not kind and all(c.empty for c in cells.values()):
            continue  # a blank row
        if kind.startswith("#"):
            continue  # a comment row
        if kind not in RECORDS:
            reader.issue(
                row, "record", f"unknown record {kind!r}; use one of " + ", ".join(RECORDS)
            )
            continue
        required, optional = RECORDS[kind]
        for column in required:
            if column not in cells or cells[column].empty:
                reader.issue(row, column, f"a {kind} row needs {column!r}")
        for column, cell in cells.items():
            if column != "record" and not cell.empty and column not in required + optional:
                reader.issue(row, column, f"a {kind} row does not use {column!r}")
        records.append((kind, row))
    if header is None:
        raise ProgrammeImportError(file, [ImportIssue(file, 1, "-", "the file is empty")])
    return _build(reader, records)


def _label(index: int, name: str, sheet_style: bool) -> str:
    if not sheet_style:
        return name or f"#{index + 1}"
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(index + 1)
    return f"{letter} ({name})" if name else letter


def _build(reader: _Reader, records: list[tuple[str, _Row]]) -> WorkProgramme:
    programme_rows = [row for kind, row in records if kind == "programme"]
    if len(programme_rows) != 1:
        line = programme_rows[1].line if len(programme_rows) > 1 else 2
        reader.issue(line, "record", "the file needs exactly one 'programme' row")
    heads: dict[str, _Row] = {}
    for kind, row in records:
        if kind == "assignment":
            key = reader.text(row, "assignment")
            if key in heads:
                reader.issue(
                    row,
                    "assignment",
                    f"assignment {key!r} is defined twice (first on line {heads[key].line})",
                )
            else:
                heads[key] = row
    parts: dict[str, dict[str, list[Any]]] = {
        k: {"owner": [], "milestone": [], "progress": [], "review": [], "excuse": []} for k in heads
    }
    origin: dict[int, tuple[_Row, str]] = {}  # id(item) -> (row, column of the item)
    people: list[OfficialInfo] = []
    findings: list[Finding] = []
    for kind, row in records:
        if kind == "official":
            info = _official(reader, row)
            if info is not None:
                people.append(info)
                origin[id(info)] = (row, "official")
        elif kind == "finding":
            finding = _finding(reader, row)
            if finding is not None:
                findings.append(finding)
    for kind, row in records:
        if kind in ("programme", "assignment", "official", "finding"):
            continue
        key = reader.text(row, "assignment")
        if key and key not in heads:
            reader.issue(row, "assignment", f"no assignment row defines {key!r}")
            continue
        item = _item(reader, kind, row)
        if item is not None and key:
            parts[key][kind].append(item)
            origin[id(item)] = (row, "")
    assignments: list[Assignment] = []
    for key, row in heads.items():
        built = _assignment(reader, key, row, parts[key], origin)
        if built is not None:
            assignments.append(built)
    programme: WorkProgramme | None = None
    if len(programme_rows) == 1:
        programme = _programme(
            reader, programme_rows[0], assignments, heads, people, findings, origin
        )
    if reader.issues or programme is None:
        raise ProgrammeImportError(reader.file, sorted(reader.issues, key=lambda i: i.line))
    return programme


def _item(reader: _Reader, kind: str, row: _Row) -> Any:
    before = len(reader.issues)
    if kind == "owner":
        share = reader.fraction(row, "share")
        if len(reader.issues) == before and share is not None:
            return Share(reader.text(row, "official"), share)
    elif kind == "milestone":
        on, planned = reader.date(row, "date"), reader.fraction(row, "percent", percent=True)
        if len(reader.issues) == before and on and planned is not None:
            return Milestone(on, planned, reader.text(row, "title"))
    elif kind == "progress":
        on, done = reader.date(row, "date"), reader.fraction(row, "percent", percent=True)
        if len(reader.issues) == before and on and done is not None:
            return ProgressUpdate(
                on, done, reader.text(row, "evidence"), reader.text(row, "person")
            )
    elif kind == "review":
        on, score = reader.date(row, "date"), reader.fraction(row, "score")
        if len(reader.issues) == before and on and score is not None:
            return QualityReview(on, reader.text(row, "person"), score, reader.text(row, "note"))
    elif kind == "excuse":
        days, on = reader.integer(row, "days"), reader.date(row, "date")
        if len(reader.issues) == before and days is not None:
            return DelayExcuse(days, reader.text(row, "note"), reader.text(row, "person"), on)
    return None


def _assignment(
    reader: _Reader,
    key: str,
    row: _Row,
    parts: dict[str, list[Any]],
    origin: dict[int, tuple[_Row, str]],
) -> Assignment | None:
    before = len(reader.issues)
    due = reader.date(row, "due")
    weight = reader.fraction(row, "weight")
    lead_share = reader.fraction(row, "share")
    flagged = reader.date(row, "ambitious_flagged_on")
    if len(reader.issues) != before or due is None:
        return None
    try:
        return Assignment(
            id=key,
            title=reader.text(row, "title"),
            lead=reader.text(row, "official"),
            due=due,
            weight=Fraction(1) if weight is None else weight,
            lead_share=lead_share,
            co_owners=tuple(parts["owner"]),
            ambitious_flagged_on=flagged,
            milestones=tuple(parts["milestone"]),
            progress=tuple(parts["progress"]),
            reviews=tuple(parts["review"]),
            excuses=tuple(parts["excuse"]),
        )
    except ProgrammeError as exc:
        where, _ = origin.get(id(exc.item), (row, ""))
        reader.issue(where, exc.field or "assignment", str(exc))
        return None


def _official(reader: _Reader, row: _Row) -> OfficialInfo | None:
    previous = reader.text(row, "previous_rating").lower() or None
    if previous is not None and previous not in {r.value for r in Rating}:
        reader.issue(
            row,
            "previous_rating",
            f"unknown rating {previous!r}; use one of " + ", ".join(r.value for r in Rating),
        )
        return None
    return OfficialInfo(
        reader.text(row, "official"),
        reader.text(row, "unit"),
        Rating(previous) if previous else None,
    )


def _finding(reader: _Reader, row: _Row) -> Finding | None:
    kind = reader.text(row, "kind").lower()
    on = reader.date(row, "date")
    if kind not in {k.value for k in FindingKind}:
        reader.issue(
            row,
            "kind",
            f"unknown finding {kind!r}; use one of " + ", ".join(k.value for k in FindingKind),
        )
        return None
    level = reader.text(row, "level").lower()
    if kind == FindingKind.DISCIPLINE and not level:
        reader.issue(row, "level", "a discipline finding needs its level (e.g. reprimand)")
        return None
    return Finding(
        reader.text(row, "official"),
        FindingKind(kind),
        reader.text(row, "evidence"),
        level,
        reader.text(row, "note"),
        on,
    )


def _programme(
    reader: _Reader,
    row: _Row,
    assignments: list[Assignment],
    heads: dict[str, _Row],
    people: list[OfficialInfo],
    findings: list[Finding],
    origin: dict[int, tuple[_Row, str]],
) -> WorkProgramme | None:
    start, end = reader.date(row, "date"), reader.date(row, "due")
    if start is None or end is None:
        return None
    for a in assignments:
        if a.ambitious_flagged_on is not None:
            try:
                a.flag_ambitious(a.ambitious_flagged_on, start)
            except ProgrammeError as exc:
                reader.issue(heads[a.id], "ambitious_flagged_on", str(exc))
    sha = reader.text(row, "policy_sha256").lower() or None
    if sha is not None and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
        reader.issue(row, "policy_sha256", "not a SHA-256 hex digest (64 hex digits)")
    if reader.issues:
        return None
    try:
        return WorkProgramme(
            body=reader.text(row, "body"),
            title=reader.text(row, "title"),
            cycle_start=start,
            cycle_end=end,
            assignments=tuple(assignments),
            policy_sha256=sha,
            people=tuple(people),
            findings=tuple(findings),
        )
    except ProgrammeError as exc:
        where, _ = origin.get(id(exc.item), (row, ""))
        reader.issue(where, exc.field or "record", str(exc))
        return None


# -- writing: the same one-table format --------------------------------------------------


def _pct_text(value: Fraction) -> str:
    """A percentage cell: "50" for 1/2; "100/3%" for 1/3 (exact, read back as 1/3)."""
    hundred = value * 100
    return str(hundred.numerator) if hundred.denominator == 1 else f"{fraction_text(hundred)}%"


def programme_rows(programme: WorkProgramme) -> list[dict[str, str]]:
    """The programme as rows of the import format (every value a string)."""
    rows: list[dict[str, str]] = [
        {
            "record": "programme",
            "body": programme.body,
            "title": programme.title,
            "date": programme.cycle_start.isoformat(),
            "due": programme.cycle_end.isoformat(),
            "policy_sha256": programme.policy_sha256 or "",
        }
    ]
    for info in programme.people:
        rows.append(
            {
                "record": "official",
                "official": info.official,
                "unit": info.unit,
                "previous_rating": info.previous_rating.value if info.previous_rating else "",
            }
        )
    for f in programme.findings:
        rows.append(
            {
                "record": "finding",
                "official": f.official,
                "kind": f.kind.value,
                "level": f.level,
                "evidence": f.source,
                "note": f.detail,
                "date": f.on.isoformat() if f.on else "",
            }
        )
    for a in programme.assignments:
        rows.append(
            {
                "record": "assignment",
                "assignment": a.id,
                "title": a.title,
                "official": a.lead,
                "due": a.due.isoformat(),
                "weight": fraction_text(a.weight),
                "share": fraction_text(a.lead_share) if a.lead_share is not None else "",
                "ambitious_flagged_on": a.ambitious_flagged_on.isoformat()
                if a.ambitious_flagged_on
                else "",
            }
        )
        for s in a.co_owners:
            rows.append(
                {
                    "record": "owner",
                    "assignment": a.id,
                    "official": s.official,
                    "share": fraction_text(s.share),
                }
            )
        for m in a.milestones:
            rows.append(
                {
                    "record": "milestone",
                    "assignment": a.id,
                    "date": m.on.isoformat(),
                    "percent": _pct_text(m.planned),
                    "title": m.title,
                }
            )
        for u in a.progress:
            rows.append(
                {
                    "record": "progress",
                    "assignment": a.id,
                    "date": u.on.isoformat(),
                    "percent": _pct_text(u.verified),
                    "evidence": u.evidence,
                    "person": u.verifier,
                }
            )
        for r in a.reviews:
            rows.append(
                {
                    "record": "review",
                    "assignment": a.id,
                    "date": r.on.isoformat(),
                    "score": fraction_text(r.score),
                    "person": r.reviewer,
                    "note": r.comment,
                }
            )
        for e in a.excuses:
            rows.append(
                {
                    "record": "excuse",
                    "assignment": a.id,
                    "days": str(e.days),
                    "note": e.cause,
                    "person": e.approver,
                    "date": e.on.isoformat() if e.on else "",
                }
            )
    return rows


def write_programme(programme: WorkProgramme, path: str | Path) -> Path:
    """Write ``programme`` in the import format, as ``.csv`` or ``.xlsx`` by the suffix."""
    out = Path(path)
    rows = [[row.get(c, "") for c in COLUMNS] for row in programme_rows(programme)]
    if out.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "programme"
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append(row)
        xlsx_without_formulas(book)
        book.save(out)
        return out
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(spreadsheet_row(row) for row in rows)
    return out
