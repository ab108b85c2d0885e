"""A whole poll from key ceremony to verified record, and the demo and verify commands."""

from __future__ import annotations

import base64
from dataclasses import replace
from fractions import Fraction

from poll_helpers import build_poll
from typer.testing import CliRunner

from tinnhiem.ballots import Mark, RevotePolicy, cast_ballot
from tinnhiem.cli import app
from tinnhiem.crypto import CredentialKey
from tinnhiem.poll import Election
from tinnhiem.poll.demo import DemoConfig, demo_manifest, demo_marks
from tinnhiem.record import read_record, verify_record, write_record
from tinnhiem.rules import format_percent
from tinnhiem.tally import load_rule_source

runner = CliRunner()


def test_counts_match_the_plaintext_marks(small_poll):
    plain = small_poll.plain_counts()
    results = small_poll.election.results()
    assert results is not None and len(results) == 6
    for r in results:
        marks = plain[r.official.id]
        assert r.issued == 30 and r.returned == 30
        assert r.counts == {
            "high": marks[Mark.HIGH],
            "confident": marks[Mark.CONFIDENT],
            "low": marks[Mark.LOW],
        }
        assert r.blank == marks[Mark.BLANK]
        assert r.valid == 30 - marks[Mark.BLANK]
        assert r.percentages["low"] == format_percent(Fraction(marks[Mark.LOW], 30))


def test_record_round_trips_and_verifies(small_poll, tmp_path):
    record = small_poll.record()
    path = write_record(record, tmp_path / "r.json.gz")
    again = read_record(path)
    assert again.to_bytes() == record.to_bytes()
    report = verify_record(again, workers=2)
    assert report.ballots == 30 and report.counted == 30 and report.rows == 180


def test_trackers_are_on_the_board(small_poll):
    record = small_poll.record()
    for rb in record.ballots:
        # The whole 256-bit ballot hash: 52 base32 characters in 13 groups of 4.
        assert len(rb.tracker) == 64 and rb.tracker.count("-") == 12
        assert base64.b32decode(rb.tracker.replace("-", "") + "====") == rb.hash
        assert record.board[rb.board_index].payload_hash == rb.hash


def test_consequences_are_reevaluated_at_the_two_thirds_boundary():
    # 30 ballots; official 1 gets exactly 20 low (3L = 2N: "2/3 or more" under QĐ 96),
    # official 2 gets 16 low (first band), official 3 gets 15 low (exactly half: no band).
    lows = {0: 20, 1: 16, 2: 15}

    def marks(voter, official, rng):
        return Mark.LOW if voter < lows.get(official, 0) else Mark.HIGH

    poll = build_poll(officials=4, voters=30, marks_fn=marks)
    results = poll.election.results()
    assert [r.outcome.band.id if r.outcome.band else None for r in results] == [
        "two-thirds",
        "over-half",
        None,
        None,
    ]
    assert "relieved_of_posts" in results[0].to_json()["consequences"]
    assert "removed_from_planning" in results[1].to_json()["consequences"]
    verify_record(poll.record(), workers=1)


def test_failed_quorum_has_no_band():
    # 30 summoned, only 19 present (19 < 2/3 × 30): the quorum of QĐ 96 fails.
    poll = build_poll(officials=3, voters=30, issued=19, marks_fn=lambda v, j, rng: Mark.LOW)
    for r in poll.election.results():
        out = r.to_json()
        assert out["quorum"] == "not_met"
        assert out["band"] is None and out["consequences"] == []
        assert r.counts["low"] == 19
    verify_record(poll.record(), workers=1)


def test_exempt_officials_are_left_off_with_their_reason():
    poll = build_poll(
        officials=3, voters=10, exempt=(("Trần Văn Hưu", "Đã có thông báo nghỉ hưu"),)
    )
    record = poll.record()
    assert [e.reason for e in record.manifest.exempt] == ["Đã có thông báo nghỉ hưu"]
    for rb in record.ballots:
        assert [row.official_id for row in rb.ballot.rows] == ["o1", "o2", "o3"]
    assert [r["official"] for r in record.results] == ["o1", "o2", "o3"]
    verify_record(record, workers=1)


def test_formal_vote():
    def marks(voter, official, rng):
        if official == 0:
            return Mark.NO_CONFIDENCE if voter < 16 else Mark.CONFIDENCE  # 16 of 30: > half
        if official == 1:
            return Mark.NO_CONFIDENCE if voter < 15 else Mark.CONFIDENCE  # exactly half
        return None if voter < 2 else Mark.CONFIDENCE

    poll = build_poll(officials=3, voters=30, rule="nq96-2023-formal", marks_fn=marks)
    r0, r1, r2 = poll.election.results()
    assert r0.counts == {"confidence": 14, "no_confidence": 16}
    assert r0.outcome.band is not None and r0.outcome.mandatory
    assert r1.outcome.band is None
    assert r2.counts == {"confidence": 28, "no_confidence": 0} and r2.blank == 2
    verify_record(poll.record(), workers=1)


