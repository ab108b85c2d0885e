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


def _facts(data: bytes) -> dict[object, object]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0] is not None}


def test_a_step_record_prints_xlsx_minutes(steps, tmp_path) -> None:
    record = sorted(steps.glob("*.json"))[0]
    data = json.loads(record.read_text(encoding="utf-8"))
    out = tmp_path / "step.xlsx"
    result = CliRunner().invoke(app, ["report", str(record), "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    facts = _facts(out.read_bytes())
    assert facts["Mã băm đầu bảng tin của hồ sơ điện tử"] == data["board"]["head"]
    assert facts["Số người được triệu tập"] == data["manifest"]["summoned"]
    assert str(facts["Thời gian"]).startswith("ngày ")


def test_a_paper_step_prints_xlsx_minutes_through_both_commands(tmp_path) -> None:
    from tinnhiem.paper import (
        Official,
        PaperSession,
        RoundDefinition,
        open_log_file,
        parse_personnel_marks,
        section_for,
    )
    from tinnhiem.rules.appointment_loader import load_procedure

    proc = load_procedure("appointment-qd80-2022")
    people = (Official("an", "Nguyễn Văn An", "Phó Giám đốc"), Official("binh", "Trần Bình", ""))
    definition = RoundDefinition(
        round_id="b2",
        title="Giới thiệu nhân sự",
        body="Sở Tư pháp",
        date="2025-03-10",
        rule_id=proc.id,
        officials=people,
        paper_serials=5,
        summoned=5,
        present=5,
        personnel=section_for(proc, "b2-introduce", 2, None),
    )
    path = tmp_path / "b2.jsonl"
    with open_log_file(path, create=True) as log:
        session = PaperSession.create(log, definition, actor="VP")
        for serial, codes in enumerate(["10", "10", "10", "01", "00"], start=1):
            marks = parse_personnel_marks(codes, 2, where="t", ballot="choose_at_most")
            for op in ("a", "b"):
                session.enter_personnel_sheet(serial, op, f"d-{op}", marks)
        head = session.head
    for command in (["paper", "minutes", str(path)], ["report", str(path)]):
        out = tmp_path / f"{command[0]}.xlsx"
        result = CliRunner().invoke(app, [*command, "--format", "xlsx", "--out", str(out)])
        assert result.exit_code == 0, result.output
        facts = _facts(out.read_bytes())
        assert facts["Mã băm cuối nhật ký nhập phiếu"] == head
        assert facts["Số phiếu trống (không chọn ai)"] == 1 and facts["Số phiếu thu về"] == 5
        assert facts["Thời gian"] == "ngày 10 tháng 3 năm 2025"
        assert facts["Kết quả"] == "Đạt: đủ người đạt ngưỡng theo quy định"
