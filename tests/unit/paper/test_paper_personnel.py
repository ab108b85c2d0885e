"""Personnel votes on paper (issue 14): choose_at_most and agree_disagree sheets, double
entry and resolution, the count, the step's decision with its clauses, replay and verify."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from paper_helpers import make_clock

from tinnhiem.paper import (
    EntryLog,
    EntryRejected,
    NotReady,
    Official,
    PaperInputError,
    PaperSession,
    PersonnelMark,
    PreviousStep,
    RoundDefinition,
    ballots_html,
    decide_paper_step,
    open_log_file,
    parse_personnel_marks,
    section_for,
)
from tinnhiem.paper.verify import verify_paper_log
from tinnhiem.rules.appointment import StepStatus
from tinnhiem.rules.appointment_loader import load_procedure

PROC = load_procedure("appointment-qd80-2022")
CANDIDATES = (
    Official("an", "Nguyễn Văn An", "Phó Giám đốc"),
    Official("binh", "Trần Thị Bình", "Trưởng phòng"),
    Official("chi", "Lê Văn Chi", "Trưởng phòng"),
)
HEAD = "ab" * 32


def _definition(step: str = "b2-introduce", **changes: object) -> RoundDefinition:
    people = changes.pop("officials", CANDIDATES)
    assert isinstance(people, tuple)
    section = section_for(PROC, step, len(people), None)
    if PROC.step(step).candidates_from is not None:
        prev = PROC.step(step).candidates_from
        assert prev is not None
        section = replace(section, previous=PreviousStep("b3", prev, HEAD))
    fields: dict[str, object] = {
        "round_id": "b2",
        "title": "Giới thiệu nhân sự Giám đốc Sở Tư pháp",
        "body": "Sở Tư pháp tỉnh Ninh Bình",
        "date": "2025-03-10",
        "rule_id": PROC.id,
        "officials": people,
        "paper_serials": 12,
        "summoned": 12,
        "present": 11,
        "personnel": section,
    }
    fields.update(changes)
    return RoundDefinition(**fields)  # type: ignore[arg-type]


def _session(log: EntryLog | None = None, **changes: object) -> PaperSession:
    return PaperSession.create(
        EntryLog(clock=make_clock()) if log is None else log,
        _definition(**changes),
        actor="Văn phòng",
    )


def _enter(session: PaperSession, serial: int, codes: str, ops: tuple[str, ...] = ("a", "b")):
    ballot = session.definition.ballot_kind
    marks = parse_personnel_marks(
        codes, len(session.definition.officials), where="t", ballot=ballot
    )
    for i, op in enumerate(ops):
        session.enter_personnel_sheet(serial, op, f"dev-{i}", marks)


def test_the_definition_round_trips_and_a_poll_keeps_its_stored_form() -> None:
    d = _definition()
    raw = d.to_dict()
    assert raw["personnel"] == {
        "step": "b2-introduce",
        "ballot": "choose_at_most",
        "k": 1,
        "previous": None,
    }
    assert RoundDefinition.from_dict(raw) == d
    poll = RoundDefinition.from_dict({k: v for k, v in raw.items() if k != "personnel"})
    assert "personnel" not in poll.to_dict() and poll.personnel is None


def test_the_step_is_checked_when_the_round_is_created() -> None:
    unlinked = replace(_definition(), personnel=section_for(PROC, "b3-leadership", 3, None))
    with pytest.raises(PaperInputError, match="takes its list from step b2-introduce"):
        PaperSession.create(EntryLog(clock=make_clock()), unlinked, actor="VP")
    with pytest.raises(PaperInputError, match="at most 1"):
        section_for(PROC, "b2-introduce", 3, 2)
    with pytest.raises(PaperInputError, match="summoned and present"):
        _definition(summoned=None)


def test_double_entry_disagreement_and_the_committees_resolution() -> None:
    s = _session()
    _enter(s, 1, "100")
    assert s.serial_state(1) == "counted"
    s.enter_personnel_sheet(
        2, "a", "d1", parse_personnel_marks("010", 3, where="t", ballot="choose_at_most")
    )
    s.enter_personnel_sheet(
        2, "b", "d2", parse_personnel_marks("001", 3, where="t", ballot="choose_at_most")
    )
    assert s.serial_state(2) == "disagreement"
    fields = {d.field for d in s.status().disagreements}
    assert fields == {"binh", "chi"}
    with pytest.raises(NotReady):
        s.personnel_tally()
    with pytest.raises(PaperInputError, match="unknown mark"):
        s.resolve(2, "binh", "2", resolved_by="Trưởng ban")
    s.resolve(2, "binh", "1", resolved_by="Trưởng ban", note="đọc lại phiếu")
    s.resolve(2, "chi", "0", resolved_by="Trưởng ban")
    assert s.serial_state(2) == "counted"
    t = s.personnel_tally()
    assert [(c.id, c.votes) for c in t.candidates] == [("an", 1), ("binh", 1), ("chi", 0)]


def test_a_mark_of_the_other_kind_is_refused_and_nothing_logged() -> None:
    s = _session()
    before = len(s.events)
    s.start_entry(1, "a", "d1")
    with pytest.raises(EntryRejected, match="not a mark of a choose_at_most sheet"):
        s.set_personnel_mark(1, "a", "an", PersonnelMark.AGREE)
    assert len(s.events) == before + 1
    with pytest.raises(PaperInputError, match="2 marks given"):
        parse_personnel_marks("10", 3, where="t", ballot="choose_at_most")


def test_more_than_k_ticks_is_an_invalid_sheet_and_none_is_a_blank_one() -> None:
    s = _session()
    _enter(s, 1, "110")
    _enter(s, 2, "000")
    _enter(s, 3, "001")
    for serial in (4, 5):
        s.start_entry(serial, "a", "d1")
        s.set_ballot_invalid(serial, "a")
        s.submit_entry(serial, "a")
        s.start_entry(serial, "b", "d2")
        s.set_ballot_invalid(serial, "b")
        s.submit_entry(serial, "b")
    t = s.personnel_tally()
    assert (t.returned, t.invalid, t.over_k, t.blank, t.valid) == (5, 3, 1, 1, 2)
    assert [c.votes for c in t.candidates] == [0, 0, 1]
    counts = t.step_counts()
    assert counts.invalid == 3 and counts.votes == {"an": 0, "binh": 0, "chi": 1}


def test_the_decision_cites_its_clauses_on_the_base_the_procedure_names() -> None:
    s = _session(present=12)
    for serial, codes in enumerate(["100"] * 6 + ["010"] * 3 + ["001", "000"], start=1):
        _enter(s, serial, codes)
    d = decide_paper_step(s.personnel_tally(), PROC)
    # 6 of 12 summoned is exactly 50 %, not "trên 50%": the two highest go on (QĐ 105).
    assert d.base == 12 and d.share["an"] == Fraction(1, 2)
    assert d.status is StepStatus.NONE_REACHED
    assert d.advancing == ("an", "binh") and d.next_step == "b3-leadership"
    assert [r.code for r in d.reasons] == ["step", "base", "threshold", "none_reaches"]
    assert all(r.cite.label for r in d.reasons)
    _enter(s, 12, "100")  # a seventh vote: 7 of 12 > 50 %
    d = decide_paper_step(s.personnel_tally(), PROC)
    assert d.status is StepStatus.PASSED and d.advancing == ("an",)


def test_agree_disagree_rows_blank_and_invalid() -> None:
    s = _session(step="b4-key-cadres", officials=CANDIDATES[:1], round_id="b4")
    for serial, code in enumerate("1111111220x", start=1):
        _enter(s, serial, code)
    t = s.personnel_tally()
    (c,) = t.candidates
    assert (c.votes, c.disagree, c.blank, c.invalid) == (7, 2, 1, 1)
    assert t.blank == 1 and t.invalid == 0
    d = decide_paper_step(t, PROC)
    assert d.base == 12 and d.previous_step == "b3-leadership"  # everyone summoned
    assert "list_from_previous" in [r.code for r in d.reasons]
    assert d.results[0].votes == 7 and d.results[0].disagree == 2


def test_the_sheet_is_identical_and_vietnamese() -> None:
    html = ballots_html(_definition(), range(1, 4))
    assert html.count("PHIẾU GIỚI THIỆU NHÂN SỰ") == 3
    assert "không quá 1</b> người" in html and "quá 1 người thì không hợp lệ" in html
    agree = ballots_html(_definition("b4-key-cadres", officials=CANDIDATES[:1]), range(1, 2))
    assert "Đồng ý" in agree and "Không đồng ý" in agree and "PHIẾU BIỂU QUYẾT NHÂN SỰ" in agree


def test_the_log_replays_and_verifies(tmp_path: Path) -> None:
    path = tmp_path / "b2.jsonl"
    with open_log_file(path, create=True) as log:
        s = _session(log)
        _enter(s, 1, "100")
        _enter(s, 2, "110")
        head = s.head
    with open_log_file(path) as log:
        again = PaperSession(log)
        assert again.head == head
        assert again.personnel_tally().over_k == 1
    result = verify_paper_log(path)
    assert result.head == head and result.counted == 2 and result.complete
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if '"chosen"' in line)
    lines[at] = lines[at].replace('"chosen"', '"not_chosen"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from tinnhiem.paper.verify import PaperLogInvalid

    with pytest.raises(PaperLogInvalid):
        verify_paper_log(path)


def test_a_confidence_round_refuses_the_personnel_count() -> None:
    from paper_helpers import new_session

    with pytest.raises(EntryRejected, match="not a personnel round"):
        new_session().personnel_tally()
    with pytest.raises(EntryRejected, match="personnel_tally"):
        _session().tally()
