"""The browser code (frontend/, libsodium.js) against the Python core, byte for byte.

Runs the front end's own tests (`node --test`: the frozen vectors docs/vectors/crypto-v1.json,
the DKG, the secret files) and then crosses the two implementations: a ballot made in
JavaScript is verified by tinnhiem.ballots and equals, byte for byte, the ballot Python
builds from the same seed and nonces; JavaScript and Python members run one key ceremony
together; a JavaScript partial decryption verifies in Python; secret files and state files
written by one side open on the other; a Benaloh audit reveal checks out on both.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tinnhiem.ballots import (
    Ballot,
    BallotRow,
    CommitteeMember,
    Manifest,
    Mark,
    Official,
    RoundKind,
    canonical_json,
    election_fingerprint,
    mark_value,
    row_binding,
    verify_ballot,
)
from tinnhiem.crypto import (
    Context,
    CredentialKey,
    KeyPair,
    Scalar,
    encrypt_with_nonce,
    prove_in_set_with_nonces,
    sign,
)
from tinnhiem.crypto.boxes import protect_secret, unprotect_secret
from tinnhiem.crypto.dkg import (
    CommitMessage,
    DkgMember,
    MemberShare,
    RevealMessage,
    verify_ceremony,
)
from tinnhiem.crypto.threshold import DecryptionShare, verify_decryption_share
from tinnhiem.poll import check_audit

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
NODE = shutil.which("node")


def _need_frontend() -> None:
    assert NODE is not None, "node is needed (Debian: apt-get install nodejs npm)"
    assert (FRONTEND / "node_modules" / "libsodium-wrappers-sumo").is_dir(), (
        "run `npm ci` in frontend/ (scripts/setup.sh does)"
    )


def js(op: str, **request: Any) -> Any:
    """Run one operation of frontend/tools/interop.mjs and return its JSON answer."""
    _need_frontend()
    done = subprocess.run(
        [NODE, "tools/interop.mjs"],
        cwd=FRONTEND,
        input=json.dumps({"op": op, **request}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _scalar(label: str) -> Scalar:
    import hashlib

    return Scalar.reduce(hashlib.sha512(b"tinnhiem-booth-test/" + label.encode()).digest())


@pytest.fixture(scope="module")
def election() -> dict[str, Any]:
    manifest = Manifest(
        round_id="hdnd-vp/7",
        body="HĐND tỉnh Vĩnh Phúc",
        title="Lấy phiếu tín nhiệm 2023",
        kind=RoundKind.POLL,
        rule_id="nq96-2023",
        rule_version="sha256:" + "ab" * 32,
        officials=(
            Official("CT", "Nguyễn Văn Ánh", "Chủ tịch", 1),
            Official("PCT", "Lê Thị Ngọc", "Phó Chủ tịch", 2),
            Official("UV", "Trần Đức Ưng", "Ủy viên", 3),
        ),
        summoned=47,
        committee=(CommitteeMember(1, "Một"), CommitteeMember(2, "Hai")),
        threshold=2,
        weight_base=48,
    )
    key = KeyPair.from_secret(_scalar("election"))
    fingerprint = election_fingerprint(manifest, key.public.to_bytes())
    return {"manifest": manifest, "key": key, "fingerprint": fingerprint}


def test_node_suite_passes() -> None:
    """`node --test` in frontend/: the frozen vectors and the browser modules' own tests."""
    _need_frontend()
    done = subprocess.run(
        [NODE, "--test"], cwd=FRONTEND, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout
    vectors = json.loads((ROOT / "docs/vectors/crypto-v1.json").read_text())
    passed = int(done.stdout.split("# pass ")[1].split()[0])
    assert passed >= len(vectors["cases"])


def test_canonical_json_matches(election: dict[str, Any]) -> None:
    value = election["manifest"].to_json() | {"ghi chú": 'Tiếng Việt có dấu " \\ \n'}
    assert js("canonical", value=value)["hex"] == canonical_json(value).hex()


def test_js_ballot_equals_python_ballot(election: dict[str, Any]) -> None:
    manifest: Manifest = election["manifest"]
    public = election["key"].public
    fingerprint: bytes = election["fingerprint"]
    seed = bytes(range(32))
    marks = {"CT": "low", "PCT": "high", "UV": "confident"}
    nonces = {
        o.id: {
            "nonce": _scalar(f"r/{o.id}").hex(),
            "proof": [_scalar(f"p/{o.id}/{k}").hex() for k in range(7)],
        }
        for o in manifest.officials
    }
    answer = js(
        "ballot",
        manifest=manifest.to_json(),
        public_key=public.hex(),
        fingerprint=fingerprint.hex(),
        seed=seed.hex(),
        marks=marks,
        nonces=nonces,
    )
    ballot = Ballot.from_json(answer["ballot"], where="js ballot")
    verify_ballot(manifest, fingerprint, public, ballot)
    assert answer["tracker"] == ballot.tracker(fingerprint)

    # The same ballot, built by the Python core from the same seed and nonces.
    credential = CredentialKey.from_seed(seed)
    ctx = Context(fingerprint)
    allowed = manifest.allowed_values()
    rows = []
    for o in manifest.officials:
        value = mark_value(manifest, Mark(marks[o.id]))
        r = Scalar.from_hex(nonces[o.id]["nonce"])
        ct = encrypt_with_nonce(public, value, r)
        proof = prove_in_set_with_nonces(
            ctx,
            public,
            ct,
            value,
            r,
            allowed,
            [Scalar.from_hex(h) for h in nonces[o.id]["proof"]],
            binding=row_binding(fingerprint, credential.public, o.id),
        )
        rows.append(BallotRow(o.id, ct.to_bytes(), proof.to_bytes()))
    digest = Ballot.content_digest(fingerprint, credential.public, rows)
    python_ballot = Ballot(credential.public, tuple(rows), sign(credential, digest))
    assert canonical_json(python_ballot.to_json()) == canonical_json(answer["ballot"])

    # The Benaloh reveal re-encrypts on the Python side too, and a lie is caught.
    audit = check_audit(manifest, public, ballot, answer["reveal"])
    assert [(a.official, a.mark, a.ok) for a in audit] == [
        ("CT", "low", True),
        ("PCT", "high", True),
        ("UV", "confident", True),
    ]
    lying = json.loads(json.dumps(answer["reveal"]))
    lying["rows"][0]["mark"] = "high"
    assert [a.ok for a in check_audit(manifest, public, ballot, lying)] == [False, True, True]
    js_lying = js(
        "audit",
        manifest=manifest.to_json(),
        public_key=public.hex(),
        ballot=answer["ballot"],
        reveal=lying,
    )
    assert [r["ok"] for r in js_lying["rows"]] == [False, True, True]


def test_js_ballot_with_fresh_randomness_verifies(election: dict[str, Any]) -> None:
    manifest: Manifest = election["manifest"]
    answer = js(
        "ballot",
        manifest=manifest.to_json(),
        public_key=election["key"].public.hex(),
        fingerprint=election["fingerprint"].hex(),
        seed="11" * 32,
        marks={"CT": "high"},
    )
    ballot = Ballot.from_json(answer["ballot"], where="js ballot")
    verify_ballot(manifest, election["fingerprint"], election["key"].public, ballot)
    # A row left out is a blank row (value 0).
    assert answer["reveal"]["rows"][1]["mark"] == "blank"


def test_mixed_ceremony_and_decryption() -> None:
    """Members 1 and 3 in JavaScript, member 2 in Python: one committee key, and a
    JavaScript partial decryption verifies in Python."""
    fingerprint = bytes(range(100, 132))
    ctx = Context(fingerprint)
    t, n = 2, 3
    made = {i: js("dkg_create", fingerprint=fingerprint.hex(), index=i, t=t, n=n) for i in (1, 3)}
    py = DkgMember(ctx, 2, t, n)
    commits = {1: made[1]["commit"], 2: py.commit().to_dict(), 3: made[3]["commit"]}
    states = {}
    reveals: dict[int, Any] = {
        2: py.reveal({i: CommitMessage.from_dict(c) for i, c in commits.items()}).to_dict()
    }
    for i in (1, 3):
        out = js("dkg_reveal", state=made[i]["state"], commits=commits)
        states[i], reveals[i] = out["state"], out["reveal"]
    key = verify_ceremony(
        ctx,
        t,
        n,
        {i: CommitMessage.from_dict(c) for i, c in commits.items()},
        {i: RevealMessage.from_dict(r) for i, r in reveals.items()},
    )
    py_key, _py_share = py.finish({i: RevealMessage.from_dict(r) for i, r in reveals.items()})
    assert py_key == key
    js_shares = {}
    for i in (1, 3):
        out = js("dkg_finish", state=states[i], reveals=reveals)
        assert out["key"] == key.to_dict()
        js_shares[i] = MemberShare.from_bytes(bytes.fromhex(out["share"]))
        assert js_shares[i].index == i
    # A JavaScript state file resumes in Python (same form as DkgMember.to_state).
    resumed = DkgMember.from_state(states[1])
    assert (
        resumed.finish({i: RevealMessage.from_dict(r) for i, r in reveals.items()})[1]
        == (js_shares[1])
    )

    ct = encrypt_with_nonce(key.public_key, 5, _scalar("ct"))
    agg = ct + encrypt_with_nonce(key.public_key, 2, _scalar("ct2"))
    dshare = DecryptionShare.from_dict(
        js(
            "partial_decrypt",
            fingerprint=fingerprint.hex(),
            share=js_shares[3].to_bytes().hex(),
            cts=[agg.hex(), ct.hex()],
        )
    )
    verify_decryption_share(ctx, key, [agg, ct], dshare)


def test_secret_files_open_on_both_sides() -> None:
    share = MemberShare(2, _scalar("share")).to_bytes()
    blob = bytes.fromhex(
        js("protect", data=share.hex(), passphrase="mật khẩu dài", opslimit=1, memlimit=1 << 16)[
            "blob"
        ]
    )
    assert unprotect_secret(blob, "mật khẩu dài") == share
    python_blob = protect_secret(share, "khác", opslimit=1, memlimit=1 << 16)
    assert js("unprotect", blob=python_blob.hex(), passphrase="khác")["data"] == share.hex()
    _need_frontend()
    done = subprocess.run(
        [NODE, "tools/interop.mjs"],
        cwd=FRONTEND,
        text=True,
        input=json.dumps({"op": "unprotect", "blob": python_blob.hex(), "passphrase": "sai"}),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "wrong passphrase" in done.stderr


def test_js_per_level_ballot_verifies_in_python_and_audits_both_ways(
    election: dict[str, Any],
) -> None:
    """The booth seals a per-level ballot (a body above the packed limit): the Python core
    verifies it and its audit, and the booth checks the audit of a Python-sealed one."""
    from dataclasses import replace

    from tinnhiem.ballots import Encoding, seal_ballot
    from tinnhiem.ballots.encoding import Mark
    from tinnhiem.poll.audit import check_audit

    manifest = replace(
        election["manifest"], summoned=5000, weight_base=5001, encoding=Encoding.PER_LEVEL
    )
    public = election["key"].public
    fingerprint = election_fingerprint(manifest, public.to_bytes())
    answer = js(
        "ballot",
        manifest=manifest.to_json(),
        public_key=public.hex(),
        fingerprint=fingerprint.hex(),
        seed=bytes(range(32)).hex(),
        marks={"CT": "low", "UV": "high"},
    )
    ballot = Ballot.from_json(answer["ballot"], where="js ballot")
    assert len(ballot.rows[0].ciphertext) == 192 and len(ballot.rows[0].proof) == 1024
    verify_ballot(manifest, fingerprint, public, ballot)
    assert answer["tracker"] == ballot.tracker(fingerprint)
    assert all(r.ok for r in check_audit(manifest, public, ballot, answer["reveal"]))
    sealed = seal_ballot(
        manifest, fingerprint, public, CredentialKey.from_seed(bytes(32)), {"PCT": Mark.CONFIDENT}
    )
    rows = js(
        "audit",
        manifest=manifest.to_json(),
        public_key=public.hex(),
        ballot=sealed.ballot.to_json(),
        reveal=sealed.reveal,
    )["rows"]
    assert [r["ok"] for r in rows] == [True, True, True]
