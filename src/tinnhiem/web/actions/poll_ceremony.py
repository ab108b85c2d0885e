"""The key ceremony on the server's side (lễ tạo khóa): the server only carries messages.

Each member runs their side in the browser (or offline with ``tinnhiem trustee``) and posts,
in order: ``commit`` (box key and hash of the Feldman commitments), ``reveal`` (once all
have committed: commitments, proof, shares sealed to each other member), then ``confirm``
(once all have revealed: the member checked every reveal and their own shares, saved their
protected share file, and states the verification key they derived). A member who finds a
bad share posts a ``complaint`` naming the dealer. When all n have confirmed and the public
transcript verifies (``tinnhiem.crypto.dkg.verify_ceremony``), the round gets its public
key and fingerprint, and the board its ``manifest`` and ``committee`` sections.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.ballots import election_fingerprint
from tinnhiem.crypto import Context, CryptoError
from tinnhiem.crypto.dkg import (
    CommitMessage,
    CommitteeKey,
    RevealMessage,
    commitment_digest,
    verify_ceremony,
)
from tinnhiem.record import payload_hash
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.board import append_board_entry
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.poll_round import (
    ceremony_context,
    manifest_for,
    manifest_payload,
    rule_source_for,
    section,
)
from tinnhiem.web.models import CeremonyMessage, CommitteeMember, Role, Round, RoundStatus

__all__ = ["CEREMONY_KINDS", "ceremony_messages", "do_post_ceremony_message"]

CEREMONY_KINDS = ("commit", "reveal", "confirm", "complaint")


def ceremony_messages(round: Round, kind: str) -> dict[int, dict[str, Any]]:
    """The posted messages of ``kind`` by member index (the first of each member)."""
    out: dict[int, dict[str, Any]] = {}
    rows = CeremonyMessage.objects.filter(round=round, kind=kind).select_related("sender")
    for msg in rows.order_by("id"):
        out.setdefault(msg.sender.index, msg.payload)
    return out


def _member_of(actor: Actor, round: Round) -> CommitteeMember:
    member = CommitteeMember.objects.filter(round=round, user=actor.user).first()
    if member is None:
        raise ActionError(_("Bạn không phải thành viên Ban kiểm phiếu của đợt này."))
    return member


def _as_int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ActionError(_("Trường %(f)s phải là số nguyên.") % {"f": field}, field=field)
    return value


def _commits(round: Round) -> dict[int, CommitMessage]:
    return {i: CommitMessage.from_dict(p) for i, p in ceremony_messages(round, "commit").items()}


def _reveals(round: Round) -> dict[int, RevealMessage]:
    return {i: RevealMessage.from_dict(p) for i, p in ceremony_messages(round, "reveal").items()}


def _check_commit(payload: Mapping[str, Any], index: int) -> dict[str, Any]:
    try:
        msg = CommitMessage.from_dict(payload)
    except CryptoError as exc:
        raise ActionError(_("Thông điệp cam kết không hợp lệ: %(e)s") % {"e": exc}) from exc
    if msg.member != index:
        raise ActionError(
            _("Thông điệp ghi thành viên %(m)s, bạn là thành viên %(i)s.")
            % {"m": msg.member, "i": index}
        )
    return msg.to_dict()


def _check_reveal(
    round: Round, payload: Mapping[str, Any], index: int, ctx: Context, t: int, n: int
) -> dict[str, Any]:
    commits = _commits(round)
    if len(commits) < n:
        raise ActionError(_("Chưa đủ %(n)s thành viên cam kết; chưa công bố được.") % {"n": n})
    try:
        msg = RevealMessage.from_dict(payload)
    except CryptoError as exc:
        raise ActionError(_("Thông điệp công bố không hợp lệ: %(e)s") % {"e": exc}) from exc
    if msg.member != index:
        raise ActionError(
            _("Thông điệp ghi thành viên %(m)s, bạn là thành viên %(i)s.")
            % {"m": msg.member, "i": index}
        )
    if len(msg.commitments) != t:
        raise ActionError(_("Cần đúng t = %(t)s cam kết Feldman.") % {"t": t})
    mine = commits[index]
    if commitment_digest(ctx, index, t, n, mine.box_public, msg.commitments) != mine.digest:
        raise ActionError(_("Các cam kết công bố không khớp với mã băm đã cam kết."))
    if sorted(msg.shares) != [m for m in range(1, n + 1) if m != index]:
        raise ActionError(_("Phần chia phải gửi đúng cho từng thành viên khác."))
    return msg.to_dict()


def _finish(actor: Actor, round: Round, key: CommitteeKey, role: str) -> None:
    """All members confirmed: fix the key and fingerprint, post manifest and committee."""
    manifest = manifest_for(round)
    commits = ceremony_messages(round, "commit")
    reveals = ceremony_messages(round, "reveal")
    committee = {
        "key": key.to_dict(),
        "commits": [commits[m] for m in sorted(commits)],
        "reveals": [reveals[m] for m in sorted(reveals)],
    }
    if section(round, "manifest") is None:
        payload = manifest_payload(manifest, rule_source_for(round.rule_id))
        append_board_entry(round, "manifest", payload, payload_hash("manifest", payload))
    append_board_entry(round, "committee", committee, payload_hash("committee", committee))
    round.public_key = key.public_key.hex()
    round.fingerprint = election_fingerprint(manifest, key.public_key.to_bytes()).hex()
    round.save(update_fields=["public_key", "fingerprint"])
    audit(
        Actor(actor.user, role),
        "ceremony.finish",
        round,
        round=round,
        detail={"public_key": round.public_key, "fingerprint": round.fingerprint},
    )


@transaction.atomic
def do_post_ceremony_message(
    actor: Actor, round: Round, kind: str, payload: Any
) -> CeremonyMessage:
    """Post one key-ceremony message of the actor's seat; refuses it (nothing stored) when
    it is out of turn, repeated, addressed wrongly or does not check."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    round = Round.objects.select_for_update().select_related("body").get(pk=round.pk)
    if round.status != RoundStatus.CEREMONY:
        raise ActionError(_("Đợt không ở bước tạo khóa."))
    if round.public_key:
        raise ActionError(_("Lễ tạo khóa đã hoàn tất."))
    if kind not in CEREMONY_KINDS:
        raise ActionError(_("Loại thông điệp không hợp lệ."), field="kind")
    if not isinstance(payload, Mapping):
        raise ActionError(_("Nội dung thông điệp phải là một đối tượng JSON."))
    member = _member_of(actor, round)
    manifest = manifest_for(round)
    t, n = manifest.threshold, len(manifest.committee)
    ctx = Context(ceremony_context(manifest))
    if kind != "complaint" and member.index in ceremony_messages(round, kind):
        raise ActionError(_("Bạn đã gửi bước này rồi."))
    stored: dict[str, Any]
    if kind == "commit":
        stored = _check_commit(payload, member.index)
        member.public_key = stored["box_public"]
        member.save(update_fields=["public_key"])
    elif kind == "reveal":
        stored = _check_reveal(round, payload, member.index, ctx, t, n)
    elif kind == "complaint":
        accused = _as_int(payload.get("accused"), "accused")
        if not 1 <= accused <= n:
            raise ActionError(_("Không có thành viên %(m)s.") % {"m": accused}, field="accused")
        stored = {
            "member": member.index,
            "accused": accused,
            "reason": str(payload.get("reason", ""))[:500],
        }
    else:  # confirm
        reveals = _reveals(round)
        if len(reveals) < n:
            raise ActionError(_("Chưa đủ %(n)s thành viên công bố; chưa xác nhận được.") % {"n": n})
        try:
            key = verify_ceremony(ctx, t, n, _commits(round), reveals)
        except CryptoError as exc:
            raise ActionError(_("Lễ tạo khóa không kiểm chứng được: %(e)s") % {"e": exc}) from exc
        vk = payload.get("verification_key")
        if vk != key.verification_keys[member.index].hex():
            raise ActionError(
                _("Khóa kiểm chứng của bạn không khớp với các cam kết; hãy kiểm tra lại phần khóa.")
            )
        if payload.get("public_key") != key.public_key.hex():
            raise ActionError(_("Khóa chung bạn tính được không khớp với các cam kết."))
        stored = {
            "member": member.index,
            "verification_key": vk,
            "public_key": key.public_key.hex(),
        }
    message = CeremonyMessage.objects.create(round=round, sender=member, kind=kind, payload=stored)
    audit(
        Actor(actor.user, role),
        f"ceremony.{kind}",
        message,
        round=round,
        detail={"member": member.index},
    )
    if kind == "confirm" and len(ceremony_messages(round, "confirm")) == n:
        _finish(actor, round, key, role)
    return message
