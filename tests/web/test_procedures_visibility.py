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


# Who reads a personnel step's result, per stage (docs/web.md prints the same rows):
# O organiser, C committee, L the leadership collective, P the person concerned, V a plain
# voter, B an observer; "-" nobody. Paper steps are "counting" until posted.
PERSONNEL_MATRIX = {
    "draft": "-",
    "ceremony": "-",
    "open": "-",
    "closed": "-",
    "counting": "O C",
    "tallied": "O C L P",
    "published": "O C L P V B",
}


def test_the_personnel_matrix_rows() -> None:
    from tinnhiem.web.lib.visibility import (
        CONCERNED,
        LEADERSHIP,
        PERSONNEL_DRAFTS_SEEN_BY,
        PERSONNEL_RESULTS_SEEN_BY,
        Stage,
    )
    from tinnhiem.web.models import Role

    letters = {
        Role.ORGANISER: "O",
        Role.COMMITTEE: "C",
        LEADERSHIP: "L",
        CONCERNED: "P",
        Role.VOTER: "V",
        Role.OBSERVER: "B",
    }

    def row(readers: frozenset[str]) -> str:
        return " ".join(v for k, v in letters.items() if k in readers) or "-"

    for stage, expected in PERSONNEL_MATRIX.items():
        assert row(PERSONNEL_RESULTS_SEEN_BY[Stage(stage)]) == expected, stage
    # The count in progress (entry status, disagreements, draft minutes): its makers.
    assert row(PERSONNEL_DRAFTS_SEEN_BY[Stage.COUNTING]) == "O C"
    assert row(PERSONNEL_DRAFTS_SEEN_BY[Stage.TALLIED]) == "O C"
    assert row(PERSONNEL_DRAFTS_SEEN_BY[Stage.PUBLISHED]) == "O C B"


def test_a_reappointment_vote_on_paper_obeys_the_same_rows(
    org_actor: Any, body: Any, people: dict[str, Any]
) -> None:
    from django.test import Client
    from django.urls import reverse

    from tinnhiem.web.actions import do_add_committee_member, do_summon
    from tinnhiem.web.lib.visibility import Stage, stage_of
    from tinnhiem.web.models import Membership, Role

    def reads(user: Any) -> dict[str, bool]:
        client = Client()
        client.force_login(user)
        page = client.get(f"/rounds/{step.pk}/results/")
        return {
            "page": page.status_code == 200 and 'id="step-reasons"' in page.content.decode(),
            "api": client.get(f"/api/rounds/{step.pk}/results").status_code == 200,
            "minutes": client.get(f"/rounds/{step.pk}/minutes.xlsx").status_code == 200,
            "log": client.get(reverse("web:paper_log", args=[step.pk])).status_code == 200,
        }

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
    do_summon(org_actor, step, people.values())
    lan = do_ensure_account(org_actor, people["P4"]).user
    do_add_committee_member(org_actor, step, lan)
    voter = do_ensure_account(org_actor, people["P6"]).user
    Membership.objects.get_or_create(user=voter, role=Role.VOTER, body=None, round=step)
    observer = do_ensure_account(org_actor, people["P5"]).user
    Membership.objects.get_or_create(user=observer, role=Role.OBSERVER, body=None, round=step)
    organiser = Client()
    organiser.force_login(org_actor.user)
    created = organiser.post(
        reverse("web:paper", args=[step.pk]),
        {"mode": "totals", "paper_serials": "0", "present": "6", "required_entries": "2"},
    )
    assert created.status_code == 302, created.content.decode()
    nothing = dict.fromkeys(("page", "api", "minutes", "log"), False)
    everything = dict.fromkeys(("page", "api", "minutes", "log"), True)
    assert stage_of(step) is Stage.COUNTING
    for who in (leader, person, voter, observer):
        assert reads(who) == nothing
    # Two committee members enter the counting committee's totals; the organiser posts.
    from tinnhiem.web.actions.paper_personnel import (
        do_paper_enter_personnel_totals,
        do_paper_post_step,
    )
    from tinnhiem.web.lib.access import Actor

    minh = do_ensure_account(org_actor, people["P3"]).user
    do_add_committee_member(org_actor, step, minh)
    values = {"returned": 6, "invalid": 0, "blank": 0}
    values |= {"P1.agree": 5, "P1.disagree": 1, "P1.blank": 0, "P1.invalid": 0}
    for user in (lan, minh):
        do_paper_enter_personnel_totals(Actor(user, Role.COMMITTEE), step, values=values)
    do_paper_post_step(org_actor, step)
    assert stage_of(step) is Stage.TALLIED
    for who in (org_actor.user, lan, leader, person):
        assert reads(who) == everything, who
    for who in (voter, observer):
        assert reads(who) == nothing, who
    do_publish_results(org_actor, step)
    for who in (voter, observer):
        assert reads(who) == everything, who
