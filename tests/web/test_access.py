"""Role checks: least privilege on every page and action; observers never change."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tinnhiem.web.actions import do_add_official, do_create_body, do_create_round
from tinnhiem.web.lib.access import Actor, roles_of
from tinnhiem.web.models import Body, Official, Role, Round

pytestmark = pytest.mark.django_db


def test_roles_by_scope(make_user, grant_role, body, round_):
    user = make_user("u")
    grant_role(user, Role.OBSERVER, body=body)
    grant_role(user, Role.VOTER, round=round_)
    assert roles_of(user) == frozenset()
    assert roles_of(user, body=body) == {Role.OBSERVER}
    assert roles_of(user, round=round_) == {Role.OBSERVER, Role.VOTER}
    other = Round.objects.create(
        body=Body.objects.create(code="x", name="X"), title="o", rule_id="qd96-2023"
    )
    assert roles_of(user, round=other) == frozenset()


def test_action_refuses_wrong_role_and_stores_nothing(make_user, grant_role, body, round_, people):
    observer = make_user("obs")
    grant_role(observer, Role.OBSERVER, body=body)
    voter = make_user("voter")
    grant_role(voter, Role.VOTER, round=round_)
    for user in (observer, voter):
        with pytest.raises(PermissionDenied):
            do_add_official(Actor(user), round_, people["P3"], post="X")
        with pytest.raises(PermissionDenied):
            do_create_body(Actor(user), code="new", name="New")
        with pytest.raises(PermissionDenied):
            do_create_round(Actor(user), body, title="t", kind="poll", rule_id="qd96-2023")
    assert Official.objects.count() == 0
    assert Body.objects.count() == 1
    assert Round.objects.count() == 1


def test_voter_cannot_see_organiser_pages(client, make_user, grant_role, body, round_):
    voter = make_user("voter")
    grant_role(voter, Role.VOTER, round=round_)
    client.force_login(voter)
    assert client.get(reverse("web:round", args=[round_.pk])).status_code == 200
    for url in (
        reverse("web:bodies"),
        reverse("web:body", args=[body.pk]),
        reverse("web:roster_import", args=[body.pk]),
        reverse("web:round_edit", args=[round_.pk]),
        reverse("web:credentials", args=[round_.pk]),
        reverse("web:checkin", args=[round_.pk]),
        reverse("web:audit_round", args=[round_.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Không có quyền truy cập" in response.content.decode()


def test_observer_reads_but_never_changes(client, make_user, grant_role, body, round_, people):
    observer = make_user("obs")
    grant_role(observer, Role.OBSERVER, body=body)
    client.force_login(observer)
    assert client.get(reverse("web:round", args=[round_.pk])).status_code == 200
    assert client.get(reverse("web:audit_round", args=[round_.pk])).status_code == 200
    assert client.get(reverse("web:body", args=[body.pk])).status_code == 200
    response = client.post(
        reverse("web:officials_add", args=[round_.pk]),
        {"person": people["P1"].pk, "post": "Chủ tịch"},
    )
    assert response.status_code == 403
    response = client.post(reverse("web:round_status", args=[round_.pk, "ceremony"]))
    assert response.status_code == 403
    assert Official.objects.count() == 0
    round_.refresh_from_db()
    assert round_.status == "draft"


def test_organiser_of_another_body_is_refused(client, make_user, grant_role, round_):
    other_body = Body.objects.create(code="other", name="Other")
    user = make_user("org2")
    grant_role(user, Role.ORGANISER, body=other_body)
    client.force_login(user)
    assert client.get(reverse("web:round", args=[round_.pk])).status_code == 403
    assert client.get(reverse("web:body", args=[other_body.pk])).status_code == 200


def test_anonymous_goes_to_login(client, round_):
    response = client.get(reverse("web:round", args=[round_.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_security_headers(client):
    response = client.get(reverse("web:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()  # no inline script
