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
from tinnhiem.web.actions.paper_rounds import PAPER_DEACTIVATION
from tinnhiem.web.lib import ratelimit
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.net import client_ip
from tinnhiem.web.lib.slips import normalise_login_code, slip_of_code
from tinnhiem.web.models import AuditEntry, Role, VoterCredential

__all__ = [
    "SLIP_FAILURES_PER_ADDRESS",
    "SLIP_FAILURES_PER_SLIP",
    "LoginLocked",
    "do_change_password",
    "do_login",
    "do_logout",
    "do_slip_login",
    "hash_login_code",
]


SLIP_FAILURES_PER_SLIP = 10
"""Wrong codes aimed at one slip (from any address) in the window before it is locked."""
SLIP_FAILURES_PER_ADDRESS = 2000
"""Wrong slip codes from one address in the window before slip logins from it are locked:
high, because a whole hall (500 delegates) may reach the server from one address, and a
code has 80 random bits, so guessing is hopeless anyway."""


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


def _slip_locked_message() -> str:
    return _(
        "Phiếu này tạm khóa đăng nhập vì mã bị nhập sai quá nhiều lần. Hãy thử lại sau 15 "
        "phút, hoặc báo Ban Tổ chức."
    )


def _inactive_reason(credential: VoterCredential) -> str:
    """Why a slip whose login was turned off cannot log in (Vietnamese first)."""
    if AuditEntry.objects.filter(
        action=PAPER_DEACTIVATION,
        object_type=type(credential).__name__,
        object_id=str(credential.pk),
    ).exists():
        return _(
            "Bạn đã nhận phiếu giấy trong đợt này, nên phiếu đăng nhập điện tử không dùng được "
            "nữa (mỗi người chỉ bỏ một phiếu). Hãy bỏ phiếu giấy vào hòm phiếu."
        )
    return _("Phiếu đăng nhập này đã bị vô hiệu hóa; hãy liên hệ Ban Tổ chức.")


def do_slip_login(request: HttpRequest, code: str) -> VoterCredential:
    """Log a voter in with the code printed on their slip.

    A code names its slip (``lib.slips.slip_of_code``), so a wrong code counts against
    that slip: ``SLIP_FAILURES_PER_SLIP`` in the window lock that slip, from any address.
    A hall shares one address, so the address's own ceiling is high
    (``SLIP_FAILURES_PER_ADDRESS``): one person typing wrong codes locks a slip, not
    the hall. A code printed without a slip number (before numbers existed) counts
    against the address only."""
    ip = client_ip(request)
    address_key = "slip-code"
    slip_id = slip_of_code(code)
    slip_key = f"slip:{slip_id}" if slip_id is not None else None
    if ratelimit.is_locked(address_key, ip, limit=SLIP_FAILURES_PER_ADDRESS):
        with transaction.atomic():
            audit(None, "login.slip_locked", detail={"ip": ip, "scope": "address"})
        raise LoginLocked(
            _("Đăng nhập bị khóa tạm thời do sai quá nhiều lần. Hãy thử lại sau 15 phút.")
        )
    if slip_key is not None and ratelimit.is_locked(slip_key, "", limit=SLIP_FAILURES_PER_SLIP):
        with transaction.atomic():
            audit(None, "login.slip_locked", detail={"ip": ip, "slip": slip_id, "scope": "slip"})
        raise LoginLocked(_slip_locked_message(), field="code")
    hashed = hash_login_code(code)
    found = VoterCredential.objects.select_related("user", "round", "summons")
    if slip_id is not None:
        credential = found.filter(pk=slip_id, login_code_hash=hashed).first()
    else:
        credential = found.filter(login_code_hash=hashed).first()
    if credential is None:
        ratelimit.note_failure(address_key, ip)
        failures = ratelimit.note_failure(slip_key, "") if slip_key is not None else None
        with transaction.atomic():
            audit(
                None,
                "login.slip_failed",
                detail={"ip": ip, "slip": slip_id, "slip_failures": failures},
            )
        raise ActionError(_("Mã đăng nhập trên phiếu không đúng."), field="code")
    if not credential.user.is_active:
        with transaction.atomic():
            audit(
                None,
                "login.slip_inactive",
                credential,
                round=credential.round,
                detail={"ip": ip, "serial": credential.serial},
            )
        raise ActionError(_inactive_reason(credential), field="code")
    with transaction.atomic():
        login(request, credential.user, backend="django.contrib.auth.backends.ModelBackend")
        audit(
            Actor(credential.user, Role.VOTER),
            "login.slip",
            credential,
            round=credential.round,
            detail={"ip": ip, "serial": credential.serial},
        )
    if slip_key is not None:
        ratelimit.clear_failures(slip_key, "")
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
