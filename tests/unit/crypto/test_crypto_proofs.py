"""ElGamal, the transcript, and the three proofs (single and batch)."""

from __future__ import annotations

import hashlib

import pytest

from tinnhiem.crypto import (
    ORDER,
    Branch,
    ChaumPedersenProof,
    Ciphertext,
    Context,
    CryptoError,
    DisjunctiveProof,
    InvalidEncoding,
    InvalidProof,
    KeyPair,
    Point,
    Scalar,
    SchnorrProof,
    encrypt,
    encrypt_with_nonce,
    prove_dleq,
    prove_in_set,
    prove_knowledge,
    verify_dleq,
    verify_in_set,
    verify_in_set_batch,
    verify_knowledge,
)
from tinnhiem.crypto.transcript import PROTOCOL_LABEL, transcript_bytes

CTX = Context(hashlib.sha256(b"test election").digest())
OTHER_CTX = Context(hashlib.sha256(b"another election").digest())
B = 481
POLL = [0, 1, B, B * B]
FORMAL = [0, 1, B]
KEY = KeyPair.from_secret(Scalar.from_int(123456789))


def mG(m: int) -> Point:
    return Point.base_mul(Scalar.from_int(m))


# ------------------------------------------------------------------- ElGamal


def test_encrypt_decrypt_and_homomorphism() -> None:
    c1, _ = encrypt(KEY.public, 5)
    c2, _ = encrypt(KEY.public, 7)
    assert KEY.decrypt(c1) == mG(5)
    assert KEY.decrypt(c1 + c2) == mG(12)
    assert KEY.decrypt(Ciphertext.sum([c1, c2, c1])) == mG(17)


def test_encrypt_uses_injected_nonce() -> None:
    r = Scalar.from_int(42)
    ct, nonce = encrypt(KEY.public, 3, r)
    assert nonce == r
    assert ct == encrypt_with_nonce(KEY.public, 3, r)
    assert ct.alpha == Point.base_mul(r)


def test_encrypt_rejects_zero_nonce_and_identity_key() -> None:
    with pytest.raises(CryptoError):
        encrypt_with_nonce(KEY.public, 1, Scalar.from_int(0))
    with pytest.raises(CryptoError):
        encrypt_with_nonce(Point.identity(), 1, Scalar.from_int(5))
    with pytest.raises(CryptoError):
        KeyPair.from_secret(Scalar.from_int(0))


def test_ciphertext_encoding() -> None:
    ct, _ = encrypt(KEY.public, 2)
    assert Ciphertext.from_bytes(ct.to_bytes()) == ct
    assert Ciphertext.from_hex(ct.hex()) == ct
    with pytest.raises(InvalidEncoding):
        Ciphertext.from_bytes(ct.to_bytes()[:63])
    with pytest.raises(InvalidEncoding):
        Ciphertext.from_bytes(bytes(32) + ct.beta.to_bytes())
    assert Ciphertext.from_bytes(
        Ciphertext.zero().to_bytes(), allow_identity=True
    ).alpha.is_identity()


# ---------------------------------------------------------------- transcript


def test_transcript_layout_is_length_prefixed() -> None:
    raw = transcript_bytes(CTX.fingerprint, "t", (b"ab", 7))
    expected = (
        len(PROTOCOL_LABEL).to_bytes(4, "big")
        + PROTOCOL_LABEL
        + (1).to_bytes(4, "big")
        + b"t"
        + (32).to_bytes(4, "big")
        + CTX.fingerprint
        + (2).to_bytes(4, "big")
        + (2).to_bytes(4, "big")
        + b"ab"
        + (8).to_bytes(4, "big")
        + (7).to_bytes(8, "big")
    )
    assert raw == expected
    assert (
        int(CTX.challenge("t", b"ab", 7))
        == int.from_bytes(hashlib.sha512(expected).digest(), "little") % ORDER
    )


def test_transcript_is_unambiguous() -> None:
    assert CTX.challenge("t", b"ab", b"c") != CTX.challenge("t", b"a", b"bc")
    assert CTX.challenge("t", b"ab") != CTX.challenge("t", b"ab", b"")
    assert CTX.challenge("t", b"x") != CTX.challenge("u", b"x")
    assert CTX.challenge("t", b"x") != OTHER_CTX.challenge("t", b"x")


