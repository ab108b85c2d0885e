"""Django's SQLite backend, with the one write lock handed over in a queue.

SQLite has one writer. A second ``BEGIN IMMEDIATE`` does not queue: SQLite's busy handler
makes it sleep and try again, at intervals growing to 100 ms. Under a hall's burst the
server's threads then sleep while the lock is free, and the lock changes hands at the pace
of those sleeps, not of the commits (a third of the cores stood idle).

Here a write transaction first takes the writers' turn: a mutex inside the process (its
threads queue there and wake the moment the previous writer commits), then an advisory
lock on ``<database>.writer`` shared by every process on the machine (the workers of a
gunicorn deployment, the CLI beside ``tinnhiem serve``), polled every millisecond at most.
The turn is given back when the transaction commits or rolls back. SQLite's own busy
timeout stays as the last arbiter (a process that does not take the turn). Reads outside
a transaction never wait; nothing about what is written changes.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

__all__ = ["DatabaseWrapper"]


class _WritersTurn:
    """The writers' queue of one database file: a thread mutex, then a file lock."""

    def __init__(self, database: str) -> None:
        self.mutex = threading.Lock()
        self.path = (
            None
            if database in ("", ":memory:") or "mode=memory" in database
            else (f"{database}.writer")
        )
        self.fd: int | None = None

    def take(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self.mutex.acquire(timeout=timeout):
            raise OperationalError("database is locked (waited for the writers' turn)")
        try:
            if self.path is None:
                return
            if self.fd is None:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            pause = 0.0001
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OperationalError(
                            "database is locked (another process holds the writers' turn)"
                        ) from None
                    time.sleep(pause)
                    pause = min(2 * pause, 0.001)
        except BaseException:
            self.mutex.release()
            raise

    def give_back(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.mutex.release()


_TURNS: dict[str, _WritersTurn] = {}
_TURNS_GUARD = threading.Lock()


def _turn(database: str) -> _WritersTurn:
    with _TURNS_GUARD:
        turn = _TURNS.get(database)
        if turn is None:
            turn = _TURNS[database] = _WritersTurn(database)
        return turn


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite, with a queue for the write lock (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn: _WritersTurn | None = None

    def _start_transaction_under_autocommit(self) -> None:
        turn = _turn(str(self.settings_dict["NAME"]))
        # As long as SQLite itself would wait (its busy timeout), then "database is
        # locked" as SQLite says it: the API answers 503 busy and the booth sends again.
        turn.take(float(self.settings_dict["OPTIONS"].get("timeout", 5)))
        self._turn = turn
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._give_back()
            raise

    def _give_back(self) -> None:
        turn, self._turn = self._turn, None
        if turn is not None:
            turn.give_back()

    def _commit(self) -> None:
        # A failed COMMIT leaves the transaction open; Django then rolls back (or closes
        # the connection), which gives the turn back.
        super()._commit()  # type: ignore[misc]
        self._give_back()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._give_back()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._give_back()
