"""An electronic step after a paper one (issue 14: a procedure run partly on paper): step 2
is counted on paper (``paper new``/``paper enter``), step 3 runs electronically on the list
that count sent on, and its record links the paper entry log (``"source": "paper"``, the
log's head). ``tinnhiem verify RECORD --previous LOG`` decides the paper count again and
checks the list; another log, a record in place of the log, or a changed list fail. A tie
on paper settled by the head links its settlement the same way."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from tinnhiem.ballots import Mark
from tinnhiem.ballots.manifest import ListSource
from tinnhiem.cli import app
from tinnhiem.errors import InputError
from tinnhiem.paper import EntryLog, PaperSession
from tinnhiem.paper.log import read_log
from tinnhiem.paper.personnel import PersonnelTally
from tinnhiem.poll.personnel import (
    Candidate,
    next_candidates,
    run_step,
    source_decision,
    step_manifest,
)
from tinnhiem.record import ElectionRecord
from tinnhiem.rules.settlement import Settlement
from tinnhiem.tally import load_procedure_text

QD80 = "appointment-qd80-2022"
PEOPLE = "id,name,position\nan,Nguyễn Văn An,Phó Giám đốc\nbinh,Trần Thị Bình,Trưởng phòng\n"
PEOPLE += "chi,Lê Văn Chí,Trưởng phòng\n"
DECIDER = [
    "--by", "Hoàng Văn Giám", "--post", "Giám đốc Sở", "--document", "Số 12/QĐ-STP",
    "--date", "2026-03-12", "--reason", "Bà Bình có thời gian công tác dài hơn",
]  # fmt: skip


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines


def _paper_step2(tmp: Path, name: str, marks: list[str]) -> Path:
    """Step 2 of QĐ 80 on paper, 9 summoned and present, each sheet entered twice."""
    people = tmp / f"{name}.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    log = tmp / f"{name}.jsonl"
    code, text = _cli(
        "paper", "new", str(log), "--procedure", QD80, "--step", "b2-introduce",
        "--candidates", str(people), "--round-id", name, "--title", "Bổ nhiệm Giám đốc Sở",
        "--body", "Sở Tư pháp tỉnh Ninh Bình", "--date", "2026-03-10", "--by", "Văn phòng",
        "--summoned", "9", "--present", "9",
    )  # fmt: skip
    assert code == 0, text
    for serial, m in enumerate(marks, start=1):
        for op in ("op1", "op2"):
            code, text = _cli("paper", "enter", str(log), "--serial", str(serial), "-o", op,
                              "-d", op, "--marks", m)  # fmt: skip
            assert code == 0, text
    return log


def _count(log: Path) -> PersonnelTally:
    return PaperSession(EntryLog(read_log(log))).personnel_tally()


def _step3(previous: PersonnelTally, settlement: Settlement | None = None) -> ElectionRecord:
    """Step 3 (the leadership collective, 5 members) electronically on who went on."""
    proc = load_procedure_text(QD80)
    candidates = next_candidates(previous, settlement)
    manifest = step_manifest(
        proc,
        "b3-leadership",
        candidates,
        round_id="b3-electronic",
        body="Sở Tư pháp tỉnh Ninh Bình",
        summoned=5,
        committee=["Ủy viên 1", "Ủy viên 2", "Ủy viên 3"],
        threshold=2,
        post="Giám đốc Sở",
        list_source=ListSource.PREVIOUS,
        previous=previous,
        settlement=settlement,
    )
    first = candidates[0].id
    ballots: list[dict[str, Mark]] = [{first: Mark.CHOSEN}] * 4 + [{}]
    return run_step(manifest, proc, ballots).record()


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Paper step 2 (An 5 of 9: above half, An goes on) and the electronic step 3."""
    tmp = tmp_path_factory.mktemp("paper-then-electronic")
    b2 = _paper_step2(tmp, "b2", ["100"] * 5 + ["010"] * 2 + ["001"] + ["000"])
    record = _step3(_count(b2))
    b3 = tmp / "b3.json"
    b3.write_bytes(record.to_bytes())
    other = _paper_step2(tmp, "b2-other", ["100"] * 6 + ["010"] * 3)
    return b2, b3, other


