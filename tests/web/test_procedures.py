"""A two-step appointment through the procedure actions and the cast API: set up under
QĐ 80, step 2 (introduction, choose at most 1) as a round, cast, tally, step 3 created from
step 2's ``advancing`` list, cast, tally; both records verify and step 3's link to step 2
checks (``verify_link``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from tinnhiem.ballots import Mark, cast_ballot
from tinnhiem.crypto import Ciphertext, Context, CredentialKey, Point
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.record import verify_record
from tinnhiem.record.link import verify_link
from tinnhiem.web.actions import (
    ActionError,
    do_add_committee_member,
    do_check_in,
    do_close_round,
    do_ensure_account,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
    do_summon,
)
from tinnhiem.web.actions.procedures import (
    do_create_procedure,
    do_create_step,
    do_set_roster_flags,
    next_step_of,
    step_result_of,
)
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.models import BoardEntry, CommitteeMember, Round, RoundStatus, Summons
from web.ceremony_helpers import run_web_ceremony
from web.poll_drive import sign_heads

pytestmark = pytest.mark.django_db


def _run(
    org_actor: Any, client: Any, round_: Round, people: dict[str, Any], ballots: list[Any]
) -> Round:
    """Summon everyone, seat P4..P6, ceremony, slips, check-in, open, cast ``ballots``
    through the API, close, decrypt with members 1 and 3, sign the head."""
    do_summon(org_actor, round_, people.values())
    for code in ("P4", "P5", "P6"):
        account = do_ensure_account(org_actor, people[code])
        do_add_committee_member(org_actor, round_, account.user)
    do_start_ceremony(org_actor, round_)
    shares = run_web_ceremony(round_)
    round_.refresh_from_db()
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_):
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    manifest = engine_of(round_).manifest
    fingerprint = bytes.fromhex(round_.fingerprint)
    for slip, marks in zip(slips, ballots, strict=False):
        client.force_login(slip.credential.user)
        ballot = cast_ballot(
            manifest,
            fingerprint,
            Point.from_hex(round_.public_key),
            CredentialKey.from_seed(slip.seed),
            marks,
        )
        answer = client.post(
            f"/api/rounds/{round_.pk}/cast",
            data=json.dumps({"ballot": ballot.to_json()}),
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
    do_close_round(org_actor, round_)
    aggregates = BoardEntry.objects.get(round=round_, kind="aggregates").payload["items"]
    cts = [Ciphertext.from_hex(a, allow_identity=True) for a in aggregates]
    for index in (1, 3):
        seat = CommitteeMember.objects.get(round=round_, index=index)
        client.force_login(seat.user)
        share = partial_decrypt(Context(fingerprint), shares[index], cts)
        answer = client.post(
            f"/api/rounds/{round_.pk}/decryption",
            data=json.dumps({"share": share.to_dict()}),
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
    round_.refresh_from_db()
    assert round_.status == RoundStatus.TALLIED
    sign_heads(round_, shares)
    return round_


def test_two_step_appointment(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    do_set_roster_flags(
        org_actor,
        body,
        planning=[people["P1"], people["P2"], people["P3"]],
        leadership=[people["P2"]],
    )
    leader = do_ensure_account(org_actor, people["P2"]).user
    procedure = do_create_procedure(
        org_actor, body, procedure_id="appointment-qd80-2022", post="Giám đốc Sở"
    )
    assert next_step_of(procedure).id == "b2-introduce"
    planning = [people["P1"], people["P2"], people["P3"]]
    step2 = do_create_step(org_actor, procedure, people=planning)
    assert step2.kind == "choose_at_most" and step2.list_source == "planning"
    # No second step before the first is tallied.
    with pytest.raises(ActionError):
        do_create_step(org_actor, procedure)

    # Step 2: 6 summoned, P1 gets 4 (> 50% of 6), P2 1, one blank.
    ids = ["P1", "P2", "P3"]
    votes = [{ids[0]: Mark.CHOSEN}] * 4 + [{ids[1]: Mark.CHOSEN}] + [{}]
    step2 = _run(org_actor, client, step2, people, votes)
    result = step_result_of(step2)
    assert result is not None
    assert result["status"] == "passed" and result["advancing"] == ["P1"]
    assert (result["blank"], result["valid"]) == (1, 6)  # the blank column's sum
    assert next_step_of(procedure).id == "b3-leadership"

    # Step 3 from step 2's advancing list, linked to its record.
    step3 = do_create_step(org_actor, procedure)
    assert step3.previous_id == step2.pk and step3.list_source == "previous"
    assert [o.person.external_id for o in step3.officials.all()] == ["P1"]
    step3 = _run(org_actor, client, step3, people, [{"P1": Mark.CHOSEN}] * 5)
    manifest = engine_of(step3).manifest
    assert manifest.personnel is not None and manifest.personnel.previous is not None
    assert manifest.personnel.previous.step == "b2-introduce"

    first, second = record_for(step2), record_for(step3)
    assert first is not None and second is not None
    verify_record(first, workers=1)
    verify_record(second, workers=1)
    verify_link(second, first)
    assert manifest.personnel.previous.head == first.head.hex()
    assert step_result_of(step3)["advancing"] == ["P1"]

    # The pages: the organiser's, then the step's result before publication: the
    # leadership collective (P2) reads it, another voter does not.
    client.force_login(org_actor.user)
    assert client.get(f"/bodies/{body.pk}/procedures/").status_code == 200
    page = client.get(f"/bodies/{body.pk}/procedures/{procedure.pk}/").content.decode()
    assert "not confirmed against the text" in page
    text = client.get(f"/rounds/{step3.pk}/results/").content.decode()
    assert "Nguyễn Văn Một" in text and 'id="step-reasons"' in text and "b2-introduce" in text
    client.force_login(leader)
    assert 'id="step-reasons"' in client.get(f"/rounds/{step3.pk}/results/").content.decode()
    assert client.get(f"/rounds/{step3.pk}/record.json").status_code == 200
    voter = Summons.objects.filter(round=step3).first().credential.user
    client.force_login(voter)
    sealed = client.get(f"/rounds/{step3.pk}/results/").content.decode()
    assert 'id="step-reasons"' not in sealed
    assert client.get(f"/rounds/{step3.pk}/record.json").status_code == 404


def test_only_organisers_set_up(body: Any, people: dict[str, Any], make_user: Any) -> None:
    stranger = Actor(make_user("x"), "organiser")
    with pytest.raises(PermissionDenied):
        do_create_procedure(
            stranger, body, procedure_id="appointment-qd80-2022", post="Giám đốc Sở"
        )


def test_reappointment_needs_the_person(org_actor: Any, body: Any) -> None:
    with pytest.raises(ActionError):
        do_create_procedure(
            org_actor,
            body,
            procedure_id="appointment-reappointment-qd80-2022",
            post="Phó Giám đốc",
        )


def test_the_procedure_list_puts_the_texts_in_force_first(
    org_actor: Any, body: Any, client: Any
) -> None:
    """The organiser picks a procedure: those in force come first (the first preselected),
    each saying how far it was checked against its text; replaced ones come last, saying
    since when and by what."""
    client.force_login(org_actor.user)
    home = client.get(f"/bodies/{body.pk}/").content.decode()
    assert f'id="body-procedures" href="/bodies/{body.pk}/procedures/"' in home
    page = client.get(f"/bodies/{body.pk}/procedures/").content.decode()
    options = page[page.index('id="procedure_id"') :]
    options = options[: options.index("</select>")]
    ids = [chunk.split('"', 1)[0] for chunk in options.split('<option value="')[1:]]
    assert ids[:4] == [
        "appointment-nd170-2026",
        "appointment-qd377-2025",
        "appointment-reappointment-nd170-2026",
        "appointment-reappointment-qd377-2025",
    ]
    assert set(ids[4:]) == {
        "appointment-nd138-2024",
        "appointment-nd170-2025",
        "appointment-qd80-2022",
        "appointment-reappointment-nd170-2025",
        "appointment-reappointment-qd80-2022",
    }
    assert "[đang áp dụng; từng điều khoản đã đối chiếu nguyên văn (bản sao văn bản)]" in options
    assert "[đang áp dụng; chưa đối chiếu được văn bản]" in options
    assert "[hết hiệu lực từ 08/10/2025, thay bằng Quy định 377-QĐ/TW" in options
