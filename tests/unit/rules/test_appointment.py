"""Personnel votes (issue 14): procedure files, exact step decisions, their citations."""

from __future__ import annotations

import re
import tomllib
from fractions import Fraction
from typing import Any

import pytest
from typer.testing import CliRunner

from tinnhiem.cli import app
from tinnhiem.errors import InputError
from tinnhiem.rules import (
    BallotKind,
    FallbackAction,
    RuleError,
    StepCounts,
    StepStatus,
    ballot_for,
    builtin_procedure_ids,
    builtin_rule_ids,
    decide_step,
    list_procedures,
    load_procedure,
    parse_procedure,
)
from tinnhiem.rules.appointment import AGREE, DISAGREE

BUILTIN = [
    "appointment-nd138-2024",
    "appointment-nd170-2025",
    "appointment-nd170-2026",
    "appointment-qd377-2025",
    "appointment-qd80-2022",
    "appointment-reappointment-nd170-2025",
    "appointment-reappointment-nd170-2026",
    "appointment-reappointment-qd377-2025",
    "appointment-reappointment-qd80-2022",
]

HEAD = """
format = 1
id = "appointment-test"
kind = "procedure"
purpose = "appointment"
title_vi = "Thử"
title_en = "Test"
applies_to_vi = "Thử"
applies_to_en = "Test"

[source]
document = "Văn bản thử"
issuer = "Thử"
date = "2024-01-01"
verified = false

[citations.c-step]
document = "Văn bản thử"
article = "Điều 1"
source_kind = "paraphrase"
verified = false

[citations.c-thr]
document = "Văn bản thử"
article = "Điều 2"
quote = "trên 50%"
url = "https://example.org/a"
source_kind = "verbatim_quote"
verified = true

[citations.c-base]
document = "Văn bản thử"
article = "Điều 3"
source_kind = "paraphrase"
verified = false

[citations.c-tie]
document = "Văn bản thử"
article = "Điều 4"
source_kind = "paraphrase"
verified = false

[citations.c-none]
document = "Văn bản thử"
article = "Điều 5"
source_kind = "paraphrase"
verified = false

[citations.c-at]
document = "Văn bản thử"
article = "Điều 6"
source_kind = "paraphrase"
verified = false

[citations.c-quorum]
document = "Văn bản thử"
article = "Điều 7"
source_kind = "paraphrase"
verified = false
"""


def step_toml(**over: str) -> str:
    fields = {
        "id": '"s1"',
        "number": "1",
        "title_vi": '"Bước"',
        "title_en": '"Step"',
        "body": '"extended_leadership"',
        "ballot": '"choose_at_most"',
        "k": "1",
        "base": '"summoned"',
        "base_citation": '"c-base"',
        "citation": '"c-step"',
        "threshold": '{ fraction = "1/2", inclusive = false, citation = "c-thr" }',
        "tie": '{ action = "head_decides", citation = "c-tie" }',
        "none_reaches": '{ action = "top_n", n = 2, citation = "c-none" }',
    }
    fields.update(over)
    body = "\n".join(f"{k} = {v}" for k, v in fields.items() if v != "")
    return f"\n[[steps]]\n{body}\n"


def proc_of(*steps: str, head: str = HEAD) -> Any:
    text = head + "".join(steps)
    return parse_procedure(tomllib.loads(text), "test.toml")


def one(**over: str) -> Any:
    return proc_of(step_toml(**over))


def counts(votes: dict[str, Any], summoned: int = 10, present: int | None = None, **kw: int):
    present = summoned if present is None else present
    returned = kw.pop("returned", present)
    return StepCounts(summoned=summoned, present=present, returned=returned, votes=votes, **kw)


NAMES = ("an", "binh", "chi")


# --- built-in files -------------------------------------------------------------------


def test_builtin_procedures_load_and_stay_out_of_the_rule_list() -> None:
    assert builtin_procedure_ids() == BUILTIN
    assert [p.id for p in list_procedures()] == BUILTIN
    assert not any(r.startswith("appointment-") for r in builtin_rule_ids())


