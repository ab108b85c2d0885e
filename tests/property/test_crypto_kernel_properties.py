"""Hypothesis: the verification kernel agrees with libsodium and with RFC 9496 itself.

Three implementations meet here: the kernel (our C), libsodium (with the bit-255 check
that version 1.0.18 lacks) and a few lines of Python that follow RFC 9496 §4.3.1 with
big integers. Any 32 bytes get the same verdict from all three; every multi-scalar
multiplication equals the sum of libsodium's scalar multiplications.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinnhiem.crypto import ORDER, Point, Scalar, _kernel, _sodium

pytestmark = pytest.mark.skipif(
    os.environ.get(_kernel.ENV_VAR, "").lower() in {"off", "0", "no", "false"},
    reason="TINNHIEM_KERNEL=off",
)

P = 2**255 - 19
D = -121665 * pow(121666, -1, P) % P
SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _negative(x: int) -> bool:
    return x % P % 2 == 1


def _sqrt_ratio_m1(u: int, v: int) -> tuple[bool, int]:
    r = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    check = v * r * r % P
    correct = check == u % P
    flipped = check == -u % P
    flipped_i = check == -u * SQRT_M1 % P
    if flipped or flipped_i:
        r = r * SQRT_M1 % P
    if _negative(r):
        r = -r % P
    return correct or flipped, r


def rfc_decode_ok(data: bytes) -> bool:
    """RFC 9496 §4.3.1 DECODE, with Python integers: does it succeed?"""
    s = int.from_bytes(data, "little")  # all 256 bits: bit 255 makes s ≥ p
    if s >= P or _negative(s):
        return False
    ss = s * s % P
    u1 = (1 - ss) % P
    u2 = (1 + ss) % P
    u2_sqr = u2 * u2 % P
    v = (-(D * u1 * u1) - u2_sqr) % P
    was_square, invsqrt = _sqrt_ratio_m1(1, v * u2_sqr % P)
    den_x = invsqrt * u2 % P
    den_y = invsqrt * den_x * v % P
    x = 2 * s * den_x % P
    if _negative(x):
        x = -x % P
    y = u1 * den_y % P
    t = x * y % P
    return was_square and not _negative(t) and y != 0


scalars = st.one_of(
    st.integers(min_value=0, max_value=ORDER - 1),
    st.sampled_from([0, 1, 2, ORDER - 1, 2**128 - 1, 2**252]),
)
points = st.one_of(
    st.integers(min_value=0, max_value=ORDER - 1).map(
        lambda k: Point.base_mul(Scalar.from_int(k)).to_bytes()
    ),
    st.just(bytes(32)),
)


def _sodium_sum(terms: list[tuple[int, bytes]]) -> bytes:
    """``Σ n·P`` by libsodium alone (one constant-time multiplication per term)."""
    acc = bytes(32)
    for n, p in terms:
        acc = _sodium.add(acc, _sodium.scalarmult(n.to_bytes(32, "little"), p))
    return acc


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


encodings = st.one_of(
    st.binary(min_size=32, max_size=32),
    points,
    st.tuples(points, st.integers(min_value=0, max_value=255)).map(lambda t: _flip(*t)),
    st.integers(min_value=0, max_value=2**256 - 1).map(lambda v: v.to_bytes(32, "little")),
    st.integers(min_value=P - 40, max_value=P + 40).map(lambda v: v.to_bytes(32, "little")),
)


@SETTINGS
@given(encodings)
def test_three_decoders_agree(data: bytes) -> None:
    expected = rfc_decode_ok(data)
    assert _kernel.point_is_valid(data) == expected
    assert _sodium.is_valid_point(data) == expected
    if expected:
        assert _kernel.recode(data) == data  # canonical: re-encoding gives the same bytes
    else:
        assert _kernel.recode(data) is None


@SETTINGS
@given(st.lists(st.tuples(scalars, points), max_size=40))
def test_msm_equals_the_sum_of_libsodium_products(terms: list[tuple[int, bytes]]) -> None:
    expected = _sodium_sum(terms)
    sb = b"".join(n.to_bytes(32, "little") for n, _ in terms)
    pb = b"".join(p for _, p in terms)
    flagged = any(n == 0 or p == bytes(32) for n, p in terms)
    for fn in (_kernel.msm, _kernel.msm_straus, _kernel.msm_pippenger):
        rc, out, _bad = fn(sb, pb)
        assert out == expected
        assert rc == (_kernel.IDENTITY_TERM if flagged else _kernel.OK)


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=130, max_value=400), st.randoms(use_true_random=False))
def test_pippenger_on_many_terms(n: int, rng: random.Random) -> None:
    """Many terms, most with 128-bit scalars (the verifier's weights), as in a batch."""
    pts = [Point.base_mul(Scalar.from_int(rng.randrange(1, ORDER))).to_bytes() for _ in range(n)]
    ns = [rng.choice([rng.randrange(ORDER), rng.randrange(2**128)]) for _ in range(n)]
    expected = _sodium_sum(list(zip(ns, pts, strict=True)))
    sb = b"".join(k.to_bytes(32, "little") for k in ns)
    pb = b"".join(pts)
    assert _kernel.msm_pippenger(sb, pb)[1] == expected
    assert _kernel.msm(sb, pb)[1] == expected


@SETTINGS
@given(st.lists(points, max_size=30))
def test_sum_points_equals_repeated_addition(pts: list[bytes]) -> None:
    expected = Point.identity()
    for p in pts:
        expected = expected + Point(p)
    assert _kernel.sum_points(b"".join(pts)) == expected.to_bytes()


@SETTINGS
@given(st.binary(min_size=64, max_size=64))
def test_from_uniform_matches_libsodium(data: bytes) -> None:
    assert _kernel.from_uniform(data) == _sodium.from_hash(data)


_TABLE_POINT = Point.base_mul(Scalar.from_int(0x5EED)).to_bytes()
_TABLE = _kernel.FixedBase(_TABLE_POINT) if _kernel.available() else None


@SETTINGS
@given(scalars)
def test_fixed_base_equals_libsodium(n: int) -> None:
    assert _TABLE is not None
    expected = _sodium.scalarmult(n.to_bytes(32, "little"), _TABLE_POINT)
    assert _TABLE.mul(n.to_bytes(32, "little")) == expected
