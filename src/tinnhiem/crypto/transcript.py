"""Strong Fiat-Shamir transcripts (bản ghi Fiat-Shamir).

Every challenge hashes a protocol label, a domain-separation tag, the election
fingerprint and every item of the statement and the commitments, each length-prefixed
so that no two different item lists give the same hash input (docs/crypto.md §3):

    input = LP("tinnhiem-fs-v1") ‖ LP(tag) ‖ LP(fingerprint) ‖ U32(k) ‖ LP(item_1) ‖ … ‖ LP(item_k)
    LP(x) = U32(len(x)) ‖ x        U32 = 4-byte big-endian
    challenge = SHA-512(input) read little-endian, mod ℓ

Items are encoded as: ``Point`` → its 32-byte encoding, ``Scalar`` → 32 bytes
little-endian, ``int`` (0 ≤ x < 2⁶⁴) → 8 bytes big-endian, ``bytes`` → as is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from tinnhiem.crypto.errors import CryptoError
from tinnhiem.crypto.group import ORDER, Point, Scalar

__all__ = [
    "PROTOCOL_LABEL",
    "Context",
    "Item",
    "encode_item",
    "transcript_bytes",
    "transcript_head",
]

PROTOCOL_LABEL = b"tinnhiem-fs-v1"

Item = Point | Scalar | bytes | int


def _lp(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def encode_item(item: Item) -> bytes:
    """The bytes one transcript item contributes (before its length prefix)."""
    if isinstance(item, Point):
        return item.to_bytes()
    if isinstance(item, Scalar):
        return item.to_bytes()
    if isinstance(item, (bytes, bytearray)):
        return bytes(item)
    if isinstance(item, int) and not isinstance(item, bool):
        if not 0 <= item < 2**64:
            raise CryptoError(f"transcript integer out of range: {item}")
        return item.to_bytes(8, "big")
    raise TypeError(f"cannot put {type(item).__name__} in a transcript")


def transcript_head(fingerprint: bytes, tag: str, count: int) -> bytes:
    """The hash input before the first item: ``LP(label) ‖ LP(tag) ‖ LP(fp) ‖ U32(count)``.

    For hot paths that lay out the items' bytes themselves (``proofs`` batch verifier).
    """
    return b"".join(
        (
            _lp(PROTOCOL_LABEL),
            _lp(tag.encode("utf-8")),
            _lp(fingerprint),
            count.to_bytes(4, "big"),
        )
    )


def transcript_bytes(fingerprint: bytes, tag: str, items: tuple[Item, ...]) -> bytes:
    """The exact hash input for ``tag`` and ``items`` (exposed for the known-answer vectors)."""
    parts = [transcript_head(fingerprint, tag, len(items))]
    parts.extend(_lp(encode_item(item)) for item in items)
    return b"".join(parts)


@dataclass(frozen=True)
class Context:
    """The Fiat-Shamir context of one election: its 32-byte fingerprint (dấu vân tay)."""

    fingerprint: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.fingerprint, bytes) or len(self.fingerprint) != 32:
            raise CryptoError("an election fingerprint is exactly 32 bytes")

    def digest(self, tag: str, *items: Item) -> bytes:
        """SHA-512 of the transcript (64 bytes)."""
        return hashlib.sha512(transcript_bytes(self.fingerprint, tag, items)).digest()

    def challenge(self, tag: str, *items: Item) -> Scalar:
        """The challenge scalar: the transcript's SHA-512 read little-endian, mod ℓ."""
        return Scalar.from_int(int.from_bytes(self.digest(tag, *items), "little") % ORDER)
