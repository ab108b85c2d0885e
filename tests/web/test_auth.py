"""Login, logout and the login rate limit."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tinnhiem.web.actions import ActionError, LoginLocked, do_login
from tinnhiem.web.models import AuditEntry

pytestmark = pytest.mark.django_db


def _request() -> object:
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.7")
    request.session = SessionStore()
    return request


def test_action_logs_in_and_audits(make_user):
    user = make_user("alice")
    result = do_login(_request(), "alice", "pw-Secret-123")
    assert result.user == user
    assert AuditEntry.objects.filter(action="login", username="alice").count() == 1


def test_action_refuses_wrong_password(make_user):
    make_user("alice")
    with pytest.raises(ActionError):
        do_login(_request(), "alice", "wrong")
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.detail["username"] == "alice"
    assert entry.detail["failures"] == 1
    assert "wrong" not in str(entry.detail)


def test_action_locks_after_five_failures_even_with_right_password(make_user):
    make_user("alice")
    for _ in range(5):
        with pytest.raises(ActionError):
            do_login(_request(), "alice", "wrong")
    with pytest.raises(LoginLocked):
        do_login(_request(), "alice", "pw-Secret-123")
    assert AuditEntry.objects.filter(action="login.locked").count() == 1


def test_endpoint_login_and_logout(client, make_user):
    make_user("bob")
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert 'lang="vi"' in page.content.decode()
    response = client.post(reverse("web:login"), {"username": "bob", "password": "pw-Secret-123"})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    assert client.post(reverse("web:logout")).status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_endpoint_lockout_per_username_and_address(client, make_user):
    make_user("bob")
    for _ in range(5):
        r = client.post(
            reverse("web:login"), {"username": "bob", "password": "nope"}, REMOTE_ADDR="10.1.1.1"
        )
        assert r.status_code == 403
        assert "không đúng" in r.content.decode()
    locked = client.post(
        reverse("web:login"),
        {"username": "bob", "password": "pw-Secret-123"},
        REMOTE_ADDR="10.1.1.1",
    )
    assert locked.status_code == 403
    assert "bị khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by someone else's failures.
    other = client.post(
        reverse("web:login"),
        {"username": "bob", "password": "pw-Secret-123"},
        REMOTE_ADDR="10.2.2.2",
    )
    assert other.status_code == 302


def test_open_redirect_is_refused(client, make_user):
    make_user("bob")
    r = client.post(
        reverse("web:login") + "?next=https://evil.example/",
        {"username": "bob", "password": "pw-Secret-123"},
    )
    assert r.status_code == 302
    assert r["Location"] == reverse("web:home")


def test_change_password(client, make_user):
    user = make_user("carol")
    client.force_login(user)
    url = reverse("web:password")
    bad = client.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "Mới-đủ-dài-2026",
            "new_password2": "Mới-đủ-dài-2026",
        },
    )
    assert bad.status_code == 400
    ok = client.post(
        url,
        {
            "old_password": "pw-Secret-123",
            "new_password1": "Mới-đủ-dài-2026",
            "new_password2": "Mới-đủ-dài-2026",
        },
    )
    assert ok.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200  # still logged in
    user.refresh_from_db()
    assert user.check_password("Mới-đủ-dài-2026")
    assert AuditEntry.objects.filter(action="password.change", username="carol").exists()


def test_slip_voter_has_no_password_link(client, make_user):
    user = make_user("v")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    assert reverse("web:password") not in client.get(reverse("web:home")).content.decode()
