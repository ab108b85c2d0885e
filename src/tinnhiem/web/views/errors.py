"""Error pages in Vietnamese (with English): 403, 404, CSRF failure, 500."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

__all__ = ["csrf_failure", "forbidden", "not_found", "server_error"]


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the user's roles do not allow this page or action (nothing was changed)."""
    if _wants_json(request):
        return JsonResponse(
            {"error": "forbidden", "detail": "Không có quyền / Forbidden"}, status=403
        )
    return render(request, "web/errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": "not_found"}, status=404)
    return render(request, "web/errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    """403 for a form sent without a valid CSRF token (e.g. from another site); under
    ``/api/`` the JSON ``{"error": "csrf", "detail": ...}``."""
    if _wants_json(request):
        return JsonResponse(
            {
                "error": "csrf",
                "detail": "Thiếu hoặc sai mã CSRF (header X-CSRFToken) / "
                "CSRF token missing or incorrect (X-CSRFToken header)",
            },
            status=403,
        )
    return render(request, "web/errors/403_csrf.html", status=403)
