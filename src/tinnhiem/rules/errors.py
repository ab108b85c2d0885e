"""Errors of the rules package."""

from __future__ import annotations

from tinnhiem.errors import InputError

__all__ = ["RuleError"]


class RuleError(InputError):
    """A rule file (or rule id) is wrong: says which file, which key and what is wrong."""

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None) -> None:
        self.file = file
        self.key = key
        where = ", ".join(p for p in (file, f"key '{key}'" if key else None) if p) or None
        super().__init__(message, where=where)
