"""Sealed boxes and passphrase-protected secrets (hộp niêm phong, tệp bí mật).

* ``seal`` / ``unseal``: libsodium sealed boxes (X25519 + XSalsa20-Poly1305), used to
  send each committee member their DKG shares.
* ``protect_secret`` / ``unprotect_secret``: a committee member's key share at rest,
  encrypted with a key derived from a passphrase by Argon2id (``crypto_pwhash``) and
  sealed with ``crypto_secretbox``.

Secret-file layout (docs/crypto.md §9)::

    "TNSEC1" ‖ U32 opslimit ‖ U64 memlimit ‖ salt (16) ‖ nonce (24) ‖ secretbox(data)
"""

from __future__ import annotations

import hmac
import os
import unicodedata
from dataclasses import dataclass, field

import pysodium

from tinnhiem.crypto.errors import CryptoError, InvalidEncoding, SecretFileError

__all__ = [
    "BOX_PUBLIC_BYTES",
    "BoxKeyPair",
    "protect_secret",
    "seal",
    "unprotect_secret",
    "unseal",
]

BOX_PUBLIC_BYTES = 32
_MAGIC = b"TNSEC1"
_SALT = 16
_NONCE = 24
_HEADER = len(_MAGIC) + 4 + 8 + _SALT + _NONCE
#: Default Argon2id cost: 3 passes over 64 MiB.
DEFAULT_OPSLIMIT = 3
DEFAULT_MEMLIMIT = 64 * 1024 * 1024
#: Refuse files asking for more than this (a hostile file must not exhaust memory).
MAX_MEMLIMIT = 1024 * 1024 * 1024
MAX_OPSLIMIT = 16


@dataclass(frozen=True)
class BoxKeyPair:
    """An X25519 key pair for sealed boxes."""

    public: bytes
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        # A resumed DKG state whose public half does not match its secret would publish a
        # box key whose shares this member cannot open.
        if (
            not isinstance(self.public, bytes)
            or not isinstance(self.secret, bytes)
            or len(self.public) != BOX_PUBLIC_BYTES
            or len(self.secret) != 32
        ):
            raise InvalidEncoding("a box key pair is two 32-byte strings")
        derived = bytes(pysodium.crypto_scalarmult_curve25519_base(self.secret))
        if not hmac.compare_digest(derived, self.public):
            raise InvalidEncoding("the box public key does not belong to the secret key")

    @classmethod
    def generate(cls) -> BoxKeyPair:
        return cls.from_seed(os.urandom(32))

    @classmethod
    def from_seed(cls, seed: bytes) -> BoxKeyPair:
        if len(seed) != 32:
            raise InvalidEncoding("a box key seed is exactly 32 bytes")
        public, secret = pysodium.crypto_box_seed_keypair(seed)
        return cls(bytes(public), bytes(secret))


def seal(recipient_public: bytes, data: bytes) -> bytes:
    """Encrypt ``data`` so that only the holder of ``recipient_public``'s key can read it."""
    if not isinstance(recipient_public, bytes) or len(recipient_public) != BOX_PUBLIC_BYTES:
        raise InvalidEncoding("a box public key is exactly 32 bytes")
    return bytes(pysodium.crypto_box_seal(data, recipient_public))


def unseal(keypair: BoxKeyPair, data: bytes) -> bytes:
    """Open a sealed box; ``CryptoError`` if it was not sealed to this key or was altered."""
    try:
        return bytes(pysodium.crypto_box_seal_open(data, keypair.public, keypair.secret))
    except ValueError as exc:
        raise CryptoError("cannot open the sealed box: wrong key or altered data") from exc


def _key(passphrase: bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return bytes(
        pysodium.crypto_pwhash(
            32, passphrase, salt, opslimit, memlimit, pysodium.crypto_pwhash_ALG_ARGON2ID13
        )
    )


def _passphrase(passphrase: str | bytes) -> bytes:
    # NFC first: a Vietnamese passphrase typed with a composed or a decomposed input method
    # must give the same key, or a committee member is locked out of their share.
    if isinstance(passphrase, str):
        raw = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    else:
        raw = passphrase
    if not raw:
        raise SecretFileError("the passphrase is empty")
    return raw


def protect_secret(
    data: bytes,
    passphrase: str | bytes,
    *,
    opslimit: int = DEFAULT_OPSLIMIT,
    memlimit: int = DEFAULT_MEMLIMIT,
) -> bytes:
    """Encrypt ``data`` under a passphrase (Argon2id + XSalsa20-Poly1305)."""
    if not 1 <= opslimit <= MAX_OPSLIMIT or not 8192 <= memlimit <= MAX_MEMLIMIT:
        raise CryptoError("Argon2id cost parameters out of range")
    salt = os.urandom(_SALT)
    nonce = os.urandom(_NONCE)
    key = _key(_passphrase(passphrase), salt, opslimit, memlimit)
    header = _MAGIC + opslimit.to_bytes(4, "big") + memlimit.to_bytes(8, "big") + salt + nonce
    return header + bytes(pysodium.crypto_secretbox(data, nonce, key))


def unprotect_secret(blob: bytes, passphrase: str | bytes) -> bytes:
    """Decrypt a ``protect_secret`` blob; ``SecretFileError`` on a wrong passphrase or a
    damaged file."""
    if len(blob) < _HEADER + 16 or not blob.startswith(_MAGIC):
        raise SecretFileError("not a Tín Nhiệm secret file (bad header or too short)")
    pos = len(_MAGIC)
    opslimit = int.from_bytes(blob[pos : pos + 4], "big")
    memlimit = int.from_bytes(blob[pos + 4 : pos + 12], "big")
    salt = blob[pos + 12 : pos + 12 + _SALT]
    nonce = blob[pos + 12 + _SALT : _HEADER]
    if not 1 <= opslimit <= MAX_OPSLIMIT or not 8192 <= memlimit <= MAX_MEMLIMIT:
        raise SecretFileError("secret file asks for out-of-range Argon2id parameters")
    key = _key(_passphrase(passphrase), salt, opslimit, memlimit)
    try:
        return bytes(pysodium.crypto_secretbox_open(blob[_HEADER:], nonce, key))
    except ValueError as exc:
        raise SecretFileError("wrong passphrase, or the secret file is damaged") from exc
