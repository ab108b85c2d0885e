"""Helpers for the minutes tests: rounds of the public examples, PDF text."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pypdf

from tinnhiem.paper import (
    CommitteeMember,
    EntryLog,
    LevelCounts,
    Official,
    PaperSession,
    RoundDefinition,
    TotalsSheet,
)

COMMITTEE = (
    CommitteeMember("Phạm Thị Hồng", "Trưởng ban"),
    CommitteeMember("Đỗ Minh Quân", "Thành viên"),
    CommitteeMember("Vũ Ngọc Ánh", "Thư ký"),
)


def clock() -> Callable[[], datetime]:
    start = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    ticks = iter(range(1_000_000))
    return lambda: start + timedelta(seconds=next(ticks))


def pdf_text(data: bytes) -> str:
    """All pages' text with runs of whitespace collapsed (table cells wrap lines)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def totals_round(
    definition: RoundDefinition, issued: int, returned: int, counts: dict[str, LevelCounts]
) -> PaperSession:
    """A hand-counted round with the same totals entered by two operators."""
    session = PaperSession.create(EntryLog(clock=clock()), definition, actor="Ban tổ chức")
    sheet = TotalsSheet(issued, returned, counts)
    session.enter_totals("Lan", "may-1", sheet)
    session.enter_totals("Minh", "may-2", sheet)
    return session


def na_2018() -> PaperSession:
    """National Assembly, October 2018: base = all 485 deputies (NQ 85/2014)."""
    definition = RoundDefinition(
        round_id="qh-2018-10",
        title="Lấy phiếu tín nhiệm tại kỳ họp thứ 6, Quốc hội khóa XIV",
        body="Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam",
        date="2018-10-25",
        rule_id="nq85-2014",
        officials=(Official("ngan", "Nguyễn Thị Kim Ngân", "Chủ tịch Quốc hội"),),
        paper_serials=0,
        members=485,
        mode="totals",
        committee=COMMITTEE,
        place="Hà Nội",
    )
    return totals_round(definition, 475, 475, {"ngan": LevelCounts(437, 34, 4, 0)})


def vinh_phuc_2023() -> PaperSession:
    """Vĩnh Phúc provincial People's Council, December 2023: base = 47 ballots returned."""
    definition = RoundDefinition(
        round_id="vp-2023-12",
        title="Lấy phiếu tín nhiệm tại kỳ họp HĐND tỉnh, tháng 12 năm 2023",
        body="Hội đồng nhân dân tỉnh Vĩnh Phúc",
        date="2023-12-08",
        rule_id="nq96-2023",
        officials=(Official("chair", "Lê Duy Thành", "Chủ tịch UBND tỉnh"),),
        paper_serials=0,
        members=50,
        mode="totals",
        committee=COMMITTEE,
        place="Vĩnh Yên",
    )
    return totals_round(definition, 47, 47, {"chair": LevelCounts(19, 2, 25, 1)})
