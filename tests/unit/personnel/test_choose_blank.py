"""A choose ballot counts its blank ballots (issue 14): the row ends with the blank
indicator b, and its last proof is over the weighted sum Σ x_i + k·b, proven in 1 … k and
computed by the verifier itself. b = 1 exactly when no name is marked, so b's column is
the number of blank ballots; a ballot whose b disagrees with its names cannot be proven.
Records written before the blank column (no ``personnel.blank_column``) still verify."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tinnhiem.ballots import (
    BallotRejected,
    Manifest,
    Mark,
    election_fingerprint,
    seal_ballot,
    verify_ballot,
    verify_ballots,
)
from tinnhiem.ballots.ballot import Ballot, BallotRow, row_binding
from tinnhiem.ballots.encoding import choice_bits
from tinnhiem.ballots.rows import columns_of, level_binding, seal_levels
from tinnhiem.cli import app
from tinnhiem.crypto import (
    Ciphertext,
    Context,
    CredentialKey,
    KeyPair,
    Point,
    Scalar,
    sign,
    verify_in_set,
)
from tinnhiem.crypto.proofs import DisjunctiveProof
from tinnhiem.errors import InputError
from tinnhiem.poll import check_audit
from tinnhiem.poll.corpus import Built, build_step, forge_choose_row, reseal, verdict_of_bytes
from tinnhiem.poll.personnel import Candidate, run_step, step_manifest
from tinnhiem.record import ElectionRecord, verify_record
from tinnhiem.reports.personnel import personnel_minutes_from_record, personnel_minutes_html
from tinnhiem.tally import load_procedure_text

C = Mark.CHOSEN
CANDIDATES = [
    Candidate("an", "Nguyễn Văn An", "Phó Giám đốc"),
    Candidate("binh", "Trần Thị Bình", "Trưởng phòng"),
    Candidate("chi", "Lê Văn Chí", "Trưởng phòng"),
]


def _procedure_k2(tmp_path: Path) -> Path:
    """QĐ 80 with step 2's ballot allowing two names (a choose step with k = 2)."""
    text = load_procedure_text("appointment-qd80-2022").text
    head, sep, rest = text.partition('id = "b2-introduce"')
    rest = rest.replace("k = 1\n", "k = 2\n", 1)
    path = tmp_path / "qd80-k2.toml"
    path.write_text(head + sep + rest, encoding="utf-8")
    return path


def _manifest(proc_path: Path | str = "appointment-qd80-2022", summoned: int = 6) -> Manifest:
    return step_manifest(
        load_procedure_text(proc_path),
        "b2-introduce",
        CANDIDATES,
        round_id="r-blank",
        body="Sở Tư pháp tỉnh X",
        summoned=summoned,
        committee=["Ủy viên 1", "Ủy viên 2", "Ủy viên 3"],
        threshold=2,
        post="Giám đốc Sở",
        date="2026-12-01",
    )


def _setup(m: Manifest) -> tuple[KeyPair, bytes, CredentialKey]:
    kp = KeyPair.generate()
    return kp, election_fingerprint(m, kp.public.to_bytes()), CredentialKey.from_seed(bytes(32))


def test_manifest_says_which_row_a_round_uses() -> None:
    m = _manifest()
    assert m.to_json()["personnel"]["blank_column"] is True
    assert Manifest.from_json(m.to_json()) == m
    assert (m.levels, m.columns, m.sum_allowed(), m.sum_weights()) == (4, 4, (1,), (1, 1, 1, 1))
    assert m.column_official(3).id == "blank" and m.column_official(2).id == "chi"
    legacy = replace(m, personnel=replace(m.personnel, blank_column=False))
    assert "blank_column" not in legacy.to_json()["personnel"]
    assert (legacy.columns, legacy.sum_allowed(), legacy.sum_weights()) == (3, (0, 1), (1, 1, 1))
    k3 = replace(m, personnel=replace(m.personnel, k=3))
    assert (k3.sum_allowed(), k3.sum_weights()) == ((1, 2, 3), (1, 1, 1, 3))
    data = m.to_json()
    data["personnel"]["blank_column"] = False
    with pytest.raises(InputError) as exc:
        Manifest.from_json(data)
    assert exc.value.where == "manifest.personnel.blank_column"
    # only a choose ballot has the blank column
    data = m.to_json() | {"kind": "agree_disagree"}
    data["personnel"] = data["personnel"] | {"k": 1}
    with pytest.raises(InputError) as exc:
        Manifest.from_json(data)
    assert exc.value.where == "manifest.personnel.blank_column"


