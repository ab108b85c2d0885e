"""Restarting a key ceremony on the web after a complaint: the organiser's form, the seats
renumbered, the roles moved, the board and the record."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tinnhiem.ballots import ceremony_fingerprint
from tinnhiem.crypto import Context
from tinnhiem.crypto.dkg import DkgMember
from tinnhiem.record import verify_record
from tinnhiem.web.actions import (
    ActionError,
    do_check_in,
    do_close_round,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
)
from tinnhiem.web.actions.poll import do_post_ceremony_message, do_restart_ceremony
from tinnhiem.web.lib.access import Actor, roles_of
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.models import AuditEntry, BoardEntry, CommitteeMember, Role, Summons
from web.ceremony_helpers import run_web_ceremony

pytestmark = pytest.mark.django_db


def _complaint(round_: Any, accuser: int, accused: int) -> None:
    """Every member commits and reveals; ``accuser`` then complains about ``accused``."""
    manifest = engine_of(round_).manifest
    ctx = Context(ceremony_fingerprint(manifest))
    seats = {m.index: Actor(m.user, "committee") for m in CommitteeMember.objects.seated(round_)}
    members = {i: DkgMember(ctx, i, manifest.threshold, len(seats)) for i in seats}
    commits = {i: m.commit() for i, m in members.items()}
    for i, c in commits.items():
        do_post_ceremony_message(seats[i], round_, "commit", c.to_dict())
    for i, m in members.items():
        do_post_ceremony_message(seats[i], round_, "reveal", m.reveal(commits).to_dict())
    do_post_ceremony_message(
        seats[accuser], round_, "complaint", {"accused": accused, "reason": "phần chia sai"}
    )


def test_the_organiser_replaces_an_accused_member(
    setup_round: Any, org_actor: Any, people: dict[str, Any], client: Any
) -> None:
    do_start_ceremony(org_actor, setup_round)
    _complaint(setup_round, accuser=1, accused=2)
    accused_user = CommitteeMember.objects.seated(setup_round).get(index=2).user
    client.force_login(org_actor.user)
    page = client.get(reverse("web:poll_committee", args=[setup_round.pk])).content.decode()
    assert 'id="restart-form"' in page and "replace_2" in page
    answer = client.post(
        reverse("web:poll_restart", args=[setup_round.pk]),
        {"reason": "Thành viên 2 gửi phần chia sai", "replace_2": str(people["P3"].pk)},
    )
    assert answer.status_code == 302
    setup_round.refresh_from_db()
    assert setup_round.ceremony_attempt == 1 and setup_round.committee_size == 3
    seats = list(CommitteeMember.objects.seated(setup_round).order_by("index"))
    people["P3"].refresh_from_db()  # the replacement got a login
    assert [s.user for s in seats][1] == people["P3"].user
    assert Role.COMMITTEE not in roles_of(accused_user, round=setup_round)
    assert Role.COMMITTEE in roles_of(people["P3"].user, round=setup_round)
    kinds = list(BoardEntry.objects.filter(round=setup_round).values_list("kind", flat=True))
    assert kinds == ["manifest", "restart", "manifest"]
    assert AuditEntry.objects.filter(action="ceremony.restart", round=setup_round).exists()

    # The new committee runs the ceremony from the start; the round then goes on.
    shares = run_web_ceremony(setup_round)
    setup_round.refresh_from_db()
    assert setup_round.public_key
    do_issue_credentials(org_actor, setup_round)
    for summons in Summons.objects.filter(round=setup_round)[:5]:
        do_check_in(org_actor, setup_round, summons=summons)
    do_open_round(org_actor, setup_round)
    do_close_round(org_actor, setup_round)  # no ballot: tallied at once
    record = record_for(setup_round)
    assert record is not None and len(record.restarts) == 1
    assert record.restarts[0]["restart"]["accused"] == [2]
    verify_record(record, workers=1)
    assert shares  # the members' shares of the new key


def test_a_restart_needs_a_complaint_and_keeps_the_others(
    setup_round: Any, org_actor: Any, people: dict[str, Any]
) -> None:
    do_start_ceremony(org_actor, setup_round)
    with pytest.raises(ActionError, match="khiếu nại"):
        do_restart_ceremony(org_actor, setup_round, replacements={}, reason="thử")
    _complaint(setup_round, accuser=3, accused=1)
    # Only the accused seat may change hands; a seated member cannot take it.
    seated = CommitteeMember.objects.seated(setup_round).get(index=3).user
    with pytest.raises(ActionError):
        do_restart_ceremony(org_actor, setup_round, replacements={2: seated}, reason="thử")
    with pytest.raises(ActionError):
        do_restart_ceremony(org_actor, setup_round, replacements={1: seated}, reason="thử")
    # Without the accused member the committee shrinks to 2 (t = 2 still holds).
    do_restart_ceremony(org_actor, setup_round, replacements={}, reason="Thành viên 1 rút")
    setup_round.refresh_from_db()
    assert setup_round.committee_size == 2
    assert [m.name for m in engine_of(setup_round).manifest.committee] == [
        people["P5"].full_name,
        people["P6"].full_name,
    ]
