"""Input hygiene: what a person types or uploads, before anything stores it; and the escaping
of spreadsheet cells on the way out.

``clean_text`` is the one gate. It normalises to Unicode NFC (line ends to ``\\n``), trims,
and refuses, with the character's code point, name and position:

- control characters (C0, DEL, C1, and the line/paragraph separators), NUL included; a
  multi-line field keeps newline and tab;
- bidirectional overrides, embeddings, isolates and marks (U+202A–202E, U+2066–2069,
  U+200E/200F, U+061C), which make a name read differently from how it is stored;
- text that is empty once the invisible characters (zero-width spaces and joiners, U+FEFF,
  soft hyphen, fillers) are removed.

The refusal is an :class:`UnsafeText` carrying what and where; the web turns it into a
Vietnamese message through its catalogue, the CLI prints its English text.

``spreadsheet_cell`` is the other direction: a text cell that starts with ``=``, ``+``,
``-``, ``@``, tab or CR is a formula (or becomes one) in Excel and LibreOffice, so it gets an
apostrophe in front (OWASP's CSV injection advice). Numbers stay numbers.

``format_date_vi`` is the one writer of a date as people read it in a Vietnamese document
(``Ninh Bình, ngày 05 tháng 7 năm 2023``); ``format_date_short_vi`` the numeric form of
tables (``05/07/2023``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tinnhiem.errors import InputError

__all__ = [
    "BIDI_CONTROLS",
    "FORMULA_STARTS",
    "UnsafeText",
    "char_label",
    "clean_text",
    "format_date_short_vi",
    "format_date_vi",
    "spreadsheet_cell",
    "spreadsheet_row",
    "xlsx_without_formulas",
]

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
"""Bidirectional marks, embeddings, overrides and isolates."""

# Shown blank in every font but not white space (str.isspace is False for these).
_INVISIBLE_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula."""

# Names of the C0 controls and DEL, which unicodedata.name() does not know.
_C0_NAMES = (
    "NULL START-OF-HEADING START-OF-TEXT END-OF-TEXT END-OF-TRANSMISSION ENQUIRY ACKNOWLEDGE "
    "BELL BACKSPACE CHARACTER-TABULATION LINE-FEED LINE-TABULATION FORM-FEED CARRIAGE-RETURN "
    "SHIFT-OUT SHIFT-IN DATA-LINK-ESCAPE DEVICE-CONTROL-ONE DEVICE-CONTROL-TWO "
    "DEVICE-CONTROL-THREE DEVICE-CONTROL-FOUR NEGATIVE-ACKNOWLEDGE SYNCHRONOUS-IDLE "
    "END-OF-TRANSMISSION-BLOCK CANCEL END-OF-MEDIUM SUBSTITUTE ESCAPE FILE-SEPARATOR "
    "GROUP-SEPARATOR RECORD-SEPARATOR UNIT-SEPARATOR"
).split()


