"""Gunicorn settings for the production deployment, sized for a hall (docs/deploy.md).

    gunicorn -c python:tinnhiem.web.gunicorn_conf tinnhiem.web.wsgi:application

Several worker processes, each with a few threads: a ballot's proofs are checked in the
worker that receives it (CPU, about 30 ms for 44 officials), outside any database lock, so
one process per core keeps the cores busy while the threads wait on the database.

Environment: ``DATABASE_URL`` (PostgreSQL; SQLite works but serialises every write),
``TINNHIEM_CACHE`` (``db`` or a ``redis://`` URL: the login rate limits are shared by the
workers), ``TINNHIEM_DATA``, ``TINNHIEM_ALLOWED_HOSTS``, ``TINNHIEM_BIND`` (default
``127.0.0.1:8000``), ``TINNHIEM_WORKERS`` (default: one per core), ``TINNHIEM_THREADS``
(default 4). The master migrates the database and creates the cache table once, before the
workers start.
"""

from __future__ import annotations

import os
from typing import Any

bind = os.environ.get("TINNHIEM_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TINNHIEM_WORKERS") or os.cpu_count() or 2)
worker_class = "gthread"
threads = int(os.environ.get("TINNHIEM_THREADS", "4"))
# Hundreds of phones on one hall network keep their connections open while they vote.
worker_connections = 1000
backlog = 2048
keepalive = 30
timeout = 120
graceful_timeout = 30
max_requests = 10000
max_requests_jitter = 1000
errorlog = "-"
loglevel = os.environ.get("TINNHIEM_LOG_LEVEL", "info")


def on_starting(server: Any) -> None:
    """Migrate and create the cache table once, in the master, before any worker."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinnhiem.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
