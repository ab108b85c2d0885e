"""The booth of a personnel step (issue 14): a choose step shows a checkbox per candidate
and says how many may be ticked; an agree/disagree step a pair of choices per person; the
booth's data carries k for the page's own check."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tinnhiem.web.actions import (
    do_add_committee_member,
    do_check_in,
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
)
from tinnhiem.web.models import Round, Summons
from web.ceremony_helpers import run_web_ceremony

pytestmark = pytest.mark.django_db


def _open(org_actor: Any, round_: Round, people: dict[str, Any]) -> list[Any]:
    do_summon(org_actor, round_, people.values())
    for code in ("P4", "P5", "P6"):
        do_add_committee_member(org_actor, round_, do_ensure_account(org_actor, people[code]).user)
    do_start_ceremony(org_actor, round_)
    run_web_ceremony(round_)
    round_.refresh_from_db()
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_):
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    return slips


def test_a_choose_step_booth_has_checkboxes_and_its_limit(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    planning = [people["P1"], people["P2"], people["P3"]]
    do_set_roster_flags(org_actor, body, planning=planning, leadership=[people["P2"]])
    procedure = do_create_procedure(
        org_actor, body, procedure_id="appointment-qd80-2022", post="Giám đốc Sở"
    )
    step = do_create_step(org_actor, procedure, people=planning)
    assert step.kind == "choose_at_most"
    slips = _open(org_actor, step, people)
    client.force_login(slips[0].credential.user)
    answer = client.get(reverse("web:poll_booth", args=[step.pk]))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'id="choose-rule"' in page and "Chọn tối đa 1 người" in page
    assert page.count('type="checkbox"') == 3 and 'type="radio"' not in page
    assert "báo cáo tự đánh giá" not in page  # candidates are not officials under a poll
    booth = answer.context["booth_data"]
    assert booth["choose_k"] == 1 and booth["allow_blank"] is True
    assert booth["mark_labels"] == {"chosen": "Chọn", "blank": "Không chọn"}
    assert booth["messages"]["too_many"]


def test_an_agree_disagree_step_booth_has_a_pair_of_choices(
    org_actor: Any, body: Any, people: dict[str, Any], client: Any
) -> None:
    do_set_roster_flags(org_actor, body, planning=[], leadership=[people["P2"]])
    procedure = do_create_procedure(
        org_actor,
        body,
        procedure_id="appointment-reappointment-qd80-2022",
        post="Giám đốc Sở",
        person=people["P1"],
    )
    step = do_create_step(org_actor, procedure)
    assert step.kind == "agree_disagree"
    slips = _open(org_actor, step, people)
    client.force_login(slips[0].credential.user)
    answer = client.get(reverse("web:poll_booth", args=[step.pk]))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'value="agree"' in page and 'value="disagree"' in page and 'value="blank"' in page
    assert 'type="checkbox"' not in page
    assert answer.context["booth_data"]["choose_k"] is None
