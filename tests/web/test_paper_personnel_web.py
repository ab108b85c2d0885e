"""A personnel procedure's steps run on paper from the web (issue 14): step 2 of an
appointment under QĐ 80 entered sheet by sheet by two operators (one disagreement resolved
by the committee), its result decided by the core and posted where the procedure reads it,
read first by the organiser, the committee and the leadership collective (a plain voter
only after publication), its entry log verifying with ``tinnhiem verify``, its minutes as
PDF, XLSX and CSV; step 3 made from step 2's ``advancing`` list, counted by hand (the
committee's totals entered twice) and linked to step 2's log."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from typer.testing import CliRunner

from tinnhiem.cli import app
from tinnhiem.web.actions import do_add_committee_member, do_ensure_account, do_summon
from tinnhiem.web.actions.paper_store import load_session
from tinnhiem.web.actions.poll_results import do_publish_results
from tinnhiem.web.actions.procedures import (
    do_create_procedure,
    do_create_step,
    do_set_roster_flags,
    next_step_of,
    step_result_of,
)
from tinnhiem.web.models import AuditEntry, Membership, Role, Round
from tinnhiem.web.models.paper import PaperRound

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _enter(user: Any, round_: Round, serial: int, codes: str) -> Any:
    return _client(user).post(
        reverse("web:paper_enter", args=[round_.pk]), {"serial": str(serial), "quick": codes}
    )


def _reads(user: Any, round_: Round) -> dict[str, bool]:
    client = _client(user)
    page = client.get(reverse("web:results", args=[round_.pk]))
    return {
        "page": page.status_code == 200 and 'id="step-reasons"' in page.content.decode(),
        "api": client.get(f"/api/rounds/{round_.pk}/results").status_code == 200,
        "minutes": client.get(reverse("web:paper_minutes", args=[round_.pk, "pdf"])).status_code
        == 200,
        "log": client.get(reverse("web:paper_log", args=[round_.pk])).status_code == 200,
    }


def _setup(org_actor: Any, body: Any, people: dict[str, Any]) -> tuple[Any, Round, list[Any]]:
    do_set_roster_flags(
        org_actor,
        body,
        planning=[people["P1"], people["P2"], people["P3"]],
        leadership=[people["P2"]],
    )
    do_ensure_account(org_actor, people["P2"])
    procedure = do_create_procedure(
        org_actor, body, procedure_id="appointment-qd80-2022", post="Giám đốc Sở"
    )
    step = do_create_step(org_actor, procedure, people=[people["P1"], people["P2"], people["P3"]])
    do_summon(org_actor, step, people.values())
    operators = []
    for code in ("P4", "P5"):
        account = do_ensure_account(org_actor, people[code])
        do_add_committee_member(org_actor, step, account.user)
        operators.append(account.user)
    return procedure, step, operators


def test_an_appointment_step_on_paper_then_the_next_by_hand(
    org_actor: Any, body: Any, people: dict[str, Any], tmp_path: Any
) -> None:
    procedure, step2, (lan, minh) = _setup(org_actor, body, people)
    organiser = _client(org_actor.user)
    created = organiser.post(
        reverse("web:paper", args=[step2.pk]),
        {"mode": "ballots", "paper_serials": "0", "present": "6", "required_entries": "2"},
    )
    assert created.status_code == 302, created.content.decode()
    definition = load_session(PaperRound.objects.get(round=step2)).definition
    assert definition.personnel is not None
    assert (definition.personnel.step, definition.personnel.ballot, definition.personnel.k) == (
        "b2-introduce",
        "choose_at_most",
        1,
    )
    assert [o.id for o in definition.officials] == ["P1", "P2", "P3"]
    assert (definition.summoned, definition.present, definition.paper_serials) == (6, 6, 6)
    # The printable sheets: one A4 page per sheet, a PDF.
    sheets = organiser.get(reverse("web:paper_ballots", args=[step2.pk]) + "?from=1&to=2")
    assert sheets.status_code == 200 and sheets.content.startswith(b"%PDF")

    # Six sheets, each entered by both operators: P1 4, P2 1, one blank; sheet 5 disputed.
    for serial, codes in enumerate(["100", "100", "100", "100", "010", "000"], start=1):
        assert _enter(lan, step2, serial, codes).status_code == 302
        other = "001" if serial == 5 else codes
        assert _enter(minh, step2, serial, other).status_code == 302
    # A code a choose sheet does not have is refused, naming the row; nothing logged.
    events = load_session(PaperRound.objects.get(round=step2)).events
    bad = _enter(lan, step2, 7 - 1, "120")
    assert bad.status_code == 400 and "2" in bad.content.decode()
    assert load_session(PaperRound.objects.get(round=step2)).events == events
    status = _client(lan).get(reverse("web:paper", args=[step2.pk]))
    assert {d.field for d in status.context["status"].disagreements} == {"P2", "P3"}
    assert status.context["can_post"] is False
    page = _client(lan).get(reverse("web:paper_disagreements", args=[step2.pk]))
    assert "Chọn" in page.content.decode()
    for field, value in (("P2", "1"), ("P3", "0")):
        resolved = _client(lan).post(
            reverse("web:paper_resolve", args=[step2.pk]),
            {"item": "5", "field": field, "value": value, "note": "phiếu gốc"},
        )
        assert resolved.status_code == 302
    assert _client(lan).get(reverse("web:paper", args=[step2.pk])).context["can_post"] is True

    # Before the result is posted, nobody outside the count reads it; not even a draft.
    leader = people["P2"].user
    assert _reads(leader, step2) == dict.fromkeys(("page", "api", "minutes", "log"), False)
    assert step_result_of(step2) is None and next_step_of(procedure) is None

    posted = _client(minh).post(reverse("web:paper_post_step", args=[step2.pk]))
    assert posted.status_code == 302
    result = step_result_of(step2)
    assert result is not None
    assert result["status"] == "passed" and result["advancing"] == ["P1"]
    assert (result["summoned"], result["returned"], result["valid"], result["base"]) == (6, 6, 6, 6)
    assert [(c["id"], c["votes"], c["share"], c["percentage"]) for c in result["candidates"]] == [
        ("P1", 4, "2/3", "66.67"),
        ("P2", 1, "1/6", "16.67"),
        ("P3", 0, "0/1", "0.00"),
    ]
    assert result["next_step"] == "b3-leadership" and not result["pending"]
    assert AuditEntry.objects.filter(action="paper.step_result", round=step2).count() == 1
    # Posted: the count is closed; a second post is refused.
    assert _enter(lan, step2, 6, "100").status_code == 400
    again = _client(minh).post(reverse("web:paper_post_step", args=[step2.pk]), follow=True)
    assert "đã được chốt" in again.content.decode()

    # First readers: organiser, committee, the leadership collective; a plain voter later.
    voter = do_ensure_account(org_actor, people["P6"]).user
    Membership.objects.get_or_create(user=voter, role=Role.VOTER, body=None, round=step2)
    everything = dict.fromkeys(("page", "api", "minutes", "log"), True)
    for who in (org_actor.user, lan, leader):
        assert _reads(who, step2) == everything, who
    assert _reads(voter, step2) == dict.fromkeys(("page", "api", "minutes", "log"), False)
    page = _client(leader).get(reverse("web:results", args=[step2.pk])).content.decode()
    assert 'id="step-paper"' in page and "Nguyễn Văn Một" in page

    # The entry log verifies; a copy with one mark changed does not.
    log = _client(org_actor.user).get(reverse("web:paper_log", args=[step2.pk])).content
    path = tmp_path / "step2.jsonl"
    path.write_bytes(log)
    verified = CliRunner().invoke(app, ["verify", str(path)])
    assert verified.exit_code == 0, verified.output
    assert "HỢP LỆ" in verified.output
    forged = tmp_path / "forged.jsonl"
    forged.write_bytes(log.replace(b'"value":"chosen"', b'"value":"not_chosen"', 1))
    assert CliRunner().invoke(app, ["verify", str(forged)]).exit_code != 0

    # Minutes: PDF, CSV and XLSX (Vietnamese; ngày … tháng … năm …).
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("csv", "\ufeff".encode())):
        got = _client(leader).get(reverse("web:paper_minutes", args=[step2.pk, fmt]))
        assert got.status_code == 200 and got.content.startswith(magic), fmt
    xlsx = _client(leader).get(reverse("web:paper_minutes", args=[step2.pk, "xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert (
        cells["Bước"]
        == "Bước 2: Hội nghị tập thể lãnh đạo mở rộng giới thiệu nhân sự bằng phiếu kín"
    )
    assert cells["Số phiếu thu về"] == 6 and cells["Số phiếu trống (không chọn ai)"] == 1
    assert str(cells["Thời gian"]).startswith("ngày ") and " tháng " in str(cells["Thời gian"])

    # Published: the plain voter reads it too.
    do_publish_results(org_actor, step2)
    assert _reads(voter, step2) == everything

    # Step 3 from step 2's advancing list, counted by hand, linked to step 2's log.
    step3 = do_create_step(org_actor, procedure)
    assert [o.person.external_id for o in step3.officials.all()] == ["P1"]
    do_summon(org_actor, step3, people.values())
    for user in (lan, minh):
        do_add_committee_member(org_actor, step3, user)
    created = organiser.post(
        reverse("web:paper", args=[step3.pk]),
        {"mode": "totals", "paper_serials": "0", "present": "5", "required_entries": "2"},
    )
    assert created.status_code == 302, created.content.decode()
    link = load_session(PaperRound.objects.get(round=step3)).definition.personnel.previous
    head2 = load_session(PaperRound.objects.get(round=step2)).head
    assert (link.round_id, link.step, link.head, link.source) == (
        f"web-{step2.pk}",
        "b2-introduce",
        head2,
        "paper",
    )
    totals = {"returned": "5", "invalid": "1", "blank": "1", "P1.votes": "3", "device": ""}
    # 5 returned, 1 invalid, 1 blank: 3 sheets mark a name (k = 1), so 4 ticks are refused.
    refused = _client(lan).post(
        reverse("web:paper_totals", args=[step3.pk]), {**totals, "P1.votes": "4"}
    )
    assert refused.status_code == 400 and "only 3 valid sheets" in refused.content.decode()
    for user in (lan, minh):
        saved = _client(user).post(reverse("web:paper_totals", args=[step3.pk]), totals)
        assert saved.status_code == 302, saved.content.decode()
    assert (
        _client(org_actor.user).post(reverse("web:paper_post_step", args=[step3.pk])).status_code
        == 302
    )
    result3 = step_result_of(step3)
    assert result3 is not None
    # 3 of 6 summoned is not more than half: nobody reaches, and the texts read do not say
    # what then (not_in_text): the step waits on a person, no next step is offered.
    assert (result3["returned"], result3["invalid"], result3["valid"]) == (5, 1, 4)
    assert result3["candidates"][0]["votes"] == 3 and result3["candidates"][0]["share"] == "1/2"
    assert result3["candidates"][0]["reached"] is False
    assert (result3["status"], result3["action"], result3["pending"]) == (
        "none_reached",
        "not_in_text",
        True,
    )
    assert result3["advancing"] == [] and next_step_of(procedure) is None
    xlsx3 = _client(org_actor.user).get(reverse("web:paper_minutes", args=[step3.pk, "xlsx"]))
    cells3 = {
        r[0]: r[1]
        for r in load_workbook(io.BytesIO(xlsx3.content)).active.iter_rows(values_only=True)
        if r and r[0]
    }
    assert f"web-{step2.pk}" in cells3["Danh sách lấy từ"] and head2 in cells3["Danh sách lấy từ"]
