"""`tinnhiem paper …` end to end, across invocations sharing one session file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import typer
from typer.testing import CliRunner

from tinnhiem.cli import paper_cmd


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


def _new_round(tmp_path: Path, *extra: str) -> Path:
    officials = tmp_path / "officials.csv"
    officials.write_text(
        "id,name,position\nct,Hoàng Thị Ánh Tuyết,Chủ tịch UBND\npct,Đặng Quốc Việt,Phó Chủ tịch\n",
        encoding="utf-8",
    )
    committee = tmp_path / "committee.csv"
    committee.write_text("name,role\nPhạm Thị Hồng,Trưởng ban\nĐỗ Minh Quân,\n", encoding="utf-8")
    path = tmp_path / "round.jsonl"
    code, out = _run(
        "new",
        str(path),
        "--officials",
        str(officials),
        "--committee",
        str(committee),
        "--rule",
        "nq96-2023",
        "--round-id",
        "xa-2026",
        "--title",
        "Lấy phiếu tín nhiệm",
        "--body",
        "Hội đồng nhân dân xã Đông Hưng",
        "--date",
        "2026-11-29",
        "--by",
        "Ban tổ chức",
        *extra,
    )
    assert code == 0, out
    return path


def test_paper_round_from_ballots_to_minutes(tmp_path: Path) -> None:
    path = _new_round(tmp_path, "--ballots", "3")
    code, out = _run("ballots", str(path), "--out", str(tmp_path / "b.pdf"))
    assert code == 0, out
    sheets = _text(tmp_path / "b.pdf")
    assert "PHIẾU LẤY PHIẾU TÍN NHIỆM" in sheets
    assert "Số phiếu" not in sheets and "Serial" not in sheets and "0003" not in sheets

    assert (
        _run("enter", str(path), "--serial", "1", "-o", "Lan", "-d", "m1", "--marks", "13")[0] == 0
    )
    assert (
        _run("enter", str(path), "--serial", "1", "-o", "Minh", "-d", "m2", "--marks", "1,3")[0]
        == 0
    )
    # interactive: "2" for the first row, "-" back, "1" instead, then "3"
    code, out = _run(
        "enter", str(path), "--serial", "2", "-o", "Lan", "-d", "m1", input="2\n-\n1\n3\n"
    )
    assert code == 0, out
    assert (
        _run("enter", str(path), "--serial", "2", "-o", "Minh", "-d", "m2", "--marks", "12")[0] == 0
    )
    assert (
        _run("enter", str(path), "--serial", "3", "-o", "Lan", "-d", "m1", "--invalid-ballot")[0]
        == 0
    )
    assert (
        _run("enter", str(path), "--serial", "3", "-o", "Minh", "-d", "m2", "--invalid-ballot")[0]
        == 0
    )

    code, out = _run("status", str(path))
    assert code == 0
    assert "CHÊNH LỆCH / disagreement phiếu 0002, pct (Đặng Quốc Việt)" in out
    assert "Lan=Tín nhiệm thấp (3), Minh=Tín nhiệm (2)" in out

    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.pdf"))
    assert code == 2 and "1 disagreement" in out
    assert not (tmp_path / "m.pdf").exists()

    code, out = _run(
        "resolve",
        str(path),
        "--serial",
        "2",
        "--field",
        "pct",
        "--value",
        "3",
        "--by",
        "Phạm Thị Hồng",
        "--note",
        "đọc lại phiếu",
    )
    assert code == 0 and "counted" in out
    assert _run("returned", str(path), "--count", "3", "--by", "Phạm Thị Hồng")[0] == 0
    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.pdf"))
    assert code == 0, out
    text = _text(tmp_path / "m.pdf")
    assert "BIÊN BẢN KIỂM PHIẾU" in text
    assert "Hoàng Thị Ánh Tuyết" in text
    # ct: high, high, invalid sheet → 2 of 3; pct: low, low, invalid → 2 of 3 low
    assert "2 66,67% 0 0,00% 0 0,00%" in text
    assert "0 0,00% 0 0,00% 2 66,67%" in text
    assert "Sửa dấu | phiếu 0002, ct = high" in text

    code, out = _run("log", str(path))
    assert code == 0 and "hash chain intact" in out
    actions = [json.loads(line)["action"] for line in path.read_text("utf-8").splitlines()]
    assert actions.count("mark_changed") == 1 and actions[-1] == "returned_declared"


def test_cli_errors_are_one_line_and_lose_nothing(tmp_path: Path) -> None:
    path = _new_round(tmp_path, "--ballots", "2")
    before = path.read_bytes()
    for args in (
        ("enter", str(path), "--serial", "1", "-o", "Lan", "-d", "m1", "--marks", "19"),
        ("enter", str(path), "--serial", "5", "-o", "Lan", "-d", "m1", "--marks", "11"),
        ("enter", str(path), "--serial", "1", "-o", "Lan", "-d", "m1", "--marks", "1"),
        ("resolve", str(path), "--serial", "1", "--field", "ct", "--value", "1", "--by", "X"),
        ("status", str(tmp_path / "missing.jsonl")),
    ):
        code, out = _run(*args)
        assert code == 2, args
        assert out.startswith("tinnhiem: error: "), out
    assert path.read_bytes() == before
    code, out = _run(
        "new",
        str(path),
        "--officials",
        str(tmp_path / "officials.csv"),
        "--rule",
        "no-such-rule",
        "--round-id",
        "x",
        "--title",
        "t",
        "--body",
        "b",
        "--date",
        "2026-11-29",
        "--by",
        "o",
        "--ballots",
        "1",
    )
    assert code == 2


def test_totals_round_on_the_command_line(tmp_path: Path) -> None:
    path = _new_round(tmp_path, "--totals")
    counts = tmp_path / "counts.csv"
    counts.write_text("id,high,confident,low,invalid\nct,19,2,25,1\npct,40,5,2,0\n", "utf-8")
    other = tmp_path / "other.csv"
    other.write_text("id,high,confident,low,invalid\nct,19,2,25,1\npct,41,4,2,0\n", "utf-8")
    common = ("--issued", "47", "--returned", "47")
    assert (
        _run("totals", str(path), "-o", "Lan", "-d", "m1", "--counts", str(counts), *common)[0] == 0
    )
    assert (
        _run("totals", str(path), "-o", "Minh", "-d", "m2", "--counts", str(other), *common)[0] == 0
    )
    code, out = _run("status", str(path))
    assert "tổng hợp, pct.high: Lan=40, Minh=41" in out
    assert "tổng hợp, pct.confident: Lan=5, Minh=4" in out
    for field, value in (("pct.high", "40"), ("pct.confident", "5")):
        code, out = _run("resolve", str(path), "--field", field, "--value", value, "--by", "Hồng")
        assert code == 0, out
    code, out = _run("minutes", str(path), "--out", str(tmp_path / "m.csv"), "--format", "csv")
    assert code == 0, out
    text = (tmp_path / "m.csv").read_bytes().decode("utf-8-sig")
    assert "Hoàng Thị Ánh Tuyết" in text and ",25,53.19," in text


def test_mixed_round_on_the_command_line(tmp_path: Path) -> None:
    path = _new_round(tmp_path, "--ballots", "3", "--mixed")
    assert _run("issue", str(path), "--voter", "v3", "--by", "Hồng")[0] == 0
    assert _run("issue", str(path), "--voter", "v1", "--by", "Hồng")[0] == 0
    voters = tmp_path / "voters.csv"
    voters.write_text("voter,credential,cast\nv1,1,1\nv2,1,1\nv3,1,0\n", "utf-8")
    ecounts = tmp_path / "e.csv"
    ecounts.write_text("id,high,confident,low,invalid\nct,2,0,0,0\npct,0,1,1,0\n", "utf-8")
    code, out = _run(
        "electronic", str(path), "--voters", str(voters), "--counts", str(ecounts), "--by", "Hồng"
    )
    assert code == 0, out
    code, out = _run("issue", str(path), "--voter", "v2", "--by", "Hồng")
    assert code == 2 and "already cast an electronic ballot" in out
    for serial in ("1", "2"):
        for op, dev in (("Lan", "m1"), ("Minh", "m2")):
            assert (
                _run("enter", str(path), "--serial", serial, "-o", op, "-d", dev, "--marks", "11")[
                    0
                ]
                == 0
            )
    code, out = _run("status", str(path))
    # v1 received paper and also cast electronically: the sheets carry no number, so the
    # committee cannot set "their" sheet aside; the conflict is reported, never resolved by
    # tracing a sheet to a voter.
    assert "Phát ra / issued 4 (giấy 2, điện tử 2); thu về / returned 4" in out
    assert "Một người đã nhận phiếu giấy và đã bỏ phiếu điện tử" in out
