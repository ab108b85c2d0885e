"""Minutes of ballot-by-ballot paper rounds and mixed rounds: the entry log, drafts,
the reconciliation."""

from __future__ import annotations

import pytest
from reports_helpers import COMMITTEE, clock, pdf_text

from tinnhiem.paper import (
    ElectronicPart,
    EntryLog,
    LevelCounts,
    Mark,
    NotReady,
    Official,
    PaperSession,
    RoundDefinition,
)
from tinnhiem.reports import minutes_from_paper, render_minutes_pdf

H, C, L = Mark.HIGH, Mark.CONFIDENT, Mark.LOW


def _round(**changes: object) -> PaperSession:
    fields: dict[str, object] = {
        "round_id": "xa-2026",
        "title": "Lấy phiếu tín nhiệm các chức danh do HĐND xã bầu",
        "body": "Hội đồng nhân dân xã Đông Hưng",
        "date": "2026-11-29",
        "rule_id": "qd96-2023",
        "officials": (
            Official("ct", "Hoàng Thị Ánh Tuyết", "Chủ tịch UBND xã"),
            Official("pct", "Đặng Quốc Việt", "Phó Chủ tịch UBND xã"),
        ),
        "paper_serials": 5,
        "members": 5,
        "summoned": 5,
        "present": 5,
        "committee": COMMITTEE,
    }
    fields.update(changes)
    definition = RoundDefinition(**fields)  # type: ignore[arg-type]
    return PaperSession.create(EntryLog(clock=clock()), definition, actor="Ban tổ chức")


def _enter(session: PaperSession, serial: int, a: list[Mark], b: list[Mark] | None = None) -> None:
    session.enter_ballot(serial, "Lan", "may-1", a)
    session.enter_ballot(serial, "Minh", "may-2", b or a)


def test_paper_minutes_append_the_entry_log_and_its_head() -> None:
    session = _round()
    _enter(session, 1, [H, L])
    _enter(session, 2, [H, L], [C, L])
    session.resolve(2, "ct", "1", resolved_by="Phạm Thị Hồng", note="đọc lại phiếu gốc")
    for serial in (3, 4):
        _enter(session, serial, [H, L])
    _enter(session, 5, [C, C])
    minutes = minutes_from_paper(session)
    assert not minutes.draft and minutes.kind == "paper"
    assert minutes.log_head == session.head
    assert len(minutes.entry_log) == len(session.events)
    assert minutes.row("ct").counts == {"high": 4, "confident": 1, "low": 0}
    assert minutes.row("pct").band_id is not None  # 4 of 5 low: relieved of posts
    text = pdf_text(render_minutes_pdf(minutes))
    assert "Hoàng Thị Ánh Tuyết" in text and "Đặng Quốc Việt" in text
    assert "4 80,00% 1 20,00% 0 0,00%" in text
    assert "Đủ: 5/5 có mặt" in text  # the Party rule's quorum
    assert session.head in text
    assert "PHỤ LỤC: NHẬT KÝ NHẬP PHIẾU" in text
    assert "Ban kiểm phiếu quyết định | phiếu 0002, ct = high (đọc lại phiếu gốc)" in text
    assert "(resolution)" not in text and "UTC" not in text
    assert "Sửa dấu" not in text  # nobody changed a mark while typing
    assert "BẢN NHÁP" not in text


def test_minutes_wait_for_agreement_unless_a_draft_is_asked_for() -> None:
    session = _round()
    _enter(session, 1, [H, L], [H, C])
    with pytest.raises(NotReady, match="1 disagreement"):
        minutes_from_paper(session)
    with pytest.raises(NotReady, match="no ballot is counted yet"):
        minutes_from_paper(session, draft=True)
    _enter(session, 2, [C, C])
    minutes = minutes_from_paper(session, draft=True)
    assert minutes.draft
    assert minutes.returned == 1
    assert "BẢN NHÁP" in pdf_text(render_minutes_pdf(minutes))


def test_mixed_round_minutes_show_the_reconciliation_and_board_head() -> None:
    session = _round(mixed=True, paper_serials=3)
    session.issue_paper("cu-tri-3", actor="Phạm Thị Hồng")
    session.issue_paper("cu-tri-1", actor="Phạm Thị Hồng")
    electronic = ElectronicPart(
        credentials=frozenset({"cu-tri-1", "cu-tri-2"}),
        cast=frozenset({"cu-tri-1", "cu-tri-2"}),
        counts={"ct": LevelCounts(high=2), "pct": LevelCounts(confident=1, low=1)},
    )
    session.import_electronic(electronic, actor="Phạm Thị Hồng")
    _enter(session, 1, [H, L])
    _enter(session, 2, [L, L])  # cu-tri-1 also voted electronically: no sheet is theirs
    minutes = minutes_from_paper(session, board_head="ab" * 32)
    assert (minutes.issued, minutes.returned) == (4, 4)
    assert minutes.row("ct").counts == {"high": 3, "confident": 0, "low": 1}
    text = pdf_text(render_minutes_pdf(minutes))
    assert "Một người đã nhận phiếu giấy và đã bỏ phiếu điện tử" in text
    assert "ab" * 32 in text
    assert "cu-tri-3" not in text and "cu-tri-1" not in text  # who received paper: never
    assert "không ghi người nhận" in text
