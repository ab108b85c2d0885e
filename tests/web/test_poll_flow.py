"""A whole round through the poll actions and endpoints: key ceremony by message passing,
ballots cast through the API (and the bad ones refused with nothing stored), decryption with
one committee member absent, results, and a record that verifies.

The ballots and the committee's messages are made here with the Python core; the browser
code making the same bytes is tests/web/test_poll_js_vectors.py, the browser itself
tests/browser/test_poll_browser.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tinnhiem.ballots import Ballot, BallotRow, Manifest, Mark, cast_ballot
from tinnhiem.crypto import Context, CredentialKey, Point
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.record import ElectionRecord, verify_record
from tinnhiem.web.actions import (
    ActionError,
    do_check_in,
    do_close_round,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
)
from tinnhiem.web.actions.poll import do_post_ceremony_message
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.models import (
    AuditEntry,
    BoardEntry,
    CommitteeMember,
    Result,
    RoundStatus,
    Summons,
)
from tinnhiem.web.models import (
    Ballot as BallotModel,
)
from web.ceremony_helpers import run_web_ceremony
from web.poll_drive import sign_heads

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(setup_round: Any, org_actor: Any) -> dict[str, Any]:
    """The round after the ceremony, with credentials issued, a quorum present, open."""
    round_ = setup_round
    do_start_ceremony(org_actor, round_)
    shares = run_web_ceremony(round_)
    round_.refresh_from_db()
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_)[:5]:
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    return {
        "round": round_,
        "shares": shares,
        "slips": slips,
        "manifest": engine_of(round_).manifest,
    }


def _ballot(opened: dict[str, Any], slip: Any, marks: dict[str, Mark]) -> Ballot:
    round_ = opened["round"]
    return cast_ballot(
        opened["manifest"],
        bytes.fromhex(round_.fingerprint),
        Point.from_hex(round_.public_key),
        CredentialKey.from_seed(slip.seed),
        marks,
    )


def _post(client: Any, url: str, payload: Any) -> Any:
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_ceremony_fixes_key_and_board(opened: dict[str, Any]) -> None:
    round_ = opened["round"]
    assert round_.public_key and round_.fingerprint
    kinds = list(BoardEntry.objects.filter(round=round_).values_list("kind", flat=True))
    assert kinds == ["manifest", "committee", "open"]
    # A message out of turn after the ceremony is refused.
    member = CommitteeMember.objects.filter(round=round_).first()
    with pytest.raises(ActionError):
        do_post_ceremony_message(Actor(member.user, "committee"), round_, "commit", {})


def test_whole_round_through_the_api(opened: dict[str, Any], client: Any, org_actor: Any) -> None:
    round_ = opened["round"]
    manifest: Manifest = opened["manifest"]
    slips = opened["slips"]
    cast_url = f"/api/rounds/{round_.pk}/cast"
    ids = manifest.official_ids
    votes = [
        {ids[0]: Mark.LOW, ids[1]: Mark.HIGH},
        {ids[0]: Mark.LOW, ids[1]: Mark.CONFIDENT},
        {ids[0]: Mark.HIGH, ids[1]: Mark.HIGH},
        {ids[0]: Mark.LOW},
    ]
    trackers = []
    first_ballot = None
    for slip, marks in zip(slips, votes, strict=False):
        client.force_login(slip.credential.user)
        ballot = _ballot(opened, slip, marks)
        first_ballot = first_ballot or ballot
        answer = _post(client, cast_url, {"ballot": ballot.to_json()})
        assert answer.status_code == 201, answer.content
        trackers.append(answer.json()["tracker"])
        assert answer.json()["tracker"] == ballot.tracker(bytes.fromhex(round_.fingerprint))

    # Bad input through the API: each refused with a clear reason, nothing stored.
    stored = BallotModel.objects.count()
    board = BoardEntry.objects.count()
    client.force_login(slips[4].credential.user)
    forged = _ballot(opened, slips[4], {ids[0]: Mark.HIGH}).to_json()
    forged["rows"][0]["proof"] = forged["rows"][1]["proof"]
    answer = _post(client, cast_url, {"ballot": forged})
    assert answer.status_code == 400 and answer.json()["error"] in ("bad_proof", "bad_signature")
    replayed = _post(client, cast_url, {"ballot": first_ballot.to_json()})
    assert replayed.status_code == 403 and replayed.json()["error"] == "wrong_credential"
    # Voter 5 copies voter 1's rows under their own signature: a replay.
    key5 = CredentialKey.from_seed(slips[4].seed)
    fingerprint = bytes.fromhex(round_.fingerprint)
    rows = tuple(BallotRow(r.official_id, r.ciphertext, r.proof) for r in first_ballot.rows)
    copied = Ballot(
        key5.public, rows, key5.sign(Ballot.content_digest(fingerprint, key5.public, rows))
    )
    answer = _post(client, cast_url, {"ballot": copied.to_json()})
    assert answer.status_code == 409 and answer.json()["error"] == "replay"
    answer = _post(client, cast_url, {"ballot": {"credential": "zz"}})
    assert answer.status_code == 400 and answer.json()["error"] == "malformed"
    assert "định dạng" in answer.json()["detail"]
    client.force_login(slips[0].credential.user)
    again = _post(client, cast_url, {"ballot": first_ballot.to_json()})
    # Sent again (a lost answer): the same receipt, nothing added.
    assert again.status_code == 200 and again.json()["repeated"] is True
    assert again.json()["tracker"] == trackers[0]
    second = _post(client, cast_url, {"ballot": _ballot(opened, slips[0], {}).to_json()})
    assert second.status_code == 409 and second.json()["error"] == "already_voted"
    assert BallotModel.objects.count() == stored and BoardEntry.objects.count() == board
    assert not AuditEntry.objects.filter(action="ballot.cast", detail__tracker="").exists()

    # The live board lists every tracker and the counts.
    state = client.get(f"/api/rounds/{round_.pk}/board").json()
    assert state["issued"] == 6 and state["returned"] == 4
    assert [e["tracker"] for e in state["entries"] if e["kind"] == "ballot"] == trackers
    assert client.get(f"/rounds/{round_.pk}/board/").status_code == 200

    # Close (the aggregates are posted), and decrypt with members 1 and 3 (member 2 absent).
    do_close_round(org_actor, round_)
    round_.refresh_from_db()
    aggregates = BoardEntry.objects.get(round=round_, kind="aggregates").payload["items"]
    from tinnhiem.crypto import Ciphertext

    cts = [Ciphertext.from_hex(a, allow_identity=True) for a in aggregates]
    ctx = Context(fingerprint)
    for index in (1, 3):
        seat = CommitteeMember.objects.get(round=round_, index=index)
        client.force_login(seat.user)
        share = partial_decrypt(ctx, opened["shares"][index], cts)
        answer = _post(client, f"/api/rounds/{round_.pk}/decryption", {"share": share.to_dict()})
        assert answer.status_code == 201, answer.content
    round_.refresh_from_db()
    assert round_.status == RoundStatus.TALLIED
    result = Result.objects.get(round=round_)
    rows = {r["official"]: r for r in result.payload["results"]}
    assert rows[ids[0]]["counts"] == {"high": 1, "confident": 0, "low": 3}
    assert rows[ids[1]]["counts"] == {"high": 2, "confident": 1, "low": 0}
    assert rows[ids[1]]["blank"] == 1

    # The members who decrypted sign the final board head; the record rebuilt from the
    # board verifies; the download is the same bytes.
    sign_heads(round_, opened["shares"])
    record = record_for(round_)
    verify_record(record, workers=1)
    page = client.get(f"/rounds/{round_.pk}/results/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "75,00%" in text and manifest.officials[0].name in text
    assert 'role="img"' in text
    download = client.get(f"/rounds/{round_.pk}/record.json")
    assert download.status_code == 200
    assert ElectionRecord.from_json(json.loads(download.content)).to_bytes() == (record.to_bytes())

    # Voters see nothing before the organiser publishes; then the results and the record.
    voter = slips[0].credential.user
    client.force_login(voter)
    assert "75,00%" not in client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert client.get(f"/rounds/{round_.pk}/record.json").status_code == 404
    assert client.post(f"/rounds/{round_.pk}/results/publish/").status_code == 403
    client.force_login(org_actor.user)
    assert client.post(f"/rounds/{round_.pk}/results/publish/").status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED
    client.force_login(voter)
    assert "75,00%" in client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert client.get(f"/rounds/{round_.pk}/record.json").status_code == 200


def test_audit_endpoint_checks_a_reveal(opened: dict[str, Any], client: Any) -> None:
    from tinnhiem.ballots import mark_value, row_binding
    from tinnhiem.crypto import Scalar, encrypt_with_nonce, prove_in_set

    round_ = opened["round"]
    manifest: Manifest = opened["manifest"]
    slip = opened["slips"][0]
    key = CredentialKey.from_seed(slip.seed)
    fingerprint = bytes.fromhex(round_.fingerprint)
    public = Point.from_hex(round_.public_key)
    rows, reveal = [], []
    for official_id, mark in zip(manifest.official_ids, (Mark.HIGH, Mark.LOW), strict=True):
        nonce = Scalar.random_nonzero()
        value = mark_value(manifest, mark)
        ct = encrypt_with_nonce(public, value, nonce)
        proof = prove_in_set(
            Context(fingerprint),
            public,
            ct,
            value,
            nonce,
            manifest.allowed_values(),
            binding=row_binding(fingerprint, key.public, official_id),
        )
        rows.append(BallotRow(official_id, ct.to_bytes(), proof.to_bytes()))
        reveal.append({"official": official_id, "mark": mark.value, "nonce": nonce.hex()})
    ballot = Ballot(
        key.public, tuple(rows), key.sign(Ballot.content_digest(fingerprint, key.public, rows))
    )
    client.force_login(slip.credential.user)
    url = f"/api/rounds/{round_.pk}/audit"
    answer = _post(client, url, {"ballot": ballot.to_json(), "reveal": {"rows": reveal}})
    assert answer.status_code == 200 and answer.json()["ok"] is True
    reveal[1]["mark"] = "high"
    answer = _post(client, url, {"ballot": ballot.to_json(), "reveal": {"rows": reveal}})
    assert answer.json()["ok"] is False
    assert [r["ok"] for r in answer.json()["rows"]] == [True, False]
    assert BallotModel.objects.count() == 0  # an audited ballot is never stored


def test_pages_render_and_need_roles(opened: dict[str, Any], client: Any) -> None:
    round_ = opened["round"]
    slip = opened["slips"][0]
    assert client.get(f"/rounds/{round_.pk}/booth/").status_code == 302  # to the login page
    client.force_login(slip.credential.user)
    page = client.get(f"/rounds/{round_.pk}/booth/")
    assert page.status_code == 200
    assert "'wasm-unsafe-eval'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert 'id="booth-data"' in page.content.decode()
    # A voter sees who has done which step, and no controls.
    progress = client.get(f"/rounds/{round_.pk}/committee/")
    assert progress.status_code == 200
    assert 'id="status-table"' in progress.content.decode()
    assert 'id="ceremony-panel"' not in progress.content.decode()
    assert (
        client.post(
            f"/api/rounds/{round_.pk}/ceremony", data="{}", content_type="application/json"
        ).status_code
        == 403
    )
    seat = CommitteeMember.objects.get(round=round_, index=1)
    client.force_login(seat.user)
    assert client.get(f"/rounds/{round_.pk}/committee/").status_code == 200
    ceremony = client.get(f"/rounds/{round_.pk}/committee/ceremony.json")
    assert json.loads(ceremony.content)["format"] == "tinnhiem-trustee/1"
    entry = client.get("/phieu/")
    assert entry.status_code == 200


def test_pages_speak_english(opened: dict[str, Any], client: Any, settings: Any) -> None:
    """Vietnamese first; English from the site's catalogue when chosen."""
    round_ = opened["round"]
    client.force_login(opened["slips"][0].credential.user)
    page = client.get(f"/rounds/{round_.pk}/booth/").content.decode()
    assert "Phòng bỏ phiếu" in page and "Tín nhiệm cao" in page
    client.cookies["django_language"] = "en"
    page = client.get(f"/rounds/{round_.pk}/booth/").content.decode()
    assert "Voting booth" in page and "High confidence" in page
    assert "Step 2: mark one level for each person" in page


