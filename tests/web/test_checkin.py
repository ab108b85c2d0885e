"""Check-in at the door (scan or roll) and the quorum that gates opening."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tinnhiem.web.actions import (
    ActionError,
    do_check_in,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
)
from tinnhiem.web.lib.quorum import quorum_of
from tinnhiem.web.models import AppendOnlyError, CheckIn, Summons

pytestmark = pytest.mark.django_db


def test_scan_and_roll(org_actor, setup_round):
    slips = do_issue_credentials(org_actor, setup_round)
    token = slips[0].credential.checkin_token
    first = do_check_in(org_actor, setup_round, scanned=f"TN-CHK:{token}")
    assert first.method == "scan"
    with pytest.raises(ActionError) as caught:
        do_check_in(org_actor, setup_round, scanned=token.lower())
    assert "đã điểm danh" in str(caught.value)
    with pytest.raises(ActionError):
        do_check_in(org_actor, setup_round, scanned="TN-CHK:NOTATOKEN")
    other = Summons.objects.filter(round=setup_round).exclude(pk=first.summons_id).first()
    assert do_check_in(org_actor, setup_round, summons=other).method == "roll"
    assert CheckIn.objects.filter(round=setup_round).count() == 2
    with pytest.raises(AppendOnlyError):
        first.delete()


def test_quorum_two_thirds_exact(org_actor, setup_round):
    summons = list(Summons.objects.filter(round=setup_round))
    assert len(summons) == 6
    q = quorum_of(setup_round)
    assert (q.present, q.summoned, q.needed, q.met) == (0, 6, 4, False)
    for s in summons[:3]:
        do_check_in(org_actor, setup_round, summons=s)
    assert not quorum_of(setup_round).met  # 3/6 < 2/3
    do_check_in(org_actor, setup_round, summons=summons[3])
    assert quorum_of(setup_round).met  # 4/6 = 2/3, inclusive


def test_open_needs_key_credentials_and_quorum(org_actor, setup_round):
    do_start_ceremony(org_actor, setup_round)
    setup_round.refresh_from_db()
    setup_round.public_key = "ab" * 32  # what the key ceremony sets
    setup_round.save(update_fields=["public_key"])
    with pytest.raises(ActionError) as caught:
        do_open_round(org_actor, setup_round)
    assert "0 trên 6" in str(caught.value)
    slips = do_issue_credentials(org_actor, setup_round)
    for slip in slips[:3]:
        do_check_in(org_actor, setup_round, scanned=slip.credential.checkin_token)
    with pytest.raises(ActionError) as caught:
        do_open_round(org_actor, setup_round)
    assert "cần ít nhất 4" in str(caught.value)
    do_check_in(org_actor, setup_round, scanned=slips[3].credential.checkin_token)
    assert do_open_round(org_actor, setup_round).status == "open"


def test_checkin_page_scan_and_roll(client, organiser, org_actor, setup_round):
    slips = do_issue_credentials(org_actor, setup_round)
    client.force_login(organiser)
    url = reverse("web:checkin", args=[setup_round.pk])
    page = client.get(url).content.decode()
    assert "autofocus" in page
    response = client.post(url, {"code": "TN-CHK:" + slips[0].credential.checkin_token})
    assert response.status_code == 200
    assert "Đã điểm danh" in response.content.decode()
    response = client.post(url, {"code": "TN-CHK:" + slips[0].credential.checkin_token})
    assert response.status_code == 400
    summons = slips[1].credential.summons
    client.post(url, {"summons": summons.pk})
    quorum = client.get(reverse("web:checkin_quorum", args=[setup_round.pk])).content.decode()
    assert "<strong>2</strong> / 6" in quorum
    assert "Chưa đủ" in quorum


def test_observer_sees_roll_but_cannot_check_in(client, make_user, grant_role, setup_round, body):
    observer = make_user("obs")
    grant_role(observer, "observer", body=body)
    client.force_login(observer)
    url = reverse("web:checkin", args=[setup_round.pk])
    assert client.get(url).status_code == 200
    summons = Summons.objects.filter(round=setup_round).first()
    assert client.post(url, {"summons": summons.pk}).status_code == 403
    assert CheckIn.objects.count() == 0
