"""The entry log is append-only and tamper-evident, in memory and on disk."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from paper_helpers import make_clock, make_definition

from tinnhiem.paper import (
    GENESIS,
    EntryLog,
    LogEvent,
    LogIntegrityError,
    Mark,
    PaperInputError,
    PaperSession,
    open_log_file,
    verify_chain,
)


def _filled_log() -> EntryLog:
    log = EntryLog(clock=make_clock())
    session = PaperSession.create(log, make_definition(), actor="org")
    session.enter_ballot(1, "A", "d1", [Mark.HIGH, Mark.LOW, Mark.BLANK])
    session.enter_ballot(1, "B", "d2", [Mark.HIGH, Mark.LOW, Mark.BLANK])
    return log


def test_chain_links_every_event_to_the_one_before() -> None:
    log = _filled_log()
    events = log.events
    assert events[0].prev == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev == before.hash
        assert after.seq == before.seq + 1
    assert verify_chain(events) == log.head == events[-1].hash
    # one whole ballot is: started, one mark per official, submitted
    actions = [e.action for e in events[1:6]]
    assert actions == ["entry_started", "mark_set", "mark_set", "mark_set", "entry_submitted"]
    assert events[1].ts == "2023-12-08T02:00:01.000000Z"


def test_the_log_offers_no_way_to_edit_or_delete() -> None:
    log = _filled_log()
    assert isinstance(log.events, tuple)
    assert not any(hasattr(log, name) for name in ("remove", "pop", "edit", "__setitem__"))
    with pytest.raises(AttributeError):
        log.events[0].actor = "mallory"  # type: ignore[misc]


@pytest.mark.parametrize(
    "tamper, line",
    [
        (lambda ev: [*ev[:3], _edited(ev[3]), *ev[4:]], 4),
        (lambda ev: ev[:2] + ev[3:], 3),
        (lambda ev: [ev[0], ev[2], ev[1], *ev[3:]], 2),
    ],
    ids=["edited", "removed", "reordered"],
)
def test_tampering_is_detected_at_the_first_bad_line(tamper, line: int) -> None:
    events = list(_filled_log().events)
    with pytest.raises(LogIntegrityError) as info:
        verify_chain(tamper(events))
    assert info.value.line == line


def _edited(event: LogEvent) -> LogEvent:
    data = {**event.data, "value": "high"}
    return LogEvent(event.seq, event.ts, event.actor, event.action, data, event.prev, event.hash)


def test_a_recomputed_chain_still_cannot_hide_an_edit_from_the_head() -> None:
    """Someone who rewrites an event and recomputes every later hash gets another head,
    which no longer matches the head printed in the minutes."""
    log = _filled_log()
    events = list(log.events)
    forged = [events[0]]
    for event in events[1:]:
        data = dict(event.data)
        if event.action == "mark_set" and data.get("field") == "vice":
            data["value"] = "high"
        forged.append(
            LogEvent.seal(event.seq, event.ts, event.actor, event.action, data, forged[-1].hash)
        )
    assert verify_chain(forged) != log.head


def test_file_round_trip_and_append_only_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "round.jsonl"
    with open_log_file(path, create=True, clock=make_clock()) as log:
        PaperSession.create(log, make_definition(), actor="org")
    first = path.read_bytes()
    with open_log_file(path, clock=make_clock()) as log:
        session = PaperSession(log)
        session.enter_ballot(2, "A", "d1", [Mark.HIGH, Mark.HIGH, Mark.HIGH])
    after = path.read_bytes()
    assert after.startswith(first)  # earlier lines untouched
    lines = after.decode().splitlines()
    assert len(lines) == 6
    assert json.loads(lines[-1])["action"] == "entry_submitted"
    with open_log_file(path) as log:
        reopened = PaperSession(log)
        assert reopened.serial_state(2) == "in_progress"
        assert reopened.head == json.loads(lines[-1])["hash"]


def test_an_edited_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "round.jsonl"
    with open_log_file(path, create=True, clock=make_clock()) as log:
        session = PaperSession.create(log, make_definition(), actor="org")
        session.enter_ballot(1, "A", "d1", [Mark.HIGH, Mark.LOW, Mark.LOW])
    text = path.read_text(encoding="utf-8").replace('"value":"low"', '"value":"high"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LogIntegrityError) as info, open_log_file(path):
        pass
    assert info.value.line == 4
    assert "round.jsonl" in str(info.value)


def test_an_interrupted_last_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "round.jsonl"
    with open_log_file(path, create=True, clock=make_clock()) as log:
        PaperSession.create(log, make_definition(), actor="org")
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"seq":1')
    with pytest.raises(LogIntegrityError, match="unterminated"), open_log_file(path):
        pass


def test_a_chain_valid_but_impossible_log_is_refused() -> None:
    """Events re-sealed by hand still go through the same checks on replay."""
    log = EntryLog(clock=make_clock())
    PaperSession.create(log, make_definition(), actor="org")
    log.append("A", "entry_submitted", {"item": "1"})
    with pytest.raises(PaperInputError, match=r"event 1 .*no open entry"):
        PaperSession(log)


def test_create_refuses_an_existing_file_and_open_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "round.jsonl"
    with pytest.raises(PaperInputError, match="no such paper round"), open_log_file(path):
        pass
    path.write_text("", encoding="utf-8")
    with pytest.raises(PaperInputError, match="already exists"), open_log_file(path, create=True):
        pass
