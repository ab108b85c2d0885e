"""The write-in step of NĐ 170/2025 (original Điều 33, bước 3) on paper (issue 14):
``paper new --previous … --candidates`` takes who the previous step sent on, then the
other eligible people; the entry log's definition says how many are write-ins, the count
is decided with the 2/3 rule, and the link checks (paper after paper, paper after an
electronic record, an electronic record after paper)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tinnhiem.ballots import Mark
from tinnhiem.ballots.manifest import ListSource
from tinnhiem.cli import app
from tinnhiem.paper import EntryLog, PaperSession
from tinnhiem.paper.log import read_log
from tinnhiem.paper.personnel import PersonnelTally, decide_paper_step
from tinnhiem.poll.personnel import (
    Candidate,
    check_paper_step_link,
    next_candidates,
    run_step,
    step_manifest,
    write_in_list,
)
from tinnhiem.record.link import verify_link
from tinnhiem.rules.appointment import StepStatus
from tinnhiem.tally import load_procedure_text

ND25 = "appointment-nd170-2025"
ROWS = [
    ("an", "Nguyễn Văn An", "Phó Giám đốc"),
    ("binh", "Trần Thị Bình", "Trưởng phòng"),
    ("chi", "Lê Văn Chí", "Chánh Văn phòng"),
    ("duc", "Phạm Minh Đức", "Trưởng phòng Pháp chế"),
]


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def _csv(tmp: Path, name: str, ids: list[str]) -> Path:
    rows = {r[0]: r for r in ROWS}
    path = tmp / f"{name}.csv"
    lines = ["id,name,position", *(",".join(rows[i]) for i in ids)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _paper(tmp: Path, name: str, step: str, ids: list[str], n: int, marks: list[str],
           previous: Path | None = None) -> tuple[int, str, Path]:  # fmt: skip
    log = tmp / f"{name}.jsonl"
    args = [
        "paper", "new", str(log), "--procedure", ND25, "--step", step,
        "--candidates", str(_csv(tmp, name, ids)), "--round-id", name,
        "--title", "Bổ nhiệm Giám đốc Sở", "--body", "Sở Tư pháp tỉnh Ninh Bình",
        "--date", "2026-07-10", "--by", "Văn phòng", "--summoned", str(n), "--present", str(n),
    ]  # fmt: skip
    if previous is not None:
        args += ["--previous", str(previous)]
    code, text = _cli(*args)
    if code != 0:
        return code, text, log
    for serial, m in enumerate(marks, start=1):
        for op in ("op1", "op2"):
            done, out = _cli("paper", "enter", str(log), "--serial", str(serial), "-o", op,
                             "-d", op, "--marks", m)  # fmt: skip
            assert done == 0, out
    return code, text, log


def _count(log: Path) -> PersonnelTally:
    return PaperSession(EntryLog(read_log(log))).personnel_tally()


def _step2(tmp: Path) -> Path:
    """9 summoned: An 3, Bình 3 (each 1/3: at or above 30%, go on), Chí 1, two blank."""
    marks = ["1000"] * 3 + ["0100"] * 3 + ["0010"] + ["0000"] * 2
    code, text, log = _paper(tmp, "b2", "b2-extended", [r[0] for r in ROWS], 9, marks)
    assert code == 0, text
    return log


def test_paper_step3_after_paper_step2_with_write_ins(tmp_path: Path) -> None:
    b2 = _step2(tmp_path)
    assert decide_paper_step(_count(b2), load_procedure_text(ND25).procedure).advancing == (
        "an",
        "binh",
    )
    # Đức (a write-in) gets 5 of 7: above half and 3·5 >= 2·7.
    code, text, b3 = _paper(
        tmp_path, "b3", "b3-leadership", ["an", "binh", "chi", "duc"], 7,
        ["0001"] * 5 + ["1000"] * 2, previous=b2,
    )  # fmt: skip
    assert code == 0, text
    count = _count(b3)
    p = count.definition.personnel
    assert p is not None and p.write_ins == 2
    first = json.loads(b3.read_text(encoding="utf-8").splitlines()[0])
    assert "write_ins" in json.dumps(first)
    decision = decide_paper_step(count, load_procedure_text(ND25).procedure)
    assert (decision.status, decision.advancing) == (StepStatus.PASSED, ("duc",))
    assert [r.code for r in decision.reasons][-1] == "write_in_reached"
    check_paper_step_link(count, _count(b2))
    # Đức with 4 of 7 instead: above half, short of 2/3 — reported up.
    code, text, short = _paper(
        tmp_path, "b3-short", "b3-leadership", ["an", "binh", "chi", "duc"], 7,
        ["0001"] * 4 + ["1000"] * 3, previous=b2,
    )  # fmt: skip
    assert code == 0, text
    d = decide_paper_step(_count(short), load_procedure_text(ND25).procedure)
    assert (d.status, d.action, d.pending) == (StepStatus.WRITE_IN_SHORT, "report_up", True)
    # A write-in listed before step 2's people is refused, naming the rule.
    code, text, _log = _paper(
        tmp_path, "b3-wrong", "b3-leadership", ["chi", "an", "binh"], 7, [], previous=b2
    )
    assert code != 0
    assert "the previous step sent on an, binh; this list is chi, an, binh" in text


def test_an_electronic_step3_after_paper_step2_and_back(tmp_path: Path) -> None:
    b2 = _step2(tmp_path)
    count = _count(b2)
    text = load_procedure_text(ND25)
    people = write_in_list(next_candidates(count), [Candidate(*r) for r in ROWS])
    manifest = step_manifest(
        text, "b3-leadership", people, round_id="b3-e", body="Sở Tư pháp tỉnh Ninh Bình",
        summoned=7, committee=["Ủy viên 1", "Ủy viên 2", "Ủy viên 3"], threshold=2,
        post="Giám đốc Sở", list_source=ListSource.PREVIOUS, previous=count,
    )  # fmt: skip
    assert manifest.personnel is not None and manifest.personnel.write_ins == 2
    record = run_step(manifest, text, [{"duc": Mark.CHOSEN}] * 5 + [{}] * 2).record()
    assert verify_link(record, count) is True
    path = tmp_path / "b3-e.json"
    path.write_bytes(record.to_bytes())
    code, out = _cli("verify", str(path), "--previous", str(b2), "-w", "1")
    assert code == 0, out
    # Paper step 4 (the key cadres) after the electronic step 3: Đức alone.
    code, out, _b4 = _paper(tmp_path, "b4", "b4-key-cadres", ["duc"], 12, [], previous=path)
    assert code == 0, out
    # Paper step 3 after an electronic step 2 takes write-ins too.
    e2 = step_manifest(
        text, "b2-extended", [Candidate(*r) for r in ROWS], round_id="b2-e",
        body="Sở Tư pháp tỉnh Ninh Bình", summoned=9,
        committee=["Ủy viên 1", "Ủy viên 2", "Ủy viên 3"], threshold=2, post="Giám đốc Sở",
    )  # fmt: skip
    votes = [{"an": Mark.CHOSEN}] * 3 + [{"binh": Mark.CHOSEN}] * 3 + [{}] * 3
    b2e = tmp_path / "b2-e.json"
    b2e.write_bytes(run_step(e2, text, votes).record().to_bytes())
    code, out, b3p = _paper(
        tmp_path, "b3-p", "b3-leadership", ["an", "binh", "duc"], 7, [], previous=b2e
    )
    assert code == 0, out
    p = _count(b3p).definition.personnel
    assert p is not None and p.write_ins == 1 and p.previous is not None
    assert p.previous.source == "record"
