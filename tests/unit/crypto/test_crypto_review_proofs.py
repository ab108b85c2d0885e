"""Security review (rà soát an ninh): secrets, nonces, types, Fiat-Shamir, batch, Ed25519.

Each test pins one finding or one claim of docs/threat-model.md.
"""

from __future__ import annotations

import hashlib

import pytest

from tinnhiem.crypto import (
    ORDER,
    BoxKeyPair,
    Branch,
    ChaumPedersenProof,
    Ciphertext,
    Context,
    CredentialKey,
    CryptoError,
    DisjunctiveProof,
    InvalidEncoding,
    InvalidProof,
    InvalidSignature,
    KeyPair,
    Point,
    Scalar,
    SchnorrProof,
    encrypt,
    prove_dleq,
    prove_in_set,
    prove_in_set_with_nonces,
    prove_knowledge,
    verify_dleq,
    verify_in_set,
    verify_in_set_batch,
    verify_knowledge,
    verify_signature,
)
from tinnhiem.crypto.dkg import DkgMember, MemberShare

CTX = Context(hashlib.sha256(b"review election").digest())
POLL = (0, 1, 101, 101 * 101)
KEY = KeyPair.from_secret(Scalar.from_int(987654321))


def _scalar(label: str) -> Scalar:
    return Scalar.reduce(hashlib.sha512(b"review/" + label.encode()).digest())


def _forms(s: Scalar) -> list[str]:
    """The ways a secret scalar could show up in text."""
    return [str(int(s)), s.hex(), hex(int(s))[2:]]


# ----------------------------------------------------------------- secrets in reprs


def test_scalar_repr_never_shows_the_value() -> None:
    secret = _scalar("x")
    text = repr(secret) + str(secret) + f"{secret!r}"
    assert all(form not in text for form in _forms(secret))


def test_secret_bearing_objects_redact_their_reprs() -> None:
    kp = KeyPair.from_secret(_scalar("kp"))
    assert all(form not in repr(kp) for form in _forms(kp.secret))
    assert kp.public.hex() in repr(kp)  # the public half stays visible

    share = MemberShare(3, _scalar("share"))
    assert all(form not in repr(share) for form in _forms(share.secret))

    coefficients = [_scalar("a0"), _scalar("a1")]
    box = BoxKeyPair.from_seed(bytes(range(32)))
    member = DkgMember(CTX, 1, 2, 3, box_keys=box, coefficients=coefficients)
    text = repr(member) + str(member)
    assert "index=1" in text
    for a in coefficients:
        assert all(form not in text for form in _forms(a))
    assert box.secret.hex() not in text and repr(box.secret) not in text
    assert box.secret.hex() not in repr(box)

    cred = CredentialKey.from_seed(bytes(range(1, 33)))
    assert cred.seed.hex() not in repr(cred) and repr(cred.seed) not in repr(cred)


