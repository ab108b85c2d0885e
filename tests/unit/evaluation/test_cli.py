"""`tinnhiem evaluate` end to end (CliRunner): the demo, files, JSON, XLSX, PDF, errors."""

from __future__ import annotations

import json
import re

import openpyxl
from pypdf import PdfReader
from typer.testing import CliRunner

from tinnhiem.cli import app
from tinnhiem.evaluation import demo_body

runner = CliRunner()


def test_demo_prints_scores_intervals_and_flags(tmp_path):
    xlsx, pdf = tmp_path / "demo.xlsx", tmp_path / "demo.pdf"
    result = runner.invoke(app, ["evaluate", "--demo", "--xlsx", str(xlsx), "--pdf", str(pdf)])
    assert result.exit_code == 0, result.output
    out = result.output
    body = demo_body()
    for name, _, counts in body.polls:
        assert name in out
    assert "Wilson" in out and "Jeffreys" in out
    assert "Tín nhiệm cao hơn kết quả công việc" in out
    assert "Kết quả công việc cao hơn tín nhiệm" in out
    assert "mở đường xin từ chức" in out
    assert "legal tally unchanged" in out
    assert "not a verdict or a sanction" in out
    assert "Trend across rounds" in out
    # the legal band is shown as the rule's own inequality, not an internal id
    assert "2L > N and 3L < 2N" in out and "over-half" not in out.split("Hệ quả")[0]
    assert "Ban Thường vụ Tỉnh ủy" in out and "fewer than 5 raters" in out
    sheet = openpyxl.load_workbook(xlsx)["Tong hop"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == 25
    assert "Tín nhiệm cao hơn" in rows[body.popular_idle][14]
    assert "Kết quả công việc cao hơn" in rows[body.unpopular_achiever][14]
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert body.popular_idle in text


def test_demo_json_is_canonical_and_flags_the_built_officials():
    result = runner.invoke(app, ["evaluate", "--demo", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["schema"] == "tinnhiem.evaluation/1"
    assert len(doc["officials"]) == 25 and len(doc["assignments"]) == 17
    flags = {o["official"]: o["flag"]["flag"] for o in doc["officials"] if o["flag"]["flag"]}
    body = demo_body()
    assert flags[body.popular_idle] == "confidence_above_performance"
    assert flags[body.unpopular_achiever] == "performance_above_confidence"
    assert len(doc["policy"]["sha256"]) == 64


def test_files_give_the_same_evaluation_as_the_demo(tmp_path):
    written = runner.invoke(app, ["evaluate", "--demo-files", str(tmp_path)])
    assert written.exit_code == 0, written.output
    demo = json.loads(runner.invoke(app, ["evaluate", "--demo", "--json"]).output)
    for programme in ("programme.csv", "programme.xlsx"):
        result = runner.invoke(
            app,
            [
                "evaluate",
                "--programme",
                str(tmp_path / programme),
                "--poll",
                str(tmp_path / "poll.csv"),
                "--rule",
                "nq96-2023",
                "--json",
                "--history",
                f"2024={tmp_path / 'poll-2024.csv'}",
                "--other-body",
                f"Ban Thường vụ Tỉnh ủy={tmp_path / 'other-body-1.csv'}",
                "--other-body",
                f"Thường trực HĐND={tmp_path / 'other-body-2.csv'}",
            ],
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.output) == demo


def test_mid_year_date_and_custom_policy(tmp_path):
    runner.invoke(app, ["evaluate", "--demo-files", str(tmp_path)])
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--programme",
            str(tmp_path / "programme.csv"),
            "--poll",
            str(tmp_path / "poll.csv"),
            "--rule",
            "nq96-2023",
            "--at",
            "2026-06-30",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["at"] == "2026-06-30" and doc["schedule_index"] is not None


def test_bad_programme_exits_2_naming_line_and_column(tmp_path):
    runner.invoke(app, ["evaluate", "--demo-files", str(tmp_path)])
    path = tmp_path / "programme.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("progress,"))
    lines[number] = re.sub(r"(20\d\d)-", r"\1/", lines[number], count=1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--programme",
            str(path),
            "--poll",
            str(tmp_path / "poll.csv"),
            "--rule",
            "nq96-2023",
        ],
    )
    assert result.exit_code == 2
    assert f"line {number + 1}, column date" in result.output


def test_missing_options_and_locked_policy(tmp_path):
    result = runner.invoke(app, ["evaluate", "--programme", "x.csv"])
    assert result.exit_code == 2 and "missing --poll, --rule" in result.output
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--programme",
            "x.csv",
            "--poll",
            "y.csv",
            "--rule",
            "nq96-2023",
            "--history",
            "2024",
        ],
    )
    assert result.exit_code == 2
    runner.invoke(app, ["evaluate", "--demo-files", str(tmp_path)])
    path = tmp_path / "programme.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[1] = lines[1][: -len(",,,,")] + "a" * 64 + ",,,,"  # policy_sha256 column
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--programme",
            str(path),
            "--poll",
            str(tmp_path / "poll.csv"),
            "--rule",
            "nq96-2023",
        ],
    )
    assert result.exit_code == 2
    assert "locked" in result.output
