"""The record's two failures: unreadable (exit code 2) and invalid (exit code 1)."""

from __future__ import annotations

from typing import Any

from tinnhiem.errors import InputError

__all__ = ["RecordInvalid", "RecordUnreadable"]


class RecordUnreadable(InputError):
    """The file is not a readable election record of a supported version (exit code 2)."""


class RecordInvalid(InputError):
    """The record fails a check (exit code 1); ``where`` names the field, ``check`` the step."""

    def __init__(self, check: str, message: str, *, where: str) -> None:
        self.check = check
        self.message = message
        super().__init__(message, where=where)

    def __reduce__(self) -> Any:  # keep the fields across process boundaries (Dask, pools)
        return (_rebuild_invalid, (self.check, self.message, self.where))


def _rebuild_invalid(check: str, message: str, where: str | None) -> RecordInvalid:
    return RecordInvalid(check, message, where=where or "record")
