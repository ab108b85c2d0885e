"""Fixtures of the web tests (pytest-django). The data folder is a temporary one, so the
secret key and uploads never land in the work tree."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinnhiem.web.settings")
if "TINNHIEM_DATA" not in os.environ:
    _data = tempfile.mkdtemp(prefix="tinnhiem-test-")
    os.environ["TINNHIEM_DATA"] = _data
    atexit.register(shutil.rmtree, _data, ignore_errors=True)

import django

# pytest-django read its settings before this conftest was loaded (it lives below the
# root), so Django is set up here, before the test modules import models.
django.setup()

from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_and_clean(settings: Any, tmp_path: Any) -> Any:
    """Fast password hashing, a fresh cache (login failures) and media folder per test, and
    Vietnamese active (a request in an earlier test may have left English active)."""
    from django.core.cache import cache
    from django.utils import translation

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    translation.activate("vi")
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from django.contrib.auth import get_user_model

    def make(username: str, password: str = "pw-Secret-123", **extra: Any) -> Any:
        return get_user_model().objects.create_user(username=username, password=password, **extra)

    return make


@pytest.fixture
def organiser(make_user: Callable[..., Any]) -> Any:
    """A site-wide organiser."""
    from tinnhiem.web.models import Membership, Role

    user = make_user("org", first_name="Ban Tổ chức")
    Membership.objects.create(user=user, role=Role.ORGANISER)
    return user


@pytest.fixture
def org_actor(organiser: Any) -> Any:
    from tinnhiem.web.lib.access import Actor

    return Actor(organiser, "organiser")


@pytest.fixture
def body(org_actor: Any) -> Any:
    """A body with a roster of 6 people (P1..P6)."""
    from tinnhiem.web.actions import do_create_body, do_import_roster
    from tinnhiem.web.lib.roster import RosterRow

    body = do_create_body(org_actor, code="hdnd-test", name="HĐND tỉnh Thử")
    names = [
        "Nguyễn Văn Một",
        "Trần Thị Hai",
        "Lê Văn Ba",
        "Phạm Thị Bốn",
        "Hoàng Năm",
        "Vũ Thị Sáu",
    ]
    rows = [RosterRow(i + 2, f"P{i + 1}", n, "Đơn vị", "Đại biểu") for i, n in enumerate(names)]
    do_import_roster(org_actor, body, rows)
    return body


@pytest.fixture
def people(body: Any) -> dict[str, Any]:
    from tinnhiem.web.models import Person

    return {p.external_id: p for p in Person.objects.filter(body=body)}


@pytest.fixture
def round_(org_actor: Any, body: Any) -> Any:
    """A draft poll under QĐ 96 (quorum 2/3), t=2 of n=3."""
    from tinnhiem.web.actions import do_create_round

    return do_create_round(
        org_actor,
        body,
        title="Lấy phiếu thử",
        kind="poll",
        rule_id="qd96-2023",
        threshold=2,
        committee_size=3,
    )


@pytest.fixture
def setup_round(org_actor: Any, round_: Any, people: dict[str, Any]) -> Any:
    """The round with 2 officials (P1, P2), voters P1..P6 summoned, committee P4..P6."""
    from tinnhiem.web.actions import (
        do_add_committee_member,
        do_add_official,
        do_ensure_account,
        do_summon,
    )

    do_add_official(org_actor, round_, people["P1"], post="Chủ tịch")
    do_add_official(org_actor, round_, people["P2"], post="Phó Chủ tịch")
    do_summon(org_actor, round_, people.values())
    for code in ("P4", "P5", "P6"):
        account = do_ensure_account(org_actor, people[code])
        do_add_committee_member(org_actor, round_, account.user)
    round_.refresh_from_db()
    return round_


def grant(user: Any, role: str, *, body: Any = None, round: Any = None) -> Any:
    from tinnhiem.web.models import Membership

    return Membership.objects.create(user=user, role=role, body=body, round=round)


@pytest.fixture
def grant_role() -> Callable[..., Any]:
    return grant


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    """Log a user into the default test client."""

    def do(user: Any) -> Any:
        client.force_login(user)
        return client

    return do
