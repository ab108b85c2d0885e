"""The one arrival policy, as the engine applies it to each cast ballot."""

from dataclasses import replace

import pytest
from poll_unit_helpers import open_round

from tinnhiem.ballots import (
    Ballot,
    BallotRejected,
    Mark,
    RevotePolicy,
    cast_ballot,
    election_fingerprint,
    format_tracker,
)
from tinnhiem.crypto import Ciphertext, CredentialKey


def _cast(election, key, marks):
    return cast_ballot(election.manifest, election.fingerprint, election.public_key, key, marks)


def _reason(election, ballot):
    with pytest.raises(BallotRejected) as info:
        election.cast(ballot)
    return info.value.reason, info.value.row


def test_accepts_and_posts_with_a_tracker():
    election, voters = open_round()
    receipt = election.cast(_cast(election, voters[0], {"o1": Mark.HIGH}))
    board = election.engine.store.entries()
    assert receipt.board_index == 3  # after manifest, committee and open
    assert board[3].kind == "ballot" and board[3].payload_hash == receipt.ballot_hash
    assert receipt.tracker == format_tracker(receipt.ballot_hash)
    assert len(receipt.tracker.replace("-", "")) == 52  # the whole hash, 256 bits


def test_rows_out_of_order_are_malformed():
    election, voters = open_round()
    ballot = _cast(election, voters[0], {})
    swapped = replace(ballot, rows=(ballot.rows[1], ballot.rows[0], ballot.rows[2]))
    assert _reason(election, swapped) == ("malformed", None)


def test_a_tampered_row_fails_its_proof():
    election, voters = open_round()
    ballot = _cast(election, voters[0], {"o2": Mark.LOW})
    ct = Ciphertext.from_bytes(ballot.rows[1].ciphertext)
    rows = list(ballot.rows)
    rows[1] = replace(rows[1], ciphertext=(ct + ct).to_bytes())  # encrypts 2: not a mark
    digest = Ballot.content_digest(election.fingerprint, voters[0].public, rows)
    forged = Ballot(voters[0].public, tuple(rows), voters[0].sign(digest))
    assert _reason(election, forged) == ("bad_proof", 1)


def test_a_bad_signature_is_refused():
    election, voters = open_round()
    ballot = _cast(election, voters[0], {})
    assert _reason(election, replace(ballot, signature=bytes(64))) == ("bad_signature", None)


def test_a_ballot_for_another_round_fails():
    election, voters = open_round()
    other = replace(election.manifest, round_id="r2")
    fp = election_fingerprint(other, election.public_key.to_bytes())
    ballot = cast_ballot(other, fp, election.public_key, voters[0], {})
    assert _reason(election, ballot) == ("bad_signature", None)


def test_the_checks_run_in_the_policy_order():
    election, voters = open_round()
    first = _cast(election, voters[0], {"o1": Mark.HIGH})
    election.cast(first)
    # A copy is a duplicate before it is a second vote or a replay.
    assert _reason(election, first) == ("duplicate", None)
    # Same credential, fresh randomness: refused as a second vote under ``reject``.
    assert _reason(election, _cast(election, voters[0], {})) == ("already_voted", None)
    # Another voter re-using the first ballot's ciphertext of row 0: a replay, named.
    ballot = _cast(election, voters[1], {})
    rows = list(ballot.rows)
    rows[0] = first.rows[0]
    digest = Ballot.content_digest(election.fingerprint, voters[1].public, rows)
    replayed = Ballot(voters[1].public, tuple(rows), voters[1].sign(digest))
    assert _reason(election, replayed) == ("replay", 0)
    # A stranger's ballot is refused first of all.
    assert _reason(election, _cast(election, CredentialKey.generate(), {})) == (
        "not_eligible",
        None,
    )
    # Nothing refused reached the board.
    assert len(election.accepted()) == 1


def test_last_vote_counts():
    election, voters = open_round(revote=RevotePolicy.LAST_COUNTS)
    election.cast(_cast(election, voters[0], {"o1": Mark.HIGH}))
    election.cast(_cast(election, voters[1], {}))
    second = election.cast(_cast(election, voters[0], {"o1": Mark.LOW}))
    assert [a.ballot_hash for a in election.counted()][-1] == second.ballot_hash
    assert len(election.counted()) == 2 and len(election.accepted()) == 3


def test_cast_many_on_two_processes_matches_one_by_one():
    election, voters = open_round()
    ballots = [_cast(election, v, {"o1": Mark.CONFIDENT}) for v in voters]
    ballots.append(ballots[0])  # a copy
    ballots.append(_cast(election, CredentialKey.generate(), {}))
    outcomes = election.cast_many(ballots, workers=2)
    assert [getattr(o, "reason", "ok") for o in outcomes] == [
        "ok",
        "ok",
        "ok",
        "ok",
        "duplicate",
        "not_eligible",
    ]
    assert len(election.accepted()) == 4
