"""Formal votes (bỏ phiếu tín nhiệm) on paper: the round's kind follows its rule, entry takes
only that kind's marks, and the stored poll logs keep their bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paper_helpers import make_clock, make_definition, new_session, play_poll_round

from tinnhiem.paper import (
    ElectronicPart,
    EntryLog,
    EntryRejected,
    LevelCounts,
    LogEvent,
    Mark,
    PaperInputError,
    PaperSession,
    RoundDefinition,
    TotalsSheet,
    levels_for,
    marks_for,
    parse_counts_csv,
    parse_marks,
)
from tinnhiem.reports import minutes_from_paper, render_minutes
from tinnhiem.rules import RoundKind

DATA = Path(__file__).parent / "data"
FORMAL = {"rule_id": "nq96-2023-formal", "kind": RoundKind.FORMAL_VOTE}
YES, NO = Mark.CONFIDENCE, Mark.NO_CONFIDENCE


def _formal(**changes: object) -> PaperSession:
    return new_session(**{**FORMAL, **changes})


def test_marks_and_codes_follow_the_kind() -> None:
    assert levels_for(RoundKind.POLL) == ("high", "confident", "low")
    assert levels_for(RoundKind.FORMAL_VOTE) == ("confidence", "no_confidence")
    assert [m.code for m in marks_for(RoundKind.FORMAL_VOTE)] == ["1", "2", "0", "x"]
    formal = parse_marks("1,2,0,x", 4, where="t", kind=RoundKind.FORMAL_VOTE)
    assert formal == [YES, NO, Mark.BLANK, Mark.INVALID]
    assert parse_marks("120x", 4, where="t") == [
        Mark.HIGH,
        Mark.CONFIDENT,
        Mark.BLANK,
        Mark.INVALID,
    ]
    assert Mark.from_code("no_confidence", where="t", kind=RoundKind.FORMAL_VOTE) is NO
    with pytest.raises(PaperInputError, match=r"'3'.*1 = Tín nhiệm, 2 = Không tín nhiệm"):
        Mark.from_code("3", where="t", kind=RoundKind.FORMAL_VOTE)
    with pytest.raises(PaperInputError, match=r"Không tín nhiệm \(no_confidence\) is not on"):
        Mark.from_code("no_confidence", where="t")


def test_a_poll_mark_on_a_formal_ballot_names_serial_and_row_and_logs_nothing() -> None:
    session = _formal()
    before = len(session.events)
    with pytest.raises(EntryRejected, match=r"serial 4, row 2 \(vice\).*Tín nhiệm thấp \(low\)"):
        session.enter_ballot(4, "Lan", "may-1", [YES, Mark.LOW, NO])
    assert len(session.events) == before
    assert session.serial_state(4) == "not_entered"

    session.start_entry(4, "Lan", "may-1")
    session.set_mark(4, "Lan", "chair", YES)
    before = len(session.events)
    with pytest.raises(EntryRejected, match=r"serial 4, row 3 \(head\)"):
        session.set_mark(4, "Lan", "head", Mark.HIGH)
    assert len(session.events) == before


def test_a_formal_mark_on_a_poll_ballot_is_refused() -> None:
    session = new_session()
    with pytest.raises(EntryRejected, match=r"serial 1, row 1 \(chair\).*poll ballot"):
        session.enter_ballot(1, "Lan", "may-1", [NO, Mark.HIGH, Mark.HIGH])
    assert len(session.events) == 1


def test_triple_entry_disagreement_and_resolution_on_a_formal_ballot() -> None:
    session = _formal(required_entries=3)
    session.enter_ballot(1, "Lan", "may-1", [YES, NO, Mark.BLANK])
    session.enter_ballot(1, "Minh", "may-2", [YES, NO, Mark.BLANK])
    assert session.serial_state(1) == "in_progress"
    session.enter_ballot(1, "Hoa", "may-3", [YES, YES, Mark.BLANK])
    (dis,) = session.status().disagreements
    assert (dis.field, dis.entered) == (
        "vice",
        (("Lan", "no_confidence"), ("Minh", "no_confidence"), ("Hoa", "confidence")),
    )
    before = len(session.events)
    with pytest.raises(PaperInputError, match=r"serial 1, row 2 \(vice\)"):
        session.resolve(1, "vice", "3", resolved_by="Hồng")
    assert len(session.events) == before
    session.resolve(1, "vice", "2", resolved_by="Hồng", note="đọc lại")
    assert session.serial_state(1) == "counted"
    session.enter_ballot(2, "Lan", "may-1", None)
    session.enter_ballot(2, "Minh", "may-2", None)
    session.enter_ballot(2, "Hoa", "may-3", None)
    tally = session.tally(allow_incomplete=True)
    assert tally.counts["vice"] == LevelCounts(no_confidence=1, invalid=1)
    assert tally.counts["chair"] == LevelCounts(confidence=1, invalid=1)
    assert tally.counts["head"] == LevelCounts(invalid=2)


def test_a_hand_made_log_with_a_poll_mark_on_a_formal_round_is_refused() -> None:
    session = _formal()
    session.start_entry(1, "Lan", "may-1")
    events = list(session.events)
    data = {"item": "1", "field": "chair", "value": "high"}
    events.append(LogEvent.seal(len(events), "2023-12-08T03:00:00.000000Z", "Lan", "mark_set",
                                data, events[-1].hash))  # fmt: skip
    with pytest.raises(PaperInputError, match=r"event 2 \(mark_set\) refused.*row 1 \(chair\)"):
        PaperSession(EntryLog(events))


def test_formal_totals_add_up_and_refuse_poll_counts() -> None:
    session = _formal(mode="totals", paper_serials=0)
    csv_text = "id,confidence,no_confidence,invalid\nchair,25,26,0\nvice,50,0,1\nhead,1,50,0\n"
    counts = parse_counts_csv(csv_text, RoundKind.FORMAL_VOTE)
    assert counts["chair"] == LevelCounts(confidence=25, no_confidence=26)
    poll_counts = {k: LevelCounts(1, 0, 0, 50) for k in ("chair", "vice", "head")}
    before = len(session.events)
    with pytest.raises(PaperInputError, match="high, which a formal_vote ballot does not have"):
        session.enter_totals("Lan", "may-1", TotalsSheet(51, 51, poll_counts))
    bad = dict(counts, head=LevelCounts(confidence=1, no_confidence=49))
    with pytest.raises(EntryRejected, match="confidence \\+ no_confidence \\+ invalid = 50"):
        session.enter_totals("Lan", "may-1", TotalsSheet(51, 51, bad))
    assert len(session.events) == before
    session.enter_totals("Lan", "may-1", TotalsSheet(51, 51, counts))
    session.enter_totals("Minh", "may-2", TotalsSheet(51, 51, counts))
    tally = session.tally()
    assert tally.counts["chair"] == LevelCounts(confidence=25, no_confidence=26)
    assert tally.reconciliation.returned == 51


def test_mixed_formal_round_reconciles_like_a_poll() -> None:
    session = _formal(mixed=True, paper_serials=5)
    for voter in ("V1", "V2", "V3"):
        session.issue_paper(voter, actor="Hồng")
    for serial in (1, 2, 3):
        session.enter_ballot(serial, "Lan", "may-1", [NO, YES, YES])
        session.enter_ballot(serial, "Minh", "may-2", [NO, YES, YES])
    poll = {k: LevelCounts(1, 0, 0, 0) for k in ("chair", "vice", "head")}
    before = len(session.events)
    with pytest.raises(EntryRejected, match="a poll's, this round is a formal_vote"):
        session.import_electronic(
            ElectronicPart(frozenset({"V3"}), frozenset({"V3"}), poll), actor="Hồng"
        )
    assert len(session.events) == before
    electronic = {
        "chair": LevelCounts(confidence=1, no_confidence=1),
        "vice": LevelCounts(confidence=2),
        "head": LevelCounts(no_confidence=1, invalid=1),
    }
    part = ElectronicPart(
        frozenset({"V3", "V4", "V5"}), frozenset({"V3", "V4"}), electronic, "e.csv",
        RoundKind.FORMAL_VOTE,
    )  # fmt: skip
    session.import_electronic(part, actor="Hồng")
    stored = session.events[-1].data["part"]
    assert stored["kind"] == "formal_vote" and stored["counts"]["chair"] == [1, 1, 0]
    tally = session.tally()
    rec = tally.reconciliation
    # V3 voted both ways: no sheet is tied to V3 (the sheets are unnumbered), so nothing can
    # be set aside: both ballots count as issued and the conflict goes to the committee.
    assert rec.void_serials == () and rec.excluded_serials == ()
    assert (rec.issued, rec.returned) == (3 + 3, 3 + 2)
    assert rec.conflicts[0].kind == "paper_and_electronic"
    assert rec.conflicts[0].subject == "V3" and "V3" not in rec.conflicts[0].text_vi
    assert tally.counts["chair"] == LevelCounts(confidence=1, no_confidence=4)
    assert tally.counts["head"] == LevelCounts(confidence=3, no_confidence=1, invalid=1)
    # the replay reads the same state back
    again = PaperSession(EntryLog(session.events))
    assert again.tally().counts == tally.counts
    minutes = minutes_from_paper(again)
    assert minutes.kind == "mixed" and minutes.round_kind == "formal_vote"
    # 4 "no confidence" is not more than half of the 50 members of the body
    assert minutes.row("chair").band_id is None
    small = PaperSession(EntryLog(session.events)).tally()
    assert small.counts["chair"].no_confidence == 4


def test_poll_definition_keeps_its_bytes_and_formal_records_its_kind() -> None:
    poll = make_definition()
    assert "kind" not in poll.to_dict()
    assert poll.kind is RoundKind.POLL
    formal = make_definition(**FORMAL)
    raw = formal.to_dict()
    assert raw["kind"] == "formal_vote"
    assert RoundDefinition.from_dict(raw) == formal
    with pytest.raises(PaperInputError, match="round definition is incomplete"):
        RoundDefinition.from_dict({**raw, "kind": "referendum"})


def test_a_stored_poll_log_loads_verifies_and_replays_to_the_same_bytes() -> None:
    stored = (DATA / "poll_round_v1.jsonl").read_bytes()
    events = [LogEvent.from_json(line, where="fixture") for line in stored.decode().splitlines()]
    session = PaperSession(EntryLog(events))
    assert session.head == "e58efe6e6318800c15969b3474ff0866890dc66a199b5356067a55c741e8aa0e"
    assert session.definition.kind is RoundKind.POLL
    assert session.tally().counts["chair"] == LevelCounts(3, 1, 0, 1)
    # Replayed by today's code, the same round records only that paper was issued: no
    # serial is tied to a voter any more (issue 10); every other line is unchanged.
    log = EntryLog(clock=make_clock())
    replayed = play_poll_round(log)
    old_lines = stored.decode().splitlines()
    new_lines = [e.to_json() for e in log.events]
    assert len(old_lines) == len(new_lines)
    for old, new in zip(old_lines, new_lines, strict=True):
        old_event, new_event = json.loads(old), json.loads(new)
        if old_event["action"] == "paper_issued":
            assert "serial" in old_event["data"] and "serial" not in new_event["data"]
            assert new_event["data"] == {"voter": old_event["data"]["voter"]}
        else:
            assert old_event["data"] == new_event["data"]
    assert replayed.tally().counts == session.tally().counts
    minutes = render_minutes(minutes_from_paper(session), "csv").decode("utf-8-sig")
    frozen = (DATA / "poll_round_v1_minutes.csv").read_bytes().decode("utf-8-sig")
    rows = [line for line in minutes.splitlines() if line[:1].isdigit()]
    assert rows and rows == [line for line in frozen.splitlines() if line[:1].isdigit()]


def test_round_created_line_of_a_poll_is_unchanged() -> None:
    session = new_session()
    line = json.loads(session.events[0].to_json())
    assert sorted(line["data"]["round"]) == [
        "body", "committee", "date", "members", "mixed", "mode", "officials",
        "paper_serials", "place", "present", "required_entries", "round_id", "rule_id",
        "summoned", "title",
    ]  # fmt: skip


def test_the_kind_follows_the_rule_when_the_round_is_created() -> None:
    formal = new_session(rule_id="nq96-2023-formal")
    assert formal.definition.kind is RoundKind.FORMAL_VOTE
    assert formal.events[0].data["round"]["kind"] == "formal_vote"
    poll = new_session(kind=RoundKind.FORMAL_VOTE)  # rule nq96-2023: a poll
    assert poll.definition.kind is RoundKind.POLL
    assert "kind" not in poll.events[0].data["round"]
