"""Who reads a personnel step's result before it is published (issue 14): the organiser,
the committee, the body's leadership collective and the person concerned — on every page
that carries it (results page, results API, record, minutes) — and nobody else; after
publication, everyone in the round."""

from __future__ import annotations

from typing import Any

import pytest

from tinnhiem.ballots import Mark
from tinnhiem.web.actions import do_ensure_account
from tinnhiem.web.actions.poll_results import do_publish_results
from tinnhiem.web.actions.procedures import (
    do_create_procedure,
    do_create_step,
    do_set_roster_flags,
)
from tinnhiem.web.models import CommitteeMember, VoterCredential
from web.test_procedures import _run

pytestmark = pytest.mark.django_db


def _reads(client: Any, user: Any, pk: int) -> dict[str, bool]:
    client.force_login(user)
    page = client.get(f"/rounds/{pk}/results/")
    return {
        "page": page.status_code == 200 and 'id="step-reasons"' in page.content.decode(),
        "api": client.get(f"/api/rounds/{pk}/results").status_code == 200,
        "record": client.get(f"/rounds/{pk}/record.json").status_code == 200,
        "minutes": client.get(f"/rounds/{pk}/minutes.pdf").status_code == 200,
    }


def test_a_reappointment_vote_is_read_first_by_the_leadership_and_the_person(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    do_set_roster_flags(org_actor, body, planning=[], leadership=[people["P2"]])
    leader = do_ensure_account(org_actor, people["P2"]).user
    person = do_ensure_account(org_actor, people["P1"]).user
    procedure = do_create_procedure(
        org_actor,
        body,
        procedure_id="appointment-reappointment-qd80-2022",
        post="Giám đốc Sở",
        person=people["P1"],
    )
    step = do_create_step(org_actor, procedure)
    assert step.kind == "agree_disagree"
    votes = [{"P1": Mark.AGREE}] * 4 + [{"P1": Mark.DISAGREE}]
    step = _run(org_actor, client, step, people, votes)
    committee = CommitteeMember.objects.filter(round=step).first().user
    voter = VoterCredential.objects.get(round=step, summons__person=people["P3"]).user
    everything = {"page": True, "api": True, "record": True, "minutes": True}
    nothing = {"page": False, "api": False, "record": False, "minutes": False}

    for who in (org_actor.user, committee, leader, person):
        assert _reads(client, who, step.pk) == everything, who
    assert _reads(client, voter, step.pk) == nothing

    do_publish_results(org_actor, step)
    assert _reads(client, voter, step.pk) == everything
