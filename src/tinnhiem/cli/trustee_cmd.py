"""``tinnhiem trustee …``: a committee member's side of the key ceremony and the decryption
on a laptop that never connects (thành viên Ban kiểm phiếu, làm ngoại tuyến).

Files travel by hand between the laptop and the committee page of the web app:

1. ``keygen CEREMONY.json --member I`` → ``commit-I.json`` to upload, and the member's
   secret state, protected by a passphrase (``protect_secret``, the same format the browser
   writes, so a member may switch between the two).
2. ``reveal CEREMONY.json`` (downloaded again once every member committed) →
   ``reveal-I.json``; the state file is rewritten with the commitments seen.
3. ``finish CEREMONY.json`` (once every member revealed) checks every reveal and this
   member's shares, writes the protected share file and ``confirm-I.json`` — or, when a
   dealer cheated, ``complaint-I.json`` naming them.
4. ``decrypt AGGREGATES.json --share SHARE`` → ``decryption-I.json``: the partial
   decryption of the round's aggregates with its proofs.
5. ``sign-head HEAD.json --share SHARE`` (once the round is tallied, by each member who
   decrypted) → ``head-signature-I.json``: the member's signature of the final board head
   (record-format §3.12), without which the election record is not complete.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from tinnhiem.ballots import Manifest, ceremony_fingerprint
from tinnhiem.crypto import Ciphertext, Context, CryptoError, DkgError, Point
from tinnhiem.crypto.boxes import protect_secret, unprotect_secret
from tinnhiem.crypto.dkg import (
    CommitMessage,
    CommitteeKey,
    DkgMember,
    MemberShare,
    RevealMessage,
)
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.errors import InputError
from tinnhiem.poll.trustee import TRUSTEE_FORMAT, message_file, read_trustee_file
from tinnhiem.tally import sign_head, verify_head_signature

__all__ = ["FORMAT", "MIN_PASSPHRASE", "register"]

FORMAT = TRUSTEE_FORMAT
MIN_PASSPHRASE = 10
PASSPHRASE_ENV = "TINNHIEM_PASSPHRASE"  # noqa: S105 (the variable's name, not a secret)

trustee_app = typer.Typer(
    help="Thành viên Ban kiểm phiếu làm ngoại tuyến / a committee member, offline.",
    no_args_is_help=True,
)

PassphraseFile = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        help="Tệp chứa mật khẩu (dòng đầu) / file holding the passphrase (first line); "
        f"else ${PASSPHRASE_ENV}, else asked.",
    ),
]
StateFile = Annotated[Path, typer.Option(help="Tệp trạng thái / state file")]
STATE_FILE = Path("member-state.tnsec")
"""The default name of the member's secret state file (keygen writes it)."""
SHARE_FILE = Path("member-share.tnsec")
"""The default name of the member's protected key share (finish writes it)."""


