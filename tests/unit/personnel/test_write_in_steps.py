"""The original NĐ 170/2025 appointment (before 1/8/2026) run as linked rounds (issue 14):
step 3 lets the leadership collective name another eligible person besides step 2's list
(a write-in), who must then reach 2/3 of the collective. The write-in step's list is step
2's advancing list, in order, followed by the others; its manifest says how many
(``personnel.write_ins``), so its decision and its link are checked from the records
alone, by the Python verifier and by the browser verifier (under Node) alike."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

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
    write_in_list,
)
from tinnhiem.record import ElectionRecord, RecordInvalid, verify_record
from tinnhiem.record.link import verify_link
from tinnhiem.tally import load_procedure_text

ND25 = "appointment-nd170-2025"
C = Mark.CHOSEN
ROOT = Path(__file__).resolve().parents[3]
FRONTEND = ROOT / "frontend"
NODE = shutil.which("node")

PLANNING = [
    Candidate("nva", "Nguyễn Văn An", "Phó Giám đốc Sở"),
    Candidate("ttb", "Trần Thị Bình", "Trưởng phòng Tổ chức cán bộ"),
    Candidate("lvc", "Lê Văn Chí", "Chánh Văn phòng Sở"),
    Candidate("pmd", "Phạm Minh Đức", "Trưởng phòng Pháp chế"),
]


def _manifest(step, candidates, *, rid, summoned, previous=None):
    return step_manifest(
        load_procedure_text(ND25),
        step,
        candidates,
        round_id=rid,
        body="Sở Tư pháp tỉnh X",
        summoned=summoned,
        committee=["Ủy viên 1", "Ủy viên 2", "Ủy viên 3"],
        threshold=2,
        post="Giám đốc Sở",
        list_source=ListSource.PLANNING,
        previous=previous,
        date="2026-07-20",
    )


def _run(manifest, ballots, *, present=None) -> ElectionRecord:
    record = run_step(manifest, load_procedure_text(ND25), ballots, present=present).record()
    record = ElectionRecord.from_json(json.loads(record.to_bytes()))
    verify_record(record, workers=1)
    return record


def _step2() -> ElectionRecord:
    """Step 2, 15 summoned, 14 present: nobody above half (7, 5, 2 of 15), An (7) and Bình
    (5 = 1/3) are at or above 30% and go on; Chí (2) is not."""
    ballots = [{"nva": C}] * 7 + [{"ttb": C}] * 5 + [{"lvc": C}] * 2
    return _run(_manifest("b2-extended", PLANNING, rid="r-b2", summoned=15), ballots)


def _step3(b2: ElectionRecord, ballots, *, rid="r-b3") -> tuple[Any, ElectionRecord]:
    people = write_in_list(next_candidates(b2), PLANNING)
    m3 = _manifest("b3-leadership", people, rid=rid, summoned=7, previous=b2)
    return m3, _run(m3, ballots)


def test_step3_list_is_step2s_then_the_other_eligible_people() -> None:
    b2 = _step2()
    assert isinstance(b2.results, dict)
    assert (b2.results["status"], b2.results["advancing"]) == ("none_reached", ["nva", "ttb"])
    people = write_in_list(next_candidates(b2), PLANNING)
    assert [c.id for c in people] == ["nva", "ttb", "lvc", "pmd"]
    m3 = _manifest("b3-leadership", people, rid="r-b3", summoned=7, previous=b2)
    assert m3.personnel is not None
    assert (m3.personnel.write_ins, m3.personnel.k) == (2, 1)
    assert m3.personnel.to_json()["write_ins"] == 2
    # A write-in before step 2's people, or step 2's list out of order, is refused.
    for wrong in (["lvc", "nva", "ttb"], ["ttb", "nva", "lvc"]):
        by_id = {c.id: c for c in PLANNING}
        with pytest.raises(InputError, match="the previous step sent on nva, ttb"):
            _manifest("b3-leadership", [by_id[c] for c in wrong], rid="x", summoned=7, previous=b2)
    # Without write-ins the list is exactly who went on, and the manifest says nothing.
    m_ok = _manifest("b3-leadership", people[:2], rid="r-b3-plain", summoned=7, previous=b2)
    assert m_ok.personnel is not None and m_ok.personnel.write_ins == 0
    assert "write_ins" not in m_ok.personnel.to_json()


def test_a_write_in_with_4_of_7_is_above_half_but_short_of_two_thirds() -> None:
    """4 of 7 > 1/2 (2·4 > 7) selects Chí under the ordinary rule, but 3·4 = 12 < 14 = 2·7:
    short of 2/3 of the collective; the text says stop and report up."""
    b2 = _step2()
    _m3, b3 = _step3(b2, [{"lvc": C}] * 4 + [{"nva": C}] * 3)
    r = b3.results
    assert isinstance(r, dict)
    assert (r["status"], r["action"], r["pending"], r["advancing"]) == (
        "write_in_short",
        "report_up",
        True,
        [],
    )
    assert r["selected"] == ["lvc"]
    assert r["concerned"] == ["nva", "ttb", "lvc", "pmd"]
    below = next(x for x in r["reasons"] if x["code"] == "write_in_below")
    assert below["cite"] == "a33-b3-two-thirds-none" and below["verified"] is True
    assert "3v >= 2N, N = 7): lvc" in below["text_vi"]
    assert "tối thiểu 2/3" in below["text_vi"]
    codes = [x["code"] for x in r["reasons"]]
    assert codes == [
        "step",
        "list_from_previous",
        "write_ins",
        "quorum",
        "base",
        "threshold",
        "selected",
        "write_in_below",
    ]
    assert next(x for x in r["reasons"] if x["code"] == "write_ins")["cite"] == "a33-b3-write-in"
    assert verify_link(b3, b2) is True
    history = [StepDone("b2-extended", b2.results), StepDone("b3-leadership", r)]
    assert next_step(load_procedure_text(ND25).procedure, history).state is Progress.PENDING


def test_whole_procedure_with_a_write_in_chosen_at_step3() -> None:
    """Steps 2 to 5 in memory: Đức, not on step 2's list, gets 5 of 7 at step 3 (above half
    and 3·5 = 15 >= 14: at least 2/3), goes to the key cadres (advice), and the collective
    selects him at step 5 (5 of 7). Each record verifies with its link."""
    text = load_procedure_text(ND25)
    proc = text.procedure
    b2 = _step2()
    _m3, b3 = _step3(b2, [{"pmd": C}] * 5 + [{"nva": C}] * 2)
    r3 = b3.results
    assert isinstance(r3, dict)
    assert (r3["status"], r3["advancing"], r3["next_step"]) == ("passed", ["pmd"], "b4-key-cadres")
    reached = next(x for x in r3["reasons"] if x["code"] == "write_in_reached")
    assert reached["cite"] == "a33-b3-two-thirds"
    assert reached["text_en"] == "Named from outside the list and reaching 3v >= 2N with N = 7: pmd"
    assert verify_link(b3, b2) is True
    history = [StepDone("b2-extended", b2.results), StepDone("b3-leadership", r3)]
    plan = next_step(proc, history)
    assert (plan.state, plan.step.id, plan.candidates) == (Progress.RUN, "b4-key-cadres", ("pmd",))
    b4 = _run(
        _manifest("b4-key-cadres", next_candidates(b3), rid="r-b4", summoned=25, previous=b3),
        [{"pmd": C}] * 12 + [{}] * 6,
    )
    r4 = b4.results
    assert isinstance(r4, dict)
    assert (r4["status"], r4["advancing"], r4["announce_at_meeting"]) == (
        "recorded",
        ["pmd"],
        False,
    )
    verify_link(b4, b3)
    history.append(StepDone("b4-key-cadres", r4))
    b5 = _run(
        _manifest("b5-decide", next_candidates(b4), rid="r-b5", summoned=7, previous=b4),
        [{"pmd": C}] * 5 + [{}] * 1,
    )
    r5 = b5.results
    assert isinstance(r5, dict)
    assert (r5["status"], r5["selected"], r5["next_step"]) == ("passed", ["pmd"], None)
    verify_link(b5, b4)
    history.append(StepDone("b5-decide", r5))
    end = next_step(proc, history)
    assert (end.state, end.proposed) == (Progress.ENDED, ("pmd",))


def test_the_link_refuses_a_write_in_list_that_does_not_start_with_who_went_on() -> None:
    b2 = _step2()
    _m3, b3 = _step3(b2, [{"pmd": C}] * 5 + [{"nva": C}] * 2)
    assert b3.manifest.personnel is not None
    # Claim one write-in fewer: the list no longer starts with exactly step 2's list.
    fewer = replace(b3.manifest.personnel, write_ins=1)
    forged = replace(b3, manifest=replace(b3.manifest, personnel=fewer))
    with pytest.raises(RecordInvalid, match=r"then 1 write-ins") as err:
        verify_link(forged, b2)
    assert err.value.where == "manifest.officials"
    # Claim no write-ins at all.
    none = replace(b3.manifest.personnel, write_ins=0)
    forged = replace(b3, manifest=replace(b3.manifest, personnel=none))
    with pytest.raises(RecordInvalid) as err:
        verify_link(forged, b2)
    assert err.value.where == "manifest.officials"


def test_a_quorum_below_two_thirds_of_the_summoned_is_a_revote() -> None:
    """Step 3 with 4 of 7 present: 3·4 = 12 < 14, the meeting cannot vote."""
    b2 = _step2()
    people = write_in_list(next_candidates(b2), PLANNING)
    m3 = _manifest("b3-leadership", people, rid="r-b3q", summoned=7, previous=b2)
    b3 = _run(m3, [{"lvc": C}] * 4, present=4)
    r = b3.results
    assert isinstance(r, dict)
    assert (r["status"], r["next_step"], r["action"]) == (
        "quorum_not_met",
        "b3-leadership",
        "revote",
    )
    quorum = next(x for x in r["reasons"] if x["code"] == "quorum")
    assert quorum["text_vi"] == "Số người có mặt 4/7 (không đạt >= 2/3)"
    assert quorum["cite"] == "a33-quorum"


# ------------------------------------------------------------- the browser verifier agrees


def _need_node() -> str:
    assert NODE is not None, "node is needed (Debian: apt-get install nodejs npm)"
    assert (FRONTEND / "node_modules" / "libsodium-wrappers-sumo").is_dir(), (
        "run scripts/setup.sh (npm ci in frontend/)"
    )
    return NODE


def _write(tmp: Path, name: str, record: ElectionRecord | dict[str, Any]) -> Path:
    path = tmp / f"{name}.json"
    data = record if isinstance(record, dict) else json.loads(record.to_bytes())
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _node_verify(files: list[Path]) -> dict[str, dict[str, Any]]:
    out = subprocess.run(
        [_need_node(), "tools/verify.mjs", "--results", *map(str, files)],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert len(lines) == len(files), out.stderr[-2000:]
    return {line["file"]: line for line in lines}


def _node_link(record: Path, previous: Path) -> dict[str, Any]:
    out = subprocess.run(
        [_need_node(), "tools/link.mjs", str(record), str(previous)],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.stdout.strip(), out.stderr[-2000:]
    return json.loads(out.stdout)


def _py_link(record: ElectionRecord, previous: ElectionRecord) -> dict[str, Any]:
    try:
        verify_link(record, previous)
    except RecordInvalid as exc:
        return {"ok": False, "where": exc.where}
    return {"ok": True, "where": None}


def test_both_verifiers_recompute_the_write_in_steps_and_their_links(tmp_path: Path) -> None:
    b2 = _step2()
    _m, short = _step3(b2, [{"lvc": C}] * 4 + [{"nva": C}] * 3, rid="r-b3-short")
    _m, chosen = _step3(b2, [{"pmd": C}] * 5 + [{"nva": C}] * 2, rid="r-b3-chosen")
    files = {
        "b2": _write(tmp_path, "b2", b2),
        "short": _write(tmp_path, "short", short),
        "chosen": _write(tmp_path, "chosen", chosen),
    }
    verdicts = _node_verify(list(files.values()))
    for name, record in (("b2", b2), ("short", short), ("chosen", chosen)):
        v = verdicts[str(files[name])]
        assert v["exit"] == 0, v
        assert v["results"] == record.results
    assert verdicts[str(files["short"])]["results"]["status"] == "write_in_short"
    # The links: as made, then forged three ways; both verifiers give the same verdict.
    data = json.loads(chosen.to_bytes())
    cases: dict[str, dict[str, Any]] = {"as-made": data}
    fewer = json.loads(json.dumps(data))
    fewer["manifest"]["personnel"]["write_ins"] = 1
    cases["fewer"] = fewer
    none = json.loads(json.dumps(data))
    del none["manifest"]["personnel"]["write_ins"]
    cases["none"] = none
    renamed = json.loads(json.dumps(data))
    renamed["manifest"]["officials"][3]["name"] = "Người khác"  # on step 2's sheet: refused
    cases["write-in-renamed"] = renamed
    # A write-in step 2 never listed (typed in by the organiser) carries their own name.
    entered = Candidate("hth", "Hoàng Thu Hà", "Phó Chánh Văn phòng")
    people = write_in_list(next_candidates(b2), [*PLANNING, entered])
    m3 = _manifest("b3-leadership", people, rid="r-b3-entered", summoned=7, previous=b2)
    assert m3.personnel is not None and m3.personnel.write_ins == 3
    cases["entered"] = json.loads(_run(m3, [{"hth": C}] * 5 + [{}] * 2).to_bytes())
    listed = json.loads(json.dumps(data))
    listed["manifest"]["officials"][0]["name"] = "Người khác"  # one who went on: refused
    cases["listed-renamed"] = listed
    want = {
        "as-made": (True, None),
        "fewer": (False, "manifest.officials"),
        "none": (False, "manifest.officials"),
        "write-in-renamed": (False, "manifest.officials[3].name"),
        "entered": (True, None),
        "listed-renamed": (False, "manifest.officials[0].name"),
    }
    for name, case in cases.items():
        path = _write(tmp_path, f"link-{name}", case)
        js = _node_link(path, files["b2"])
        py = _py_link(ElectionRecord.from_json(case), b2)
        assert (js["ok"], js.get("where")) == (py["ok"], py["where"]) == want[name], name
