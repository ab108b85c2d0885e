"""Voter credentials (thẻ xác thực cử tri): the electronic "ballots issued".

The organiser issues one Ed25519 signing key per voter before the poll opens and publishes
only the public keys; the list is fixed when the poll opens, and its digest goes on the
board. Its length is the number of ballots issued (phiếu phát ra).
"""

from __future__ import annotations

from collections.abc import Iterable

from tinnhiem.ballots.codec import tagged_hash
from tinnhiem.crypto import CredentialKey
from tinnhiem.errors import InputError

__all__ = ["check_credentials", "credentials_digest", "issue_credentials"]


def issue_credentials(count: int) -> list[CredentialKey]:
    """``count`` fresh signing keys, one per voter present."""
    if count < 0:
        raise InputError("the number of credentials must not be negative", where="credentials")
    return [CredentialKey.generate() for _ in range(count)]


def check_credentials(publics: Iterable[bytes], *, summoned: int) -> tuple[bytes, ...]:
    """The public credentials in canonical (sorted) order; ``InputError`` on a repeat, a
    wrong length, or more credentials than voters summoned."""
    out = tuple(sorted(publics))
    for i, public in enumerate(out):
        if len(public) != 32:
            raise InputError("a public credential is 32 bytes", where=f"credentials[{i}]")
        if i and out[i - 1] == public:
            raise InputError("the same credential is listed twice", where=f"credentials[{i}]")
    if len(out) > summoned:
        raise InputError(
            f"{len(out)} credentials for {summoned} voters summoned", where="credentials"
        )
    return out


def credentials_digest(publics: Iterable[bytes]) -> bytes:
    """H(sorted public credentials): what the board records when the poll opens."""
    return tagged_hash("tinnhiem/credentials/v1", *sorted(publics))