def test_the_record_links_the_paper_log(linked: tuple[Path, Path, Path]) -> None:
    b2, b3, _other = linked
    record = json.loads(b3.read_text(encoding="utf-8"))
    link = record["manifest"]["personnel"]["previous"]
    count = _count(b2)
    assert link == {"round_id": "b2", "step": "b2-introduce", "head": count.head,
                    "source": "paper"}  # fmt: skip
    assert [o["id"] for o in record["manifest"]["officials"]] == ["an"]
    assert [o["name"] for o in record["manifest"]["officials"]] == ["Nguyễn Văn An"]
    decided = source_decision(count)
    assert decided.decision.advancing == ("an",)
    assert (decided.round_id, decided.head) == ("b2", count.head)


def test_verify_with_the_paper_log(linked: tuple[Path, Path, Path]) -> None:
    b2, b3, _other = linked
    code, text = _cli("verify", str(b3), "--previous", str(b2))
    assert code == 0, text
    assert "HỢP LỆ / VALID" in text
    assert "follows step b2-introduce (b2 — phiếu giấy / on paper" in text
    assert "đã kiểm tra / checked" in text


def test_verify_refuses_another_log_or_a_record(linked: tuple[Path, Path, Path]) -> None:
    b2, b3, other = linked
    code, text = _cli("verify", str(b3), "--previous", str(other))
    assert code == 1, text
    assert "manifest.personnel.previous.round_id" in text
    # The same round id, but the log grew after the link was made: the head differs.
    grown = b2.parent / "b2-grown.jsonl"
    grown.write_bytes(b2.read_bytes())
    code, text = _cli("paper", "returned", str(grown), "--count", "9", "--by", "Văn phòng")
    assert code == 0, text
    code, text = _cli("verify", str(b3), "--previous", str(grown))
    assert code == 1, text
    assert "manifest.personnel.previous.head" in text
    # An electronic record given where the link names a paper log.
    code, text = _cli("verify", str(b3), "--previous", str(b3))
    assert code == 1, text
    assert "manifest.personnel.previous.source" in text


def test_the_list_must_be_who_the_paper_count_sent_on(linked: tuple[Path, Path, Path]) -> None:
    b2, _b3, _other = linked
    proc = load_procedure_text(QD80)
    with pytest.raises(InputError, match="sent on an; this list is binh"):
        step_manifest(
            proc, "b3-leadership", [Candidate("binh", "Trần Thị Bình")],
            round_id="b3-wrong", body="Sở", summoned=5, committee=["A", "B", "C"],
            threshold=2, post="Giám đốc Sở", previous=_count(b2),
        )  # fmt: skip


def test_a_paper_tie_settled_then_an_electronic_step(tmp_path: Path) -> None:
    """An 4, Bình 2, Chí 2, one blank of 9: nobody above half, a tie at the cut of the two
    highest; the head's settlement sends An and Bình on; step 3 runs electronically."""
    b2 = _paper_step2(tmp_path, "b2t", ["100"] * 4 + ["010"] * 2 + ["001"] * 2 + ["000"])
    s = tmp_path / "s.json"
    code, text = _cli("settle", str(b2), *DECIDER, "--choose", "binh", "--out", str(s))
    assert code == 0, text
    settlement = Settlement.from_bytes(s.read_bytes())
    with pytest.raises(InputError, match="waits on a person"):
        _step3(_count(b2))
    record = _step3(_count(b2), settlement)
    link = record.manifest.personnel.previous  # type: ignore[union-attr]
    assert link is not None and link.source == "paper"
    assert link.settlement == settlement.digest
    assert list(record.manifest.official_ids) == ["an", "binh"]
    b3 = tmp_path / "b3t.json"
    b3.write_bytes(record.to_bytes())
    code, text = _cli("verify", str(b3), "--previous", str(b2), "--settlement", str(s))
    assert code == 0, text
    assert "Theo quyết định / settled by" in text and "đã kiểm tra / checked —" in text
    code, text = _cli("verify", str(b3), "--previous", str(b2))
    assert code == 0, text
    assert "not checked: add --previous RECORD --settlement FILE" in text
    # The minutes of step 3 cite the decision in full when it is given, its digest otherwise.
    pdf = tmp_path / "b3t.pdf"
    code, text = _cli("report", str(b3), "--out", str(pdf), "--settlement", str(s))
    assert code == 0, text
    minutes = _pdf_text(pdf)
    assert "Theo quyết định của Hoàng Văn Giám (Giám đốc Sở), văn bản Số 12/QĐ-STP" in minutes
    assert "ngày 12 tháng 3 năm 2026" in minutes
    code, text = _cli("report", str(b3), "--out", str(pdf))
    assert code == 0, text
    minutes = _pdf_text(pdf)
    assert "Theo quyết định của Hoàng Văn Giám" not in minutes
    assert settlement.digest[:8] in minutes
    assert "văn bản quyết định không kèm theo biên bản này" in minutes
    # The previous step was counted on paper: its head is the entry log's, not a board's.
    assert "vòng b2t, mã băm cuối nhật ký nhập phiếu" in minutes
    # The minutes stay in Vietnamese: QĐ 80's clause read only in an English translation is
    # not quoted, and bilingual labels are cut to Vietnamese.
    assert "For on-site human resources" not in minutes
    assert "trích dẫn chỉ đọc được qua bản dịch, xem văn bản nguồn" in minutes
    assert "leadership collective" not in minutes and "/ everyone summoned" not in minutes
    other = tmp_path / "other.json"
    code, text = _cli("settle", str(b2), *DECIDER, "--choose", "chi", "--out", str(other))
    assert code == 0, text
    code, text = _cli("report", str(b3), "--out", str(pdf), "--settlement", str(other))
    assert code != 0 and "not the one the record's link names" in text
    code, text = _cli("report", str(b2), "--out", str(pdf), "--settlement", str(s))
    assert code != 0 and "carries the settlement" in text


