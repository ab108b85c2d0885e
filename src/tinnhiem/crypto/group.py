"""The ristretto255 group (RFC 9496): typed scalars and points.

``Scalar`` is an integer mod ℓ (kept as a Python ``int``: scalar arithmetic is cheap
next to a group operation). ``Point`` is a group element kept as its canonical 32-byte
encoding: libsodium decodes and re-encodes on every operation anyway, so the encoding is
the cheapest internal form, and decoding (``Point.from_bytes``) only has to validate.
Every point made by a libsodium operation on valid points is valid by construction.

Validation is RFC 9496's, independent of the libsodium version: our kernel's decoder when
it is built, otherwise libsodium's check plus the canonical-field check that libsodium
1.0.18 lacks (bit 255). ``public_multi_mul`` is the variable-time multi-scalar
multiplication for verification (public data only); a point multiplied often by secret
scalars (the election key ``H``) gets a constant-time fixed-base table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, overload

from tinnhiem.crypto import _kernel, _sodium
from tinnhiem.crypto.errors import InvalidEncoding

__all__ = ["ORDER", "Point", "Scalar", "key_mul", "key_mul_bytes", "public_multi_mul"]

#: ℓ, the prime order of ristretto255.
ORDER = 2**252 + 27742317777372353535851937790883648493

_IDENTITY = bytes(32)


class Scalar:
    """An integer modulo ℓ (vô hướng); 32-byte little-endian encoding."""

    __slots__ = ("_v",)
    _v: int

    def __init__(self, value: int) -> None:
        # A float or bool here would silently give a non-integer or surprising scalar.
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"a Scalar is made from an int, not {type(value).__name__}")
        object.__setattr__(self, "_v", value % ORDER)

    @staticmethod
    def _make(value: int) -> Scalar:
        s = object.__new__(Scalar)
        object.__setattr__(s, "_v", value)
        return s

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Scalar is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Scalar is immutable")

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        # Pickling (process pools) and copying go through the public constructor.
        return (Scalar, (self._v,))

    @classmethod
    def from_int(cls, value: int) -> Scalar:
        """``value mod ℓ`` (negative values wrap)."""
        return cls._make(value % ORDER)

    @classmethod
    def from_bytes(cls, data: bytes) -> Scalar:
        """Decode 32 little-endian bytes; reject anything not in ``[0, ℓ)``."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != 32:
            raise InvalidEncoding("a scalar is exactly 32 bytes")
        value = int.from_bytes(data, "little")
        if value >= ORDER:
            raise InvalidEncoding("non-canonical scalar (not reduced mod ℓ)")
        return cls._make(value)

    @classmethod
    def from_hex(cls, text: str) -> Scalar:
        try:
            data = bytes.fromhex(text)
        except ValueError as exc:
            raise InvalidEncoding(f"scalar is not hex: {text[:80]!r}") from exc
        return cls.from_bytes(data)

    @classmethod
    def reduce(cls, data: bytes) -> Scalar:
        """Reduce any number of little-endian bytes (64 for uniformity) mod ℓ."""
        return cls._make(int.from_bytes(data, "little") % ORDER)

    @classmethod
    def random(cls) -> Scalar:
        """A uniformly random scalar (libsodium ``crypto_core_ristretto255_scalar_random``)."""
        return cls._make(int.from_bytes(_sodium.scalar_random(), "little"))

    @classmethod
    def random_nonzero(cls) -> Scalar:
        """A uniformly random non-zero scalar."""
        while True:
            s = cls.random()
            if s._v:
                return s

    def to_bytes(self) -> bytes:
        return self._v.to_bytes(32, "little")

    def hex(self) -> str:
        return self.to_bytes().hex()

    def __int__(self) -> int:
        return self._v

    def __bool__(self) -> bool:
        return self._v != 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scalar) and other._v == self._v

    def __hash__(self) -> int:
        return hash(("Scalar", self._v))

    def __repr__(self) -> str:
        # Many scalars are secrets (keys, shares, encryption nonces); a repr ends up in
        # logs, tracebacks and test reports, so it never shows the value. Use ``hex()``
        # deliberately for a public scalar.
        return "Scalar(<redacted>)"

    def __add__(self, other: Scalar) -> Scalar:
        if not isinstance(other, Scalar):
            return NotImplemented
        return Scalar._make((self._v + other._v) % ORDER)

    def __sub__(self, other: Scalar) -> Scalar:
        if not isinstance(other, Scalar):
            return NotImplemented
        return Scalar._make((self._v - other._v) % ORDER)

    def __neg__(self) -> Scalar:
        return Scalar._make(-self._v % ORDER)

    @overload
    def __mul__(self, other: Scalar) -> Scalar: ...
    @overload
    def __mul__(self, other: Point) -> Point: ...
    def __mul__(self, other: Any) -> Any:
        if isinstance(other, Scalar):
            return Scalar._make(self._v * other._v % ORDER)
        if isinstance(other, Point):
            return other._mul(self._v)
        return NotImplemented

    def inverse(self) -> Scalar:
        """``1/s mod ℓ``; raises ``ZeroDivisionError`` for zero."""
        if self._v == 0:
            raise ZeroDivisionError("zero has no inverse mod ℓ")
        return Scalar._make(pow(self._v, -1, ORDER))


