"""Independent double and triple entry of paper sheets: agreement, disagreement listing,
resolution by the committee, and the checks that keep entries independent."""

from __future__ import annotations

import pytest
from paper_helpers import new_session

from tinnhiem.paper import EntryRejected, LevelCounts, Mark, NotReady, PaperInputError

H, C, L, B, X = Mark.HIGH, Mark.CONFIDENT, Mark.LOW, Mark.BLANK, Mark.INVALID


def test_a_sheet_counts_only_when_both_entries_agree() -> None:
    session = new_session()
    session.enter_ballot(1, "Lan", "may-1", [H, C, L])
    assert session.serial_state(1) == "in_progress"
    with pytest.raises(NotReady):
        session.tally()
    session.enter_ballot(1, "Minh", "may-2", [H, C, L])
    assert session.serial_state(1) == "counted"
    status = session.status()
    assert status.complete and status.counted == 1 and status.disagreements == ()
    tally = session.tally()
    assert tally.counts["chair"] == LevelCounts(high=1)
    assert tally.counts["vice"] == LevelCounts(confident=1)
    assert tally.counts["head"] == LevelCounts(low=1)
    assert tally.reconciliation.paper_returned == 1
    assert tally.reconciliation.paper_issued == 10


def test_disagreements_name_serial_official_and_each_operator_value() -> None:
    session = new_session()
    session.enter_ballot(4, "Lan", "may-1", [H, C, L])
    session.enter_ballot(4, "Minh", "may-2", [H, L, B])
    assert session.serial_state(4) == "disagreement"
    found = {(d.item, d.field, d.entered) for d in session.status().disagreements}
    assert found == {
        ("4", "vice", (("Lan", "confident"), ("Minh", "low"))),
        ("4", "head", (("Lan", "low"), ("Minh", "blank"))),
    }
    with pytest.raises(NotReady, match="2 disagreement"):
        session.tally()
    # a draft tally counts only what is agreed: sheet 4 is left out
    assert session.tally(allow_incomplete=True).reconciliation.paper_returned == 0


def test_resolution_records_who_and_what_and_is_logged() -> None:
    session = new_session()
    session.enter_ballot(4, "Lan", "may-1", [H, C, L])
    session.enter_ballot(4, "Minh", "may-2", [H, L, L])
    with pytest.raises(EntryRejected, match="agree"):
        session.resolve(4, "chair", "2", resolved_by="Phạm Thị Hồng")
    session.resolve(4, "vice", "3", resolved_by="Phạm Thị Hồng", note="đọc lại phiếu gốc")
    assert session.serial_state(4) == "counted"
    last = session.events[-1]
    assert last.action == "resolution" and last.actor == "Phạm Thị Hồng"
    assert dict(last.data) == {
        "item": "4",
        "field": "vice",
        "value": "low",
        "note": "đọc lại phiếu gốc",
    }
    assert session.tally().counts["vice"] == LevelCounts(low=1)


def test_a_resolution_is_refused_before_all_entries_are_in() -> None:
    session = new_session()
    session.enter_ballot(5, "Lan", "may-1", [H, C, L])
    with pytest.raises(EntryRejected, match="required entry"):
        session.resolve(5, "vice", "1", resolved_by="Phạm Thị Hồng")


def test_sheet_validity_is_resolved_first_then_its_rows() -> None:
    session = new_session()
    session.enter_ballot(6, "Lan", "may-1", None)  # whole sheet invalid
    session.enter_ballot(6, "Minh", "may-2", [H, H, C])
    (dispute,) = session.status().disagreements
    assert (dispute.field, dispute.entered) == ("ballot", (("Lan", "invalid"), ("Minh", "valid")))
    with pytest.raises(EntryRejected, match="must be resolved first"):
        session.resolve(6, "chair", "1", resolved_by="Phạm Thị Hồng")
    session.resolve(6, "ballot", "valid", resolved_by="Phạm Thị Hồng")
    rows = {d.field for d in session.status().disagreements}
    assert rows == {"chair", "vice", "head"}  # Lan entered no rows: each is read again
    for field, value in (("chair", "1"), ("vice", "1"), ("head", "2")):
        session.resolve(6, field, value, resolved_by="Phạm Thị Hồng")
    assert session.tally().counts["head"] == LevelCounts(confident=1)


def test_an_invalid_sheet_counts_as_returned_and_invalid_for_every_official() -> None:
    session = new_session()
    session.enter_ballot(7, "Lan", "may-1", None)
    session.enter_ballot(7, "Minh", "may-2", None)
    tally = session.tally()
    assert tally.reconciliation.paper_returned == 1
    assert all(counts == LevelCounts(invalid=1) for counts in tally.counts.values())


