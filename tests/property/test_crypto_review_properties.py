"""Properties behind the security review (docs/threat-model.md).

* the batch verifier accepts exactly the batches whose rows all verify alone, and names
  the first bad row wherever it is;
* distinct transcripts never share a hash input;
* scalars are canonical, and Lagrange interpolation over any set of t members recovers
  the secret while fewer than t are refused.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinnhiem.crypto import (
    ORDER,
    Branch,
    Ciphertext,
    Context,
    DecryptionError,
    DisjunctiveProof,
    InvalidEncoding,
    InvalidProof,
    KeyPair,
    Point,
    Scalar,
    encrypt_with_nonce,
    prove_in_set_with_nonces,
    verify_in_set,
    verify_in_set_batch,
)
from tinnhiem.crypto.threshold import lagrange_at_zero
from tinnhiem.crypto.transcript import Item, encode_item, transcript_bytes

CTX = Context(hashlib.sha256(b"review properties").digest())
KEY = KeyPair.from_secret(Scalar.from_int(31337))
POLL = (0, 1, 50, 2500)


def _scalar(label: str) -> Scalar:
    return Scalar.reduce(hashlib.sha512(b"review-prop/" + label.encode()).digest())


def _row(i: int) -> tuple[Ciphertext, tuple[int, ...], DisjunctiveProof, bytes]:
    value = POLL[i % 4]
    r = _scalar(f"r{i}")
    ct = encrypt_with_nonce(KEY.public, value, r)
    nonces = [_scalar(f"n{i}/{j}") for j in range(7)]
    binding = f"row {i}".encode()
    proof = prove_in_set_with_nonces(CTX, KEY.public, ct, value, r, POLL, nonces, binding=binding)
    return ct, POLL, proof, binding


ROWS = [_row(i) for i in range(6)]


def _tamper(
    row: tuple[Ciphertext, tuple[int, ...], DisjunctiveProof, bytes], kind: int, branch: int
) -> tuple[Ciphertext, tuple[int, ...], DisjunctiveProof, bytes]:
    ct, allowed, proof, binding = row
    g = Point.base()
    if kind == 0:  # the ciphertext encrypts one more
        return Ciphertext(ct.alpha, ct.beta + g), allowed, proof, binding
    if kind == 1:  # another row's binding
        return ct, allowed, proof, binding + b"'"
    brs = list(proof.branches)
    br = brs[branch]
    if kind == 2:  # a response changed
        brs[branch] = Branch(br.a, br.b, br.c, br.s + Scalar.from_int(1))
    elif kind == 3:  # a commitment changed
        brs[branch] = Branch(br.a + g, br.b, br.c, br.s)
    else:  # challenge mass moved between branches (the sum is unchanged)
        other = (branch + 1) % len(brs)
        one = Scalar.from_int(1)
        brs[branch] = Branch(br.a, br.b, br.c + one, br.s)
        ob = brs[other]
        brs[other] = Branch(ob.a, ob.b, ob.c - one, ob.s)
    return ct, allowed, DisjunctiveProof(tuple(brs)), binding


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=1, max_value=6),
    st.data(),
    st.integers(min_value=0, max_value=4),
    st.integers(min_value=0, max_value=3),
)
def test_batch_names_the_first_bad_row(
    size: int, data: st.DataObject, kind: int, branch: int
) -> None:
    rows = list(ROWS[:size])
    verify_in_set_batch(CTX, KEY.public, rows)
    bad = data.draw(st.lists(st.integers(0, size - 1), min_size=1, unique=True))
    for i in bad:
        rows[i] = _tamper(rows[i], kind, branch)
        with pytest.raises(InvalidProof):
            verify_in_set(CTX, KEY.public, rows[i][0], rows[i][1], rows[i][2], binding=rows[i][3])
    with pytest.raises(InvalidProof) as info:
        verify_in_set_batch(CTX, KEY.public, rows)
    assert info.value.index == min(bad)


items = st.one_of(
    st.binary(max_size=40),
    st.integers(min_value=0, max_value=2**64 - 1),
    st.integers(min_value=0, max_value=ORDER - 1).map(Scalar.from_int),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(items, max_size=5),
    st.lists(items, max_size=5),
    st.sampled_from(["in-set", "schnorr"]),
    st.sampled_from(["in-set", "schnorr"]),
)
def test_distinct_transcripts_never_share_an_input(
    a: list[Item], b: list[Item], tag_a: str, tag_b: str
) -> None:
    # Length prefixes and the item count make the encoding injective: two transcripts
    # coincide exactly when the tags and every item's bytes do (a 32-byte string and a
    # scalar with the same bytes are the same item by design).
    ta = transcript_bytes(CTX.fingerprint, tag_a, tuple(a))
    tb = transcript_bytes(CTX.fingerprint, tag_b, tuple(b))
    same = tag_a == tag_b and [encode_item(x) for x in a] == [encode_item(y) for y in b]
    assert (ta == tb) == same


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=ORDER, max_value=2**256 - 1))
def test_non_canonical_scalars_rejected(value: int) -> None:
    with pytest.raises(InvalidEncoding):
        Scalar.from_bytes(value.to_bytes(32, "little"))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=6), st.data())
def test_lagrange_over_any_t_members_recovers_the_secret(t: int, data: st.DataObject) -> None:
    coefficients = [data.draw(st.integers(1, ORDER - 1)) for _ in range(t)]

    def f(x: int) -> int:
        return sum(a * pow(x, k, ORDER) for k, a in enumerate(coefficients)) % ORDER

    members = data.draw(st.lists(st.integers(1, 20), min_size=t, max_size=t, unique=True))
    lam = lagrange_at_zero(members)
    assert sum(int(lam[i]) * f(i) for i in members) % ORDER == coefficients[0]
    with pytest.raises(DecryptionError):
        lagrange_at_zero([*members, members[0]])
