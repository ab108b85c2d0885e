"""The electronic round's actions: the web hosts the core's poll engine, it decides nothing.

Each action checks who may act (the member's seat, the voter's own credential), then runs
one step of ``tinnhiem.poll.PollEngine`` inside one transaction on the locked round
(``engine_for_update``): the engine reads the round's state through the ORM store, checks
the step, and appends what it adds (board entries, ballots, messages, shares). A refused
step raises before anything is written; the action turns the engine's refusal code into
a message in the user's language. What the web keeps for itself: the round's status for
the pages, cached columns (public key, fingerprint), the ``Result`` row and the audit log.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

from tinnhiem.ballots import Accepted, Ballot, BallotRejected, format_tracker, to_hex
from tinnhiem.ballots import CommitteeMember as Seat
from tinnhiem.errors import InputError
from tinnhiem.poll import AuditRow, Phase, PollEngine, PollError
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.group_commit import GroupCommit, Job
from tinnhiem.web.lib.poll_round import (
    build_manifest,
    display_name,
    engine_memo,
    engine_of,
    source_for,
)
from tinnhiem.web.lib.poll_store import OrmPollStore
from tinnhiem.web.models import (
    CommitteeMember,
    Membership,
    Result,
    Role,
    Round,
    RoundStatus,
    VoterCredential,
)

__all__ = [
    "BallotRefused",
    "CastReceipt",
    "close_round",
    "do_audit_ballot",
    "do_cast_ballot",
    "do_post_ceremony_message",
    "do_post_decryption_share",
    "do_restart_ceremony",
    "do_sign_head",
    "engine_for_update",
    "freeze_round",
    "open_round",
    "poll_error",
]


class BallotRefused(ActionError):
    """A ballot refused on arrival; ``reason`` is the arrival policy's code
    (``not_eligible``, ``wrong_credential``, ``duplicate``, ``audited``, ``replay``,
    ``already_voted``, ``bad_signature``, ``bad_proof``, ``malformed``, ``closed``) and
    ``row`` the row at fault, if any."""

    def __init__(self, reason: str, message: str, *, row: int | None = None) -> None:
        self.reason = reason
        self.row = row
        super().__init__(message)


@dataclass(frozen=True)
class CastReceipt:
    """Biên nhận: the ballot's tracker, hash and position on the board. ``repeated``: this
    very ballot was already on the board (a retransmission), nothing was added."""

    tracker: str
    ballot_hash: str
    board_index: int
    repeated: bool = False

    @classmethod
    def of(cls, accepted: Accepted, *, repeated: bool = False) -> CastReceipt:
        return cls(accepted.tracker, accepted.ballot_hash.hex(), accepted.board_index, repeated)


#: Tries of a cast's short write transaction when the database is busy (SQLite's single
#: writer); after them the API answers 503 with Retry-After and the booth sends again.
CAST_TRIES = 4

# -- the engine's refusals in the user's language ---------------------------------------------


def _ballot_messages() -> dict[str, str]:
    return {
        "not_eligible": _("Thẻ xác thực này không được cấp cho đợt bỏ phiếu này."),
        "wrong_credential": _("Lá phiếu không được ký bằng thẻ xác thực của bạn."),
        "duplicate": _("Lá phiếu này đã được nhận trước đó (bản sao)."),
        "audited": _(
            "Lá phiếu này đã được mở để kiểm tra nên không thể bỏ vào hòm; "
            "hãy niêm phong một lá phiếu mới."
        ),
        "replay": _("Lá phiếu dùng lại bản mã của một lá phiếu trước (phát lại)."),
        "already_voted": _("Thẻ xác thực này đã bỏ phiếu; không được bỏ lần thứ hai."),
        "bad_signature": _("Chữ ký của lá phiếu không hợp lệ."),
        "bad_proof": _("Chứng minh của lá phiếu không hợp lệ."),
        "malformed": _("Lá phiếu không đúng định dạng."),
        "closed": _("Đợt bỏ phiếu không mở."),
    }


def _refuse_ballot(reason: str, *, row: int | None = None) -> BallotRefused:
    messages = _ballot_messages()
    text = messages.get(reason, messages["malformed"])
    if row is not None:
        text += " " + _("(dòng %(row)s)") % {"row": row + 1}
    return BallotRefused(reason if reason in messages else "malformed", text, row=row)


def _step_messages() -> dict[str, str]:
    return {
        "phase": _("Không thể thực hiện bước này ở giai đoạn hiện tại của đợt."),
        "repeat": _("Bạn đã gửi bước này rồi."),
        "too_early": _("Chưa đủ %(n)s thành viên hoàn tất bước trước; hãy chờ."),
        "bad_kind": _("Loại thông điệp không hợp lệ."),
        "kind": _(
            "Đợt bỏ phiếu nhân sự được quyết định theo quy trình của nó, không theo quy định "
            "lấy phiếu tín nhiệm."
        ),
        "not_member": _("Không có thành viên %(member)s trong Ban kiểm phiếu."),
        "malformed": _("Nội dung không đúng định dạng."),
        "wrong_member": _("Thông điệp ghi thành viên %(found)s, bạn là thành viên %(member)s."),
        "commitments": _("Cần đúng t = %(t)s cam kết Feldman."),
        "commit_mismatch": _("Các cam kết công bố không khớp với mã băm đã cam kết."),
        "recipients": _("Phần chia phải gửi đúng cho từng thành viên khác."),
        "accused": _("Người bị khiếu nại phải là một thành viên từ 1 đến %(n)s."),
        "transcript": _("Lễ tạo khóa không kiểm chứng được."),
        "verification_key": _(
            "Khóa kiểm chứng của bạn không khớp với các cam kết; hãy kiểm tra lại phần khóa."
        ),
        "public_key": _("Khóa chung bạn tính được không khớp với các cam kết."),
        "bad_share": _("Phần giải mã không kiểm chứng được."),
        "not_present": _("Chỉ các thành viên đã giải mã mới ký đầu chuỗi bảng tin của đợt."),
        "bad_signature": _(
            "Chữ ký đầu chuỗi bảng tin không hợp lệ: chữ ký phải được tạo bằng phần khóa "
            "của chính bạn cho đúng đầu chuỗi hiện tại."
        ),
        "bad_reveal": _("Phần mở lá phiếu không đúng định dạng."),
        "cast_already": _("Lá phiếu này đã được bỏ vào hòm nên không thể mở để kiểm tra."),
        "no_complaint": _("Chỉ tạo khóa lại khi có khiếu nại đối với một thành viên."),
        "restart": _(
            "Khi tạo khóa lại chỉ được bỏ hoặc thay thành viên bị khiếu nại; "
            "các thành viên khác giữ nguyên thứ tự và ngưỡng t không đổi."
        ),
    }


def poll_error(exc: PollError) -> ActionError:
    """An engine refusal as the user reads it."""
    template = _step_messages().get(exc.code, "")
    if not template:
        return ActionError(_("Không thực hiện được: %(reason)s") % {"reason": exc.message})
    try:
        return ActionError(template % exc.params if "%(" in template else template)
    except (KeyError, TypeError):
        return ActionError(template)


# -- the engine inside the round's transaction ------------------------------------------------


@contextmanager
def engine_for_update(round: Round) -> Iterator[tuple[Round, PollEngine]]:
    """Lock the round, give its engine; a refusal inside becomes an ``ActionError``. Call
    inside ``transaction.atomic``."""
    locked = Round.objects.select_for_update().select_related("body").get(pk=round.pk)
    try:
        yield locked, PollEngine(OrmPollStore(locked), memo=engine_memo(locked))
    except PollError as exc:
        raise poll_error(exc) from exc


def freeze_round(round: Round, engine: PollEngine) -> None:
    """Freeze the manifest on the board (the key ceremony starts from it). A round whose
    ceremony started under an earlier version of the site is frozen on its first step."""
    if engine.phase is Phase.NEW:
        source = source_for(round)
        engine.freeze(build_manifest(round, source), source)


def _credentials(round: Round) -> list[bytes]:
    keys = VoterCredential.objects.filter(round=round).values_list("public_key", flat=True)
    return [bytes.fromhex(k) for k in keys]


def open_round(round: Round, engine: PollEngine) -> None:
    """Fix the credentials issued and open the poll (also catches up a round opened under an
    earlier version of the site, whose credentials were fixed at its first ballot)."""
    if engine.phase is Phase.KEYED:
        engine.open(_credentials(round))


def close_round(actor: Actor, round: Round, engine: PollEngine) -> None:
    """Post ``close`` and the aggregates; a round with no ballot counted is tallied now."""
    open_round(round, engine)
    engine.close()
    audit(actor, "tally.aggregate", round, round=round, detail={"ballots": len(engine.counted())})
    _after_tally(actor, round, engine)


def _after_tally(actor: Actor, round: Round, engine: PollEngine) -> None:
    """When the engine has posted the results: the ``Result`` row and the status."""
    if engine.phase is not Phase.TALLIED or Result.objects.filter(round=round).exists():
        return
    decryption = engine.store.section("decryption")
    returned = engine.store.section("close")["counted"]
    personnel = engine.manifest.kind.personnel
    Result.objects.create(
        round=round,
        payload={
            "schema": "tinnhiem.web-result/1",
            "issued": len(engine.credentials),
            "returned": returned,
            "sums": list(decryption["sums"]),
            # A personnel step's result is one object (its step's decision and clauses).
            "results": (
                engine.step_result() if personnel else list(engine.store.section("results"))
            ),
        },
    )
    round.status = RoundStatus.TALLIED
    round.save(update_fields=["status"])
    audit(actor, "tally.results", round, round=round, detail={"present": decryption["present"]})


# -- the key ceremony ------------------------------------------------------------------------


def _seat(actor: Actor, round: Round) -> CommitteeMember:
    member = CommitteeMember.objects.seated(round).filter(user=actor.user).first()
    if member is None:
        raise ActionError(_("Bạn không phải thành viên Ban kiểm phiếu của đợt này."))
    return member


@transaction.atomic
def do_post_ceremony_message(actor: Actor, round: Round, kind: str, payload: Any) -> None:
    """Post one key-ceremony message of the actor's seat; when the last member confirms,
    the committee key and the election fingerprint are fixed."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    who = Actor(actor.user, role)
    with engine_for_update(round) as (round, engine):
        if round.status != RoundStatus.CEREMONY or round.public_key:
            raise ActionError(_("Đợt không ở bước tạo khóa."))
        member = _seat(actor, round)
        freeze_round(round, engine)
        key = engine.post_ceremony_message(member.index, kind, payload)
        audit(who, f"ceremony.{kind}", member, round=round, detail={"member": member.index})
        if key is not None:
            round.public_key = key.public_key.hex()
            round.fingerprint = engine.fingerprint.hex()
            round.save(update_fields=["public_key", "fingerprint"])
            audit(
                who,
                "ceremony.finish",
                round,
                round=round,
                detail={"public_key": round.public_key, "fingerprint": round.fingerprint},
            )


