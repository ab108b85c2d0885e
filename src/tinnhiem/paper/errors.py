"""Errors of paper rounds (vòng phiếu giấy): typed, and each says what and where."""

from __future__ import annotations

from tinnhiem.errors import InputError, TinnhiemError

__all__ = [
    "EntryRejected",
    "LogIntegrityError",
    "NotReady",
    "PaperError",
    "PaperInputError",
]


class PaperError(TinnhiemError):
    """Base of the errors raised by :mod:`tinnhiem.paper`."""


class PaperInputError(InputError, PaperError):
    """Bad input (a CSV row, a mark code, a serial number): says where and what."""


class EntryRejected(PaperInputError):
    """An action the round's state does not allow (a third entry on a two-entry round, a
    second submission by the same operator, a resolution of a row that agrees, ...)."""


class LogIntegrityError(PaperError):
    """The entry log (nhật ký nhập phiếu) fails its hash chain: a line was edited, removed
    or reordered. ``line`` is the 1-based line (event sequence + 1) where it first fails."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class NotReady(PaperError):
    """The round cannot be closed yet: ballots are pending or disagreements unresolved."""
