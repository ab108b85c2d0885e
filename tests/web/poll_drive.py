"""Driving one web round step by step, with the same messages a test can also hand to an
engine in memory: the committee's DKG members, the voters' keys, sealed ballots whose
nonces are kept (for Benaloh audits), and the members' partial decryptions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tinnhiem.ballots import Ballot, Manifest, Mark, ceremony_fingerprint, seal_ballot
from tinnhiem.crypto import Context, CredentialKey, Point
from tinnhiem.crypto.dkg import DkgMember, MemberShare


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


@dataclass
class Committee:
    """The members' DKG sides, for a manifest; each step yields the messages to post."""

    manifest: Manifest
    members: dict[int, DkgMember] = field(init=False)
    shares: dict[int, MemberShare] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ctx = Context(ceremony_fingerprint(self.manifest))
        t, n = self.manifest.threshold, len(self.manifest.committee)
        self.members = {i: DkgMember(ctx, i, t, n) for i in range(1, n + 1)}

    def commits(self) -> dict[int, dict[str, Any]]:
        self._commits = {i: m.commit() for i, m in self.members.items()}
        return {i: c.to_dict() for i, c in self._commits.items()}

    def reveals(self) -> dict[int, dict[str, Any]]:
        self._reveals = {i: m.reveal(self._commits) for i, m in self.members.items()}
        return {i: r.to_dict() for i, r in self._reveals.items()}

    def confirms(self) -> dict[int, dict[str, Any]]:
        out = {}
        for i, member in self.members.items():
            key, share = member.finish(self._reveals)
            self.shares[i] = share
            out[i] = {
                "member": i,
                "verification_key": key.verification_keys[i].hex(),
                "public_key": key.public_key.hex(),
            }
        return out


__all__ = ["Committee", "sealed_ballot"]