SUPERSEDED = [
    "appointment-nd138-2024",
    "appointment-qd80-2022",
    "appointment-reappointment-qd80-2022",
]


@pytest.mark.parametrize("proc_id", SUPERSEDED)
def test_every_superseded_step_cites_each_decision_and_nothing_claims_verified(
    proc_id: str,
) -> None:
    proc = load_procedure(proc_id)
    assert proc.source.superseded_by  # replaced: kept for procedures begun before
    assert not proc.source.verified
    keys = {c.key for c in proc.citations}
    for step in proc.steps:
        cites = [step.cite, step.base_cite, step.tie.cite, step.none_reaches.cite]
        if step.threshold is not None:
            cites.append(step.threshold.cite)
        if step.at_threshold is not None:
            cites.append(step.at_threshold.cite)
        if step.quorum_cite is not None:
            cites.append(step.quorum_cite)
        for cite in cites:
            assert cite.key in keys
            assert not cite.verified  # nothing of these procedures was read word for word
            assert "unverified" in cite.display
            assert cite.note or cite.quote


def test_qd80_step_chain_feeds_each_list_from_the_previous_step() -> None:
    proc = load_procedure("appointment-qd80-2022")
    assert [s.id for s in proc.steps] == [
        "b2-introduce",
        "b3-leadership",
        "b4-key-cadres",
        "b5-decide",
    ]
    d2 = decide_step(
        proc, "b2-introduce", counts({"an": 9, "binh": 7, "chi": 4}, 20), candidates=NAMES
    )
    assert d2.status is StepStatus.NONE_REACHED  # 9 of 20 is not above half
    assert d2.action is FallbackAction.TOP_N
    assert d2.advancing == ("an", "binh") and d2.next_step == "b3-leadership"
    d3 = decide_step(
        proc, "b3-leadership", counts({"an": 5, "binh": 2}, 7), candidates=d2.advancing
    )
    assert d3.status is StepStatus.PASSED and d3.advancing == ("an",)
    assert d3.previous_step == "b2-introduce"
    assert any(r.code == "list_from_previous" for r in d3.reasons)
    d4 = decide_step(
        proc,
        "b4-key-cadres",
        counts({"an": {AGREE: 30, DISAGREE: 10}}, 45),
        candidates=d3.advancing,
    )
    assert d4.status is StepStatus.RECORDED and d4.advancing == ("an",)
    assert d4.next_step == "b5-decide"
    d5 = decide_step(
        proc, "b5-decide", counts({"an": {AGREE: 4, DISAGREE: 3}}, 7), candidates=d4.advancing
    )
    assert d5.status is StepStatus.PASSED and d5.next_step is None


# --- thresholds: just below, at, just above, for every base -------------------------------


