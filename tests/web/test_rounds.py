"""Round setup and status changes: actions and pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tinnhiem.web.actions import (
    ActionError,
    do_add_official,
    do_close_round,
    do_create_round,
    do_open_round,
    do_set_exemption,
    do_start_ceremony,
    do_update_round,
)
from tinnhiem.web.models import AuditEntry, Membership, Official, Role, Round

pytestmark = pytest.mark.django_db


def test_create_round_checks_rule_kind_and_committee(org_actor, body):
    with pytest.raises(ActionError) as caught:
        do_create_round(org_actor, body, title="x", kind="poll", rule_id="no-such-rule")
    assert caught.value.field == "rule_id"
    with pytest.raises(ActionError):
        do_create_round(org_actor, body, title="x", kind="poll", rule_id="nq96-2023-formal")
    with pytest.raises(ActionError) as caught:
        do_create_round(
            org_actor,
            body,
            title="x",
            kind="poll",
            rule_id="qd96-2023",
            threshold=4,
            committee_size=3,
        )
    assert caught.value.field == "threshold"
    now = timezone.now()
    with pytest.raises(ActionError) as caught:
        do_create_round(
            org_actor,
            body,
            title="x",
            kind="poll",
            rule_id="qd96-2023",
            opens_at=now,
            closes_at=now - dt.timedelta(hours=1),
        )
    assert caught.value.field == "closes_at"
    # A rule given as a file path is never loaded from a web form.
    with pytest.raises(ActionError):
        do_create_round(org_actor, body, title="x", kind="poll", rule_id="/etc/passwd")
    assert Round.objects.count() == 0
    formal = do_create_round(
        org_actor, body, title="Bỏ phiếu", kind="formal_vote", rule_id="nq96-2023-formal"
    )
    assert formal.status == "draft"
    assert AuditEntry.objects.filter(action="round.create", round=formal).count() == 1


def test_officials_order_and_exemption(org_actor, round_, people):
    first = do_add_official(org_actor, round_, people["P1"], post="Chủ tịch")
    second = do_add_official(org_actor, round_, people["P2"], post="Phó Chủ tịch")
    assert (first.order, second.order) == (1, 2)
    with pytest.raises(ActionError):
        do_add_official(org_actor, round_, people["P1"], post="again")
    with pytest.raises(ActionError) as caught:
        do_add_official(org_actor, round_, people["P3"], post="X", order=2)
    assert caught.value.field == "order"
    with pytest.raises(ActionError) as caught:
        do_set_exemption(org_actor, second, exempt=True, reason="  ")
    assert caught.value.field == "reason"
    do_set_exemption(org_actor, second, exempt=True, reason="Có thông báo nghỉ hưu")
    second.refresh_from_db()
    assert second.exempt and second.exempt_reason == "Có thông báo nghỉ hưu"


def test_status_flow(org_actor, setup_round, people):
    round_ = setup_round
    with pytest.raises(ActionError):
        do_open_round(org_actor, round_)  # still a draft
    do_start_ceremony(org_actor, round_)
    round_.refresh_from_db()
    assert round_.status == "ceremony"
    with pytest.raises(ActionError):
        do_update_round(org_actor, round_, title="changed")
    with pytest.raises(ActionError):
        do_add_official(org_actor, round_, people["P3"], post="late")
    with pytest.raises(ActionError) as caught:
        do_open_round(org_actor, round_)
    assert "khóa chung" in str(caught.value)


def test_ceremony_needs_full_committee(org_actor, round_, people):
    do_add_official(org_actor, round_, people["P1"], post="Chủ tịch")
    from tinnhiem.web.actions import do_summon

    do_summon(org_actor, round_, [people["P2"]])
    with pytest.raises(ActionError) as caught:
        do_start_ceremony(org_actor, round_)
    assert "0 trên 3" in str(caught.value)


def test_committee_members_get_the_role(setup_round):
    members = list(setup_round.committee.all())
    assert [m.index for m in members] == [1, 2, 3]
    for m in members:
        assert Membership.objects.filter(
            user=m.user, role=Role.COMMITTEE, round=setup_round
        ).exists()


def test_close_only_when_open(org_actor, setup_round):
    with pytest.raises(ActionError):
        do_close_round(org_actor, setup_round)


def test_pages_create_and_setup(client, organiser, body, people):
    client.force_login(organiser)
    response = client.get(reverse("web:round_create", args=[body.pk]))
    assert response.status_code == 200
    assert "qd96-2023" in response.content.decode()
    response = client.post(
        reverse("web:round_create", args=[body.pk]),
        {
            "title": "Đợt 1",
            "kind": "poll",
            "rule_id": "qd96-2023",
            "threshold": 2,
            "committee_size": 3,
            "opens_at": "2026-12-01T08:00",
            "closes_at": "2026-12-01T10:00",
            "report_deadline": "2026-11-30T08:00",
        },
    )
    assert response.status_code == 302
    round_ = Round.objects.get(title="Đợt 1")
    assert round_.opens_at is not None
    client.post(
        reverse("web:officials_add", args=[round_.pk]),
        {"person": people["P1"].pk, "post": "Chủ tịch"},
    )
    client.post(reverse("web:round_summon", args=[round_.pk]), {"all": "1"})
    client.post(reverse("web:round_committee", args=[round_.pk]), {"person": people["P4"].pk})
    official = Official.objects.get(round=round_)
    client.post(
        reverse("web:official_exempt", args=[round_.pk, official.pk]),
        {"exempt": "on", "reason": "Mới được bầu trong năm"},
    )
    page = client.get(reverse("web:round", args=[round_.pk])).content.decode()
    assert "Mới được bầu trong năm" in page
    assert round_.summons.count() == 6
    assert round_.committee.count() == 1
    # A refused status change shows why and changes nothing.
    response = client.post(reverse("web:round_status", args=[round_.pk, "ceremony"]), follow=True)
    assert "Chưa có người nào được lấy phiếu" in response.content.decode()
    round_.refresh_from_db()
    assert round_.status == "draft"


def test_invalid_round_form_shows_error(client, organiser, body):
    client.force_login(organiser)
    response = client.post(
        reverse("web:round_create", args=[body.pk]),
        {
            "title": "x",
            "kind": "poll",
            "rule_id": "qd96-2023",
            "threshold": 5,
            "committee_size": 3,
        },
    )
    assert response.status_code == 400
    assert "Ngưỡng t" in response.content.decode()


def test_account_made_later_gets_the_official_role(org_actor, round_, people):
    from tinnhiem.web.actions import do_ensure_account
    from tinnhiem.web.lib.access import roles_of

    official = do_add_official(org_actor, round_, people["P3"], post="Giám đốc Sở")
    account = do_ensure_account(org_actor, people["P3"])
    assert account.password
    assert Role.OFFICIAL in roles_of(account.user, round=round_)
    again = do_ensure_account(org_actor, people["P3"])
    assert again.password is None and again.user == account.user
    assert official.person.user_id is None or official.person.user_id == account.user.pk


def test_body_roles_page_creates_account_once(client, organiser, body, people):
    client.force_login(organiser)
    url = reverse("web:body_roles", args=[body.pk])
    response = client.post(url, {"person": people["P6"].pk, "role": "observer"})
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "hdnd-test-p6" in page
    people["P6"].refresh_from_db()
    assert Membership.objects.filter(user=people["P6"].user, role="observer", body=body).exists()
    again = client.post(url, {"person": people["P6"].pk, "role": ""}).content.decode()
    assert "chỉ hiện một lần" not in again


def test_official_writes_own_report_until_the_deadline(org_actor, round_, people, client):
    from tinnhiem.web.actions import do_ensure_account, do_submit_report
    from tinnhiem.web.lib.access import Actor

    mine = do_add_official(org_actor, round_, people["P1"], post="Chủ tịch")
    other = do_add_official(org_actor, round_, people["P2"], post="Phó Chủ tịch")
    user = do_ensure_account(org_actor, people["P1"]).user
    actor = Actor(user, Role.OFFICIAL)
    with pytest.raises(ActionError):
        do_submit_report(actor, other, text="not mine")
    client.force_login(user)
    url = reverse("web:report_edit", args=[round_.pk, mine.pk])
    assert client.post(url, {"text": "Báo cáo của tôi"}).status_code == 302
    assert mine.report.text == "Báo cáo của tôi"
    round_.report_deadline = timezone.now() - dt.timedelta(minutes=1)
    round_.save()
    with pytest.raises(ActionError) as caught:
        do_submit_report(actor, mine, text="muộn")
    assert "quá hạn" in str(caught.value)
    # The organiser may still add it for them.
    assert do_submit_report(org_actor, mine, text="Ban Tổ chức nhập hộ").text


def test_pdf_report_must_be_a_pdf(org_actor, round_, people, client, organiser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    official = do_add_official(org_actor, round_, people["P1"], post="Chủ tịch")
    client.force_login(organiser)
    url = reverse("web:report_edit", args=[round_.pk, official.pk])
    bad = client.post(url, {"text": "", "pdf": SimpleUploadedFile("r.pdf", b"<html>")})
    assert bad.status_code == 400
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    ok = client.post(url, {"text": "", "pdf": SimpleUploadedFile("r.pdf", pdf)})
    assert ok.status_code == 302
    response = client.get(reverse("web:report_pdf", args=[round_.pk, official.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf


def test_round_page_suggests_the_rules_exemption_grounds(client, organiser, setup_round):
    from tinnhiem.rules import load_rule

    client.force_login(organiser)
    page = client.get(reverse("web:round", args=[setup_round.pk])).content.decode()
    reasons = [e.reason_vi for e in load_rule("qd96-2023").exemptions]
    assert reasons
    assert '<datalist id="exemption-reasons">' in page
    from django.utils.html import escape

    assert all(f'<option value="{escape(r)}">' in page for r in reasons)
