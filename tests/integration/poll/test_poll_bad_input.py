"""Bad input gives a clear, typed error: unknown rule, malformed records (exit 2), a wrong
credential, a duplicate ballot, a replayed ballot."""

from __future__ import annotations

import gzip
import json

import pytest
from poll_helpers import build_poll
from typer.testing import CliRunner

from tinnhiem.ballots import Ballot, BallotRejected, Mark, cast_ballot
from tinnhiem.cli import app
from tinnhiem.crypto import CredentialKey
from tinnhiem.poll import Election
from tinnhiem.record import RecordInvalid, RecordUnreadable, read_record, write_record
from tinnhiem.tally import load_rule_source

runner = CliRunner()


@pytest.fixture
def open_election():
    """A fresh, open round (3 officials, 5 voters) with its voters' keys."""
    manifest = build_poll(officials=3, voters=5).election.manifest
    election = Election(manifest, load_rule_source("qd96-2023"))
    election.key_ceremony()
    keys = [CredentialKey.generate() for _ in range(5)]
    election.open(k.public for k in keys)
    return election, keys


def _ballot(election, key, marks=None):
    return cast_ballot(
        election.manifest,
        election.fingerprint,
        election.public_key,
        key,
        marks or {"o1": Mark.HIGH},
    )


def test_unknown_rule_exits_2_with_the_known_rules(tmp_path):
    result = runner.invoke(app, ["demo", "--rule", "qd99-1999", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert "unknown rule 'qd99-1999'" in result.output
    assert "qd96-2023" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "not valid UTF-8 JSON"),
        (b'{"format": "something-else"}', "not a Tín Nhiệm election record"),
        (b'{"format": "tinnhiem-record", "version": 99}', "unsupported record version 99"),
        (b'{"format": "tinnhiem-record", "version": 1}', "unsupported record version 1"),
        (b"[1, 2]", "a record is a JSON object"),
        (b"\x1f\x8b\x08\x00broken", "broken gzip data"),
    ],
)
def test_malformed_records_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(RecordUnreadable, match=message):
        read_record(path)
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == 2
    assert "unreadable record" in result.output


def test_a_record_with_a_field_of_the_wrong_type_fails_the_schema(tmp_path):
    poll = build_poll(officials=2, voters=4)
    data = json.loads(poll.record().to_bytes())
    data["ballots"][1]["rows"][0]["ct"] = "zz"
    path = tmp_path / "r.json.gz"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(RecordInvalid) as info:
        read_record(path)
    assert info.value.check == "schema"
    assert info.value.where == "ballots[1].rows[0].ct"
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == 1
    assert "ballots[1].rows[0].ct" in result.output


def test_missing_file_exits_2(tmp_path):
    result = runner.invoke(app, ["verify", str(tmp_path / "none.json")])
    assert result.exit_code == 2


def test_wrong_credential_is_refused(open_election):
    election, _ = open_election
    with pytest.raises(BallotRejected) as info:
        election.cast(_ballot(election, CredentialKey.generate()))
    assert info.value.reason == "not_eligible"


def test_duplicate_ballot_is_refused(open_election):
    election, keys = open_election
    ballot = _ballot(election, keys[0])
    election.cast(ballot)
    with pytest.raises(BallotRejected) as info:
        election.cast(ballot)
    assert info.value.reason == "duplicate"
    with pytest.raises(BallotRejected) as info:
        election.cast(_ballot(election, keys[0], {"o2": Mark.LOW}))
    assert info.value.reason == "already_voted"


def test_replayed_ballot_is_refused(open_election):
    election, keys = open_election
    original = _ballot(election, keys[0])
    election.cast(original)
    # Another voter copies the first ballot's ciphertexts and proofs under their own
    # signature: the proofs are bound to the first credential, and the α values repeat.
    digest = Ballot.content_digest(election.fingerprint, keys[1].public, original.rows)
    replay = Ballot(keys[1].public, original.rows, keys[1].sign(digest))
    with pytest.raises(BallotRejected) as info:
        election.cast(replay)
    assert info.value.reason == "replay"
    assert info.value.row == 0


def test_copied_rows_with_fresh_alphas_fail_the_binding(open_election):
    election, keys = open_election
    original = _ballot(election, keys[0])
    # Not yet cast: α is new to the box, so only the proof's binding can catch it.
    digest = Ballot.content_digest(election.fingerprint, keys[1].public, original.rows)
    stolen = Ballot(keys[1].public, original.rows, keys[1].sign(digest))
    with pytest.raises(BallotRejected) as info:
        election.cast(stolen)
    assert info.value.reason == "bad_proof" and info.value.row == 0


def test_casting_before_opening_or_after_closing_is_refused(open_election):
    election, keys = open_election
    election.close()
    with pytest.raises(Exception, match="cast needs open"):
        election.cast(_ballot(election, keys[0]))


def test_unreadable_record_written_then_truncated(tmp_path):
    poll = build_poll(officials=2, voters=4)
    path = write_record(poll.record(), tmp_path / "r.json")
    path.write_bytes(path.read_bytes()[:-10])
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == 2