def test_context_needs_32_byte_fingerprint() -> None:
    with pytest.raises(CryptoError):
        Context(b"short")
    with pytest.raises(CryptoError):
        CTX.challenge("t", -1)


# ------------------------------------------------------------------- Schnorr


def test_schnorr_round_trip_and_binding() -> None:
    proof = prove_knowledge(CTX, KEY.secret, binding=b"member 1")
    verify_knowledge(CTX, KEY.public, proof, binding=b"member 1")
    assert SchnorrProof.from_bytes(proof.to_bytes()) == proof
    with pytest.raises(InvalidProof):
        verify_knowledge(CTX, KEY.public, proof, binding=b"member 2")
    with pytest.raises(InvalidProof):
        verify_knowledge(OTHER_CTX, KEY.public, proof, binding=b"member 1")
    with pytest.raises(InvalidProof):
        verify_knowledge(CTX, mG(5), proof, binding=b"member 1")
    bad = SchnorrProof(proof.commitment, proof.response + Scalar.from_int(1))
    with pytest.raises(InvalidProof):
        verify_knowledge(CTX, KEY.public, bad, binding=b"member 1")


# ------------------------------------------------------------ Chaum-Pedersen


def test_chaum_pedersen_round_trip_and_tamper() -> None:
    ct, _ = encrypt(KEY.public, 9)
    proof = prove_dleq(CTX, KEY.secret, ct.alpha, binding=b"b")
    y = KEY.secret * ct.alpha
    verify_dleq(CTX, ct.alpha, KEY.public, y, proof, binding=b"b")
    assert ChaumPedersenProof.from_bytes(proof.to_bytes()) == proof
    with pytest.raises(InvalidProof):
        verify_dleq(CTX, ct.alpha, KEY.public, y + Point.base(), proof, binding=b"b")
    with pytest.raises(InvalidProof):
        verify_dleq(CTX, ct.alpha, KEY.public, y, proof, binding=b"c")
    with pytest.raises(InvalidEncoding):
        ChaumPedersenProof.from_bytes(proof.to_bytes()[:95])


# --------------------------------------------------------------- disjunctive


def _row(value: int, allowed: list[int], binding: bytes) -> tuple[Ciphertext, DisjunctiveProof]:
    ct, r = encrypt(KEY.public, value)
    return ct, prove_in_set(CTX, KEY.public, ct, value, r, allowed, binding=binding)


@pytest.mark.parametrize("allowed", [POLL, FORMAL, [5], [0, 1]])
def test_disjunctive_every_allowed_value(allowed: list[int]) -> None:
    for value in allowed:
        ct, proof = _row(value, allowed, b"row")
        verify_in_set(CTX, KEY.public, ct, allowed, proof, binding=b"row")
        assert DisjunctiveProof.from_bytes(proof.to_bytes()) == proof
        assert len(proof.to_bytes()) == 128 * len(allowed)


def test_disjunctive_refuses_value_outside_set() -> None:
    ct, r = encrypt(KEY.public, 2)
    with pytest.raises(CryptoError):
        prove_in_set(CTX, KEY.public, ct, 2, r, POLL)
    with pytest.raises(CryptoError):
        prove_in_set(CTX, KEY.public, ct, 0, r, [0, 0, 1])


def test_disjunctive_lying_prover_fails() -> None:
    # Encrypt 2 but claim 1: the proof cannot verify.
    ct, r = encrypt(KEY.public, 2)
    proof = prove_in_set(CTX, KEY.public, ct, 1, r, POLL)
    with pytest.raises(InvalidProof):
        verify_in_set(CTX, KEY.public, ct, POLL, proof)


def test_disjunctive_statement_changes_fail() -> None:
    ct, proof = _row(B, POLL, b"voter-1/official-3")
    other_ct, _ = _row(B, POLL, b"x")
    cases = [
        (CTX, KEY.public, other_ct, POLL, b"voter-1/official-3"),
        (CTX, KEY.public, ct, POLL, b"voter-1/official-4"),
        (OTHER_CTX, KEY.public, ct, POLL, b"voter-1/official-3"),
        (CTX, KEY.public, ct, [0, 1, B, B * B + 1], b"voter-1/official-3"),
        (CTX, KEY.public, ct, [1, 0, B, B * B], b"voter-1/official-3"),
        (CTX, mG(77), ct, POLL, b"voter-1/official-3"),
        (CTX, KEY.public, ct, FORMAL, b"voter-1/official-3"),
    ]
    for ctx, pub, c, allowed, binding in cases:
        with pytest.raises(InvalidProof):
            verify_in_set(ctx, pub, c, allowed, proof, binding=binding)


