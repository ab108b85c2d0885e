"""The committee signs the final board head (record-format §3.12) through the API, as the
committee page does: decrypt with members 1 and 3 → each present member signs → the record
verifies. Refused with a clear message, nothing stored: before the tally, a wrong
signature, another member's signature, a member who did not decrypt, a second signature,
someone who is not on the committee. Until every present member signed, the record
downloads but the results page says it is not complete and ``verify_record`` names the
member missing. The browser's signing code (frontend/src/lib/head.js) is checked against
the Python core both ways at the end.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tinnhiem.ballots import Mark, cast_ballot
from tinnhiem.crypto import Ciphertext, Context, CredentialKey, Point, Scalar, prove_knowledge
from tinnhiem.crypto.dkg import MemberShare
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.record import ElectionRecord, RecordInvalid, verify_record
from tinnhiem.tally import head_binding, sign_head, verify_head_signature
from tinnhiem.web.actions import (
    do_check_in,
    do_close_round,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
)
from tinnhiem.web.actions.poll import do_cast_ballot
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.models import AuditEntry, CeremonyMessage, CommitteeMember, Summons
from web.ceremony_helpers import run_web_ceremony

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
NODE = shutil.which("node")


def _post(client: Any, url: str, payload: Any) -> Any:
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def _closed_round(round_: Any, org_actor: Any) -> dict[int, MemberShare]:
    """Ceremony, three ballots, closed; returns every member's key share."""
    do_start_ceremony(org_actor, round_)
    shares = run_web_ceremony(round_)
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_)[:4]:
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    manifest = engine_of(round_).manifest
    for slip, mark in zip(slips[:3], (Mark.LOW, Mark.HIGH, Mark.HIGH), strict=True):
        ballot = cast_ballot(
            manifest,
            bytes.fromhex(round_.fingerprint),
            Point.from_hex(round_.public_key),
            CredentialKey.from_seed(slip.seed),
            {manifest.official_ids[0]: mark},
        )
        do_cast_ballot(Actor(slip.credential.user, "voter"), round_, ballot.to_json())
    do_close_round(org_actor, round_)
    round_.refresh_from_db()
    return shares


