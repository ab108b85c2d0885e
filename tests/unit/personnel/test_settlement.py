"""The competent person's decision on a pending step (issue 14): ``settle`` checked against
the step, the file and its digest, the progression rule, and a whole appointment run in
memory where step 2 ends in a tie that the head settles, every record verifying with its
link and the settlement."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tinnhiem.ballots import Mark
from tinnhiem.ballots.manifest import ListSource
from tinnhiem.errors import InputError
from tinnhiem.poll.personnel import (
    Candidate,
    Progress,
    StepDone,
    next_candidates,
    next_step,
    run_step,
    step_manifest,
)
from tinnhiem.record import ElectionRecord, RecordInvalid, verify_record
from tinnhiem.record.link import verify_link
from tinnhiem.rules.appointment import FallbackAction, StepCounts, StepStatus, decide_step
from tinnhiem.rules.appointment_loader import load_procedure
from tinnhiem.rules.settlement import Outcome, Role, Settlement, check_settlement, settle
from tinnhiem.tally import load_procedure_text

QD80 = "appointment-qd80-2022"
HEAD = "ab" * 32
C = Mark.CHOSEN
PEOPLE = [
    Candidate("nva", "Nguyễn Văn An", "Phó Giám đốc Sở"),
    Candidate("ttb", "Trần Thị Bình", "Trưởng phòng"),
    Candidate("lvc", "Lê Văn Chí", "Chánh Văn phòng"),
]


def _tie_at_step2():
    """Step 2: nobody above 50% of 15; the two highest go on, but 2nd and 3rd tie (4-4)."""
    proc = load_procedure(QD80)
    counts = StepCounts(15, 15, 15, 0, {"nva": 6, "ttb": 4, "lvc": 4})
    return proc, decide_step(proc, "b2-introduce", counts, candidates=("nva", "ttb", "lvc"))


def _settle(decision, proc, **kw):
    args = {
        "round_id": "r-b2",
        "head": HEAD,
        "name": "Hoàng Văn Giám",
        "post": "Giám đốc Sở",
        "document": "Số 12/QĐ-STP",
        "date": "2026-03-12",
        "outcome": Outcome.ADVANCE,
        "chosen": ("ttb",),
        "reason": "Bà Bình có thời gian công tác dài hơn.",
    } | kw
    return settle(decision, proc, **args)


def test_tie_at_step2_settled_by_the_head() -> None:
    proc, d = _tie_at_step2()
    assert (d.status, d.action, d.pending, d.concerned) == (
        StepStatus.TIE,
        FallbackAction.NOT_IN_TEXT,
        True,
        ("ttb", "lvc"),
    )
    s = _settle(d, proc)
    # nva was clearly in the two highest; the person chose one of the tied two.
    assert s.advancing == ("nva", "ttb")
    assert s.next_step == "b3-leadership"
    assert s.decided_by.role is Role.COMPETENT
    assert s.in_text is False
    # The basis is the clauses that left it to a person: the fallback, then the tie.
    assert [b.code for b in s.basis] == ["none_reaches", "tie"]
    assert [b.cite for b in s.basis] == ["qd105-step2", "tie-not-found"]
    assert s.date_vi == "ngày 12 tháng 3 năm 2026"
    # The file round-trips with its digest; a changed byte is named.
    again = Settlement.from_bytes(s.to_file())
    assert again == s and again.digest == s.digest and len(s.digest) == 64
    data = json.loads(s.to_file())
    data["advancing"] = ["nva", "lvc"]
    with pytest.raises(InputError, match=r"settlement\.digest"):
        Settlement.from_json(data)
    del data["digest"]
    forged = Settlement.from_json(data)
    with pytest.raises(InputError, match=r"settlement\.advancing"):
        check_settlement(forged, d, proc, round_id="r-b2", head=HEAD)
    check_settlement(s, d, proc, round_id="r-b2", head=HEAD)
    with pytest.raises(InputError, match=r"settlement\.head"):
        check_settlement(s, d, proc, round_id="r-b2", head="cd" * 32)


def test_refusals() -> None:
    proc, d = _tie_at_step2()
    with pytest.raises(InputError, match=r"settlement\.chosen: an: not among the names concerned"):
        _settle(d, proc, chosen=("an",))
    with pytest.raises(
        InputError, match=r"3 names go on \(nva, ttb, lvc\); the step fills at most 2"
    ):
        _settle(d, proc, chosen=("ttb", "lvc"))
    with pytest.raises(InputError, match=r"settlement\.document: must not be empty"):
        _settle(d, proc, document=" ")
    with pytest.raises(InputError, match=r"settlement\.date"):
        _settle(d, proc, date="12/03/2026")
    with pytest.raises(InputError, match="names are chosen only when they go on"):
        _settle(d, proc, outcome="stop")
    # A step the count decided is not settled.
    counts = StepCounts(15, 15, 15, 0, {"nva": 9, "ttb": 4, "lvc": 2})
    passed = decide_step(proc, "b2-introduce", counts, candidates=("nva", "ttb", "lvc"))
    assert passed.status is StepStatus.PASSED
    with pytest.raises(InputError, match="only a pending step can be settled"):
        _settle(passed, proc)


def test_stop_and_revote() -> None:
    proc, d = _tie_at_step2()
    stop = _settle(d, proc, outcome=Outcome.STOP, chosen=())
    assert (stop.advancing, stop.next_step) == ((), None)
    history = [StepDone("b2-introduce", {"pending": True}, stop)]
    assert next_step(proc, history).state is Progress.STOPPED
    # not_in_text leaves the way open: a revote of the same step on its whole list.
    again = _settle(d, proc, outcome=Outcome.REVOTE, chosen=())
    assert (again.advancing, again.next_step) == (("nva", "ttb", "lvc"), "b2-introduce")
    plan = next_step(proc, [StepDone("b2-introduce", {"pending": True}, again)])
    assert (plan.state, plan.step.id, plan.candidates, plan.revote) == (
        Progress.RUN,
        "b2-introduce",
        ("nva", "ttb", "lvc"),
        True,
    )


def test_exactly_half_head_decides() -> None:
    proc = load_procedure(QD80)
    counts = StepCounts(6, 6, 6, 0, {"nva": {"agree": 3, "disagree": 3}})
    d = decide_step(proc, "b5-decide", counts, candidates=("nva",))
    assert (d.status, d.action, d.concerned) == (
        StepStatus.AT_THRESHOLD,
        FallbackAction.HEAD_DECIDES,
        ("nva",),
    )
    s = _settle(d, proc, round_id="r-b5", chosen=("nva",))
    assert s.decided_by.role is Role.HEAD and s.in_text is True
    assert (s.advancing, s.next_step) == (("nva",), None)
    assert [b.code for b in s.basis] == ["at_threshold"]
    # The head decides on the names: the texts give no revote here.
    with pytest.raises(InputError, match=r"settlement\.outcome: a revote is not open"):
        _settle(d, proc, outcome=Outcome.REVOTE, chosen=())
    history = [StepDone("b5-decide", {"pending": True}, s)]
    plan = next_step(proc, history)
    assert (plan.state, plan.proposed) == (Progress.ENDED, ("nva",))
    assert next_step(proc, [StepDone("b5-decide", {"pending": True})]).state is Progress.PENDING


def test_progression_rule() -> None:
    proc = load_procedure(QD80)
    assert next_step(proc, []).step.id == "b2-introduce"
    assert next_step(proc, [StepDone("b2-introduce", None)]).state is Progress.RUNNING
    b2 = {"pending": False, "next_step": "b3-leadership", "advancing": ["nva", "ttb"]}
    b3 = {"pending": False, "next_step": "b4-key-cadres", "advancing": ["nva"]}
    b4 = {"pending": False, "next_step": "b5-decide", "advancing": ["nva"]}
    h = [StepDone("b2-introduce", b2)]
    plan = next_step(proc, h)
    assert (plan.step.id, plan.candidates, plan.list_from) == ("b3-leadership", ("nva", "ttb"), 0)
    # Step 5 votes on step 3's list, not step 4's (candidates_from).
    plan = next_step(proc, [*h, StepDone("b3-leadership", b3), StepDone("b4-key-cadres", b4)])
    assert (plan.step.id, plan.candidates, plan.list_from) == ("b5-decide", ("nva",), 1)
    # A revote the count decides (the quorum not met) runs the same step on the same list.
    quorum = {"pending": False, "next_step": "b3-leadership", "advancing": []}
    plan = next_step(proc, [*h, StepDone("b3-leadership", quorum)])
    assert (plan.step.id, plan.candidates, plan.list_from, plan.revote) == (
        "b3-leadership",
        ("nva", "ttb"),
        0,
        True,
    )


def _manifest(step, candidates, *, rid, summoned, previous=None, settlement=None, source=None):
    return step_manifest(
        load_procedure_text(QD80),
        step,
        candidates,
        round_id=rid,
        body="Sở Tư pháp tỉnh X",
        summoned=summoned,
        committee=["Ủy viên 1", "Ủy viên 2", "Ủy viên 3"],
        threshold=2,
        post="Giám đốc Sở",
        list_source=source or ListSource.PLANNING,
        previous=previous,
        settlement=settlement,
    )


def _reread(record: ElectionRecord) -> ElectionRecord:
    return ElectionRecord.from_json(json.loads(record.to_bytes()))


def test_whole_appointment_with_a_settled_tie() -> None:
    """Steps 2 to 5 in memory: step 2 ties at the cut of the two highest (6, 4, 4 of 15),
    the head settles it (Bình goes on with An), step 3 runs on the settled list and links
    the settlement's digest, steps 4 and 5 follow; each record verifies with its link."""
    text = load_procedure_text(QD80)
    proc = text.procedure
    b2 = _reread(
        run_step(
            _manifest("b2-introduce", PEOPLE, rid="r-b2", summoned=15),
            text,
            [{"nva": C}] * 6 + [{"ttb": C}] * 4 + [{"lvc": C}] * 4 + [{}],
        ).record()
    )
    verify_record(b2, workers=1)
    assert isinstance(b2.results, dict)
    assert (b2.results["status"], b2.results["pending"], b2.results["concerned"]) == (
        "tie",
        True,
        ["ttb", "lvc"],
    )
    history = [StepDone("b2-introduce", b2.results)]
    assert next_step(proc, history).state is Progress.PENDING
    with pytest.raises(InputError, match="waits on a person's decision: give the settlement"):
        next_candidates(b2)

    from tinnhiem.record.link import record_decision

    _, decision = record_decision(b2)
    s = settle(
        decision,
        proc,
        round_id=b2.manifest.round_id,
        head=b2.head.hex(),
        name="Hoàng Văn Giám",
        post="Giám đốc Sở",
        document="Số 12/QĐ-STP",
        date="2026-03-12",
        outcome=Outcome.ADVANCE,
        chosen=["ttb"],
        reason="Người đứng đầu chọn bà Bình.",
    )
    history = [StepDone("b2-introduce", b2.results, s)]
    plan = next_step(proc, history)
    assert (plan.state, plan.step.id, plan.candidates, plan.settlement) == (
        Progress.RUN,
        "b3-leadership",
        ("nva", "ttb"),
        s,
    )
    people = next_candidates(b2, s)
    assert [c.id for c in people] == ["nva", "ttb"]
    m3 = _manifest(
        "b3-leadership", people, rid="r-b3", summoned=7, previous=b2, settlement=s,
        source=ListSource.PREVIOUS,
    )  # fmt: skip
    assert m3.personnel is not None and m3.personnel.previous is not None
    assert m3.personnel.previous.settlement == s.digest
    b3 = _reread(run_step(m3, text, [{"nva": C}] * 5 + [{"ttb": C}] * 2).record())
    verify_record(b3, workers=1)
    assert verify_link(b3, b2, s) is True
    assert verify_link(b3, b2) is False  # the settlement was not checked
    other = replace(s, reason="Một lý do khác.")
    with pytest.raises(RecordInvalid, match="not the digest of the settlement given"):
        verify_link(b3, b2, other)
    history.append(StepDone("b3-leadership", b3.results))
    plan = next_step(proc, history)
    assert (plan.step.id, plan.candidates, plan.settlement) == ("b4-key-cadres", ("nva",), None)
    m4 = _manifest(
        "b4-key-cadres", next_candidates(b3), rid="r-b4", summoned=25, previous=b3,
        source=ListSource.PREVIOUS,
    )  # fmt: skip
    b4 = _reread(run_step(m4, text, [{"nva": Mark.AGREE}] * 20 + [{}] * 2).record())
    verify_record(b4, workers=1)
    verify_link(b4, b3)
    history.append(StepDone("b4-key-cadres", b4.results))
    plan = next_step(proc, history)
    assert (plan.step.id, plan.candidates, plan.list_from) == ("b5-decide", ("nva",), 1)
    m5 = _manifest(
        "b5-decide", next_candidates(b3), rid="r-b5", summoned=7, previous=b3,
        source=ListSource.PREVIOUS,
    )  # fmt: skip
    b5 = _reread(run_step(m5, text, [{"nva": Mark.AGREE}] * 6 + [{"nva": Mark.DISAGREE}]).record())
    verify_record(b5, workers=1)
    verify_link(b5, b3)
    history.append(StepDone("b5-decide", b5.results))
    assert next_step(proc, history) == next_step(proc, history)
    end = next_step(proc, history)
    assert (end.state, end.proposed) == (Progress.ENDED, ("nva",))
    # A manifest that skips the settlement is refused against the pending step.
    with pytest.raises(InputError, match="waits on a person's decision"):
        _manifest(
            "b3-leadership", people, rid="r-b3x", summoned=7, previous=b2,
            source=ListSource.PREVIOUS,
        )  # fmt: skip
