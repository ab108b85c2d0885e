"""A personnel step's booth in Debian's Chromium (issue 14): a choose step's voter ticks two
names where one is allowed and is stopped before anything is sealed, then ticks one,
encrypts on the phone and casts; a second voter ticks nobody and casts a blank ballot,
which the tally counts as blank (the blank column b); an agree/disagree voter marks the
person and casts. The ballots the server keeps verify with the step's record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tinnhiem.web.lib.slips import booth_fragment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT = 20_000


def _open_step(kind: str) -> tuple[Any, list[Any], Any]:
    """A body of six, a procedure's first step (choose: QĐ 80 step 2 over three planning
    names; agree: the reappointment's first step on P1), ceremony run, slips issued, open."""
    from django.contrib.auth import get_user_model

    from tinnhiem.web.actions import (
        do_add_committee_member,
        do_check_in,
        do_create_body,
        do_ensure_account,
        do_import_roster,
        do_issue_credentials,
        do_open_round,
        do_start_ceremony,
        do_summon,
    )
    from tinnhiem.web.actions.demo import run_hosted_ceremony
    from tinnhiem.web.actions.procedures import (
        do_create_procedure,
        do_create_step,
        do_set_roster_flags,
    )
    from tinnhiem.web.lib.access import Actor
    from tinnhiem.web.lib.roster import RosterRow
    from tinnhiem.web.models import Membership, Person, Role, Summons

    organiser = get_user_model().objects.create_user("bantochuc", password=None)
    Membership.objects.create(user=organiser, role=Role.ORGANISER)
    org = Actor(organiser, Role.ORGANISER)
    body = do_create_body(org, code="so-tu-phap", name="Sở Tư pháp tỉnh Thử")
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Dung", "Hoàng Em", "Vũ Giang"]
    rows = [RosterRow(i + 2, f"P{i + 1}", n, "Sở", "Phó Giám đốc") for i, n in enumerate(names)]
    do_import_roster(org, body, rows)
    people = {p.external_id: p for p in Person.objects.filter(body=body)}
    planning = [people["P1"], people["P2"], people["P3"]]
    do_set_roster_flags(org, body, planning=planning, leadership=[people["P2"]])
    if kind == "choose":
        procedure = do_create_procedure(
            org, body, procedure_id="appointment-qd80-2022", post="Giám đốc Sở"
        )
        step = do_create_step(org, procedure, people=planning)
    else:
        procedure = do_create_procedure(
            org,
            body,
            procedure_id="appointment-reappointment-qd80-2022",
            post="Giám đốc Sở",
            person=people["P1"],
        )
        step = do_create_step(org, procedure)
    do_summon(org, step, people.values())
    for code in ("P4", "P5", "P6"):
        do_add_committee_member(org, step, do_ensure_account(org, people[code]).user)
    do_start_ceremony(org, step)
    trustees = run_hosted_ceremony(step)
    step.refresh_from_db()
    slips = do_issue_credentials(org, step)
    for summons in Summons.objects.filter(round=step):
        do_check_in(org, step, summons=summons)
    do_open_round(org, step)
    step.refresh_from_db()
    return step, slips, trustees


def _close_and_decrypt(step: Any, trustees: Any) -> Any:
    """Close the step and decrypt with members 1 and 2; returns the step result."""
    from tinnhiem.web.actions import do_close_round
    from tinnhiem.web.actions.poll import do_post_decryption_share
    from tinnhiem.web.actions.procedures import step_result_of
    from tinnhiem.web.lib.access import Actor
    from tinnhiem.web.lib.poll_round import engine_of
    from tinnhiem.web.models import CommitteeMember, Membership, Role

    organiser = Membership.objects.filter(role=Role.ORGANISER).first().user
    do_close_round(Actor(organiser, Role.ORGANISER), step)
    step.refresh_from_db()
    seats = {m.index: Actor(m.user, Role.COMMITTEE) for m in CommitteeMember.objects.seated(step)}
    for index in (1, 2):
        engine = engine_of(step)
        do_post_decryption_share(seats[index], step, trustees.decryption(index, engine))
        step.refresh_from_db()
    return step_result_of(step)


def _page(browser: Any, errors: list[str]) -> Any:
    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(TIMEOUT)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def _cast(page: Any) -> str:
    page.click("#review-button")
    page.wait_for_selector("#step-review:not([hidden])")
    page.click("#encrypt-button")
    page.wait_for_selector("#step-sealed:not([hidden])")
    sealed = page.inner_text("#sealed-tracker")
    page.click("#cast-button")
    page.wait_for_selector("#step-done:not([hidden])")
    assert page.inner_text("#done-tracker") == sealed
    return sealed


def test_a_choose_step_in_the_browser(
    live_server: Any, browser: Any, booth_bundle: Path, shots: Any
) -> None:
    from tinnhiem.web.models import Ballot

    step, slips, trustees = _open_step("choose")
    errors: list[str] = []
    page = _page(browser, errors)
    page.goto(f"{live_server.url}/phieu/#{booth_fragment(slips[0].login_code, slips[0].seed)}")
    page.wait_for_selector("#step-mark:not([hidden])")
    assert "Chọn tối đa 1 người" in page.inner_text("#choose-rule")
    boxes = page.locator("#marks-form input[type=checkbox]")
    assert boxes.count() == 3
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("#review-button")
    page.wait_for_selector("#marks-status:not([hidden])")
    assert "tối đa 1" in page.inner_text("#marks-status")
    assert page.locator("#step-review").is_hidden()
    shots(page, "20-booth-choose-too-many")
    boxes.nth(1).uncheck()
    tracker = _cast(page)
    shots(page, "21-booth-choose-cast")
    assert Ballot.objects.filter(round=step, tracker=tracker).exists()
    # a second voter ticks nobody: a blank ballot, sealed with b = 1 and cast
    page = _page(browser, errors)
    page.goto(f"{live_server.url}/phieu/#{booth_fragment(slips[1].login_code, slips[1].seed)}")
    page.wait_for_selector("#step-mark:not([hidden])")
    assert page.locator("#marks-form input[type=checkbox]:checked").count() == 0
    blank = _cast(page)
    assert Ballot.objects.filter(round=step, tracker=blank).exists()
    assert errors == []
    result = _close_and_decrypt(step, trustees)
    assert (result["returned"], result["valid"], result["blank"]) == (2, 2, 1)
    assert [c["votes"] for c in result["candidates"]] == [1, 0, 0]


def test_an_agree_disagree_step_in_the_browser(
    live_server: Any, browser: Any, booth_bundle: Path
) -> None:
    from tinnhiem.web.models import Ballot

    step, slips, _trustees = _open_step("agree")
    errors: list[str] = []
    page = _page(browser, errors)
    page.goto(f"{live_server.url}/phieu/#{booth_fragment(slips[1].login_code, slips[1].seed)}")
    page.wait_for_selector("#step-mark:not([hidden])")
    page.locator("#marks-form input[value=disagree]").first.check()
    tracker = _cast(page)
    assert Ballot.objects.filter(round=step, tracker=tracker).exists()
    assert errors == []
