"""Logging in and out: password logins with a rate limit, and voter logins by slip code."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib import ratelimit
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.net import client_ip
from tinnhiem.web.lib.slips import normalise_login_code
from tinnhiem.web.models import Role, VoterCredential

__all__ = [
    "LoginLocked",
    "do_change_password",
    "do_login",
    "do_logout",
    "do_slip_login",
    "hash_login_code",
]


SLIP_FAILURES_PER_ADDRESS = 50


class LoginLocked(ActionError):
    """Too many failed logins for this name from this address: refused until the window
    ends, even with the right password."""


@dataclass(frozen=True)
class LoginResult:
    user: Any


def do_login(request: HttpRequest, username: str, password: str) -> LoginResult:
    """Check the password and start a session, or raise ``ActionError`` / ``LoginLocked``."""
    ip = client_ip(request)
    username = username.strip()
    if ratelimit.is_locked(username, ip):
        with transaction.atomic():
            audit(None, "login.locked", detail={"username": username, "ip": ip})
        raise LoginLocked(
            _("Đăng nhập bị khóa tạm thời do sai quá nhiều lần. Hãy thử lại sau 15 phút.")
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        failures = ratelimit.note_failure(username, ip)
        with transaction.atomic():
            audit(
                None,
                "login.failed",
                detail={"username": username, "ip": ip, "failures": failures},
            )
        raise ActionError(_("Tên đăng nhập hoặc mật khẩu không đúng."))
    with transaction.atomic():
        login(request, user)
        audit(Actor(user), "login", user, detail={"ip": ip})
    ratelimit.clear_failures(username, ip)
    return LoginResult(user)


def hash_login_code(code: str) -> str:
    """SHA-256 of the normalised slip code (the code is random: no salt is needed)."""
    return hashlib.sha256(normalise_login_code(code).encode()).hexdigest()


def do_slip_login(request: HttpRequest, code: str) -> VoterCredential:
    """Log a voter in with the code printed on their slip (same rate limit, keyed by
    address)."""
    ip = client_ip(request)
    key = "slip-code"
    # A whole conference hall may share one address, and a code has 80 random bits, so
    # the limit per address is higher than for passwords.
    if ratelimit.is_locked(key, ip, limit=SLIP_FAILURES_PER_ADDRESS):
        raise LoginLocked(
            _("Đăng nhập bị khóa tạm thời do sai quá nhiều lần. Hãy thử lại sau 15 phút.")
        )
    credential = (
        VoterCredential.objects.select_related("user", "round")
        .filter(login_code_hash=hash_login_code(code))
        .first()
    )
    if credential is None or not credential.user.is_active:
        ratelimit.note_failure(key, ip)
        with transaction.atomic():
            audit(None, "login.slip_failed", detail={"ip": ip})
        raise ActionError(_("Mã đăng nhập trên phiếu không đúng."), field="code")
    with transaction.atomic():
        login(request, credential.user, backend="django.contrib.auth.backends.ModelBackend")
        audit(
            Actor(credential.user, Role.VOTER),
            "login.slip",
            credential,
            round=credential.round,
            detail={"ip": ip, "serial": credential.serial},
        )
    return credential


def do_change_password(request: HttpRequest, new_password: str) -> None:
    """Set the logged-in user's new password (already validated by the form) and keep the
    session."""
    user: Any = request.user
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        update_session_auth_hash(request, user)
        audit(Actor(user), "password.change", user)


def do_logout(request: HttpRequest) -> None:
    """End the session."""
    user = request.user
    with transaction.atomic():
        if user.is_authenticated:
            audit(Actor(user), "logout", user)
        logout(request)
