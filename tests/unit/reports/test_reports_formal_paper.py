"""Minutes of a formal confidence vote (bỏ phiếu tín nhiệm) held on paper: the formal-vote
columns and percentages, and the dismissal consequence in PDF, XLSX and CSV."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from reports_helpers import COMMITTEE, clock, pdf_text, totals_round

from tinnhiem.errors import InputError
from tinnhiem.paper import (
    EntryLog,
    LevelCounts,
    Mark,
    Official,
    PaperSession,
    RoundDefinition,
)
from tinnhiem.reports import (
    minutes_from_paper,
    render_minutes_csv,
    render_minutes_pdf,
    render_minutes_xlsx,
)
from tinnhiem.rules import RoundKind, load_rule

OFFICIALS = (
    Official("ct", "Hoàng Thị Ánh Tuyết", "Chủ tịch UBND xã"),
    Official("pct", "Đặng Quốc Việt", "Phó Chủ tịch UBND xã"),
)


def _definition(**changes: object) -> RoundDefinition:
    fields: dict[str, object] = {
        "round_id": "btn-2026",
        "title": "Bỏ phiếu tín nhiệm Chủ tịch UBND xã",
        "body": "Hội đồng nhân dân xã Đông Hưng",
        "date": "2026-11-29",
        "rule_id": "nq96-2023-formal",
        "officials": OFFICIALS,
        "paper_serials": 0,
        "members": 51,
        "committee": COMMITTEE,
        "mode": "totals",
        "kind": RoundKind.FORMAL_VOTE,
        "place": "Đông Hưng",
    }
    fields.update(changes)
    return RoundDefinition(**fields)  # type: ignore[arg-type]


def _counts(no: int, yes: int, invalid: int = 0) -> LevelCounts:
    return LevelCounts(confidence=yes, no_confidence=no, invalid=invalid)


def test_26_of_51_no_confidence_in_every_format() -> None:
    counts = {"ct": _counts(26, 25), "pct": _counts(10, 40, 1)}
    minutes = minutes_from_paper(totals_round(_definition(), 51, 51, counts))
    assert minutes.round_kind == "formal_vote"
    assert [level for level, _, _ in minutes.levels] == ["confidence", "no_confidence"]
    ct, pct = minutes.row("ct"), minutes.row("pct")
    assert ct.band_id == "no-confidence-majority" and pct.band_id is None
    codes = [(c.code, c.mandatory) for c in ct.consequences]
    assert codes == [("may_resign", False), ("dismissal_if_not_resigned", True)]
    assert pct.consequences == ()

    text = pdf_text(render_minutes_pdf(minutes))
    assert "kiểm phiếu bỏ phiếu tín nhiệm" in text
    assert "Hoàng Thị Ánh Tuyết Chủ tịch UBND xã 51 51 51 0 25 49,02% 26 50,98%" in text
    assert "Đặng Quốc Việt Phó Chủ tịch UBND xã 51 51 50 1 40 78,43% 10 19,61%" in text
    assert "Quá nửa tổng số đại biểu bỏ phiếu không tín nhiệm" in text
    assert "có trách nhiệm trình Quốc hội (Hội đồng nhân dân) xem xét, quyết định" in text
    assert "Có thể xin từ chức" in text

    book = openpyxl.load_workbook(io.BytesIO(render_minutes_xlsx(minutes)))
    rows = [list(r) for r in book["Biên bản kiểm phiếu"].iter_rows(values_only=True)]
    assert ["Vòng bỏ phiếu", "btn-2026: Bỏ phiếu tín nhiệm Chủ tịch UBND xã"] == rows[4][:2]
    header_index = next(i for i, r in enumerate(rows) if r[0] == "STT")
    record = dict(zip(rows[header_index], rows[header_index + 1], strict=True))
    assert (record["Tín nhiệm"], record["Không tín nhiệm"]) == (25, 26)
    assert Decimal(str(record["Tỷ lệ không tín nhiệm (%)"])) == Decimal("0.5098")
    assert Decimal(str(record["Tỷ lệ tín nhiệm (%)"])) == Decimal("0.4902")
    assert "miễn nhiệm" in str(record["Hệ quả"])

    csv_text = render_minutes_csv(minutes).decode("utf-8-sig")
    assert "1,ct,Hoàng Thị Ánh Tuyết,Chủ tịch UBND xã,51,51,51,0,25,49.02,26,50.98," in csv_text


def test_exactly_half_no_confidence_has_no_consequence() -> None:
    counts = {"ct": _counts(25, 25), "pct": _counts(0, 50)}
    minutes = minutes_from_paper(totals_round(_definition(members=50), 50, 50, counts))
    row = minutes.row("ct")
    assert row.band_id is None and row.consequences == ()
    assert row.percentages["no_confidence"] == row.percentages["confidence"]
    text = pdf_text(render_minutes_pdf(minutes))
    assert "25 50,00% 25 50,00%" in text
    assert "miễn nhiệm" not in text.split("III.")[1].split("IV.")[0]


def test_a_blank_row_stays_in_the_base_of_a_formal_vote() -> None:
    session = PaperSession.create(
        EntryLog(clock=clock()),
        _definition(mode="ballots", paper_serials=3),
        actor="Ban tổ chức",
    )
    yes, no = Mark.CONFIDENCE, Mark.NO_CONFIDENCE
    for serial, marks in ((1, [no, yes]), (2, [no, yes]), (3, [Mark.BLANK, yes])):
        session.enter_ballot(serial, "Lan", "may-1", marks)
        session.enter_ballot(serial, "Minh", "may-2", marks)
    minutes = minutes_from_paper(session)
    row = minutes.row("ct")
    # the base is the 51 members of the body, whatever the rows of the returned ballots
    assert (row.base, row.unmarked, row.count("no_confidence")) == (51, 1, 2)
    assert row.band_id is None  # 2 of 51 deputies


def test_the_rule_must_be_of_the_round_kind() -> None:
    session = totals_round(_definition(), 51, 51, {"ct": _counts(1, 50), "pct": _counts(1, 50)})
    with pytest.raises(InputError, match="governs a poll, the paper round btn-2026 is a formal"):
        minutes_from_paper(session, rule=load_rule("nq96-2023"))