def test_blank_and_multiple_marks_make_the_row_invalid_for_that_official() -> None:
    session = new_session()
    for operator, device in (("Lan", "may-1"), ("Minh", "may-2")):
        session.enter_ballot(8, operator, device, [B, X, H])
    counts = session.tally().counts
    assert counts["chair"] == LevelCounts(invalid=1)
    assert counts["vice"] == LevelCounts(invalid=1)
    assert counts["head"] == LevelCounts(high=1)


def test_three_entry_round_needs_all_three_to_agree() -> None:
    session = new_session(required_entries=3)
    session.enter_ballot(1, "Lan", "may-1", [H, C, L])
    session.enter_ballot(1, "Minh", "may-2", [H, C, L])
    assert session.serial_state(1) == "in_progress"  # two agreeing entries are not enough
    session.enter_ballot(1, "Hoa", "may-3", [H, H, L])
    (dispute,) = session.status().disagreements
    assert dispute.entered == (("Lan", "confident"), ("Minh", "confident"), ("Hoa", "high"))
    with pytest.raises(EntryRejected, match="already has its 3 entries"):
        session.enter_ballot(1, "Tuấn", "may-4", [H, C, L])
    session.resolve(1, "vice", "2", resolved_by="Phạm Thị Hồng")
    assert session.serial_state(1) == "counted"


def test_entries_must_be_independent() -> None:
    session = new_session()
    session.enter_ballot(2, "Lan", "may-1", [H, C, L])
    with pytest.raises(EntryRejected, match="already submitted"):
        session.enter_ballot(2, "Lan", "may-2", [H, C, L])
    with pytest.raises(EntryRejected, match="device 'may-1'"):
        session.enter_ballot(2, "Minh", "may-1", [H, C, L])
    session.enter_ballot(2, "Minh", "may-2", [H, C, L])
    with pytest.raises(EntryRejected, match="already has its 2 entries"):
        session.enter_ballot(2, "Hoa", "may-3", [H, C, L])


def test_keystrokes_are_logged_set_change_clear_submit() -> None:
    session = new_session()
    session.start_entry(3, "Lan", "may-1")
    session.set_mark(3, "Lan", "chair", H)
    session.set_mark(3, "Lan", "chair", C)
    session.set_mark(3, "Lan", "vice", L)
    session.clear_mark(3, "Lan", "vice")
    with pytest.raises(EntryRejected, match="no mark yet for vice, head"):
        session.submit_entry(3, "Lan")
    session.set_mark(3, "Lan", "vice", L)
    session.set_mark(3, "Lan", "head", B)
    session.submit_entry(3, "Lan")
    actions = [e.action for e in session.events[1:]]
    assert actions == [
        "entry_started",
        "mark_set",
        "mark_changed",
        "mark_set",
        "mark_cleared",
        "mark_set",
        "mark_set",
        "entry_submitted",
    ]
    assert all(e.actor == "Lan" for e in session.events[1:])
    (entry,) = session._book.entries("3")
    assert dict(entry.values) == {
        "chair": "confident",
        "vice": "low",
        "head": "blank",
        "ballot": "valid",
    }


def test_a_cancelled_entry_leaves_room_for_a_new_one() -> None:
    session = new_session()
    session.start_entry(3, "Lan", "may-1")
    session.set_mark(3, "Lan", "chair", H)
    session.cancel_entry(3, "Lan")
    assert session.serial_state(3) == "not_entered"
    session.enter_ballot(3, "Lan", "may-1", [C, C, C])
    assert session.events[-1].action == "entry_submitted"


def test_rejected_actions_leave_no_trace() -> None:
    session = new_session()
    before = session.head
    with pytest.raises(PaperInputError, match="2 marks given, the ballot has 3"):
        session.enter_ballot(1, "Lan", "may-1", [H, C])
    with pytest.raises(PaperInputError, match="not printed"):
        session.enter_ballot(11, "Lan", "may-1", [H, C, L])
    with pytest.raises(PaperInputError, match="no official 'nobody'"):
        session.start_entry(1, "Lan", "may-1")
        session.set_mark(1, "Lan", "nobody", H)
    assert [e.action for e in session.events][-1] == "entry_started"
    session.cancel_entry(1, "Lan")
    assert session.head != before  # the started/cancelled pair is real and logged
    assert len(session.events) == 3


def test_mark_codes() -> None:
    assert [Mark.from_code(c, where="t") for c in "1230x"] == [H, C, L, B, X]
    assert Mark.from_code("LOW", where="t") is L
    with pytest.raises(PaperInputError, match="unknown mark '7'"):
        Mark.from_code("7", where="t")
