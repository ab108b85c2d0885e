"""Raw board rows for the board pages' tests (the poll engine is the only real poster)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tinnhiem.ballots import GENESIS, BoardEntry, entry_hash
from tinnhiem.web.lib.poll_store import OrmPollStore


def post_entries(round_: Any, posts: list[tuple[str, dict[str, Any], bytes]]) -> None:
    """Chain ``(kind, payload, payload_hash)`` onto ``round_``'s empty board."""
    store = OrmPollStore(round_)
    previous = GENESIS
    with transaction.atomic():
        for i, (kind, payload, digest) in enumerate(posts):
            entry = BoardEntry(i, previous, kind, digest, entry_hash(i, previous, kind, digest))
            store.post(entry, payload)
            previous = entry.hash
