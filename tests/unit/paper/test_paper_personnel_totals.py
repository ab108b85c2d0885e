"""A personnel step counted by hand (issue 14): the committee's totals per candidate,
entered twice, checked against what real sheets can carry, decided by ``decide_step``, and
posted in the record's result shape (record-format §3.13)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from paper_helpers import make_clock

from tinnhiem.paper import (
    EntryLog,
    EntryRejected,
    NotReady,
    Official,
    PaperInputError,
    PaperSession,
    PreviousStep,
    RoundDefinition,
    decide_paper_step,
    section_for,
    step_result_json,
    totals_keys,
)
from tinnhiem.rules.appointment_loader import load_procedure

PROC = load_procedure("appointment-qd80-2022")
PEOPLE = (
    Official("an", "Nguyễn Văn An", "Phó Giám đốc"),
    Official("binh", "Trần Thị Bình", "Trưởng phòng"),
    Official("chi", "Lê Văn Chi", "Trưởng phòng"),
)


def _session(step: str = "b2-introduce") -> PaperSession:
    section = section_for(PROC, step, len(PEOPLE), None)
    prev = PROC.step(step).candidates_from
    if prev is not None:
        section = replace(section, previous=PreviousStep("b2", prev, "ab" * 32))
    definition = RoundDefinition(
        round_id="b2",
        title="Giới thiệu nhân sự",
        body="Sở Tư pháp",
        date="2025-03-10",
        rule_id=PROC.id,
        officials=PEOPLE,
        paper_serials=0,
        mode="totals",
        summoned=12,
        present=11,
        personnel=section,
    )
    return PaperSession.create(EntryLog(clock=make_clock()), definition, actor="VP")


def test_a_choose_step_counted_by_hand_is_decided_and_posted_in_the_record_shape() -> None:
    s = _session()
    assert totals_keys(s.definition) == (
        "returned",
        "invalid",
        "blank",
        "an.votes",
        "binh.votes",
        "chi.votes",
    )
    values = {"returned": 11, "invalid": 1, "blank": 1, "an.votes": 7, "binh.votes": 2}
    values["chi.votes"] = 0
    s.enter_personnel_totals("a", "d1", values)
    with pytest.raises(NotReady):
        s.personnel_tally()
    s.enter_personnel_totals("b", "d2", {**values, "an.votes": 6, "binh.votes": 3})
    assert {d.field for d in s.status().disagreements} == {"an.votes", "binh.votes"}
    s.resolve_totals("an.votes", 7, resolved_by="chair")
    s.resolve_totals("binh.votes", 2, resolved_by="chair")
    tally = s.personnel_tally()
    assert (tally.returned, tally.invalid, tally.blank, tally.valid) == (11, 1, 1, 10)
    decision = decide_paper_step(tally, PROC)
    result = step_result_json(tally, decision, PROC)
    # 7 of 12 summoned: 2·7 > 12, the highest above half is selected.
    assert result["base"] == 12 and result["base_kind"] == "summoned"
    assert result["advancing"] == ["an"] and result["next_step"] == "b3-leadership"
    assert result["candidates"][0] == {
        "id": "an",
        "votes": 7,
        "disagree": None,
        "blank": None,
        "share": "7/12",
        "percentage": "58.33",
        "reached": True,
        "at_threshold": False,
    }
    assert (result["returned"], result["invalid"], result["valid"]) == (11, 1, 10)
    assert result["reasons"][0]["code"] == "step"


def test_totals_that_no_sheets_could_carry_are_refused_and_nothing_logged() -> None:
    s = _session()
    base = {"returned": 11, "invalid": 1, "blank": 1, "an.votes": 7, "binh.votes": 2}
    base["chi.votes"] = 0
    before = len(s.events)
    bad = [
        ({"returned": 12}, "more than the 11 present"),
        ({"invalid": 12, "returned": 11}, "more than returned"),
        ({"blank": 11}, "more than the 10 valid"),
        ({"an.votes": 10}, "only 9 valid sheets"),
        ({"an.votes": 5, "binh.votes": 2}, "add up to 7"),
    ]
    for change, message in bad:
        with pytest.raises(PaperInputError, match=message):
            s.enter_personnel_totals("a", "d1", {**base, **change})
    with pytest.raises(EntryRejected, match=r"missing chi\.votes"):
        s.enter_personnel_totals("a", "d1", {k: v for k, v in base.items() if k != "chi.votes"})
    assert len(s.events) == before


def test_an_agree_step_by_hand_adds_up_per_candidate() -> None:
    s = _session("b4-key-cadres")
    values = {"returned": 10, "invalid": 0, "blank": 1}
    for cid, (a, d, b, x) in {
        "an": (6, 2, 2, 0),
        "binh": (3, 5, 1, 1),
        "chi": (1, 7, 2, 0),
    }.items():
        values |= {f"{cid}.agree": a, f"{cid}.disagree": d, f"{cid}.blank": b, f"{cid}.invalid": x}
    with pytest.raises(PaperInputError, match="an: agree \\+ disagree \\+ blank \\+ invalid = 11"):
        s.enter_personnel_totals("a", "d", {**values, "an.agree": 7})
    with pytest.raises(PaperInputError, match="fewer than the 2 blank sheets"):
        s.enter_personnel_totals("a", "d", {**values, "blank": 2, "binh.blank": 1})
    s.enter_personnel_totals("a", "d1", values)
    s.enter_personnel_totals("b", "d2", values)
    tally = s.personnel_tally()
    result = step_result_json(tally, decide_paper_step(tally, PROC), PROC)
    assert [(c["id"], c["votes"], c["disagree"], c["blank"]) for c in result["candidates"]] == [
        ("an", 6, 2, 2),
        ("binh", 3, 5, 1),
        ("chi", 1, 7, 2),
    ]
    assert result["kind"] == "agree_disagree" and result["status"] == "recorded"