def test_scalar_refuses_non_integers() -> None:
    with pytest.raises(TypeError):
        Scalar(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Scalar(True)
    assert Scalar(-1) == Scalar.from_int(ORDER - 1)


# ------------------------------------------------------------------- nonce handling


def test_zero_schnorr_nonce_is_refused() -> None:
    # With k = 0 the response is s = c·x and anyone recomputing c learns x.
    with pytest.raises(CryptoError):
        prove_knowledge(CTX, _scalar("x"), nonce=Scalar.from_int(0))


def test_zero_chaum_pedersen_nonce_is_refused() -> None:
    with pytest.raises(CryptoError):
        prove_dleq(CTX, _scalar("x"), Point.base_mul(_scalar("p")), nonce=Scalar.from_int(0))


def test_zero_disjunctive_nonce_is_refused() -> None:
    # k = 0 would publish s_i = c_i·r: the encryption nonce, hence the vote.
    r = _scalar("r")
    ct, _ = encrypt(KEY.public, 101, r)
    nonces = [Scalar.from_int(0)] + [_scalar(f"n{i}") for i in range(6)]
    with pytest.raises(CryptoError):
        prove_in_set_with_nonces(CTX, KEY.public, ct, 101, r, POLL, nonces)
    with pytest.raises(CryptoError):
        prove_in_set_with_nonces(
            CTX, KEY.public, ct, 101, Scalar.from_int(0), POLL, [_scalar(f"m{i}") for i in range(7)]
        )


def test_fresh_proofs_use_fresh_nonces() -> None:
    x = _scalar("x")
    first = prove_knowledge(CTX, x)
    second = prove_knowledge(CTX, x)
    assert first.commitment != second.commitment
    ct, r = encrypt(KEY.public, 1)
    p1 = prove_in_set(CTX, KEY.public, ct, 1, r, POLL)
    p2 = prove_in_set(CTX, KEY.public, ct, 1, r, POLL)
    assert p1.branches[1].a != p2.branches[1].a


# --------------------------------------------------------------- typed proof fields


def test_proof_fields_must_be_typed() -> None:
    g = Point.base()
    with pytest.raises(TypeError):
        SchnorrProof(g, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ChaumPedersenProof(g, g, ORDER + 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Branch(g, g, ORDER + 3, Scalar.from_int(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        DisjunctiveProof([Branch(g, g, Scalar.from_int(1), Scalar.from_int(1))])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Ciphertext(g, g.to_bytes())  # type: ignore[arg-type]


# ------------------------------------------------ strong Fiat-Shamir: no transplanting


def test_schnorr_proof_is_bound_to_every_statement_item() -> None:
    x = _scalar("x")
    proof = prove_knowledge(CTX, x, binding=b"member 1")
    public = Point.base_mul(x)
    verify_knowledge(CTX, public, proof, binding=b"member 1")
    other_ctx = Context(hashlib.sha256(b"another").digest())
    for ctx, pub, binding in [
        (other_ctx, public, b"member 1"),
        (CTX, public, b"member 2"),
        (CTX, public + Point.base(), b"member 1"),
    ]:
        with pytest.raises(InvalidProof):
            verify_knowledge(ctx, pub, proof, binding=binding)


def test_chaum_pedersen_proof_is_bound_to_every_statement_item() -> None:
    x = _scalar("x")
    base2 = Point.base_mul(_scalar("alpha"))
    proof = prove_dleq(CTX, x, base2, binding=b"decrypt 1")
    X, Y = Point.base_mul(x), x * base2
    verify_dleq(CTX, base2, X, Y, proof, binding=b"decrypt 1")
    other = Point.base_mul(_scalar("other"))
    for args in [(other, X, Y), (base2, other, Y), (base2, X, other)]:
        with pytest.raises(InvalidProof):
            verify_dleq(CTX, *args, proof, binding=b"decrypt 1")
    with pytest.raises(InvalidProof):
        verify_dleq(CTX, base2, X, Y, proof, binding=b"decrypt 2")


def test_disjunctive_proof_cannot_move_to_another_statement() -> None:
    r = _scalar("r")
    ct, _ = encrypt(KEY.public, 101, r)
    proof = prove_in_set(CTX, KEY.public, ct, 101, r, POLL, binding=b"row A")
    verify_in_set(CTX, KEY.public, ct, POLL, proof, binding=b"row A")
    other_key = KeyPair.from_secret(_scalar("other key")).public
    reordered = (0, 101, 1, 101 * 101)
    cases = [
        (KEY.public, ct, POLL, b"row B"),
        (other_key, ct, POLL, b"row A"),
        (KEY.public, ct, reordered, b"row A"),
        (KEY.public, Ciphertext(ct.alpha, ct.beta + Point.base()), POLL, b"row A"),
    ]
    for public, c, allowed, binding in cases:
        with pytest.raises(InvalidProof):
            verify_in_set(CTX, public, c, allowed, proof, binding=binding)
        with pytest.raises(InvalidProof):
            verify_in_set_batch(CTX, public, [(c, allowed, proof, binding)])


def _simulated_proof(ct: Ciphertext, allowed: tuple[int, ...]) -> DisjunctiveProof:
    """Every branch simulated: each equation holds, but Σc_j is not the challenge."""
    h = KEY.public
    branches = []
    for j, m in enumerate(allowed):
        c, s = _scalar(f"c{j}"), _scalar(f"s{j}")
        a = Point.base_mul(s) - c * ct.alpha
        b = s * h - c * (ct.beta - Point.base_mul(Scalar.from_int(m)))
        branches.append(Branch(a, b, c, s))
    return DisjunctiveProof(tuple(branches))


def test_batch_checks_the_challenge_sum_exactly() -> None:
    # A cheating prover can satisfy every branch equation if the sum is not enforced:
    # this "proof" is for a ciphertext of 7, which is not in the set.
    good_ct, r = encrypt(KEY.public, 1)
    good = prove_in_set(CTX, KEY.public, good_ct, 1, r, POLL)
    bad_ct, _ = encrypt(KEY.public, 7)
    forged = _simulated_proof(bad_ct, POLL)
    with pytest.raises(InvalidProof):
        verify_in_set(CTX, KEY.public, bad_ct, POLL, forged)
    with pytest.raises(InvalidProof) as info:
        verify_in_set_batch(
            CTX, KEY.public, [(good_ct, POLL, good, b""), (bad_ct, POLL, forged, b"")]
        )
    assert info.value.index == 1


def test_batch_rejects_swapped_bindings() -> None:
    rows = []
    for i in range(3):
        ct, r = encrypt(KEY.public, POLL[i])
        rows.append(
            (
                ct,
                POLL,
                prove_in_set(CTX, KEY.public, ct, POLL[i], r, POLL, binding=f"row {i}".encode()),
                f"row {i}".encode(),
            )
        )
    verify_in_set_batch(CTX, KEY.public, rows)
    swapped = [rows[0], (rows[1][0], POLL, rows[1][2], b"row 2"), rows[2]]
    with pytest.raises(InvalidProof) as info:
        verify_in_set_batch(CTX, KEY.public, swapped)
    assert info.value.index == 1


def test_batch_reads_each_allowed_set_once() -> None:
    # The exact and the randomised checks must see the same allowed set, even when the
    # caller passes an iterator.
    ct, r = encrypt(KEY.public, 101)
    proof = prove_in_set(CTX, KEY.public, ct, 101, r, POLL)
    verify_in_set_batch(CTX, KEY.public, [(ct, iter(POLL), proof, b"")])  # type: ignore[list-item]


# ------------------------------------------------------------- strict Ed25519 (libsodium)

_L = 2**252 + 27742317777372353535851937790883648493


def test_ed25519_rejects_malleated_signature() -> None:
    key = CredentialKey.from_seed(bytes(range(32)))
    sig = key.sign(b"ballot")
    s = int.from_bytes(sig[32:], "little") + _L  # same value mod L, non-canonical
    with pytest.raises(InvalidSignature):
        verify_signature(key.public, b"ballot", sig[:32] + s.to_bytes(32, "little"))


def test_ed25519_rejects_small_order_keys_and_points() -> None:
    identity = (1).to_bytes(32, "little")
    # R = identity, S = 0 "verifies" for any message under a small-order key in a lax
    # verifier; libsodium ≥ 1.0.18 rejects the key.
    with pytest.raises(InvalidSignature):
        verify_signature(identity, b"anything", identity + bytes(32))
    key = CredentialKey.from_seed(bytes(range(32)))
    sig = key.sign(b"ballot")
    # A non-canonical encoding of the identity (y = p + 1) is refused as well.
    alias = (2**255 - 19 + 1).to_bytes(32, "little")
    with pytest.raises(InvalidSignature):
        verify_signature(alias, b"anything", identity + bytes(32))
    # A small-order R in an otherwise valid-looking signature is refused too.
    with pytest.raises(InvalidSignature):
        verify_signature(key.public, b"ballot", identity + sig[32:])


def test_credential_key_from_seed_is_deterministic() -> None:
    seed = hashlib.sha256(b"seed").digest()
    a, b = CredentialKey.from_seed(seed), CredentialKey.from_seed(seed)
    assert a.public == b.public
    with pytest.raises(InvalidEncoding):
        CredentialKey.from_seed(bytearray(seed))  # type: ignore[arg-type]


def test_batch_never_turns_a_failed_equation_into_acceptance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Even if the combined equation failed while every row verified alone (which
    # soundness says cannot happen), the verifier raises rather than accepts.
    from tinnhiem.crypto import proofs

    ct, r = encrypt(KEY.public, 1)
    row = (ct, POLL, prove_in_set(CTX, KEY.public, ct, 1, r, POLL), b"")
    verify_in_set_batch(CTX, KEY.public, [row])
    monkeypatch.setattr(proofs, "_batch_equation", lambda public, items: False)
    with pytest.raises(InvalidProof):
        verify_in_set_batch(CTX, KEY.public, [row])
