"""How every ``tinnhiem`` command reports a user's error: one line on stderr, exit code 2.

A helper of the command modules, not a command: ``tinnhiem.cli`` registers only the
``*_cmd`` modules. The commands catch ``TinnhiemError`` themselves (not only ``main``) so
that the same message and code come back under Typer's test runner.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from tinnhiem.errors import TinnhiemError

__all__ = ["exit_for", "reported_errors"]


def exit_for(exc: TinnhiemError) -> typer.Exit:
    """Print ``tinnhiem: error: …`` to stderr and return the exit to raise (code 2)."""
    print(f"tinnhiem: error: {exc}", file=sys.stderr)
    return typer.Exit(2)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a ``TinnhiemError`` raised inside the block into :func:`exit_for`'s exit."""
    try:
        yield
    except TinnhiemError as exc:
        raise exit_for(exc) from None
