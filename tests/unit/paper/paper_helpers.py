"""Helpers for the paper tests: a deterministic clock and small rounds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tinnhiem.paper import (
    CommitteeMember,
    EntryLog,
    Official,
    PaperSession,
    RoundDefinition,
)

OFFICIALS = (
    Official("chair", "Lê Duy Thành", "Chủ tịch UBND tỉnh"),
    Official("vice", "Nguyễn Thị Kim Ngân", "Phó Chủ tịch HĐND tỉnh"),
    Official("head", "Trần Văn Đức", "Trưởng Ban Pháp chế"),
)


def make_clock() -> Callable[[], datetime]:
    """A clock that ticks one second per call, from a fixed start."""
    start = datetime(2023, 12, 8, 2, 0, tzinfo=UTC)
    ticks = iter(range(1_000_000))
    return lambda: start + timedelta(seconds=next(ticks))


def make_definition(**changes: object) -> RoundDefinition:
    fields: dict[str, object] = {
        "round_id": "vp-2023",
        "title": "Lấy phiếu tín nhiệm tại kỳ họp thứ 14",
        "body": "Hội đồng nhân dân tỉnh Vĩnh Phúc",
        "date": "2023-12-08",
        "rule_id": "nq96-2023",
        "officials": OFFICIALS,
        "paper_serials": 10,
        "members": 50,
        "committee": (
            CommitteeMember("Phạm Thị Hồng", "Trưởng ban"),
            CommitteeMember("Đỗ Minh Quân"),
        ),
        "place": "Vĩnh Yên",
    }
    fields.update(changes)
    return RoundDefinition(**fields)  # type: ignore[arg-type]


def new_session(**changes: object) -> PaperSession:
    """A fresh in-memory round (three officials, ten sheets, two entries per sheet)."""
    log = EntryLog(clock=make_clock())
    return PaperSession.create(log, make_definition(**changes), actor="Ban tổ chức")