def _read_json(path: Path, kind: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", where=str(path)) from exc
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", where=str(path)) from exc
    return read_trustee_file(data, kind=kind, where=str(path))


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(
        json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8"
    )


def _write_secret(path: Path, blob: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(blob)


def _passphrase(source: Path | None, *, new: bool) -> str:
    if source is not None:
        try:
            text = source.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError) as exc:
            raise InputError("cannot read a passphrase from it", where=str(source)) from exc
    elif os.environ.get(PASSPHRASE_ENV):
        text = os.environ[PASSPHRASE_ENV]
    else:
        text = typer.prompt("Mật khẩu / passphrase", hide_input=True, confirmation_prompt=new)
    if new and len(text) < MIN_PASSPHRASE:
        raise InputError(
            f"the passphrase needs at least {MIN_PASSPHRASE} characters", where="passphrase"
        )
    return text


class _Ceremony:
    """A downloaded ceremony file, with its fingerprint recomputed from the manifest."""

    def __init__(self, path: Path) -> None:
        data = _read_json(path, "ceremony")
        self.manifest = Manifest.from_json(data.get("manifest"), where=f"{path}: manifest")
        fingerprint = ceremony_fingerprint(self.manifest)
        if data.get("ceremony_fingerprint") != fingerprint.hex():
            raise InputError(
                "ceremony_fingerprint is not H(manifest): the file was altered", where=str(path)
            )
        self.ctx = Context(fingerprint)
        self.t = self.manifest.threshold
        self.n = len(self.manifest.committee)
        try:
            self.commits = {
                int(k): CommitMessage.from_dict(v)
                for k, v in dict(data.get("commits") or {}).items()
            }
            self.reveals = {
                int(k): RevealMessage.from_dict(v)
                for k, v in dict(data.get("reveals") or {}).items()
            }
        except (CryptoError, ValueError) as exc:
            raise InputError(f"a ceremony message is malformed: {exc}", where=str(path)) from exc

    def message(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return message_file(self.manifest.round_id, kind, payload)


def _load_member(ceremony: _Ceremony, state: Path, passphrase: str) -> DkgMember:
    try:
        raw = unprotect_secret(state.read_bytes(), passphrase)
        member = DkgMember.from_state(json.loads(raw.decode("utf-8")))
    except OSError as exc:
        raise InputError(f"cannot read the state file: {exc.strerror}", where=str(state)) from exc
    except ValueError as exc:
        raise InputError(f"the state file is damaged: {exc}", where=str(state)) from exc
    if member.ctx.fingerprint != ceremony.ctx.fingerprint:
        raise InputError("this state file belongs to another round", where=str(state))
    return member


def _save_member(member: DkgMember, state: Path, passphrase: str) -> None:
    data = json.dumps(member.to_state(), sort_keys=True).encode("utf-8")
    _write_secret(state, protect_secret(data, passphrase))


@trustee_app.command("keygen")
def keygen(
    ceremony_file: Annotated[Path, typer.Argument(help="ceremony.json")],
    member: Annotated[int, typer.Option("--member", "-m", help="Số thứ tự / member number")],
    state: Annotated[
        Path, typer.Option(help="Tệp trạng thái bí mật sẽ ghi / state file")
    ] = STATE_FILE,
    out: Annotated[Path, typer.Option(help="Tệp cam kết để tải lên / commit file")] = Path(
        "commit.json"
    ),
    passphrase_file: PassphraseFile = None,
) -> None:
    """Bước 1: tạo khóa và cam kết / create the member's keys and the commit message."""
    ceremony = _Ceremony(ceremony_file)
    if not 1 <= member <= ceremony.n:
        raise InputError(f"member must be 1..{ceremony.n}", where="--member")
    if state.exists():
        raise InputError("exists already: keygen never overwrites a state file", where=str(state))
    passphrase = _passphrase(passphrase_file, new=True)
    dkg = DkgMember(ceremony.ctx, member, ceremony.t, ceremony.n)
    _save_member(dkg, state, passphrase)
    _write_json(out, ceremony.message("commit", dkg.commit().to_dict()))
    typer.echo(f"commit: {out}  state (secret, keep it): {state}")


@trustee_app.command("reveal")
def reveal(
    ceremony_file: Annotated[Path, typer.Argument(help="ceremony.json with every commit")],
    state: StateFile = STATE_FILE,
    out: Annotated[Path, typer.Option(help="Tệp công bố / reveal file")] = Path("reveal.json"),
    passphrase_file: PassphraseFile = None,
) -> None:
    """Bước 2: công bố cam kết và phần chia / reveal commitments and sealed shares."""
    ceremony = _Ceremony(ceremony_file)
    passphrase = _passphrase(passphrase_file, new=False)
    dkg = _load_member(ceremony, state, passphrase)
    try:
        message = dkg.reveal(ceremony.commits)
    except CryptoError as exc:
        raise InputError(str(exc), where=str(ceremony_file)) from exc
    _save_member(dkg, state, passphrase)
    _write_json(out, ceremony.message("reveal", message.to_dict()))
    typer.echo(f"reveal: {out}  (state updated: {state})")


@trustee_app.command("finish")
def finish(
    ceremony_file: Annotated[Path, typer.Argument(help="ceremony.json with every reveal")],
    state: StateFile = STATE_FILE,
    share: Annotated[Path, typer.Option(help="Tệp phần khóa sẽ ghi / share file")] = SHARE_FILE,
    out: Annotated[Path, typer.Option(help="Tệp xác nhận / confirm file")] = Path("confirm.json"),
    passphrase_file: PassphraseFile = None,
) -> None:
    """Bước 3: kiểm tra các phần chia, lưu phần khóa / check shares, save the key share."""
    ceremony = _Ceremony(ceremony_file)
    passphrase = _passphrase(passphrase_file, new=False)
    dkg = _load_member(ceremony, state, passphrase)
    try:
        key, mine = dkg.finish(ceremony.reveals)
    except DkgError as exc:
        if exc.member == dkg.index:
            raise InputError(str(exc), where=str(state)) from exc
        complaint = out.with_name(f"complaint-{dkg.index}.json")
        _write_json(
            complaint, ceremony.message("complaint", {"accused": exc.member, "reason": str(exc)})
        )
        typer.echo(f"member {exc.member} cheated or erred: {exc}. Upload {complaint}.", err=True)
        raise typer.Exit(1) from exc
    except CryptoError as exc:
        raise InputError(str(exc), where=str(ceremony_file)) from exc
    _write_secret(share, protect_secret(mine.to_bytes(), passphrase))
    _write_json(
        out,
        ceremony.message(
            "confirm",
            {
                "member": mine.index,
                "verification_key": key.verification_keys[mine.index].hex(),
                "public_key": key.public_key.hex(),
            },
        ),
    )
    typer.echo(
        f"public key: {key.public_key.hex()}\nshare (secret, keep it): {share}\nconfirm: {out}"
    )


def _load_share(share: Path, key: CommitteeKey, passphrase_file: Path | None) -> MemberShare:
    """The member's key share, opened with their passphrase and checked against the
    round's committee key (``V_i = s_i·G``)."""
    passphrase = _passphrase(passphrase_file, new=False)
    try:
        mine = MemberShare.from_bytes(unprotect_secret(share.read_bytes(), passphrase))
    except OSError as exc:
        raise InputError(f"cannot read the share file: {exc.strerror}", where=str(share)) from exc
    except CryptoError as exc:
        raise InputError(str(exc), where=str(share)) from exc
    expected = key.verification_keys.get(mine.index)
    if expected is None or Point.base_mul(mine.secret) != expected:
        raise InputError("this share does not belong to this round's committee", where=str(share))
    return mine


@trustee_app.command("decrypt")
def decrypt(
    aggregates_file: Annotated[Path, typer.Argument(help="aggregates.json")],
    share: Annotated[Path, typer.Option(help="Tệp phần khóa / share file")] = SHARE_FILE,
    out: Annotated[Path, typer.Option(help="Tệp giải mã / decryption file")] = Path(
        "decryption.json"
    ),
    passphrase_file: PassphraseFile = None,
) -> None:
    """Bước 4: giải mã phần của mình / partial decryption of the aggregates, with proofs."""
    data = _read_json(aggregates_file, "aggregates")
    where = str(aggregates_file)
    try:
        fingerprint = bytes.fromhex(str(data.get("fingerprint")))
        key = CommitteeKey.from_dict(data.get("committee") or {})
        cts = [
            Ciphertext.from_hex(str(a), allow_identity=True)
            for a in list(data.get("aggregates") or [])
        ]
        ctx = Context(fingerprint)
    except (CryptoError, ValueError) as exc:
        raise InputError(f"malformed aggregates file: {exc}", where=where) from exc
    mine = _load_share(share, key, passphrase_file)
    dshare = partial_decrypt(ctx, mine, cts)
    _write_json(out, message_file(str(data.get("round_id")), "decryption", dshare.to_dict()))
    typer.echo(f"decryption of {len(cts)} aggregates by member {mine.index}: {out}")


def _hex(text: str, size: int, what: str, where: str) -> bytes:
    """``size`` bytes written as hex (spaces and hyphens between groups allowed, as the
    committee page shows the head in groups of 4)."""
    cleaned = "".join(text.split()).replace("-", "").lower()
    try:
        raw = bytes.fromhex(cleaned)
    except ValueError as exc:
        raise InputError(f"{what} is not hex", where=where) from exc
    if len(raw) != size:
        raise InputError(f"{what} is {len(raw)} bytes, not {size}", where=where)
    return raw


@trustee_app.command("sign-head")
def sign_head_cmd(
    head_file: Annotated[Path, typer.Argument(help="head.json")],
    share: Annotated[Path, typer.Option(help="Tệp phần khóa / share file")] = SHARE_FILE,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="Đầu chuỗi đọc trên trang bảng tin, để đối chiếu / the board head as read on "
            "the public board page, checked against the file's",
        ),
    ] = None,
    round_fingerprint: Annotated[
        str | None,
        typer.Option(
            "--round-fingerprint",
            help="Dấu vân tay đợt (F), để đối chiếu / the election fingerprint F, checked "
            "against the file's",
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Tệp chữ ký để tải lên / signature file")] = Path(
        "head-signature.json"
    ),
    passphrase_file: PassphraseFile = None,
) -> None:
    """Bước 5: ký đầu chuỗi bảng tin / sign the final board head (each member who
    decrypted, once the round is tallied)."""
    data = _read_json(head_file, "head")
    where = str(head_file)
    try:
        fingerprint = _hex(str(data.get("fingerprint")), 32, "fingerprint", where)
        board_head = _hex(str(data.get("head")), 32, "head", where)
        key = CommitteeKey.from_dict(data.get("committee") or {})
        present = [int(m) for m in list(data.get("present") or [])]
    except (CryptoError, ValueError, TypeError) as exc:
        raise InputError(f"malformed head file: {exc}", where=where) from exc
    # What the member read elsewhere (the public board, the results page) must be what the
    # file says: a file altered on the way would otherwise be signed blind.
    if head is not None and _hex(head, 32, "--head", "--head") != board_head:
        raise InputError(
            f"the head file says {board_head.hex()}, not the head given: do not sign",
            where="--head",
        )
    if round_fingerprint is not None and (
        _hex(round_fingerprint, 32, "--round-fingerprint", "--round-fingerprint") != fingerprint
    ):
        raise InputError(
            f"the head file's fingerprint is {fingerprint.hex()}, not the one given",
            where="--round-fingerprint",
        )
    mine = _load_share(share, key, passphrase_file)
    if mine.index not in present:
        raise InputError(
            f"member {mine.index} did not decrypt this round: only members {present} sign its head",
            where=str(share),
        )
    signature = sign_head(fingerprint, mine, board_head)
    verify_head_signature(fingerprint, key, mine.index, board_head, signature)
    _write_json(
        out,
        message_file(
            str(data.get("round_id")),
            "head_signature",
            {"member": mine.index, "signature": signature.hex()},
        ),
    )
    typer.echo(
        f"head {board_head.hex()} signed by member {mine.index}: {out}\n"
        f"signature: {signature.hex()}"
    )


def register(app: typer.Typer) -> None:
    """Add ``tinnhiem trustee`` to the command."""
    app.add_typer(trustee_app, name="trustee")
