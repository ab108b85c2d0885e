"""``tinnhiem serve``: the web application on the embedded SQLite, with demo data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["register", "serve", "setup_django"]


def setup_django(data: Path | None = None) -> None:
    """Point Django at our settings (and ``data`` as the data folder), then set it up."""
    if data is not None:
        os.environ["TINNHIEM_DATA"] = str(data.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinnhiem.web.settings")
    import django

    django.setup()


def _write_demo_slips(path: Path, seed: object, base: str) -> None:
    from tinnhiem.web.lib.slips import booth_entry_path, booth_fragment

    lines = ["# Demo voter slips (demo only: real slips are printed, never stored)", ""]
    for slip in seed.slips:  # type: ignore[attr-defined]
        person = slip.credential.summons.person
        fragment = booth_fragment(slip.login_code, slip.seed)
        url = base.rstrip("/") + booth_entry_path()
        lines.append(f"{person.full_name}\t{slip.login_code}\t{url}#{fragment}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def _read_demo_slips(path: Path) -> list[tuple[str, str, str]]:
    """(name, login code, booth link) of each demo voter, from the file written at seeding."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not line.startswith("#"):
            rows.append((parts[0], parts[1], parts[2]))
    return rows


def prepare(*, seed_demo: bool, base: str, console: Console) -> None:
    """Migrate the database and seed the demo (idempotent); print the demo logins."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # for TINNHIEM_CACHE=db (else a no-op)
    if not seed_demo:
        return
    from tinnhiem.web.actions import do_seed_demo

    seed = do_seed_demo()
    slips_file = Path(settings.DATA_DIR) / "demo-slips.txt"
    if seed.slips:
        _write_demo_slips(slips_file, seed, base)
    table = Table(title="Tài khoản demo / demo logins")
    table.add_column("Vai trò / role")
    table.add_column("Tên đăng nhập / user")
    table.add_column("Mật khẩu / password", no_wrap=True)
    table.add_column("Người / person")
    for login in seed.logins:
        table.add_row(str(login.role), login.username, login.password, login.name)
    voters = _read_demo_slips(slips_file)
    for name, code, _url in voters[:3]:
        table.add_row("voter", "(mã phiếu / slip code)", code, name)
    console.print(table)
    if voters:
        console.print(
            f"Người ghi phiếu / voters ({len(voters)}): mã và đường dẫn phòng bỏ phiếu "
            f"/ codes and booth links — {slips_file}"
        )
    else:
        console.print("Người ghi phiếu / voters: không tìm thấy / not found: " + str(slips_file))


def _default_workers() -> int:
    """One worker process per core where processes can fork (a ballot's check is CPU work
    that one Python process cannot spread over the cores); one elsewhere."""
    return (os.cpu_count() or 1) if hasattr(os, "fork") else 1


def serve(
    port: Annotated[int, typer.Option("--port", "-p", help="Cổng / TCP port")] = 8000,
    host: Annotated[
        str, typer.Option("--host", help="Địa chỉ / address to listen on")
    ] = "127.0.0.1",
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Thư mục dữ liệu / data folder (default $TINNHIEM_DATA or ./var)"
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Seed the demo body and logins")
    ] = True,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Số tiến trình / worker processes (default: one per core; 1: one process)",
        ),
    ] = None,
    threads: Annotated[
        int, typer.Option("--threads", min=1, help="Luồng mỗi tiến trình / threads per worker")
    ] = 8,
    connections: Annotated[
        int, typer.Option("--connections", help="Kết nối đồng thời tối đa / open connections")
    ] = 1000,
) -> None:
    """Chạy máy chủ web / run the web server, after migrating and seeding: one worker
    process per core (gunicorn) where the system can fork, else one process (waitress)."""
    console = Console()
    if host not in {"127.0.0.1", "localhost", "::1"}:
        hosts = os.environ.get("TINNHIEM_ALLOWED_HOSTS", "127.0.0.1,localhost")
        os.environ["TINNHIEM_ALLOWED_HOSTS"] = f"{hosts},{host}"
    count = _default_workers() if workers is None else workers
    if count > 1:
        # The login rate limits must be counted once for all the workers: in a table of
        # the database unless the operator chose a cache server.
        os.environ.setdefault("TINNHIEM_CACHE", "db")
    setup_django(data)
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}/"
    prepare(seed_demo=demo, base=base, console=console)
    console.print(f"Tín Nhiệm: {base}  (Ctrl+C để dừng / to stop)")
    if count > 1:
        _serve_workers(host, port, count, threads, connections)
        return
    from waitress import serve as waitress_serve

    from tinnhiem.web.wsgi import build_application

    # Sized for a hall: hundreds of phones on one network keep their connections open
    # while they vote; waitress's default of 100 connections refused the rest.
    waitress_serve(
        build_application(),
        host=host,
        port=port,
        threads=threads,
        ident="tinnhiem",
        connection_limit=connections,
        backlog=2048,
        channel_timeout=120,
    )


def _serve_workers(host: str, port: int, workers: int, threads: int, connections: int) -> None:
    """The production deployment's gunicorn settings (``tinnhiem.web.gunicorn_conf``) with
    ``workers`` processes, run from this command: the database is already migrated."""
    from django.db import connections as databases
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    from tinnhiem.web import gunicorn_conf
    from tinnhiem.web.wsgi import build_application

    databases.close_all()  # no connection may cross the fork into the workers
    settings = {
        name: getattr(gunicorn_conf, name)
        for name in (
            "worker_class",
            "backlog",
            "keepalive",
            "timeout",
            "graceful_timeout",
            "max_requests",
            "max_requests_jitter",
            "errorlog",
        )
    }
    settings.update(
        bind=f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        workers=workers,
        threads=threads,
        worker_connections=connections,
        loglevel="warning",
    )

    class Hall(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self) -> object:
            return build_application()

    Hall().run()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
