"""Reading a roster (danh sách) from CSV or XLSX, with every problem reported by line and
column. Nothing here touches the database: ``do_import_roster`` stores the rows, all or
none."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tinnhiem.errors import InputError
from tinnhiem.text import UnsafeText, clean_text
from tinnhiem.web.lib.text import unsafe_text_message
from tinnhiem.web.lib.uploads import UploadRefused, check_size, check_spreadsheet, is_xlsx

__all__ = [
    "COLUMNS",
    "MAX_ROSTER_BYTES",
    "MAX_ROWS",
    "RosterError",
    "RosterProblem",
    "RosterRow",
    "parse_roster",
]

# Canonical column -> accepted headers (compared after NFC, trimming and casefolding).
COLUMNS: dict[str, tuple[str, ...]] = {
    "external_id": ("mã", "ma", "mã số", "id", "code"),
    "full_name": ("họ và tên", "họ tên", "ho_ten", "ho ten", "full_name", "name", "tên"),
    "unit": ("đơn vị", "don_vi", "unit"),
    "position": ("chức vụ", "chuc_vu", "position", "post"),
    "email": ("email", "thư điện tử"),
}
REQUIRED = ("external_id", "full_name")
MAX_ROWS = 20_000
MAX_ROSTER_BYTES = 5 * 1024 * 1024
# The columns' lengths in the database (models.Person).
_LIMITS = {"external_id": 64, "full_name": 300, "unit": 300, "position": 300, "email": 254}


@dataclass(frozen=True)
class RosterRow:
    """One valid line of the roster, text in NFC."""

    line: int
    external_id: str
    full_name: str
    unit: str = ""
    position: str = ""
    email: str = ""


@dataclass(frozen=True)
class RosterProblem:
    """A problem at ``line`` (1-based, the header is line 1) and ``column`` (header name)."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("dòng %(line)s, cột %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column or "-",
            "message": self.message,
        }


class RosterError(InputError):
    """The roster has problems; ``problems`` lists each with its line and column."""

    def __init__(self, problems: list[RosterProblem], filename: str = "") -> None:
        self.problems = list(problems)
        shown = "; ".join(str(p) for p in self.problems[:5])
        if len(self.problems) > 5:
            shown += f" (+{len(self.problems) - 5})"
        super().__init__(shown, where=filename or None)


