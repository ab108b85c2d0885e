"""The refusals of the poll engine, in one place.

Each refusal carries a short ``code`` (stable: hosts map it to a message in the user's
language, the API returns it) and ``params`` for that message; ``str()`` is the English
text. A refused step changes nothing.
"""

from __future__ import annotations

from typing import Any

from tinnhiem.ballots import BallotRejected
from tinnhiem.errors import InputError

__all__ = ["BallotRejected", "PollError", "PollStateError", "StepRefused"]


class PollError(InputError):
    """Base of the engine's refusals."""

    def __init__(self, code: str, message: str, *, where: str | None = None, **params: Any):
        self.code = code
        self.params = params
        self.message = message
        super().__init__(message, where=where)


class PollStateError(PollError):
    """A step taken out of order (casting before the poll opened, decrypting twice …)."""


class StepRefused(PollError):
    """A ceremony message, decryption share or audit that does not check."""
