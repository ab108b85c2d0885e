"""Posting to a round's bulletin board (call inside an action's transaction)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from tinnhiem.ballots import GENESIS, entry_hash
from tinnhiem.web.models import BoardEntry, Round

__all__ = ["append_board_entry"]


def append_board_entry(
    round: Round, kind: str, payload: Mapping[str, Any], payload_hash: bytes
) -> BoardEntry:
    """Append one entry to ``round``'s board. Must run inside ``transaction.atomic``: the
    round row is locked (on PostgreSQL) so that two posts never take the same ``seq``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_board_entry must run inside a transaction")
    if len(payload_hash) != 32:
        raise ValueError("payload_hash must be 32 bytes")
    Round.objects.select_for_update().filter(pk=round.pk).first()
    last = BoardEntry.objects.filter(round=round).order_by("-seq").first()
    seq = 0 if last is None else last.seq + 1
    previous = GENESIS if last is None else bytes.fromhex(last.hash)
    digest = entry_hash(seq, previous, kind, payload_hash)
    return BoardEntry.objects.create(
        round=round,
        seq=seq,
        kind=kind,
        payload=dict(payload),
        payload_hash=payload_hash.hex(),
        previous=previous.hex(),
        hash=digest.hex(),
    )
