"""``tinnhiem serve``: migrate, seed the demo (idempotent), print the logins."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from rich.console import Console
from typer.testing import CliRunner

from tinnhiem.cli import app
from tinnhiem.cli.serve_cmd import prepare
from tinnhiem.web.actions import do_seed_demo
from tinnhiem.web.actions.demo import DEMO_PASSWORD
from tinnhiem.web.lib.access import roles_of
from tinnhiem.web.lib.slips import booth_entry_path, parse_booth_fragment
from tinnhiem.web.models import Body, Official, Person, Round, SelfReport, VoterCredential

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent():
    first = do_seed_demo()
    assert first.created and len(first.slips) == 12
    counts = (
        Body.objects.count(),
        Person.objects.count(),
        Round.objects.count(),
        VoterCredential.objects.count(),
    )
    second = do_seed_demo()
    assert not second.created and second.slips == []
    assert counts == (
        Body.objects.count(),
        Person.objects.count(),
        Round.objects.count(),
        VoterCredential.objects.count(),
    )
    # 13 people and 12 credentials for the round at its ceremony; 74 more people (25 officials,
    # 2 not polled, 47 delegates) and 75 credentials for the finished People's Council round
    assert counts == (1, 13 + 74, 2, 12 + 75)
    round_ = first.round
    round_.refresh_from_db()
    assert round_.status == "ceremony"
    assert Official.objects.filter(round=round_).count() == 3
    published = SelfReport.objects.filter(official__round=round_, published_at__isnull=False)
    assert published.count() == 3
    assert round_.committee.count() == 3


def test_every_demo_login_works_with_its_role(client):
    seed = do_seed_demo()
    roles = {login.role for login in seed.logins}
    assert roles == {"organiser", "committee", "official", "observer"}
    for login in seed.logins:
        client.logout()
        response = client.post(
            reverse("web:login"), {"username": login.username, "password": login.password}
        )
        assert response.status_code == 302, login.username
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=login.username)
        assert login.role in roles_of(user, round=seed.round)
    assert all(login.password == DEMO_PASSWORD for login in seed.logins)


def test_demo_voter_slip_logs_in(client):
    seed = do_seed_demo()
    slip = seed.slips[0]
    response = client.post(reverse("web:slip_login"), {"code": slip.login_code})
    assert response.status_code == 302
    assert "voter" in roles_of(slip.credential.user, round=seed.round)


def test_prepare_migrates_seeds_and_prints(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    prepare(seed_demo=True, base="http://127.0.0.1:8000/", console=Console(file=out, width=200))
    text = out.getvalue()
    assert "bantochuc" in text and DEMO_PASSWORD in text and "observer" in text
    slips = Path(tmp_path / "demo-slips.txt").read_text(encoding="utf-8")
    lines = [line for line in slips.splitlines() if line and not line.startswith("#")]
    assert len(lines) == 12
    _name, code, url = lines[0].split("\t")
    assert url.startswith("http://127.0.0.1:8000" + booth_entry_path() + "#v1.")
    assert parse_booth_fragment(url.split("#", 1)[1])[0] == code.replace("-", "")
    assert (Path(tmp_path / "demo-slips.txt").stat().st_mode & 0o777) == 0o600
    # A second start changes nothing and still prints the logins.
    assert code in text  # the first demo voters' codes are printed too
    out2 = io.StringIO()
    prepare(seed_demo=True, base="http://127.0.0.1:8000/", console=Console(file=out2, width=200))
    assert "bantochuc" in out2.getvalue() and code in out2.getvalue()
    assert Body.objects.count() == 1


def test_serve_command_is_registered():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--host" in result.output


def _call(app, path, **environ):
    seen = {}

    def start_response(status, headers):
        seen["status"] = status
        seen["headers"] = dict(headers)

    env = {"PATH_INFO": path, "REQUEST_METHOD": "GET", **environ}
    body = b"".join(app(env, start_response))
    return seen["status"], seen["headers"], body


def test_static_files_are_served_safely(tmp_path):
    from tinnhiem.web.wsgi import StaticFiles

    def django_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"django"]

    root = Path(__file__).resolve().parents[2] / "src" / "tinnhiem" / "web" / "static"
    app = StaticFiles(django_app, "/static/", [root])
    status, headers, body = _call(app, "/static/web/css/app.css")
    assert status == "200 OK"
    assert headers["Content-Type"].startswith("text/css")
    assert body == (root / "web/css/app.css").read_bytes()
    assert (
        _call(app, "/static/web/css/app.css", HTTP_IF_NONE_MATCH=headers["ETag"])[0]
        == "304 Not Modified"
    )
    assert _call(app, "/static/../settings.py")[0] == "404 Not Found"
    assert _call(app, "/static/%2e%2e/settings.py")[0] == "404 Not Found"
    assert _call(app, "/static/nothing.js")[0] == "404 Not Found"
    assert _call(app, "/login/")[2] == b"django"
    assert _call(app, "/static/web/css/app.css", REQUEST_METHOD="POST")[2] == b"django"


def test_sqlite_file_database_runs_in_wal_mode(tmp_path):
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from tinnhiem.web.db_tuning import connect

    connect()
    wrapper = DatabaseWrapper(
        {
            **connections["default"].settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "t.sqlite3"),
            "OPTIONS": {},
        },
        alias="wal-check",
    )
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    finally:
        wrapper.close()
