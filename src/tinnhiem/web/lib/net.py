"""The client address of a request (for the login rate limit and the audit log)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

__all__ = ["client_ip"]


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the first X-Forwarded-For address behind a trusted proxy."""
    if settings.TINNHIEM_TRUST_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")
