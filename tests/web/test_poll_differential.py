"""One engine, two hosts: the same round driven through the web actions (ORM store) and
through the engine in memory gives byte-identical election records, and both verify.

The inputs cover every kind of step: the key ceremony's three rounds, a second ballot from
one voter under ``last_counts``, a Benaloh audit (and the audited ballot refused when cast
afterwards), a stranger's ballot, the close, and the decryption with one member absent.
"""

from __future__ import annotations

from typing import Any

import pytest

from tinnhiem.ballots import BallotRejected, Mark
from tinnhiem.crypto import Context, CredentialKey
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.poll import MemoryStore, PollEngine, PollError, Trustees
from tinnhiem.record import verify_record
from tinnhiem.tally import RuleSource
from tinnhiem.web.actions import (
    ActionError,
    do_check_in,
    do_close_round,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
    do_update_round,
)
from tinnhiem.web.actions.poll import (
    BallotRefused,
    do_audit_ballot,
    do_cast_ballot,
    do_post_ceremony_message,
    do_post_decryption_share,
)
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.models import CommitteeMember, Summons
from web.poll_drive import sealed_ballot, sign_heads

pytestmark = pytest.mark.django_db


def _both(web: Any, memory: Any) -> tuple[Any, Any]:
    """Run one step on both hosts; each either succeeds or refuses, and they agree."""
    outcomes = []
    for step, refused in ((web, (ActionError,)), (memory, (PollError, BallotRejected))):
        try:
            outcomes.append(("ok", step()))
        except refused as exc:
            outcomes.append(("refused", exc))
    assert [o[0] for o in outcomes] == [outcomes[0][0]] * 2, outcomes
    return outcomes[0], outcomes[1]


def test_web_and_memory_hosts_write_the_same_record(setup_round: Any, org_actor: Any) -> None:
    round_ = do_update_round(org_actor, setup_round, revote="last_counts")
    do_start_ceremony(org_actor, round_)
    frozen = engine_of(round_)
    manifest = frozen.manifest
    memory = PollEngine(MemoryStore())
    memory.freeze(manifest, RuleSource.from_text(frozen.rule.text))

    # The key ceremony: each message goes to both hosts, from the same members.
    committee = Trustees(manifest)
    seats = {
        m.index: Actor(m.user, "committee") for m in CommitteeMember.objects.filter(round=round_)
    }
    for kind, messages in (
        ("commit", committee.commits),
        ("reveal", committee.reveals),
        ("confirm", committee.confirms),
    ):
        for i, payload in messages().items():
            _both(
                lambda i=i, payload=payload: do_post_ceremony_message(
                    seats[i], round_, kind, payload
                ),
                lambda i=i, payload=payload: memory.post_ceremony_message(i, kind, payload),
            )
    round_.refresh_from_db()
    assert round_.fingerprint == memory.fingerprint.hex()

    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_)[:5]:
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    memory.open(CredentialKey.from_seed(s.seed).public for s in slips)

    fp, pk = memory.fingerprint, memory.public_key
    ids = manifest.official_ids
    voters = [(Actor(s.credential.user, "voter"), CredentialKey.from_seed(s.seed)) for s in slips]

    def cast(voter: int, ballot: Any) -> tuple[Any, Any]:
        actor, _ = voters[voter]
        return _both(
            lambda: do_cast_ballot(actor, round_, ballot.to_json()),
            lambda: memory.cast(ballot),
        )

    marks = [
        {ids[0]: Mark.LOW, ids[1]: Mark.HIGH},
        {ids[0]: Mark.HIGH},
        {ids[0]: Mark.CONFIDENT, ids[1]: Mark.LOW},
        {},
    ]
    for v, m in enumerate(marks):
        cast(v, sealed_ballot(manifest, fp, pk, voters[v][1], m)[0])
    # Voter 0 changes their mind: under last_counts the second ballot replaces the first.
    cast(0, sealed_ballot(manifest, fp, pk, voters[0][1], {ids[0]: Mark.HIGH})[0])
    # Voter 4 audits a sealed ballot, then tries to cast it: refused by both hosts.
    audited, reveal = sealed_ballot(manifest, fp, pk, voters[4][1], {ids[1]: Mark.LOW})
    web_rows, memory_rows = _both(
        lambda: do_audit_ballot(voters[4][0], round_, audited.to_json(), reveal),
        lambda: memory.audit(audited, reveal),
    )
    assert web_rows[1] == memory_rows[1] and all(r.ok for r in web_rows[1])
    web_refusal, memory_refusal = cast(4, audited)
    assert web_refusal[0] == "refused"
    assert isinstance(web_refusal[1], BallotRefused) and web_refusal[1].reason == "audited"
    assert memory_refusal[1].reason == "audited"
    # ... and casts a fresh one.
    cast(4, sealed_ballot(manifest, fp, pk, voters[4][1], {ids[1]: Mark.CONFIDENT})[0])

    do_close_round(org_actor, round_)
    round_.refresh_from_db()
    memory.close()

    # Member 2 is absent: members 1 and 3 decrypt (the same shares on both hosts).
    cts = memory.aggregates()
    ctx = Context(fp)
    for index in (1, 3):
        share = partial_decrypt(ctx, committee.shares[index], cts).to_dict()
        _both(
            lambda share=share, index=index: do_post_decryption_share(seats[index], round_, share),
            lambda share=share, index=index: memory.post_share(index, share),
        )

    sign_heads(round_, committee.shares, memory)
    web_record = record_for(round_)
    assert web_record is not None
    assert web_record.to_bytes() == memory.record().to_bytes()
    report = verify_record(web_record, workers=1)
    assert (report.ballots, report.counted) == (6, 5)
    assert web_record.close == {"accepted": 6, "counted": 5}
    first = {r["official"]: r["counts"] for r in web_record.results}
    # Voter 0's first ballot (o1 low, o2 high) was replaced by their second (o1 high).
    assert first[ids[0]] == {"high": 2, "confident": 1, "low": 0}
    assert first[ids[1]] == {"high": 0, "confident": 1, "low": 1}
