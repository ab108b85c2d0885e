"""``tinnhiem demo --kind appointment``: every step's record verifies, and each linked step
verifies against the record its list came from (``tinnhiem verify --previous``)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tinnhiem.cli import app


def test_demo_appointment_writes_linked_records(tmp_path: Path) -> None:
    out = tmp_path / "appt"
    result = CliRunner().invoke(
        app, ["demo", "--kind", "appointment", "--out", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "1-appointment-b2-introduce.json",
        "2-appointment-b3-leadership.json",
        "3-appointment-b4-key-cadres.json",
        "4-appointment-b5-decide.json",
        "5-reappointment-b1-key-cadres.json",
        "6-reappointment-b2-decide.json",
    ]
    assert "chưa đối chiếu được văn bản / not confirmed against the text" in result.output
    assert "46,67" in result.output  # 7 of 15, with the decimal comma
    # step 2's one ballot naming nobody is counted from the blank column (b)
    assert "Phiếu trống (không chọn ai) / blank ballots: 1" in result.output
    first = json.loads((out / "1-appointment-b2-introduce.json").read_text(encoding="utf-8"))
    assert first["manifest"]["personnel"]["blank_column"] is True
    assert first["decryption"]["sums"] == [7, 5, 2, 1]
    assert (first["results"]["blank"], first["results"]["valid"]) == (1, 15)
    assert "Phiếu trống (không chọn ai) / blank ballots: 0" in result.output  # step 3
    ok = CliRunner().invoke(
        app,
        [
            "verify",
            str(out / "4-appointment-b5-decide.json"),
            "--previous",
            str(out / "2-appointment-b3-leadership.json"),
            "-w",
            "1",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "đã kiểm tra / checked" in ok.output
    wrong = CliRunner().invoke(
        app,
        [
            "verify",
            str(out / "4-appointment-b5-decide.json"),
            "--previous",
            str(out / "1-appointment-b2-introduce.json"),
            "-w",
            "1",
        ],
    )
    assert wrong.exit_code == 1, wrong.output
    assert "manifest.personnel.previous.round_id" in wrong.output
