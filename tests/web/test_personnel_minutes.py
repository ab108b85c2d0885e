"""The minutes of an electronic personnel step (issue 14): PDF and CSV from its election
record — counts, the decision, every clause quoted — open to the step's first readers."""

from __future__ import annotations

import io
from typing import Any

import pytest
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
    assert client.get(f"/rounds/{step.pk}/minutes.xlsx").status_code == 404

    # Before publication: the leadership collective reads it, a plain voter does not.
    client.force_login(leader)
    assert client.get(f"/rounds/{step.pk}/minutes.pdf").status_code == 200
    voter = VoterCredential.objects.get(round=step, summons__person=people["P3"]).user
    client.force_login(voter)  # a candidate of a choose step, and a voter: not yet
    assert client.get(f"/rounds/{step.pk}/minutes.pdf").status_code == 404