@transaction.atomic
def do_restart_ceremony(
    actor: Actor, round: Round, *, replacements: Mapping[int, Any], reason: str
) -> list[CommitteeMember]:
    """Start the key ceremony again after complaints: each accused member leaves, or gives
    their place to the user ``replacements[index]``; the others keep their order. The
    committee is seated anew (seats renumbered 1..n), the engine posts the restart and the
    new manifest, and every member runs the ceremony again from the first step."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    who = Actor(actor.user, role)
    with engine_for_update(round) as (round, engine):
        if round.status != RoundStatus.CEREMONY or round.public_key:
            raise ActionError(_("Đợt không ở bước tạo khóa."))
        accused = {int(c["accused"]) for c in engine.transcript().complaints}
        if not accused:
            raise ActionError(_("Chỉ tạo khóa lại khi có khiếu nại đối với một thành viên."))
        unknown = set(replacements) - accused
        if unknown:
            raise ActionError(
                _("Chỉ thay được thành viên bị khiếu nại (%(m)s).")
                % {"m": ", ".join(str(a) for a in sorted(accused))},
                field="replacements",
            )
        seats = list(CommitteeMember.objects.seated(round).select_related("user"))
        users = []
        for seat in seats:
            if seat.index not in accused:
                users.append(seat.user)
            elif replacements.get(seat.index) is not None:
                users.append(replacements[seat.index])
        staying = {u.pk for u in users}
        if len(staying) != len(users) or any(
            s.index in accused and s.user.pk in staying for s in seats
        ):
            raise ActionError(
                _("Người thay thế phải là người chưa ngồi trong Ban kiểm phiếu."),
                field="replacements",
            )
        manifest = replace(
            engine.manifest,
            committee=tuple(
                Seat(index=i, name=display_name(u)) for i, u in enumerate(users, start=1)
            ),
        )
        engine.restart_ceremony(manifest, reason=reason)
        round.ceremony_attempt = engine.attempt
        round.committee_size = len(users)
        round.save(update_fields=["ceremony_attempt", "committee_size"])
        new = [
            CommitteeMember.objects.create(round=round, attempt=engine.attempt, index=i, user=u)
            for i, u in enumerate(users, start=1)
        ]
        for seat in seats:
            if seat.user.pk not in staying:
                Membership.objects.filter(user=seat.user, role=Role.COMMITTEE, round=round).delete()
        for user in users:
            Membership.objects.get_or_create(user=user, role=Role.COMMITTEE, body=None, round=round)
        audit(
            who,
            "ceremony.restart",
            round,
            round=round,
            detail={
                "attempt": engine.attempt,
                "accused": sorted(accused),
                "replaced": sorted(replacements),
                "reason": reason[:500],
            },
        )
    return new


# -- casting and auditing --------------------------------------------------------------------


def _voter_ballot(actor: Actor, round: Round, data: Any) -> tuple[Ballot, VoterCredential]:
    """The ballot in ``data``, signed with the actor's own credential (returned too)."""
    mine = VoterCredential.objects.filter(round=round, user=actor.user).first()
    if mine is None:
        raise _refuse_ballot("not_eligible")
    try:
        ballot = Ballot.from_json(data, where="ballot")
    except InputError as exc:
        raise _refuse_ballot("malformed") from exc
    if to_hex(ballot.credential) != mine.public_key:
        known = VoterCredential.objects.filter(round=round, public_key=to_hex(ballot.credential))
        raise _refuse_ballot("wrong_credential" if known.exists() else "not_eligible")
    return ballot, mine


