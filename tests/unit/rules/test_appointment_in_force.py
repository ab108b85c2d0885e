"""The personnel procedures in force (issue 14): NĐ 170/2025 as amended by NĐ 300/2026,
read word for word, and QĐ 377/2025 (its procedure not read: unverified mirror). Each step
is decided at its exact boundaries, and each decision names the clause that decided it."""

from __future__ import annotations

from typing import Any

import pytest

from tinnhiem.errors import InputError
from tinnhiem.rules import (
    FallbackAction,
    RuleError,
    StepCounts,
    StepStatus,
    decide_step,
    load_procedure,
    parse_procedure,
)
from tinnhiem.rules.appointment import AGREE, DISAGREE, StepDecision

ND = "appointment-nd170-2026"
ND_RE = "appointment-reappointment-nd170-2026"
QD = "appointment-qd377-2025"
QD_RE = "appointment-reappointment-qd377-2025"
A33 = "Điều 33 (thay thế bởi Điều 13 NĐ 300/2026)"
A39 = "Điều 39 (thay thế bởi Điều 18 NĐ 300/2026)"
NAMES = ("an", "binh", "chi")


def choose(summoned: int, present: int, votes: dict[str, int]) -> StepCounts:
    return StepCounts(summoned=summoned, present=present, returned=present, votes=votes)


def agree(summoned: int, present: int, a: int, d: int) -> StepCounts:
    return StepCounts(
        summoned=summoned,
        present=present,
        returned=present,
        votes={"an": {AGREE: a, DISAGREE: d}},
    )


def cite_of(d: StepDecision, code: str) -> tuple[str, str, str, bool]:
    """(document, article, clause, verified) of the reason ``code``."""
    r = next(r for r in d.reasons if r.code == code)
    return r.cite.document, r.cite.article, r.cite.clause, r.cite.verified


def test_nd170_is_in_force_and_every_vote_clause_was_read() -> None:
    for proc_id in (ND, ND_RE):
        proc = load_procedure(proc_id)
        assert proc.source.in_force_from == "2026-08-01"
        assert not proc.source.superseded_by
        for step in proc.steps:
            decisive = [step.cite, step.base_cite]
            if step.threshold is not None:
                decisive.append(step.threshold.cite)
            if step.at_threshold is not None:
                decisive.append(step.at_threshold.cite)
            if step.below_floor is not None:
                decisive.append(step.below_floor.cite)
            for cite in decisive:
                assert cite.verified, (proc_id, step.id, cite.key)
                assert cite.url.startswith("https://github.com/diepxuan/")
                assert cite.article in (A33, A39)
                assert cite.quote
    steps = load_procedure(ND).steps
    assert [(s.id, s.body.value, s.base.value, s.announce_at_meeting) for s in steps] == [
        ("b1-leadership", "leadership", "summoned", True),
        ("b2-extended", "extended_leadership", "summoned", True),
        ("b3-key-cadres", "key_cadres", "present", False),
        ("b4-decide", "leadership", "summoned", True),
    ]
    assert all(s.quorum is None for s in steps)  # the replaced Điều 33 states none


@pytest.mark.parametrize("step", ["b1-leadership", "b2-extended"])
def test_nd170_steps_1_2_above_half_of_the_summoned(step: str) -> None:
    proc = load_procedure(ND)
    clause = {
        "b1-leadership": "khoản 2, điểm b (Bước 1)",
        "b2-extended": "khoản 2, điểm c (Bước 2)",
    }
    # base 15 summoned (12 present): 8 of 15 passes, 7 of 15 does not (7.5 is half)
    d = decide_step(proc, step, choose(15, 12, {"an": 8, "binh": 4}), candidates=NAMES)
    assert (d.status, d.selected, d.advancing, d.base) == (StepStatus.PASSED, ("an",), ("an",), 15)
    assert cite_of(d, "selected") == (
        "Nghị định 170/2025/NĐ-CP, sửa đổi bởi Nghị định 300/2026/NĐ-CP",
        A33,
        clause[step],
        True,
    )
    d = decide_step(proc, step, choose(15, 12, {"an": 7, "binh": 5}), candidates=NAMES)
    assert d.status is StepStatus.NONE_REACHED
    assert d.action is FallbackAction.ALL_ABOVE_FLOOR
    # the floor: 30% of 15 is 4.5, so 5 goes on and 4 does not
    assert d.advancing == ("an", "binh")
    assert d.next_step is not None and not d.pending
    assert cite_of(d, "floor")[1:] == (A33, clause[step], True)


def test_nd170_floor_is_inclusive_thirty_percent_exactly() -> None:
    proc = load_procedure(ND)
    # base 10: 3 is exactly 30% and goes on; 2 does not; nobody above 5
    d = decide_step(
        proc, "b1-leadership", choose(10, 10, {"an": 5, "binh": 3, "chi": 2}), candidates=NAMES
    )
    assert d.status is StepStatus.NONE_REACHED
    assert d.advancing == ("an", "binh")
    assert [r.votes * 10 >= 3 * 10 for r in d.results] == [True, True, False]


