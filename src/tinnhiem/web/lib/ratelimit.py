"""Login rate limit: ``TINNHIEM_LOGIN_MAX_FAILURES`` failures for one username from one
address within ``TINNHIEM_LOGIN_WINDOW_SECONDS`` lock that pair until the window ends.
Counts live in Django's cache (a fixed window that starts at the first failure)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

__all__ = ["clear_failures", "is_locked", "note_failure"]


def _key(username: str, ip: str) -> str:
    raw = f"{username.strip().casefold()}\x00{ip}".encode()
    return "tinnhiem:login-fail:" + hashlib.sha256(raw).hexdigest()


def is_locked(username: str, ip: str, *, limit: int | None = None) -> bool:
    """True when the pair has used up its failures (``limit``, by default
    ``TINNHIEM_LOGIN_MAX_FAILURES``) in the current window."""
    limit = settings.TINNHIEM_LOGIN_MAX_FAILURES if limit is None else limit
    return int(cache.get(_key(username, ip), 0)) >= limit


def note_failure(username: str, ip: str) -> int:
    """Count one failure; returns the number of failures in the window."""
    key = _key(username, ip)
    cache.add(key, 0, timeout=settings.TINNHIEM_LOGIN_WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.TINNHIEM_LOGIN_WINDOW_SECONDS)
        return 1


def clear_failures(username: str, ip: str) -> None:
    """Forget the failures of a pair after a successful login."""
    cache.delete(_key(username, ip))
