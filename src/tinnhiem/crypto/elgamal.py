"""Exponential ElGamal over ristretto255 (mã hóa ElGamal dạng mũ).

A message ``m`` (a small integer) is encrypted under the public key ``H = x·G`` with a
nonce ``r`` as ``(α, β) = (r·G, m·G + r·H)``. Ciphertexts add component-wise and the
plaintexts add with them, which is what the homomorphic tally needs. Decryption gives
the point ``m·G``; ``DlogTable`` recovers ``m``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tinnhiem.crypto import _kernel
from tinnhiem.crypto.errors import CryptoError, InvalidEncoding
from tinnhiem.crypto.group import Point, Scalar, key_mul

__all__ = [
    "Ciphertext",
    "KeyPair",
    "decrypt",
    "encrypt",
    "encrypt_with_nonce",
    "partial_decryption",
]


@dataclass(frozen=True, slots=True)
class KeyPair:
    """An ElGamal key pair: secret ``x`` and public ``H = x·G``."""

    secret: Scalar = field(repr=False)
    public: Point

    @classmethod
    def generate(cls) -> KeyPair:
        return cls.from_secret(Scalar.random_nonzero())

    @classmethod
    def from_secret(cls, secret: Scalar) -> KeyPair:
        if not secret:
            raise CryptoError("a secret key must not be zero")
        return cls(secret, Point.base_mul(secret))

    def decrypt(self, ct: Ciphertext) -> Point:
        """``m·G`` for the ciphertext's plaintext ``m``."""
        return decrypt(self.secret, ct)


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An exponential ElGamal ciphertext ``(α, β) = (r·G, m·G + r·H)`` (bản mã)."""

    alpha: Point
    beta: Point

    def __post_init__(self) -> None:
        if not isinstance(self.alpha, Point) or not isinstance(self.beta, Point):
            raise TypeError("a Ciphertext is made of two Points")

    def __add__(self, other: Ciphertext) -> Ciphertext:
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    @staticmethod
    def zero() -> Ciphertext:
        """The neutral element for ``+`` (both components the identity)."""
        return Ciphertext(Point.identity(), Point.identity())

    @staticmethod
    def sum(cts: Iterable[Ciphertext]) -> Ciphertext:
        total = Ciphertext.zero()
        for ct in cts:
            total = total + ct
        return total

    @staticmethod
    def sum_encoded(cts: Sequence[bytes]) -> Ciphertext:
        """The sum of 64-byte ciphertexts, each checked as ``from_bytes`` checks it.

        With the verification kernel, each column (all α, all β) is decoded and added in
        one call (variable time: ciphertexts are public); a bad encoding is then found and
        named by ``from_bytes`` one by one. Raises ``InvalidEncoding``.
        """
        if _kernel.enabled() and all(type(c) is bytes and len(c) == 64 for c in cts):
            alphas = b"".join(c[:32] for c in cts)
            if all(c[:32] != _ZERO32 for c in cts):
                alpha = _kernel.sum_points(alphas)
                beta = _kernel.sum_points(b"".join(c[32:] for c in cts))
                if alpha is not None and beta is not None:
                    return Ciphertext(Point._make(alpha), Point._make(beta))
        return Ciphertext.sum(Ciphertext.from_bytes(c) for c in cts)

    def to_bytes(self) -> bytes:
        """64 bytes: ``α ‖ β``."""
        return self.alpha.to_bytes() + self.beta.to_bytes()

    def hex(self) -> str:
        return self.to_bytes().hex()

    @classmethod
    def from_bytes(cls, data: bytes, *, allow_identity: bool = False) -> Ciphertext:
        """Decode 64 bytes; ``α`` must not be the identity unless ``allow_identity``."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != 64:
            raise InvalidEncoding("a ciphertext is exactly 64 bytes")
        alpha = Point.from_bytes(data[:32], allow_identity=allow_identity)
        beta = Point.from_bytes(data[32:], allow_identity=True)
        return cls(alpha, beta)

    @classmethod
    def from_hex(cls, text: str, *, allow_identity: bool = False) -> Ciphertext:
        try:
            data = bytes.fromhex(text)
        except ValueError as exc:
            raise InvalidEncoding(f"ciphertext is not hex: {text[:80]!r}") from exc
        return cls.from_bytes(data, allow_identity=allow_identity)


_ZERO32 = bytes(32)


def _as_scalar(m: int | Scalar) -> Scalar:
    return m if isinstance(m, Scalar) else Scalar.from_int(m)


def encrypt_with_nonce(public: Point, m: int | Scalar, nonce: Scalar) -> Ciphertext:
    """Encrypt ``m`` under ``public`` with the given nonce ``r`` (deterministic)."""
    if not nonce:
        raise CryptoError("the encryption nonce must not be zero")
    if public.is_identity():
        raise CryptoError("the public key must not be the identity")
    alpha = Point.base_mul(nonce)
    beta = Point.base_mul(_as_scalar(m)) + key_mul(public, nonce)
    return Ciphertext(alpha, beta)


def encrypt(
    public: Point, m: int | Scalar, nonce: Scalar | None = None
) -> tuple[Ciphertext, Scalar]:
    """Encrypt ``m``; returns the ciphertext and the nonce (needed for the proof)."""
    r = Scalar.random_nonzero() if nonce is None else nonce
    return encrypt_with_nonce(public, m, r), r


def partial_decryption(secret: Scalar, ct: Ciphertext) -> Point:
    """``x·α``: one key holder's decryption factor."""
    return secret * ct.alpha


def decrypt(secret: Scalar, ct: Ciphertext) -> Point:
    """``β − x·α = m·G``."""
    return ct.beta - secret * ct.alpha
