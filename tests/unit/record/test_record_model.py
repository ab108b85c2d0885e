"""The record's canonical form: round trip, file formats, and the structure check."""

import gzip
import json

import pytest

from tinnhiem.ballots import canonical_json, parse_json
from tinnhiem.errors import InputError
from tinnhiem.poll import Election, PollStateError
from tinnhiem.poll.demo import DemoConfig, run_demo
from tinnhiem.record import (
    ElectionRecord,
    RecordInvalid,
    payload_hash,
    read_record,
    write_record,
)
from tinnhiem.tally import load_rule_source


@pytest.fixture(scope="module")
def record() -> ElectionRecord:
    run = run_demo(
        DemoConfig(officials=3, voters=8, exempt=1, first_band=1, seed=5),
        load_rule_source("qd96-2023"),
        workers=1,
    )
    return run.election.record()


def test_canonical_bytes_round_trip(record):
    data = record.to_bytes()
    again = ElectionRecord.from_json(json.loads(data))
    assert again.to_bytes() == data
    assert data == canonical_json(json.loads(data))


def test_plain_and_gzip_files(record, tmp_path):
    plain = write_record(record, tmp_path / "r.json")
    packed = write_record(record, tmp_path / "r.json.gz")
    assert plain.read_bytes() == record.to_bytes()
    assert gzip.decompress(packed.read_bytes()) == record.to_bytes()
    assert read_record(packed).to_bytes() == read_record(plain).to_bytes()
    assert not list(tmp_path.glob("*.tmp"))


def test_the_board_covers_every_section(record):
    kinds = [e.kind for e in record.board]
    assert kinds[:3] == ["manifest", "committee", "open"]
    assert kinds[-4:] == ["close", "aggregates", "decryption", "results"]
    assert kinds.count("ballot") == len(record.ballots)
    assert record.board[-1].payload_hash == payload_hash("results", record.results)


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("fingerprint",), "abc", "fingerprint"),
        (("credentials",), "nope", "credentials"),
        (("ballots", 0, "signature"), "00", "ballots[0].signature"),
        (("board", "entries", 1, "hash"), 5, "board.entries[1].hash"),
        (("rule", "text"), 3, "rule.text"),
    ],
)
def test_structure_errors_name_the_field(record, path, value, where):
    data = json.loads(record.to_bytes())
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(RecordInvalid) as info:
        ElectionRecord.from_json(data)
    assert info.value.check == "schema"
    assert info.value.where == where


def test_json_with_floats_is_refused():
    with pytest.raises(InputError, match="floats"):
        parse_json(b'{"a": 1.5}', where="x")
    with pytest.raises(InputError, match="floats"):
        canonical_json({"a": 1.5})


def test_steps_out_of_order_are_refused():
    from tinnhiem.ballots import CommitteeMember, Manifest, Official, RoundKind

    source = load_rule_source("qd96-2023")
    manifest = Manifest(
        round_id="r",
        body="b",
        title="t",
        kind=RoundKind.POLL,
        rule_id=source.id,
        rule_version=source.digest,
        officials=(Official("a", "A", "p", 1),),
        summoned=3,
        committee=(CommitteeMember(1, "M"),),
        threshold=1,
        weight_base=4,
    )
    election = Election(manifest, source)
    with pytest.raises(PollStateError):
        election.open([])
    election.key_ceremony()
    election.open([])
    election.close()  # an empty round tallies: every aggregate is the empty sum
    with pytest.raises(PollStateError, match="cannot close now"):
        election.close()
    with pytest.raises(InputError, match="rule_version"):
        Election(manifest.__class__(**{**manifest.__dict__, "rule_version": "sha256:00"}), source)
