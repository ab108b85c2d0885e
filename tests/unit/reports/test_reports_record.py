"""Minutes of an electronic round from its election record, and `tinnhiem report`."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
import typer
from reports_helpers import pdf_text
from typer.testing import CliRunner

from tinnhiem.cli import report_cmd
from tinnhiem.poll.demo import DemoConfig, run_demo
from tinnhiem.record import ElectionRecord, write_record
from tinnhiem.reports import minutes_from_record, render_minutes_pdf
from tinnhiem.tally import load_rule_source


@pytest.fixture(scope="module")
def record() -> ElectionRecord:
    config = DemoConfig(officials=3, voters=24, exempt=0, first_band=1, seed=7)
    return run_demo(config, load_rule_source("qd96-2023")).election.record()


def _app() -> typer.Typer:
    app = typer.Typer()
    report_cmd.register(app)

    @app.callback()
    def root() -> None:
        """Test root, so that ``report`` stays a sub-command."""

    return app


def test_minutes_from_record_match_the_record_results(record: ElectionRecord) -> None:
    minutes = minutes_from_record(record, when="2026-11-29")
    assert minutes.kind == "electronic"
    assert minutes.board_head == record.head.hex()
    assert [r.official_id for r in minutes.rows] == [o.id for o in record.manifest.officials]
    for row, result in zip(minutes.rows, record.results, strict=True):
        assert dict(row.counts) == result["counts"]
        assert row.unmarked == result["blank"]
        assert (row.issued, row.returned, row.base) == (
            result["issued"],
            result["returned"],
            result["base"],
        )
        assert row.band_id == result["band"]
        assert [c.code for c in row.consequences] == result["consequences"]
    assert any(row.band_id for row in minutes.rows)  # the demo puts one in the first band
    text = pdf_text(render_minutes_pdf(minutes))
    assert record.head.hex() in text
    assert "NHẬT KÝ NHẬP PHIẾU" not in text  # no paper, no entry log
    for official in record.manifest.officials:
        assert official.name in text
    for member in record.manifest.committee:
        assert member.name in text


def test_report_command_writes_pdf_xlsx_csv(record: ElectionRecord, tmp_path: Path) -> None:
    path = write_record(record, tmp_path / "round.json")
    runner = CliRunner()
    for fmt in ("pdf", "xlsx", "csv"):
        out = tmp_path / f"minutes.{fmt}"
        result = runner.invoke(
            _app(),
            ["report", str(path), "--format", fmt, "--out", str(out), "--date", "2026-11-29"],
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert "BIÊN BẢN KIỂM PHIẾU" in pdf_text((tmp_path / "minutes.pdf").read_bytes())
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "minutes.xlsx").read_bytes()))
    names = [row[2] for row in book.active.iter_rows(values_only=True)]
    assert record.manifest.officials[0].name in names
    csv_text = (tmp_path / "minutes.csv").read_bytes().decode("utf-8-sig")
    assert record.manifest.officials[-1].name in csv_text


def test_report_command_refuses_a_tampered_record(record: ElectionRecord, tmp_path: Path) -> None:
    path = write_record(record, tmp_path / "round.json")
    text = path.read_text(encoding="utf-8")
    first = record.results[0]
    high = first["counts"]["high"]
    forged = text.replace(f'"high":{high}', f'"high":{high + 1}', 1)
    assert forged != text
    path.write_text(forged, encoding="utf-8")
    out = tmp_path / "m.pdf"
    result = CliRunner().invoke(_app(), ["report", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "tinnhiem: error" in result.output
    assert not out.exists()


def test_report_command_unknown_format(record: ElectionRecord, tmp_path: Path) -> None:
    path = write_record(record, tmp_path / "round.json")
    result = CliRunner().invoke(
        _app(), ["report", str(path), "--format", "docx", "--out", str(tmp_path / "m.docx")]
    )
    assert result.exit_code == 2
    assert "unknown format 'docx'" in result.output


def test_mixed_round_takes_electronic_counts_from_the_record(
    record: ElectionRecord, tmp_path: Path
) -> None:
    from tinnhiem.cli import paper_cmd

    app = typer.Typer()
    paper_cmd.register(app)

    @app.callback()
    def root() -> None:
        """Test root."""

    runner = CliRunner()
    record_path = write_record(record, tmp_path / "round.json")
    officials = tmp_path / "officials.csv"
    officials.write_text(
        "id,name,position\n"
        + "".join(f"{o.id},{o.name},{o.post}\n" for o in record.manifest.officials),
        encoding="utf-8",
    )
    path = tmp_path / "mixed.jsonl"
    result = runner.invoke(
        app,
        [
            "paper",
            "new",
            str(path),
            "--officials",
            str(officials),
            "--rule",
            "qd96-2023",
            "--round-id",
            "mixed",
            "--title",
            "Hỗn hợp",
            "--body",
            "HĐND",
            "--date",
            "2026-11-29",
            "--by",
            "org",
            "--ballots",
            "5",
            "--mixed",
            "--summoned",
            "30",
            "--present",
            "30",
        ],
    )
    assert result.exit_code == 0, result.output
    returned = record.results[0]["returned"]
    voters = tmp_path / "voters.csv"
    voters.write_text(
        "voter,credential,cast\n" + "".join(f"e{i},1,1\n" for i in range(returned)), "utf-8"
    )
    result = runner.invoke(
        app,
        [
            "paper",
            "electronic",
            str(path),
            "--voters",
            str(voters),
            "--record",
            str(record_path),
            "--by",
            "org",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"{returned} phiếu" in result.output
    result = runner.invoke(app, ["paper", "status", str(path)])
    assert f"điện tử {returned})" in result.output

    short = tmp_path / "short.csv"
    short.write_text("voter,credential,cast\ne0,1,1\n", "utf-8")
    result = runner.invoke(
        app,
        [
            "paper",
            "electronic",
            str(path),
            "--voters",
            str(short),
            "--record",
            str(record_path),
            "--by",
            "org",
        ],
    )
    assert result.exit_code == 2
    assert f"the record counts {returned} ballots, the voters file 1 cast" in result.output
