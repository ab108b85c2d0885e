"""Fixes found by walking through the site as its users would (organiser, committee,
voters, observer, official), each checked through the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from tinnhiem.web.actions import do_ensure_account, do_issue_credentials
from tinnhiem.web.actions.poll import engine_for_update, freeze_round
from tinnhiem.web.lib.slips import group_code
from tinnhiem.web.models import AuditEntry, Role, Round, RoundStatus, VoterCredential
from web.board_helpers import post_entries

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "src" / "tinnhiem" / "web" / "static" / "web"
POLL_CSS = Path(__file__).resolve().parents[2] / "frontend" / "src" / "pages" / "poll.css"


def _set_status(round_: Round, status: str) -> Round:
    Round.objects.filter(pk=round_.pk).update(status=status)
    round_.refresh_from_db()
    return round_


def test_hidden_attribute_beats_button_display():
    """The committee's step 2 and 3 buttons carry ``hidden`` until their turn; the button
    rule (display: inline-block) used to show them all from the start."""
    css = (STATIC / "css" / "app.css").read_text(encoding="utf-8")
    assert re.search(r"\[hidden\]\s*\{\s*display:\s*none\s*!important;?\s*\}", css)


def test_action_lists_have_no_bullets_and_steps_no_hanging_markers():
    css = (STATIC / "css" / "app.css").read_text(encoding="utf-8")
    assert re.search(r"ul\.actions\s*\{[^}]*list-style:\s*none", css)
    poll = POLL_CSS.read_text(encoding="utf-8")
    assert re.search(r"\.steps li\s*\{[^}]*list-style-position:\s*inside", poll)


def test_slip_prints_the_checkin_code_as_text(client, organiser, setup_round):
    """The door clerk can type the check-in code when the QR cannot be scanned."""
    client.force_login(organiser)
    page = client.post(reverse("web:credentials", args=[setup_round.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    tokens = VoterCredential.objects.filter(round=setup_round).values_list(
        "checkin_token", flat=True
    )
    assert tokens
    for token in tokens:
        assert group_code(token) in html
    # ... and what is printed checks the voter in, typed with spaces and in lower case
    typed = group_code(tokens[0]).lower().replace("-", " ")
    door = client.post(reverse("web:checkin", args=[setup_round.pk]), {"code": typed})
    assert door.status_code == 200
    assert "Đã điểm danh" in door.content.decode()


def test_group_code_groups_by_four():
    assert group_code("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"


def test_board_names_entry_kinds(client, setup_round):
    post_entries(
        setup_round, [("manifest", {"x": 1}, bytes(32)), ("open", {"y": 2}, bytes([1]) * 32)]
    )
    html = client.get(reverse("web:poll_board", args=[setup_round.pk])).content.decode()
    assert "Thông tin đợt" in html and "Mở bỏ phiếu" in html
    assert "<td>manifest</td>" not in html and "<td>open</td>" not in html
    # the API keeps the raw kind for programs
    api = client.get(reverse("web:api_board", args=[setup_round.pk])).json()
    assert [e["kind"] for e in api["entries"]] == ["manifest", "open"]


def test_round_page_leads_the_organiser_to_the_next_step(client, organiser, setup_round):
    client.force_login(organiser)
    url = reverse("web:round", args=[setup_round.pk])
    committee = reverse("web:poll_committee", args=[setup_round.pk])
    results = reverse("web:results", args=[setup_round.pk])
    assert committee not in client.get(url).content.decode()  # draft: nothing to see yet
    _set_status(setup_round, RoundStatus.CEREMONY)
    assert committee in client.get(url).content.decode()
    _set_status(setup_round, RoundStatus.CLOSED)
    html = client.get(url).content.decode()
    assert "Đến trang kiểm phiếu" in html and committee in html
    _set_status(setup_round, RoundStatus.TALLIED)
    html = client.get(url).content.decode()
    assert "Xem kết quả kiểm phiếu" in html and results in html
    # the body's name leads back to the body
    assert reverse("web:body", args=[setup_round.body.pk]) in html


def test_round_page_committee_link_keeps_role_checks(client, make_user, grant_role, setup_round):
    """A voter sees no committee link, in any status."""
    voter = make_user("voter-x")
    grant_role(voter, Role.VOTER, round=setup_round)
    client.force_login(voter)
    _set_status(setup_round, RoundStatus.CLOSED)
    html = client.get(reverse("web:round", args=[setup_round.pk])).content.decode()
    assert reverse("web:poll_committee", args=[setup_round.pk]) not in html


def test_audit_log_shows_role_names_and_json(client, make_user, grant_role, org_actor, setup_round):
    observer = make_user("obs", first_name="Mai Văn Quan")
    grant_role(observer, Role.OBSERVER, body=setup_round.body)
    do_issue_credentials(org_actor, setup_round)
    assert AuditEntry.objects.filter(round=setup_round).exists()
    client.force_login(observer)
    html = client.get(reverse("web:audit_round", args=[setup_round.pk])).content.decode()
    assert "<td>Ban Tổ chức</td>" in html and "<td>organiser</td>" not in html
    assert "{&#x27;" not in html  # no Python dict repr
    assert reverse("web:round", args=[setup_round.pk]) in html


def test_roles_page_says_when_the_account_exists(client, organiser, org_actor, people):
    do_ensure_account(org_actor, people["P1"])
    client.force_login(organiser)
    page = client.post(
        reverse("web:body_roles", args=[people["P1"].body.pk]),
        {"person": people["P1"].pk, "role": ""},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "đã có tài khoản" in html and people["P1"].user.username in html


def test_header_shows_the_name_not_the_login(client, organiser):
    client.force_login(organiser)
    html = client.get(reverse("web:home")).content.decode()
    assert "Đăng xuất (Ban Tổ chức)" in html


def test_round_page_points_to_official_accounts(client, organiser, setup_round):
    client.force_login(organiser)
    html = client.get(reverse("web:round", args=[setup_round.pk])).content.decode()
    assert reverse("web:body_roles", args=[setup_round.body.pk]) in html


def test_booth_explains_the_signing_code(client, org_actor, setup_round):
    """The slip never says "mã ký": the booth says which line of the slip it means."""
    slips = do_issue_credentials(org_actor, setup_round)
    with transaction.atomic(), engine_for_update(setup_round) as (round_, engine):
        freeze_round(round_, engine)  # the booth reads the frozen manifest
    _set_status(setup_round, RoundStatus.OPEN)
    client.force_login(slips[0].credential.user)
    page = client.get(reverse("web:poll_booth", args=[setup_round.pk]))
    assert page.status_code == 200
    assert "bắt đầu bằng “v1.”" in page.content.decode()


def test_forms_have_a_way_back(client, organiser, setup_round):
    """The round and report forms were dead ends but for the site header."""
    client.force_login(organiser)
    body = setup_round.body
    new = client.get(reverse("web:round_create", args=[body.pk])).content.decode()
    assert f'href="{reverse("web:body", args=[body.pk])}"' in new
    edit = client.get(reverse("web:round_edit", args=[setup_round.pk])).content.decode()
    back = f'href="{reverse("web:round", args=[setup_round.pk])}"'
    assert back in edit
    official = setup_round.officials.first()
    report = client.get(reverse("web:report_edit", args=[setup_round.pk, official.pk]))
    assert back in report.content.decode()


def test_home_offers_the_next_step(client, org_actor, setup_round, people):
    """A committee member lands on the start page: it leads to the ceremony, then to the
    decryption; a voter is led to the booth while the poll is open."""
    member = people["P4"].user
    client.force_login(member)
    committee = reverse("web:poll_committee", args=[setup_round.pk])
    assert committee not in client.get(reverse("web:home")).content.decode()
    _set_status(setup_round, RoundStatus.CEREMONY)
    html = client.get(reverse("web:home")).content.decode()
    assert committee in html and "lễ tạo khóa" in html
    _set_status(setup_round, RoundStatus.CLOSED)
    assert "Giải mã kết quả" in client.get(reverse("web:home")).content.decode()

    _set_status(setup_round, RoundStatus.DRAFT)
    slips = do_issue_credentials(org_actor, setup_round)
    _set_status(setup_round, RoundStatus.OPEN)
    client.force_login(slips[0].credential.user)
    html = client.get(reverse("web:home")).content.decode()
    assert reverse("web:poll_booth", args=[setup_round.pk]) in html


def test_official_post_defaults_to_the_roster(client, organiser, round_, people):
    """The roster already says each person's post; an empty post field takes it."""
    client.force_login(organiser)
    url = reverse("web:officials_add", args=[round_.pk])
    client.post(url, {"person": people["P3"].pk, "post": ""})
    official = round_.officials.get(person=people["P3"])
    assert official.post == people["P3"].position == "Đại biểu"
    people["P4"].position = ""
    people["P4"].save()
    answer = client.post(url, {"person": people["P4"].pk, "post": ""}, follow=True)
    assert "Hãy nhập chức vụ." in answer.content.decode()
    assert not round_.officials.filter(person=people["P4"]).exists()


