"""Load bench: a hall of voters casting at once against a running server.

    .venv/bin/python -m bench.web_cast VOTERS OFFICIALS [--database sqlite|postgresql]
        [--server serve|waitress|gunicorn] [--workers N] [--threads N]

It builds a round of VOTERS voters × OFFICIALS officials in a fresh database (the key
ceremony run by three committee members, every voter's slip issued, everyone checked in,
the poll open), seals every voter's ballot beforehand (the voters' phones do that, not the
server), starts the server it measures (``tinnhiem serve``: a worker process per core, or
one process on waitress; or the production gunicorn deployment; PostgreSQL is started
here for ``--database postgresql``), logs every voter in with their slip code, then
releases every cast at the same instant, each from its own connection. A voter whose cast
gets a 503 (busy) sends it again after ``Retry-After``, as the booth does; every other
failure is an error.

It prints accepted, refused, errors, retries, ballots/s over the burst, p50/p95 of the
cast latency (retries included), and the ratio of ballots/s to the CPU-bound ceiling:
cores ÷ CPU seconds of one ballot's check (``verify_ballot``, measured here). The last line:

    voters= officials= accepted= errors= ballots_per_s= p95_s= ceiling_ratio=

Not a test: CI runs it at a smoke size against the production deployment.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Voter:
    code: str
    seed: str
    ballot: dict[str, Any] = field(default_factory=dict)
    jar: Any = None
    csrf: str = ""


@dataclass
class Outcome:
    status: int
    seconds: float
    retries: int
    error: str = ""


def process_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) of process ``root`` and its children, from /proc (0.0
    where /proc is missing): the server's own cost of the burst."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(pid) == root or int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the database ---------------------------------------------------------------------------


def start_postgres() -> tuple[str, str]:
    """A throw-away PostgreSQL server (scripts/postgres.sh); returns (url, its folder)."""
    out = subprocess.run(
        ["bash", "-c", 'source scripts/postgres.sh && start_postgres && echo "$PG_DIR $PG_URL"'],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return out[1], out[0]


def stop_postgres(folder: str) -> None:
    subprocess.run(
        ["bash", "-c", f'source scripts/postgres.sh && PG_DIR="{folder}" stop_postgres'],
        cwd=ROOT,
        check=False,
    )


# -- the round, built through the web actions -----------------------------------------------


def build_round(voters: int, officials: int) -> tuple[int, list[Voter], dict[str, Any]]:
    """A body and an open round; returns the round id, the voters' slips and what a booth
    needs to seal a ballot (manifest, fingerprint, public key)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tinnhiem.web.actions import (
        do_add_committee_member,
        do_add_official,
        do_check_in,
        do_create_body,
        do_create_round,
        do_ensure_account,
        do_import_roster,
        do_issue_credentials,
        do_open_round,
        do_start_ceremony,
        do_summon,
    )
    from tinnhiem.web.actions.demo import run_hosted_ceremony
    from tinnhiem.web.lib.access import Actor
    from tinnhiem.web.lib.poll_round import engine_of
    from tinnhiem.web.lib.roster import RosterRow
    from tinnhiem.web.models import Membership, Person, Role, Summons

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    user = get_user_model().objects.create_user("bench-org", password=None)
    Membership.objects.create(user=user, role=Role.ORGANISER)
    org = Actor(user, "organiser")
    body = do_create_body(org, code="bench", name="Quốc hội (bench)")
    do_import_roster(
        org,
        body,
        [RosterRow(i + 2, f"D{i:04d}", f"Đại biểu {i}", "Đoàn", "Đại biểu") for i in range(voters)],
    )
    people = list(Person.objects.filter(body=body).order_by("external_id"))
    round_ = do_create_round(
        org, body, title="Bench", kind="poll", rule_id="nq96-2023", threshold=2, committee_size=3
    )
    for person in people[:officials]:
        do_add_official(org, round_, person, post="Chức vụ")
    do_summon(org, round_, people)
    for person in people[-3:]:
        do_add_committee_member(org, round_, do_ensure_account(org, person).user)
    do_start_ceremony(org, round_)
    run_hosted_ceremony(round_)
    round_.refresh_from_db()
    slips = do_issue_credentials(org, round_)
    for summons in Summons.objects.filter(round=round_):
        do_check_in(org, round_, summons=summons)
    do_open_round(org, round_)
    round_.refresh_from_db()
    booth = {
        "manifest": engine_of(round_).manifest.to_json(),
        "fingerprint": round_.fingerprint,
        "public_key": round_.public_key,
    }
    return round_.pk, [Voter(s.login_code, s.seed.hex()) for s in slips], booth


# -- the voters' phones ---------------------------------------------------------------------


