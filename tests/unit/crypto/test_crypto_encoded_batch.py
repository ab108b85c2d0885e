"""verify_in_set_encoded (the byte-level fast path) never accepts what decoding and
verify_in_set_batch reject, and accepts honest rows. Proposed for tests/unit/crypto/."""

from __future__ import annotations

import hashlib
import os

import pytest

from tinnhiem.crypto import (
    ORDER,
    Ciphertext,
    Context,
    CryptoError,
    DisjunctiveProof,
    KeyPair,
    Point,
    Scalar,
    encrypt,
    prove_in_set,
    verify_in_set_batch,
    verify_in_set_encoded,
)

CTX = Context(hashlib.sha256(b"encoded-batch").digest())
KEY = KeyPair.generate()
B = 481
POLL = [0, 1, B, B * B]
ZERO = bytes(32)


def _row(value: int, nonce: Scalar | None = None) -> tuple[bytes, bytes, bytes]:
    binding = os.urandom(32)
    ct, r = encrypt(KEY.public, value, nonce)
    proof = prove_in_set(CTX, KEY.public, ct, value, r, POLL, binding=binding)
    return ct.to_bytes(), proof.to_bytes(), binding


ROWS = [_row(v) for v in POLL]


def _exact(rows: list[tuple[bytes, bytes, bytes]]) -> list[Ciphertext] | None:
    try:
        items = [
            (Ciphertext.from_bytes(c), POLL, DisjunctiveProof.from_bytes(p), b) for c, p, b in rows
        ]
        verify_in_set_batch(CTX, KEY.public, items)
    except CryptoError:
        return None
    return [ct for ct, _, _, _ in items]


def _agree(rows: list[tuple[bytes, bytes, bytes]]) -> None:
    fast = verify_in_set_encoded(CTX, KEY.public, POLL, rows)
    if fast is not None:
        exact = _exact(rows)
        assert exact is not None
        assert [c.to_bytes() for c in fast] == [c.to_bytes() for c in exact]


def _with(i: int, ct: bytes | None = None, proof: bytes | None = None) -> list:
    rows = list(ROWS)
    c, p, b = rows[i]
    rows[i] = (ct or c, proof or p, b)
    return rows


def test_honest_rows_are_accepted_with_their_ciphertexts() -> None:
    cts = verify_in_set_encoded(CTX, KEY.public, POLL, ROWS)
    assert cts is not None
    assert [c.to_bytes() for c in cts] == [c for c, _, _ in ROWS]


@pytest.mark.parametrize("pos", range(0, 64, 3))
def test_flipped_ciphertext_byte_is_never_accepted(pos: int) -> None:
    c = bytearray(ROWS[1][0])
    c[pos] ^= 0x01
    rows = _with(1, ct=bytes(c))
    assert verify_in_set_encoded(CTX, KEY.public, POLL, rows) is None
    _agree(rows)


@pytest.mark.parametrize("pos", range(0, 512, 7))
def test_flipped_proof_byte_is_never_accepted(pos: int) -> None:
    p = bytearray(ROWS[2][1])
    p[pos] ^= 0x80 if pos % 32 == 31 else 0x01
    rows = _with(2, proof=bytes(p))
    assert verify_in_set_encoded(CTX, KEY.public, POLL, rows) is None
    _agree(rows)


@pytest.mark.parametrize("off", [0, 32, 128, 160, 384, 416])
def test_identity_commitment_is_refused(off: int) -> None:
    p = ROWS[0][1]
    rows = _with(0, proof=p[:off] + ZERO + p[off + 32 :])
    assert verify_in_set_encoded(CTX, KEY.public, POLL, rows) is None


def test_identity_alpha_is_refused() -> None:
    assert verify_in_set_encoded(CTX, KEY.public, POLL, _with(0, ct=ZERO + ROWS[0][0][32:])) is None


def test_non_canonical_scalar_is_refused_even_if_the_sum_mod_l_holds() -> None:
    p = ROWS[3][1]
    for off in range(64, 512, 32):
        if off % 128 not in (64, 96):
            continue
        v = int.from_bytes(p[off : off + 32], "little") + ORDER
        if v < 2**256:
            rows = _with(3, proof=p[:off] + v.to_bytes(32, "little") + p[off + 32 :])
            assert verify_in_set_encoded(CTX, KEY.public, POLL, rows) is None
            assert _exact(rows) is None


def test_non_canonical_point_encoding_is_refused() -> None:
    alpha = int.from_bytes(ROWS[0][0][:32], "little") + 2**255 - 19
    if alpha < 2**256:
        rows = _with(0, ct=alpha.to_bytes(32, "little") + ROWS[0][0][32:])
        assert verify_in_set_encoded(CTX, KEY.public, POLL, rows) is None


def test_wrong_lengths_key_and_allowed_set_are_refused() -> None:
    assert verify_in_set_encoded(CTX, KEY.public, POLL, _with(0, proof=ROWS[0][1][:-128])) is None
    assert verify_in_set_encoded(CTX, KEY.public, POLL, _with(0, ct=ROWS[0][0][:63])) is None
    assert verify_in_set_encoded(CTX, KEY.public, POLL[:3], ROWS) is None
    assert verify_in_set_encoded(CTX, Point.base_mul(Scalar.random_nonzero()), POLL, ROWS) is None
    moved = [(ROWS[0][0], ROWS[0][1], ROWS[1][2])]
    assert verify_in_set_encoded(CTX, KEY.public, POLL, moved) is None


def test_identity_beta_goes_to_the_exact_path_which_accepts_it() -> None:
    # β = m·G + r·H is the identity for m = 1, r = −1/x; Ciphertext allows that β.
    r = Scalar.from_int(-pow(int(KEY.secret), -1, ORDER))
    row = _row(1, nonce=r)
    assert row[0][32:] == ZERO
    assert verify_in_set_encoded(CTX, KEY.public, POLL, [row]) is None
    assert _exact([row]) is not None
