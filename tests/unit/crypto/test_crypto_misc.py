"""Discrete logs, credentials, sealed boxes and passphrase-protected secrets."""

from __future__ import annotations

import pytest

from tinnhiem.crypto import (
    BoxKeyPair,
    CredentialKey,
    CryptoError,
    DlogOutOfRange,
    DlogTable,
    InvalidEncoding,
    InvalidProof,
    InvalidSignature,
    Point,
    Scalar,
    SecretFileError,
    protect_secret,
    seal,
    sign,
    unprotect_secret,
    unseal,
    verify_signature,
)

FAST = {"opslimit": 1, "memlimit": 8 * 1024 * 1024}


def mG(m: int) -> Point:
    return Point.base_mul(Scalar.from_int(m))


@pytest.mark.parametrize("bound", [0, 1, 2, 17, 1000])
def test_dlog_every_value_small_bounds(bound: int) -> None:
    table = DlogTable(bound, lookups=4)
    for m in range(0, bound + 1, max(1, bound // 50)):
        assert table.solve(mG(m)) == m
    assert table.solve(mG(bound)) == bound
    with pytest.raises(DlogOutOfRange):
        table.solve(mG(bound + 1))


def test_dlog_large_bound_edges() -> None:
    bound = 481**3
    table = DlogTable(bound, lookups=8)
    for m in (0, 1, table.baby_steps - 1, table.baby_steps, bound - 1, bound):
        assert table.solve(mG(m)) == m
    with pytest.raises(DlogOutOfRange):
        table.solve(mG(bound + 1))
    with pytest.raises(DlogOutOfRange):
        table.solve(mG(-1))


def test_dlog_rejects_bad_bound() -> None:
    with pytest.raises(CryptoError):
        DlogTable(-1)


def test_credentials_sign_and_verify() -> None:
    key = CredentialKey.from_seed(bytes(range(32)))
    assert key == CredentialKey.from_seed(bytes(range(32)))
    sig = sign(key, b"ballot digest")
    verify_signature(key.public, b"ballot digest", sig)
    with pytest.raises(InvalidSignature):
        verify_signature(key.public, b"other digest", sig)
    with pytest.raises(InvalidProof):
        verify_signature(CredentialKey.generate().public, b"ballot digest", sig)
    with pytest.raises(InvalidEncoding):
        verify_signature(key.public[:31], b"x", sig)
    with pytest.raises(InvalidEncoding):
        verify_signature(key.public, b"x", sig[:63])
    with pytest.raises(InvalidEncoding):
        CredentialKey.from_seed(b"short")
    assert repr(key.seed) not in repr(key)


def test_sealed_boxes() -> None:
    alice = BoxKeyPair.generate()
    bob = BoxKeyPair.from_seed(bytes(32))
    box = seal(alice.public, b"share for alice")
    assert unseal(alice, box) == b"share for alice"
    with pytest.raises(CryptoError):
        unseal(bob, box)
    with pytest.raises(CryptoError):
        unseal(alice, box[:-1] + bytes([box[-1] ^ 1]))
    with pytest.raises(InvalidEncoding):
        seal(b"short", b"x")


def test_protected_secret_round_trip() -> None:
    blob = protect_secret(b"member share bytes", "mật khẩu dài", **FAST)
    assert unprotect_secret(blob, "mật khẩu dài") == b"member share bytes"
    assert protect_secret(b"x", "p", **FAST) != protect_secret(b"x", "p", **FAST)
    with pytest.raises(SecretFileError):
        unprotect_secret(blob, "wrong")
    damaged = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(SecretFileError):
        unprotect_secret(damaged, "mật khẩu dài")
    with pytest.raises(SecretFileError):
        unprotect_secret(b"not a secret file", "p")
    # A header asking for absurd memory is refused before any work.
    hostile = blob[:10] + (2**40).to_bytes(8, "big") + blob[18:]
    with pytest.raises(SecretFileError):
        unprotect_secret(hostile, "mật khẩu dài")
    with pytest.raises(SecretFileError):
        protect_secret(b"x", "", **FAST)


def test_protected_secret_passphrase_is_nfc_normalised() -> None:
    import unicodedata

    composed = unicodedata.normalize("NFC", "Bầu cử Hội đồng")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    blob = protect_secret(b"share", decomposed, **FAST)
    assert unprotect_secret(blob, composed) == b"share"
