"""Any electorate (issue 12): the per-level encoding end to end (engine → record → verify),
tampered rows refused, the streaming record verifying exactly as the JSON one, and the
verification on a local Dask cluster agreeing with one process."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from poll_helpers import build_poll, reseal, with_row
from typer.testing import CliRunner

from tinnhiem.ballots import Encoding, Manifest, Mark, RoundKind, encoding_for
from tinnhiem.cli import app
from tinnhiem.errors import InputError
from tinnhiem.record import RecordInvalid, read_record, verify_record, write_record
from tinnhiem.record.stream import StreamSource

runner = CliRunner()


@pytest.fixture(scope="module")
def levels_poll():
    return build_poll(officials=4, voters=12, encoding=Encoding.PER_LEVEL, seed=11)


@pytest.fixture(scope="module")
def levels_formal():
    return build_poll(
        officials=2, voters=9, rule="nq96-2023-formal", encoding=Encoding.PER_LEVEL, seed=3
    )


def _counts(poll) -> dict[str, dict[str, int]]:
    plain = poll.plain_counts()
    return {
        oid: {m.value: n for m, n in c.items() if m is not Mark.BLANK} for oid, c in plain.items()
    }


def test_the_manifest_chooses_the_encoding():
    assert encoding_for(2000) is Encoding.PACKED
    assert encoding_for(2001) is Encoding.PER_LEVEL
    poll = build_poll(officials=1, voters=3, summoned=50_000, encoding=Encoding.PER_LEVEL)
    m = poll.election.manifest
    assert m.to_json()["encoding"] == "per_level" and m.weight_base == 50_001
    assert m.columns == 3 and m.dlog_bound(3) == 3
    with pytest.raises(InputError, match="per-level encoding"):
        Manifest.from_json({**m.to_json(), "encoding": "packed"} | {"encoding": "packed"})


def test_per_level_poll_end_to_end(levels_poll, tmp_path):
    poll = levels_poll
    record = poll.record()
    m = record.manifest
    assert m.encoding is Encoding.PER_LEVEL
    row = record.ballots[0].ballot.rows[0]
    assert len(row.ciphertext) == 3 * 64 and len(row.proof) == 4 * 256
    assert len(record.aggregates) == 4 * 3
    report = verify_record(read_record(write_record(record, tmp_path / "r.json.gz")), workers=1)
    assert report.counted == 12
    plain = poll.plain_counts()
    for result in record.results:
        want = plain[result["official"]]
        assert result["counts"] == {
            "high": want[Mark.HIGH],
            "confident": want[Mark.CONFIDENT],
            "low": want[Mark.LOW],
        }
        assert result["blank"] == want[Mark.BLANK]


def test_per_level_formal_vote_end_to_end(levels_formal):
    record = levels_formal.record()
    assert record.manifest.kind is RoundKind.FORMAL_VOTE
    assert len(record.aggregates) == 2 * 2
    verify_record(record, workers=1)
    plain = levels_formal.plain_counts()
    for result in record.results:
        want = plain[result["official"]]
        assert result["counts"] == {
            "confidence": want[Mark.CONFIDENCE],
            "no_confidence": want[Mark.NO_CONFIDENCE],
        }


def _refused(record, *, keys=None) -> RecordInvalid:
    with pytest.raises(RecordInvalid) as info:
        verify_record(reseal(record, keys), workers=1)
    return info.value


def test_a_row_marking_two_levels_is_refused(levels_poll):
    """A voter who encrypts 1 at two levels (both 0/1 proofs honest) cannot prove the sum."""
    from tinnhiem.ballots import row_binding
    from tinnhiem.ballots.rows import level_binding
    from tinnhiem.crypto import Ciphertext, Context, encrypt, prove_in_set

    poll = levels_poll
    record = poll.record()
    fp, pk = record.fingerprint, poll.election.public_key
    ballot = record.ballots[3].ballot
    binding = row_binding(fp, ballot.credential, ballot.rows[1].official_id)
    ctx = Context(fp)
    cts, proofs, nonces = [], [], []
    for j, bit in enumerate((1, 1, 0)):
        ct, r = encrypt(pk, bit)
        cts.append(ct)
        nonces.append(r)
        proofs.append(
            prove_in_set(ctx, pk, ct, bit, r, (0, 1), binding=level_binding(binding, j + 1))
        )
    total = Ciphertext.sum(cts)
    # the best a cheat can do for the sum: a proof for another value (it cannot prove 2)
    forged = prove_in_set(
        ctx,
        pk,
        total,
        1,
        nonces[0] + nonces[1] + nonces[2],
        (0, 1),
        binding=level_binding(binding, 0),
    )
    tampered = with_row(
        record,
        3,
        1,
        ciphertext=b"".join(c.to_bytes() for c in cts),
        proof=b"".join(p.to_bytes() for p in [*proofs, forged]),
    )
    error = _refused(tampered, keys=poll.keys)
    assert (error.check, error.where) == ("ballot", "ballots[3].rows[1].proof")


def test_a_tampered_level_ciphertext_is_refused(levels_poll):
    record = levels_poll.record()
    row = record.ballots[5].ballot.rows[2]
    swapped = row.ciphertext[64:128] + row.ciphertext[:64] + row.ciphertext[128:]
    error = _refused(with_row(record, 5, 2, ciphertext=swapped), keys=levels_poll.keys)
    assert error.where == "ballots[5].rows[2].proof"


def test_a_row_of_the_packed_shape_is_refused_in_a_per_level_round(levels_poll):
    record = levels_poll.record()
    row = record.ballots[2].ballot.rows[0]
    error = _refused(with_row(record, 2, 0, ciphertext=row.ciphertext[:64]), keys=levels_poll.keys)
    assert error.where == "ballots[2].rows[0].ct"


def test_a_changed_per_level_sum_is_refused(levels_poll):
    record = levels_poll.record()
    sums = list(record.decryption["sums"])
    sums[4] += 1
    changed = replace(record, decryption={**record.decryption, "sums": sums})
    error = _refused(changed)
    assert (error.check, error.where) == ("decryption", "decryption.sums[4]")


# -- the streaming record ----------------------------------------------------------------


def _verdict(path: Path, **kw) -> tuple[str, str] | None:
    try:
        if path.name.endswith((".jsonl", ".jsonl.gz")):
            verify_record(StreamSource(path), **kw)
        else:
            verify_record(read_record(path), **kw)
    except RecordInvalid as exc:
        return exc.check, str(exc.where)
    return None


@pytest.mark.parametrize("name", ["r.jsonl", "r.jsonl.gz"])
def test_the_streaming_record_verifies_as_the_json_one(levels_poll, tmp_path, name):
    record = levels_poll.record()
    whole = write_record(record, tmp_path / "r.json")
    stream = write_record(record, tmp_path / name)
    lines = _lines(stream)
    assert len(lines) == 1 + len(record.ballots)
    assert json.loads(lines[0])["format"] == "tinnhiem-record-stream"
    assert json.loads(lines[0])["ballot_count"] == len(record.ballots)
    assert StreamSource(stream).whole().to_bytes() == whole.read_bytes()
    assert _verdict(stream, workers=1) is None and _verdict(whole, workers=1) is None
    for args in (["-w", "1"], ["-w", "2"]):
        result = runner.invoke(app, ["verify", str(stream), *args])
        assert result.exit_code == 0, result.output


def _lines(path: Path) -> list[bytes]:
    import gzip

    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.splitlines()


def _tampered_pair(record, tmp_path: Path, change) -> tuple[Path, Path]:
    data = json.loads(record.to_bytes())
    change(data)
    whole = tmp_path / "t.json"
    whole.write_text(json.dumps(data))
    header = {k: v for k, v in data.items() if k != "ballots"}
    header |= {"format": "tinnhiem-record-stream", "ballot_count": len(data["ballots"])}
    stream = tmp_path / "t.jsonl"
    stream.write_text("\n".join(json.dumps(x) for x in [header, *data["ballots"]]) + "\n")
    return whole, stream


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["ballots"][7]["rows"][1].update(zz=1), "ballots[7].rows[1].zz"),
        (
            lambda d: d["ballots"][6].update(tracker=d["ballots"][5]["tracker"]),
            "ballots[6].tracker",
        ),
        (
            lambda d: d["ballots"][4]["rows"][0].update(proof=d["ballots"][5]["rows"][0]["proof"]),
            "ballots[4].hash",
        ),
        (lambda d: d["decryption"]["sums"].__setitem__(0, 99), "decryption"),
        (lambda d: d["signatures"].reverse(), "signatures[0].member"),
    ],
)
def test_a_tampered_streaming_record_fails_where_the_json_one_does(
    levels_poll, tmp_path, change, where
):
    whole, stream = _tampered_pair(levels_poll.record(), tmp_path, change)
    verdict = _verdict(whole, workers=1)
    assert verdict is not None and verdict[1] == where
    assert _verdict(stream, workers=1) == verdict
    assert _verdict(stream, workers=2) == verdict


def test_a_stream_with_a_missing_ballot_line_is_refused(levels_poll, tmp_path):
    stream = write_record(levels_poll.record(), tmp_path / "r.jsonl")
    lines = stream.read_bytes().splitlines(keepends=True)
    stream.write_bytes(b"".join(lines[:-1]))
    with pytest.raises(RecordInvalid) as info:
        StreamSource(stream)
    assert info.value.where == "ballot_count"


# -- verification on Dask ----------------------------------------------------------------


def test_dask_local_gives_the_single_process_verdict(levels_poll, tmp_path):
    pytest.importorskip("distributed")
    record = levels_poll.record()
    good = write_record(record, tmp_path / "good.jsonl")
    _whole, bad = _tampered_pair(
        record,
        tmp_path,
        lambda d: d["ballots"][9]["rows"][3].update(proof=d["ballots"][9]["rows"][2]["proof"]),
    )
    # re-seal the tampered one so that only the proof check can catch it
    tampered = reseal(
        with_row(record, 9, 3, proof=record.ballots[9].ballot.rows[2].proof),
        levels_poll.keys,
    )
    forged = write_record(tampered, tmp_path / "forged.jsonl")
    single = _verdict(forged, workers=1)
    assert single == ("ballot", "ballots[9].rows[3].proof")
    for path, expected in ((good, None), (forged, single)):
        result = runner.invoke(app, ["verify", str(path), "--dask", "local", "-w", "2"])
        assert result.exit_code == (0 if expected is None else 1), result.output
        if expected is not None:
            assert f"check: {expected[0]}; tại / at: {expected[1]}" in " ".join(
                result.output.split()
            )
    assert bad.exists()
