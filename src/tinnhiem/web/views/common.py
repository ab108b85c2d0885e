"""Helpers shared by the views (no business logic)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from tinnhiem.web.actions import ActionError
from tinnhiem.web.lib.access import Actor, Scope

__all__ = ["actor_for", "add_action_error", "scope_of"]


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
