"""Role checks (least privilege). A membership applies to its scope: the site (no body, no
round), a body (all of its rounds) or one round. Observers read; they never change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from tinnhiem.web.models import Body, Membership, Role, Round

__all__ = [
    "Actor",
    "Scope",
    "ensure_role",
    "require_role",
    "roles_of",
    "visible_rounds",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Roles allowed to change something, whatever the page grants: never an observer.
WRITE_ROLES = frozenset(Role) - {Role.OBSERVER}


@dataclass(frozen=True)
class Actor:
    """Who performs an action and in which role (the role goes into the audit entry)."""

    user: Any
    role: str = ""
    #: The roles this request already read from the database for the scope ``(body id,
    #: round id)`` named in ``held_in`` (``require_role``): ``ensure_role`` in the same
    #: scope trusts them instead of asking again.
    held: frozenset[str] = frozenset()
    held_in: tuple[int | None, int | None] | None = None

    @property
    def username(self) -> str:
        return str(getattr(self.user, "username", "") or "")


@dataclass(frozen=True)
class Scope:
    """What a request is about, resolved from the URL (``body_id`` / ``round_id``)."""

    body: Body | None
    round: Round | None
    roles: frozenset[str]

    def actor(self, user: Any, prefer: Iterable[str] = ()) -> Actor:
        """The actor for an action: the first role of ``prefer`` the user holds here."""
        where = _scope_key(self.body, self.round)
        for role in prefer:
            if role in self.roles:
                return Actor(user, role, self.roles, where)
        return Actor(user, min(self.roles) if self.roles else "", self.roles, where)


def _scope_key(body: Body | None, round: Round | None) -> tuple[int | None, int | None]:
    if round is not None:
        return (round.body_id, round.pk)
    return (None if body is None else body.pk, None)


def roles_of(
    user: Any,
    *,
    body: Body | None = None,
    round: Round | None = None,
) -> frozenset[str]:
    """The roles ``user`` holds for ``round`` (or ``body``; with neither, site-wide roles)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if round is not None:
        body = round.body
    scope = Q(body__isnull=True, round__isnull=True)
    if body is not None:
        scope |= Q(body=body, round__isnull=True)
    if round is not None:
        scope |= Q(round=round)
    return frozenset(Membership.objects.filter(scope, user=user).values_list("role", flat=True))


def ensure_role(
    actor: Actor, allowed: Iterable[str], *, body: Body | None = None, round: Round | None = None
) -> str:
    """Raise ``PermissionDenied`` unless the actor holds one of ``allowed`` (observers never
    pass: actions change state). Returns the role used."""
    usable = actor.held & frozenset(allowed) & WRITE_ROLES
    if usable and actor.held_in == _scope_key(body, round):
        held = actor.held  # read by this request's ``require_role`` for this very scope
    else:
        held = roles_of(actor.user, body=body, round=round)
    usable = (held & frozenset(allowed)) & WRITE_ROLES
    if actor.role and actor.role in usable:
        return actor.role
    if not usable:
        raise PermissionDenied(f"{actor.username or 'anonymous'} may not do this here")
    return min(usable)


def visible_rounds(user: Any) -> Any:
    """Rounds the user holds any role in (site roles see every round)."""
    mine = Membership.objects.filter(user=user)
    if mine.filter(body__isnull=True, round__isnull=True).exists():
        return Round.objects.select_related("body").all()
    return (
        Round.objects.select_related("body")
        .filter(
            Q(body__in=mine.filter(round__isnull=True).values("body"))
            | Q(id__in=mine.values("round"))
        )
        .distinct()
    )


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _resolve(kwargs: dict[str, Any]) -> tuple[Body | None, Round | None]:
    if "round_id" in kwargs:
        round_ = get_object_or_404(Round.objects.select_related("body"), pk=kwargs["round_id"])
        return round_.body, round_
    if "body_id" in kwargs:
        return get_object_or_404(Body, pk=kwargs["body_id"]), None
    return None, None


def require_role(*allowed: str) -> Callable[[View], View]:
    """Decorate a view: the user must hold one of ``allowed`` for the body or round named in
    the URL (``body_id`` / ``round_id``), else 403 (anonymous users go to the login page).
    A request that changes state (POST …) also needs a role other than observer. The
    resolved ``Scope`` is set as ``request.scope``."""

    allowed_set = frozenset(allowed)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                if request.path.startswith("/api/"):
                    raise PermissionDenied("login required")
                return redirect_to_login(request.get_full_path())
            body, round_ = _resolve(kwargs)
            held = roles_of(request.user, body=body, round=round_) & allowed_set
            if request.method not in SAFE_METHODS:
                held &= WRITE_ROLES
            if not held:
                raise PermissionDenied("role")
            request.scope = Scope(body, round_, held)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorate
