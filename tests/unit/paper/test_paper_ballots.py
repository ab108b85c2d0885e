"""Printable ballots: one sheet per serial, names with diacritics, QR code per serial."""

from __future__ import annotations

import io

import pypdf
import pytest
import segno
from paper_helpers import make_definition

from tinnhiem.paper import PaperInputError, ballot_payload, ballots_html, render_ballots_pdf


def test_ballots_pdf_has_one_sheet_per_serial_with_names_and_boxes() -> None:
    definition = make_definition(paper_serials=12)
    pdf = pypdf.PdfReader(io.BytesIO(render_ballots_pdf(definition, range(3, 6))))
    assert len(pdf.pages) == 3
    for page, serial in zip(pdf.pages, (3, 4, 5), strict=True):
        text = page.extract_text()
        assert f"Số phiếu / Serial: {serial:04d}" in text
        assert "PHIẾU LẤY PHIẾU TÍN NHIỆM" in text
        assert "HỘI ĐỒNG NHÂN DÂN TỈNH VĨNH PHÚC" in text
        assert "Lấy phiếu tín nhiệm tại kỳ họp thứ 14" in text
        assert "Tín nhiệm cao Tín nhiệm Tín nhiệm thấp" in text
        for name in ("Lê Duy Thành", "Nguyễn Thị Kim Ngân", "Trần Văn Đức"):
            assert name in text
        assert "không hợp lệ đối với" in text


def test_each_sheet_carries_the_qr_code_of_its_round_and_serial() -> None:
    definition = make_definition()
    assert ballot_payload("vp-2023", 7) == "tinnhiem:paper:vp-2023:0007"
    html = ballots_html(definition, range(7, 9))
    for serial in (7, 8):
        expected = segno.make(ballot_payload("vp-2023", serial), error="m")
        assert expected.svg_inline(scale=4, border=2, omitsize=True) in html
    other = segno.make(ballot_payload("vp-2023", 9), error="m")
    assert other.svg_inline(scale=4, border=2, omitsize=True) not in html


def test_serials_outside_the_round_are_refused() -> None:
    with pytest.raises(PaperInputError, match="serial 11 was not printed"):
        ballots_html(make_definition(), range(9, 12))
