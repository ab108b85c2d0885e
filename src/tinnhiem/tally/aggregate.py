"""Homomorphic aggregation (cộng dồn bản mã): one ciphertext sum per official.

Each worker adds up a slice of the ballots column by column and returns its partial sums;
the partial sums are then added here. Ciphertexts travel as bytes, so nothing but bytes
crosses a process boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tinnhiem.ballots import Ballot
from tinnhiem.ballots.pool import chunked, parallel_map
from tinnhiem.crypto import Ciphertext
from tinnhiem.errors import InputError

__all__ = ["aggregate", "aggregate_rows"]


def aggregate_rows(columns: int, ballots: Sequence[Ballot]) -> list[bytes]:
    """The per-column sums of ``ballots`` (serial), as 64-byte ciphertexts."""
    pieces = []
    for b_index, ballot in enumerate(ballots):
        found = ballot.columns()
        if len(found) != columns:
            raise InputError(
                f"ballot has {len(found)} ciphertexts, expected {columns}",
                where=f"ballots[{b_index}]",
            )
        pieces.append(found)
    if not pieces:
        return [Ciphertext.zero().to_bytes() for _ in range(columns)]
    return [Ciphertext.sum_encoded([p[j] for p in pieces]).to_bytes() for j in range(columns)]


def _aggregate_chunk(chunk: Sequence[tuple[int, Ballot]]) -> list[bytes]:
    columns = chunk[0][0]
    return aggregate_rows(columns, [b for _, b in chunk])


def aggregate(
    columns: int,
    ballots: Sequence[Ballot],
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[Ciphertext]:
    """Sum the ballots' rows column by column, on ``workers`` processes.

    ``columns`` is the number of ciphertexts in a ballot (``Manifest.columns``). With no
    ballots every sum is the encryption of 0 with nonce 0 (both components the identity).
    """
    if not ballots:
        return [Ciphertext.zero() for _ in range(columns)]
    size = max(1, -(-len(ballots) // max(1, workers)))
    tagged = [(columns, b) for b in ballots]
    partials = parallel_map(
        _aggregate_chunk, chunked(tagged, size), workers=workers, progress=progress
    )
    totals = [Ciphertext.zero() for _ in range(columns)]
    for partial in partials:
        totals = [
            t + Ciphertext.from_bytes(p, allow_identity=True)
            for t, p in zip(totals, partial, strict=True)
        ]
    return totals
