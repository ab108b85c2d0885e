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
from tinnhiem.reports.personnel import STATUS_VI, PersonnelMinutes
from tinnhiem.reports.vietnamese import vi, vi_citation, vi_reason
from tinnhiem.rules import format_percent
from tinnhiem.text import format_date_vi, spreadsheet_row, xlsx_without_formulas

__all__ = [
    "csv_header",
    "render_minutes_csv",
    "render_minutes_xlsx",
    "render_personnel_minutes_xlsx",
]

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


def _vi_date(iso: str, place: str = "") -> str:
    """``Hoa Lư, ngày 10 tháng 3 năm 2025`` (tinnhiem.text.format_date_vi, NĐ 30/2020)."""
    from datetime import date

    return format_date_vi(date.fromisoformat(iso), place)


def render_personnel_minutes_xlsx(m: PersonnelMinutes) -> bytes:
    """A personnel step's minutes (electronic or paper) as a workbook, in Vietnamese only:
    the heading, attendance and sheets, one row per candidate (count, the exact share and
    the two-decimal percentage as a number shown ``0.00%``), the outcome and every clause
    that decided it, the committee; and, for a paper step, its entry log on a second
    sheet. Dates read "ngày … tháng … năm …"; counts are numbers; every text cell is text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from tinnhiem.paper import OVER_K_NOTE

    t = m.tally
    d = t.definition
    p = d.personnel
    assert p is not None and d.summoned is not None and d.present is not None
    step = m.procedure.step(p.step)
    src = m.procedure.source
    dec = m.decision
    agree = p.ballot == "agree_disagree"
    book = Workbook()
    sheet = book.active
    sheet.title = "Biên bản kiểm phiếu"
    bold = Font(bold=True)
    party = "QĐ/TW" in src.document
    heading: list[tuple[str, object]] = [
        ("ĐẢNG CỘNG SẢN VIỆT NAM", "") if party else ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", ""),
        ("", "") if party else ("Độc lập - Tự do - Hạnh phúc", ""),
        ("BIÊN BẢN KIỂM PHIẾU", ""),
        ("Cơ quan", d.body),
        ("Quy trình", m.procedure.title_vi),
        ("Nội dung", d.title),
        ("Bước", f"Bước {step.number}: {step.title_vi}"),
        ("Thời gian", _vi_date(d.date, d.place)),
        ("Căn cứ", f"{src.document} ({m.procedure.id})"),
        ("Thành phần bỏ phiếu", vi(step.body.label)),
        (
            "Hình thức",
            ("phiếu điện tử, bỏ phiếu kín" if m.electronic else "phiếu giấy, bỏ phiếu kín")
            + (
                f"; mỗi phiếu chọn không quá {p.k} người"
                if not agree
                else "; đồng ý / không đồng ý đối với từng người"
            ),
        ),
    ]
    if party:
        heading.insert(0, ("MẬT", ""))
    heading = [(a, b) for a, b in heading if a or b]
    if src.superseded_by:
        heading.append(("Văn bản đã được thay thế", src.superseded_by))
    if p.previous is not None:
        prev = m.procedure.step(p.previous.step)
        head_kind = (
            "mã băm cuối nhật ký nhập phiếu"
            if p.previous.source == "paper"
            else "mã băm đầu bảng tin của hồ sơ điện tử"
        )
        heading.append(
            (
                "Danh sách lấy từ",
                f"bước {prev.number} ({prev.title_vi}), vòng {p.previous.round_id}; "
                f"{head_kind}: {p.previous.head}",
            )
        )
    else:
        heading.append(("Danh sách", "danh sách nhân sự đủ điều kiện do cơ quan tham mưu trình"))
    heading += [
        ("Số người được triệu tập", d.summoned),
        ("Số người có mặt", d.present),
        ("Số người vắng mặt", max(0, d.summoned - d.present)),
        ("Số phiếu thu về", t.returned),
        ("Số phiếu hợp lệ", t.valid),
        ("Số phiếu không hợp lệ", t.invalid),
    ]
    if t.over_k:
        heading.append((f"Trong đó phiếu chọn quá {p.k} người", t.over_k))
    if not m.electronic or m.blank_known:  # a record's choose step: its blank column
        heading.append(("Số phiếu trống (không chọn ai)", t.blank))
    heading.append((f"Tỷ lệ tính trên {vi(step.base.label)}", f"N = {dec.base}"))
    if m.draft:
        heading.append(("BẢN NHÁP", "chưa đủ điều kiện lập biên bản chính thức"))
    for label, value in heading:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([])
    header = ["STT", "Mã", "Họ và tên", "Chức vụ", "Đồng ý" if agree else "Số phiếu"]
    header += ["Tỷ lệ (%)", "Tỷ lệ chính xác"]
    if agree:
        header += ["Không đồng ý", "Để trống", "Dòng không hợp lệ"]
    header += ["Đạt ngưỡng", "Vào bước sau"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    counts = {c.id: c for c in t.candidates}
    for number, (official, r) in enumerate(zip(d.officials, dec.results, strict=True), start=1):
        c = counts[official.id]
        row: list[object] = [number, official.id, official.name, official.position, r.votes]
        row += [
            Decimal(format_percent(r.share)) / 100,
            f"{r.share.numerator}/{r.share.denominator}",
        ]
        if agree:
            row += [c.disagree or 0, c.blank or 0, c.invalid or 0]
        reached = "Có" if r.reached else ("Đúng ngưỡng" if r.exactly_at_threshold else "Không")
        row += [reached, "Có" if official.id in dec.advancing else "Không"]
        sheet.append(row)
        sheet.cell(sheet.max_row, 6).number_format = "0.00%"
    sheet.append([])
    outcome: list[tuple[str, str]] = [("Kết quả", STATUS_VI[dec.status])]
    if dec.selected:
        outcome.append(("Đạt ngưỡng và được chọn", m.who(dec.selected)))
    if dec.pending:
        outcome.append(
            (
                "Cần người có thẩm quyền quyết định",
                m.who(dec.concerned) + (f" ({vi(dec.action.label)})" if dec.action else ""),
            )
        )
    elif dec.next_step is not None:
        nxt = m.procedure.step(dec.next_step)
        again = " (bỏ phiếu lại)" if dec.next_step == dec.step_id else ""
        outcome.append(
            ("Vào bước sau", f"{m.who(dec.advancing)} → bước {nxt.number} ({nxt.title_vi}){again}")
        )
    else:
        outcome.append(("Vào bước sau", "quy trình kết thúc ở bước này"))
    if not step.announce_at_meeting:
        outcome.append(("Công bố", "kết quả không công bố tại hội nghị; báo cáo tập thể lãnh đạo"))
    for label, value in outcome:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append(["Căn cứ quyết định"])
    sheet.cell(sheet.max_row, 1).font = bold
    for number, reason in enumerate(dec.reasons, start=1):
        sheet.append([number, vi_reason(reason.text_vi), vi_citation(reason.cite)])
    if not agree:
        sheet.append(["Ghi chú", OVER_K_NOTE.replace(" / not confirmed against the text", "")])
    sheet.append(
        [
            "Mã băm đầu bảng tin của hồ sơ điện tử"
            if m.electronic
            else "Mã băm cuối nhật ký nhập phiếu",
            t.head,
        ]
    )
    sheet.append([])
    sheet.append(["Ban kiểm phiếu"])
    sheet.cell(sheet.max_row, 1).font = bold
    for member in d.committee:
        sheet.append([member.role, member.name, "(Ký, ghi rõ họ tên)"])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 28
    if m.entry_log:
        log = book.create_sheet("Nhật ký nhập phiếu")
        log.append(["STT", "Thời điểm (UTC)", "Người thao tác", "Thao tác", "Chi tiết", "Mã băm"])
        for line in m.entry_log:
            log.append([line.seq, line.ts, line.actor, line.action_vi, line.detail, line.hash])
    xlsx_without_formulas(book)  # a name like =HYPERLINK(…) stays text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