def _log_refusal(actor: Actor, round: Round, exc: BallotRefused) -> None:
    """Who, when and why, in a transaction of its own (the refused one rolled back):
    never anything of the ballot's content."""
    with transaction.atomic():
        detail: dict[str, Any] = {"reason": exc.reason}
        if exc.row is not None:
            detail["row"] = exc.row
        audit(actor, "ballot.refused", round, round=round, detail=detail)


def _first_refusal(engine: PollEngine, ballot: Ballot, proofs: BallotRejected) -> BallotRejected:
    """The arrival policy's refusal if one applies (it comes first), else ``proofs``."""
    try:
        engine.check_arrival(ballot)
    except BallotRejected as arrival:
        return arrival
    return proofs


def do_cast_ballot(actor: Actor, round: Round, data: Any) -> CastReceipt:
    """Check the encrypted ballot ``data`` (its JSON form) and post it on the board.

    The signature and proofs are checked first, outside the round's lock (they need no
    state); the arrival policy then runs again under the lock, which only inserts. Sending
    the same ballot again (a lost answer) returns its receipt, ``repeated``. A refusal is
    logged (reason only). A database too busy after ``CAST_TRIES`` raises
    ``OperationalError`` (the API answers 503 and the booth sends again).
    """
    role = ensure_role(actor, [Role.VOTER], round=round)
    who = Actor(actor.user, role)
    try:
        if round.status != RoundStatus.OPEN:
            raise _refuse_ballot("closed")
        ballot, mine = _voter_ballot(actor, round, data)
        reader = engine_of(round)
        checked = bool(round.fingerprint)  # keyed: the proofs can be checked now
        if checked:
            # The proofs first, without the lock. A ballot they refuse gets the policy's
            # first reason: an arrival check, if one fails, comes before the proofs.
            try:
                reader.check_ballot(ballot)
            except BallotRejected as bad_proof:
                first = _first_refusal(reader, ballot, bad_proof)
                if first.reason == "duplicate" and (known := reader.accepted(ballot)):
                    return CastReceipt.of(known, repeated=True)
                raise _refuse_ballot(first.reason, row=first.row) from first
        cast = _Cast(who, ballot, mine, checked)
        for attempt in range(CAST_TRIES):
            try:
                receipt: CastReceipt = _CASTS.run(round.pk, cast, partial(_accept_group, round))
                return receipt
            except OperationalError:
                if attempt == CAST_TRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt + random.uniform(0, 0.05))
        raise AssertionError("unreachable")
    except BallotRefused as exc:
        _log_refusal(who, round, exc)
        raise