def _scalar_bytes(value: int) -> bytes:
    return value.to_bytes(32, "little")


def _is_valid_encoding(data: bytes) -> bool:
    """RFC 9496 ``DECODE`` succeeds on ``data`` (32 bytes; the identity included)."""
    if _kernel.enabled():
        return _kernel.point_is_valid(data)
    return _sodium.is_valid_point(data)


def key_mul_bytes(n: bytes, p: bytes) -> bytes:
    """``n·H`` in constant time for a public key ``H`` that is multiplied again and again
    (encryption and the in-set prover): by ``H``'s fixed-base table once it has been used
    a few times, else by libsodium. Safe for a secret ``n``; ``p`` must be a valid
    encoding. Other points go through ``Point.__mul__`` (libsodium)."""
    table = _kernel.fixed_base_for(p)
    if table is not None:
        return table.mul(n)
    return _sodium.scalarmult(n, p)


class Point:
    """An element of ristretto255 (điểm), held as its canonical 32-byte encoding."""

    __slots__ = ("_b",)
    _b: bytes

    def __init__(self, data: bytes) -> None:
        """Same as ``Point.from_bytes(data, allow_identity=True)``."""
        data = bytes(data)
        if len(data) != 32 or not _is_valid_encoding(data):
            raise InvalidEncoding("not a canonical ristretto255 encoding")
        object.__setattr__(self, "_b", bytes(data))

    @staticmethod
    def _make(data: bytes) -> Point:
        p = object.__new__(Point)
        object.__setattr__(p, "_b", data)
        return p

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Point is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Point is immutable")

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        # Unpickling re-validates the encoding (pickles may come from elsewhere).
        return (Point, (self._b,))

    @classmethod
    def from_bytes(cls, data: bytes, *, allow_identity: bool = False) -> Point:
        """Decode and validate a 32-byte encoding.

        Raises ``InvalidEncoding`` for a wrong length, a non-canonical or invalid
        encoding, and (unless ``allow_identity``) the identity element.
        """
        if not isinstance(data, (bytes, bytearray)) or len(data) != 32:
            raise InvalidEncoding("a point is exactly 32 bytes")
        data = bytes(data)
        if not _is_valid_encoding(data):
            raise InvalidEncoding("not a canonical ristretto255 encoding")
        if data == _IDENTITY and not allow_identity:
            raise InvalidEncoding("the identity element is not allowed here")
        return cls._make(data)

    @classmethod
    def from_hex(cls, text: str, *, allow_identity: bool = False) -> Point:
        try:
            data = bytes.fromhex(text)
        except ValueError as exc:
            raise InvalidEncoding(f"point is not hex: {text[:80]!r}") from exc
        return cls.from_bytes(data, allow_identity=allow_identity)

    @classmethod
    def from_uniform(cls, data: bytes) -> Point:
        """RFC 9496 one-way map of 64 uniform bytes to an element."""
        if len(data) != 64:
            raise InvalidEncoding("from_uniform needs exactly 64 bytes")
        return cls._make(_sodium.from_hash(bytes(data)))

    @classmethod
    def hash_to_group(cls, dst: bytes, message: bytes) -> Point:
        """An element with unknown discrete log: ``from_uniform(SHA-512(len(dst)‖dst‖msg))``."""
        digest = hashlib.sha512(len(dst).to_bytes(4, "big") + dst + message).digest()
        return cls.from_uniform(digest)

    @staticmethod
    def base() -> Point:
        """The RFC 9496 generator G."""
        return _BASE

    @staticmethod
    def identity() -> Point:
        return _IDENTITY_POINT

    @staticmethod
    def base_mul(s: Scalar) -> Point:
        """``s·G`` by libsodium's fixed-base table (about 3× faster than a variable base)."""
        return Point._make(_sodium.scalarmult_base(_scalar_bytes(s._v)))

    def is_identity(self) -> bool:
        return self._b == _IDENTITY

    def to_bytes(self) -> bytes:
        return self._b

    def hex(self) -> str:
        return self._b.hex()

    def _mul(self, value: int) -> Point:
        if self._b == _BASE_BYTES:
            return Point._make(_sodium.scalarmult_base(_scalar_bytes(value)))
        return Point._make(_sodium.scalarmult(_scalar_bytes(value), self._b))

    def __add__(self, other: Point) -> Point:
        if not isinstance(other, Point):
            return NotImplemented
        return Point._make(_sodium.add(self._b, other._b))

    def __sub__(self, other: Point) -> Point:
        if not isinstance(other, Point):
            return NotImplemented
        return Point._make(_sodium.sub(self._b, other._b))

    def __neg__(self) -> Point:
        return Point._make(_sodium.sub(_IDENTITY, self._b))

    def __mul__(self, other: Scalar) -> Point:
        if not isinstance(other, Scalar):
            return NotImplemented
        return self._mul(other._v)

    def __rmul__(self, other: Scalar) -> Point:
        if not isinstance(other, Scalar):
            return NotImplemented
        return self._mul(other._v)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other._b == self._b

    def __hash__(self) -> int:
        return hash(self._b)

    def __repr__(self) -> str:
        return f"Point({self._b.hex()})"


