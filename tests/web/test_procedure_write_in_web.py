"""The original NĐ 170/2025 appointment on the web (issue 14): step 3's list is who step 2
sent on, then the other eligible people — by default the rest of the body's planning list,
or those the organiser picks from the roster or types in — and the round's manifest says
how many of them are write-ins, so its record verifies with its link to step 2."""

from __future__ import annotations

from typing import Any

import pytest

from tinnhiem.ballots import Mark
from tinnhiem.record import verify_record
from tinnhiem.record.link import verify_link
from tinnhiem.web.actions.procedures import (
    EnteredCandidate,
    do_create_procedure,
    do_create_step,
    do_set_roster_flags,
    next_step_of,
    step_result_of,
)
from tinnhiem.web.lib.poll_round import engine_of, record_for
from web.test_procedures import _run

pytestmark = pytest.mark.django_db

ND25 = "appointment-nd170-2025"


def _step2(org_actor: Any, body: Any, people: dict[str, Any], client: Any) -> Any:
    """A procedure whose step 2 (6 summoned, all present) sends on P1 (3 = 50%, not above)
    and P2 (2 of 6, at or above 30%: 10·2 >= 3·6) by the 30% floor."""
    procedure = do_create_procedure(org_actor, body, procedure_id=ND25, post="Giám đốc Sở")
    assert next_step_of(procedure).id == "b2-extended"
    planning = [people[c] for c in ("P1", "P2", "P3", "P4")]
    step2 = do_create_step(org_actor, procedure, people=planning)
    votes = [{"P1": Mark.CHOSEN}] * 3 + [{"P2": Mark.CHOSEN}] * 2 + [{}]
    step2 = _run(org_actor, client, step2, people, votes)
    result = step_result_of(step2)
    assert result is not None
    assert (result["status"], result["action"], result["advancing"]) == (
        "none_reached",
        "all_above_floor",
        ["P1", "P2"],
    )
    return procedure, step2