@pytest.mark.django_db
def test_present_members_sign_the_head_through_the_api(
    setup_round: Any, org_actor: Any, client: Any, make_user: Any, grant_role: Any
) -> None:
    round_ = setup_round
    shares = _closed_round(round_, org_actor)
    seats = {m.index: m.user for m in CommitteeMember.objects.filter(round=round_)}
    url = f"/api/rounds/{round_.pk}/head-signature"
    fingerprint = bytes.fromhex(round_.fingerprint)

    # Before the tally there is no head to sign.
    client.force_login(seats[1])
    early = _post(client, url, {"signature": "00" * 64})
    assert early.status_code == 409
    assert "kiểm phiếu xong" in early.json()["detail"]

    # Members 1 and 3 decrypt (member 2 is absent): the round is tallied.
    cts = [
        Ciphertext.from_hex(a, allow_identity=True)
        for a in engine_of(round_).store.section("aggregates")
    ]
    for index in (1, 3):
        client.force_login(seats[index])
        share = partial_decrypt(Context(fingerprint), shares[index], cts)
        answer = _post(client, f"/api/rounds/{round_.pk}/decryption", {"share": share.to_dict()})
        assert answer.status_code == 201, answer.content
    state = answer.json()["state"]
    engine = engine_of(round_)
    head = engine.head()
    assert state["tallied"] and state["present"] == [1, 3]
    assert state["head"] == head.hex() and state["signatures"] == [] and not state["complete"]

    # The record downloads, but is not complete: the results page says so and the
    # verifier names the member whose signature is missing.
    client.force_login(org_actor.user)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert 'id="record-unsigned"' in page and "chưa đủ chữ ký" in page
    assert client.get(f"/rounds/{round_.pk}/record.json").status_code == 200
    with pytest.raises(RecordInvalid) as missing:
        verify_record(record_for(round_), workers=1)
    assert missing.value.check == "signatures" and "member 1 " in missing.value.message

    def signature(index: int) -> str:
        return sign_head(fingerprint, shares[index], head).hex()

    # The same in English: the step on the committee page, the results page's warning, the
    # page script's messages, a refusal.
    client.post("/i18n/setlang/", {"language": "en"})
    client.force_login(seats[1])
    page = client.get(f"/rounds/{round_.pk}/committee/").content.decode()
    assert "Sign the final board head" in page and "The election record lacks signatures" in page
    assert "waiting for member(s) %(members)s" in page  # the script's message, in English
    refused = _post(client, url, {"signature": signature(3)})
    assert "must be made with your own key share" in refused.json()["detail"]
    client.force_login(org_actor.user)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "The record is not complete: waiting for 1." in page
    client.post("/i18n/setlang/", {"language": "vi"})

    # Refusals, each with its message; nothing stored.
    client.force_login(seats[2])  # did not decrypt
    absent = _post(client, url, {"signature": signature(2)})
    assert absent.status_code == 409 and "đã giải mã" in absent.json()["detail"]
    client.force_login(seats[1])
    theirs = _post(client, url, {"signature": signature(3)})  # member 3's, sent by member 1
    assert theirs.status_code == 409 and "không hợp lệ" in theirs.json()["detail"]
    other_head = sign_head(fingerprint, shares[1], bytes(32)).hex()
    stale = _post(client, url, {"signature": other_head})
    assert stale.status_code == 409 and "không hợp lệ" in stale.json()["detail"]
    for bad in ("zz" * 64, signature(1).upper(), signature(1)[:-2], 42, None):
        refused = _post(client, url, {"signature": bad})
        assert refused.status_code == 409, bad
    assert client.post(url, data="not json", content_type="application/json").status_code == 400
    outsider = make_user("observer-head")
    grant_role(outsider, "observer", round=round_)
    client.force_login(outsider)
    assert _post(client, url, {"signature": signature(1)}).status_code == 403
    assert not CeremonyMessage.objects.filter(round=round_, kind="head_signature").exists()

    # Member 1 signs; a second signature is refused; member 3 completes the record.
    client.force_login(seats[1])
    first = _post(client, url, {"signature": signature(1)})
    assert first.status_code == 201, first.content
    assert first.json()["complete"] is False
    assert first.json()["state"]["signatures"] == [1]
    again = _post(client, url, {"signature": signature(1)})
    assert again.status_code == 409 and "đã ký" in again.json()["detail"]
    with pytest.raises(RecordInvalid) as missing:
        verify_record(record_for(round_), workers=1)
    assert "member 3 " in missing.value.message
    client.force_login(seats[3])
    last = _post(client, url, {"signature": signature(3)})
    assert last.status_code == 201 and last.json()["complete"] is True
    assert last.json()["state"]["complete"] is True

    record = record_for(round_)
    assert record is not None
    verify_record(record, workers=1)
    assert [s["member"] for s in record.signatures] == [1, 3]
    client.force_login(org_actor.user)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert 'id="record-unsigned"' not in page
    download = client.get(f"/rounds/{round_.pk}/record.json")
    verify_record(ElectionRecord.from_json(json.loads(download.content)), workers=1)
    signed = AuditEntry.objects.filter(round=round_, action="tally.head_signed")
    assert sorted(e.detail["member"] for e in signed) == [1, 3]

    # The committee page shows the step, the head in groups and who signed.
    client.force_login(seats[1])
    page = client.get(f"/rounds/{round_.pk}/committee/").content.decode()
    assert 'id="sign-panel"' in page and head.hex()[:4] + " " + head.hex()[4:8] in page
    assert "đủ chữ ký" in page


# -- the browser's signing code against the Python core --------------------------------------


def _js(op: str, **request: Any) -> Any:
    assert NODE is not None, "node is needed (Debian: apt-get install nodejs npm)"
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


def test_browser_and_core_sign_the_same_head() -> None:
    """Same share, same head, same nonce: the same 64 bytes; each side verifies the other's
    fresh signatures and refuses them for another member or head."""
    import hashlib

    from tinnhiem.crypto.dkg import CommitteeKey

    fingerprint = hashlib.sha256(b"tinnhiem-head-interop/F").digest()
    head = hashlib.sha256(b"tinnhiem-head-interop/head").digest()
    secret = Scalar.reduce(hashlib.sha512(b"tinnhiem-head-interop/share").digest())
    nonce = Scalar.reduce(hashlib.sha512(b"tinnhiem-head-interop/nonce").digest())
    share = MemberShare(3, secret)
    verification_key = Point.base_mul(secret)
    fixed = prove_knowledge(
        Context(fingerprint), secret, binding=head_binding(3, head), nonce=nonce
    ).to_bytes()
    request = {
        "fingerprint": fingerprint.hex(),
        "head": head.hex(),
        "share": share.to_bytes().hex(),
    }
    assert _js("sign_head", **request, nonce=nonce.to_bytes().hex())["signature"] == fixed.hex()

    key = CommitteeKey(verification_key, dict.fromkeys((1, 2, 3), verification_key), 1, 3)
    from_js = bytes.fromhex(_js("sign_head", **request)["signature"])
    verify_head_signature(fingerprint, key, 3, head, from_js)
    from_py = sign_head(fingerprint, share, head).hex()
    check = {
        "fingerprint": fingerprint.hex(),
        "verification_key": verification_key.to_bytes().hex(),
        "signature": from_py,
    }
    assert _js("verify_head", **check, member=3, head=head.hex()) == {"ok": True}
    assert not _js("verify_head", **check, member=2, head=head.hex())["ok"]
    assert not _js("verify_head", **check, member=3, head=bytes(32).hex())["ok"]
