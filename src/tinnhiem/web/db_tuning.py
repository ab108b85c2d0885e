"""Per-connection database settings: SQLite runs in WAL mode with foreign keys on."""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created

__all__ = ["connect"]


def _tune_sqlite(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        # WAL lets readers run while one writer commits; an in-memory test database
        # answers "memory" and stays as it is.
        cursor.execute("PRAGMA journal_mode=WAL;")
        cursor.execute("PRAGMA synchronous=NORMAL;")
        cursor.execute("PRAGMA foreign_keys=ON;")
        # A writer waits up to 20 s for the one write lock (the OPTIONS timeout says the
        # same; the pragma is what the connection uses).
        cursor.execute("PRAGMA busy_timeout=20000;")


def connect() -> None:
    """Hook the tuning to every new database connection (idempotent)."""
    connection_created.connect(_tune_sqlite, dispatch_uid="tinnhiem-sqlite-tuning")
