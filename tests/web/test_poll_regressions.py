"""Regressions of issue 9: the four ways the web's own copy of the protocol broke the
promise that a published record verifies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tinnhiem.ballots import Mark
from tinnhiem.crypto import Context, CredentialKey, Point
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.record import ElectionRecord, verify_record
from tinnhiem.web.actions import (
    do_add_committee_member,
    do_add_official,
    do_check_in,
    do_close_round,
    do_create_round,
    do_ensure_account,
    do_import_roster,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
    do_summon,
)
from tinnhiem.web.actions.poll import do_cast_ballot, do_post_decryption_share
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.lib.roster import RosterRow
from tinnhiem.web.models import AuditEntry, CommitteeMember, Person, Summons
from tinnhiem.web.models import Ballot as BallotModel
from web.ceremony_helpers import run_web_ceremony
from web.poll_drive import sealed_ballot, sign_heads

pytestmark = pytest.mark.django_db


def _opened(org_actor: Any, round_: Any) -> dict[str, Any]:
    do_start_ceremony(org_actor, round_)
    shares = run_web_ceremony(round_)
    round_.refresh_from_db()
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_):
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    return {"round": round_, "shares": shares, "slips": slips}


def _seal(opened: dict[str, Any], slip: Any, marks: dict[str, Mark]) -> tuple[Any, Any]:
    round_ = opened["round"]
    manifest = engine_of(round_).manifest
    return sealed_ballot(
        manifest,
        bytes.fromhex(round_.fingerprint),
        Point.from_hex(round_.public_key),
        CredentialKey.from_seed(slip.seed),
        marks,
    )


def _tally(opened: dict[str, Any], org_actor: Any, members: tuple[int, ...] = (1, 2)) -> None:
    round_ = opened["round"]
    do_close_round(org_actor, round_)
    round_.refresh_from_db()
    cts = engine_of(round_).aggregates()
    ctx = Context(bytes.fromhex(round_.fingerprint))
    for index in members:
        seat = CommitteeMember.objects.get(round=round_, index=index)
        share = partial_decrypt(ctx, opened["shares"][index], cts).to_dict()
        do_post_decryption_share(Actor(seat.user, "committee"), round_, share)
    sign_heads(round_, opened["shares"])
    round_.refresh_from_db()


def _post(client: Any, url: str, payload: Any) -> Any:
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_a_roster_import_after_the_ceremony_does_not_change_the_round(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    """1. Under nq35-2012 every percentage is over all members of the body: two people
    imported after the round opened must not change its base, and its record verifies."""
    round_ = do_create_round(
        org_actor, body, title="Lấy phiếu 2013", kind="poll", rule_id="nq35-2012"
    )
    do_add_official(org_actor, round_, people["P1"], post="Chủ tịch")
    do_summon(org_actor, round_, people.values())
    for code in ("P4", "P5", "P6"):
        do_add_committee_member(org_actor, round_, do_ensure_account(org_actor, people[code]).user)
    opened = _opened(org_actor, round_)
    assert engine_of(round_).manifest.members == 6
    do_import_roster(
        org_actor,
        body,
        [
            RosterRow(10, "P7", "Đỗ Bảy", "Đơn vị", "Đại biểu"),
            RosterRow(11, "P8", "Ngô Tám", "Đơn vị", "Đại biểu"),
        ],
    )
    assert Person.objects.filter(body=body).count() == 8
    for slip, mark in zip(
        opened["slips"][:4], (Mark.LOW, Mark.LOW, Mark.LOW, Mark.HIGH), strict=True
    ):
        ballot, _ = _seal(opened, slip, {"P1": mark})
        do_cast_ballot(Actor(slip.credential.user, "voter"), round_, ballot.to_json())
    _tally(opened, org_actor)
    record = record_for(round_)
    assert record is not None
    verify_record(record, workers=1)
    assert record.results[0]["base"] == 6
    # 3 of 6 members is not more than half; over 8 it would not be either, but the page
    # and the record agree on the frozen base.
    client.force_login(org_actor.user)
    page = client.get(reverse("web:results", args=[round_.pk])).content.decode()
    assert "50,00%" in page and "50.00%" not in page


def test_an_audited_ballot_is_never_cast(setup_round: Any, org_actor: Any, client: Any) -> None:
    """2. The server spends a ballot it has been shown opened: a later cast is refused,
    and the refusal is logged with its reason, never the ballot."""
    opened = _opened(org_actor, setup_round)
    slip = opened["slips"][0]
    ballot, reveal = _seal(opened, slip, {"P1": Mark.LOW})
    client.force_login(slip.credential.user)
    audit = _post(
        client,
        reverse("web:poll_api_audit", args=[setup_round.pk]),
        {"ballot": ballot.to_json(), "reveal": reveal},
    )
    assert audit.status_code == 200 and audit.json()["ok"] is True
    cast = _post(
        client, reverse("web:poll_api_cast", args=[setup_round.pk]), {"ballot": ballot.to_json()}
    )
    assert cast.status_code == 409 and cast.json()["error"] == "audited"
    assert "mở để kiểm tra" in cast.json()["detail"]
    assert BallotModel.objects.filter(round=setup_round).count() == 0
    refused = AuditEntry.objects.get(action="ballot.refused", round=setup_round)
    assert (
        refused.detail == {"reason": "audited"}
        and refused.username == slip.credential.user.username
    )
    audited = AuditEntry.objects.get(action="ballot.audited", round=setup_round)
    assert set(audited.detail) == {"tracker", "ok"}
    # A fresh ballot from the same voter is accepted.
    fresh, _ = _seal(opened, slip, {"P1": Mark.LOW})
    answer = _post(
        client, reverse("web:poll_api_cast", args=[setup_round.pk]), {"ballot": fresh.to_json()}
    )
    assert answer.status_code == 201, answer.content


def test_the_round_re_vote_policy_holds_on_the_web(
    setup_round: Any, org_actor: Any, client: Any
) -> None:
    """3. Under last_counts a voter casts again and the last ballot counts; the tally
    counts the counted ballots, not the accepted ones, and the record verifies."""
    from tinnhiem.web.actions import do_update_round

    do_update_round(org_actor, setup_round, revote="last_counts")
    opened = _opened(org_actor, setup_round)
    url = reverse("web:poll_api_cast", args=[setup_round.pk])
    first, second = opened["slips"][:2]
    for slip, marks in ((first, {"P1": Mark.LOW}), (second, {"P1": Mark.HIGH})):
        client.force_login(slip.credential.user)
        assert (
            _post(client, url, {"ballot": _seal(opened, slip, marks)[0].to_json()}).status_code
            == 201
        )
    client.force_login(first.credential.user)
    booth = client.get(reverse("web:poll_booth", args=[setup_round.pk])).content.decode()
    assert 'id="revote-notice"' in booth
    again = _post(client, url, {"ballot": _seal(opened, first, {"P1": Mark.HIGH})[0].to_json()})
    assert again.status_code == 201, again.content
    _tally(opened, org_actor)
    record = record_for(setup_round)
    assert record is not None and record.close == {"accepted": 3, "counted": 2}
    verify_record(ElectionRecord.from_json(record.to_json()), workers=1)
    assert record.results[0]["counts"] == {"high": 2, "confident": 0, "low": 0}


def test_a_cast_costs_the_same_queries_however_many_ballots_are_in(
    setup_round: Any, org_actor: Any
) -> None:
    """4. The arrival policy asks indexed questions: no cast re-reads earlier ballots."""
    opened = _opened(org_actor, setup_round)
    counts = []
    for slip in opened["slips"]:
        ballot, _ = _seal(opened, slip, {"P1": Mark.HIGH, "P2": Mark.CONFIDENT})
        with CaptureQueriesContext(connection) as queries:
            do_cast_ballot(Actor(slip.credential.user, "voter"), setup_round, ballot.to_json())
        counts.append(len(queries))
        assert not any('"web_ballot"."payload"' in q["sql"] for q in queries.captured_queries)
    assert len(set(counts[1:])) == 1, counts


def test_what_the_ceremony_froze_is_named_when_an_edit_is_refused(
    setup_round: Any, org_actor: Any, people: dict[str, Any]
) -> None:
    from tinnhiem.web.actions import ActionError, do_update_round

    do_start_ceremony(org_actor, setup_round)
    before = engine_of(setup_round).manifest
    refusals = {
        "Danh sách người được lấy phiếu": lambda: do_add_official(
            org_actor, setup_round, people["P3"], post="Ủy viên"
        ),
        "Danh sách người được triệu tập": lambda: do_summon(org_actor, setup_round, []),
        "Thông tin đợt": lambda: do_update_round(org_actor, setup_round, title="Khác"),
    }
    for what, step in refusals.items():
        with pytest.raises(ActionError, match=f"{what}.*đã được chốt"):
            step()
    assert engine_of(setup_round).manifest == before
