"""A key ceremony restarted after a complaint: without the accused member or with a
replacement, recorded on the board, and checked by the verifier."""

from __future__ import annotations

from dataclasses import replace

import pytest
from poll_unit_helpers import make_manifest

from tinnhiem.ballots import (
    GENESIS,
    BoardEntry,
    CommitteeMember,
    Mark,
    Official,
    cast_ballot,
    entry_hash,
)
from tinnhiem.crypto import CredentialKey
from tinnhiem.poll import Election, Phase, PollError, StepRefused
from tinnhiem.record import ElectionRecord, RecordInvalid, payload_hash, verify_record
from tinnhiem.tally import load_rule_source


def _complained(election: Election, accuser: int = 1, accused: int = 3) -> None:
    """Every member commits and reveals; ``accuser`` finds ``accused``'s share bad."""
    engine = election.engine
    from tinnhiem.ballots import ceremony_fingerprint
    from tinnhiem.crypto import Context
    from tinnhiem.crypto.dkg import DkgMember

    manifest = engine.manifest
    ctx = Context(ceremony_fingerprint(manifest))
    n = len(manifest.committee)
    members = {i: DkgMember(ctx, i, manifest.threshold, n) for i in range(1, n + 1)}
    commits = {i: m.commit() for i, m in members.items()}
    for i, c in commits.items():
        engine.post_ceremony_message(i, "commit", c.to_dict())
    for i, m in members.items():
        engine.post_ceremony_message(i, "reveal", m.reveal(commits).to_dict())
    engine.post_ceremony_message(
        accuser, "complaint", {"accused": accused, "reason": "phần chia không khớp"}
    )


def _finish(election: Election) -> ElectionRecord:
    election.key_ceremony()
    keys = [CredentialKey.generate() for _ in range(3)]
    election.open(k.public for k in keys)
    for key, mark in zip(keys, (Mark.HIGH, Mark.LOW, Mark.CONFIDENT), strict=True):
        election.cast(
            cast_ballot(
                election.manifest, election.fingerprint, election.public_key, key, {"o1": mark}
            )
        )
    election.close()
    election.decrypt([1, 2])
    return election.record()


def _resealed(record: ElectionRecord) -> ElectionRecord:
    """The board rebuilt over the record's sections (a forger's best effort)."""
    posts = [(k, payload_hash(k, p)) for k, p in record.section_payloads()]
    posts += [("ballot", b.hash) for b in record.ballots]
    posts += [(k, payload_hash(k, p)) for k, p in record.closing_payloads()]
    entries, previous = [], GENESIS
    for i, (kind, digest) in enumerate(posts):
        entries.append(BoardEntry(i, previous, kind, digest, entry_hash(i, previous, kind, digest)))
        previous = entries[-1].hash
    return replace(record, board=tuple(entries), head=previous)


def _without_member_3(manifest):
    return replace(manifest, committee=(CommitteeMember(1, "A"), CommitteeMember(2, "B")))


def test_restart_without_the_accused_member_verifies() -> None:
    election = Election(make_manifest(), load_rule_source("qd96-2023"))
    _complained(election)
    smaller = _without_member_3(election.manifest)
    election.engine.restart_ceremony(smaller, reason="Thành viên 3 gửi phần chia sai")
    assert election.engine.phase is Phase.CEREMONY and election.engine.attempt == 1
    # The abandoned attempt's messages no longer count: member 1 commits afresh.
    assert election.engine.transcript().commits == {}
    record = _finish(election)
    kinds = [e.kind for e in record.board[:5]]
    assert kinds == ["manifest", "restart", "manifest", "committee", "open"]
    assert len(record.restarts) == 1
    assert record.restarts[0]["restart"]["accused"] == [3]
    assert record.restarts[0]["restart"]["complaints"][0]["member"] == 1
    assert len(record.manifest.committee) == 2
    report = verify_record(ElectionRecord.from_json(record.to_json()), workers=1)
    assert report.counted == 3


def test_restart_with_a_replacement() -> None:
    election = Election(make_manifest(), load_rule_source("qd96-2023"))
    _complained(election, accuser=2, accused=1)
    committee = (CommitteeMember(1, "D"), CommitteeMember(2, "B"), CommitteeMember(3, "C"))
    replaced = replace(election.manifest, committee=committee)
    election.engine.restart_ceremony(replaced)
    verify_record(_finish(election), workers=1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m, "accused member is still on the committee"),
        (
            lambda m: replace(m, committee=(CommitteeMember(1, "A"),), threshold=1),
            "keeps the threshold",
        ),
        (
            lambda m: replace(m, committee=(CommitteeMember(1, "B"), CommitteeMember(2, "A"))),
            "same order",
        ),
        (
            lambda m: replace(
                _without_member_3(m), officials=(Official("o1", "Người 1", "Chủ tịch", 1),)
            ),
            "not officials",
        ),
    ],
)
def test_a_restart_changes_only_the_accused_seats(change, message) -> None:
    election = Election(make_manifest(), load_rule_source("qd96-2023"))
    _complained(election)
    before = election.engine.store.entries()
    with pytest.raises(StepRefused, match=message):
        election.engine.restart_ceremony(change(election.manifest))
    assert election.engine.store.entries() == before


def test_no_restart_without_a_complaint_or_after_the_ceremony() -> None:
    election = Election(make_manifest(), load_rule_source("qd96-2023"))
    with pytest.raises(StepRefused, match="complaint"):
        election.engine.restart_ceremony(_without_member_3(election.manifest))
    election.key_ceremony()
    with pytest.raises(PollError, match="cannot restart now"):
        election.engine.restart_ceremony(_without_member_3(election.manifest))


def test_the_verifier_checks_each_restart() -> None:
    election = Election(make_manifest(), load_rule_source("qd96-2023"))
    _complained(election)
    election.engine.restart_ceremony(_without_member_3(election.manifest))
    record = _finish(election)
    # A restart that named another member than the complaint did.
    forged = dict(record.restarts[0]["restart"], accused=[2])
    first = {"manifest": record.restarts[0]["manifest"], "restart": forged}
    with pytest.raises(RecordInvalid) as info:  # as posted, the board gives it away
        verify_record(replace(record, restarts=(first,)), workers=1)
    assert info.value.check == "board"
    with pytest.raises(RecordInvalid) as info:  # a resealed board: the restart check does
        verify_record(_resealed(replace(record, restarts=(first,))), workers=1)
    assert (info.value.check, info.value.where) == ("restarts", "restarts[0].restart.accused")
    # Dropping the abandoned ceremony from the record breaks the board.
    with pytest.raises(RecordInvalid) as info:
        verify_record(replace(record, restarts=()), workers=1)
    assert info.value.check == "board"
