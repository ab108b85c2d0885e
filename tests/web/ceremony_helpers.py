"""The committee's key ceremony run through the web actions, for tests that need a round with
a joint key: every member's commit, reveal and confirm is posted with ``do_post_ceremony_message``
as that member. (The API and the offline trustee files are tested on their own.)"""

from __future__ import annotations

from typing import Any

from tinnhiem.crypto.dkg import MemberShare
from tinnhiem.web.actions.demo import run_hosted_ceremony


def run_web_ceremony(round_: Any) -> dict[int, MemberShare]:
    """Run the DKG for every seat of ``round_``'s committee; return each member's share."""
    return run_hosted_ceremony(round_).shares