@dataclass(frozen=True)
class _Cast:
    """One checked ballot waiting for the round's write lock."""

    actor: Actor
    ballot: Ballot
    mine: VoterCredential
    checked: bool


#: The casts of a round that wait for its write lock at the same time are accepted in one
#: transaction (group commit, ``lib/group_commit.py``): a hall's burst pays for the lock,
#: the round's state and the commit once per group instead of once per ballot.
_CASTS: GroupCommit[_Cast] = GroupCommit()


@transaction.atomic
def _accept_group(round: Round, jobs: Sequence[Job[_Cast]]) -> None:
    """Accept each queued ballot in arrival order, each as the engine decides; a refusal is
    that ballot's answer only (the engine refuses before it writes anything)."""
    with engine_for_update(round) as (round, engine):
        open_round(round, engine)
        store = engine.store
        for job in jobs:
            cast = job.input
            try:
                if round.status != RoundStatus.OPEN:
                    raise _refuse_ballot("closed")
                if isinstance(store, OrmPollStore):
                    store.remember_credential(cast.mine.public_key, cast.mine.pk)
                job.result = _accept(engine, round, cast)
            except BallotRefused as exc:
                job.error = exc
            except PollError as exc:  # refused before anything was written
                job.error = poll_error(exc)


def _accept(engine: PollEngine, round: Round, cast: _Cast) -> CastReceipt:
    try:
        accepted = engine.cast(cast.ballot, checked=cast.checked)
    except BallotRejected as exc:
        known = engine.accepted(cast.ballot) if exc.reason == "duplicate" else None
        if known is not None:  # sent twice at once: the other request posted it
            return CastReceipt.of(known, repeated=True)
        raise _refuse_ballot(exc.reason, row=exc.row) from exc
    # The audit entry names the tracker only: never anything of the vote.
    audit(
        cast.actor,
        "ballot.cast",
        round,
        round=round,
        detail={"tracker": accepted.tracker, "board_seq": accepted.board_index},
    )
    return CastReceipt.of(accepted)


