"""Bodies, rosters and body-wide roles (organiser pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from tinnhiem.web.actions import (
    ActionError,
    do_create_body,
    do_ensure_account,
    do_grant_role,
    do_import_roster,
)
from tinnhiem.web.forms import BodyForm, RoleForm, RosterUploadForm
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.roster import COLUMNS, RosterError, parse_roster
from tinnhiem.web.models import Body, Membership, Person, Role
from tinnhiem.web.views.common import actor_for, add_action_error, scope_of

__all__ = ["bodies", "body_detail", "body_roles", "roster_import"]

BODY_ROLES = [
    ("", gettext_lazy("Chỉ tạo tài khoản (ví dụ cho người được lấy phiếu)")),
    (Role.ORGANISER, Role.ORGANISER.label),
    (Role.OBSERVER, Role.OBSERVER.label),
]


@require_role(Role.ORGANISER)
def bodies(request: HttpRequest) -> HttpResponse:
    """List bodies and create one (site organisers)."""
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = do_create_body(actor_for(request, Role.ORGANISER), **form.cleaned_data)
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            return redirect("web:body", body_id=body.pk)
    return render(
        request,
        "web/bodies.html",
        {"form": form, "bodies": Body.objects.all()},
        status=400 if form.errors else 200,
    )


@require_role(Role.ORGANISER, Role.OBSERVER)
def body_detail(request: HttpRequest, body_id: int) -> HttpResponse:
    body = scope_of(request).body
    return render(
        request,
        "web/body.html",
        {
            "body": body,
            "people": Person.objects.filter(body=body).select_related("user"),
            "rounds": body.rounds.all() if body else [],
            "can_edit": Role.ORGANISER in scope_of(request).roles,
            "upload_form": RosterUploadForm(),
        },
    )


@require_role(Role.ORGANISER)
def roster_import(request: HttpRequest, body_id: int) -> HttpResponse:
    """Upload a CSV/XLSX roster: preview, or import all rows in one transaction; every
    problem is listed by line and column and nothing is stored."""
    body = scope_of(request).body
    assert body is not None
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"body": body, "form": form, "columns": COLUMNS}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = parse_roster(upload.read(), upload.name or "")
            if form.cleaned_data["preview"]:
                context["preview"] = rows
            else:
                count = do_import_roster(
                    actor_for(request, Role.ORGANISER), body, rows, source=upload.name or ""
                )
                context["imported"] = count
        except RosterError as exc:
            context["problems"] = exc.problems
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "web/roster_import.html", context, status=status)


@never_cache
@require_role(Role.ORGANISER)
def body_roles(request: HttpRequest, body_id: int) -> HttpResponse:
    """Give a roster person a login and a body-wide role (organiser or observer)."""
    body = scope_of(request).body
    assert body is not None
    form = RoleForm(request.POST or None)
    form.fields["role"].choices = BODY_ROLES  # type: ignore[attr-defined]
    new_account = None
    if request.method == "POST" and form.is_valid():
        person = get_object_or_404(Person, pk=form.cleaned_data["person"], body=body)
        actor = actor_for(request, Role.ORGANISER)
        try:
            new_account = do_ensure_account(actor, person)
            if form.cleaned_data["role"]:
                do_grant_role(actor, new_account.user, form.cleaned_data["role"], body=body)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "web/body_roles.html",
        {
            "body": body,
            "form": form,
            "people": Person.objects.filter(body=body),
            "memberships": Membership.objects.filter(body=body, round__isnull=True).select_related(
                "user"
            ),
            "new_account": new_account,
            "title": _("Vai trò trong cơ quan"),
        },
        status=400 if form.errors else 200,
    )