def key_mul(public: Point, s: Scalar) -> Point:
    """``s·H`` for the election key ``H`` (see ``key_mul_bytes``); constant time."""
    return Point._make(key_mul_bytes(_scalar_bytes(s._v), public._b))


def public_multi_mul(scalars: Sequence[Scalar | int], points: Sequence[Point]) -> Point:
    """``Σ n_i·P_i`` — VARIABLE TIME with the kernel: for public scalars and points only.

    Verification equations go through here (published proofs, keys, ciphertexts and the
    verifier's own random weights). Never a secret key, share or nonce.
    """
    if len(scalars) != len(points):
        raise ValueError("as many scalars as points are needed")
    ns = [_scalar_bytes(int(n) % ORDER) for n in scalars]
    if _kernel.enabled():
        rc, out, _bad = _kernel.msm(b"".join(ns), b"".join(p._b for p in points))
        if rc < 0:  # cannot happen for checked Points and reduced scalars
            raise InvalidEncoding("multi-scalar multiplication refused a term")
        return Point._make(out)
    acc, _ok = _sodium.sum_of_products(zip(ns, (p._b for p in points), strict=True))
    return Point._make(acc)


_BASE_BYTES = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")
_BASE = Point._make(_BASE_BYTES)
_IDENTITY_POINT = Point._make(_IDENTITY)
assert _sodium.scalarmult_base(_scalar_bytes(1)) == _BASE_BYTES
