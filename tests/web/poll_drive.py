"""Driving one web round step by step, with the same messages a test can also hand to an
engine in memory: the committee's DKG members, the voters' keys, sealed ballots whose
nonces are kept (for Benaloh audits), and the members' partial decryptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tinnhiem.ballots import Ballot, Manifest, Mark, seal_ballot
from tinnhiem.crypto import CredentialKey, MemberShare, Point
from tinnhiem.tally import sign_head


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


def sign_heads(round_: Any, shares: Mapping[int, MemberShare], memory: Any = None) -> None:
    """Each member who decrypted signs the tallied round's final board head (through the
    web action; and on ``memory``, an engine in memory hosting the same round)."""
    from tinnhiem.web.actions.poll import do_sign_head
    from tinnhiem.web.lib.access import Actor
    from tinnhiem.web.lib.poll_round import engine_of
    from tinnhiem.web.models import CommitteeMember

    round_.refresh_from_db()
    engine = engine_of(round_)
    for index in engine.present():
        signature = sign_head(engine.fingerprint, shares[index], engine.head()).hex()
        seat = CommitteeMember.objects.get(round=round_, index=index)
        do_sign_head(Actor(seat.user, "committee"), round_, signature)
        if memory is not None:
            memory.sign_head(index, signature)


__all__ = ["sealed_ballot", "sign_heads"]
