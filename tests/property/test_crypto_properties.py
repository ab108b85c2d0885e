"""Hypothesis properties of the cryptographic core: the algebra and tamper resistance."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from tinnhiem.crypto import (
    ORDER,
    ChaumPedersenProof,
    Ciphertext,
    Context,
    CryptoError,
    DisjunctiveProof,
    DlogTable,
    InvalidEncoding,
    KeyPair,
    Point,
    Scalar,
    SchnorrProof,
    encrypt_with_nonce,
    prove_dleq,
    prove_in_set,
    prove_knowledge,
    verify_dleq,
    verify_in_set,
    verify_knowledge,
)

CTX = Context(hashlib.sha256(b"property election").digest())
KEY = KeyPair.from_secret(Scalar.from_int(987654321))
B = 481
POLL = [0, 1, B, B * B]
FORMAL = [0, 1, B]
TABLE = DlogTable(4 * B * B, lookups=200)

scalars = st.integers(min_value=0, max_value=ORDER - 1).map(Scalar.from_int)
nonzero = st.integers(min_value=1, max_value=ORDER - 1).map(Scalar.from_int)
small = st.integers(min_value=0, max_value=B * B)
SETTINGS = settings(max_examples=25, deadline=None)


@SETTINGS
@given(scalars)
def test_scalar_round_trip(s: Scalar) -> None:
    assert Scalar.from_bytes(s.to_bytes()) == s
    assert Scalar.from_int(int(s)) == s


@SETTINGS
@given(scalars)
def test_point_round_trip(s: Scalar) -> None:
    p = Point.base_mul(s)
    assert Point.from_bytes(p.to_bytes(), allow_identity=True) == p


@SETTINGS
@given(st.binary(min_size=32, max_size=32))
def test_point_decoding_never_crashes(data: bytes) -> None:
    try:
        p = Point.from_bytes(data)
    except InvalidEncoding:
        return
    assert p.to_bytes() == data  # only canonical encodings are accepted


@SETTINGS
@given(scalars, scalars)
def test_distributive(a: Scalar, b: Scalar) -> None:
    g = Point.base()
    assert a * g + b * g == (a + b) * g
    assert a * (b * g) == (a * b) * g


@SETTINGS
@given(small, nonzero)
def test_decrypt_encrypt(m: int, r: Scalar) -> None:
    ct = encrypt_with_nonce(KEY.public, m, r)
    assert TABLE.solve(KEY.decrypt(ct)) == m
    assert Ciphertext.from_bytes(ct.to_bytes()) == ct


@SETTINGS
@given(small, small, nonzero, nonzero)
def test_homomorphic_addition(m1: int, m2: int, r1: Scalar, r2: Scalar) -> None:
    c = encrypt_with_nonce(KEY.public, m1, r1) + encrypt_with_nonce(KEY.public, m2, r2)
    if r1 + r2:
        assert c == encrypt_with_nonce(KEY.public, m1 + m2, r1 + r2)
    assert TABLE.solve(KEY.decrypt(c)) == m1 + m2


def _flip(data: bytes, index: int, bit: int) -> bytes:
    i = index % len(data)
    return data[:i] + bytes([data[i] ^ (1 << bit)]) + data[i + 1 :]


@SETTINGS
@given(st.sampled_from([POLL, FORMAL]), st.data())
def test_disjunctive_round_trip(allowed: list[int], data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(allowed))
    r = data.draw(nonzero)
    binding = data.draw(st.binary(max_size=40))
    ct = encrypt_with_nonce(KEY.public, value, r)
    proof = prove_in_set(CTX, KEY.public, ct, value, r, allowed, binding=binding)
    verify_in_set(CTX, KEY.public, ct, allowed, proof, binding=binding)


# One fixed proof; Hypothesis flips bytes of it and of its statement.
_VALUE = B
_R = Scalar.from_int(31337)
_CT = encrypt_with_nonce(KEY.public, _VALUE, _R)
_BINDING = b"voter:abc/official:7"
_PROOF = prove_in_set(CTX, KEY.public, _CT, _VALUE, _R, POLL, binding=_BINDING)


def _rejects(
    ctx: Context, ct_bytes: bytes, allowed: list[int], proof_bytes: bytes, binding: bytes
) -> bool:
    try:
        ct = Ciphertext.from_bytes(ct_bytes)
        proof = DisjunctiveProof.from_bytes(proof_bytes)
        verify_in_set(ctx, KEY.public, ct, allowed, proof, binding=binding)
    except CryptoError:
        return True
    return False


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=7))
def test_any_flipped_proof_byte_fails(index: int, bit: int) -> None:
    assert _rejects(CTX, _CT.to_bytes(), POLL, _flip(_PROOF.to_bytes(), index, bit), _BINDING)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=7))
def test_any_flipped_ciphertext_byte_fails(index: int, bit: int) -> None:
    assert _rejects(CTX, _flip(_CT.to_bytes(), index, bit), POLL, _PROOF.to_bytes(), _BINDING)


@SETTINGS
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=7))
def test_any_flipped_binding_or_context_byte_fails(index: int, bit: int) -> None:
    assert _rejects(CTX, _CT.to_bytes(), POLL, _PROOF.to_bytes(), _flip(_BINDING, index, bit))
    other = Context(_flip(CTX.fingerprint, index, bit))
    assert _rejects(other, _CT.to_bytes(), POLL, _PROOF.to_bytes(), _BINDING)


@SETTINGS
@given(st.integers(min_value=0, max_value=3), st.integers(min_value=1, max_value=2**64))
def test_any_changed_allowed_value_fails(position: int, delta: int) -> None:
    allowed = list(POLL)
    allowed[position] = (allowed[position] + delta) % ORDER
    if len(set(allowed)) < len(allowed):
        return
    assert _rejects(CTX, _CT.to_bytes(), allowed, _PROOF.to_bytes(), _BINDING)


_SCHNORR = prove_knowledge(CTX, KEY.secret, binding=b"k")
_DLEQ = prove_dleq(CTX, KEY.secret, _CT.alpha, binding=b"d")


@SETTINGS
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=7))
def test_flipped_schnorr_and_dleq_bytes_fail(index: int, bit: int) -> None:
    try:
        verify_knowledge(
            CTX,
            KEY.public,
            SchnorrProof.from_bytes(_flip(_SCHNORR.to_bytes(), index, bit)),
            binding=b"k",
        )
    except CryptoError:
        pass
    else:
        raise AssertionError("tampered Schnorr proof verified")
    try:
        verify_dleq(
            CTX,
            _CT.alpha,
            KEY.public,
            KEY.secret * _CT.alpha,
            ChaumPedersenProof.from_bytes(_flip(_DLEQ.to_bytes(), index, bit)),
            binding=b"d",
        )
    except CryptoError:
        pass
    else:
        raise AssertionError("tampered Chaum-Pedersen proof verified")
