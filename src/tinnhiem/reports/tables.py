"""The tally minutes as spreadsheet data: XLSX (openpyxl) and CSV.

Both carry the same rows as the PDF; the XLSX also carries the reconciliation, the
risk-limiting audit (seed, method, draws read again, differences, P-values, conclusion) and
the entry log on sheets of their own, while the CSV stays one row per official.

The CSV is UTF-8 with a byte-order mark so that Excel opens Vietnamese names correctly;
its percentages use a decimal point ("90.10") so that any program can read them. In the
XLSX a percentage is a number (the two-decimal value of the minutes, exactly, e.g. 0.9010)
shown with the format ``0.00%``.

Text from people (names, posts) is data, never a formula: a CSV cell starting with ``=``,
``+``, ``-``, ``@``, tab or CR gets a leading apostrophe, and every XLSX text cell is
written as a string.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from tinnhiem.reports.minutes import MinutesData, MinutesRow
from tinnhiem.rules import format_percent
from tinnhiem.text import spreadsheet_row, xlsx_without_formulas

__all__ = ["csv_header", "render_minutes_csv", "render_minutes_xlsx"]

_PERCENT_COLUMN = 9
"""0-based column of the first level's percentage; each level takes two columns."""


def csv_header(data: MinutesData) -> list[str]:
    """The column names: fixed columns, then count and percentage per level of the rule."""
    return [
        "STT",
        "Mã",
        "Họ và tên",
        "Chức vụ",
        "Phát ra",
        "Thu về",
        "Hợp lệ",
        "Không hợp lệ / không đánh dấu",
        *(name for _, vi, _ in data.levels for name in (vi, f"Tỷ lệ {vi.lower()} (%)")),
        "N",
        "Mức",
        "Hệ quả",
        "Điều khoản",
        "Vòng",
        "Quy định",
    ]


def _cells(row: MinutesRow, data: MinutesData) -> list[object]:
    cells: list[object] = [
        row.number,
        row.official_id,
        row.name,
        row.position,
        row.issued,
        row.returned,
        row.valid,
        row.unmarked,
    ]
    for level, _, _ in data.levels:
        cells += [row.count(level), format_percent(row.percentages[level])]
    cells += [
        row.base,
        row.band_vi,
        "; ".join(c.text_vi for c in row.consequences),
        "; ".join(c.citation for c in row.consequences),
        data.round_id,
        data.rule_id,
    ]
    return cells


def render_minutes_csv(data: MinutesData) -> bytes:
    """One row per official, UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spreadsheet_row(csv_header(data)))
    for row in data.rows:
        # names and posts come from people: a cell starting with = + - @ is escaped
        writer.writerow(spreadsheet_row(["" if v is None else v for v in _cells(row, data)]))
    return buffer.getvalue().encode("utf-8-sig")


def render_minutes_xlsx(data: MinutesData) -> bytes:
    """A workbook: the minutes (header and counts), the reconciliation, the entry log."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Biên bản kiểm phiếu"
    bold = Font(bold=True)
    heading = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None),
        ("Độc lập - Tự do - Hạnh phúc", None),
        ("BIÊN BẢN KIỂM PHIẾU", None),
        ("Cơ quan", data.body),
        (
            "Vòng bỏ phiếu" if data.round_kind == "formal_vote" else "Vòng lấy phiếu",
            f"{data.round_id}: {data.title}",
        ),
        ("Ngày", data.date),
        ("Căn cứ", f"{data.rule_document} ({data.rule_id})"),
        ("Tỷ lệ tính trên", data.base_label_vi),
        ("Phát ra", data.issued),
        ("Thu về", data.returned),
    ]
    if data.draft:
        heading.append(("BẢN NHÁP", "chưa đủ điều kiện lập biên bản chính thức"))
    for label, value in heading:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = bold
    if data.board_head:
        sheet.append(["Mã băm bảng tin", data.board_head])
    if data.log_head:
        sheet.append(["Mã băm nhật ký", data.log_head])
    sheet.append([])
    sheet.append(csv_header(data))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in data.rows:
        cells = _cells(row, data)
        for index, (level, _, _) in enumerate(data.levels):
            cells[_PERCENT_COLUMN + 2 * index] = (
                Decimal(format_percent(row.percentages[level])) / 100
            )
        sheet.append(cells)
        for index in range(len(data.levels)):
            column = _PERCENT_COLUMN + 2 * index + 1  # openpyxl counts from 1
            sheet.cell(sheet.max_row, column).number_format = "0.00%"
    sheet.append([])
    sheet.append(["Ban kiểm phiếu"])
    sheet.cell(sheet.max_row, 1).font = bold
    for member in data.committee:
        sheet.append([member.role, member.name, "(Ký, ghi rõ họ tên)"])
    sheet.column_dimensions["C"].width = 28

    if data.reconciliation or data.conflicts:
        rec = book.create_sheet("Đối chiếu")
        rec.append(["Mục", "Item", "Giá trị"])
        for vi, en, value in data.reconciliation:
            rec.append([vi, en, value])
        for conflict in data.conflicts:
            rec.append(["Chênh lệch", "Conflict", conflict])
    if data.audit:
        audit = book.create_sheet("Kiểm tra xác suất")
        audit.append(["Mục", "Item", "Giá trị"])
        for vi, en, value in data.audit:
            audit.append([vi, en, value])
    if data.entry_log:
        log = book.create_sheet("Nhật ký nhập phiếu")
        log.append(
            ["STT", "Thời điểm (UTC)", "Người thao tác", "Thao tác", "Action", "Chi tiết", "Mã băm"]
        )
        for line in data.entry_log:
            log.append(
                [line.seq, line.ts, line.actor, line.action_vi, line.action, line.detail, line.hash]
            )
    xlsx_without_formulas(book)  # a name like =HYPERLINK(…) stays text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
