"""Bodies, rosters, accounts and roles (organiser actions)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.roster import RosterError, RosterProblem, RosterRow
from tinnhiem.web.lib.text import clean
from tinnhiem.web.models import Body, Membership, Official, Person, Role, Round

__all__ = [
    "NewAccount",
    "do_create_body",
    "do_ensure_account",
    "do_grant_role",
    "do_import_roster",
]

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@transaction.atomic
def do_create_body(actor: Actor, *, code: str, name: str, description: str = "") -> Body:
    """Create a body (site organisers only). ``code`` is a short slug used in user names."""
    role = ensure_role(actor, [Role.ORGANISER])
    code = code.strip().lower()
    name = clean(name, label=_("Tên cơ quan"), field="name")
    description = clean(description, label=_("Mô tả"), field="description", multiline=True)
    if not _CODE.match(code):
        raise ActionError(
            _("Mã cơ quan chỉ gồm chữ thường không dấu, số và dấu gạch ngang."), field="code"
        )
    if not name:
        raise ActionError(_("Hãy nhập tên cơ quan."), field="name")
    if Body.objects.filter(code=code).exists():
        raise ActionError(_("Mã cơ quan này đã có."), field="code")
    body = Body.objects.create(code=code, name=name, description=description)
    audit(Actor(actor.user, role), "body.create", body, body=body, detail={"code": code})
    return body


@transaction.atomic
def do_import_roster(actor: Actor, body: Body, rows: list[RosterRow], *, source: str = "") -> int:
    """Add the parsed roster ``rows`` to ``body``: all of them or, if any code is already on
    the roster, none (``RosterError`` listing each clash by line). Returns the count."""
    role = ensure_role(actor, [Role.ORGANISER], body=body)
    existing = set(
        Person.objects.filter(body=body, external_id__in=[r.external_id for r in rows]).values_list(
            "external_id", flat=True
        )
    )
    clashes = [
        RosterProblem(
            r.line, "mã", _("mã %(code)s đã có trong danh sách") % {"code": r.external_id}
        )
        for r in rows
        if r.external_id in existing
    ]
    if clashes:
        raise RosterError(clashes, source)
    Person.objects.bulk_create(
        Person(
            body=body,
            external_id=r.external_id,
            full_name=r.full_name,
            unit=r.unit,
            position=r.position,
            email=r.email,
        )
        for r in rows
    )
    audit(
        Actor(actor.user, role),
        "roster.import",
        body,
        body=body,
        detail={"source": source, "count": len(rows)},
    )
    return len(rows)


@dataclass(frozen=True)
class NewAccount:
    """An account made for a roster person; ``password`` is shown once, never stored."""

    user: Any
    password: str | None


def _username_for(person: Person) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", f"{person.body.code}-{person.external_id}".lower())
    return base.strip("-")[:140]


@transaction.atomic
def do_ensure_account(actor: Actor, person: Person) -> NewAccount:
    """Give ``person`` a login (user name ``<body code>-<roster code>``) with a random
    password returned once; a person who already has one keeps it (password None). The
    official role follows the person to every round where they are on the ballot."""
    role = ensure_role(actor, [Role.ORGANISER], body=person.body)
    if person.user_id is not None:
        return NewAccount(person.user, None)
    password = secrets.token_urlsafe(9)
    user = get_user_model().objects.create_user(
        username=_username_for(person), password=password, first_name=person.full_name[:150]
    )
    person.user = user
    person.save(update_fields=["user"])
    # Rounds where the person is already on the ballot: they may now write their report.
    for official in Official.objects.filter(person=person).select_related("round"):
        Membership.objects.get_or_create(
            user=user, role=Role.OFFICIAL, body=None, round=official.round
        )
    audit(
        Actor(actor.user, role),
        "account.create",
        person,
        body=person.body,
        detail={"username": user.username},
    )
    return NewAccount(user, password)


@transaction.atomic
def do_grant_role(
    actor: Actor,
    user: Any,
    role: str,
    *,
    body: Body | None = None,
    round: Round | None = None,
) -> Membership:
    """Give ``user`` the ``role`` in a scope (idempotent). Organisers of the scope grant
    roles in it; only site organisers grant site-wide roles."""
    if role not in Role.values:
        raise ActionError(_("Vai trò không hợp lệ."), field="role")
    if round is not None:
        body = round.body
    used = ensure_role(actor, [Role.ORGANISER], body=body, round=None)
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, body=body if round is None else None, round=round
    )
    if created:
        audit(
            Actor(actor.user, used),
            "role.grant",
            membership,
            body=body,
            round=round,
            detail={"user": user.username, "role": role},
        )
    return membership
