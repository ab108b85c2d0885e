"""The key ceremony of the counting committee (lễ tạo khóa của Ban kiểm phiếu), run in one
process: every member's three DKG rounds, in order, with every check.

In a real round each member runs their side on their own device (web or ``tinnhiem
trustee``); this module is the same protocol with the messages passed in memory, for the
demo, the tests and the benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tinnhiem.ballots import Manifest, ceremony_fingerprint
from tinnhiem.crypto import Context
from tinnhiem.crypto.dkg import (
    CommitMessage,
    CommitteeKey,
    DkgMember,
    MemberShare,
    RevealMessage,
    verify_ceremony,
)

__all__ = ["Ceremony", "run_ceremony", "verify_ceremony_json"]


@dataclass(frozen=True)
class Ceremony:
    """The public transcript (commits, reveals), the committee key, and — secret — the
    members' shares, which in real life never leave each member's hands."""

    commits: dict[int, CommitMessage]
    reveals: dict[int, RevealMessage]
    key: CommitteeKey
    member_shares: dict[int, MemberShare]

    def public_json(self) -> dict[str, Any]:
        """The record's ``committee`` section."""
        return {
            "key": self.key.to_dict(),
            "commits": [self.commits[m].to_dict() for m in sorted(self.commits)],
            "reveals": [self.reveals[m].to_dict() for m in sorted(self.reveals)],
        }


def run_ceremony(manifest: Manifest) -> Ceremony:
    """Run the t-of-n DKG among the manifest's committee members."""
    ctx = Context(ceremony_fingerprint(manifest))
    t, n = manifest.threshold, len(manifest.committee)
    members = {m.index: DkgMember(ctx, m.index, t, n) for m in manifest.committee}
    commits = {i: member.commit() for i, member in members.items()}
    reveals = {i: member.reveal(commits) for i, member in members.items()}
    key: CommitteeKey | None = None
    shares: dict[int, MemberShare] = {}
    for i, member in members.items():
        member_key, share = member.finish(reveals)
        if key is not None and member_key != key:  # every member must derive the same key
            raise AssertionError("members derived different committee keys")
        key = member_key
        shares[i] = share
    assert key is not None
    return Ceremony(commits, reveals, key, shares)


def verify_ceremony_json(manifest: Manifest, data: dict[str, Any]) -> CommitteeKey:
    """An observer's check of a recorded ceremony; returns the committee key it derives.

    Raises ``DkgError`` naming the member at fault, or ``InvalidEncoding``.
    """
    ctx = Context(ceremony_fingerprint(manifest))
    commits = {i + 1: CommitMessage.from_dict(c) for i, c in enumerate(data["commits"])}
    reveals = {i + 1: RevealMessage.from_dict(r) for i, r in enumerate(data["reveals"])}
    return verify_ceremony(ctx, manifest.threshold, len(manifest.committee), commits, reveals)
