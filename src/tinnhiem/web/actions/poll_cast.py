"""Casting an encrypted ballot (bỏ phiếu): checked once on arrival, then posted on the board.

The booth encrypts, proves and signs in the browser; the server sees only the encrypted
ballot. ``do_cast_ballot`` refuses — with a reason code, a clear message and nothing
stored — a ballot from a credential not issued for this poll or not the voter's own, a
copy of a ballot already received, a ciphertext that reuses an earlier one's randomness
(a replay), a second ballot from the same credential, and any ballot whose signature or
proofs fail (``tinnhiem.ballots.verify_ballot``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.ballots import Ballot, BallotRejected, check_credentials, to_hex, verify_ballot
from tinnhiem.crypto import Point
from tinnhiem.errors import InputError
from tinnhiem.record import payload_hash
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.board import append_board_entry
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.poll_round import manifest_for, section
from tinnhiem.web.models import Ballot as BallotRow
from tinnhiem.web.models import Role, Round, RoundStatus, VoterCredential

__all__ = ["BallotRefused", "CastReceipt", "do_cast_ballot", "ensure_open_section"]


class BallotRefused(ActionError):
    """A ballot refused on arrival; ``reason`` is a short code (``not_eligible``,
    ``wrong_credential``, ``duplicate``, ``replay``, ``already_voted``, ``bad_signature``,
    ``bad_proof``, ``malformed``, ``closed``) and ``row`` the row at fault, if any."""

    def __init__(self, reason: str, message: str, *, row: int | None = None) -> None:
        self.reason = reason
        self.row = row
        super().__init__(message)


@dataclass(frozen=True)
class CastReceipt:
    """Biên nhận: the ballot's tracker, hash and position on the board."""

    tracker: str
    ballot_hash: str
    board_index: int


def _messages() -> dict[str, str]:
    return {
        "not_eligible": _("Thẻ xác thực này không được cấp cho đợt bỏ phiếu này."),
        "wrong_credential": _("Lá phiếu không được ký bằng thẻ xác thực của bạn."),
        "duplicate": _("Lá phiếu này đã được nhận trước đó (bản sao)."),
        "replay": _("Lá phiếu dùng lại bản mã của một lá phiếu trước (phát lại)."),
        "already_voted": _("Thẻ xác thực này đã bỏ phiếu; không được bỏ lần thứ hai."),
        "bad_signature": _("Chữ ký của lá phiếu không hợp lệ."),
        "bad_proof": _("Chứng minh của lá phiếu không hợp lệ."),
        "malformed": _("Lá phiếu không đúng định dạng."),
        "closed": _("Đợt bỏ phiếu không mở."),
    }


def _refuse(reason: str, detail: str = "", *, row: int | None = None) -> BallotRefused:
    text = _messages()[reason]
    if row is not None:
        text += " " + _("(dòng %(row)s)") % {"row": row + 1}
    if detail:
        text += f" — {detail}"
    return BallotRefused(reason, text, row=row)


def ensure_open_section(round: Round) -> dict[str, Any]:
    """Post the board's ``open`` section (fingerprint and every public credential, sorted)
    if it is not there yet; call inside the transaction, with the round locked. The
    credentials are final once the round is open (none are issued after)."""
    posted = section(round, "open")
    if posted is not None:
        return dict(posted)
    manifest = manifest_for(round)
    publics = [
        bytes.fromhex(k)
        for k in VoterCredential.objects.filter(round=round).values_list("public_key", flat=True)
    ]
    payload = {
        "fingerprint": round.fingerprint,
        "credentials": [to_hex(c) for c in check_credentials(publics, summoned=manifest.summoned)],
    }
    append_board_entry(round, "open", payload, payload_hash("open", payload))
    return payload


def _seen_alphas(round: Round) -> set[str]:
    """The α of every ciphertext already on the board (hex)."""
    seen: set[str] = set()
    for payload in BallotRow.objects.filter(round=round).values_list("payload", flat=True):
        for row in payload.get("rows", []):
            seen.add(str(row.get("ct", ""))[:64])
    return seen


@transaction.atomic
def do_cast_ballot(actor: Actor, round: Round, data: Any) -> CastReceipt:
    """Check the encrypted ballot ``data`` (its JSON form) once and post it on the board."""
    role = ensure_role(actor, [Role.VOTER], round=round)
    round = Round.objects.select_for_update().select_related("body").get(pk=round.pk)
    if round.status != RoundStatus.OPEN:
        raise _refuse("closed")
    mine = VoterCredential.objects.filter(round=round, user=actor.user).first()
    if mine is None:
        raise _refuse("not_eligible")
    try:
        ballot = Ballot.from_json(data, where="ballot")
    except InputError as exc:
        raise _refuse("malformed", str(exc)) from exc
    credential_hex = to_hex(ballot.credential)
    if not VoterCredential.objects.filter(round=round, public_key=credential_hex).exists():
        raise _refuse("not_eligible")
    if credential_hex != mine.public_key:
        raise _refuse("wrong_credential")
    fingerprint = bytes.fromhex(round.fingerprint)
    ballot_hash = ballot.ballot_hash(fingerprint)
    if BallotRow.objects.filter(round=round, ballot_hash=ballot_hash.hex()).exists():
        raise _refuse("duplicate")
    seen = _seen_alphas(round)
    alphas = [row.ciphertext[:32].hex() for row in ballot.rows]
    for i, alpha in enumerate(alphas):
        if alpha in seen or alphas.index(alpha) != i:
            raise _refuse("replay", row=i)
    if BallotRow.objects.filter(round=round, credential=mine).exists():
        raise _refuse("already_voted")
    manifest = manifest_for(round)
    try:
        verify_ballot(manifest, fingerprint, Point.from_hex(round.public_key), ballot)
    except BallotRejected as exc:
        reason = exc.reason if exc.reason in _messages() else "malformed"
        raise _refuse(reason, exc.message, row=exc.row) from exc
    ensure_open_section(round)
    tracker = ballot.tracker(fingerprint)
    entry = append_board_entry(round, "ballot", {"tracker": tracker}, ballot_hash)
    BallotRow.objects.create(
        round=round,
        credential=mine,
        payload=ballot.to_json(),
        tracker=tracker,
        ballot_hash=ballot_hash.hex(),
        board_seq=entry.seq,
    )
    # The audit entry names the tracker only: never anything of the vote.
    audit(
        Actor(actor.user, role),
        "ballot.cast",
        round,
        round=round,
        detail={"tracker": tracker, "board_seq": entry.seq},
    )
    return CastReceipt(tracker=tracker, ballot_hash=ballot_hash.hex(), board_index=entry.seq)