def _seal(job: tuple[dict[str, Any], str, str, list[str], int]) -> dict[str, Any]:
    import random

    from tinnhiem.ballots import Manifest, Mark, cast_ballot
    from tinnhiem.crypto import CredentialKey, Point

    manifest_json, fingerprint, public_key, seeds, salt = job
    manifest = Manifest.from_json(manifest_json)
    rng = random.Random(salt)
    levels = [Mark.HIGH, Mark.HIGH, Mark.HIGH, Mark.CONFIDENT, Mark.LOW]
    out = {}
    for seed in seeds:
        marks = {o: rng.choice(levels) for o in manifest.official_ids}
        ballot = cast_ballot(
            manifest,
            bytes.fromhex(fingerprint),
            Point.from_hex(public_key),
            CredentialKey.from_seed(bytes.fromhex(seed)),
            marks,
        )
        out[seed] = ballot.to_json()
    return out


def seal_all(voters: list[Voter], booth: dict[str, Any], workers: int) -> None:
    chunks = [voters[i :: workers * 4] for i in range(workers * 4)]
    jobs = [
        (booth["manifest"], booth["fingerprint"], booth["public_key"], [v.seed for v in c], i)
        for i, c in enumerate(chunks)
    ]
    with ProcessPoolExecutor(workers) as pool:
        sealed: dict[str, Any] = {}
        for part in pool.map(_seal, jobs):
            sealed.update(part)
    for v in voters:
        v.ballot = sealed[v.seed]


def ballot_check_cpu_seconds(booth: dict[str, Any], voters: list[Voter], sample: int) -> float:
    """CPU seconds of one ballot's check (signature and proofs), median of ``sample``."""
    from tinnhiem.ballots import Ballot, Manifest, election_fingerprint, verify_ballot
    from tinnhiem.crypto import Point

    manifest = Manifest.from_json(booth["manifest"])
    public_key = Point.from_hex(booth["public_key"])
    fingerprint = election_fingerprint(manifest, public_key.to_bytes())
    times = []
    for v in voters[:sample]:
        ballot = Ballot.from_json(v.ballot, where="ballot")
        t0 = time.process_time()
        verify_ballot(manifest, fingerprint, public_key, ballot)
        times.append(time.process_time() - t0)
    return statistics.median(times)


# -- the server -----------------------------------------------------------------------------


def start_server(
    args: argparse.Namespace, env: dict[str, str], port: int
) -> subprocess.Popen[bytes]:
    if args.server == "gunicorn":
        env = dict(env, TINNHIEM_BIND=f"127.0.0.1:{port}", TINNHIEM_LOG_LEVEL="warning")
        if args.workers:
            env["TINNHIEM_WORKERS"] = str(args.workers)
        if args.threads:
            env["TINNHIEM_THREADS"] = str(args.threads)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:tinnhiem.web.gunicorn_conf",
            "tinnhiem.web.wsgi:application",
        ]
    else:
        # ``tinnhiem serve``: one worker process per core (``serve``), or one process
        # on waitress (``waitress``: ``--workers 1``).
        command = [
            sys.executable,
            "-c",
            "from tinnhiem.cli import main; main()",
            "serve",
            "--no-demo",
            "--port",
            str(port),
        ]
        if args.server == "waitress":
            command += ["--workers", "1", "--threads", str(args.threads or 16)]
        else:
            if args.workers:
                command += ["--workers", str(args.workers)]
            if args.threads:
                command += ["--threads", str(args.threads)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2).read()
            return process
        except OSError as exc:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"the server stopped: {err[-2000:]}") from exc
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not answer within 60 s")


# -- the hall ---------------------------------------------------------------------------------


def login(base: str, voter: Voter) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/slip/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token on the slip login page")
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "code": voter.code})
    request = urllib.request.Request(
        f"{base}/login/slip/", data=data.encode(), headers={"Referer": f"{base}/login/slip/"}
    )
    opener.open(request, timeout=60).read()
    voter.jar = jar
    voter.csrf = next(c.value for c in jar if c.name == "csrftoken")
    if not any(c.name == "sessionid" for c in jar):
        raise RuntimeError("the slip login did not give a session")


