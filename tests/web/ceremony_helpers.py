"""The committee's key ceremony run through the web actions, for tests that need a round with
a joint key: every member's commit, reveal and confirm is posted with ``do_post_ceremony_message``
as that member. (The API and the offline trustee files are tested on their own.)"""

from __future__ import annotations

from typing import Any

from tinnhiem.ballots import ceremony_fingerprint
from tinnhiem.crypto import Context
from tinnhiem.crypto.dkg import CommitMessage, DkgMember, MemberShare
from tinnhiem.web.actions.poll import do_post_ceremony_message
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of
from tinnhiem.web.models import CommitteeMember


def run_web_ceremony(round_: Any) -> dict[int, MemberShare]:
    """Run the DKG for every seat of ``round_``'s committee; return each member's share."""
    manifest = engine_of(round_).manifest
    ctx = Context(ceremony_fingerprint(manifest))
    seats = {m.index: m for m in CommitteeMember.objects.seated(round_)}
    members = {i: DkgMember(ctx, i, manifest.threshold, len(seats)) for i in seats}
    actors = {i: Actor(seats[i].user, "committee") for i in seats}
    for i, member in members.items():
        do_post_ceremony_message(actors[i], round_, "commit", member.commit().to_dict())
    commits = {i: CommitMessage.from_dict(m.commit().to_dict()) for i, m in members.items()}
    for i, member in members.items():
        do_post_ceremony_message(actors[i], round_, "reveal", member.reveal(commits).to_dict())
    reveals = engine_of(round_).transcript().reveal_messages()
    shares = {}
    for i, member in members.items():
        key, share = member.finish(reveals)
        shares[i] = share
        confirm = {
            "member": i,
            "verification_key": key.verification_keys[i].hex(),
            "public_key": key.public_key.hex(),
        }
        do_post_ceremony_message(actors[i], round_, "confirm", confirm)
    return shares
