"""Scalars and points: arithmetic, encodings, typed errors."""

from __future__ import annotations

import copy
import pickle

import pytest

from tinnhiem.crypto import ORDER, InvalidEncoding, Point, Scalar
from tinnhiem.crypto.group import Scalar as GroupScalar


def test_scalar_arithmetic_mod_order() -> None:
    a = Scalar.from_int(ORDER - 1)
    b = Scalar.from_int(2)
    assert int(a + b) == 1
    assert int(b - a) == 3
    assert int(-b) == ORDER - 2
    assert int(a * b) == ORDER - 2
    assert int(b * b.inverse()) == 1
    assert Scalar.from_int(-1) == a
    with pytest.raises(ZeroDivisionError):
        Scalar.from_int(0).inverse()


def test_scalar_encoding_little_endian() -> None:
    s = Scalar.from_int(0x0102)
    assert s.to_bytes() == b"\x02\x01" + bytes(30)
    assert Scalar.from_bytes(s.to_bytes()) == s
    assert Scalar.from_hex(s.hex()) == s


@pytest.mark.parametrize(
    "data",
    [
        ORDER.to_bytes(32, "little"),
        (ORDER + 5).to_bytes(32, "little"),
        b"\xff" * 32,
        bytes(31),
        bytes(33),
    ],
)
def test_scalar_rejects_non_canonical(data: bytes) -> None:
    with pytest.raises(InvalidEncoding):
        Scalar.from_bytes(data)


def test_scalar_rejects_bad_hex() -> None:
    with pytest.raises(InvalidEncoding):
        Scalar.from_hex("zz" * 32)


def test_scalar_random_is_reduced_and_varies() -> None:
    values = {int(Scalar.random()) for _ in range(20)}
    assert len(values) == 20
    assert all(0 <= v < ORDER for v in values)
    assert Scalar.random_nonzero()


def test_types_are_frozen() -> None:
    s = Scalar.from_int(3)
    p = Point.base()
    with pytest.raises(AttributeError):
        s._v = 4  # type: ignore[misc]
    with pytest.raises(AttributeError):
        p._b = bytes(32)  # type: ignore[misc]
    assert GroupScalar is Scalar


def test_point_group_laws() -> None:
    g = Point.base()
    a, b = Scalar.random(), Scalar.random()
    assert a * g + b * g == (a + b) * g
    assert (a * g) - (b * g) == (a - b) * g
    assert -(a * g) == (-a) * g
    assert g - g == Point.identity()
    assert Point.base_mul(a) == a * g == g * a
    assert Scalar.from_int(ORDER - 1) * g + g == Point.identity()
    h = Point.base_mul(Scalar.random_nonzero())
    assert a * (b * h) == (a * b) * h


def test_point_encoding_round_trip_and_hash() -> None:
    p = Point.base_mul(Scalar.random_nonzero())
    assert Point.from_bytes(p.to_bytes()) == p
    assert Point.from_hex(p.hex()) == p
    assert len({p, Point.from_bytes(p.to_bytes())}) == 1


@pytest.mark.parametrize("data", [bytes(31), bytes(33), b""])
def test_point_rejects_wrong_length(data: bytes) -> None:
    with pytest.raises(InvalidEncoding):
        Point.from_bytes(data)


def test_point_rejects_identity_unless_allowed() -> None:
    with pytest.raises(InvalidEncoding, match="identity"):
        Point.from_bytes(bytes(32))
    assert Point.from_bytes(bytes(32), allow_identity=True).is_identity()


def test_point_rejects_bad_hex() -> None:
    with pytest.raises(InvalidEncoding):
        Point.from_hex("not hex")


def test_hash_to_group_is_domain_separated() -> None:
    a = Point.hash_to_group(b"dst-a", b"m")
    b = Point.hash_to_group(b"dst-b", b"m")
    assert a != b
    assert a == Point.hash_to_group(b"dst-a", b"m")
    assert not a.is_identity()


def test_pickle_and_copy_for_process_pools() -> None:
    from tinnhiem.crypto import Ciphertext, DisjunctiveProof, KeyPair, encrypt, prove_in_set
    from tinnhiem.crypto.transcript import Context

    key = KeyPair.generate()
    ct, r = encrypt(key.public, 1)
    proof = prove_in_set(Context(bytes(32)), key.public, ct, 1, r, [0, 1])
    for value in (Scalar.from_int(5), Point.base(), Point.identity(), ct, proof, key):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value
    assert isinstance(pickle.loads(pickle.dumps(proof)), DisjunctiveProof)
    assert isinstance(copy.copy(ct), Ciphertext)
    forged = pickle.dumps(Point.base()).replace(Point.base().to_bytes(), b"\xff" * 32)
    with pytest.raises(InvalidEncoding):
        pickle.loads(forged)


def test_threads_do_not_share_output_buffers() -> None:
    # ctypes releases the GIL inside libsodium; each thread must get its own buffer.
    from concurrent.futures import ThreadPoolExecutor

    scalars = [Scalar.from_int(k * 7919 + 1) for k in range(200)]
    expected = [Point.base_mul(s) for s in scalars]
    h = Point.base_mul(Scalar.from_int(12345))
    expected_var = [s * h for s in scalars]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(Point.base_mul, scalars))
        got_var = list(pool.map(lambda s: s * h, scalars))
    assert got == expected
    assert got_var == expected_var
