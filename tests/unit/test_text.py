"""The text gate (tinnhiem.text): NFC, control and text-direction characters, invisible-only
text; and spreadsheet cells that would be formulas."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from tinnhiem.text import (
    UnsafeText,
    char_label,
    clean_text,
    format_date_short_vi,
    format_date_vi,
    spreadsheet_cell,
)


def test_nfc_and_trim():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn Thị Ánh \ufeff")
    assert clean_text(decomposed) == "Nguyễn Thị Ánh"
    assert clean_text(None) == ""
    assert clean_text("   ") == ""


@pytest.mark.parametrize(
    ("text", "label", "position"),
    [
        ("Lê\x00Văn", "U+0000 NULL", 3),
        ("Lê\x07", "U+0007 BELL", 3),
        ("\x1b[31mđỏ", "U+001B ESCAPE", 1),
        ("a\x85b", "U+0085 C1 CONTROL", 2),
        ("dòng 1\ndòng 2", "U+000A LINE FEED", 7),
        ("a\tb", "U+0009 CHARACTER TABULATION", 2),
    ],
)
def test_control_characters_are_named_and_placed(text, label, position):
    with pytest.raises(UnsafeText) as caught:
        clean_text(text, field="name")
    assert caught.value.kind == "control"
    assert caught.value.label == label
    assert caught.value.position == position
    assert label in str(caught.value) and "name" in str(caught.value)


def test_multiline_keeps_newline_and_tab_but_not_other_controls():
    assert clean_text("a\r\nb\tc\rd", multiline=True) == "a\nb\tc\nd"
    with pytest.raises(UnsafeText) as caught:
        clean_text("dòng 1\ndòng\x0b 2", multiline=True)
    assert (caught.value.line, caught.value.column) == (2, 5)


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u200e"])
def test_bidi_controls_are_refused(char):
    with pytest.raises(UnsafeText) as caught:
        clean_text(f"Trần{char}Văn")
    assert caught.value.kind == "bidi"
    assert caught.value.label.startswith(f"U+{ord(char):04X} ")


@pytest.mark.parametrize("text", ["\u200b\u200b", "\u200d", " \ufeff ", "\u2060\u00ad", "\u3164"])
def test_invisible_only_text_is_refused(text):
    with pytest.raises(UnsafeText) as caught:
        clean_text(text)
    assert caught.value.kind == "invisible"


def test_invisible_inside_text_is_kept():
    assert clean_text("An\u200bh") == "An\u200bh"


def test_char_label():
    assert char_label("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert char_label("\x1b") == "U+001B ESCAPE"
    assert char_label("\x7f") == "U+007F DELETE"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.invalid","bấm")', '\'=HYPERLINK("http://evil.invalid","bấm")'),
        ("+84 912 345 678", "'+84 912 345 678"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-12", "-12"),
        ("-0.25", "-0.25"),
        ("Nguyễn", "Nguyễn"),
        (-3, -3),
        (None, None),
    ],
)
def test_spreadsheet_cell(value, expected):
    assert spreadsheet_cell(value) == expected


def test_xlsx_without_formulas_writes_text():
    import io

    import openpyxl

    from tinnhiem.text import xlsx_without_formulas

    book = openpyxl.Workbook()
    book.active.append(['=HYPERLINK("http://evil.invalid","bấm")', -3, "ok"])
    xlsx_without_formulas(book)
    out = io.BytesIO()
    book.save(out)
    again = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    first, number, _ok = next(again.active.iter_rows())
    assert first.data_type == "s" and first.value.startswith("=HYPERLINK")
    assert number.value == -3 and number.data_type == "n"


# Nghị định 30/2020/NĐ-CP, Phụ lục I: "đối với những số thể hiện ngày nhỏ hơn 10 và tháng 1,
# 2 phải ghi thêm số 0 phía trước".
@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 12, 1), "ngày 01 tháng 12 năm 2026"),
        (dt.date(2026, 12, 9), "ngày 09 tháng 12 năm 2026"),
        (dt.date(2026, 12, 10), "ngày 10 tháng 12 năm 2026"),
        (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
        (dt.date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
        (dt.date(2026, 9, 15), "ngày 15 tháng 9 năm 2026"),
        (dt.date(2026, 10, 15), "ngày 15 tháng 10 năm 2026"),
        (dt.date(2026, 11, 15), "ngày 15 tháng 11 năm 2026"),
        (dt.date(2026, 12, 15), "ngày 15 tháng 12 năm 2026"),
        # the decree's own examples, as the secondary sources quote them
        (dt.date(2023, 2, 1), "ngày 01 tháng 02 năm 2023"),
        (dt.date(2023, 7, 5), "ngày 05 tháng 7 năm 2023"),
    ],
)
def test_format_date_vi_leading_zeros(day: dt.date, text: str) -> None:
    assert format_date_vi(day) == text


def test_format_date_vi_with_place() -> None:
    day = dt.date(2023, 7, 5)
    assert format_date_vi(day, "Ninh Bình") == "Ninh Bình, ngày 05 tháng 7 năm 2023"
    assert format_date_vi(day, "  Ninh Bình ") == "Ninh Bình, ngày 05 tháng 7 năm 2023"
    assert format_date_vi(day, "") == "ngày 05 tháng 7 năm 2023"
    assert format_date_vi(day, "   ") == "ngày 05 tháng 7 năm 2023"
    # plain text: the HTML callers escape it
    assert format_date_vi(day, "A & B") == "A & B, ngày 05 tháng 7 năm 2023"
    # a datetime is read for its date as given
    assert format_date_vi(dt.datetime(2026, 1, 2, 23, 59)) == "ngày 02 tháng 01 năm 2026"


def test_format_date_short_vi_is_fixed_width() -> None:
    assert format_date_short_vi(dt.date(2026, 3, 5)) == "05/03/2026"
    assert format_date_short_vi(dt.date(2026, 12, 31)) == "31/12/2026"
    assert format_date_short_vi(dt.date(2026, 1, 1)) == "01/01/2026"
