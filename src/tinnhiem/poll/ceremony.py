"""The key ceremony's mediator (lễ tạo khóa): checks each member's message against the
transcript so far, in the order the protocol allows, and says when the ceremony is done.

Members run their side on their own device (the browser, or ``tinnhiem trustee``
offline); the mediator only carries public messages, in three steps and a complaint:

1. ``commit``: the member's box key and the hash of their Feldman commitments;
2. ``reveal`` (once all n committed): the commitments, a proof for the constant term and
   the shares sealed to each other member; the commitments must match the commit hash;
3. ``confirm`` (once all n revealed): the member checked every reveal and their own
   shares, saved their share, and states the verification key and joint key they derived,
   which must be what the public transcript gives;
4. ``complaint``: a member who found a bad share names the dealer.

When every member has confirmed, the transcript verifies publicly and the committee key is
fixed. Nothing here stores anything; ``PollEngine`` keeps what the mediator accepts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tinnhiem.ballots import Manifest, ceremony_fingerprint
from tinnhiem.crypto import Context, CryptoError
from tinnhiem.crypto.dkg import (
    CommitMessage,
    CommitteeKey,
    RevealMessage,
    commitment_digest,
    verify_ceremony,
)
from tinnhiem.poll.errors import PollStateError, StepRefused
from tinnhiem.poll.store import CeremonyPost

__all__ = ["CEREMONY_KINDS", "CeremonyTranscript", "check_ceremony_message", "committee_section"]

CEREMONY_KINDS = ("commit", "reveal", "confirm", "complaint")
MAX_REASON = 500


@dataclass
class CeremonyTranscript:
    """The messages posted so far: the first of each kind per member, and every complaint."""

    commits: dict[int, dict[str, Any]] = field(default_factory=dict)
    reveals: dict[int, dict[str, Any]] = field(default_factory=dict)
    confirms: dict[int, dict[str, Any]] = field(default_factory=dict)
    complaints: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_posts(cls, posts: Iterable[CeremonyPost]) -> CeremonyTranscript:
        out = cls()
        for post in posts:
            if post.kind == "complaint":
                out.complaints.append(dict(post.payload))
            elif post.kind in CEREMONY_KINDS:
                out.by_kind(post.kind).setdefault(post.member, dict(post.payload))
        return out

    def by_kind(self, kind: str) -> dict[int, dict[str, Any]]:
        return {"commit": self.commits, "reveal": self.reveals, "confirm": self.confirms}[kind]

    def commit_messages(self) -> dict[int, CommitMessage]:
        return {i: CommitMessage.from_dict(p) for i, p in self.commits.items()}

    def reveal_messages(self) -> dict[int, RevealMessage]:
        return {i: RevealMessage.from_dict(p) for i, p in self.reveals.items()}


def _refuse(code: str, message: str, **params: Any) -> StepRefused:
    return StepRefused(code, message, where="ceremony", **params)


def _labelled(found: int, member: int) -> None:
    if found != member:
        raise _refuse(
            "wrong_member",
            f"the message is labelled member {found}, it was posted by member {member}",
            found=found,
            member=member,
        )


def check_ceremony_message(
    manifest: Manifest,
    transcript: CeremonyTranscript,
    member: int,
    kind: str,
    payload: Any,
) -> tuple[dict[str, Any], CommitteeKey | None]:
    """Check one message of ``member``; return what to keep (its canonical form) and, for a
    confirm, the committee key the transcript gives. Raises ``StepRefused`` (nothing kept)
    or ``PollStateError`` when the step is out of turn."""
    t, n = manifest.threshold, len(manifest.committee)
    if kind not in CEREMONY_KINDS:
        raise _refuse("bad_kind", f"unknown ceremony message kind {kind!r}", kind=kind)
    if not 1 <= member <= n:
        raise _refuse("not_member", f"there is no committee member {member}", member=member)
    if not isinstance(payload, Mapping):
        raise _refuse("malformed", "a ceremony message is a JSON object")
    if kind != "complaint" and member in transcript.by_kind(kind):
        raise PollStateError("repeat", f"member {member} already posted their {kind}", kind=kind)
    ctx = Context(ceremony_fingerprint(manifest))
    if kind == "commit":
        try:
            commit = CommitMessage.from_dict(payload)
        except CryptoError as exc:
            raise _refuse("malformed", f"commit message: {exc}", error=str(exc)) from exc
        _labelled(commit.member, member)
        return commit.to_dict(), None
    if kind == "reveal":
        if len(transcript.commits) < n:
            raise PollStateError("too_early", f"not all {n} members have committed yet", n=n)
        try:
            reveal = RevealMessage.from_dict(payload)
        except CryptoError as exc:
            raise _refuse("malformed", f"reveal message: {exc}", error=str(exc)) from exc
        _labelled(reveal.member, member)
        if len(reveal.commitments) != t:
            raise _refuse("commitments", f"exactly t = {t} Feldman commitments are needed", t=t)
        mine = CommitMessage.from_dict(transcript.commits[member])
        digest = commitment_digest(ctx, member, t, n, mine.box_public, reveal.commitments)
        if digest != mine.digest:
            raise _refuse("commit_mismatch", "the commitments do not match the commit hash")
        if sorted(reveal.shares) != [m for m in range(1, n + 1) if m != member]:
            raise _refuse("recipients", "the shares must go to exactly every other member")
        return reveal.to_dict(), None
    if kind == "complaint":
        accused = payload.get("accused")
        if isinstance(accused, bool) or not isinstance(accused, int) or not 1 <= accused <= n:
            raise _refuse("accused", f"the accused must be a member 1..{n}", n=n)
        reason = str(payload.get("reason", ""))[:MAX_REASON]
        return {"member": member, "accused": accused, "reason": reason}, None
    # confirm
    if len(transcript.reveals) < n:
        raise PollStateError("too_early", f"not all {n} members have revealed yet", n=n)
    try:
        key = verify_ceremony(ctx, t, n, transcript.commit_messages(), transcript.reveal_messages())
    except CryptoError as exc:
        raise _refuse("transcript", f"the ceremony does not verify: {exc}", error=str(exc)) from exc
    vk = payload.get("verification_key")
    if vk != key.verification_keys[member].hex():
        raise _refuse("verification_key", "the verification key does not match the commitments")
    if payload.get("public_key") != key.public_key.hex():
        raise _refuse("public_key", "the joint public key does not match the commitments")
    return {"member": member, "verification_key": vk, "public_key": key.public_key.hex()}, key


def committee_section(key: CommitteeKey, transcript: CeremonyTranscript) -> dict[str, Any]:
    """The board's (and the record's) ``committee`` section."""
    return {
        "key": key.to_dict(),
        "commits": [transcript.commits[m] for m in sorted(transcript.commits)],
        "reveals": [transcript.reveals[m] for m in sorted(transcript.reveals)],
    }
