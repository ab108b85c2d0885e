"""The public examples of DOMAIN.md, through the tally minutes in PDF, XLSX and CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction

import openpyxl
from reports_helpers import na_2018, pdf_text, vinh_phuc_2023

from tinnhiem.reports import (
    minutes_from_paper,
    percent_vi,
    render_minutes_csv,
    render_minutes_pdf,
    render_minutes_xlsx,
)
from tinnhiem.rules import load_rule


def test_percent_style_is_vietnamese_decimal_comma_half_up() -> None:
    assert percent_vi(Fraction(393, 485)) == "81,03%"
    assert percent_vi(Fraction(437, 485)) == "90,10%"
    assert percent_vi(Fraction(1, 8)) == "12,50%"


def test_na_october_2018_minutes_pdf() -> None:
    minutes = minutes_from_paper(na_2018())
    (row,) = minutes.rows
    assert row.base == 485
    assert row.percentages == {
        "high": Fraction(437, 485),
        "confident": Fraction(34, 485),
        "low": Fraction(4, 485),
    }
    assert row.band_id is None and row.consequences == ()
    text = pdf_text(render_minutes_pdf(minutes))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN KIỂM PHIẾU",
        "QUỐC HỘI NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Hà Nội, ngày 25 tháng 10 năm 2018",
        "Nguyễn Thị Kim Ngân",
        "Nghị quyết 85/2014/QH13",
        "tổng số thành viên (đại biểu) của cơ quan",
        "437 90,10% 34 7,01% 4 0,82%",
        "475 475 475 0",  # issued, returned, valid, invalid
        "Phạm Thị Hồng",
        "(Ký, ghi rõ họ tên)",
        "NHẬT KÝ NHẬP PHIẾU",
    ):
        assert expected in text, expected


def test_vinh_phuc_2023_minutes_pdf_cites_the_first_band() -> None:
    minutes = minutes_from_paper(vinh_phuc_2023())
    (row,) = minutes.rows
    assert row.base == 47 and row.percentages["low"] == Fraction(25, 47)
    rule = load_rule("nq96-2023")
    band = next(b for b in rule.bands if b.id == row.band_id)
    assert band.contains(25, 47) and band.lower is not None
    assert band.lower.fraction == Fraction(1, 2)  # the first band: more than half
    assert row.consequences == band.consequences
    text = pdf_text(render_minutes_pdf(minutes))
    assert "Lê Duy Thành" in text
    assert "19 40,43% 2 4,26% 25 53,19%" in text
    assert "47 47 46 1" in text  # one returned ballot with no valid mark for him
    assert " ".join(band.title_vi.split()) in text
    for consequence in band.consequences:
        assert " ".join(consequence.text_vi.split()) in text
        assert consequence.citation.replace(" / article not confirmed", "") in text
    assert "tổng số phiếu thu về" in text


def test_vinh_phuc_2023_xlsx_reads_back() -> None:
    minutes = minutes_from_paper(vinh_phuc_2023())
    book = openpyxl.load_workbook(io.BytesIO(render_minutes_xlsx(minutes)))
    sheet = book["Biên bản kiểm phiếu"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ["BIÊN BẢN KIỂM PHIẾU", None] == rows[2][:2]
    header_index = next(i for i, r in enumerate(rows) if r[0] == "STT")
    header, data = rows[header_index], rows[header_index + 1]
    record = dict(zip(header, data, strict=True))
    assert record["Họ và tên"] == "Lê Duy Thành"
    assert (record["Phát ra"], record["Thu về"], record["Hợp lệ"]) == (47, 47, 46)
    assert record["Tín nhiệm thấp"] == 25
    low_pct = record["Tỷ lệ tín nhiệm thấp (%)"]
    assert Decimal(str(low_pct)) == Decimal("0.5319")
    column = header.index("Tỷ lệ tín nhiệm thấp (%)") + 1
    assert sheet.cell(header_index + 2, column).number_format == "0.00%"
    assert record["Quy định"] == "nq96-2023"
    assert "Nhật ký nhập phiếu" in book.sheetnames
    log = list(book["Nhật ký nhập phiếu"].iter_rows(values_only=True))
    assert log[1][4] == "round_created"


def test_na_2018_csv_is_utf8_with_bom() -> None:
    data = render_minutes_csv(minutes_from_paper(na_2018()))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    (row,) = rows
    assert row["Họ và tên"] == "Nguyễn Thị Kim Ngân"
    assert (row["Tín nhiệm cao"], row["Tỷ lệ tín nhiệm cao (%)"]) == ("437", "90.10")
    assert (row["Tín nhiệm"], row["Tỷ lệ tín nhiệm (%)"]) == ("34", "7.01")
    assert (row["Tín nhiệm thấp"], row["Tỷ lệ tín nhiệm thấp (%)"]) == ("4", "0.82")
    assert row["N"] == "485"
