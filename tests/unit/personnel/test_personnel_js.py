"""The booth (frontend/src/lib/ballot.js) and tinnhiem.ballots on personnel ballots, both
ways: a ballot sealed in JavaScript verifies and audits in Python, and one sealed in Python
verifies and audits in JavaScript (frontend/tools/personnel-ballot.mjs)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tinnhiem.ballots import Ballot, Mark, election_fingerprint, seal_ballot, verify_ballot
from tinnhiem.ballots.ballot import BallotRow
from tinnhiem.crypto import CredentialKey, KeyPair, sign
from tinnhiem.poll import check_audit
from tinnhiem.poll.corpus import forge_choose_row
from tinnhiem.poll.personnel import DEMO_PLANNING, step_manifest
from tinnhiem.tally import load_procedure_text

FRONTEND = Path(__file__).resolve().parents[3] / "frontend"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None or not (FRONTEND / "node_modules" / "libsodium-wrappers-sumo").is_dir(),
    reason="node and frontend/node_modules are needed",
)


def _js(**request: Any) -> Any:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "tools/personnel-ballot.mjs"],
        cwd=FRONTEND,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _manifest(step: str) -> Any:
    proc = load_procedure_text(
        "appointment-reappointment-qd80-2022" if step == "b1" else "appointment-qd80-2022"
    )
    return step_manifest(
        proc,
        "b1-key-cadres" if step == "b1" else "b2-introduce",
        DEMO_PLANNING,
        round_id="r",
        body="Sở",
        summoned=9,
        committee=["a", "b"],
        threshold=1,
        post="Giám đốc",
    )


@pytest.mark.parametrize(
    ("step", "js_marks", "py_marks"),
    [
        ("b2", {"ttb": "chosen"}, {}),
        ("b2", {}, {"nva": Mark.CHOSEN}),
        ("b2-no-blank-column", {}, {"lvc": Mark.CHOSEN}),
        ("b1", {"nva": "agree", "lvc": "disagree"}, {"ttb": Mark.DISAGREE}),
    ],
)
def test_personnel_ballots_both_ways(step: str, js_marks: Any, py_marks: Any) -> None:
    m = _manifest(step)
    if step == "b2-no-blank-column":  # a round of the first personnel records
        m = replace(m, personnel=replace(m.personnel, blank_column=False))
    kp = KeyPair.generate()
    fp = election_fingerprint(m, kp.public.to_bytes())
    common = {"manifest": m.to_json(), "fingerprint": fp.hex(), "public_key": kp.public.hex()}
    answer = _js(op="seal", seed=bytes(range(32)).hex(), marks=js_marks, **common)
    ballot = Ballot.from_json(answer["ballot"], where="js ballot")
    verify_ballot(m, fp, kp.public, ballot)
    assert answer["tracker"] == ballot.tracker(fp)
    assert all(r.ok for r in check_audit(m, kp.public, ballot, answer["reveal"]))
    sealed = seal_ballot(m, fp, kp.public, CredentialKey.from_seed(bytes(32)), py_marks)
    back = _js(op="verify", ballot=sealed.ballot.to_json(), reveal=sealed.reveal, **common)
    assert back["error"] is None
    assert all(r["ok"] for r in back["audit"])
    # a changed byte of the proof fails in the booth too
    bad = sealed.ballot.to_json()
    proof = bad["rows"][0]["proof"]
    bad["rows"][0]["proof"] = proof[:-2] + ("00" if proof[-2:] != "00" else "01")
    assert _js(op="verify", ballot=bad, reveal=None, **common)["error"]


@pytest.mark.parametrize(
    "bits",
    [(1, 0, 0, 1), (0, 0, 0, 0), (0, 0, 0, 2), (1, 1, 1, 0)],
    ids=["blank-and-chosen", "none-chosen-not-blank", "b-is-2", "k-plus-1"],
)
def test_the_booth_refuses_a_row_whose_b_disagrees(bits: tuple[int, ...]) -> None:
    """The forged choose rows tinnhiem verify refuses (k = 2): the booth's verifier too."""
    m = _manifest("b2")
    m = replace(m, personnel=replace(m.personnel, k=2))
    kp = KeyPair.generate()
    fp = election_fingerprint(m, kp.public.to_bytes())
    cred = CredentialKey.from_seed(bytes(32))
    ct, proof = forge_choose_row(m, fp, kp.public, cred.public, bits)
    rows = (BallotRow("choice", ct, proof),)
    forged = Ballot(cred.public, rows, sign(cred, Ballot.content_digest(fp, cred.public, rows)))
    common = {"manifest": m.to_json(), "fingerprint": fp.hex(), "public_key": kp.public.hex()}
    assert _js(op="verify", ballot=forged.to_json(), reveal=None, **common)["error"]
    # and an honest blank ballot of the same round passes
    blank = seal_ballot(m, fp, kp.public, cred, {}).ballot
    assert _js(op="verify", ballot=blank.to_json(), reveal=None, **common)["error"] is None