def test_step3_lists_step2s_people_then_the_rest_of_the_planning_list(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    do_set_roster_flags(
        org_actor,
        body,
        planning=[people[c] for c in ("P1", "P2", "P3", "P4")],
        leadership=[people["P2"]],
    )
    procedure, step2 = _step2(org_actor, body, people, client)
    assert next_step_of(procedure).id == "b3-leadership"
    # The organiser's page offers the others, the rest of the planning list ticked.
    client.force_login(org_actor.user)
    url = f"/bodies/{body.pk}/procedures/{procedure.pk}/"
    page = client.get(url).content.decode()
    assert 'id="write-in-list"' in page
    form = page[page.index('id="write-in-list"') :]
    for code, ticked in (("P3", True), ("P4", True), ("P5", False)):
        box = f'name="people" value="{people[code].pk}" id="cand-{people[code].pk}"'
        assert box + (" checked" if ticked else ">") in form, code
    for went in ("P1", "P2"):  # already on the list: not offered again
        assert f'id="cand-{people[went].pk}"' not in form
    ticked = [people["P3"].pk, people["P4"].pk]
    answer = client.post(url + "step/", {"people": ticked, "threshold": 2, "committee_size": 3})
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    step3 = procedure.rounds.order_by("-id").first()
    assert step3.previous_id == step2.pk and step3.list_source == "previous"
    listed = [o.person.external_id for o in step3.officials.order_by("order")]
    assert listed == ["P1", "P2", "P3", "P4"]  # P3 (Lê Văn Ba), P4 (Phạm Thị Bốn): write-ins
    # P4, named from outside step 2's list, gets 4 of 6: above half and 3·4 >= 2·6 (2/3).
    step3 = _run(org_actor, client, step3, people, [{"P4": Mark.CHOSEN}] * 4 + [{}] * 2)
    manifest = engine_of(step3).manifest
    assert manifest.personnel is not None
    assert (manifest.personnel.write_ins, manifest.personnel.previous.step) == (2, "b2-extended")
    result = step_result_of(step3)
    assert result is not None
    assert (result["status"], result["advancing"], result["next_step"]) == (
        "passed",
        ["P4"],
        "b4-key-cadres",
    )
    assert [r["code"] for r in result["reasons"]][-2:] == ["selected", "write_in_reached"]
    first, second = record_for(step2), record_for(step3)
    assert first is not None and second is not None
    verify_record(first, workers=1)
    verify_record(second, workers=1)
    assert verify_link(second, first) is True
    # Step 4 (the key cadres) takes step 3's list: Đức alone, no write-ins.
    step4 = do_create_step(org_actor, procedure)
    assert [o.person.external_id for o in step4.officials.all()] == ["P4"]


def test_step3_takes_the_people_the_organiser_names(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    do_set_roster_flags(
        org_actor, body, planning=[people[c] for c in ("P1", "P2", "P3")], leadership=[]
    )
    procedure, _step = _step2(org_actor, body, people, client)
    step3 = do_create_step(
        org_actor,
        procedure,
        people=[people["P5"], people["P1"]],  # P1 went on already: listed once, first
        entered=[EnteredCandidate("N7", "Đỗ Văn Bảy", "Phó Chánh Văn phòng")],
    )
    listed = [o.person.external_id for o in step3.officials.order_by("order")]
    assert listed == ["P1", "P2", "P5", "N7"]
    posts = {o.person.external_id: o.post for o in step3.officials.all()}
    assert posts["N7"] == "Phó Chánh Văn phòng"


def test_step3_with_write_ins_counted_on_paper(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any, tmp_path: Any
) -> None:
    """The same step 3 counted on paper from the web: its sheet lists step 2's people then
    the write-ins, the paper round's definition says how many write-ins end the list, and
    a write-in short of two thirds sends the step up (3 of 6: above a third, not 2/3)."""
    from django.urls import reverse

    from tinnhiem.web.actions import do_add_committee_member, do_ensure_account, do_summon
    from tinnhiem.web.actions.paper_store import load_session
    from tinnhiem.web.models.paper import PaperRound
    from web.test_paper_personnel_web import _client, _enter

    do_set_roster_flags(
        org_actor, body, planning=[people[c] for c in ("P1", "P2", "P3", "P4")], leadership=[]
    )
    procedure, step2 = _step2(org_actor, body, people, client)
    step3 = do_create_step(org_actor, procedure, people=[people["P4"]])
    assert [o.person.external_id for o in step3.officials.order_by("order")] == [
        "P1",
        "P2",
        "P4",
    ]
    do_summon(org_actor, step3, people.values())
    operators = []
    for code in ("P5", "P6"):
        account = do_ensure_account(org_actor, people[code])
        do_add_committee_member(org_actor, step3, account.user)
        operators.append(account.user)
    created = _client(org_actor.user).post(
        reverse("web:paper", args=[step3.pk]),
        {"mode": "ballots", "paper_serials": "0", "present": "6", "required_entries": "2"},
    )
    assert created.status_code == 302, created.content.decode()
    definition = load_session(PaperRound.objects.get(round=step3)).definition
    assert definition.personnel is not None
    assert definition.personnel.write_ins == 1
    assert definition.personnel.previous is not None
    assert definition.personnel.previous.source == "record"
    # P4 (a write-in) 4 of 6: above half, and 3·4 ≥ 2·6 — two thirds reached.
    for serial, codes in enumerate(["001", "001", "001", "001", "100", "000"], start=1):
        for operator in operators:
            assert _enter(operator, step3, serial, codes).status_code == 302
    posted = _client(operators[0]).post(reverse("web:paper_post_step", args=[step3.pk]))
    assert posted.status_code == 302
    result = step_result_of(step3)
    assert result is not None
    assert (result["status"], result["advancing"]) == ("passed", ["P4"])
    assert [r["code"] for r in result["reasons"]][-1] == "write_in_reached"
    # The downloaded log verifies against step 2's record, write-in included.
    from typer.testing import CliRunner

    from tinnhiem.cli import app

    record = record_for(step2)
    assert record is not None
    rec, log = tmp_path / "step2.json", tmp_path / "step3.jsonl"
    rec.write_bytes(record.to_bytes())
    log.write_bytes(_client(org_actor.user).get(reverse("web:paper_log", args=[step3.pk])).content)
    verified = CliRunner().invoke(app, ["verify", str(log), "--previous", str(rec)])
    assert verified.exit_code == 0, verified.output
    assert "đã kiểm tra / checked" in " ".join(verified.output.split())
