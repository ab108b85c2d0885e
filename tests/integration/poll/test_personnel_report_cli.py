"""``tinnhiem report`` on an electronic personnel step's record: its minutes (PDF, CSV)
with the decision and the clauses, the record verified first."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from tinnhiem.cli import app


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    out = tmp_path_factory.mktemp("appointment")
    result = CliRunner().invoke(app, ["demo", "--kind", "appointment", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_each_step_prints_its_minutes(steps, tmp_path) -> None:
    records = sorted(steps.glob("*.json"))
    assert len(records) == 6
    for record in records:
        pdf = tmp_path / f"{record.stem}.pdf"
        result = CliRunner().invoke(app, ["report", str(record), "--out", str(pdf)])
        assert result.exit_code == 0, result.output
        text = " ".join(
            " ".join((p.extract_text() or "").split())
            for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages
        )
        data = json.loads(record.read_text(encoding="utf-8"))
        assert "BIÊN BẢN KIỂM PHIẾU" in text and "phiếu điện tử" in text
        assert data["manifest"]["title"].split()[0] in text
        for official in data["manifest"]["officials"]:
            assert official["name"] in text
        if data["manifest"]["personnel"]["previous"]:
            assert data["manifest"]["personnel"]["previous"]["round_id"] in text


def test_a_tampered_record_gets_no_minutes(steps, tmp_path) -> None:
    record = sorted(steps.glob("*.json"))[1]
    data = json.loads(record.read_text(encoding="utf-8"))
    data["results"]["advancing"] = [*reversed(data["results"]["advancing"]), "zz"]
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(forged), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and not (tmp_path / "x.pdf").exists()
