from dataclasses import replace

import pytest
from ballots_helpers import make_manifest

from tinnhiem.ballots import (
    Ballot,
    BallotBox,
    BallotRejected,
    BulletinBoard,
    Mark,
    RevotePolicy,
    cast_ballot,
    election_fingerprint,
    format_tracker,
    verify_ballot,
)
from tinnhiem.crypto import Ciphertext, CredentialKey, Point, Scalar


@pytest.fixture
def voters():
    return [CredentialKey.generate() for _ in range(4)]


def _box(manifest, keypair, voters):
    fp = election_fingerprint(manifest, keypair.public.to_bytes())
    return BallotBox(manifest, fp, keypair.public, [v.public for v in voters], BulletinBoard())


def _cast(box, key, marks):
    return cast_ballot(box.manifest, box.fingerprint, box.public_key, key, marks)


def test_a_ballot_decrypts_to_its_packed_marks(manifest, keypair, voters):
    box = _box(manifest, keypair, voters)
    ballot = _cast(box, voters[0], {"o1": Mark.HIGH, "o3": Mark.LOW})
    cts = verify_ballot(manifest, box.fingerprint, box.public_key, ballot)
    plain = [keypair.decrypt(ct) for ct in cts]
    assert plain == [
        Point.base_mul(Scalar.from_int(v)) if v else Point.identity() for v in (121, 0, 1)
    ]


def test_accepts_and_posts_with_a_tracker(manifest, keypair, voters):
    box = _box(manifest, keypair, voters)
    receipt = box.cast(_cast(box, voters[0], {"o1": Mark.HIGH}))
    assert receipt.board_index == 0
    assert box.board[0].payload_hash == receipt.ballot_hash
    assert receipt.tracker == format_tracker(receipt.ballot_hash)
    assert len(receipt.tracker.replace("-", "")) == 12


def test_rows_out_of_order_are_malformed(manifest, keypair, voters):
    box = _box(manifest, keypair, voters)
    ballot = _cast(box, voters[0], {})
    swapped = replace(ballot, rows=(ballot.rows[1], ballot.rows[0], ballot.rows[2]))
    with pytest.raises(BallotRejected) as info:
        box.cast(swapped)
    assert info.value.reason == "malformed"


def test_a_tampered_row_fails_its_proof(manifest, keypair, voters):
    box = _box(manifest, keypair, voters)
    ballot = _cast(box, voters[0], {"o2": Mark.LOW})
    ct = Ciphertext.from_bytes(ballot.rows[1].ciphertext)
    doubled = (ct + ct).to_bytes()  # encrypts 2: not an allowed mark
    rows = list(ballot.rows)
    rows[1] = replace(rows[1], ciphertext=doubled)
    digest = Ballot.content_digest(box.fingerprint, voters[0].public, rows)
    forged = Ballot(voters[0].public, tuple(rows), voters[0].sign(digest))
    with pytest.raises(BallotRejected) as info:
        box.cast(forged)
    assert (info.value.reason, info.value.row) == ("bad_proof", 1)


def test_a_bad_signature_is_refused(manifest, keypair, voters):
    box = _box(manifest, keypair, voters)
    ballot = _cast(box, voters[0], {})
    with pytest.raises(BallotRejected) as info:
        box.cast(replace(ballot, signature=bytes(64)))
    assert info.value.reason == "bad_signature"


def test_a_ballot_for_another_round_fails(manifest, keypair, voters):
    other = replace(manifest, round_id="r2")
    fp = election_fingerprint(other, keypair.public.to_bytes())
    ballot = cast_ballot(other, fp, keypair.public, voters[0], {})
    box = _box(manifest, keypair, voters)
    with pytest.raises(BallotRejected) as info:
        box.cast(ballot)
    assert info.value.reason == "bad_signature"


def test_last_vote_counts(keypair, voters):
    manifest = make_manifest(revote=RevotePolicy.LAST_COUNTS)
    box = _box(manifest, keypair, voters)
    box.cast(_cast(box, voters[0], {"o1": Mark.HIGH}))
    box.cast(_cast(box, voters[1], {}))
    second = box.cast(_cast(box, voters[0], {"o1": Mark.LOW}))
    assert [a.ballot_hash for a in box.counted()][-1] == second.ballot_hash
    assert len(box.counted()) == 2 and len(box.accepted) == 3


def test_cast_many_on_two_processes_matches_one_by_one(manifest, keypair, voters):
    box = _box(manifest, keypair, voters)
    ballots = [_cast(box, v, {"o1": Mark.CONFIDENT}) for v in voters]
    ballots.append(ballots[0])  # a copy
    stranger = CredentialKey.generate()
    ballots.append(_cast(box, stranger, {}))
    outcomes = box.cast_many(ballots, workers=2)
    assert [getattr(o, "reason", "ok") for o in outcomes] == [
        "ok",
        "ok",
        "ok",
        "ok",
        "duplicate",
        "not_eligible",
    ]
    assert len(box.board) == 4