@transaction.atomic
def do_audit_ballot(actor: Actor, round: Round, data: Any, reveal: Any) -> list[AuditRow]:
    """A voter's Benaloh audit of a sealed ballot: re-checked by the engine, then the
    ballot is spent (it can never be cast). The log names the tracker, not the marks."""
    role = ensure_role(actor, [Role.VOTER], round=round)
    with engine_for_update(round) as (round, engine):
        if round.status != RoundStatus.OPEN:
            raise ActionError(_("Đợt bỏ phiếu không mở."))
        ballot, _mine = _voter_ballot(actor, round, data)
        open_round(round, engine)
        rows = engine.audit(ballot, reveal)
        tracker = format_tracker(ballot.ballot_hash(engine.fingerprint))
        audit(
            Actor(actor.user, role),
            "ballot.audited",
            round,
            round=round,
            detail={"tracker": tracker, "ok": all(r.ok for r in rows)},
        )
    return rows


# -- decryption ------------------------------------------------------------------------------


@transaction.atomic
def do_post_decryption_share(actor: Actor, round: Round, data: Any) -> bool:
    """Accept the actor's partial decryption once its proofs verify; with t shares in, the
    engine decrypts and posts the results. Returns whether the round is now tallied."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    who = Actor(actor.user, role)
    with engine_for_update(round) as (round, engine):
        if round.status != RoundStatus.CLOSED:
            raise ActionError(_("Chỉ giải mã khi đợt đã đóng và chưa kiểm phiếu xong."))
        member = _seat(actor, round)
        tallied = engine.post_share(member.index, data)
        audit(who, "tally.share", member, round=round, detail={"member": member.index})
        _after_tally(who, round, engine)
    return tallied


@transaction.atomic
def do_sign_head(actor: Actor, round: Round, signature: Any) -> bool:
    """Keep the actor's signature of the tallied round's final board head (a member who
    decrypted signs it once; the engine checks it). Returns whether every member who
    decrypted has signed: the record is then complete."""
    role = ensure_role(actor, [Role.COMMITTEE], round=round)
    with engine_for_update(round) as (round, engine):
        if engine.phase is not Phase.TALLIED:
            raise ActionError(_("Chỉ ký đầu chuỗi bảng tin khi đợt đã kiểm phiếu xong."))
        member = _seat(actor, round)
        if member.index in engine.store.head_signatures():
            raise ActionError(_("Bạn đã ký đầu chuỗi bảng tin của đợt này rồi."))
        done = engine.sign_head(member.index, signature)
        audit(
            Actor(actor.user, role),
            "tally.head_signed",
            member,
            round=round,
            detail={"member": member.index},
        )
    return done
