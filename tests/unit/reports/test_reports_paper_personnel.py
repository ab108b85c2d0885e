"""`tinnhiem paper` for a personnel step end to end (issue 14): new, enter, resolve,
minutes (text from the PDF), the next step linked to it, and `verify` on the log."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import typer
from typer.testing import CliRunner

from tinnhiem.cli import paper_cmd
from tinnhiem.paper.verify import verify_paper_log
from tinnhiem.tally.personnel import NOT_CONFIRMED


def _run(*args: str) -> tuple[int, str]:
    app = typer.Typer()
    paper_cmd.register(app)

    @app.callback()
    def root() -> None:
        """Test root."""

    result = CliRunner().invoke(app, ["paper", *args])
    return result.exit_code, result.output


def _text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _new(tmp: Path, name: str, step: str, people: str, *extra: str) -> Path:
    csv = tmp / f"{name}.csv"
    csv.write_text("id,name,position\n" + people, encoding="utf-8")
    path = tmp / f"{name}.jsonl"
    code, out = _run(
        "new", str(path), "--procedure", "appointment-qd80-2022", "--step", step,
        "--candidates", str(csv), "--round-id", name, "--title", "Bổ nhiệm Giám đốc Sở",
        "--body", "Sở Tư pháp tỉnh Ninh Bình", "--date", "2025-03-10", "--by", "Văn phòng",
        "--summoned", "9", "--present", "9", "--place", "Hoa Lư", *extra,
    )  # fmt: skip
    assert code == 0, out
    return path


def _enter(path: Path, serial: int, marks: str, second: str | None = None) -> None:
    for op, codes in (("op1", marks), ("op2", second or marks)):
        code, out = _run(
            "enter", str(path), "--serial", str(serial), "-o", op, "-d", op, "--marks", codes
        )
        assert code == 0, out


PEOPLE = "an,Nguyễn Văn An,Phó Giám đốc\nbinh,Trần Thị Bình,Trưởng phòng\n"


def test_an_introduction_step_then_the_next_on_paper(tmp_path: Path) -> None:
    b2 = _new(tmp_path, "b2", "b2-introduce", PEOPLE)
    for serial in range(1, 6):
        _enter(b2, serial, "10")
    _enter(b2, 6, "01", "10")  # the operators read sheet 6 differently
    _enter(b2, 7, "11")  # two ticks where one is allowed: the sheet is invalid
    _enter(b2, 8, "00")  # a blank ballot
    code, out = _run("status", str(b2))
    assert "CHÊNH LỆCH" in out and "op1=Không chọn (0)" in out
    code, out = _run("minutes", str(b2), "--out", str(tmp_path / "x.pdf"))
    assert code != 0 and not (tmp_path / "x.pdf").exists()
    for field, value in (("an", "0"), ("binh", "1")):
        code, out = _run(
            "resolve", str(b2), "--serial", "6", "--field", field, "--value", value,
            "--by", "Trưởng ban",
        )  # fmt: skip
        assert code == 0, out
    pdf = tmp_path / "b2.pdf"
    code, out = _run("minutes", str(b2), "--out", str(pdf))
    assert code == 0, out
    assert "goes on: Nguyễn Văn An → b3-leadership" in out
    text = _text(pdf)
    for expected in (
        "BIÊN BẢN KIỂM PHIẾU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hoa Lư, ngày 10 tháng 3 năm 2025",
        "Bước 2",
        "Số phiếu thu về: 8; hợp lệ: 7; không hợp lệ: 1 (trong đó 1 phiếu chọn quá 1 người)",
        "phiếu trống (không chọn ai): 1",
        "Nguyễn Văn An Phó Giám đốc 5 55,56%",
        "Kết quả: Đạt",
        "Vào bước sau: Nguyễn Văn An → bước 3",
        "Căn cứ: Quy định 105-QĐ/TW",
        NOT_CONFIRMED,
        "Điều 74, khoản 1, điểm c",
        "PHỤ LỤC: NHẬT KÝ NHẬP PHIẾU",
    ):
        assert expected in text, expected
    csv_out = tmp_path / "b2.csv"
    code, out = _run("minutes", str(b2), "--out", str(csv_out), "--format", "csv")
    assert code == 0, out
    rows = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert rows[1].startswith("1,an,Nguyễn Văn An,Phó Giám đốc,5,55.56,")
    verified = verify_paper_log(b2)
    assert verified.complete and verified.counted == 8

    # Step 3 takes its list from step 2: the wrong list is refused, the right one linked.
    code, out = _run(
        "new", str(tmp_path / "bad.jsonl"), "--procedure", "appointment-qd80-2022",
        "--step", "b3-leadership", "--candidates", str(tmp_path / "b2.csv.in"),
        "--round-id", "b3", "--title", "t", "--body", "b", "--date", "2025-03-11",
        "--by", "VP", "--summoned", "5", "--present", "5",
    )  # fmt: skip
    assert code != 0
    b3 = _new(
        tmp_path, "b3", "b3-leadership", "an,Nguyễn Văn An,Phó Giám đốc\n", "--previous", str(b2)
    )
    for serial in range(1, 10):
        _enter(b3, serial, "1")
    pdf3 = tmp_path / "b3.pdf"
    code, out = _run("minutes", str(b3), "--out", str(pdf3))
    assert code == 0, out
    text3 = " ".join(_text(pdf3).split())
    assert "lấy từ kết quả bước 2" in text3 and "vòng b2" in text3
    assert verified.head[:20] in text3.replace(" ", "")


def test_the_list_must_be_who_the_previous_step_sent_on(tmp_path: Path) -> None:
    b2 = _new(tmp_path, "b2", "b2-introduce", PEOPLE)
    for serial in range(1, 6):
        _enter(b2, serial, "10")
    csv = tmp_path / "both.csv"
    csv.write_text("id,name\n" + PEOPLE, encoding="utf-8")
    code, _ = _run(
        "new", str(tmp_path / "b3.jsonl"), "--procedure", "appointment-qd80-2022",
        "--step", "b3-leadership", "--candidates", str(csv), "--previous", str(b2),
        "--round-id", "b3", "--title", "t", "--body", "b", "--date", "2025-03-11",
        "--by", "VP", "--summoned", "5", "--present", "5",
    )  # fmt: skip
    assert code != 0 and not (tmp_path / "b3.jsonl").exists()