def test_disjunctive_shuffled_branch_challenges_fail() -> None:
    ct, proof = _row(1, POLL, b"")
    br = proof.branches
    # Swapping two branches' (c, s) keeps Σc but breaks the equations.
    swapped = DisjunctiveProof(
        (
            Branch(br[0].a, br[0].b, br[1].c, br[1].s),
            Branch(br[1].a, br[1].b, br[0].c, br[0].s),
            br[2],
            br[3],
        )
    )
    with pytest.raises(InvalidProof):
        verify_in_set(CTX, KEY.public, ct, POLL, swapped)
    with pytest.raises(InvalidProof):
        verify_in_set_batch(CTX, KEY.public, [(ct, POLL, swapped, b"")])


def test_batch_verifies_and_names_first_bad_row() -> None:
    items = []
    for i in range(6):
        allowed = POLL if i % 2 else FORMAL
        value = allowed[i % len(allowed)]
        binding = f"row {i}".encode()
        ct, proof = _row(value, allowed, binding)
        items.append((ct, allowed, proof, binding))
    verify_in_set_batch(CTX, KEY.public, items)
    verify_in_set_batch(CTX, KEY.public, [])

    # A response changed: the challenge checks still pass, only the batch equation fails.
    ct, allowed, proof, binding = items[3]
    br = proof.branches
    tampered = DisjunctiveProof(
        (*br[:2], Branch(br[2].a, br[2].b, br[2].c, br[2].s + Scalar.from_int(1)), *br[3:])
    )
    bad = list(items)
    bad[3] = (ct, allowed, tampered, binding)
    bad[5] = (items[5][0], items[5][1], items[5][2], b"moved")
    with pytest.raises(InvalidProof) as err:
        verify_in_set_batch(CTX, KEY.public, bad)
    assert err.value.index == 3

    bad = list(items)
    bad[4] = (items[4][0], items[4][1], items[4][2], b"moved")
    with pytest.raises(InvalidProof) as err:
        verify_in_set_batch(CTX, KEY.public, bad)
    assert err.value.index == 4


def test_batch_catches_wrong_plaintext_in_ciphertext() -> None:
    # The second row's proof is paired with another row's ciphertext.
    ct_a, proof_a = _row(B * B, POLL, b"a")
    _, proof_b = _row(1, POLL, b"b")
    with pytest.raises(InvalidProof) as err:
        verify_in_set_batch(
            CTX, KEY.public, [(ct_a, POLL, proof_a, b"a"), (ct_a, POLL, proof_b, b"b")]
        )
    assert err.value.index == 1


def test_batch_catches_lying_prover() -> None:
    # Challenges are consistent (the prover ran the protocol) but the ciphertext holds 2.
    rows = [_row(v, POLL, b"ok") for v in POLL]
    ct, r = encrypt(KEY.public, 2)
    lie = prove_in_set(CTX, KEY.public, ct, B, r, POLL, binding=b"lie")
    items = [(c, POLL, p, b"ok") for c, p in rows]
    items.insert(2, (ct, POLL, lie, b"lie"))
    with pytest.raises(InvalidProof) as err:
        verify_in_set_batch(CTX, KEY.public, items)
    assert err.value.index == 2


def test_batch_rejects_wrong_branch_count() -> None:
    ct, proof = _row(1, FORMAL, b"")
    with pytest.raises(InvalidProof) as err:
        verify_in_set_batch(CTX, KEY.public, [(ct, POLL, proof, b"")])
    assert err.value.index == 0


def test_disjunctive_decoding_errors() -> None:
    with pytest.raises(InvalidEncoding):
        DisjunctiveProof.from_bytes(b"")
    with pytest.raises(InvalidEncoding):
        DisjunctiveProof.from_bytes(bytes(127))
    with pytest.raises(InvalidEncoding):
        DisjunctiveProof.from_bytes(bytes(128))  # identity commitments
    with pytest.raises(InvalidEncoding):
        DisjunctiveProof.from_hex("xyz")