@pytest.mark.parametrize("base", ["summoned", "present", "returned", "valid"])
@pytest.mark.parametrize("inclusive", [False, True])
def test_threshold_boundaries_for_each_base(base: str, inclusive: bool) -> None:
    flag = "true" if inclusive else "false"
    proc = one(
        base=f'"{base}"',
        threshold=f'{{ fraction = "1/2", inclusive = {flag}, citation = "c-thr" }}',
        none_reaches='{ action = "stop", citation = "c-none" }',
    )
    # summoned 21, present 19, returned 17, invalid 2 -> valid 15: N differs by base
    n = {"summoned": 21, "present": 19, "returned": 17, "valid": 15}[base]
    for votes in (n // 2, (n + 1) // 2, n // 2 + 1):
        if votes > 15:
            continue
        c = StepCounts(summoned=21, present=19, returned=17, invalid=2, votes={"an": votes})
        d = decide_step(proc, "s1", c, candidates=("an", "binh"))
        assert d.base == n
        passes = 2 * votes >= n if inclusive else 2 * votes > n
        assert (d.status is StepStatus.PASSED) is passes, (base, votes, n)
        assert d.share["an"] == Fraction(votes, n)


@pytest.mark.parametrize(
    ("votes", "status"),
    [(4, StepStatus.NONE_REACHED), (5, StepStatus.AT_THRESHOLD), (6, StepStatus.PASSED)],
)
def test_even_base_just_below_at_and_above_half(votes: int, status: StepStatus) -> None:
    proc = one(
        ballot='"agree_disagree"',
        k="",
        body='"leadership"',
        at_threshold='{ action = "head_decides", citation = "c-at" }',
        none_reaches='{ action = "stop", citation = "c-none" }',
    )
    d = decide_step(
        proc, "s1", counts({"an": {AGREE: votes, DISAGREE: 10 - votes}}), candidates=("an",)
    )
    assert d.status is status
    if status is StepStatus.AT_THRESHOLD:
        assert d.action is FallbackAction.HEAD_DECIDES and d.pending
        assert d.concerned == ("an",) and d.advancing == () and d.next_step is None
        assert [c.article for c in d.cites][-1] == "Điều 6"


def test_two_thirds_threshold_is_exact_not_rounded() -> None:
    proc = one(threshold='{ fraction = "2/3", inclusive = true, citation = "c-thr" }')
    # 2/3 of 1000 is 666.67: 666 fails, 667 passes (66,60% vs 66,70% would both "round")
    fail = decide_step(proc, "s1", counts({"an": 666}, 1000), candidates=NAMES)
    ok = decide_step(proc, "s1", counts({"an": 667}, 1000), candidates=NAMES)
    assert fail.status is StepStatus.NONE_REACHED and ok.status is StepStatus.PASSED


def test_present_base_against_summoned_base_differ() -> None:
    # 6 of 11 summoned passes; with 11 present of 13 summoned, 6 is still > half of present
    present = one(base='"present"')
    summoned = one()
    c = counts({"an": 6}, 13, 11)
    assert decide_step(present, "s1", c, candidates=NAMES).status is StepStatus.PASSED
    assert decide_step(summoned, "s1", c, candidates=NAMES).status is StepStatus.NONE_REACHED


# --- selection, ties, nobody reaching ------------------------------------------------------


def test_highest_among_those_reaching_with_two_seats_and_k_two() -> None:
    proc = one(k="2", seats="2")
    d = decide_step(proc, "s1", counts({"an": 8, "binh": 7, "chi": 4}), candidates=NAMES)
    assert d.status is StepStatus.PASSED and d.selected == ("an", "binh")


def test_tie_at_the_cut_goes_to_the_tie_rule_with_its_citation() -> None:
    proc = one(k="2", seats="1")
    d = decide_step(proc, "s1", counts({"an": 7, "binh": 7, "chi": 1}), candidates=NAMES)
    assert d.status is StepStatus.TIE
    assert d.concerned == ("an", "binh") and d.action is FallbackAction.HEAD_DECIDES
    assert d.pending and d.advancing == ()
    assert d.reasons[-1].code == "tie" and d.reasons[-1].cite.article == "Điều 4"


def test_tie_revote_and_all_advance() -> None:
    revote = one(k="2", tie='{ action = "revote", citation = "c-tie" }')
    d = decide_step(revote, "s1", counts({"an": 7, "binh": 7}), candidates=NAMES)
    assert d.next_step == "s1" and d.advancing == ("an", "binh") and not d.pending
    allin = one(k="2", tie='{ action = "all_advance", citation = "c-tie" }')
    d = decide_step(allin, "s1", counts({"an": 7, "binh": 7}), candidates=NAMES)
    assert d.advancing == ("an", "binh") and d.next_step is None


def test_nobody_reaches_top_two_go_on_and_zero_votes_never_do() -> None:
    proc = one()
    d = decide_step(proc, "s1", counts({"an": 5, "binh": 0}), candidates=NAMES)
    assert d.status is StepStatus.NONE_REACHED and d.advancing == ("an",)
    assert d.reasons[-1].code == "none_reaches" and d.reasons[-1].cite.article == "Điều 5"


def test_nobody_reaches_and_a_tie_for_second_place() -> None:
    proc = one()
    d = decide_step(proc, "s1", counts({"an": 4, "binh": 3, "chi": 3}), candidates=NAMES)
    assert d.status is StepStatus.TIE and d.concerned == ("binh", "chi")
    assert [r.code for r in d.reasons][-2:] == ["none_reaches", "tie"]


@pytest.mark.parametrize(
    ("action", "next_step", "pending"),
    [("revote", "s1", False), ("stop", None, False), ("report_up", None, True)],
)
def test_nobody_reaches_other_actions(action: str, next_step: str | None, pending: bool) -> None:
    proc = one(none_reaches=f'{{ action = "{action}", citation = "c-none" }}')
    d = decide_step(proc, "s1", counts({"an": 5}), candidates=NAMES)
    assert d.next_step == next_step and d.pending is pending
    assert d.action is FallbackAction(action)


def test_quorum_inclusive_boundary_and_its_citation() -> None:
    proc = one(quorum='{ fraction = "2/3", inclusive = true, citation = "c-quorum" }')
    short = decide_step(proc, "s1", counts({"an": 6}, 15, 9), candidates=NAMES)
    assert short.status is StepStatus.QUORUM_NOT_MET and short.next_step == "s1"
    assert short.reasons[-1].cite.article == "Điều 7"
    met = decide_step(proc, "s1", counts({"an": 8}, 15, 10), candidates=NAMES)
    assert met.status is StepStatus.PASSED


def test_every_decision_cites_the_step_the_base_and_the_threshold() -> None:
    proc = one()
    d = decide_step(proc, "s1", counts({"an": 6}), candidates=NAMES)
    assert [r.code for r in d.reasons] == ["step", "base", "threshold", "selected"]
    assert [c.article for c in d.cites] == ["Điều 1", "Điều 3", "Điều 2"]
    assert d.cites[2].verified


def test_ballot_spec_for_the_booth() -> None:
    proc = one(k="2", seats="1")
    spec = ballot_for(proc, "s1", NAMES)
    assert spec.kind is BallotKind.CHOOSE_AT_MOST and spec.k == 2 and spec.allow_blank
    yes_no = one(ballot='"agree_disagree"', k="")
    assert ballot_for(yes_no, "s1", ("an",)).options == (AGREE, DISAGREE)


# --- bad counts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c", "message"),
    [
        (StepCounts(summoned=5, present=6, returned=5, votes={}), "present (6) > summoned"),
        (StepCounts(summoned=5, present=5, returned=6, votes={}), "returned (6) > present"),
        (StepCounts(summoned=5, present=5, returned=5, invalid=6), "invalid (6) > returned"),
        (StepCounts(summoned=5, present=5, returned=5, votes={"zed": 1}), "not on this step"),
        (StepCounts(summoned=5, present=5, returned=5, votes={"an": 6}), "6 votes > 5 valid"),
        (StepCounts(summoned=5, present=5, returned=5, votes={"an": 3, "binh": 3}), "at most 1"),
        (StepCounts(summoned=5, present=5, returned=5, votes={"an": -1}), "whole number"),
    ],
)
def test_inconsistent_counts_say_what_and_where(c: StepCounts, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as err:
        decide_step(one(), "s1", c, candidates=NAMES)
    assert err.value.where == "appointment-test.s1"


def test_bad_candidate_lists_and_unknown_step() -> None:
    proc = one()
    with pytest.raises(InputError, match="twice"):
        decide_step(proc, "s1", counts({}), candidates=("an", "an"))
    with pytest.raises(InputError, match="no step 'zz'"):
        decide_step(proc, "zz", counts({}), candidates=NAMES)
    with pytest.raises(InputError, match="zero"):
        decide_step(proc, "s1", StepCounts(summoned=0, present=0, returned=0), candidates=NAMES)


# --- bad data files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "key", "message"),
    [
        ({"colour": '"red"'}, "steps[1].colour", "unknown key"),
        ({"base": '"everyone"'}, "steps[1].base", "not one of"),
        ({"k": ""}, "steps[1].k", "missing required key"),
        ({"ballot": '"agree_disagree"'}, "steps[1].k", "no k"),
        (
            {"threshold": '{ fraction = 0.5, inclusive = false, citation = "c-thr" }'},
            "steps[1].threshold.fraction",
            "strings",
        ),
        (
            {"none_reaches": '{ action = "top_n", citation = "c-none" }'},
            "steps[1].none_reaches.n",
            "missing",
        ),
        (
            {"tie": '{ action = "revote", n = 2, citation = "c-tie" }'},
            "steps[1].tie.n",
            "only action 'top_n'",
        ),
        (
            {
                "threshold": '{ fraction = "1/2", inclusive = true, citation = "c-thr" }',
                "at_threshold": '{ action = "head_decides", citation = "c-at" }',
            },
            "steps[1].at_threshold",
            "already passes",
        ),
        ({"citation": '"c-nope"'}, "steps[1].citation", "no [citations.c-nope]"),
        ({"candidates_from": '"s9"'}, "steps[1].candidates_from", "no step 's9'"),
        ({"next": '"s1"'}, "steps[1].next", "not later"),
        ({"k": "1", "seats": "2"}, "steps[1].k", "cannot fill"),
        ({"tie": ""}, "steps[1].tie", "missing required table"),
    ],
)
def test_bad_step_data_names_file_key_and_problem(
    over: dict[str, str], key: str, message: str
) -> None:
    with pytest.raises(RuleError, match=re.escape(message)) as err:
        one(**over)
    assert err.value.file == "test.toml"
    assert err.value.key == key


