"""Method checks for the JSON API (``/api/``): a refused method answers a JSON 405.

Django's ``require_GET`` / ``require_POST`` answer an empty HTML 405; the API documents
every error as ``{"error": code, "detail": text}``, so its views use ``api_methods``
(or ``api_get`` / ``api_post``) instead. A view that accepts GET also answers HEAD
(``require_safe`` semantics: Django drops the body of a HEAD answer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

__all__ = ["api_get", "api_methods", "api_post", "busy", "method_not_allowed"]

log = logging.getLogger("tinnhiem.web")

#: Seconds a client waits before sending again after a 503.
RETRY_AFTER = 2

View = TypeVar("View", bound=Callable[..., HttpResponse])


def busy() -> JsonResponse:
    """503 ``{"error": "busy", ...}`` with ``Retry-After``: nothing was stored."""
    response = JsonResponse(
        {
            "error": "busy",
            "detail": "Máy chủ đang bận, chưa lưu gì; hãy gửi lại sau giây lát / "
            "The server is busy, nothing was stored; send again shortly",
        },
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def method_not_allowed(allowed: tuple[str, ...]) -> JsonResponse:
    """405 ``{"error": "method", "detail": ...}`` with the ``Allow`` header."""
    allow = ", ".join(allowed)
    response = JsonResponse(
        {
            "error": "method",
            "detail": f"Phương thức không được phép, hãy dùng {allow} / "
            f"Method not allowed, use {allow}",
        },
        status=405,
    )
    response["Allow"] = allow
    return response


def api_methods(*methods: str) -> Callable[[View], View]:
    """Let through only ``methods`` (upper case; GET implies HEAD); any other method gets
    the JSON 405 before the view (or its role check) runs."""
    allowed = tuple(m.upper() for m in methods)
    if "GET" in allowed and "HEAD" not in allowed:
        cut = allowed.index("GET") + 1
        allowed = (*allowed[:cut], "HEAD", *allowed[cut:])

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return method_not_allowed(allowed)
            try:
                return view(request, *args, **kwargs)
            except OperationalError:
                # The database is busy (SQLite's one writer, a PostgreSQL at its
                # connection limit): nothing was stored, the client may send again.
                log.warning("API %s %s: database busy, answered 503", request.method, request.path)
                return busy()

        return cast(View, wrapped)

    return decorator


#: A read-only endpoint: GET and HEAD.
api_get = api_methods("GET")
#: An endpoint that changes state: POST only.
api_post = api_methods("POST")
