"""The bulletin board (bảng tin công khai): an append-only hash chain.

Each entry commits to its index, the previous entry's hash, a kind and the hash of its
payload; the head hash therefore commits to everything posted so far. Entries are never
changed or removed; ``BulletinBoard`` offers no way to do either.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tinnhiem.ballots.codec import as_int, as_list, as_obj, as_str, from_hex, tagged_hash, to_hex
from tinnhiem.errors import InputError

__all__ = ["GENESIS", "BoardEntry", "BoardError", "BulletinBoard", "entry_hash"]

GENESIS = bytes(32)
"""The ``previous`` hash of entry 0."""


class BoardError(InputError):
    """The hash chain is broken; ``index`` is the first entry at fault."""

    def __init__(self, message: str, *, index: int) -> None:
        self.index = index
        super().__init__(message, where=f"board.entries[{index}]")


def entry_hash(index: int, previous: bytes, kind: str, payload_hash: bytes) -> bytes:
    """H("tinnhiem/board/v1", u64(index), previous, kind, payload_hash)."""
    return tagged_hash(
        "tinnhiem/board/v1",
        index.to_bytes(8, "big"),
        previous,
        kind.encode("utf-8"),
        payload_hash,
    )


@dataclass(frozen=True)
class BoardEntry:
    """One post on the board."""

    index: int
    previous: bytes
    kind: str
    payload_hash: bytes
    hash: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "previous": to_hex(self.previous),
            "kind": self.kind,
            "payload": to_hex(self.payload_hash),
            "hash": to_hex(self.hash),
        }

    @classmethod
    def from_json(cls, data: Any, *, where: str) -> BoardEntry:
        d = as_obj(data, where)
        try:
            return cls(
                index=as_int(d["index"], f"{where}.index"),
                previous=from_hex(d["previous"], size=32, where=f"{where}.previous"),
                kind=as_str(d["kind"], f"{where}.kind"),
                payload_hash=from_hex(d["payload"], size=32, where=f"{where}.payload"),
                hash=from_hex(d["hash"], size=32, where=f"{where}.hash"),
            )
        except KeyError as exc:
            raise InputError(f"missing field {exc.args[0]!r}", where=where) from exc


class BulletinBoard:
    """Append-only hash chain. ``append`` is the only way to change it."""

    def __init__(self) -> None:
        self._entries: list[BoardEntry] = []

    def append(self, kind: str, payload_hash: bytes) -> BoardEntry:
        """Post a payload (by its 32-byte hash) and return the new entry."""
        if len(payload_hash) != 32:
            raise InputError("a payload hash is 32 bytes", where="board.append")
        index = len(self._entries)
        previous = self.head
        entry = BoardEntry(
            index, previous, kind, payload_hash, entry_hash(index, previous, kind, payload_hash)
        )
        self._entries.append(entry)
        return entry

    @property
    def head(self) -> bytes:
        """The hash of the last entry (GENESIS when empty)."""
        return self._entries[-1].hash if self._entries else GENESIS

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[BoardEntry]:
        return iter(tuple(self._entries))

    def __getitem__(self, index: int) -> BoardEntry:
        return self._entries[index]

    def to_json(self) -> dict[str, Any]:
        return {"head": to_hex(self.head), "entries": [e.to_json() for e in self._entries]}

    @classmethod
    def check_chain(cls, entries: Iterable[BoardEntry]) -> bytes:
        """Check that ``entries`` form an unbroken chain from GENESIS; return the head.

        Raises ``BoardError`` at the first entry whose index, previous hash or own hash is
        wrong.
        """
        previous = GENESIS
        for i, e in enumerate(entries):
            if e.index != i:
                raise BoardError(f"index is {e.index}, expected {i}", index=i)
            if e.previous != previous:
                raise BoardError("previous hash does not match the entry before", index=i)
            if e.hash != entry_hash(e.index, e.previous, e.kind, e.payload_hash):
                raise BoardError("entry hash does not match its contents", index=i)
            previous = e.hash
        return previous

    @classmethod
    def from_json(cls, data: Any, *, where: str = "board") -> BulletinBoard:
        """Rebuild a board from its JSON form, checking the whole chain and the head."""
        d = as_obj(data, where)
        entries = [
            BoardEntry.from_json(e, where=f"{where}.entries[{i}]")
            for i, e in enumerate(as_list(d.get("entries"), f"{where}.entries"))
        ]
        head = cls.check_chain(entries)
        if from_hex(d.get("head"), size=32, where=f"{where}.head") != head:
            raise InputError("head does not match the last entry", where=f"{where}.head")
        board = cls()
        board._entries = entries
        return board
