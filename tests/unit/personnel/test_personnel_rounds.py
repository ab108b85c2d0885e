"""Personnel ballots (issue 14): choose at most k, agree/disagree; sealed with proofs,
tallied, decided by the procedure file, verified, and linked step to step."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tinnhiem.ballots import (
    BallotRejected,
    Manifest,
    Mark,
    RoundKind,
    election_fingerprint,
    seal_ballot,
    verify_ballot,
    verify_ballots,
)
from tinnhiem.ballots.ballot import Ballot, BallotRow
from tinnhiem.ballots.manifest import ListSource, PersonnelStep, StepLink
from tinnhiem.crypto import CredentialKey, KeyPair, sign
from tinnhiem.errors import InputError
from tinnhiem.poll import check_audit
from tinnhiem.poll.personnel import Candidate, next_candidates, run_step, step_manifest
from tinnhiem.record import ElectionRecord, RecordInvalid, verify_record
from tinnhiem.record.link import verify_link
from tinnhiem.tally import load_procedure_text

C = Mark.CHOSEN
QD80 = "appointment-qd80-2022"
CANDIDATES = [
    Candidate("an", "Nguyễn Văn An", "Phó Giám đốc"),
    Candidate("binh", "Trần Thị Bình", "Trưởng phòng"),
    Candidate("chi", "Lê Văn Chí", "Trưởng phòng"),
]


def _manifest(step: str, candidates=CANDIDATES, previous=None, summoned=9, rid="r-b2"):
    return step_manifest(
        load_procedure_text(QD80),
        step,
        candidates,
        round_id=rid,
        body="Sở Tư pháp tỉnh X",
        summoned=summoned,
        committee=["Ủy viên 1", "Ủy viên 2", "Ủy viên 3"],
        threshold=2,
        post="Giám đốc Sở",
        list_source=ListSource.PLANNING,
        previous=previous,
    )


def _reread(record: ElectionRecord) -> ElectionRecord:
    return ElectionRecord.from_json(json.loads(record.to_bytes()))


@pytest.fixture(scope="module")
def step2() -> ElectionRecord:
    ballots = [{"an": C}] * 4 + [{"binh": C}] * 3 + [{"chi": C}] + [{}]
    election = run_step(_manifest("b2-introduce"), load_procedure_text(QD80), ballots)
    record = _reread(election.record())
    verify_record(record, workers=1)
    return record


@pytest.fixture(scope="module")
def step3(step2: ElectionRecord) -> ElectionRecord:
    m = _manifest("b3-leadership", next_candidates(step2), previous=step2, rid="r-b3", summoned=7)
    ballots = [{"an": C}] * 5 + [{"binh": C}] * 2
    record = _reread(run_step(m, load_procedure_text(QD80), ballots).record())
    verify_record(record, workers=1)
    return record


def test_choose_round_counts_and_decision(step2: ElectionRecord) -> None:
    r = step2.results
    assert isinstance(r, dict)
    assert [(c["id"], c["votes"], c["share"]) for c in r["candidates"]] == [
        ("an", 4, "4/9"),
        ("binh", 3, "1/3"),
        ("chi", 1, "1/9"),
    ]
    # nobody above 50% of the 9 summoned: the two highest go on (QĐ 105, step 2)
    assert r["status"] == "none_reached" and r["advancing"] == ["an", "binh"]
    assert r["action"] == "top_n" and r["next_step"] == "b3-leadership"
    assert [x["cite"] for x in r["reasons"]] == [
        "qd80-steps",
        "base-not-found",
        "qd105-step2",
        "qd105-step2",
    ]
    assert not any(x["verified"] for x in r["reasons"])
    assert r["announce_at_meeting"] is False


def test_linked_step_verifies_and_refuses_another_list(
    step2: ElectionRecord, step3: ElectionRecord
) -> None:
    verify_link(step3, step2)
    assert step3.results["status"] == "passed" and step3.results["advancing"] == ["an"]
    # a forged list (chi added) is refused against the previous record
    forged = replace(
        step3,
        manifest=replace(
            step3.manifest,
            officials=(
                *step3.manifest.officials,
                replace(step3.manifest.officials[0], id="chi", order=3),
            ),
        ),
    )
    with pytest.raises(RecordInvalid) as exc:
        verify_link(forged, step2)
    assert exc.value.where == "manifest.officials"
    # another previous record (its head differs)
    other = replace(step2, head=bytes(32))
    with pytest.raises(RecordInvalid) as exc:
        verify_link(step3, other)
    assert exc.value.where == "manifest.personnel.previous.head"


def test_agree_disagree_round_with_head_decides(step3: ElectionRecord) -> None:
    proc = load_procedure_text(QD80)
    m = _manifest("b5-decide", next_candidates(step3), previous=step3, rid="r-b5", summoned=8)
    ballots = [{"an": Mark.AGREE}] * 4 + [{"an": Mark.DISAGREE}] * 3 + [{}]
    record = _reread(run_step(m, proc, ballots).record())
    verify_record(record, workers=1)
    r = record.results
    assert isinstance(r, dict)
    assert r["candidates"][0] | {} == {
        "id": "an",
        "votes": 4,
        "disagree": 3,
        "blank": 1,
        "share": "1/2",
        "percentage": "50.00",
        "reached": False,
        "at_threshold": True,
    }
    # exactly 50% of the 8 summoned: the head decides (a person must settle it)
    assert r["status"] == "at_threshold" and r["pending"] and r["action"] == "head_decides"
    assert r["advancing"] == []
    verify_link(record, step3)


def test_tampered_decision_is_named(step2: ElectionRecord) -> None:
    data = json.loads(step2.to_bytes())
    data["results"]["advancing"] = ["an"]
    record = ElectionRecord.from_json(data)
    with pytest.raises(RecordInvalid) as exc:
        verify_record(record, workers=1)
    assert exc.value.check in ("board", "results")


def test_choose_ballot_proofs() -> None:
    m = _manifest("b2-introduce")
    m2 = replace(m, personnel=replace(m.personnel, k=2))
    kp = KeyPair.generate()
    fp = election_fingerprint(m, kp.public.to_bytes())
    cred = CredentialKey.from_seed(bytes(32))
    sealed = seal_ballot(m, fp, kp.public, cred, {"binh": C})
    assert verify_ballot(m, fp, kp.public, sealed.ballot)
    assert [r.mark for r in check_audit(m, kp.public, sealed.ballot, sealed.reveal)] == ["binh"]
    with pytest.raises(InputError):
        seal_ballot(m, fp, kp.public, cred, {"an": C, "binh": C})
    with pytest.raises(InputError):
        seal_ballot(m, fp, kp.public, cred, {"an": Mark.AGREE})
    # a ballot naming two, sealed as if k were 2, is refused under k = 1
    fp2 = election_fingerprint(m2, kp.public.to_bytes())
    two = seal_ballot(m2, fp2, kp.public, cred, {"an": C, "binh": C}).ballot
    row = two.rows[0]
    short = row.proof[: len(row.proof) - 128]  # a sum proof over {0, 1} has one branch fewer
    rows = (BallotRow(row.official_id, row.ciphertext, short),)
    forged = Ballot(cred.public, rows, sign(cred, Ballot.content_digest(fp, cred.public, rows)))
    with pytest.raises(BallotRejected):
        verify_ballot(m, fp, kp.public, forged)
    assert verify_ballots(m, fp, kp.public, [sealed.ballot, forged])[0] is None
    assert verify_ballots(m, fp, kp.public, [sealed.ballot, forged])[1] is not None


def test_manifest_checks() -> None:
    m = _manifest("b2-introduce")
    assert Manifest.from_json(m.to_json()) == m
    assert m.columns == 4 and m.row_ids == ("choice",) and m.sum_allowed() == (1,)
    with pytest.raises(InputError):
        replace(m, personnel=replace(m.personnel, k=4))
    with pytest.raises(InputError):
        replace(m, kind=RoundKind.POLL)
    with pytest.raises(InputError):  # a linked list needs its link
        replace(m, personnel=PersonnelStep("b3-leadership", 1, "", ListSource.PREVIOUS))
    with pytest.raises(InputError):
        replace(
            m,
            personnel=PersonnelStep(
                "b3", 1, "", ListSource.PREVIOUS, StepLink("r", "b2", "zz" * 32)
            ),
        )
    with pytest.raises(InputError):  # step 3 must link the record of step 2
        _manifest("b3-leadership")
