"""Alter every kind of field of a record in turn: the verifier rejects each and names it.

Each change is tried twice: as is (the board's hash chain or the ballot hash catches it),
and "resealed" — ballots re-signed with the voters' keys, every hash, tracker and the whole
board chain recomputed — so that only the deep check (proof, sum, decryption, rule) is
left to catch it.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from poll_helpers import reseal, with_row
from typer.testing import CliRunner

from tinnhiem.cli import app
from tinnhiem.crypto import CredentialKey, Point, Scalar
from tinnhiem.record import ElectionRecord, RecordInvalid, verify_record, write_record

runner = CliRunner()


def _flip_hex(text: str, at: int = 0) -> str:
    digit = text[at]
    return text[:at] + ("1" if digit != "1" else "2") + text[at + 1 :]


def _other_point() -> bytes:
    return Point.base_mul(Scalar.from_int(12345)).to_bytes()


def _mutate_manifest(r: ElectionRecord) -> ElectionRecord:
    return replace(r, manifest=replace(r.manifest, title=r.manifest.title + " (sửa)"))


def _mutate_credential(r: ElectionRecord) -> ElectionRecord:
    creds = sorted([CredentialKey.generate().public, *r.credentials[1:]])
    return replace(r, credentials=tuple(creds))


def _mutate_row_ct(r: ElectionRecord) -> ElectionRecord:
    row = r.ballots[3].ballot.rows[2]
    return with_row(r, 3, 2, ciphertext=row.ciphertext[:32] + _other_point())


def _mutate_proof_scalar(r: ElectionRecord) -> ElectionRecord:
    proof = bytearray(r.ballots[4].ballot.rows[1].proof)
    s = Scalar.from_bytes(bytes(proof[96:128])) + Scalar.from_int(1)  # branch 0's s
    proof[96:128] = s.to_bytes()
    return with_row(r, 4, 1, proof=bytes(proof))


def _mutate_tracker(r: ElectionRecord) -> ElectionRecord:
    ballots = list(r.ballots)
    ballots[5] = replace(ballots[5], tracker="AAAA-AAAA-AAAA")
    return replace(r, ballots=tuple(ballots))


def _mutate_board_hash(r: ElectionRecord) -> ElectionRecord:
    board = list(r.board)
    board[7] = replace(board[7], hash=bytes(32))
    return replace(r, board=tuple(board))


def _mutate_aggregate(r: ElectionRecord) -> ElectionRecord:
    aggs = list(r.aggregates)
    aggs[1] = aggs[1][:32] + _other_point()
    return replace(r, aggregates=tuple(aggs))


def _mutate_share(r: ElectionRecord) -> ElectionRecord:
    d = json.loads(json.dumps(r.decryption))
    d["shares"][1]["factors"][2] = _other_point().hex()
    return replace(r, decryption=d)


def _mutate_count(r: ElectionRecord) -> ElectionRecord:
    results = json.loads(json.dumps(r.results))
    results[0]["counts"]["high"] += 1
    return replace(r, results=results)


def _mutate_consequence(r: ElectionRecord) -> ElectionRecord:
    results = json.loads(json.dumps(r.results))
    results[2]["consequences"] = ["relieved_of_posts"]
    return replace(r, results=results)


def _mutate_sum(r: ElectionRecord) -> ElectionRecord:
    d = json.loads(json.dumps(r.decryption))
    d["sums"][0] += 1
    return replace(r, decryption=d)


# (name, mutation, where it is named as is, where it is named once resealed: None when
# resealing undoes the change, "*" for any index)
CASES = [
    ("manifest field", _mutate_manifest, "manifest", "committee"),
    ("credential", _mutate_credential, "credentials", "ballots[*].credential"),
    ("ballot row ciphertext", _mutate_row_ct, "ballots[3].hash", "ballots[3].rows[2]"),
    ("proof scalar", _mutate_proof_scalar, "ballots[4].hash", "ballots[4].rows[1].proof"),
    ("tracker", _mutate_tracker, "ballots[5].tracker", None),
    ("board hash", _mutate_board_hash, "board.entries[7]", None),
    ("aggregate", _mutate_aggregate, "aggregates", "aggregates[1]"),
    ("decryption share", _mutate_share, "decryption", "decryption.shares[1]"),
    ("decrypted sum", _mutate_sum, "decryption", "decryption.sums[0]"),
    ("count", _mutate_count, "results", "results[0].counts.high"),
    ("consequence", _mutate_consequence, "results", "results[2].consequences"),
]


def _matches(where: str, expected: str) -> bool:
    if "*" not in expected:
        return where.startswith(expected)
    head, tail = expected.split("*")
    return where.startswith(head) and where.endswith(tail)


def _where(record: ElectionRecord) -> str:
    with pytest.raises(RecordInvalid) as info:
        verify_record(record, workers=1)
    return info.value.where or ""


def test_the_untouched_record_verifies(small_poll):
    verify_record(small_poll.record(), workers=1)


@pytest.mark.parametrize(("name", "mutate", "plain", "sealed"), CASES, ids=[c[0] for c in CASES])
def test_each_alteration_is_named(small_poll, name, mutate, plain, sealed):
    record = small_poll.record()
    assert _matches(_where(mutate(record)), plain), name
    if sealed is not None:
        forged = reseal(mutate(record), small_poll.keys)
        assert _matches(_where(forged), sealed), name


def test_the_manifest_change_is_caught_by_the_ceremony_once_resealed(small_poll):
    forged = reseal(_mutate_manifest(small_poll.record()), small_poll.keys)
    with pytest.raises(RecordInvalid) as info:
        verify_record(forged, workers=1)
    assert info.value.check == "committee"  # the DKG proofs are bound to the manifest


def test_a_ballot_signed_by_someone_else_is_named(small_poll):
    # Resealed without the voters' keys: the signatures no longer match the rows.
    forged = reseal(_mutate_row_ct(small_poll.record()))
    assert _where(forged) == "ballots[3].signature"


def test_a_duplicated_ballot_is_named(small_poll):
    record = small_poll.record()
    ballots = [*record.ballots[:6], record.ballots[2], *record.ballots[6:]]
    ballots = [replace(b, board_index=3 + i) for i, b in enumerate(ballots)]
    forged = reseal(replace(record, ballots=tuple(ballots)), small_poll.keys)
    with pytest.raises(RecordInvalid) as info:
        verify_record(forged, workers=1)
    assert info.value.where.startswith("ballots[6]")


def test_a_replayed_ciphertext_is_named(small_poll):
    record = small_poll.record()
    copied = record.ballots[0].ballot.rows[0]
    forged = reseal(
        with_row(record, 8, 0, ciphertext=copied.ciphertext, proof=copied.proof), small_poll.keys
    )
    assert _where(forged) == "ballots[8].rows[0].ct"


def test_verify_command_exits_1_and_names_the_failure(small_poll, tmp_path):
    path = write_record(
        reseal(_mutate_count(small_poll.record()), small_poll.keys), tmp_path / "bad.json"
    )
    result = runner.invoke(app, ["verify", str(path), "--workers", "1"])
    assert result.exit_code == 1
    assert "INVALID" in result.output
    assert "results[0].counts.high" in result.output


@pytest.mark.parametrize(
    ("section", "value"),
    [
        ("committee", {"key": {}, "commits": ["x"], "reveals": []}),
        ("decryption", {"present": [1], "shares": ["not a share"], "sums": []}),
        ("decryption", {"present": "all", "shares": [], "sums": None}),
    ],
)
def test_malformed_inner_sections_are_named_not_crashing(small_poll, section, value):
    forged = reseal(replace(small_poll.record(), **{section: value}), small_poll.keys)
    with pytest.raises(RecordInvalid) as info:
        verify_record(forged, workers=1)
    assert info.value.where.startswith(section)