def test_nd170_nobody_at_the_floor_stops_and_reports_up() -> None:
    proc = load_procedure(ND)
    # base 20: 30% is 6; 5, 5, 5 all below it
    d = decide_step(
        proc, "b2-extended", choose(20, 16, {"an": 5, "binh": 5, "chi": 5}), candidates=NAMES
    )
    assert (d.status, d.action, d.pending) == (
        StepStatus.NONE_REACHED,
        FallbackAction.REPORT_UP,
        True,
    )
    assert d.advancing == () and d.next_step is None
    assert d.concerned == NAMES
    _doc, art, clause, verified = cite_of(d, "below_floor")
    assert (art, clause, verified) == (A33, "khoản 2, điểm c (Bước 2)", True)
    assert "30% trở lên" in next(r for r in d.reasons if r.code == "below_floor").cite.quote


def test_nd170_step3_key_cadres_base_is_those_present() -> None:
    proc = load_procedure(ND)
    # 40 summoned, 30 present: 16 of 30 passes (more than 15), 15 of 30 does not
    d = decide_step(proc, "b3-key-cadres", choose(40, 30, {"an": 16}), candidates=("an",))
    assert (d.status, d.base, d.selected) == (StepStatus.PASSED, 30, ("an",))
    assert cite_of(d, "base")[1:] == (A33, "khoản 2, điểm a", True)
    d = decide_step(proc, "b3-key-cadres", choose(40, 30, {"an": 15}), candidates=("an",))
    assert (d.status, d.action, d.pending) == (
        StepStatus.NONE_REACHED,
        FallbackAction.REPORT_UP,
        True,
    )
    assert cite_of(d, "none_reaches")[1:] == (A33, "khoản 2, điểm d (Bước 3)", True)


def test_nd170_step4_two_tied_at_half_the_head_chooses() -> None:
    proc = load_procedure(ND)
    # 8 summoned, all present: 4 and 4 are exactly 50% each
    d = decide_step(
        proc, "b4-decide", choose(8, 8, {"an": 4, "binh": 4}), candidates=("an", "binh")
    )
    assert (d.status, d.action, d.pending) == (
        StepStatus.AT_THRESHOLD,
        FallbackAction.HEAD_DECIDES,
        True,
    )
    assert d.concerned == ("an", "binh")
    assert cite_of(d, "at_threshold")[1:] == (A33, "khoản 2, điểm đ (Bước 4)", True)
    # 5 of 8 passes
    d = decide_step(
        proc, "b4-decide", choose(8, 8, {"an": 5, "binh": 3}), candidates=("an", "binh")
    )
    assert (d.status, d.selected) == (StepStatus.PASSED, ("an",))
    assert cite_of(d, "selected")[1:] == (A33, "khoản 2, điểm đ (Bước 4)", True)


def test_nd170_step4_one_person_at_half_is_not_in_the_text() -> None:
    proc = load_procedure(ND)
    d = decide_step(proc, "b4-decide", choose(8, 7, {"an": 4}), candidates=("an",))
    assert (d.status, d.action, d.pending) == (
        StepStatus.NONE_REACHED,
        FallbackAction.NOT_IN_TEXT,
        True,
    )
    assert "at_threshold" not in [r.code for r in d.reasons]
    _doc, art, _clause, verified = cite_of(d, "none_reaches")
    assert (art, verified) == ("", False)
    assert next(r for r in d.reasons if r.code == "none_reaches").cite.source_kind == "not_found"


@pytest.mark.parametrize(
    ("step", "summoned", "present", "base"),
    [("b1-key-cadres", 30, 25, 25), ("b2-decide", 7, 6, 7)],
)
def test_nd170_reappointment_above_at_and_below_half(
    step: str, summoned: int, present: int, base: int
) -> None:
    proc = load_procedure(ND_RE)
    half = base // 2
    above = half + 1
    d = decide_step(
        proc, step, agree(summoned, present, above, present - above), candidates=("an",)
    )
    assert (d.status, d.base, d.selected) == (StepStatus.PASSED, base, ("an",))
    assert cite_of(d, "threshold")[1:] == (A39, "khoản 4", True)
    if base % 2 == 0:
        d = decide_step(proc, step, agree(summoned, present, half, 0), candidates=("an",))
        assert (d.status, d.action) == (StepStatus.AT_THRESHOLD, FallbackAction.HEAD_DECIDES)
        assert cite_of(d, "at_threshold")[1:] == (A39, "khoản 4", True)
    below = half if base % 2 else half - 1
    d = decide_step(proc, step, agree(summoned, present, below, 0), candidates=("an",))
    assert (d.status, d.action, d.pending) == (
        StepStatus.NONE_REACHED,
        FallbackAction.REPORT_UP,
        True,
    )
    assert cite_of(d, "none_reaches")[1:] == (A39, "khoản 4", True)


