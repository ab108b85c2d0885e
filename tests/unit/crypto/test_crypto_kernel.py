"""The verification kernel (kernel/kernel.c through cffi) against RFC 9496 and libsodium.

Every test that needs the compiled kernel fails (not skips) when it is missing, unless
TINNHIEM_KERNEL=off asks for the libsodium path on purpose: a broken build must show.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tinnhiem.crypto import (
    ORDER,
    Ciphertext,
    Context,
    InvalidEncoding,
    InvalidProof,
    KeyPair,
    Point,
    Scalar,
    _kernel,
    _sodium,
    encrypt,
    prove_dleq,
    prove_in_set,
    prove_knowledge,
    verify_dleq,
    verify_in_set,
    verify_in_set_batch,
    verify_in_set_encoded,
    verify_knowledge,
)
from tinnhiem.crypto.group import public_multi_mul

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "vectors"))
from test_crypto_rfc9496 import BAD_ENCODINGS, FROM_UNIFORM, MULTIPLES

FIELD_P = 2**255 - 19
OFF = os.environ.get(_kernel.ENV_VAR, "").lower() in {"off", "0", "no", "false"}
needs_kernel = pytest.mark.skipif(OFF, reason="TINNHIEM_KERNEL=off: libsodium path only")


@pytest.fixture(params=["kernel", "libsodium"])
def path(request: pytest.FixtureRequest):
    """Run a test on the kernel path and on the forced libsodium path."""
    if request.param == "kernel":
        if OFF:
            pytest.skip("TINNHIEM_KERNEL=off")
        assert _kernel.enabled(), "the verification kernel is not built (scripts/setup.sh)"
        yield "kernel"
    else:
        with _kernel.disabled():
            assert not _kernel.enabled()
            yield "libsodium"
    assert _kernel.enabled() == (not OFF)


def _with_bit_255(hex_point: str) -> bytes:
    data = bytearray(bytes.fromhex(hex_point))
    data[31] |= 0x80
    return bytes(data)


def _non_canonical() -> list[bytes]:
    """Encodings of p + k (the field element k written without reduction), k < 19."""
    return [(FIELD_P + k).to_bytes(32, "little") for k in range(19)]


@needs_kernel
def test_kernel_is_built_and_enabled() -> None:
    assert _kernel.available()
    assert _kernel.enabled()


@needs_kernel
@pytest.mark.parametrize("k", range(16))
def test_kernel_decodes_and_reencodes_the_rfc_multiples(k: int) -> None:
    data = bytes.fromhex(MULTIPLES[k])
    assert _kernel.point_is_valid(data)
    assert _kernel.recode(data) == data


@needs_kernel
@pytest.mark.parametrize("encoding", BAD_ENCODINGS)
def test_kernel_rejects_the_rfc_invalid_encodings(encoding: str) -> None:
    assert not _kernel.point_is_valid(bytes.fromhex(encoding))
    assert _kernel.recode(bytes.fromhex(encoding)) is None


@needs_kernel
@pytest.mark.parametrize(("uniform", "expected"), FROM_UNIFORM)
def test_kernel_from_uniform_matches_the_rfc(uniform: str, expected: str) -> None:
    assert _kernel.from_uniform(bytes.fromhex(uniform)).hex() == expected


@pytest.mark.parametrize("k", range(1, 16))
def test_bit_255_is_rejected_on_both_paths(path: str, k: int) -> None:
    bad = _with_bit_255(MULTIPLES[k])
    with pytest.raises(InvalidEncoding):
        Point.from_bytes(bad, allow_identity=True)
    with pytest.raises(InvalidEncoding):
        Point(bad)
    assert not _sodium.is_valid_point(bad)


def test_bit_255_on_the_identity_is_rejected(path: str) -> None:
    with pytest.raises(InvalidEncoding):
        Point.from_bytes(_with_bit_255(MULTIPLES[0]), allow_identity=True)


@pytest.mark.parametrize("data", _non_canonical(), ids=[f"p+{k}" for k in range(19)])
def test_non_canonical_field_encodings_are_rejected_on_both_paths(path: str, data: bytes) -> None:
    with pytest.raises(InvalidEncoding):
        Point.from_bytes(data, allow_identity=True)


def test_wrong_lengths_are_rejected(path: str) -> None:
    for data in (b"", bytes(31), bytes(33)):
        with pytest.raises(InvalidEncoding):
            Point.from_bytes(data, allow_identity=True)


@needs_kernel
@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 20, 127, 128, 129, 300])
def test_msm_matches_libsodium(n: int) -> None:
    points = [Point.base_mul(Scalar.random()) for _ in range(n)]
    scalars = [Scalar.random() for _ in range(n)]
    expected = Point.identity()
    for s, p in zip(scalars, points, strict=True):
        expected = expected + s * p
    sb = b"".join(s.to_bytes() for s in scalars)
    pb = b"".join(p.to_bytes() for p in points)
    for fn in (_kernel.msm, _kernel.msm_straus, _kernel.msm_pippenger):
        rc, out, _bad = fn(sb, pb)
        assert rc == _kernel.OK
        assert out == expected.to_bytes()


@needs_kernel
def test_msm_flags_identity_terms_and_refuses_bad_terms() -> None:
    g = Point.base().to_bytes()
    one = (1).to_bytes(32, "little")
    two = (2).to_bytes(32, "little")
    rc, out, _ = _kernel.msm(one + bytes(32), g + g)
    assert (rc, out) == (_kernel.IDENTITY_TERM, g)
    rc, out, _ = _kernel.msm(one + two, g + bytes(32))
    assert (rc, out) == (_kernel.IDENTITY_TERM, g)
    rc, _, bad = _kernel.msm(one + one + one, g + g + _with_bit_255(g.hex()))
    assert (rc, bad) == (_kernel.BAD_POINT, 2)
    rc, _, bad = _kernel.msm(one + ORDER.to_bytes(32, "little"), g + g)
    assert (rc, bad) == (_kernel.BAD_SCALAR, 1)
    with pytest.raises(ValueError):
        _kernel.msm(one, g + g)


@needs_kernel
def test_sum_points_and_first_invalid() -> None:
    pts = [Point.base_mul(Scalar.random()) for _ in range(5)]
    total = pts[0] + pts[1] + pts[2] + pts[3] + pts[4]
    raw = b"".join(p.to_bytes() for p in pts)
    assert _kernel.sum_points(raw) == total.to_bytes()
    assert _kernel.sum_points(b"") == bytes(32)
    bad = raw + _with_bit_255(pts[0].hex())
    assert _kernel.sum_points(bad) is None
    assert _kernel.points_first_invalid(bad) == 5
    assert _kernel.points_first_invalid(raw) == 5


@needs_kernel
def test_fixed_base_table_matches_libsodium() -> None:
    h = Point.base_mul(Scalar.random())
    table = _kernel.FixedBase(h.to_bytes())
    for v in [0, 1, 2, 7, 8, 9, 15, 16, 17, 2**252, ORDER - 1, ORDER - 8]:
        assert table.mul(v.to_bytes(32, "little")) == (Scalar.from_int(v) * h).to_bytes()
    for _ in range(50):
        s = Scalar.random()
        assert table.mul(s.to_bytes()) == _sodium.scalarmult(s.to_bytes(), h.to_bytes())
    with pytest.raises(ValueError):
        table.mul(b"\xff" * 32)
    with pytest.raises(ValueError):
        _kernel.FixedBase(_with_bit_255(h.hex()))


@needs_kernel
def test_a_key_used_often_gets_a_table_and_the_same_results() -> None:
    key = KeyPair.generate()
    for i in range(20):
        r = Scalar.random_nonzero()
        ct, _ = encrypt(key.public, i % 3, r)
        assert ct.beta == Point.base_mul(Scalar.from_int(i % 3)) + Point(
            _sodium.scalarmult(r.to_bytes(), key.public.to_bytes())
        )
    assert _kernel.fixed_base_for(key.public.to_bytes()) is not None
    with _kernel.disabled():
        assert _kernel.fixed_base_for(key.public.to_bytes()) is None


def test_public_multi_mul_on_both_paths(path: str) -> None:
    pts = [Point.base_mul(Scalar.random()) for _ in range(4)] + [Point.identity()]
    ns = [Scalar.random() for _ in range(4)] + [Scalar.from_int(5)]
    expected = ns[0] * pts[0] + ns[1] * pts[1] + ns[2] * pts[2] + ns[3] * pts[3]
    assert public_multi_mul(ns, pts) == expected
    assert public_multi_mul([-1, 1], [pts[0], pts[0]]).is_identity()
    assert public_multi_mul([], []).is_identity()


CTX = Context(bytes(range(32)))
ALLOWED = [0, 1, 481, 481 * 481]


def _rows(key: KeyPair, count: int) -> list[tuple[Ciphertext, list[int], object, bytes]]:
    rows = []
    for i in range(count):
        value = ALLOWED[i % 4]
        ct, r = encrypt(key.public, value)
        binding = f"row-{i}".encode()
        rows.append(
            (
                ct,
                ALLOWED,
                prove_in_set(CTX, key.public, ct, value, r, ALLOWED, binding=binding),
                binding,
            )
        )
    return rows


def test_proofs_verify_and_tampering_fails_on_both_paths(path: str) -> None:
    key = KeyPair.generate()
    rows = _rows(key, 6)
    verify_in_set_batch(CTX, key.public, rows)  # type: ignore[arg-type]
    for ct, allowed, proof, binding in rows:
        verify_in_set(CTX, key.public, ct, allowed, proof, binding=binding)  # type: ignore[arg-type]
    encoded = [(ct.to_bytes(), proof.to_bytes(), b) for ct, _, proof, b in rows]  # type: ignore[attr-defined]
    assert verify_in_set_encoded(CTX, key.public, ALLOWED, encoded) == [r[0] for r in rows]
    # Another row's ciphertext under row 3's proof.
    bad = list(rows)
    bad[3] = (rows[2][0], *rows[3][1:])
    with pytest.raises(InvalidProof) as info:
        verify_in_set_batch(CTX, key.public, bad)  # type: ignore[arg-type]
    assert info.value.index == 3
    bad_encoded = list(encoded)
    bad_encoded[3] = (encoded[2][0], *encoded[3][1:])
    assert verify_in_set_encoded(CTX, key.public, ALLOWED, bad_encoded) is None
    # β with bit 255 set: the same point to libsodium 1.0.18, refused by RFC 9496.
    ct = encoded[1][0]
    flipped = ct[:63] + bytes([ct[63] | 0x80])
    bad_encoded = list(encoded)
    bad_encoded[1] = (flipped, *encoded[1][1:])
    assert verify_in_set_encoded(CTX, key.public, ALLOWED, bad_encoded) is None


def test_schnorr_and_dleq_on_both_paths(path: str) -> None:
    key = KeyPair.generate()
    proof = prove_knowledge(CTX, key.secret, binding=b"b")
    verify_knowledge(CTX, key.public, proof, binding=b"b")
    with pytest.raises(InvalidProof):
        verify_knowledge(CTX, key.public, proof, binding=b"c")
    base2 = Point.base_mul(Scalar.random())
    dleq = prove_dleq(CTX, key.secret, base2, binding=b"d")
    y = key.secret * base2
    verify_dleq(CTX, base2, key.public, y, dleq, binding=b"d")
    with pytest.raises(InvalidProof):
        verify_dleq(CTX, base2, key.public, y + Point.base(), dleq, binding=b"d")


_VECTORS = json.loads(
    (Path(__file__).resolve().parents[3] / "docs" / "vectors" / "crypto-v1.json").read_text("utf-8")
)
DECODE_CASES = [c for c in _VECTORS["cases"] if c["kind"] == "point_decode"]


@pytest.mark.parametrize("case", DECODE_CASES, ids=[c["name"] for c in DECODE_CASES])
def test_shared_decode_vectors_on_both_paths(path: str, case: dict[str, Any]) -> None:
    """The shared vectors (also run by the booth's tests) give one verdict on both paths."""
    data = bytes.fromhex(case["input"]["encoding"])
    valid = case["output"]["valid"]
    assert _sodium.is_valid_point(data) == valid
    if _kernel.available():
        assert _kernel.point_is_valid(data) == valid
    if valid:
        assert Point.from_bytes(data, allow_identity=True).to_bytes() == data
    else:
        with pytest.raises(InvalidEncoding):
            Point.from_bytes(data, allow_identity=True)


def test_the_shared_vectors_hold_bit_255_and_unreduced_cases() -> None:
    names = {c["name"] for c in DECODE_CASES}
    assert {"decode-1G-bit255", "decode-0G-bit255", "decode-p-plus-2"} <= names
    assert sum(not c["output"]["valid"] for c in DECODE_CASES) >= 10


def test_a_missing_build_warns_once_and_falls_back_to_libsodium() -> None:
    """Without the compiled module: one RuntimeWarning, and the same verdicts."""
    code = """
import sys, warnings
sys.modules["tinnhiem.crypto._kernel_c"] = None  # as if the build had failed
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from tinnhiem.crypto import InvalidEncoding, KeyPair, Point, Scalar, _kernel, encrypt
    from tinnhiem.crypto import _sodium
    import tinnhiem.crypto.proofs
kernel_warnings = [w for w in caught if "verification kernel" in str(w.message)]
assert len(kernel_warnings) == 1, [str(w.message) for w in caught]
assert kernel_warnings[0].category is RuntimeWarning
assert not _kernel.available() and not _kernel.enabled()
g = bytearray(Point.base().to_bytes()); g[31] |= 0x80
try:
    Point.from_bytes(bytes(g))
except InvalidEncoding:
    pass
else:
    raise AssertionError("bit 255 accepted on the fallback path")
key = KeyPair.generate()
ct, _ = encrypt(key.public, 3)
assert key.decrypt(ct) == Point.base_mul(Scalar.from_int(3))
print("fallback ok")
"""
    env = dict(os.environ)
    env.pop(_kernel.ENV_VAR, None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "fallback ok" in result.stdout