def char_label(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: the code point and the Unicode name."""
    code = ord(char)
    name = unicodedata.name(char, "")
    if not name:
        if code < 0x20:
            name = _C0_NAMES[code].replace("-", " ")
        elif code == 0x7F:
            name = "DELETE"
        elif 0x80 <= code <= 0x9F:
            name = "C1 CONTROL"
        else:
            name = unicodedata.category(char)
    return f"U+{code:04X} {name}"


@dataclass(frozen=True)
class _Where:
    position: int  # 1-based, in the NFC text as typed (before trimming)
    line: int
    column: int


class UnsafeText(InputError):
    """Text refused by :func:`clean_text`.

    ``kind`` is ``control``, ``bidi`` or ``invisible`` (nothing visible is left);
    ``char`` the offending character (for ``invisible``: the first invisible one);
    ``position`` its 1-based place in the normalised text, ``line`` and ``column`` the same
    place counted by lines (multi-line fields)."""

    def __init__(self, kind: str, char: str, where: _Where, *, field: str = "") -> None:
        self.kind = kind
        self.char = char
        self.position = where.position
        self.line = where.line
        self.column = where.column
        self.field = field
        self.label = char_label(char)
        if kind == "invisible":
            message = f"only invisible characters (such as {self.label}); write some text"
        elif kind == "bidi":
            message = (
                f"position {self.position}: the text-direction control {self.label} "
                "is not allowed; delete it"
            )
        else:
            message = (
                f"position {self.position}: the control character {self.label} "
                "is not allowed; delete it"
            )
        super().__init__(message, where=field or None)


def _is_control(char: str, multiline: bool) -> bool:
    if multiline and char in "\n\t":
        return False
    category = unicodedata.category(char)
    return category in ("Cc", "Cs", "Zl", "Zp")


def _is_invisible(char: str) -> bool:
    return (
        char.isspace() or unicodedata.category(char) == "Cf" or char in _INVISIBLE_EXTRA
    ) and char not in BIDI_CONTROLS


def _where(text: str, index: int) -> _Where:
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return _Where(index + 1, line, index - start + 1)


def clean_text(value: object, *, multiline: bool = False, field: str = "") -> str:
    """``value`` as safe text: NFC, ``\\r\\n``/``\\r`` read as ``\\n``, trimmed of white
    space and invisible characters at both ends. Raises :class:`UnsafeText` for a control
    character (newline and tab allowed when ``multiline``), a bidirectional control, or text
    made only of invisible characters. ``None`` and "" give ""."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    for index, char in enumerate(text):
        if char in BIDI_CONTROLS:
            raise UnsafeText("bidi", char, _where(text, index), field=field)
        if _is_control(char, multiline):
            raise UnsafeText("control", char, _where(text, index), field=field)
    start, end = 0, len(text)
    while start < end and _is_invisible(text[start]):
        start += 1
    while end > start and _is_invisible(text[end - 1]):
        end -= 1
    if start == end:
        for index, char in enumerate(text):
            if not char.isspace():  # made of invisible characters, not just blank
                raise UnsafeText("invisible", char, _where(text, index), field=field)
        return ""
    return text[start:end]


def spreadsheet_cell(value: object) -> object:
    """A cell value safe to write into CSV or XLSX: text starting with ``=``, ``+``, ``-``,
    ``@``, tab or CR gets a leading apostrophe, so no spreadsheet evaluates it; numbers,
    dates and ``None`` pass unchanged (a negative number stays a number). A text that is a
    plain number (``-12``, ``-0.5``) is left alone as well."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if value[0] in "+-" and _plain_number(value):
        return value
    return "'" + value


def spreadsheet_row(values: Sequence[object]) -> list[object]:
    """:func:`spreadsheet_cell` of every value."""
    return [spreadsheet_cell(v) for v in values]


def xlsx_without_formulas(book: Any) -> None:
    """Make every cell of an openpyxl workbook that openpyxl took for a formula (a string
    starting with ``=``) a plain string cell: exports write data, never formulas."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _plain_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    body = text[1:]
    return bool(body) and all(c.isdigit() or c in ".," for c in body) and body[0].isdigit()


def format_date_vi(day: dt.date, place: str = "") -> str:
    """A date written out as in a Vietnamese administrative document: ``ngày 05 tháng 7 năm
    2023``; with ``place``, the dateline ``Ninh Bình, ngày 05 tháng 7 năm 2023``.

    The rule is Nghị định 30/2020/NĐ-CP (công tác văn thư), Phụ lục I, Phần I, Mục II, on the
    time of issue of a document: "các số thể hiện ngày, tháng, năm dùng chữ số Ả Rập; đối
    với những số thể hiện ngày nhỏ hơn 10 và tháng 1, 2 phải ghi thêm số 0 phía trước". So a
    day below 10 takes a leading zero (``01``..``09``), months 1 and 2 take one (``01``,
    ``02``), and months 3 to 12 are written as they are (``3``, not ``03``). The quote and its
    examples ("ngày 01 tháng 02 năm 2023", "ngày 05 tháng 7 năm 2023") are as secondary
    sources give them (ttpc.ktxhcm.edu.vn, luatvietnam.vn, lawfirm.vn, vietnam.vn); the
    Official Gazette text was not checked here: not confirmed word for word.

    The decree speaks of the date of issue in the dateline; the product writes every
    "ngày … tháng … năm …" it prints (the opening "Hôm nay, ngày …" of minutes, a
    settlement's date, a legal text's dates) the same way, so that one document never shows
    two forms. That uniformity is our choice, not the decree's. Party documents (the
    "ĐẢNG CỘNG SẢN VIỆT NAM" heading) have their own guide, Hướng dẫn 36-HD/VPTW (2018),
    whose own dateline reads "ngày 03 tháng 4 năm 2018"; that it states the same rule is not
    confirmed here.

    ``place`` is plain text (trimmed; empty leaves it out): HTML callers escape the result.
    A ``datetime`` is taken for its date as given (convert to local time first).
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    place = place.strip()
    return f"{place}, {text}" if place else text


def format_date_short_vi(day: dt.date) -> str:
    """``05/03/2026``: the numeric day/month/year of tables, lists and form hints.

    Not the decree's dateline (see :func:`format_date_vi`): a fixed-width ``dd/mm/yyyy``
    keeps table columns aligned and is the form the web's date fields ask for
    (``12/03/2026``). The leading zero on months 3..9 here is our choice; no rule on this
    short form was confirmed.
    """
    return f"{day.day:02d}/{day.month:02d}/{day.year}"