def test_nd170_reappointment_key_cadres_exactly_half_of_present() -> None:
    proc = load_procedure(ND_RE)
    # 30 summoned, 20 present: 10 agree is exactly 50% of those present → the head decides
    d = decide_step(proc, "b1-key-cadres", agree(30, 20, 10, 10), candidates=("an",))
    assert (d.status, d.base, d.action) == (
        StepStatus.AT_THRESHOLD,
        20,
        FallbackAction.HEAD_DECIDES,
    )
    assert not load_procedure(ND_RE).step("b1-key-cadres").announce_at_meeting
    assert load_procedure(ND_RE).step("b2-decide").announce_at_meeting


def test_qd377_files_mirror_nd170_and_say_so_unverified() -> None:
    for qd_id, nd_id in ((QD, ND), (QD_RE, ND_RE)):
        qd, nd = load_procedure(qd_id), load_procedure(nd_id)
        assert qd.source.in_force_from == "2025-10-08"
        assert not qd.source.verified and not qd.source.superseded_by
        assert [s.id for s in qd.steps] == [s.id for s in nd.steps]
        for s, t in zip(qd.steps, nd.steps, strict=True):
            assert (s.ballot, s.base, s.threshold and s.threshold.bound) == (
                t.ballot,
                t.base,
                t.threshold and t.threshold.bound,
            )
            assert s.cite.key == "qd377-vote-not-read" and not s.cite.verified
            assert "unverified" in s.cite.display
    d = decide_step(
        load_procedure(QD), "b1-leadership", choose(15, 15, {"an": 7, "binh": 5}), candidates=NAMES
    )
    assert d.advancing == ("an", "binh")
    assert cite_of(d, "floor") == ("Quy định 377-QĐ/TW", "Điều 37", "", False)


FLOOR_STEP = """
format = 1
id = "appointment-floor"
kind = "procedure"
purpose = "appointment"
title_vi = "t"
title_en = "t"
applies_to_vi = "a"
applies_to_en = "a"

[source]
document = "d"
issuer = "i"
date = "2026-01-01"
verified = false
uncertain = []

[[steps]]
id = "s1"
number = 1
title_vi = "t"
title_en = "t"
body = "leadership"
ballot = "choose_at_most"
k = 1
base = "summoned"
base_citation = "X, Điều 1"
citation = "X, Điều 1"
threshold = { fraction = "1/2", inclusive = false, citation = "X, Điều 1" }
tie = { action = "not_in_text", citation = "X, Điều 1" }
"""


@pytest.mark.parametrize(
    ("extra", "key", "message"),
    [
        (
            'none_reaches = { action = "all_above_floor", citation = "X, Điều 1" }\n'
            'below_floor = { action = "report_up", citation = "X, Điều 1" }',
            "steps[1].none_reaches.floor",
            "missing",
        ),
        (
            'none_reaches = { action = "all_above_floor", floor = { fraction = "3/10", '
            'inclusive = true }, citation = "X, Điều 1" }',
            "steps[1].below_floor",
            "missing",
        ),
        (
            'none_reaches = { action = "report_up", citation = "X, Điều 1" }\n'
            'below_floor = { action = "report_up", citation = "X, Điều 1" }',
            "steps[1].below_floor",
            "only a step whose none_reaches is all_above_floor",
        ),
        (
            'none_reaches = { action = "report_up", floor = { fraction = "3/10", inclusive = true'
            ' }, citation = "X, Điều 1" }',
            "steps[1].none_reaches.floor",
            "only action 'all_above_floor'",
        ),
        (
            'none_reaches = { action = "all_above_floor", floor = { fraction = "1/2", '
            'inclusive = true }, citation = "X, Điều 1" }\n'
            'below_floor = { action = "report_up", citation = "X, Điều 1" }',
            "steps[1].none_reaches.floor",
            "below the threshold",
        ),
        (
            'none_reaches = { action = "report_up", tied_only = true, citation = "X, Điều 1" }',
            "steps[1].none_reaches.tied_only",
            "only at_threshold",
        ),
    ],
)
def test_floor_and_tied_only_errors_name_the_key(extra: str, key: str, message: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_procedure(__import__("tomllib").loads(FLOOR_STEP + extra), "f.toml")
    assert key in str(err.value) and message in str(err.value)


def test_floor_counts_still_checked(tmp_path: Any) -> None:
    with pytest.raises(InputError):
        decide_step(load_procedure(ND), "b1-leadership", choose(5, 6, {"an": 1}), candidates=NAMES)