def test_round_page_offers_only_people_not_yet_chosen(client, organiser, setup_round, people):
    client.force_login(organiser)
    html = client.get(reverse("web:round", args=[setup_round.pk])).content.decode()
    officials_select = html.split('id="off-person"')[1].split("</select>")[0]
    assert f'value="{people["P1"].pk}"' not in officials_select  # already on the ballot
    assert f'value="{people["P3"].pk}"' in officials_select
    # the committee has its 3 of 3 members: no form, a note instead
    assert 'id="com-person"' not in html
    assert "Đã đủ 3 thành viên" in html


def test_report_save_and_publish_say_so(client, organiser, setup_round):
    client.force_login(organiser)
    official = setup_round.officials.first()
    saved = client.post(
        reverse("web:report_edit", args=[setup_round.pk, official.pk]),
        {"text": "Báo cáo giữa nhiệm kỳ."},
        follow=True,
    )
    assert "Đã lưu báo cáo." in saved.content.decode()
    published = client.post(
        reverse("web:report_publish", args=[setup_round.pk, official.pk]), follow=True
    )
    assert "Đã công bố báo cáo cho người ghi phiếu." in published.content.decode()


def test_officials_heading_in_english_is_plural(client, organiser, setup_round):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    html = client.get(
        reverse("web:round", args=[setup_round.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<h2 id="h-officials">Officials</h2>' in html


def test_no_empty_actions_column_once_the_list_is_fixed(client, organiser, setup_round):
    client.force_login(organiser)
    url = reverse("web:round", args=[setup_round.pk])
    assert "Thao tác" in client.get(url).content.decode()
    _set_status(setup_round, RoundStatus.CEREMONY)
    assert "Thao tác" not in client.get(url).content.decode()


def test_roster_import_links_to_the_list(client, organiser, body):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(organiser)
    csv = "Mã,Họ và tên,Chức vụ\nX1,Đỗ Thị Ánh,Đại biểu\n".encode()
    page = client.post(
        reverse("web:roster_import", args=[body.pk]),
        {"file": SimpleUploadedFile("ds.csv", csv, "text/csv")},
    )
    html = page.content.decode()
    assert "Đã nhập 1 người." in html
    assert f"{reverse('web:body', args=[body.pk])}#h-people" in html


def test_round_date_is_the_local_date_not_utc(setup_round: Round) -> None:
    """01:30 on 29 November in Hà Nội is 18:30 on the 28th in UTC: the manifest (and so the
    tally minutes) must carry the 29th."""
    import datetime as dt

    from tinnhiem.web.lib.poll_round import build_manifest, rule_source_for

    setup_round.opens_at = dt.datetime(2026, 11, 28, 18, 30, tzinfo=dt.UTC)
    setup_round.save()
    manifest = build_manifest(setup_round, rule_source_for(setup_round.rule_id))
    assert manifest.date == "2026-11-29"
