"""How a procedure stands (issue 14): in force or replaced, and how far its clauses were
checked against the text — what the web's procedure list and ``tinnhiem rules procedures``
print beside each one, so that an office never takes an unread file for the rule."""

from __future__ import annotations

from typer.testing import CliRunner

from tinnhiem.cli import app
from tinnhiem.rules.appointment_loader import list_procedures, load_procedure


def test_the_decree_in_force_was_read_clause_by_clause() -> None:
    proc = load_procedure("appointment-nd170-2026")
    assert proc.in_force and proc.checked == "text"
    assert proc.standing_vi == (
        "đang áp dụng; từng điều khoản đã đối chiếu nguyên văn (bản sao văn bản)"
    )
    # Every clause a step applies is read, or searched for in that text and absent.
    assert all(c.verified or c.source_kind == "not_found" for c in proc.step_citations())
    assert any(c.verified for c in proc.step_citations())


def test_the_party_regulation_in_force_is_not_presented_as_read() -> None:
    for pid in ("appointment-qd377-2025", "appointment-reappointment-qd377-2025"):
        proc = load_procedure(pid)
        assert proc.in_force and proc.checked == "unchecked", pid
        assert proc.standing_vi == "đang áp dụng; chưa đối chiếu được văn bản"
        assert proc.standing_en == "in force; not checked against the text"


def test_replaced_procedures_say_since_when_and_by_what() -> None:
    proc = load_procedure("appointment-qd80-2022")
    assert not proc.in_force
    assert proc.standing_vi.startswith("hết hiệu lực từ 08/10/2025, thay bằng Quy định 377-QĐ/TW")
    assert proc.standing_en.startswith("replaced on 2025-10-08 by Quy định 377-QĐ/TW")
    assert {p.id for p in list_procedures() if not p.in_force} == {
        "appointment-qd80-2022",
        "appointment-reappointment-qd80-2022",
        "appointment-nd138-2024",
        "appointment-nd170-2025",
        "appointment-reappointment-nd170-2025",
    }


def test_the_cli_prints_the_standing_and_the_floor() -> None:
    shown = CliRunner().invoke(app, ["rules", "procedures", "appointment-nd170-2026"])
    assert shown.exit_code == 0, shown.output
    out = " ".join(shown.output.split())
    assert "Tình trạng / Standing: đang áp dụng; từng điều khoản đã đối chiếu nguyên văn" in out
    assert "all_above_floor (mức sàn / floor: từ 30% của N trở lên (v >= 3/10 × N))" in out
    assert "Không ai đạt mức sàn / Nobody at the floor: report_up" in out
    again = CliRunner().invoke(app, ["rules", "procedures", "appointment-reappointment-nd170-2026"])
    assert "người được xem xét bổ nhiệm lại / the person considered" in " ".join(
        again.output.split()
    )