def test_choice_bits_end_with_b() -> None:
    m = _manifest()
    assert choice_bits(m, []) == (0, 0, 0, 1)
    assert choice_bits(m, ["binh"]) == (0, 1, 0, 0)
    m2 = replace(m, personnel=replace(m.personnel, k=2))
    assert choice_bits(m2, ["an", "chi"]) == (1, 0, 1, 0)


@pytest.mark.parametrize(
    ("marks", "bits"),
    [({}, (0, 0, 0, 1)), ({"binh": C}, (0, 1, 0, 0)), ({"an": C, "chi": C}, (1, 0, 1, 0))],
)
def test_sealed_rows_verify_and_audit(marks: dict[str, Mark], bits: tuple[int, ...]) -> None:
    m = _manifest()
    m = replace(m, personnel=replace(m.personnel, k=2))
    kp, fp, cred = _setup(m)
    sealed = seal_ballot(m, fp, kp.public, cred, marks)
    row = sealed.ballot.rows[0]
    assert len(row.ciphertext) == 4 * 64 and len(row.proof) == 4 * 256 + 2 * 128
    assert len(verify_ballot(m, fp, kp.public, sealed.ballot)) == 4
    audit = check_audit(m, kp.public, sealed.ballot, sealed.reveal)
    assert [r.ok for r in audit] == [True]
    assert len(sealed.reveal["rows"][0]["nonces"]) == 4
    # the committee's key decrypts each column to the bits, b last
    one = Point.base_mul(Scalar.from_int(1))
    got = [
        int(kp.decrypt(Ciphertext.from_bytes(piece)) == one)
        for piece in columns_of(m, row.ciphertext)
    ]
    assert tuple(got) == bits


ATTACKS = [
    ("b = 1 and a name chosen", (1, 0, 0, 1)),
    ("b = 0 and no name chosen", (0, 0, 0, 0)),
    ("b = 2", (0, 0, 0, 2)),
    ("k + 1 names", (1, 1, 1, 0)),
]


@pytest.mark.parametrize(("what", "bits"), ATTACKS, ids=[a for a, _ in ATTACKS])
def test_a_row_whose_b_disagrees_with_its_names_is_refused(
    what: str, bits: tuple[int, ...]
) -> None:
    m = _manifest()
    m = replace(m, personnel=replace(m.personnel, k=2))
    kp, fp, cred = _setup(m)
    ctx = Context(fp)
    # the honest sealer refuses to make it
    with pytest.raises(InputError):
        seal_levels(ctx, kp.public, bits, b"binding", m.sum_allowed(), m.sum_weights())
    ct, proof = forge_choose_row(m, fp, kp.public, cred.public, bits)
    rows = (BallotRow("choice", ct, proof),)
    forged = Ballot(cred.public, rows, sign(cred, Ballot.content_digest(fp, cred.public, rows)))
    with pytest.raises(BallotRejected) as exc:
        verify_ballot(m, fp, kp.public, forged)
    assert (exc.value.reason, exc.value.row) == ("bad_proof", 0)
    honest = seal_ballot(m, fp, kp.public, CredentialKey.from_seed(bytes([1]) * 32), {}).ballot
    verdicts = verify_ballots(m, fp, kp.public, [honest, forged, honest])
    assert verdicts[0] is None and verdicts[2] is None
    assert verdicts[1] is not None and verdicts[1].reason == "bad_proof"


def test_the_verifier_weighs_b_itself() -> None:
    """b = 1 with one name and k = 2: the plain sum x + b = 2 is in 1..2 and its proof is
    valid; only because the verifier weighs b by k (sum 3) is the ballot refused."""
    m = _manifest()
    m = replace(m, personnel=replace(m.personnel, k=2))
    kp, fp, cred = _setup(m)
    ct, proof = forge_choose_row(m, fp, kp.public, cred.public, (1, 0, 0, 1))
    plain = Ciphertext.sum(Ciphertext.from_bytes(p) for p in columns_of(m, ct))
    binding = level_binding(row_binding(fp, cred.public, "choice"), 0)
    last = DisjunctiveProof.from_bytes(proof[4 * 256 :])
    verify_in_set(Context(fp), kp.public, plain, (1, 2), last, binding=binding)  # valid
    rows = (BallotRow("choice", ct, proof),)
    forged = Ballot(cred.public, rows, sign(cred, Ballot.content_digest(fp, cred.public, rows)))
    with pytest.raises(BallotRejected):
        verify_ballot(m, fp, kp.public, forged)


