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


def play_poll_round(log: EntryLog) -> PaperSession:
    """A mixed poll round using every kind of event, as the code wrote it before formal
    votes existed (the stored fixture ``data/poll_round_v1.jsonl`` was written by this
    function with that code; replaying it now must give the same bytes)."""
    from tinnhiem.paper import ElectronicPart, LevelCounts, Mark

    session = PaperSession.create(log, make_definition(mixed=True), actor="Ban tổ chức")
    for serial, voter in ((1, "V1"), (2, "V2"), (3, "V3"), (4, "V9")):
        session.issue(serial, voter, actor="Phạm Thị Hồng")
    high, conf, low = Mark.HIGH, Mark.CONFIDENT, Mark.LOW
    session.enter_ballot(1, "Lan", "may-1", [high, conf, low])
    session.enter_ballot(1, "Minh", "may-2", [high, low, low])
    session.resolve(1, "vice", "3", resolved_by="Phạm Thị Hồng", note="đọc lại phiếu gốc")
    session.start_entry(2, "Lan", "may-1")
    session.set_mark(2, "Lan", "chair", conf)
    session.set_mark(2, "Lan", "chair", high)
    session.clear_mark(2, "Lan", "chair")
    session.cancel_entry(2, "Lan")
    session.enter_ballot(2, "Lan", "may-1", [high, Mark.BLANK, Mark.INVALID])
    session.enter_ballot(2, "Minh", "may-2", [high, Mark.BLANK, Mark.INVALID])
    session.enter_ballot(3, "Lan", "may-1", None)
    session.enter_ballot(3, "Minh", "may-2", None)
    session.declare_returned(3, actor="Phạm Thị Hồng")
    counts = {
        "chair": LevelCounts(1, 1, 0, 0),
        "vice": LevelCounts(0, 1, 1, 0),
        "head": LevelCounts(2, 0, 0, 0),
    }
    part = ElectronicPart(frozenset({"V4", "V5", "V9"}), frozenset({"V4", "V5"}), counts, "e.csv")
    session.import_electronic(part, actor="Phạm Thị Hồng")
    return session
