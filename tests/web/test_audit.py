"""The audit log is append-only and readable by observers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tinnhiem.web.actions import audit
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.models import AppendOnlyError, AuditEntry, Role

pytestmark = pytest.mark.django_db


def test_entries_refuse_update_and_delete(organiser):
    entry = audit(Actor(organiser, Role.ORGANISER), "test.thing", detail={"a": 1})
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.action == "test.thing"
    assert (entry.username, entry.role, entry.detail) == ("org", "organiser", {"a": 1})


def test_every_setup_action_is_logged(setup_round):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "body.create",
        "roster.import",
        "round.create",
        "official.add",
        "round.summon",
        "account.create",
        "committee.add",
    } <= actions
    entry = AuditEntry.objects.filter(action="official.add").first()
    assert entry.round == setup_round and entry.role == "organiser"
    assert entry.detail["post"] in {"Chủ tịch", "Phó Chủ tịch"}


def test_rolled_back_action_leaves_no_entry(org_actor, round_, people):
    from tinnhiem.web.actions import ActionError, do_add_official

    before = AuditEntry.objects.count()
    with pytest.raises(ActionError):
        do_add_official(org_actor, round_, people["P1"], post="")
    assert AuditEntry.objects.count() == before


def test_observer_reads_the_log_voter_does_not(client, make_user, grant_role, body, setup_round):
    observer = make_user("obs")
    grant_role(observer, Role.OBSERVER, body=body)
    client.force_login(observer)
    page = client.get(reverse("web:audit_body", args=[body.pk])).content.decode()
    assert "official.add" in page and "roster.import" in page
    assert client.get(reverse("web:audit_round", args=[setup_round.pk])).status_code == 200
    assert client.get(reverse("web:audit_site")).status_code == 403
    voter = make_user("voter")
    grant_role(voter, Role.VOTER, round=setup_round)
    client.force_login(voter)
    assert client.get(reverse("web:audit_round", args=[setup_round.pk])).status_code == 403
