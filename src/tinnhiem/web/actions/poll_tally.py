"""Counting (kiểm phiếu): aggregates, the committee's partial decryptions, the results.

After the organiser closes the round, ``do_prepare_aggregates`` posts the board's ``close``
and ``aggregates`` sections (idempotent). Each present committee member then posts a
partial decryption of the aggregates with proofs (``do_post_decryption_share``), computed
in the browser or offline with ``tinnhiem trustee``. As soon as t verified shares are in,
the sums are decrypted, the rule applied, and the ``decryption`` and ``results`` sections
posted: the round is tallied and its record complete.

A round where no ballot was cast is tallied as soon as its aggregates are posted: they are
the empty sum, which is never decrypted (no share is needed or accepted), and every count
is 0 (``tinnhiem.tally.empty``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.ballots import Ballot
from tinnhiem.crypto import Ciphertext, Context, CryptoError
from tinnhiem.crypto.dkg import CommitteeKey
from tinnhiem.crypto.threshold import DecryptionShare, verify_decryption_share
from tinnhiem.record import payload_hash
from tinnhiem.tally import aggregate, compute_results, decrypt_sums
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.board import append_board_entry
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.actions.poll_cast import ensure_open_section
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.poll_round import (
    manifest_for,
    rule_source_for,
    section,
    stored_payload,
)
from tinnhiem.web.models import (
    Ballot as BallotRow,
)
from tinnhiem.web.models import (
    CommitteeMember,
    Result,
    Role,
    Round,
    RoundStatus,
)
from tinnhiem.web.models import (
    DecryptionShare as ShareRow,
)

__all__ = ["committee_key", "do_post_decryption_share", "do_prepare_aggregates"]


def committee_key(round: Round) -> CommitteeKey:
    committee = section(round, "committee")
    if committee is None:
        raise ActionError(_("Lễ tạo khóa chưa hoàn tất."))
    return CommitteeKey.from_dict(committee["key"])


def _aggregates(round: Round) -> list[Ciphertext]:
    posted = section(round, "aggregates")
    if posted is None:
        raise ActionError(_("Chưa có bản mã tổng; hãy chuẩn bị kiểm phiếu trước."))
    return [Ciphertext.from_hex(a, allow_identity=True) for a in posted]


@transaction.atomic
def do_prepare_aggregates(actor: Actor, round: Round) -> list[str]:
    """Post ``close`` and ``aggregates`` for a closed round (once); returns the aggregates
    (hex, one per official in ballot order)."""
    role = ensure_role(actor, [Role.COMMITTEE, Role.ORGANISER], round=round)
    round = Round.objects.select_for_update().select_related("body").get(pk=round.pk)
    if round.status not in (RoundStatus.CLOSED, RoundStatus.TALLIED, RoundStatus.PUBLISHED):
        raise ActionError(_("Hãy đóng đợt bỏ phiếu trước khi kiểm phiếu."))
    posted = section(round, "aggregates")
    if posted is not None:
        _tally_if_empty(Actor(actor.user, role), round)
        return list(posted)
    ensure_open_section(round)
    manifest = manifest_for(round)
    rows = list(BallotRow.objects.filter(round=round).order_by("board_seq"))
    close = {"accepted": len(rows), "counted": len(rows)}
    append_board_entry(round, "close", close, payload_hash("close", close))
    ballots = [Ballot.from_json(b.payload, where=f"ballot {b.pk}") for b in rows]
    sums = [a.hex() for a in aggregate(len(manifest.officials), ballots)]
    append_board_entry(
        round, "aggregates", stored_payload("aggregates", sums), payload_hash("aggregates", sums)
    )
    audit(
        Actor(actor.user, role),
        "tally.aggregate",
        round,
        round=round,
        detail={"ballots": len(rows)},
    )
    _tally_if_empty(Actor(actor.user, role), round)
    return sums


def _tally_if_empty(actor: Actor, round: Round) -> None:
    """A closed round with no ballot: tally it now, with no decryption share."""
    if round.status != RoundStatus.CLOSED or BallotRow.objects.filter(round=round).exists():
        return
    _tally(round, {})
    audit(actor, "tally.results", round, round=round, detail={"present": []})


def _tally(round: Round, shares: Mapping[int, DecryptionShare]) -> dict[str, Any]:
    """Decrypt the sums with the verified shares, apply the rule, post both sections."""
    manifest = manifest_for(round)
    source = rule_source_for(round.rule_id)
    ctx = Context(bytes.fromhex(round.fingerprint))
    key = committee_key(round)
    aggregates = _aggregates(round)
    returned = BallotRow.objects.filter(round=round).count()
    opened = section(round, "open") or {"credentials": []}
    issued = len(opened["credentials"])
    sums = decrypt_sums(
        ctx, key, aggregates, shares, bound=manifest.dlog_bound(returned), counted=returned
    )
    decryption = {
        "present": sorted(shares),
        "shares": [shares[m].to_dict() for m in sorted(shares)],
        "sums": list(sums),
    }
    append_board_entry(round, "decryption", decryption, payload_hash("decryption", decryption))
    results = [
        r.to_json()
        for r in compute_results(manifest, source.rule, sums, issued=issued, returned=returned)
    ]
    append_board_entry(
        round, "results", stored_payload("results", results), payload_hash("results", results)
    )
    payload = {
        "schema": "tinnhiem.web-result/1",
        "issued": issued,
        "returned": returned,
        "sums": list(sums),
        "results": results,
    }
    Result.objects.create(round=round, payload=payload)
    round.status = RoundStatus.TALLIED
    round.save(update_fields=["status"])
    return payload


@transaction.atomic
def do_post_decryption_share(actor: Actor, round: Round, data: Any) -> ShareRow:
    """Accept the actor's partial decryption of the aggregates once its proofs verify; with
    t shares in, decrypt and post the results."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    round = Round.objects.select_for_update().select_related("body").get(pk=round.pk)
    if round.status != RoundStatus.CLOSED:
        raise ActionError(_("Chỉ giải mã khi đợt đã đóng và chưa kiểm phiếu xong."))
    member = CommitteeMember.objects.filter(round=round, user=actor.user).first()
    if member is None:
        raise ActionError(_("Bạn không phải thành viên Ban kiểm phiếu của đợt này."))
    if ShareRow.objects.filter(round=round, member=member).exists():
        raise ActionError(_("Bạn đã gửi phần giải mã rồi."))
    if not isinstance(data, Mapping):
        raise ActionError(_("Phần giải mã phải là một đối tượng JSON."))
    try:
        share = DecryptionShare.from_dict(data)
    except CryptoError as exc:
        raise ActionError(_("Phần giải mã không hợp lệ: %(e)s") % {"e": exc}) from exc
    if share.member != member.index:
        raise ActionError(
            _("Phần giải mã ghi thành viên %(m)s, bạn là thành viên %(i)s.")
            % {"m": share.member, "i": member.index}
        )
    ctx = Context(bytes.fromhex(round.fingerprint))
    try:
        verify_decryption_share(ctx, committee_key(round), _aggregates(round), share)
    except CryptoError as exc:
        raise ActionError(_("Phần giải mã không kiểm chứng được: %(e)s") % {"e": exc}) from exc
    row = ShareRow.objects.create(round=round, member=member, payload=share.to_dict())
    audit(Actor(actor.user, role), "tally.share", row, round=round, detail={"member": member.index})
    shares = {
        s.member.index: DecryptionShare.from_dict(s.payload)
        for s in ShareRow.objects.filter(round=round).select_related("member")
    }
    key = committee_key(round)
    if len(shares) >= key.t:
        _tally(round, shares)
        audit(
            Actor(actor.user, role),
            "tally.results",
            round,
            round=round,
            detail={"present": sorted(shares)},
        )
    return row
