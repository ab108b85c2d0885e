"""Typed errors of the cryptographic core (lỗi mật mã)."""

from __future__ import annotations

from tinnhiem.errors import TinnhiemError

__all__ = [
    "CryptoError",
    "DecryptionError",
    "DkgError",
    "DlogOutOfRange",
    "InvalidEncoding",
    "InvalidProof",
    "InvalidSignature",
    "SecretFileError",
]


class CryptoError(TinnhiemError):
    """Base of every error raised by ``tinnhiem.crypto``."""


class InvalidEncoding(CryptoError):
    """Bytes that are not the canonical encoding of the expected value (point, scalar, …)."""


class InvalidProof(CryptoError):
    """A zero-knowledge proof that does not verify.

    ``index`` is the position of the first failing item in a batch (``None`` for a single
    proof).
    """

    def __init__(self, message: str, *, index: int | None = None) -> None:
        self.index = index
        super().__init__(message if index is None else f"item {index}: {message}")


class InvalidSignature(InvalidProof):
    """An Ed25519 signature (chữ ký) that does not verify under the given public key."""


class DkgError(CryptoError):
    """The key ceremony (lễ tạo khóa) failed; ``member`` is the index of the member at fault."""

    def __init__(self, message: str, *, member: int) -> None:
        self.member = member
        super().__init__(f"member {member}: {message}")


class DecryptionError(CryptoError):
    """A partial decryption (giải mã thành phần) failed; ``member`` names the member at fault.

    ``member`` is ``None`` when no single member is to blame (for example too few shares).
    """

    def __init__(self, message: str, *, member: int | None = None) -> None:
        self.member = member
        super().__init__(message if member is None else f"member {member}: {message}")


class DlogOutOfRange(CryptoError):
    """The discrete logarithm is not in ``[0, bound]``: the value is out of the table's range."""


class SecretFileError(CryptoError):
    """A passphrase-protected secret file (tệp bí mật) could not be opened: wrong
    passphrase, or the file is damaged or not in our format."""