def _cast_request(base: str, round_id: int, voter: Voter) -> bytes:
    """The cast as the bytes a phone sends: built once, before the burst, so that the
    load generator spends next to no CPU of the machine it shares with the server."""
    body = json.dumps({"ballot": voter.ballot}).encode()
    host = urllib.parse.urlsplit(base).netloc
    cookies = "; ".join(f"{c.name}={c.value}" for c in voter.jar)
    head = (
        f"POST /api/rounds/{round_id}/cast HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Cookie: {cookies}\r\n"
        f"X-CSRFToken: {voter.csrf}\r\n"
        f"Referer: {base}/\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def _exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` on a new connection; the status, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=300) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def cast(port: int, request: bytes, start: threading.Barrier) -> Outcome:
    start.wait()
    t0 = time.perf_counter()
    retries = 0
    while True:
        try:
            status, headers, body = _exchange(port, request)
        except (OSError, ValueError, IndexError) as exc:
            return Outcome(0, time.perf_counter() - t0, retries, repr(exc))
        if status == 503 and retries < 20:
            retries += 1
            time.sleep(float(headers.get("retry-after", "1")))
            continue
        detail = "" if status in (200, 201) else body[:300].decode(errors="replace")
        return Outcome(status, time.perf_counter() - t0, retries, detail)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("voters", type=int, nargs="?", default=480)
    parser.add_argument("officials", type=int, nargs="?", default=44)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--server",
        choices=("serve", "waitress", "gunicorn"),
        default=None,
        help="serve: `tinnhiem serve` (a worker per core); waitress: `tinnhiem serve "
        "--workers 1`; gunicorn: the production deployment (default with postgresql)",
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=0, help="threads per worker")
    parser.add_argument("--cache", default="db", help="TINNHIEM_CACHE of the gunicorn server")
    args = parser.parse_args(argv)
    if args.server is None:
        args.server = "gunicorn" if args.database == "postgresql" else "serve"
    if args.officials > args.voters:
        parser.error("the officials are among the voters: OFFICIALS <= VOTERS")

    data = Path(tempfile.mkdtemp(prefix="tinnhiem-bench-"))
    pg_folder = None
    server = None
    try:
        env = dict(
            os.environ, TINNHIEM_DATA=str(data), DJANGO_SETTINGS_MODULE="tinnhiem.web.settings"
        )
        if args.database == "postgresql":
            url, pg_folder = start_postgres()
            env["DATABASE_URL"] = url
        else:
            env.pop("DATABASE_URL", None)
        if args.server == "gunicorn":
            env["TINNHIEM_CACHE"] = args.cache
        os.environ.update(env)
        if args.database == "sqlite":
            os.environ.pop("DATABASE_URL", None)
        t0 = time.perf_counter()
        round_id, voters, booth = build_round(args.voters, args.officials)
        seal_all(voters, booth, os.cpu_count() or 2)
        check_s = ballot_check_cpu_seconds(booth, voters, min(20, len(voters)))
        print(
            f"set-up {time.perf_counter() - t0:.1f} s: round {round_id}, "
            f"{args.voters} voters x {args.officials} officials, ballots sealed; "
            f"one ballot check {1000 * check_s:.1f} ms CPU",
            flush=True,
        )
        port = _free_port()
        server = start_server(args, env, port)
        base = f"http://127.0.0.1:{port}"
        for voter in voters:
            login(base, voter)
        requests = [_cast_request(base, round_id, voter) for voter in voters]
        start = threading.Barrier(len(voters) + 1)
        outcomes: list[Outcome] = [Outcome(0, 0.0, 0)] * len(voters)

        def run(i: int) -> None:
            outcomes[i] = cast(port, requests[i], start)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(voters))]
        for thread in threads:
            thread.start()
        print(f"{len(voters)} voters logged in; the burst starts", flush=True)
        server_cpu = process_cpu_seconds(server.pid)
        client_cpu = time.process_time()
        start.wait()
        burst = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - burst
        server_cpu = process_cpu_seconds(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        print(f"the burst is over after {elapsed:.2f} s", flush=True)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if pg_folder is not None:
            stop_postgres(pg_folder)
        shutil.rmtree(data, ignore_errors=True)

    accepted = sum(1 for o in outcomes if o.status in (200, 201))
    refused = sum(1 for o in outcomes if 400 <= o.status < 500)
    errors = len(outcomes) - accepted - refused
    retries = sum(o.retries for o in outcomes)
    latencies = sorted(o.seconds for o in outcomes)
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    rate = accepted / elapsed if elapsed else 0.0
    cores = os.cpu_count() or 1
    ceiling = cores / check_s
    for o in outcomes:
        if o.status not in (200, 201):
            print(f"  {o.status}: {o.error[:200]}")
            break
    print(
        f"server CPU {server_cpu:.1f} s over the burst: {1000 * server_cpu / len(voters):.1f} ms "
        f"per cast ({100 * server_cpu / (elapsed * cores):.0f}% of {cores} cores); "
        f"the voters' side {1000 * client_cpu / len(voters):.1f} ms per cast"
    )
    print(
        f"{args.database} / {args.server}: accepted {accepted}, refused {refused}, "
        f"errors {errors}, busy retries {retries}; burst {elapsed:.2f} s, "
        f"{rate:.1f} ballots/s, p50 {p50:.2f} s, p95 {p95:.2f} s; ceiling "
        f"{ceiling:.1f} ballots/s ({cores} cores / {1000 * check_s:.1f} ms)"
    )
    print(
        f"voters={args.voters} officials={args.officials} accepted={accepted} errors={errors} "
        f"ballots_per_s={rate:.2f} p95_s={p95:.2f} ceiling_ratio={rate / ceiling:.2f}"
    )
    return 0 if errors == 0 and refused == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
