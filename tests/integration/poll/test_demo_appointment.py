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
        "1-appointment-b1-leadership.json",
        "2-appointment-b2-extended.json",
        "3-appointment-b3-key-cadres.json",
        "4-appointment-b4-decide.json",
        "5-reappointment-b1-key-cadres.json",
        "6-reappointment-b2-decide.json",
    ]
    # NĐ 170 as amended by NĐ 300/2026: step 1, 2 of 5 each is 40,00% (not above 50%), so
    # everyone at or above the 30% floor goes on (Điều 33 khoản 2 điểm b)
    assert "40,00" in result.output  # 2 of 5, with the decimal comma
    assert "Đạt mức sàn từ 30% trở lên: nva, ttb" in result.output
    assert "Điều 33 (thay thế bởi Điều 13 NĐ 300/2026), khoản 2, điểm b (Bước 1)" in result.output
    first = json.loads((out / "1-appointment-b1-leadership.json").read_text(encoding="utf-8"))
    assert first["manifest"]["personnel"]["blank_column"] is True
    assert first["decryption"]["sums"] == [2, 2, 1, 0]
    assert first["results"]["advancing"] == ["nva", "ttb"]
    assert first["results"]["action"] == "all_above_floor"
    assert [r["code"] for r in first["results"]["reasons"]][-2:] == ["none_reaches", "floor"]
    assert (first["results"]["blank"], first["results"]["valid"]) == (0, 5)
    # step 2's one ballot naming nobody is counted from the blank column (b)
    assert "Phiếu trống (không chọn ai) / blank ballots: 1" in result.output
    ok = CliRunner().invoke(
        app,
        [
            "verify",
            str(out / "4-appointment-b4-decide.json"),
            "--previous",
            str(out / "3-appointment-b3-key-cadres.json"),
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
            str(out / "4-appointment-b4-decide.json"),
            "--previous",
            str(out / "1-appointment-b1-leadership.json"),
            "-w",
            "1",
        ],
    )
    assert wrong.exit_code == 1, wrong.output
    assert "manifest.personnel.previous.round_id" in wrong.output
