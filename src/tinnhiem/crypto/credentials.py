"""Voter credentials (thẻ xác thực cử tri): Ed25519 signing keys.

The organiser issues each voter a signing key before the poll; the server publishes only
the public keys, and a cast ballot is signed with the voter's key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pysodium

from tinnhiem.crypto.errors import InvalidEncoding, InvalidSignature

__all__ = ["PUBLIC_BYTES", "SIGNATURE_BYTES", "CredentialKey", "sign", "verify_signature"]

PUBLIC_BYTES = 32
SIGNATURE_BYTES = 64


@dataclass(frozen=True)
class CredentialKey:
    """An Ed25519 signing key made from a 32-byte seed (``seed`` is the secret)."""

    seed: bytes = field(repr=False)
    public: bytes
    _secret: bytes = field(repr=False, compare=False)

    @classmethod
    def from_seed(cls, seed: bytes) -> CredentialKey:
        """Deterministic key from a 32-byte seed (tests, re-issue from escrow)."""
        if not isinstance(seed, bytes) or len(seed) != 32:
            raise InvalidEncoding("a credential seed is exactly 32 bytes")
        public, secret = pysodium.crypto_sign_seed_keypair(seed)
        return cls(seed, bytes(public), bytes(secret))

    @classmethod
    def generate(cls) -> CredentialKey:
        return cls.from_seed(os.urandom(32))

    def sign(self, message: bytes) -> bytes:
        """A 64-byte detached Ed25519 signature of ``message``."""
        return bytes(pysodium.crypto_sign_detached(message, self._secret))


def sign(key: CredentialKey, message: bytes) -> bytes:
    """A 64-byte detached Ed25519 signature (chữ ký) of ``message``."""
    return key.sign(message)


def verify_signature(public: bytes, message: bytes, signature: bytes) -> None:
    """Raise ``InvalidSignature`` unless ``signature`` is ``public``'s signature of
    ``message``; ``InvalidEncoding`` for a key or signature of the wrong length."""
    if not isinstance(public, bytes) or len(public) != PUBLIC_BYTES:
        raise InvalidEncoding("a credential public key is exactly 32 bytes")
    if not isinstance(signature, bytes) or len(signature) != SIGNATURE_BYTES:
        raise InvalidEncoding("a signature is exactly 64 bytes")
    try:
        pysodium.crypto_sign_verify_detached(signature, message, public)
    except ValueError as exc:
        raise InvalidSignature("the signature does not verify under this credential") from exc
