"""An organisation office runs the procedures in force on the web, from the first meeting
to the final vote (issue 14): an appointment under NĐ 170/2025 as amended by NĐ 300/2026
(four steps; at step 1 nobody is above half and the 30% floor sends two on), then a
reappointment whose key cadres' vote lands exactly on 50% (the head decides, recorded on
the procedure page) before the collective's vote. Every step's record verifies, each
linked to the one before, and every result names the clause that decided it."""

from __future__ import annotations

from typing import Any

import pytest

from tinnhiem.ballots import Mark
from tinnhiem.record import verify_record
from tinnhiem.record.link import verify_link
from tinnhiem.rules.settlement import Settlement
from tinnhiem.web.actions import do_ensure_account
from tinnhiem.web.actions.procedures import (
    do_create_procedure,
    do_create_step,
    do_set_roster_flags,
    next_step_of,
    step_result_of,
)
from tinnhiem.web.lib.poll_round import record_for
from tinnhiem.web.models import StepSettlement
from web.test_procedures import _run as run_round

pytestmark = pytest.mark.django_db

C, A, D = Mark.CHOSEN, Mark.AGREE, Mark.DISAGREE
DECISION = {
    "name": "Hoàng Văn Giám",
    "post": "Giám đốc Sở",
    "document": "Số 21/QĐ-STP",
    "date": "05/03/2026",
    "outcome": "advance",
    "reason": "Hoàn thành tốt nhiệm vụ trong nhiệm kỳ",
}


def _step(
    org_actor: Any, client: Any, procedure: Any, roster: Any, ballots: Any, **kw: Any
) -> tuple[Any, dict[str, Any]]:
    round_ = do_create_step(org_actor, procedure, **kw)
    round_ = run_round(org_actor, client, round_, roster, ballots)
    result = step_result_of(round_)
    assert result is not None
    return round_, result


def _cited(result: dict[str, Any], code: str) -> str:
    return next(r["cite"] for r in result["reasons"] if r["code"] == code)


def test_an_appointment_under_the_decree_in_force(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    planning = [people["P1"], people["P2"], people["P3"]]
    do_set_roster_flags(org_actor, body, planning=planning, leadership=[people["P2"]])
    procedure = do_create_procedure(
        org_actor, body, procedure_id="appointment-nd170-2026", post="Giám đốc Sở"
    )
    assert next_step_of(procedure).id == "b1-leadership"

    # Step 1, 6 summoned: Một 2, Hai 2, Ba 1, one blank. Nobody above half (2·2 ≤ 6); the
    # 30% floor (10·v ≥ 3·6) sends Một and Hai on.
    votes = [{"P1": C}] * 2 + [{"P2": C}] * 2 + [{"P3": C}, {}]
    s1, r1 = _step(org_actor, client, procedure, people, votes, people=planning)
    assert (r1["status"], r1["advancing"], r1["next_step"]) == (
        "none_reached",
        ["P1", "P2"],
        "b2-extended",
    )
    assert r1["blank"] == 1 and _cited(r1, "floor") == "a33-b1"

    # Step 2 (extended meeting): Một 4 of 6 summoned, above half.
    s2, r2 = _step(org_actor, client, procedure, people, [{"P1": C}] * 4 + [{"P2": C}, {}])
    assert (r2["status"], r2["advancing"], r2["next_step"]) == ("passed", ["P1"], "b3-key-cadres")
    # Step 3 (key cadres): the base is those present; results not announced at the meeting.
    s3, r3 = _step(org_actor, client, procedure, people, [{"P1": C}] * 5 + [{}])
    assert (r3["status"], r3["base_kind"], r3["announce_at_meeting"]) == (
        "passed",
        "present",
        False,
    )
    # Step 4 (the collective): Một 4 of 6 summoned; the procedure ends with Một proposed.
    s4, r4 = _step(org_actor, client, procedure, people, [{"P1": C}] * 4 + [{}, {}])
    assert (r4["status"], r4["advancing"], r4["next_step"]) == ("passed", ["P1"], None)
    assert next_step_of(procedure) is None

    records = [record_for(s) for s in (s1, s2, s3, s4)]
    for i, record in enumerate(records):
        assert record is not None
        verify_record(record, workers=1)
        if i:
            assert verify_link(record, records[i - 1]) is True  # type: ignore[arg-type]

    client.force_login(org_actor.user)
    page = client.get(f"/bodies/{body.pk}/procedures/{procedure.pk}/").content.decode()
    assert 'id="procedure-ended"' in page and "Nguyễn Văn Một" in page
    assert "đang áp dụng; từng điều khoản đã đối chiếu nguyên văn" in page
    text = client.get(f"/rounds/{s1.pk}/results/").content.decode()
    assert "Đạt mức sàn từ 30% trở lên: P1, P2" in text
    assert "Điều 33 (thay thế bởi Điều 13 NĐ 300/2026), khoản 2, điểm b" in text
    assert "Phiếu trống (không chọn ai): 1." in text


def test_a_reappointment_at_exactly_half_goes_to_the_head(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    do_set_roster_flags(org_actor, body, planning=[], leadership=[people["P2"]])
    do_ensure_account(org_actor, people["P3"])
    procedure = do_create_procedure(
        org_actor,
        body,
        procedure_id="appointment-reappointment-nd170-2026",
        post="Phó Giám đốc Sở",
        person=people["P3"],
    )
    # Key cadres: 3 agree of 6 present — exactly half: the head decides (Điều 39 k4).
    s1, r1 = _step(org_actor, client, procedure, people,
                   [{"P3": A}] * 3 + [{"P3": D}] * 2 + [{}])  # fmt: skip
    assert (r1["status"], r1["pending"], r1["concerned"], r1["action"]) == (
        "at_threshold",
        True,
        ["P3"],
        "head_decides",
    )
    assert next_step_of(procedure) is None
    client.force_login(org_actor.user)
    url = f"/bodies/{body.pk}/procedures/{procedure.pk}/"
    page = client.get(url).content.decode()
    assert 'id="settle-form"' in page and 'value="P3"' in page
    assert 'id="outcome-revote"' not in page  # the head decides on the person, no revote
    done = client.post(url + "settle/", DECISION | {"chosen": ["P3"]})
    assert done.status_code == 302, done.content.decode()
    row = StepSettlement.objects.get(round=s1)

    # The collective: 5 agree of 6 summoned; the procedure ends with the person proposed.
    s2, r2 = _step(org_actor, client, procedure, people, [{"P3": A}] * 5 + [{"P3": D}])
    assert (r2["status"], r2["advancing"], r2["next_step"]) == ("passed", ["P3"], None)
    first, second = record_for(s1), record_for(s2)
    assert first is not None and second is not None
    verify_record(second, workers=1)
    assert verify_link(second, first, Settlement.from_json(row.payload)) is True
    client.force_login(org_actor.user)
    page = client.get(url).content.decode()
    ended = page[page.index('id="procedure-ended"') :]
    assert "Lê Văn Ba" in ended[: ended.index("</p>")]
