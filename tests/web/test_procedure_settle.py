"""The competent person's decision on the web (issue 14): step 2 ends in a tie at the cut of
the two highest (2, 1, 1 of 6); the procedure page offers the form to the organiser only;
refusals (a name not concerned, too many, a second decision); the decision is stored
append-only and audited; step 3 is created from it, its manifest carries the settlement's
digest and its record verifies against step 2's with the settlement downloaded from the
step's page."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from django.urls import reverse

from tinnhiem.ballots import Mark
from tinnhiem.record import verify_record
from tinnhiem.record.link import verify_link
from tinnhiem.rules.settlement import Settlement
from tinnhiem.web.actions import ActionError, do_ensure_account
from tinnhiem.web.actions.procedures import (
    do_create_procedure,
    do_create_step,
    do_set_roster_flags,
    next_step_of,
    step_result_of,
)
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.models import (
    AppendOnlyError,
    AuditEntry,
    CommitteeMember,
    StepSettlement,
    Summons,
)
from web.test_procedures import _run as run_round

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Hoàng Văn Giám",
    "post": "Giám đốc Sở",
    "document": "Số 12/QĐ-STP",
    "date": "12/03/2026",
    "outcome": "advance",
    "reason": "Bà Hai có thời gian công tác dài hơn",
}


def test_settle_a_tie_then_the_next_step(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    planning = [people["P1"], people["P2"], people["P3"]]
    do_set_roster_flags(org_actor, body, planning=planning, leadership=[people["P2"]])
    do_ensure_account(org_actor, people["P2"])
    procedure = do_create_procedure(
        org_actor, body, procedure_id="appointment-qd80-2022", post="Giám đốc Sở"
    )
    step2 = do_create_step(org_actor, procedure, people=planning)
    votes = [{"P1": Mark.CHOSEN}] * 2 + [{"P2": Mark.CHOSEN}, {"P3": Mark.CHOSEN}, {}, {}]
    step2 = run_round(org_actor, client, step2, people, votes)
    result = step_result_of(step2)
    assert result is not None
    assert (result["status"], result["pending"], result["concerned"]) == (
        "tie",
        True,
        ["P2", "P3"],
    )
    assert next_step_of(procedure) is None
    with pytest.raises(ActionError, match="đang chờ người có thẩm quyền quyết định"):
        do_create_step(org_actor, procedure)

    url = f"/bodies/{body.pk}/procedures/{procedure.pk}/"
    client.force_login(org_actor.user)
    page = client.get(url).content.decode()
    assert 'id="settle-form"' in page and 'id="pending-step"' in page
    assert 'value="P2"' in page and 'value="P3"' in page and 'value="P1"' not in page
    assert "Nguyễn Văn Một" in page  # P1 goes on whatever is decided
    assert 'id="outcome-revote"' in page  # not_in_text: the texts leave the way open
    assert "Bằng phiếu ở vị trí cuối: P2, P3" in page  # the clause that left it to a person

    # A voter of the step and a committee member may not record it.
    voter = Summons.objects.filter(round=step2).first().credential.user
    member = CommitteeMember.objects.filter(round=step2).first().user
    for user in (voter, member):
        client.force_login(user)
        denied = client.post(url + "settle/", FORM | {"chosen": ["P2"]})
        assert denied.status_code == 403
    assert not StepSettlement.objects.exists()

    client.force_login(org_actor.user)
    wrong = client.post(url + "settle/", FORM | {"chosen": ["P4"]})
    assert wrong.status_code == 400
    assert "P4: not among the names concerned" in wrong.content.decode()
    many = client.post(url + "settle/", FORM | {"chosen": ["P2", "P3"]})
    assert many.status_code == 400 and "at most 2" in many.content.decode()
    bad_date = client.post(url + "settle/", FORM | {"chosen": ["P2"], "date": "2026-03-12"})
    assert bad_date.status_code == 400
    assert not StepSettlement.objects.exists()

    done = client.post(url + "settle/", FORM | {"chosen": ["P2"]})
    assert done.status_code == 302
    row = StepSettlement.objects.get(round=step2)
    settlement = Settlement.from_json(row.payload)
    assert settlement.advancing == ("P1", "P2") and settlement.date == "2026-03-12"
    assert row.digest == settlement.digest
    entry = AuditEntry.objects.get(action="procedure.settle")
    assert entry.detail["advancing"] == ["P1", "P2"] and entry.detail["digest"] == row.digest
    assert entry.round_id == step2.pk and entry.username == org_actor.user.username
    again = client.post(url + "settle/", FORM | {"chosen": ["P3"]})
    assert again.status_code == 400 and "không sửa được" in again.content.decode()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()

    page = client.get(url).content.decode()
    assert "Hoàng Văn Giám (Giám đốc Sở) quyết định tại văn bản Số 12/QĐ-STP" in page
    assert "ngày 12 tháng 3 năm 2026" in page
    assert next_step_of(procedure).id == "b3-leadership"

    # Step 3 on the settled list; its manifest links step 2's record and the settlement.
    step3 = do_create_step(org_actor, procedure)
    assert step3.previous_id == step2.pk and step3.list_source == "previous"
    assert [o.person.external_id for o in step3.officials.all().order_by("order")] == [
        "P1",
        "P2",
    ]
    step3 = run_round(org_actor, client, step3, people, [{"P1": Mark.CHOSEN}] * 4 + [{}, {}])
    manifest = engine_of(step3).manifest
    assert manifest.personnel is not None and manifest.personnel.previous is not None
    assert manifest.personnel.previous.settlement == row.digest
    first, second = record_for(step2), record_for(step3)
    assert first is not None and second is not None
    verify_record(second, workers=1)
    client.force_login(org_actor.user)
    download = client.get(f"/rounds/{step2.pk}/settlement.json")
    assert download.status_code == 200
    assert verify_link(second, first, Settlement.from_bytes(download.content)) is True
    assert client.get(f"/rounds/{step3.pk}/settlement.json").status_code == 404

    text2 = client.get(f"/rounds/{step2.pk}/results/").content.decode()
    assert 'id="step-settlement"' in text2 and row.digest in text2
    text3 = client.get(f"/rounds/{step3.pk}/results/").content.decode()
    assert 'id="settled-from"' in text3 and "Số 12/QĐ-STP" in text3
    assert step_result_of(step3)["advancing"] == ["P1"]
    # Step 3's minutes cite the decision its list came from.
    pdf_minutes = client.get(reverse("web:paper_minutes", args=[step3.pk, "pdf"]))
    assert pdf_minutes.status_code == 200
    text = " ".join(
        " ".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_minutes.content)).pages
        ).split()
    )
    assert "Theo quyết định của Hoàng Văn Giám (Giám đốc Sở), văn bản Số 12/QĐ-STP" in text
    assert next_step_of(procedure).id == "b4-key-cadres"
