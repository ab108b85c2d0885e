"""The streaming record's first pass (parsing and schema of every ballot line) runs on the
verifier's runner in chunks; the failure it reports is the first in file order, as when one
process reads the lines."""

from __future__ import annotations

import json

import pytest
from poll_helpers import build_poll

from tinnhiem.ballots import Encoding
from tinnhiem.record import RecordInvalid, RecordUnreadable, write_record
from tinnhiem.record import stream as stream_module
from tinnhiem.record.runner import PoolRunner
from tinnhiem.record.stream import StreamSource


@pytest.fixture(scope="module")
def poll():
    return build_poll(officials=2, voters=12, encoding=Encoding.PER_LEVEL, seed=5)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(stream_module, "SCAN_LINES", 2)  # twelve ballots: six chunks


def _spoil(path, edits):
    lines = path.read_bytes().splitlines(keepends=True)
    for index, change in edits.items():
        lines[index + 1] = change(lines[index + 1])  # line 0 is the header
    path.write_bytes(b"".join(lines))


def _extra_key(line: bytes) -> bytes:
    data = json.loads(line)
    data["zz"] = 1
    return (json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n").encode()


def _broken(line: bytes) -> bytes:
    return b"{not json\n"


@pytest.mark.usefixtures("small_chunks")
def test_the_first_failure_in_file_order_whatever_the_runner(poll, tmp_path) -> None:
    path = write_record(poll.record(), tmp_path / "r.jsonl")
    _spoil(path, {9: _broken, 5: _extra_key})  # an unreadable line after a schema failure
    with pytest.raises(RecordInvalid) as one:
        StreamSource(path)
    runner = PoolRunner(2)
    try:
        with pytest.raises(RecordInvalid) as pool:
            StreamSource(path, runner=runner)
    finally:
        runner.close()
    assert one.value.where == pool.value.where == "ballots[5].zz"
    assert one.value.check == pool.value.check == "schema"


@pytest.mark.usefixtures("small_chunks")
def test_an_unreadable_line_before_a_schema_failure_is_reported_first(poll, tmp_path) -> None:
    path = write_record(poll.record(), tmp_path / "r.jsonl")
    _spoil(path, {3: _broken, 8: _extra_key})
    runner = PoolRunner(2)
    try:
        with pytest.raises(RecordUnreadable) as info:
            StreamSource(path, runner=runner)
    finally:
        runner.close()
    assert "ballots[3]" in str(info.value)


@pytest.mark.usefixtures("small_chunks")
def test_a_clean_stream_gives_the_same_references_on_a_pool(poll, tmp_path) -> None:
    path = write_record(poll.record(), tmp_path / "r.jsonl")
    runner = PoolRunner(2)
    try:
        parallel = StreamSource(path, runner=runner).refs()
    finally:
        runner.close()
    assert parallel == StreamSource(path).refs() and len(parallel) == 12


# -- the second pass: ballot lines checked on the runner, the arrival policy in order --------


def _both(record, tmp_path):
    whole = write_record(record, tmp_path / "t.json")
    stream = write_record(record, tmp_path / "t.jsonl")
    return whole, stream


def _verdict(record_or_source, **kw):
    from tinnhiem.record import verify_record

    try:
        verify_record(record_or_source, **kw)
    except RecordInvalid as exc:
        return exc.check, exc.where
    return None


def _forgeries(poll):
    """Resealed records (hashes, trackers, board rebuilt; head signatures then fail last, so
    the ballots step must name the forgery first): a bad proof, a replayed α, a copy."""
    from dataclasses import replace

    from poll_helpers import reseal, with_row

    record = poll.record()
    keys = poll.keys  # the voters' keys: the forged ballots are signed again
    proof = record.ballots[3].ballot.rows[1].proof
    bad_proof = reseal(with_row(record, 7, 1, proof=proof), keys)
    alpha_from = record.ballots[2].ballot.rows[0].ciphertext
    replayed = reseal(with_row(record, 9, 0, ciphertext=alpha_from), keys)
    copied = reseal(
        replace(record, ballots=(*record.ballots[:5], record.ballots[1], *record.ballots[6:])),
        keys,
    )
    return {"bad_proof": bad_proof, "replay": replayed, "copy": copied}


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("kind", ["bad_proof", "replay", "copy"])
def test_the_stream_and_the_document_fail_at_the_same_place(poll, tmp_path, kind) -> None:
    forged = _forgeries(poll)[kind]
    whole, stream = _both(forged, tmp_path)
    from tinnhiem.record import read_record

    expected = _verdict(read_record(whole), workers=1)
    assert expected is not None and expected[1].startswith("ballots[")
    assert _verdict(StreamSource(stream), workers=1) == expected
    runner = PoolRunner(2)
    try:
        assert _verdict(StreamSource(stream, runner=runner), runner=runner) == expected
    finally:
        runner.close()


def test_lines_go_by_place_to_local_workers_and_as_bytes_elsewhere(poll, tmp_path) -> None:
    """An uncompressed stream's chunks say where their lines lie when the workers read this
    machine's files; a gzip stream's, and any chunk for a remote cluster, carry the bytes.
    Either way the lines are the same."""
    from tinnhiem.record.stream import FileSlice, resolve_lines

    plain = StreamSource(write_record(poll.record(), tmp_path / "r.jsonl"))
    packed = StreamSource(write_record(poll.record(), tmp_path / "r.jsonl.gz"))
    by_place = list(plain.chunks(5))
    as_bytes = list(plain.chunks(5, by_place=False))
    zipped = list(packed.chunks(5))
    assert all(isinstance(lines, FileSlice) for _, _, lines in by_place)
    assert all(isinstance(lines, list) for _, _, lines in as_bytes + zipped)
    assert [(s, n) for s, n, _ in by_place] == [(0, 5), (5, 5), (10, 2)]
    assert [resolve_lines(x) for _, _, x in by_place] == [x for _, _, x in as_bytes]
    assert [x for _, _, x in as_bytes] == [x for _, _, x in zipped]
