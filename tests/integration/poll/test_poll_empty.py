"""A round where nobody votes closes, tallies to zero with the quorum not met, and its record
verifies; records that abuse the empty-sum rule are rejected with the failure named."""

from __future__ import annotations

from dataclasses import replace

import pytest
from poll_helpers import build_poll, reseal
from typer.testing import CliRunner

from tinnhiem.ballots import CommitteeMember, Manifest, Official, RoundKind
from tinnhiem.cli import app
from tinnhiem.crypto import CredentialKey, Point, Scalar
from tinnhiem.poll import Election
from tinnhiem.record import (
    ElectionRecord,
    RecordInvalid,
    read_record,
    verify_record,
    write_record,
)
from tinnhiem.tally import load_rule_source

runner = CliRunner()
EMPTY = bytes(64)
ALPHA_IDENTITY_BETA_G = bytes(32) + Point.base_mul(Scalar.from_int(1)).to_bytes()


def empty_round(*, issued: int = 3, summoned: int = 10, rule: str = "qd96-2023") -> Election:
    """Credentials issued to ``issued`` of ``summoned``, then nobody casts."""
    source = load_rule_source(rule)
    manifest = Manifest(
        round_id="empty",
        body="Hội đồng nhân dân xã (thử)",
        title="Không ai bỏ phiếu",
        kind=RoundKind(source.rule.kind.value),
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(Official(f"o{i}", f"Người {i}", "Chức vụ", i) for i in (1, 2, 3)),
        summoned=summoned,
        committee=tuple(CommitteeMember(i, f"Thành viên {i}") for i in range(1, 6)),
        threshold=3,
        weight_base=summoned + 1,
        date="2026-11-29",
    )
    election = Election(manifest, source)
    election.key_ceremony()
    election.open(CredentialKey.generate().public for _ in range(issued))
    election.close()
    election.decrypt([1, 2, 3])
    election.results()
    return election


@pytest.fixture(scope="module")
def empty_record() -> ElectionRecord:
    return empty_round().record()


def _invalid(record: ElectionRecord) -> RecordInvalid:
    with pytest.raises(RecordInvalid) as info:
        verify_record(record, workers=1)
    return info.value


def test_the_empty_round_closes_and_tallies_to_zero(empty_record):
    data = empty_record.to_json()
    assert data["close"] == {"accepted": 0, "counted": 0}
    assert data["aggregates"] == [EMPTY.hex()] * 3
    assert data["decryption"] == {"present": [], "shares": [], "sums": [0, 0, 0]}
    for row in data["results"]:
        assert row["counts"] == {"high": 0, "confident": 0, "low": 0}
        assert (row["issued"], row["returned"], row["valid"], row["blank"]) == (3, 0, 0, 0)
        assert row["quorum"] == "not_met"  # 3 of 10 present, 2/3 needed
        assert row["band"] is None and row["consequences"] == []
    assert [e.kind for e in empty_record.board][-4:] == [
        "close",
        "aggregates",
        "decryption",
        "results",
    ]


def test_the_empty_record_verifies_and_the_cli_says_valid(empty_record, tmp_path):
    report = verify_record(empty_record, workers=1)
    assert (report.ballots, report.counted, report.officials) == (0, 0, 3)
    path = write_record(empty_record, tmp_path / "empty.json")
    assert read_record(path).to_bytes() == empty_record.to_bytes()
    result = runner.invoke(app, ["verify", str(path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "HỢP LỆ / VALID" in result.output


def test_an_empty_round_with_everyone_present_and_no_ballot():
    """Quorum met (every credential issued) and still nobody casts: zero counts, no band."""
    record = empty_round(issued=10).record()
    assert {r["quorum"] for r in record.results} == {"met"}
    assert {r["band"] for r in record.results} == {None}
    verify_record(record, workers=1)


def test_an_empty_formal_vote_verifies():
    record = empty_round(rule="nq96-2023-formal").record()
    assert record.results[0]["counts"] == {"confidence": 0, "no_confidence": 0}
    verify_record(record, workers=1)


def test_a_real_sum_replaced_by_the_empty_sum_is_rejected(tmp_path):
    record = build_poll(officials=3, voters=6).record()
    aggregates = list(record.aggregates)
    aggregates[1] = EMPTY
    forged = reseal(replace(record, aggregates=tuple(aggregates)))
    err = _invalid(forged)
    assert (err.check, err.where) == ("aggregates", "aggregates[1]")
    assert "6 ballot(s) were counted" in str(err)
    path = write_record(forged, tmp_path / "forged.json")
    result = runner.invoke(app, ["verify", str(path), "--workers", "1"])
    assert result.exit_code == 1
    assert "aggregates[1]" in result.output


def test_every_real_sum_replaced_by_the_empty_sum_with_no_shares_is_rejected():
    """The server claims an empty round while ballots were counted: refused at the first
    aggregate, before the missing decryption could matter."""
    record = build_poll(officials=2, voters=4).record()
    forged = replace(
        record,
        aggregates=(EMPTY, EMPTY),
        decryption={"present": [], "shares": [], "sums": [0, 0]},
    )
    err = _invalid(reseal(forged))
    assert (err.check, err.where) == ("aggregates", "aggregates[0]")


@pytest.mark.parametrize("counted", [False, True])
def test_alpha_identity_with_beta_not_identity_is_rejected(empty_record, counted):
    record = build_poll(officials=3, voters=4).record() if counted else empty_record
    aggregates = list(record.aggregates)
    aggregates[2] = ALPHA_IDENTITY_BETA_G
    err = _invalid(reseal(replace(record, aggregates=tuple(aggregates))))
    assert (err.check, err.where) == ("aggregates", "aggregates[2]")
    assert "α is the identity but β is not" in str(err)


def test_a_share_recorded_for_the_empty_sum_is_rejected(empty_record):
    share = build_poll(officials=3, voters=4).record().decryption["shares"][0]
    forged = replace(
        empty_record,
        decryption={"present": [share["member"]], "shares": [share], "sums": [0, 0, 0]},
    )
    err = _invalid(reseal(forged))
    assert (err.check, err.where) == ("decryption", "decryption.shares")
    assert "never decrypted" in str(err)


def test_a_nonzero_sum_for_the_empty_sum_is_rejected(empty_record):
    forged = replace(empty_record, decryption={"present": [], "shares": [], "sums": [0, 1, 0]})
    err = _invalid(reseal(forged))
    assert (err.check, err.where) == ("decryption", "decryption.sums[1]")


def test_a_quorum_claimed_for_the_empty_round_is_rejected(empty_record):
    results = [dict(r) for r in empty_record.results]
    results[0]["quorum"] = "met"
    err = _invalid(reseal(replace(empty_record, results=results)))
    assert (err.check, err.where) == ("results", "results[0].quorum")
