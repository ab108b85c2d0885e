"""`tinnhiem trustee` on an offline laptop, with its files carried to the committee page:
member 1 runs the whole ceremony, the decryption and the signature of the final board head
through the CLI; members 2 and 3 use the same actions the browser uses. Then bad files are
refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tinnhiem.ballots import Mark, cast_ballot, ceremony_fingerprint
from tinnhiem.cli import app
from tinnhiem.crypto import Ciphertext, Context, CredentialKey, Point
from tinnhiem.crypto.boxes import protect_secret
from tinnhiem.crypto.dkg import CommitMessage, DkgMember, RevealMessage
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.record import RecordInvalid, verify_record
from tinnhiem.tally import sign_head
from tinnhiem.web.actions import (
    do_check_in,
    do_close_round,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
)
from tinnhiem.web.actions.poll import (
    do_cast_ballot,
    do_post_ceremony_message,
    do_post_decryption_share,
    do_sign_head,
)
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.models import CeremonyMessage, CommitteeMember, Result, Summons

pytestmark = pytest.mark.django_db
runner = CliRunner()


def cli(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    return result


def upload(client: Any, round_: Any, path: Path) -> Any:
    with path.open("rb") as handle:
        return client.post(f"/rounds/{round_.pk}/committee/upload/", {"file": handle}, follow=True)


def test_offline_member_through_files(
    setup_round: Any, org_actor: Any, client: Any, tmp_path: Path
) -> None:
    round_ = setup_round
    do_start_ceremony(org_actor, round_)
    seats = {m.index: m for m in CommitteeMember.objects.filter(round=round_)}
    client.force_login(seats[1].user)
    secret = tmp_path / "pass.txt"
    secret.write_text("một mật khẩu đủ dài\n", encoding="utf-8")
    state, share = tmp_path / "m1.state.tnsec", tmp_path / "m1.share.tnsec"
    ceremony = tmp_path / "ceremony.json"

    def download_ceremony() -> None:
        ceremony.write_bytes(client.get(f"/rounds/{round_.pk}/committee/ceremony.json").content)

    manifest = engine_of(round_).manifest
    ctx = Context(ceremony_fingerprint(manifest))
    others = {i: DkgMember(ctx, i, 2, 3) for i in (2, 3)}
    actors = {i: Actor(seats[i].user, "committee") for i in (2, 3)}

    download_ceremony()
    done = cli(
        "trustee",
        "keygen",
        str(ceremony),
        "--member",
        "1",
        "--state",
        str(state),
        "--out",
        str(tmp_path / "commit.json"),
        "--passphrase-file",
        str(secret),
    )
    assert done.exit_code == 0, done.output
    assert state.stat().st_mode & 0o077 == 0  # the secret state is readable by its owner only
    assert upload(client, round_, tmp_path / "commit.json").status_code == 200
    for i, m in others.items():
        do_post_ceremony_message(actors[i], round_, "commit", m.commit().to_dict())

    download_ceremony()
    done = cli(
        "trustee",
        "reveal",
        str(ceremony),
        "--state",
        str(state),
        "--out",
        str(tmp_path / "reveal.json"),
        "--passphrase-file",
        str(secret),
    )
    assert done.exit_code == 0, done.output
    upload(client, round_, tmp_path / "reveal.json")
    commits = {
        i: CommitMessage.from_dict(p)
        for i, p in engine_of(round_).transcript().by_kind("commit").items()
    }
    for i, m in others.items():
        do_post_ceremony_message(actors[i], round_, "reveal", m.reveal(commits).to_dict())
    assert set(engine_of(round_).transcript().by_kind("reveal")) == {1, 2, 3}

    download_ceremony()
    done = cli(
        "trustee",
        "finish",
        str(ceremony),
        "--state",
        str(state),
        "--share",
        str(share),
        "--out",
        str(tmp_path / "confirm.json"),
        "--passphrase-file",
        str(secret),
    )
    assert done.exit_code == 0, done.output
    upload(client, round_, tmp_path / "confirm.json")
    reveals = {
        i: RevealMessage.from_dict(p)
        for i, p in engine_of(round_).transcript().by_kind("reveal").items()
    }
    shares = {}
    for i, m in others.items():
        key, shares[i] = m.finish(reveals)
        do_post_ceremony_message(
            actors[i],
            round_,
            "confirm",
            {
                "member": i,
                "verification_key": key.verification_keys[i].hex(),
                "public_key": key.public_key.hex(),
            },
        )
    round_.refresh_from_db()
    assert round_.public_key == key.public_key.hex()
    assert f"public key: {round_.public_key}" in done.output

    # A short poll: three ballots.
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_):
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    manifest = engine_of(round_).manifest
    for slip, mark in zip(slips[:3], (Mark.LOW, Mark.LOW, Mark.HIGH), strict=True):
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

    aggregates = tmp_path / "aggregates.json"
    aggregates.write_bytes(client.get(f"/rounds/{round_.pk}/committee/aggregates.json").content)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("sai mật khẩu rồi\n", encoding="utf-8")
    refused = cli(
        "trustee",
        "decrypt",
        str(aggregates),
        "--share",
        str(share),
        "--out",
        str(tmp_path / "decryption.json"),
        "--passphrase-file",
        str(wrong),
    )
    assert refused.exit_code != 0
    done = cli(
        "trustee",
        "decrypt",
        str(aggregates),
        "--share",
        str(share),
        "--out",
        str(tmp_path / "decryption.json"),
        "--passphrase-file",
        str(secret),
    )
    assert done.exit_code == 0, done.output
    upload(client, round_, tmp_path / "decryption.json")
    cts = [
        Ciphertext.from_hex(a, allow_identity=True)
        for a in engine_of(round_).store.section("aggregates")
    ]
    do_post_decryption_share(
        actors[3],
        round_,
        partial_decrypt(Context(bytes.fromhex(round_.fingerprint)), shares[3], cts).to_dict(),
    )
    result = Result.objects.get(round=round_)
    first = result.payload["results"][0]
    assert first["counts"] == {"high": 1, "confident": 0, "low": 2}
    assert engine_of(round_).store.section("decryption")["present"] == [1, 3]

    # Step 5 on the laptop: member 1 signs the final board head from head.json, checking it
    # against the head read on the public board; the file is uploaded on the committee page.
    head_json = tmp_path / "head.json"
    head_json.write_bytes(client.get(f"/rounds/{round_.pk}/committee/head.json").content)
    head = engine_of(round_).head().hex()
    signed = tmp_path / "head-signature.json"
    args = ["--share", str(share), "--out", str(signed), "--passphrase-file", str(secret)]
    wrong_head = cli("trustee", "sign-head", str(head_json), "--head", "ab" * 32, *args)
    assert wrong_head.exit_code != 0 and "do not sign" in str(wrong_head.exception)
    assert not signed.exists()
    grouped = " ".join(head[i : i + 4] for i in range(0, 64, 4))
    done = cli(
        "trustee",
        "sign-head",
        str(head_json),
        "--head",
        grouped,
        "--round-fingerprint",
        round_.fingerprint,
        *args,
    )
    assert done.exit_code == 0, done.output
    assert f"head {head} signed by member 1" in done.output
    message = json.loads(signed.read_text(encoding="utf-8"))
    assert message["kind"] == "head_signature" and message["payload"]["member"] == 1
    # Member 3 cannot upload member 1's file as their own.
    client.force_login(seats[3].user)
    assert "không phải của bạn" in upload(client, round_, signed).content.decode()
    client.force_login(seats[1].user)
    assert "head_signature" in upload(client, round_, signed).content.decode()
    assert engine_of(round_).store.head_signatures().keys() == {1}
    with pytest.raises(RecordInvalid, match="member 3 "):
        verify_record(record_for(round_), workers=1)
    do_sign_head(
        actors[3],
        round_,
        sign_head(bytes.fromhex(round_.fingerprint), shares[3], bytes.fromhex(head)).hex(),
    )
    verify_record(record_for(round_), workers=1)
    # Member 2 did not decrypt: the CLI refuses to sign for them.
    share2 = tmp_path / "m2.share.tnsec"
    share2.write_bytes(protect_secret(shares[2].to_bytes(), "một mật khẩu đủ dài"))
    absent = cli(
        "trustee",
        "sign-head",
        str(head_json),
        "--share",
        str(share2),
        "--passphrase-file",
        str(secret),
        "--out",
        str(tmp_path / "h2.json"),
    )
    assert absent.exit_code != 0 and "did not decrypt" in str(absent.exception)


def test_bad_files_are_refused(
    setup_round: Any, org_actor: Any, client: Any, tmp_path: Path
) -> None:
    round_ = setup_round
    do_start_ceremony(org_actor, round_)
    seat = CommitteeMember.objects.get(round=round_, index=1)
    client.force_login(seat.user)
    ceremony = tmp_path / "ceremony.json"
    data = json.loads(client.get(f"/rounds/{round_.pk}/committee/ceremony.json").content)
    data["manifest"]["title"] = "Đã bị sửa"
    ceremony.write_text(json.dumps(data), encoding="utf-8")
    secret = tmp_path / "pass.txt"
    secret.write_text("một mật khẩu đủ dài\n", encoding="utf-8")
    done = cli(
        "trustee",
        "keygen",
        str(ceremony),
        "--member",
        "1",
        "--state",
        str(tmp_path / "s.tnsec"),
        "--passphrase-file",
        str(secret),
    )
    assert done.exit_code != 0
    assert "altered" in str(done.exception)
    short = tmp_path / "short.txt"
    short.write_text("ngắn\n", encoding="utf-8")
    data["manifest"]["title"] = engine_of(round_).manifest.title
    ceremony.write_text(json.dumps(data), encoding="utf-8")
    done = cli(
        "trustee",
        "keygen",
        str(ceremony),
        "--member",
        "1",
        "--state",
        str(tmp_path / "s.tnsec"),
        "--passphrase-file",
        str(short),
    )
    assert done.exit_code != 0 and "at least 10" in str(done.exception)
    # A message for another round, uploaded: refused with a message, nothing stored.
    other = tmp_path / "other.json"
    other.write_text(
        json.dumps(
            {"format": "tinnhiem-trustee/1", "kind": "commit", "round_id": "khac/1", "payload": {}}
        ),
        encoding="utf-8",
    )
    page = upload(client, round_, other)
    assert "thuộc đợt khác" in page.content.decode()
    assert not CeremonyMessage.objects.exists()
