"""``tinnhiem serve``: migrate, seed the demo (idempotent), print the logins."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def _wrapper(path: Path, alias: str, timeout: float = 20) -> Any:
    from django.db import connections

    from tinnhiem.web.sqlite_backend.base import DatabaseWrapper

    return DatabaseWrapper(
        {
            **connections["default"].settings_dict,
            "ENGINE": "tinnhiem.web.sqlite_backend",
            "NAME": str(path),
            "OPTIONS": {"timeout": timeout, "transaction_mode": "IMMEDIATE"},
        },
        alias=alias,
    )


def test_sqlite_writers_queue_for_the_write_lock(tmp_path):
    """Sixteen threads, each with its own connection, write at once: every transaction
    commits (none meets "database is locked") and the lock file is shared."""
    path = tmp_path / "w.sqlite3"
    setup = _wrapper(path, "w-setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE t (thread INTEGER, n INTEGER)")
    setup.close()
    errors: list[BaseException] = []

    def write(thread: int) -> None:
        wrapper = _wrapper(path, f"w-{thread}")
        try:
            for n in range(25):
                with _atomic(wrapper):
                    with wrapper.cursor() as cursor:
                        cursor.execute("SELECT COUNT(*) FROM t")
                        cursor.execute("INSERT INTO t VALUES (%s, %s)", [thread, n])
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            wrapper.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    check = _wrapper(path, "w-check")
    with check.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        assert cursor.fetchone()[0] == 16 * 25
    check.close()
    assert (tmp_path / "w.sqlite3.writer").exists()


@contextmanager
def _atomic(wrapper: Any) -> Iterator[None]:
    """A write transaction on ``wrapper`` as ``transaction.atomic`` runs one."""
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield
        wrapper.commit()
    except BaseException:
        wrapper.rollback()
        raise
    finally:
        wrapper.set_autocommit(True)


def test_a_writer_waits_for_another_process_then_gives_up_as_busy(tmp_path):
    """The turn is shared by processes (a lock file): a transaction waits while another
    process holds it, and past the busy timeout fails as SQLite would, "database is
    locked" (the API answers 503 busy)."""
    from django.db import OperationalError

    path = tmp_path / "p.sqlite3"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(path) + '.writer'!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(float(sys.argv[1]))\n",
            "1.0",
        ],
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    impatient = _wrapper(path, "p-impatient", timeout=0.2)
    with pytest.raises(OperationalError, match="database is locked"):
        with _atomic(impatient):
            pass
    impatient.close()
    patient = _wrapper(path, "p-patient", timeout=20)
    started = time.monotonic()
    with _atomic(patient):
        with patient.cursor() as cursor:
            cursor.execute("CREATE TABLE done (x INTEGER)")
    waited = time.monotonic() - started
    patient.close()
    holder.wait(10)
    assert waited > 0.3  # it waited for the other process's turn, then wrote


def test_serve_runs_a_worker_process_per_core(tmp_path):
    """``tinnhiem serve --workers 2``: migrates, then serves from two worker processes
    (gunicorn), HEAD without a body."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TINNHIEM_CACHE")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from tinnhiem.cli import main; main()",
            "serve",
            "--no-demo",
            "--workers",
            "2",
            "--port",
            str(port),
            "--data",
            str(tmp_path),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.3)
        head = urllib.request.Request(f"http://127.0.0.1:{port}/login/", method="HEAD")
        with urllib.request.urlopen(head, timeout=5) as r:
            assert r.status == 200 and r.read() == b""
        workers = _children(server.pid)
        assert len(workers) == 2
    finally:
        server.terminate()
        server.wait(30)
    assert (tmp_path / "tinnhiem.sqlite3").exists()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found
