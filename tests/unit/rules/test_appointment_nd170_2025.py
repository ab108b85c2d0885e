"""The original NĐ 170/2025 procedures (Điều 33 and Điều 39 as issued, in force 1/7/2025 to
31/7/2026; a procedure begun before 1/8/2026 continues under them, NĐ 300/2026 Điều 35
khoản 2), read word for word: each step decided at its exact boundaries with the clause
that decided it, including step 3's write-in, which must reach 2/3 of the collective."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest
from typer.testing import CliRunner

from tinnhiem.cli import app
from tinnhiem.errors import InputError
from tinnhiem.rules import RuleError, StepCounts, decide_step, load_procedure, parse_procedure
from tinnhiem.rules.appointment import AGREE, DISAGREE, FallbackAction, StepDecision, StepStatus

ND25 = "appointment-nd170-2025"
ND25_RE = "appointment-reappointment-nd170-2025"
ND26_RE = "appointment-reappointment-nd170-2026"
URL = (
    "https://github.com/tnt305/tai_lieu_noi_bo/blob/94c5034af72cc7e5020694d06eceb126a103d48b"
    "/src/etl/dataset/c22591f10eec1dab.md"
)
B3 = ("an", "binh", "x")  # step 2's list (an, binh), then a write-in (x)


def b3(votes: dict[str, int], *, summoned: int = 7, present: int | None = None) -> StepDecision:
    p = summoned if present is None else present
    return decide_step(
        load_procedure(ND25),
        "b3-leadership",
        StepCounts(summoned, p, p, 0, votes),
        candidates=B3,
        write_ins=("x",),
    )


def reason(d: StepDecision, code: str) -> Any:
    return next(r for r in d.reasons if r.code == code)


def test_the_files_are_the_original_text_superseded_on_1_8_2026() -> None:
    for pid, article in ((ND25, "Điều 33"), (ND25_RE, "Điều 39")):
        proc = load_procedure(pid)
        assert (proc.source.in_force_from, proc.source.superseded_on) == (
            "2025-07-01",
            "2026-08-01",
        )
        assert proc.source.superseded_by.startswith("Nghị định 300/2026/NĐ-CP")
        assert "Điều 35, khoản 2" in proc.source.superseded_by
        assert not proc.in_force and proc.checked == "text"
        transition = next(c for c in proc.citations if c.key == "nd300-transition")
        assert (transition.article, transition.clause, transition.verified) == (
            "Điều 35",
            "khoản 2",
            True,
        )
        assert "tiếp tục thực hiện theo quy định" in transition.quote
        for cite in proc.step_citations():
            if cite.source_kind == "not_found":
                continue
            assert cite.verified and cite.url == URL, (pid, cite.key)
            assert cite.article == article and cite.quote, (pid, cite.key)
    steps = load_procedure(ND25).steps
    assert [(s.id, s.number, s.body.value, s.base.value, s.announce_at_meeting) for s in steps] == [
        ("b2-extended", 2, "extended_leadership", "summoned", False),
        ("b3-leadership", 3, "leadership", "summoned", True),
        ("b4-key-cadres", 4, "key_cadres", "summoned", False),
        ("b5-decide", 5, "leadership", "summoned", True),
    ]
    assert all(s.quorum is not None and s.quorum_cite is not None for s in steps)
    assert [s.write_in is not None for s in steps] == [False, True, False, False]


def test_step3_four_of_seven_on_step2s_list_passes() -> None:
    d = b3({"an": 4, "x": 3})
    assert (d.status, d.advancing, d.next_step) == (StepStatus.PASSED, ("an",), "b4-key-cadres")
    assert not any(r.code.startswith("write_in_") for r in d.reasons)
    assert reason(d, "write_ins").cite.key == "a33-b3-write-in"


def test_step3_a_write_in_with_four_of_seven_is_short_of_two_thirds() -> None:
    """2·4 > 7 (above half) but 3·4 = 12 < 14 = 2·7 (2/3·7 = 4.67)."""
    d = b3({"x": 4, "an": 3})
    assert d.status is StepStatus.WRITE_IN_SHORT
    assert (d.action, d.pending, d.advancing, d.next_step) == (
        FallbackAction.REPORT_UP,
        True,
        (),
        None,
    )
    assert d.selected == ("x",) and d.concerned == B3
    r = reason(d, "write_in_below")
    assert r.cite.key == "a33-b3-two-thirds-none"
    assert r.cite.clause == "khoản 2, điểm c (Bước 3)"
    assert r.cite.quote.startswith("Trường hợp không có người đạt đủ số phiếu")
    assert r.text_en == (
        "Named from outside the list, short of 3v >= 2N with N = 7: x — báo cáo cấp có thẩm"
        " quyền / report to the competent authority"
    )


def test_step3_a_write_in_with_five_of_seven_reaches_two_thirds() -> None:
    d = b3({"x": 5, "an": 2})
    assert (d.status, d.advancing, d.next_step) == (StepStatus.PASSED, ("x",), "b4-key-cadres")
    r = reason(d, "write_in_reached")
    assert r.cite.key == "a33-b3-two-thirds"
    assert "tối thiểu 2/3 tổng số thành viên tập thể lãnh đạo" in r.cite.quote
    # Exactly 2/3 counts ("tối thiểu"): 6 of 9.
    assert b3({"x": 6, "an": 3}, summoned=9).advancing == ("x",)


def test_step3_the_thirty_percent_floor() -> None:
    """10 summoned: nobody above half; 3 of 10 is at 30% (10·3 >= 3·10) and goes on, 2 does
    not; a write-in at the floor short of 2/3 sends the step up; nobody at 30% → report."""
    d = b3({"an": 3, "binh": 2, "x": 2}, summoned=10)
    assert (d.status, d.action, d.advancing) == (
        StepStatus.NONE_REACHED,
        FallbackAction.ALL_ABOVE_FLOOR,
        ("an",),
    )
    assert reason(d, "floor").cite.key == "a33-b3"
    d = b3({"an": 3, "x": 3, "binh": 1}, summoned=10)
    assert (d.status, d.action) == (StepStatus.WRITE_IN_SHORT, FallbackAction.REPORT_UP)
    assert [r.code for r in d.reasons][-3:] == ["none_reaches", "floor", "write_in_below"]
    d = b3({"an": 2, "binh": 2, "x": 2}, summoned=10)
    assert (d.status, d.action) == (StepStatus.NONE_REACHED, FallbackAction.REPORT_UP)
    assert reason(d, "below_floor").cite.key == "a33-b3-floor"


def test_the_quorum_is_two_thirds_of_the_summoned() -> None:
    ok = b3({"an": 4}, present=5)  # 3·5 = 15 >= 14
    assert ok.status is StepStatus.PASSED
    low = b3({"an": 4}, present=4)  # 3·4 = 12 < 14
    assert (low.status, low.next_step, low.action) == (
        StepStatus.QUORUM_NOT_MET,
        "b3-leadership",
        FallbackAction.REVOTE,
    )
    q = reason(low, "quorum")
    assert (q.cite.key, q.text_vi) == ("a33-quorum", "Số người có mặt 4/7 (không đạt >= 2/3)")
    assert "ít nhất 2/3 số người được triệu tập có mặt" in q.cite.quote


def test_step2_and_step5() -> None:
    proc = load_procedure(ND25)
    two = decide_step(
        proc,
        "b2-extended",
        StepCounts(15, 14, 14, 0, {"an": 8, "binh": 6}),
        candidates=("an", "binh"),
    )
    assert (two.status, two.advancing) == (StepStatus.PASSED, ("an",))  # 2·8 > 15
    with pytest.raises(InputError, match="takes no write-ins"):
        decide_step(
            proc,
            "b2-extended",
            StepCounts(15, 14, 14, 0, {"an": 8}),
            candidates=("an", "binh"),
            write_ins=("binh",),
        )
    five = decide_step(
        proc, "b5-decide", StepCounts(6, 6, 6, 0, {"an": 3, "x": 3}), candidates=("an", "x")
    )
    assert (five.status, five.action, five.concerned) == (
        StepStatus.AT_THRESHOLD,
        FallbackAction.HEAD_DECIDES,
        ("an", "x"),
    )
    assert reason(five, "at_threshold").cite.key == "a33-b5-tie50"
    alone = decide_step(
        proc, "b5-decide", StepCounts(6, 6, 6, 0, {"an": 3}), candidates=("an", "x")
    )
    assert (alone.status, alone.action) == (StepStatus.NONE_REACHED, FallbackAction.NOT_IN_TEXT)
    four = decide_step(
        proc, "b4-key-cadres", StepCounts(30, 25, 25, 0, {"x": 11}), candidates=("x",)
    )
    assert (four.status, four.advancing, four.next_step) == (
        StepStatus.RECORDED,
        ("x",),
        "b5-decide",
    )


def test_the_original_reappointment_counts_the_key_cadres_on_the_summoned() -> None:
    """Điều 39 khoản 5 as issued: 'tính trên tổng số người được triệu tập tham gia hội nghị
    cán bộ chủ chốt'; NĐ 300/2026 changed it to those present. 12 agree, 20 of 25 present:
    2·12 = 24 > 20 passes on the amended text, 24 < 25 does not on the original."""
    counts = StepCounts(25, 20, 20, 0, {"an": {AGREE: 12, DISAGREE: 8}})
    new = decide_step(load_procedure(ND26_RE), "b1-key-cadres", counts, candidates=("an",))
    old = decide_step(load_procedure(ND25_RE), "b1-key-cadres", counts, candidates=("an",))
    assert new.status is StepStatus.PASSED
    assert (old.status, old.action) == (StepStatus.NONE_REACHED, FallbackAction.REPORT_UP)
    assert reason(old, "none_reaches").cite.key == "a39-key-cadres-below"
    at = decide_step(
        load_procedure(ND25_RE),
        "b1-key-cadres",
        StepCounts(24, 20, 20, 0, {"an": {AGREE: 12, DISAGREE: 8}}),
        candidates=("an",),
    )
    assert (at.status, at.action) == (StepStatus.AT_THRESHOLD, FallbackAction.HEAD_DECIDES)
    assert reason(at, "at_threshold").cite.key == "a39-key-cadres-50"
    lead = decide_step(
        load_procedure(ND25_RE),
        "b2-decide",
        StepCounts(7, 7, 7, 0, {"an": {AGREE: 4, DISAGREE: 3}}),
        candidates=("an",),
    )
    assert (lead.status, lead.next_step) == (StepStatus.PASSED, None)
    assert reason(lead, "base").cite.key == "a39-leadership-base"  # not stated: marked


def _data() -> dict[str, Any]:
    text = resources.files("tinnhiem.rules").joinpath("data", f"{ND25}.toml").read_text("utf-8")
    return tomllib.loads(text)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda s: s[0].update(write_in=copy.deepcopy(s[1]["write_in"])), "steps[1].write_in"),
        (lambda s: s[2].update(write_in=copy.deepcopy(s[1]["write_in"])), "steps[3].write_in"),
        (lambda s: s[1]["write_in"]["below"].update(action="top_n", n=2), "below.action"),
        (lambda s: s[1]["write_in"]["below"].update(action="all_advance"), "below.action"),
        (lambda s: s[1]["write_in"].pop("below"), "steps[2].write_in.below"),
        (lambda s: s[1]["write_in"].update(base="members"), "steps[2].write_in.base"),
        (lambda s: s[1]["write_in"].update(extra=1), "steps[2].write_in.extra"),
    ],
)
def test_write_in_errors_name_the_key(change: Any, where: str) -> None:
    data = _data()
    change(data["steps"])
    with pytest.raises(RuleError) as err:
        parse_procedure(data, "nd170.toml")
    assert where in str(err.value)
    assert str(err.value).startswith("nd170.toml")


def test_an_agree_disagree_step_takes_no_write_in() -> None:
    data = _data()
    data["steps"][1]["ballot"] = "agree_disagree"
    del data["steps"][1]["k"]
    with pytest.raises(RuleError, match="only a choose_at_most ballot can name another person"):
        parse_procedure(data, "nd170.toml")


def test_the_cli_prints_the_write_in() -> None:
    shown = CliRunner().invoke(app, ["rules", "procedures", ND25])
    assert shown.exit_code == 0, shown.output
    out = " ".join(shown.output.split())
    assert (
        "A write-in going on: cần từ 66,67% (2/3) của N trở lên (v >= 2/3 × N), N = summoned" in out
    )
    assert "Write-in short: report_up" in out
    assert "Nghị định 300/2026/NĐ-CP, Điều 13" in out
    listed = CliRunner().invoke(app, ["rules", "procedures"])
    assert ND25 in listed.output and ND25_RE in listed.output


def test_a_write_in_short_of_two_thirds_is_settled_by_the_authority() -> None:
    """Reported up: the competent authority may send on anyone of the list (one seat), vote
    again, or stop; the settlement quotes the write-in clause as its basis."""
    from tinnhiem.rules.settlement import Outcome, Role, settle, settlement_choices

    proc = load_procedure(ND25)
    d = b3({"x": 4, "an": 3})
    choices = settlement_choices(d, proc)
    assert (choices.fixed, choices.concerned, choices.limit, choices.revote, choices.role) == (
        (),
        B3,
        1,
        True,
        Role.AUTHORITY,
    )
    assert [b.code for b in choices.basis] == ["write_in_below"]
    s = settle(
        d,
        proc,
        round_id="r-b3",
        head="ab" * 32,
        name="Nguyễn Văn Sở",
        post="Giám đốc Sở Nội vụ",
        document="Số 5/SNV",
        date="2026-07-20",
        outcome=Outcome.ADVANCE,
        chosen=["an"],
        reason="Chọn người trong danh sách bước 2.",
    )
    assert (s.advancing, s.next_step, s.basis[0].cite) == (
        ("an",),
        "b4-key-cadres",
        "a33-b3-two-thirds-none",
    )