def nfc(text: object) -> str:
    """Text in Unicode NFC with surrounding white space removed (``None`` gives "")."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", str(text)).strip()


def _header_key(text: str) -> str:
    return " ".join(nfc(text).casefold().split())


def _map_header(cells: list[str]) -> tuple[dict[str, int], list[RosterProblem]]:
    lookup = {alias: canon for canon, aliases in COLUMNS.items() for alias in aliases}
    mapping: dict[str, int] = {}
    problems: list[RosterProblem] = []
    for index, cell in enumerate(cells):
        canon = lookup.get(_header_key(cell))
        if canon is None:
            continue  # extra columns are allowed and ignored
        if canon in mapping:
            problems.append(RosterProblem(1, nfc(cell), _("cột bị lặp lại")))
        mapping[canon] = index
    for canon in REQUIRED:
        if canon not in mapping:
            problems.append(
                RosterProblem(
                    1,
                    COLUMNS[canon][0],
                    _("thiếu cột bắt buộc (tiêu đề: %(names)s)")
                    % {"names": ", ".join(COLUMNS[canon])},
                )
            )
    return mapping, problems


def _read_csv(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterError(
            [RosterProblem(line, "", _("không phải văn bản UTF-8 (hãy lưu tệp dạng CSV UTF-8)"))],
            filename,
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:
                raise RosterError(
                    [RosterProblem(0, "", _("quá %(n)s dòng") % {"n": MAX_ROWS})], filename
                )
    except csv.Error as exc:
        raise RosterError(
            [RosterProblem(reader.line_num, "", _("CSV không hợp lệ: %(e)s") % {"e": exc})],
            filename,
        ) from exc
    return rows


def _read_xlsx(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        check_spreadsheet(data, filename, max_rows=MAX_ROWS)
    except UploadRefused as exc:
        raise RosterError([RosterProblem(0, "", exc.message)], filename) from exc
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        # openpyxl's reason is English and technical: the person reads what to do
        raise RosterError(
            [
                RosterProblem(
                    0,
                    "",
                    _(
                        "không đọc được tệp XLSX; hãy mở tệp bằng Excel hoặc LibreOffice và "
                        "lưu lại dưới dạng .xlsx, hoặc dạng CSV UTF-8"
                    ),
                )
            ],
            filename,
        ) from exc
    sheet = book.worksheets[0]
    rows: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else _cell_text(v) for v in values]
        rows.append((number, cells))
        if number > MAX_ROWS + 1:  # the declared size lied: stop reading
            break
    book.close()
    return rows


def _cell_text(value: object) -> str:
    # A roster code typed as a number arrives as a float (12.0): keep it "12".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_roster(data: bytes, filename: str) -> list[RosterRow]:
    """Parse a CSV (UTF-8, with or without BOM, comma or semicolon) or XLSX roster.

    Returns the rows, or raises ``RosterError`` listing every problem: a missing header,
    a required field left empty, a code repeated in the file, too many rows.
    """
    lower = filename.lower()
    try:
        check_size(len(data), MAX_ROSTER_BYTES)
    except UploadRefused as exc:
        raise RosterError([RosterProblem(0, "", exc.message)], filename) from exc
    if lower.endswith(".xls") or data[:4] == b"\xd0\xcf\x11\xe0":
        raise RosterError(
            [
                RosterProblem(
                    0, "", _("tệp .xls cũ không được hỗ trợ: hãy lưu thành .xlsx hoặc CSV UTF-8")
                )
            ],
            filename,
        )
    if is_xlsx(data, lower):
        raw = _read_xlsx(data, filename)
    else:
        raw = _read_csv(data, filename)
    raw = [(n, cells) for n, cells in raw if any(nfc(c) for c in cells)]
    if not raw:
        raise RosterError([RosterProblem(1, "", _("tệp trống"))], filename)
    header = raw[0][1]
    mapping, problems = _map_header(header)
    if problems:
        raise RosterError(problems, filename)
    if len(raw) - 1 > MAX_ROWS:
        raise RosterError([RosterProblem(0, "", _("quá %(n)s dòng") % {"n": MAX_ROWS})], filename)
    names = {canon: nfc(header[i]) for canon, i in mapping.items()}
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for line, cells in raw[1:]:
        values: dict[str, str] = {}
        bad = False
        for canon, i in mapping.items():
            try:
                values[canon] = clean_text(cells[i] if i < len(cells) else "")
            except UnsafeText as exc:
                problems.append(RosterProblem(line, names[canon], unsafe_text_message(exc, "")))
                values[canon] = ""
                bad = True
        for canon in REQUIRED:
            if not values.get(canon) and not bad:
                problems.append(RosterProblem(line, names[canon], _("thiếu giá trị")))
                bad = True
        code = values.get("external_id", "")
        if code and code.casefold() in seen:
            problems.append(
                RosterProblem(
                    line,
                    names["external_id"],
                    _("mã %(code)s trùng với dòng %(other)s")
                    % {"code": code, "other": seen[code.casefold()]},
                )
            )
            bad = True
        elif code:
            seen[code.casefold()] = line
        for canon, limit in _LIMITS.items():
            if len(values.get(canon, "")) > limit:
                problems.append(
                    RosterProblem(
                        line,
                        names[canon],
                        _("giá trị quá dài (%(n)s ký tự; tối đa %(max)s)")
                        % {"n": len(values[canon]), "max": limit},
                    )
                )
                bad = True
        if not bad:
            rows.append(
                RosterRow(
                    line=line,
                    external_id=code,
                    full_name=values["full_name"],
                    unit=values.get("unit", ""),
                    position=values.get("position", ""),
                    email=values.get("email", ""),
                )
            )
    if problems:
        raise RosterError(problems, filename)
    return rows