def _pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _paper_step3(tmp: Path, name: str, previous: Path, people_csv: str) -> Path:
    """Step 3 of QĐ 80 on paper, linked to ``previous`` (a paper log or a record)."""
    people = tmp / f"{name}.csv"
    people.write_text(people_csv, encoding="utf-8")
    log = tmp / f"{name}.jsonl"
    code, text = _cli(
        "paper", "new", str(log), "--procedure", QD80, "--step", "b3-leadership",
        "--candidates", str(people), "--round-id", name, "--title", "Bổ nhiệm Giám đốc Sở",
        "--body", "Sở Tư pháp tỉnh Ninh Bình", "--date", "2026-03-11", "--by", "Văn phòng",
        "--summoned", "5", "--present", "5", "--previous", str(previous),
    )  # fmt: skip
    assert code == 0, text
    return log


def test_verify_a_paper_step_against_the_step_before(
    linked: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """``tinnhiem verify LOG --previous PREV`` checks a paper step's link too: to another
    paper log (decided again) or to an electronic record (verified first)."""
    b2, _b3, other = linked
    an = "id,name,position\nan,Nguyễn Văn An,Phó Giám đốc\n"
    b3 = _paper_step3(tmp_path, "b3-paper", b2, an)
    code, text = _cli("verify", str(b3))
    assert code == 0, text
    assert "follows step b2-introduce (b2 — phiếu giấy / on paper" in text
    assert "not checked: add --previous RECORD" in text
    code, text = _cli("verify", str(b3), "--previous", str(b2))
    assert code == 0, text
    assert "đã kiểm tra / checked" in text
    code, text = _cli("verify", str(b3), "--previous", str(other))
    assert code == 1, text
    assert "personnel.previous.round_id" in text

    # After an electronic step 2: the paper step links its record's final board head.
    proc = load_procedure_text(QD80)
    people = [Candidate("an", "Nguyễn Văn An", "Phó Giám đốc"), Candidate("binh", "Trần Thị Bình")]
    manifest = step_manifest(
        proc, "b2-introduce", people, round_id="b2-electronic", body="Sở Tư pháp",
        summoned=5, committee=["A", "B", "C"], threshold=2, post="Giám đốc Sở",
        list_source=ListSource.PLANNING,
    )  # fmt: skip
    ballots: list[dict[str, Mark]] = [{"an": Mark.CHOSEN}] * 3 + [{"binh": Mark.CHOSEN}, {}]
    record = run_step(manifest, proc, ballots).record()
    b2e = tmp_path / "b2e.json"
    b2e.write_bytes(record.to_bytes())
    b3e = _paper_step3(tmp_path, "b3-after-electronic", b2e, an)
    code, text = _cli("verify", str(b3e), "--previous", str(b2e))
    assert code == 0, text
    assert "follows step b2-introduce (b2-electronic," in text and "đã kiểm tra / checked" in text
    code, text = _cli("verify", str(b3e), "--previous", str(b2))  # a paper log, not the record
    assert code == 1, text
    assert "personnel.previous" in text
