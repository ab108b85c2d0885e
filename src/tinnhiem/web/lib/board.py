"""The round's bulletin board as stored rows, checked with ``tinnhiem.ballots``'s chain:
entry ``seq`` commits to ``H("tinnhiem/board/v1", seq, previous, kind, payload_hash)``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tinnhiem.ballots import BoardEntry as CoreEntry
from tinnhiem.ballots import BulletinBoard

__all__ = ["core_entries", "verify_chain"]


def core_entries(rows: Iterable[Any]) -> list[CoreEntry]:
    """Stored ``BoardEntry`` rows (in ``seq`` order) as the core's entries."""
    return [
        CoreEntry(
            index=row.seq,
            previous=bytes.fromhex(row.previous),
            kind=row.kind,
            payload_hash=bytes.fromhex(row.payload_hash),
            hash=bytes.fromhex(row.hash),
        )
        for row in rows
    ]


def verify_chain(rows: Iterable[Any]) -> bytes:
    """Check the stored chain; returns the head hash or raises ``BoardError`` (with
    ``index``, the first bad entry)."""
    return BulletinBoard.check_chain(core_entries(rows))