def test_revote_replaces_the_first_ballot_and_the_record_verifies():
    base = build_poll(officials=2, voters=5)
    manifest = replace(base.election.manifest, revote=RevotePolicy.LAST_COUNTS)
    election = Election(manifest, load_rule_source("qd96-2023"))
    election.key_ceremony()
    keys = [CredentialKey.generate() for _ in range(5)]
    election.open(k.public for k in keys)
    for k in keys:
        election.cast(
            cast_ballot(
                manifest,
                election.fingerprint,
                election.public_key,
                k,
                {"o1": Mark.HIGH, "o2": Mark.HIGH},
            )
        )
    # Voter 0 changes their mind: only the last ballot counts.
    election.cast(
        cast_ballot(manifest, election.fingerprint, election.public_key, keys[0], {"o1": Mark.LOW})
    )
    election.close()
    election.decrypt([2, 3, 4])
    results = election.results()
    assert results[0].counts == {"high": 4, "confident": 0, "low": 1}
    assert results[1].counts == {"high": 4, "confident": 0, "low": 0} and results[1].blank == 1
    record = election.record()
    assert len(record.ballots) == 6 and record.close == {"accepted": 6, "counted": 5}
    verify_record(record, workers=1)


def test_any_three_members_decrypt_the_same_sums(small_poll):
    sums = small_poll.election.sums()
    other = build_poll(seed=7, present=(2, 4, 5))
    # Same seed, same marks: the decrypted sums agree although other members decrypted.
    assert other.election.sums() == sums


def test_demo_and_verify_commands(tmp_path):
    out = tmp_path / "demo.json"
    result = runner.invoke(
        app,
        [
            "demo",
            "--officials",
            "6",
            "--voters",
            "30",
            "--out",
            str(out),
            "--workers",
            "2",
            "--seed",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "record verified" in result.output
    assert "Tổng / total" in result.output
    record = read_record(out)
    assert len(record.manifest.officials) == 6
    # Member 4 is absent; the engine tallies as soon as t = 3 verified shares are in.
    assert record.decryption["present"] == [1, 2, 3]
    result = runner.invoke(app, ["verify", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output


def test_demo_marks_are_seeded():
    source = load_rule_source("qd96-2023")
    config = DemoConfig(officials=10, voters=50, seed=11)
    m1, m2 = demo_manifest(config, source), demo_manifest(config, source)
    assert m1 == m2
    assert demo_marks(config, m1) == demo_marks(config, m2)
    assert len({o.name for o in m1.officials}) == 10


def test_a_voter_finds_their_tracker(small_poll, tmp_path):
    record = small_poll.record()
    path = write_record(record, tmp_path / "r.json")
    mine = record.ballots[4].tracker
    spoken = mine.replace("-", " ").lower()  # as read aloud and typed back
    result = runner.invoke(app, ["verify", str(path), "-w", "1", "--tracker", spoken])
    assert result.exit_code == 0, result.output
    assert f"found: {mine}" in " ".join(result.output.split())
    result = runner.invoke(app, ["verify", str(path), "-w", "1", "--tracker", "AAAA-AAAA-AAAA"])
    assert result.exit_code == 4  # valid record, tracker not on the board (§4.1)
    assert "not found" in result.output


def test_demo_of_a_formal_vote_and_of_a_custom_rule_file(tmp_path):
    out = tmp_path / "formal.json.gz"
    result = runner.invoke(
        app,
        [
            "demo",
            "--officials",
            "3",
            "--voters",
            "12",
            "--rule",
            "nq96-2023-formal",
            "--out",
            str(out),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert read_record(out).manifest.kind.value == "formal_vote"
    text = load_rule_source("qd96-2023").text.replace('id = "qd96-2023"', 'id = "xa-thu-nghiem"')
    custom = tmp_path / "xa.toml"
    custom.write_text(text, encoding="utf-8")
    out = tmp_path / "custom.json"
    result = runner.invoke(
        app,
        [
            "demo",
            "--officials",
            "3",
            "--voters",
            "12",
            "--rule",
            str(custom),
            "--out",
            str(out),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    record = read_record(out)
    assert record.rule["id"] == "xa-thu-nghiem" and record.rule["text"] == text
