"""A procedure that mixes paper and electronic steps on the web (issue 14): step 2 is
counted on paper and ends in a tie at the cut of the two highest (2, 2, 2 of 6); the
organiser records the competent person's decision on the procedure page, checked by the
core against the paper count; step 3 then runs electronically on the settled list, its
manifest linking step 2's entry log (``"source": "paper"``, the log's head) and the
settlement; the record verifies against the downloaded log and settlement with
``tinnhiem verify --previous LOG --settlement FILE``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from tinnhiem.ballots import Mark
from tinnhiem.cli import app
from tinnhiem.record import verify_record
from tinnhiem.record.link import verify_link
from tinnhiem.rules.settlement import Settlement
from tinnhiem.web.actions.paper_store import load_session
from tinnhiem.web.actions.procedures import do_create_step, next_step_of, step_result_of
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.models import StepSettlement
from tinnhiem.web.models.paper import PaperRound
from web.test_paper_personnel_web import _client, _enter, _setup
from web.test_procedures import _run as run_round

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Hoàng Văn Giám",
    "post": "Giám đốc Sở",
    "document": "Số 12/QĐ-STP",
    "date": "12/03/2026",
    "outcome": "advance",
    "reason": "Ông Một và bà Hai có thời gian công tác dài hơn",
}


def test_paper_tie_settled_on_the_web_then_an_electronic_step(
    org_actor: Any, body: Any, people: dict[str, Any], client: Client, tmp_path: Any
) -> None:
    procedure, step2, (lan, minh) = _setup(org_actor, body, people)
    organiser = _client(org_actor.user)
    created = organiser.post(
        reverse("web:paper", args=[step2.pk]),
        {"mode": "ballots", "paper_serials": "0", "present": "6", "required_entries": "2"},
    )
    assert created.status_code == 302, created.content.decode()
    for serial, codes in enumerate(["100", "100", "010", "010", "001", "001"], start=1):
        for operator in (lan, minh):
            assert _enter(operator, step2, serial, codes).status_code == 302
    assert _client(minh).post(reverse("web:paper_post_step", args=[step2.pk])).status_code == 302
    result = step_result_of(step2)
    assert result is not None
    assert (result["status"], result["pending"], result["concerned"]) == (
        "tie",
        True,
        ["P1", "P2", "P3"],
    )
    assert result["blank"] == 0 and result["invalid"] == 0
    assert next_step_of(procedure) is None

    # The procedure page offers the decision on the paper step, as the core frames it.
    url = f"/bodies/{body.pk}/procedures/{procedure.pk}/"
    page = organiser.get(url).content.decode()
    assert 'id="settle-form"' in page
    assert all(f'value="{c}"' in page for c in ("P1", "P2", "P3"))
    too_many = organiser.post(url + "settle/", FORM | {"chosen": ["P1", "P2", "P3"]})
    assert too_many.status_code == 400 and "at most 2" in too_many.content.decode()
    done = organiser.post(url + "settle/", FORM | {"chosen": ["P1", "P2"]})
    assert done.status_code == 302, done.content.decode()
    row = StepSettlement.objects.get(round=step2)
    log_head = load_session(PaperRound.objects.get(round=step2)).personnel_tally().head
    assert row.payload["head"] == log_head

    # Step 3, electronically, on the settled list; its manifest links the paper log.
    step3 = do_create_step(org_actor, procedure)
    assert [o.person.external_id for o in step3.officials.all().order_by("order")] == [
        "P1",
        "P2",
    ]
    step3 = run_round(org_actor, client, step3, people, [{"P1": Mark.CHOSEN}] * 4 + [{}, {}])
    link = engine_of(step3).manifest.personnel.previous  # type: ignore[union-attr]
    assert link is not None
    assert (link.source, link.head, link.settlement) == ("paper", log_head, row.digest)
    record = record_for(step3)
    assert record is not None
    verify_record(record, workers=1)
    tally = load_session(PaperRound.objects.get(round=step2)).personnel_tally()
    assert verify_link(record, tally, Settlement.from_json(row.payload)) is True
    assert step_result_of(step3)["advancing"] == ["P1"]

    # The same check from the files a reader downloads.
    client.force_login(org_actor.user)
    log = tmp_path / "step2.jsonl"
    log.write_bytes(client.get(reverse("web:paper_log", args=[step2.pk])).content)
    settlement = tmp_path / "settlement.json"
    settlement.write_bytes(client.get(f"/rounds/{step2.pk}/settlement.json").content)
    rec = tmp_path / "step3.json"
    rec.write_bytes(record.to_bytes())
    verified = CliRunner().invoke(
        app, ["verify", str(rec), "--previous", str(log), "--settlement", str(settlement)]
    )
    assert verified.exit_code == 0, verified.output
    text = " ".join(verified.output.split())
    assert "phiếu giấy / on paper" in text and "đã kiểm tra / checked —" in text
