"""Login (password or slip code) and logout."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinnhiem.web.actions import (
    ActionError,
    do_change_password,
    do_login,
    do_logout,
    do_slip_login,
)
from tinnhiem.web.forms import LoginForm, PasswordChangeForm, SlipLoginForm
from tinnhiem.web.views.common import add_action_error

__all__ = ["login_view", "logout_view", "password_view", "slip_login_view"]


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            do_login(request, form.cleaned_data["username"], form.cleaned_data["password"])
        except ActionError as exc:
            add_action_error(form, exc)
            status = 403
        else:
            return HttpResponseRedirect(_next(request))
    elif request.method == "POST":
        status = 400
    return render(request, "web/login.html", {"form": form, "next": _next(request)}, status=status)


def slip_login_view(request: HttpRequest) -> HttpResponse:
    form = SlipLoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            credential = do_slip_login(request, form.cleaned_data["code"])
        except ActionError as exc:
            add_action_error(form, exc)
            status = 403
        else:
            return redirect("web:round", round_id=credential.round_id)
    elif request.method == "POST":
        status = 400
    return render(request, "web/slip_login.html", {"form": form}, status=status)


@login_required
def password_view(request: HttpRequest) -> HttpResponse:
    """Change one's own password (first login with a one-time password)."""
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_change_password(request, form.cleaned_data["new_password1"])
        messages.success(request, _("Đã đổi mật khẩu."))
        return redirect("web:home")
    return render(request, "web/password.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    do_logout(request)
    return redirect("web:login")
