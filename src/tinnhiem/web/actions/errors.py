"""Errors an action raises when a request cannot be carried out (shown to the user)."""

from __future__ import annotations

from tinnhiem.errors import InputError

__all__ = ["ActionError"]


class ActionError(InputError):
    """The action was refused (wrong state, bad value); nothing was stored. ``field`` names
    the form field at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message, where=field)

    @property
    def message(self) -> str:
        return str(self.args[0]).split(": ", 1)[-1] if self.field else str(self.args[0])