def test_rows_of_one_layout_are_not_rows_of_the_other() -> None:
    m = _manifest()
    legacy = replace(m, personnel=replace(m.personnel, blank_column=False))
    kp = KeyPair.generate()
    cred = CredentialKey.from_seed(bytes(32))
    for sealer, checker in ((m, legacy), (legacy, m)):
        fp = election_fingerprint(sealer, kp.public.to_bytes())
        ballot = seal_ballot(sealer, fp, kp.public, cred, {"an": C}).ballot
        verify_ballot(sealer, fp, kp.public, ballot)
        with pytest.raises(BallotRejected):
            verify_ballot(checker, fp, kp.public, ballot)


def test_blank_ballots_are_counted_verified_and_in_the_minutes(tmp_path: Path) -> None:
    path = _procedure_k2(tmp_path)
    proc = load_procedure_text(path)
    m = _manifest(path, summoned=6)
    assert m.personnel is not None and m.personnel.k == 2
    ballots = [{"an": C, "binh": C}, {"an": C}, {}, {}, {"chi": C}, {"an": C, "chi": C}]
    election = run_step(m, proc, ballots)
    record = ElectionRecord.from_json(json.loads(election.record().to_bytes()))
    verify_record(record, workers=1)
    assert record.decryption["sums"] == [3, 1, 2, 2]
    r = record.results
    assert isinstance(r, dict)
    assert (r["blank"], r["valid"], r["returned"]) == (2, 6, 6)
    assert [(c["id"], c["votes"]) for c in r["candidates"]] == [("an", 3), ("binh", 1), ("chi", 2)]
    minutes = personnel_minutes_from_record(record)
    assert minutes.tally.blank == 2
    html = personnel_minutes_html(minutes)
    assert "phiếu trống (không chọn ai): <b>2</b>" in html
    # the record's blank count is checked against the decrypted b column (a forger's
    # reseal: board, head and head signatures recomputed)
    data = json.loads(record.to_bytes())
    data["results"]["blank"] = 1
    assert election.secrets is not None
    built = Built(data, {}, dict(election.secrets.shares))
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(reseal(built, data), ensure_ascii=False), encoding="utf-8")
    out = CliRunner().invoke(app, ["verify", str(tampered), "-w", "1"])
    assert out.exit_code == 1, out.output
    assert "results.blank" in out.output


@pytest.mark.parametrize(("what", "bits"), ATTACKS[:3], ids=[a for a, _ in ATTACKS[:3]])
def test_tinnhiem_verify_refuses_a_forged_row_in_a_record(
    tmp_path: Path, what: str, bits: tuple[int, ...]
) -> None:
    """A record whose ballot 1 carries a forged choose row, resealed (signature, hashes,
    board, head signatures recomputed): ``tinnhiem verify`` names that row's proof."""
    built = build_step(votes=(("an",), ("binh",), (), ("an",)), seed=31)
    data = json.loads(json.dumps(built.data))
    m = Manifest.from_json(data["manifest"])
    ballot = data["ballots"][1]
    ct, proof = forge_choose_row(
        m,
        bytes.fromhex(data["fingerprint"]),
        Point.from_bytes(bytes.fromhex(data["committee"]["key"]["public_key"])),
        bytes.fromhex(ballot["credential"]),
        bits,
    )
    ballot["rows"][0].update(ct=ct.hex(), proof=proof.hex())
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(reseal(built, data), ensure_ascii=False), encoding="utf-8")
    out = CliRunner().invoke(app, ["verify", str(path), "-w", "1"])
    assert out.exit_code == 1, out.output
    assert "ballots[1].rows[0].proof" in out.output
    assert verdict_of_bytes(path.read_bytes(), tmp_path) == (
        1,
        "ballot",
        "ballots[1].rows[0].proof",
    )


def test_a_record_without_the_blank_column_still_verifies(tmp_path: Path) -> None:
    built = build_step(votes=(("an",), ("binh",), (), ("an",)), seed=32, blank_column=False)
    assert "blank_column" not in built.data["manifest"]["personnel"]
    assert built.data["decryption"]["sums"] == [2, 1, 0]
    assert "blank" not in built.data["results"]
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps(built.data, ensure_ascii=False), encoding="utf-8")
    out = CliRunner().invoke(app, ["verify", str(path), "-w", "1"])
    assert out.exit_code == 0, out.output
    minutes = personnel_minutes_from_record(ElectionRecord.from_json(built.data))
    assert "phiếu trống (không chọn ai)" not in personnel_minutes_html(minutes)
