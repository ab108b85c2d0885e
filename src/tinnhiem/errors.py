"""The exception hierarchy of Tín Nhiệm, in one place.

Every error a user can meet says what was wrong, where (file, line, field) and, where it
helps, what to do. Packages subclass these; the CLI turns them into a message and an exit
code instead of a traceback.
"""

from __future__ import annotations

__all__ = ["InputError", "TinnhiemError"]


class TinnhiemError(Exception):
    """Base of every error Tín Nhiệm raises on purpose."""


class InputError(TinnhiemError):
    """Bad input from a user or a file: says where (``where``) and what (the message)."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
