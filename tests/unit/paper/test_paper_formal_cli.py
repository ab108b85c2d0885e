"""A formal confidence vote (bỏ phiếu tín nhiệm) on paper, end to end through the CLI.

The round follows its rule ``nq96-2023-formal``: two boxes on the sheet, two-option marks
at entry, and minutes with the formal-vote columns and, when more than half of ALL the
deputies of the body (``--members``, "quá nửa tổng số đại biểu") say no confidence, the
resignation path and the dismissal the nominating body submits if the official does not
resign (exactly half is not more than half).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import typer
from typer.testing import CliRunner

from tinnhiem.cli import paper_cmd

DISMISSAL = "có trách nhiệm trình Quốc hội (Hội đồng nhân dân) xem xét, quyết định việc miễn nhiệm"
LAW = "Luật Tổ chức Quốc hội số 57/2014/QH13, Điều 13, khoản 2"


def _app() -> typer.Typer:
    app = typer.Typer()
    paper_cmd.register(app)

    @app.callback()
    def root() -> None:
        """Test root, so that ``paper`` stays a command group."""

    return app


def _run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), ["paper", *args], input=input)
    return result.exit_code, result.output


def _text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _new_formal(tmp_path: Path, name: str, ballots: int, *extra: str) -> Path:
    officials = tmp_path / "officials.csv"
    officials.write_text(
        "id,name,position\nct,Hoàng Thị Ánh Tuyết,Chủ tịch UBND\npct,Đặng Quốc Việt,Phó Chủ tịch\n",
        encoding="utf-8",
    )
    committee = tmp_path / "committee.csv"
    committee.write_text("name,role\nPhạm Thị Hồng,Trưởng ban\nĐỗ Minh Quân,\n", encoding="utf-8")
    path = tmp_path / name
    code, out = _run(
        "new",
        str(path),
        "--officials",
        str(officials),
        "--committee",
        str(committee),
        "--rule",
        "nq96-2023-formal",
        "--round-id",
        "btn-2026",
        "--title",
        "Bỏ phiếu tín nhiệm tại kỳ họp thứ 9",
        "--body",
        "Hội đồng nhân dân xã Đông Hưng",
        "--date",
        "2026-11-29",
        "--by",
        "Ban tổ chức",
        "--ballots",
        str(ballots),
        *(extra if "--members" in extra else ("--members", str(ballots or 51), *extra)),
    )
    assert code == 0, out
    assert "bỏ phiếu tín nhiệm / formal confidence vote" in out
    return path


def _enter_both(path: Path, serial: int, marks: str, second: str | None = None) -> None:
    for operator, device, given in (("Lan", "m1", marks), ("Minh", "m2", second or marks)):
        code, out = _run(
            "enter", str(path), "--serial", str(serial), "-o", operator, "-d", device,
            "--marks", given,
        )  # fmt: skip
        assert code == 0, out


def _sheets(no_confidence: int, confidence: int) -> list[str]:
    """Marks for ct (the given split) and pct (confidence, one blank row on the last)."""
    rows = ["2,1"] * no_confidence + ["1,1"] * confidence
    rows[-1] = rows[-1][:2] + "0"
    return rows


def test_formal_vote_ballots_show_two_boxes_and_the_formal_title(tmp_path: Path) -> None:
    path = _new_formal(tmp_path, "round.jsonl", 2)
    code, out = _run("ballots", str(path), "--out", str(tmp_path / "b.pdf"))
    assert code == 0, out
    text = _text(tmp_path / "b.pdf")
    assert text.count("PHIẾU BỎ PHIẾU TÍN NHIỆM") == 2
    assert "LẤY PHIẾU" not in text
    assert "STT Họ và tên, chức vụ Tín nhiệm Không tín nhiệm 1 Hoàng Thị Ánh Tuyết" in text
    assert "Tín nhiệm cao" not in text and "Tín nhiệm thấp" not in text
    assert "Tín nhiệm hoặc Không tín nhiệm" in text
    assert "Số phiếu" not in text and "Serial" not in text  # identical, untraceable sheets


def test_formal_vote_26_of_51_no_confidence_must_submit_dismissal(tmp_path: Path) -> None:
    path = _new_formal(tmp_path, "round.jsonl", 51, "--members", "51")
    sheets = _sheets(26, 25)
    # serial 1: Minh reads ct as confidence; the committee reads the paper: no confidence
    _enter_both(path, 1, sheets[0], second="1,1")
    for serial, marks in enumerate(sheets[1:], start=2):
        _enter_both(path, serial, marks)

    code, out = _run("status", str(path))
    assert code == 0
    assert "CHÊNH LỆCH / disagreement phiếu 0001, ct (Hoàng Thị Ánh Tuyết)" in out
    assert "Lan=Không tín nhiệm (2), Minh=Tín nhiệm (1)" in out
    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.pdf"))
    assert code == 2 and "1 disagreement" in out

    code, out = _run(
        "resolve", str(path), "--serial", "1", "--field", "ct", "--value", "no_confidence",
        "--by", "Phạm Thị Hồng", "--note", "đọc lại phiếu gốc",
    )  # fmt: skip
    assert code == 0 and "counted" in out, out
    assert _run("returned", str(path), "--count", "51", "--by", "Phạm Thị Hồng")[0] == 0

    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.pdf"))
    assert code == 0, out
    text = _text(tmp_path / "m.pdf")
    assert "BIÊN BẢN KIỂM PHIẾU" in text
    assert "kiểm phiếu bỏ phiếu tín nhiệm" in text
    assert "Tín nhiệm Không tín nhiệm Số phiếu Tỷ lệ Số phiếu Tỷ lệ" in text
    # ct: 25 confidence, 26 no confidence of 51 returned; pct: 50 confidence, 1 blank row
    assert "Hoàng Thị Ánh Tuyết Chủ tịch UBND 51 51 51 0 25 49,02% 26 50,98%" in text
    assert "Đặng Quốc Việt Phó Chủ tịch 51 51 50 1 50 98,04% 0 0,00%" in text
    assert "Quá nửa tổng số đại biểu bỏ phiếu không tín nhiệm" in text
    assert text.count(DISMISSAL) == 1
    assert LAW in text
    assert "Có thể xin từ chức" in text  # the resignation path stays open
    assert "Những người còn lại không thuộc trường hợp nào của quy định" in text  # pct
    assert "Ban kiểm phiếu quyết định | phiếu 0001, ct = no_confidence" in text
    assert "Tạo vòng bỏ phiếu tín nhiệm |" in text

    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.csv"), "--format", "csv")
    assert code == 0, out
    csv_text = (tmp_path / "m.csv").read_bytes().decode("utf-8-sig")
    assert "Tín nhiệm,Tỷ lệ tín nhiệm (%),Không tín nhiệm,Tỷ lệ không tín nhiệm (%)" in csv_text
    assert ",25,49.02,26,50.98," in csv_text

    code, out = _run("log", str(path))
    assert code == 0 and "hash chain intact" in out
    first = json.loads(path.read_text("utf-8").splitlines()[0])
    assert first["data"]["round"]["kind"] == "formal_vote"


def test_formal_vote_exactly_half_is_not_more_than_half(tmp_path: Path) -> None:
    path = _new_formal(tmp_path, "round.jsonl", 50)
    for serial, marks in enumerate(_sheets(25, 25), start=1):
        _enter_both(path, serial, marks)
    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.pdf"))
    assert code == 0, out
    text = _text(tmp_path / "m.pdf")
    assert "Hoàng Thị Ánh Tuyết Chủ tịch UBND 50 50 50 0 25 50,00% 25 50,00%" in text
    assert DISMISSAL not in text
    assert "Quá nửa tổng số đại biểu bỏ phiếu không tín nhiệm" not in text
    assert "Không có người nào thuộc các trường hợp của quy định" in text


def test_formal_vote_counts_over_all_members_not_the_sheets(tmp_path: Path) -> None:
    """Issue 10: 3 "không tín nhiệm" of 4 sheets in a body of 50 is not more than half of
    the deputies (Luật Tổ chức Quốc hội, Điều 13, khoản 2): no dismissal is printed."""
    path = _new_formal(tmp_path, "round.jsonl", 4, "--members", "50")
    for serial, marks in enumerate(_sheets(3, 1), start=1):
        _enter_both(path, serial, marks)
    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.pdf"))
    assert code == 0, out
    text = _text(tmp_path / "m.pdf")
    assert DISMISSAL not in text and "miễn nhiệm" not in text.split("III.")[1].split("IV.")[0]
    assert "Quá nửa tổng số đại biểu" not in text
    # percentages over the 50 deputies: 3/50 = 6,00%
    assert "1 2,00% 3 6,00%" in text
    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.csv"), "--format", "csv")
    assert code == 0, out
    assert ",1,2.00,3,6.00," in (tmp_path / "m.csv").read_bytes().decode("utf-8-sig")


def test_formal_vote_on_paper_needs_the_number_of_members(tmp_path: Path) -> None:
    officials = tmp_path / "officials.csv"
    officials.write_text("id,name\nct,Hoàng Thị Ánh Tuyết\n", encoding="utf-8")
    code, out = _run(
        "new", str(tmp_path / "r.jsonl"), "--officials", str(officials),
        "--rule", "nq96-2023-formal", "--round-id", "b", "--title", "t", "--body", "HĐND",
        "--date", "2026-11-29", "--by", "x", "--ballots", "4",
    )  # fmt: skip
    assert code == 2 and "--members" in out
    assert not (tmp_path / "r.jsonl").exists()


def test_a_poll_mark_on_a_formal_ballot_is_refused_and_nothing_logged(tmp_path: Path) -> None:
    path = _new_formal(tmp_path, "round.jsonl", 3)
    before = path.read_bytes()
    code, out = _run("enter", str(path), "--serial", "2", "-o", "Lan", "-d", "m1", "--marks", "3,1")
    assert code == 2
    assert out.startswith("tinnhiem: error: ")
    assert "serial 2, mark 1" in out
    assert "1 = Tín nhiệm, 2 = Không tín nhiệm" in out
    code, out = _run(
        "enter", str(path), "--serial", "2", "-o", "Lan", "-d", "m1", "--marks", "1,high"
    )
    assert code == 2
    assert "serial 2, mark 2" in out and "Tín nhiệm cao (high) is not on this ballot" in out
    code, out = _run(
        "resolve", str(path), "--serial", "2", "--field", "ct", "--value", "low", "--by", "Hồng"
    )
    assert code == 2 and "serial 2, row 1 (ct)" in out
    assert path.read_bytes() == before


def test_formal_vote_prompt_offers_the_two_options(tmp_path: Path) -> None:
    path = _new_formal(tmp_path, "round.jsonl", 1)
    # "3" (a poll code) is refused and asked again; then 2, and 1 for the second row
    code, out = _run(
        "enter", str(path), "--serial", "1", "-o", "Lan", "-d", "m1", input="3\n2\n1\n"
    )
    assert code == 0, out
    assert "[1 tín nhiệm / 2 không tín nhiệm / 0 trống / x;" in out
    assert "unknown mark '3'" in out
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    marks = [line["data"]["value"] for line in lines if line["action"] == "mark_set"]
    assert marks == ["no_confidence", "confidence"]


def test_formal_vote_totals_take_the_two_option_counts(tmp_path: Path) -> None:
    path = _new_formal(tmp_path, "round.jsonl", 0, "--totals")
    counts = tmp_path / "counts.csv"
    counts.write_text("id,confidence,no_confidence,invalid\nct,25,26,0\npct,49,1,1\n", "utf-8")
    other = tmp_path / "other.csv"
    other.write_text("id,confidence,no_confidence,invalid\nct,24,27,0\npct,49,1,1\n", "utf-8")
    poll = tmp_path / "poll.csv"
    poll.write_text("id,high,confident,low,invalid\nct,25,0,26,0\npct,49,1,0,1\n", "utf-8")
    common = ("--issued", "51", "--returned", "51")
    before = path.read_bytes()
    code, out = _run("totals", str(path), "-o", "Lan", "-d", "m1", "--counts", str(poll), *common)
    assert code == 2 and "missing column(s) confidence, no_confidence" in out
    assert path.read_bytes() == before
    for operator, device, sheet in (("Lan", "m1", counts), ("Minh", "m2", other)):
        code, out = _run(
            "totals", str(path), "-o", operator, "-d", device, "--counts", str(sheet), *common
        )
        assert code == 0, out
    code, out = _run("status", str(path))
    assert "tổng hợp, ct.confidence: Lan=25, Minh=24" in out
    assert "tổng hợp, ct.no_confidence: Lan=26, Minh=27" in out
    for field, value in (("ct.confidence", "25"), ("ct.no_confidence", "26")):
        code, out = _run("resolve", str(path), "--field", field, "--value", value, "--by", "Hồng")
        assert code == 0, out
    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.pdf"))
    assert code == 0, out
    text = _text(tmp_path / "m.pdf")
    assert "25 49,02% 26 50,98%" in text
    assert text.count(DISMISSAL) == 1


def test_mixed_formal_round_takes_formal_electronic_counts(tmp_path: Path) -> None:
    path = _new_formal(tmp_path, "round.jsonl", 3, "--mixed", "--members", "5")
    for voter in ("V1", "V2"):
        assert _run("issue", str(path), "--voter", voter, "--by", "Hồng")[0] == 0
    _enter_both(path, 1, "2,1")
    _enter_both(path, 2, "2,x")
    voters = tmp_path / "voters.csv"
    voters.write_text("voter,credential,cast\nV2,1,1\nV3,1,1\nV4,1,0\n", "utf-8")
    poll = tmp_path / "poll.csv"
    poll.write_text("id,high,confident,low,invalid\nct,0,0,2,0\npct,2,0,0,0\n", "utf-8")
    counts = tmp_path / "counts.csv"
    counts.write_text("id,confidence,no_confidence,invalid\nct,0,2,0\npct,1,0,1\n", "utf-8")
    before = path.read_bytes()
    args = ("electronic", str(path), "--voters", str(voters), "--by", "Hồng", "--counts")
    code, out = _run(*args, str(poll))
    assert code == 2 and "missing column(s) confidence, no_confidence" in out
    assert path.read_bytes() == before
    code, out = _run(*args, str(counts))
    assert code == 0, out
    code, out = _run("status", str(path))
    # V2 received paper, then cast electronically: no sheet can be tied to V2, so both
    # came back and the conflict is reported for the committee to decide.
    assert "Một người đã nhận phiếu giấy và đã bỏ phiếu điện tử" in out
    assert "thu về / returned 4 (giấy 2, điện tử 2)" in out
    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.csv"), "--format", "csv")
    assert code == 0, out
    text = (tmp_path / "m.csv").read_bytes().decode("utf-8-sig")
    # ct: two paper sheets (no confidence) + 2 electronic no confidence, over the 5 members
    assert ",ct,Hoàng Thị Ánh Tuyết,Chủ tịch UBND,5,4,4,0,0,0.00,4,80.00,5," in text
    assert ",pct,Đặng Quốc Việt,Phó Chủ tịch,5,4,2,2,2,40.00,0,0.00,5," in text
