"""Driving one web round step by step, with the same messages a test can also hand to an
engine in memory: the committee's DKG members, the voters' keys, sealed ballots whose
nonces are kept (for Benaloh audits), and the members' partial decryptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tinnhiem.ballots import Ballot, Manifest, Mark, seal_ballot
from tinnhiem.crypto import CredentialKey, Point


def sealed_ballot(
    manifest: Manifest,
    fingerprint: bytes,
    public_key: Point,
    key: CredentialKey,
    marks: Mapping[str, Mark],
) -> tuple[Ballot, dict[str, Any]]:
    """A ballot as the booth seals it, and the reveal a Benaloh audit would send."""
    sealed = seal_ballot(manifest, fingerprint, public_key, key, marks)
    return sealed.ballot, sealed.reveal


__all__ = ["sealed_ballot"]
