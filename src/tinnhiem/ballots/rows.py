"""What a row proves, for either encoding (docs/record-format.md §3.1, §3.5).

A packed row is one ciphertext and one disjunctive proof over the round's allowed values.
A per-level row is one ciphertext per level (low, confident, high; or no confidence,
confidence), each with a proof that it encrypts 0 or 1, and a last proof that their sum
(the homomorphic sum of the level ciphertexts) encrypts 0 or 1: at most one mark per row.
Each proof has its own binding, ``H("tinnhiem/level/v1", row binding, U32 j)`` with
``j`` = 1 … k for the levels and 0 for the sum, so no proof can stand for another.

A personnel ballot's rows are per level too (``encoding.py``). A choose ballot's row has a
0/1 ciphertext per candidate and, last, the blank indicator b; its checked sum is weighted,
``S = Σ x_i + k·b`` (``Manifest.sum_weights``), proven in 1 … k (``Manifest.sum_allowed``),
so that proof is ``128·k`` bytes. The verifier computes S itself from the row's
ciphertexts (b added k times), so the prover cannot choose what the last proof is about.
A choose row without b (manifests without ``blank_column``) has its plain sum in 0 … k.

``row_items`` turns a row into the ``(ciphertext, proof, binding)`` triples the batch
verifier checks: every level under (0, 1), the last (the sum) under ``sum_allowed``;
``seal_levels`` makes a per-level row.
"""

from __future__ import annotations

from collections.abc import Sequence

from tinnhiem.ballots.codec import tagged_hash
from tinnhiem.ballots.manifest import Encoding, Manifest
from tinnhiem.crypto import (
    Ciphertext,
    Context,
    CryptoError,
    Point,
    Scalar,
    encrypt,
    prove_in_set,
)
from tinnhiem.errors import InputError

__all__ = [
    "CT_BYTES",
    "LEVEL_PROOF_BYTES",
    "RowMalformed",
    "level_binding",
    "row_items",
    "seal_levels",
]

CT_BYTES = 64
LEVEL_PROOF_BYTES = 256  # a disjunctive proof over (0, 1): two branches of 128 bytes


class RowMalformed(InputError):
    """A row whose bytes cannot be what its encoding says (lengths, a ciphertext)."""


def level_binding(binding: bytes, level: int) -> bytes:
    """The binding of a per-level row's proof ``level`` (1 … k; 0 for the sum)."""
    return tagged_hash("tinnhiem/level/v1", binding, level.to_bytes(4, "big"))


def columns_of(manifest: Manifest, ciphertext: bytes) -> list[bytes]:
    """A row's ciphertexts (its columns), 64 bytes each."""
    size = CT_BYTES * manifest.per_row
    if len(ciphertext) != size:
        raise RowMalformed(f"the row's ciphertext is {len(ciphertext)} bytes, not {size}")
    return [ciphertext[i : i + CT_BYTES] for i in range(0, size, CT_BYTES)]


def row_items(
    manifest: Manifest, ciphertext: bytes, proof: bytes, binding: bytes
) -> list[tuple[bytes, bytes, bytes]]:
    """The proofs one row holds, as ``(ciphertext, proof, binding)``: the packed row
    itself, or each level and then the sum. Raises ``RowMalformed``."""
    pieces = columns_of(manifest, ciphertext)
    if manifest.encoding is Encoding.PACKED:
        return [(ciphertext, proof, binding)]
    k = manifest.levels
    sum_bytes = 128 * len(manifest.sum_allowed())
    if len(proof) != LEVEL_PROOF_BYTES * k + sum_bytes:
        raise RowMalformed(
            f"the row's proof is {len(proof)} bytes, not {LEVEL_PROOF_BYTES * k + sum_bytes}"
        )
    weights = manifest.sum_weights()
    terms = [p for p, w in zip(pieces, weights, strict=True) for _ in range(w)]
    try:
        # w·x as x added w times: each term a checked ciphertext, the kernel's one sum
        total = Ciphertext.sum_encoded(terms).to_bytes()
    except CryptoError as exc:
        raise RowMalformed(f"a level ciphertext does not decode: {exc}") from exc
    proofs = [
        proof[i : i + LEVEL_PROOF_BYTES] for i in range(0, LEVEL_PROOF_BYTES * k, LEVEL_PROOF_BYTES)
    ]
    items = [(pieces[j], proofs[j], level_binding(binding, j + 1)) for j in range(k)]
    items.append((total, proof[LEVEL_PROOF_BYTES * k :], level_binding(binding, 0)))
    return items


def seal_levels(
    ctx: Context,
    public_key: Point,
    bits: Sequence[int],
    binding: bytes,
    sum_allowed: Sequence[int] = (0, 1),
    weights: Sequence[int] | None = None,
) -> tuple[bytes, bytes, list[Scalar]]:
    """Encrypt one 0/1 ciphertext per level (``bits``; their sum, each bit times its
    ``weights`` entry (1 by default), in ``sum_allowed``: at most one 1, at most k on a
    choose row, ``Σ x_i + k·b`` in 1 … k with a blank indicator), prove each and the
    weighted sum; returns the row's ciphertext bytes, proof bytes and the level nonces."""
    w = tuple(weights) if weights is not None else (1,) * len(bits)
    if len(w) != len(bits):
        raise InputError(f"{len(bits)} levels, {len(w)} weights", where="ballot row")
    value = sum(b * wj for b, wj in zip(bits, w, strict=True))
    if any(b not in (0, 1) for b in bits) or value not in sum_allowed:
        raise InputError(
            f"the row's checked sum {value} is not one of {list(sum_allowed)}",
            where="ballot row",
        )
    cts: list[Ciphertext] = []
    nonces: list[Scalar] = []
    proofs: list[bytes] = []
    for j, bit in enumerate(bits):
        ct, nonce = encrypt(public_key, bit)
        proof = prove_in_set(
            ctx, public_key, ct, bit, nonce, (0, 1), binding=level_binding(binding, j + 1)
        )
        cts.append(ct)
        nonces.append(nonce)
        proofs.append(proof.to_bytes())
    total = Ciphertext.sum(ct for ct, wj in zip(cts, w, strict=True) for _ in range(wj))
    nonce_sum = Scalar.from_int(0)
    for n, wj in zip(nonces, w, strict=True):
        nonce_sum = nonce_sum + Scalar.from_int(wj) * n
    proofs.append(
        prove_in_set(
            ctx,
            public_key,
            total,
            value,
            nonce_sum,
            tuple(sum_allowed),
            binding=level_binding(binding, 0),
        ).to_bytes()
    )
    return b"".join(c.to_bytes() for c in cts), b"".join(proofs), nonces
