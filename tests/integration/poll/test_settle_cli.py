"""``tinnhiem settle`` and ``tinnhiem verify --previous --settlement`` (issue 14): step 2
ends in a tie at the cut of the two highest (6, 4, 4 of 15); the head's decision is written
as a settlement; step 3 runs on the settled list and verifies against step 2 with it; a
changed settlement or another list fails; a paper step 3 links the same settlement
(``paper new --previous --settlement``), and so does a paper step 2 settled on paper."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from tinnhiem.ballots import Mark
from tinnhiem.ballots.manifest import ListSource
from tinnhiem.cli import app
from tinnhiem.paper.verify import verify_paper_log
from tinnhiem.poll.personnel import Candidate, next_candidates, run_step, step_manifest
from tinnhiem.record import ElectionRecord
from tinnhiem.rules.settlement import Settlement
from tinnhiem.tally import load_procedure_text

QD80 = "appointment-qd80-2022"
C = Mark.CHOSEN
PEOPLE = [
    Candidate("nva", "Nguyễn Văn An", "Phó Giám đốc Sở"),
    Candidate("ttb", "Trần Thị Bình", "Trưởng phòng"),
    Candidate("lvc", "Lê Văn Chí", "Chánh Văn phòng"),
]
DECIDER = [
    "--by", "Hoàng Văn Giám", "--post", "Giám đốc Sở", "--document", "Số 12/QĐ-STP",
    "--date", "2026-03-12", "--reason", "Bà Bình có thời gian công tác dài hơn",
]  # fmt: skip


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines


def _manifest(step, candidates, *, rid, summoned, previous=None, settlement=None):
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
        list_source=ListSource.PLANNING if previous is None else ListSource.PREVIOUS,
        previous=previous,
        settlement=settlement,
    )


def _write(record: ElectionRecord, path: Path) -> Path:
    path.write_bytes(record.to_bytes())
    return path


@pytest.fixture(scope="module")
def b2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("settle")
    ballots = [{"nva": C}] * 6 + [{"ttb": C}] * 4 + [{"lvc": C}] * 4 + [{}]
    m = _manifest("b2-introduce", PEOPLE, rid="r-b2", summoned=15)
    return _write(run_step(m, load_procedure_text(QD80), ballots).record(), tmp / "b2.json")


def test_settle_then_verify_the_next_step(b2: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    code, text = _cli("settle", str(b2), *DECIDER, "--choose", "ttb", "--out", str(out))
    assert code == 0, text
    assert "Hoàng Văn Giám (Giám đốc Sở) quyết định tại văn bản Số 12/QĐ-STP" in text
    assert "ngày 12 tháng 3 năm 2026: những người tiếp tục: Nguyễn Văn An, Trần Thị Bình" in text
    assert "Văn bản đã đọc không quy định trường hợp này" in text
    settlement = Settlement.from_bytes(out.read_bytes())
    assert settlement.advancing == ("nva", "ttb") and settlement.next_step == "b3-leadership"
    # A settlement is never overwritten.
    code, text = _cli("settle", str(b2), *DECIDER, "--choose", "lvc", "--out", str(out))
    assert code == 2 and "never overwritten" in text

    previous = ElectionRecord.from_json(json.loads(b2.read_bytes()))
    people = next_candidates(previous, settlement)
    m3 = _manifest(
        "b3-leadership", people, rid="r-b3", summoned=7, previous=previous, settlement=settlement
    )
    ballots = [{"nva": C}] * 5 + [{"ttb": C}] * 2
    b3 = _write(run_step(m3, load_procedure_text(QD80), ballots).record(), tmp_path / "b3.json")
    code, text = _cli("verify", str(b3), "--previous", str(b2), "--settlement", str(out), "-w", "1")
    assert code == 0, text
    assert "Theo quyết định / settled by" in text and "đã kiểm tra / checked" in text
    code, text = _cli("verify", str(b3), "--previous", str(b2), "-w", "1")
    assert code == 0, text
    # The browser verifier's modules accept the link's settlement field (schema, §3.13).
    frontend = Path(__file__).resolve().parents[3] / "frontend"
    node = subprocess.run(
        ["node", "tools/verify.mjs", str(b3)], cwd=frontend, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert node.returncode == 0, node.stdout + node.stderr
    assert json.loads(node.stdout.splitlines()[0])["exit"] == 0
    assert "chưa kiểm tra: thêm --previous HỒ_SƠ --settlement TỆP" in text

    # A settlement changed after it was written (its digest no longer matches) fails.
    data = json.loads(out.read_bytes())
    data["advancing"] = ["nva", "lvc"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, text = _cli("verify", str(b3), "--previous", str(b2), "--settlement", str(bad), "-w", "1")
    assert code == 1 and "settlement.digest" in text, text
    # Another valid settlement (Chí chosen) is not the one the link names.
    other = tmp_path / "other.json"
    code, text = _cli("settle", str(b2), *DECIDER, "--choose", "lvc", "--out", str(other))
    assert code == 0, text
    code, text = _cli(
        "verify", str(b3), "--previous", str(b2), "--settlement", str(other), "-w", "1"
    )
    assert code == 1 and "manifest.personnel.previous.settlement" in text, text
    # A round whose list differs from the settled one (Chí instead of Bình) fails.
    forged = _manifest(
        "b3-leadership", [PEOPLE[0], PEOPLE[2]], rid="r-b3x", summoned=7, previous=previous,
        settlement=settlement,
    )  # fmt: skip
    b3x = _write(
        run_step(forged, load_procedure_text(QD80), ballots[:5]).record(), tmp_path / "b3x.json"
    )
    code, text = _cli(
        "verify", str(b3x), "--previous", str(b2), "--settlement", str(out), "-w", "1"
    )
    assert code == 1 and "manifest.officials" in text, text

    # A step its count decided is not settled; nor is a name not concerned chosen.
    code, text = _cli("settle", str(b3), *DECIDER, "--choose", "nva", "--out", str(tmp_path / "x"))
    assert code == 2 and "only a pending step can be settled" in text, text
    code, text = _cli("settle", str(b2), *DECIDER, "--choose", "nva", "--choose", "zzz",
                      "--out", str(tmp_path / "y"))  # fmt: skip
    assert code == 2 and "zzz: not among the names concerned" in text, text
    code, text = _cli("settle", str(b2), *DECIDER, "--stop", "--choose", "ttb",
                      "--out", str(tmp_path / "z"))  # fmt: skip
    assert code == 2 and "give exactly one of --choose" in text, text

    # A paper step 3 after the electronic step 2 links the same settlement.
    csv = tmp_path / "b3.csv"
    csv.write_text("id,name,position\nnva,Nguyễn Văn An,\nttb,Trần Thị Bình,\n", encoding="utf-8")
    base = [
        "paper", "new", "--procedure", QD80, "--step", "b3-leadership", "--candidates", str(csv),
        "--round-id", "p-b3", "--title", "Bổ nhiệm Giám đốc Sở", "--body", "Sở Tư pháp",
        "--date", "2026-03-13", "--by", "Văn phòng", "--summoned", "7", "--present", "7",
        "--previous", str(b2),
    ]  # fmt: skip
    code, text = _cli(*base[:2], str(tmp_path / "p0.jsonl"), *base[2:])
    assert code == 2 and "waits on a person's decision: give the settlement" in text, text
    code, text = _cli(*base[:2], str(tmp_path / "p1.jsonl"), *base[2:], "--settlement", str(out))
    assert code == 0, text
    assert "Theo quyết định / as settled: Hoàng Văn Giám" in text


def _pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_paper_steps_settled_on_paper(tmp_path: Path) -> None:
    """Step 2 on paper: An 4, Bình 2, Chí 2, one blank of 9 — a tie at the cut of the two
    highest; settled from the paper log; step 3 on paper links it; its minutes cite it."""
    people = tmp_path / "b2.csv"
    people.write_text(
        "id,name,position\nan,Nguyễn Văn An,Phó Giám đốc\nbinh,Trần Thị Bình,Trưởng phòng\n"
        "chi,Lê Văn Chí,Trưởng phòng\n",
        encoding="utf-8",
    )
    common = ["--title", "Bổ nhiệm Giám đốc Sở", "--body", "Sở Tư pháp tỉnh Ninh Bình",
              "--date", "2026-03-10", "--by", "Văn phòng", "--summoned", "9",
              "--present", "9"]  # fmt: skip
    b2 = tmp_path / "b2.jsonl"
    code, text = _cli("paper", "new", str(b2), "--procedure", QD80, "--step", "b2-introduce",
                      "--candidates", str(people), "--round-id", "b2", *common)  # fmt: skip
    assert code == 0, text
    marks = ["100"] * 4 + ["010"] * 2 + ["001"] * 2 + ["000"]
    for serial, m in enumerate(marks, start=1):
        for op in ("op1", "op2"):
            code, text = _cli("paper", "enter", str(b2), "--serial", str(serial), "-o", op,
                              "-d", op, "--marks", m)  # fmt: skip
            assert code == 0, text
    s = tmp_path / "s.json"
    code, text = _cli("settle", str(b2), *DECIDER, "--choose", "binh", "--out", str(s))
    assert code == 0, text
    settled = Settlement.from_bytes(s.read_bytes())
    assert settled.advancing == ("an", "binh")
    assert settled.head == verify_paper_log(b2).head
    b3_people = tmp_path / "b3.csv"
    b3_people.write_text(
        "id,name,position\nan,Nguyễn Văn An,Phó Giám đốc\nbinh,Trần Thị Bình,Trưởng phòng\n",
        encoding="utf-8",
    )
    b3 = tmp_path / "b3.jsonl"
    code, text = _cli("paper", "new", str(b3), "--procedure", QD80, "--step", "b3-leadership",
                      "--candidates", str(b3_people), "--round-id", "b3", *common,
                      "--previous", str(b2), "--settlement", str(s))  # fmt: skip
    assert code == 0, text
    for serial in range(1, 10):
        for op in ("op1", "op2"):
            code, text = _cli("paper", "enter", str(b3), "--serial", str(serial), "-o", op,
                              "-d", op, "--marks", "10")  # fmt: skip
            assert code == 0, text
    pdf = tmp_path / "b3.pdf"
    code, text = _cli("paper", "minutes", str(b3), "--out", str(pdf))
    assert code == 0, text
    minutes = _pdf_text(pdf)
    assert "Theo quyết định của Hoàng Văn Giám (Giám đốc Sở), văn bản Số 12/QĐ-STP" in minutes
    assert "ngày 12 tháng 3 năm 2026: Nguyễn Văn An, Trần Thị Bình tiếp tục" in minutes
    assert "Văn bản đã đọc không quy định trường hợp này" in minutes
    # The pending step's own minutes say it waits on a person, with the clause.
    pdf2 = tmp_path / "b2.pdf"
    code, text = _cli("paper", "minutes", str(b2), "--out", str(pdf2))
    assert code == 0, text
    minutes2 = _pdf_text(pdf2)
    assert "Cần người có thẩm quyền quyết định đối với: Trần Thị Bình, Lê Văn Chí" in minutes2
    assert verify_paper_log(b3).complete
