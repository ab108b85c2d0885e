"""Printable ballots that cannot be traced: identical sheets, no serial and no code, the
body's seal, wording after the rule's treatment of a blank row, no English."""

from __future__ import annotations

import io

import pypdf
import pytest
from paper_helpers import make_definition

from tinnhiem.paper import PaperInputError, ballots_html, render_ballots_pdf, sheet_html


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_every_sheet_is_the_same_and_carries_no_serial_or_code() -> None:
    definition = make_definition(paper_serials=12)
    texts = _texts(render_ballots_pdf(definition, range(3, 6)))
    assert len(texts) == 3 and len(set(texts)) == 1  # identical sheets
    text = texts[0]
    assert "PHIẾU LẤY PHIẾU TÍN NHIỆM" in text
    assert "HỘI ĐỒNG NHÂN DÂN TỈNH VĨNH PHÚC" in text
    assert "Lấy phiếu tín nhiệm tại kỳ họp thứ 14" in text
    assert "Tín nhiệm cao Tín nhiệm Tín nhiệm thấp" in text
    for name in ("Lê Duy Thành", "Nguyễn Thị Kim Ngân", "Trần Văn Đức"):
        assert name in text
    for traced in ("Số phiếu", "Serial", "0003", "0004", "vp-2023"):
        assert traced not in text
    html = ballots_html(definition, range(1, 4))
    assert "<svg" not in html and html.count(sheet_html(definition)) == 3


def test_the_seal_is_the_bodys_not_the_committees() -> None:
    text = " ".join(_texts(render_ballots_pdf(make_definition(), range(1, 2)))[0].split())
    assert "Dấu của Hội đồng nhân dân tỉnh Vĩnh Phúc" in text
    assert "committee" not in text and "Chữ ký / dấu của Ban kiểm phiếu" not in text


def test_no_english_on_the_sheet() -> None:
    text = _texts(render_ballots_pdf(make_definition(), range(1, 2)))[0]
    for english in ("For each", "invalid", "mark", "You need not", "Serial", "stamp"):
        assert english not in text


def test_blank_row_wording_follows_the_rule() -> None:
    """NQ 96/2023 counts a blank row as a valid ballot with no mark for that person; the
    Party rule QĐ 96 calls the row invalid."""
    na = " ".join(_texts(render_ballots_pdf(make_definition(), range(1, 2)))[0].split())
    assert "Dòng không đánh dấu ô nào thì phiếu vẫn hợp lệ" in na
    assert "Dòng không đánh dấu ô nào, " not in na
    party = make_definition(rule_id="qd96-2023", summoned=5, present=5)
    text = " ".join(_texts(render_ballots_pdf(party, range(1, 2)))[0].split())
    assert (
        "Dòng không đánh dấu ô nào, đánh dấu từ hai ô trở lên hoặc gạch tên thì không hợp lệ"
        in (text)
    )


def test_more_sheets_than_the_round_prints_are_refused() -> None:
    with pytest.raises(PaperInputError, match="serial 11 was not printed"):
        ballots_html(make_definition(), range(9, 12))
