"""Helpers shared by the views (no business logic): the request's scope and actor, action
errors on forms, the booth's and committee's CSP, JSON bodies and answers, mark labels."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from tinnhiem.web.actions import ActionError
from tinnhiem.web.lib.access import Actor, Scope
from tinnhiem.web.middleware import csp_header

__all__ = [
    "BadJson",
    "actor_for",
    "add_action_error",
    "json_body",
    "json_error",
    "mark_labels",
    "scope_of",
    "signed_in",
    "wasm_csp",
]

View = TypeVar("View", bound=Callable[..., HttpResponse])

#: The largest JSON body a poll endpoint reads (a ballot of 100 officials is ~60 KB).
MAX_JSON_BYTES = 2 * 1024 * 1024


def signed_in(request: HttpRequest) -> User:
    """The signed-in user (views behind ``require_role`` always have one)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def scope_of(request: HttpRequest) -> Scope:
    """The scope the ``require_role`` decorator resolved for this request."""
    return request.scope  # type: ignore[attr-defined,no-any-return]


def actor_for(request: HttpRequest, *prefer: str) -> Actor:
    """The acting user, in the first of ``prefer`` they hold here."""
    return scope_of(request).actor(request.user, prefer)


def add_action_error(form: forms.Form, exc: ActionError) -> None:
    """Show an action's refusal on the form, beside its field when it names one."""
    field: Any = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def wasm_csp(view: View) -> View:
    """Send the site's CSP plus ``'wasm-unsafe-eval'`` in ``script-src``: libsodium runs as
    WebAssembly in the booth and the committee pages. Inline scripts stay forbidden."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        policy = {k: list(v) for k, v in settings.TINNHIEM_CSP.items()}
        script = policy.setdefault("script-src", ["'self'"])
        if "'wasm-unsafe-eval'" not in script:
            script.append("'wasm-unsafe-eval'")
        response.headers["Content-Security-Policy"] = csp_header(policy)
        return response

    return cast(View, wrapped)


class BadJson(ActionError):
    """The request body is not the JSON object the endpoint expects."""


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object, or ``BadJson``."""
    if len(request.body) > MAX_JSON_BYTES:
        raise BadJson(_("Dữ liệu gửi lên quá lớn."))
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadJson(_("Dữ liệu gửi lên không phải JSON hợp lệ.")) from exc
    if not isinstance(data, dict):
        raise BadJson(_("Dữ liệu gửi lên phải là một đối tượng JSON."))
    return data


def json_error(code: str, detail: str, status: int = 400, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail, **extra}, status=status)


def mark_labels(kind: str) -> dict[str, str]:
    """The label of each mark (Vietnamese first; English through gettext)."""
    if kind == "poll":
        return {
            "high": _("Tín nhiệm cao"),
            "confident": _("Tín nhiệm"),
            "low": _("Tín nhiệm thấp"),
            "blank": _("Không đánh dấu"),
        }
    if kind == "choose_at_most":
        return {"chosen": _("Chọn"), "blank": _("Không chọn")}
    if kind == "agree_disagree":
        return {
            "agree": _("Đồng ý"),
            "disagree": _("Không đồng ý"),
            "blank": _("Không đánh dấu"),
        }
    return {
        "confidence": _("Tín nhiệm"),
        "no_confidence": _("Không tín nhiệm"),
        "blank": _("Không đánh dấu"),
    }