def test_unreachable_step_and_backward_list_are_errors() -> None:
    with pytest.raises(RuleError, match="not reached"):
        proc_of(step_toml(), step_toml(id='"s2"', number="2"))
    with pytest.raises(RuleError, match="not earlier"):
        proc_of(step_toml(next='"s2"'), step_toml(id='"s2"', number="2", candidates_from='"s2"'))


def test_file_level_errors() -> None:
    with pytest.raises(RuleError, match="must start with 'appointment-'"):
        proc_of(step_toml(), head=HEAD.replace('"appointment-test"', '"test"'))
    with pytest.raises(RuleError, match="kind"):
        proc_of(step_toml(), head=HEAD.replace('kind = "procedure"', 'kind = "poll"'))
    with pytest.raises(RuleError, match="marked verified"):
        proc_of(
            step_toml(),
            head=HEAD.replace(
                "verified = false\n\n[citations.c-step]", "verified = true\n\n[citations.c-step]"
            ),
        )
    with pytest.raises(RuleError, match="no such procedure file"):
        load_procedure("./missing.toml")


def test_a_custom_file_loads_from_a_path(tmp_path: Any) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(HEAD + step_toml(), encoding="utf-8")
    proc = load_procedure(path)
    assert proc.path == path and proc.first.id == "s1"


# --- the CLI ----------------------------------------------------------------------------


def test_cli_lists_and_shows_procedures_in_vietnamese_formats() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["rules", "procedures"])
    assert listed.exit_code == 0
    assert all(p in listed.output for p in BUILTIN)
    shown = runner.invoke(app, ["rules", "procedures", "appointment-nd138-2024"])
    assert shown.exit_code == 0
    out = shown.output
    assert "ngày 17 tháng 9 năm 2024" in out
    assert "từ 66,67% (2/3) số người được triệu tập trở lên" in out
    assert "trên 50% của N" in out
    assert "HẾT HIỆU LỰC / SUPERSEDED từ ngày 01 tháng 7 năm 2025" in out
    assert "chưa đối chiếu văn bản / unverified" in out
    bad = runner.invoke(app, ["rules", "procedures", "appointment-nope"])
    assert bad.exit_code != 0 and "unknown procedure" in bad.output