def test_formal_vote_round(org_actor: Any, body: Any, people: dict[str, Any], client: Any) -> None:
    """A formal confidence vote (bỏ phiếu tín nhiệm): two options, same machinery."""
    from tinnhiem.web.actions import (
        do_add_committee_member,
        do_add_official,
        do_create_round,
        do_ensure_account,
        do_summon,
    )
    from tinnhiem.web.actions.poll import do_post_decryption_share

    round_ = do_create_round(
        org_actor,
        body,
        title="Bỏ phiếu tín nhiệm",
        kind="formal_vote",
        rule_id="nq96-2023-formal",
        threshold=2,
        committee_size=3,
    )
    do_add_official(org_actor, round_, people["P1"], post="Chủ tịch")
    do_summon(org_actor, round_, people.values())
    for code in ("P4", "P5", "P6"):
        do_add_committee_member(org_actor, round_, do_ensure_account(org_actor, people[code]).user)
    do_start_ceremony(org_actor, round_)
    shares = run_web_ceremony(round_)
    round_.refresh_from_db()
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_):
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    opened = {"round": round_, "manifest": engine_of(round_).manifest}
    official = opened["manifest"].official_ids[0]
    client.force_login(slips[0].credential.user)
    page = client.get(f"/rounds/{round_.pk}/booth/").content.decode()
    assert 'value="no_confidence"' in page and 'value="high"' not in page
    for slip, mark in zip(slips, [Mark.NO_CONFIDENCE] * 4 + [Mark.CONFIDENCE], strict=False):
        client.force_login(slip.credential.user)
        answer = _post(
            client,
            f"/api/rounds/{round_.pk}/cast",
            {"ballot": _ballot(opened, slip, {official: mark}).to_json()},
        )
        assert answer.status_code == 201, answer.content
    do_close_round(org_actor, round_)
    round_.refresh_from_db()
    from tinnhiem.crypto import Ciphertext

    cts = [
        Ciphertext.from_hex(a, allow_identity=True)
        for a in engine_of(round_).store.section("aggregates")
    ]
    ctx = Context(bytes.fromhex(round_.fingerprint))
    for index in (2, 3):
        seat = CommitteeMember.objects.get(round=round_, index=index)
        do_post_decryption_share(
            Actor(seat.user, "committee"),
            round_,
            partial_decrypt(ctx, shares[index], cts).to_dict(),
        )
    row = Result.objects.get(round=round_).payload["results"][0]
    assert row["counts"] == {"confidence": 1, "no_confidence": 4}
    sign_heads(round_, shares)
    verify_record(record_for(round_), workers=1)
    client.force_login(org_actor.user)
    text = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    # The formal vote counts over all deputies of the body (6), not the ballots returned
    # (Luật Tổ chức Quốc hội 2014, Điều 13 khoản 2: "quá nửa tổng số đại biểu").
    assert row["base"] == 6 and row["percentages"]["no_confidence"] == "66.67"
    assert "66,67%" in text and "Không tín nhiệm" in text
