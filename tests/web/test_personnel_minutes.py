"""The minutes of an electronic personnel step (issue 14): PDF, XLSX and CSV from its election
record — counts, the decision, every clause quoted — open to the step's first readers."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tinnhiem.ballots import Mark
from tinnhiem.web.actions import do_ensure_account
from tinnhiem.web.actions.procedures import (
    do_create_procedure,
    do_create_step,
    do_set_roster_flags,
)
from tinnhiem.web.lib.poll_round import record_for
from tinnhiem.web.models import VoterCredential
from web.test_procedures import _run

pytestmark = pytest.mark.django_db


def test_a_tallied_step_prints_its_minutes(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    planning = [people["P1"], people["P2"], people["P3"]]
    do_set_roster_flags(org_actor, body, planning=planning, leadership=[people["P2"]])
    leader = do_ensure_account(org_actor, people["P2"]).user
    procedure = do_create_procedure(
        org_actor, body, procedure_id="appointment-qd80-2022", post="Giám đốc Sở"
    )
    step = do_create_step(org_actor, procedure, people=planning)
    votes = [{"P1": Mark.CHOSEN}] * 4 + [{"P2": Mark.CHOSEN}] + [{}]
    step = _run(org_actor, client, step, people, votes)

    client.force_login(org_actor.user)
    answer = client.get(f"/rounds/{step.pk}/minutes.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(answer.content)).pages
    )
    assert "BIÊN BẢN KIỂM PHIẾU" in text
    assert "phiếu điện tử" in text and "nhật ký nhập phiếu" not in text
    record = record_for(step)
    assert record is not None
    assert record.head.hex()[:32] in text.replace(" ", "")
    for person in planning:
        assert person.full_name in text
    assert "Căn cứ" in text and "Kết quả:" in text

    csv = client.get(f"/rounds/{step.pk}/minutes.csv")
    assert csv.status_code == 200
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4 and ",4," in lines[1]  # P1: four ticks
    xlsx = client.get(f"/rounds/{step.pk}/minutes.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] is not None]
    facts = {r[0]: r[1] for r in rows}
    assert facts["Hình thức"] == "phiếu điện tử, bỏ phiếu kín; mỗi phiếu chọn không quá 1 người"
    assert facts["Số phiếu thu về"] == 6 and facts[
        "Tỷ lệ tính trên tổng số người được triệu tập"
    ] == ("N = 6")
    assert facts["Mã băm đầu bảng tin của hồ sơ điện tử"] == record.head.hex()
    table = [r for r in rows if r[0] == 1 and r[1] == "P1"]
    assert table and table[0][2:8] == ("Nguyễn Văn Một", "Đại biểu", 4, 0.6667, "2/3", "Có")
    assert facts["Số phiếu trống (không chọn ai)"] == 1  # the record's blank column
    # Vietnamese only: no English label or "not confirmed" mark in any cell.
    text = " ".join(str(c) for r in rows for c in r if isinstance(c, str))
    assert "not confirmed" not in text and "everyone summoned" not in text
    assert "[chưa đối chiếu được văn bản]" in text

    # Before publication: the leadership collective reads it, a plain voter does not.
    client.force_login(leader)
    assert client.get(f"/rounds/{step.pk}/minutes.pdf").status_code == 200
    voter = VoterCredential.objects.get(round=step, summons__person=people["P3"]).user
    client.force_login(voter)  # a candidate of a choose step, and a voter: not yet
    assert client.get(f"/rounds/{step.pk}/minutes.pdf").status_code == 404
