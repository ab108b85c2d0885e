"""Setting up and running a round: officials, exemptions, voters summoned, the committee,
the schedule, self-assessment reports, and the status changes (organiser actions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.actions.poll import close_round, engine_for_update, freeze_round, open_round
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.quorum import quorum_of
from tinnhiem.web.lib.rules import builtin_rule
from tinnhiem.web.lib.text import clean
from tinnhiem.web.models import (
    Body,
    CommitteeMember,
    Membership,
    Official,
    Person,
    Revote,
    Role,
    Round,
    RoundKind,
    RoundStatus,
    SelfReport,
    Summons,
    VoterCredential,
)

__all__ = [
    "do_add_committee_member",
    "do_add_official",
    "do_close_round",
    "do_create_round",
    "do_open_round",
    "do_publish_report",
    "do_remove_official",
    "do_set_exemption",
    "do_start_ceremony",
    "do_submit_report",
    "do_summon",
    "do_update_round",
]

PDF_MAGIC = b"%PDF-"


def _locked(round: Round) -> Round:
    """Re-read the round with its row locked (PostgreSQL) for a status change."""
    return Round.objects.select_for_update().select_related("body").get(pk=round.pk)


def _need_status(round: Round, *allowed: str) -> None:
    if round.status not in allowed:
        raise ActionError(
            _("Không thể thực hiện khi đợt đang ở trạng thái “%(status)s”.")
            % {"status": round.get_status_display()}
        )


def _need_unfrozen(round: Round, what: str) -> None:
    """Refuse a change to what the round's manifest froze when its key ceremony started,
    naming it: the round is what its board says, a change applies only to a new round."""
    if round.status != RoundStatus.DRAFT:
        raise ActionError(
            _(
                "%(what)s đã được chốt khi bắt đầu lễ tạo khóa và đăng lên bảng tin công khai; "
                "không sửa được nữa. Thay đổi chỉ áp dụng cho một đợt mới."
            )
            % {"what": what}
        )


def _check_setup(
    *,
    title: str,
    kind: str,
    rule_id: str,
    threshold: int,
    committee_size: int,
    report_deadline: dt.datetime | None,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
    revote: str = Revote.REJECT,
) -> None:
    if not title:
        raise ActionError(_("Hãy nhập tên đợt."), field="title")
    if kind not in RoundKind.values:
        raise ActionError(_("Loại đợt không hợp lệ."), field="kind")
    rule = builtin_rule(rule_id)
    if rule is None:
        raise ActionError(_("Không có quy định “%(id)s”.") % {"id": rule_id}, field="rule_id")
    if str(rule.kind) != kind:
        raise ActionError(
            _("Quy định %(id)s không áp dụng cho loại đợt này.") % {"id": rule_id},
            field="rule_id",
        )
    if not 1 <= committee_size <= 15:
        raise ActionError(_("Ban kiểm phiếu có từ 1 đến 15 thành viên."), field="committee_size")
    if not 1 <= threshold <= committee_size:
        raise ActionError(_("Ngưỡng t phải từ 1 đến số thành viên n."), field="threshold")
    if revote not in Revote.values:
        raise ActionError(_("Cách xử lý lá phiếu bỏ lại không hợp lệ."), field="revote")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ActionError(_("Giờ đóng phải sau giờ mở."), field="closes_at")
    if report_deadline and opens_at and report_deadline > opens_at:
        raise ActionError(_("Hạn nộp báo cáo phải trước giờ mở bỏ phiếu."), field="report_deadline")


@transaction.atomic
def do_create_round(
    actor: Actor,
    body: Body,
    *,
    title: str,
    kind: str,
    rule_id: str,
    threshold: int = 2,
    committee_size: int = 3,
    report_deadline: dt.datetime | None = None,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    revote: str = Revote.REJECT,
) -> Round:
    """Create a round in draft, under a built-in rule version of its kind."""
    role = ensure_role(actor, [Role.ORGANISER], body=body)
    title = clean(title, label=_("Tên đợt"), field="title")
    _check_setup(
        title=title,
        kind=kind,
        rule_id=rule_id,
        threshold=threshold,
        committee_size=committee_size,
        report_deadline=report_deadline,
        opens_at=opens_at,
        closes_at=closes_at,
        revote=revote,
    )
    round = Round.objects.create(
        body=body,
        title=title,
        kind=kind,
        rule_id=rule_id,
        threshold=threshold,
        committee_size=committee_size,
        report_deadline=report_deadline,
        opens_at=opens_at,
        closes_at=closes_at,
        revote=revote,
    )
    audit(
        Actor(actor.user, role),
        "round.create",
        round,
        round=round,
        detail={
            "title": title,
            "kind": kind,
            "rule_id": rule_id,
            "t": threshold,
            "n": committee_size,
            "revote": revote,
        },
    )
    return round


@transaction.atomic
def do_update_round(actor: Actor, round: Round, **fields: Any) -> Round:
    """Change the title, rule, committee size or schedule of a draft round."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = _locked(round)
    _need_unfrozen(round, _("Thông tin đợt (tên, quy định, Ban kiểm phiếu, cách bỏ phiếu lại)"))
    allowed = {
        "title",
        "rule_id",
        "threshold",
        "committee_size",
        "report_deadline",
        "opens_at",
        "closes_at",
        "revote",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ActionError(f"unknown fields: {sorted(unknown)}")
    values = {name: getattr(round, name) for name in allowed} | fields
    values["title"] = clean(values["title"], label=_("Tên đợt"), field="title")
    _check_setup(kind=round.kind, **values)
    if values["committee_size"] < CommitteeMember.objects.seated(round).count():
        raise ActionError(
            _("Đã có nhiều thành viên Ban kiểm phiếu hơn số này."), field="committee_size"
        )
    for name, value in values.items():
        setattr(round, name, value)
    round.save()
    audit(
        Actor(actor.user, role),
        "round.update",
        round,
        round=round,
        detail={k: str(v) if v is not None else None for k, v in fields.items()},
    )
    return round


@transaction.atomic
def do_add_official(
    actor: Actor, round: Round, person: Person, *, post: str, order: int | None = None
) -> Official:
    """Put ``person`` on the ballot of a draft round, holding ``post``, at ``order``
    (default: last). Gives them the official role in the round."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = _locked(round)
    _need_unfrozen(round, _("Danh sách người được lấy phiếu"))
    post = clean(post, label=_("Chức vụ"), field="post")
    if person.body_id != round.body_id:
        raise ActionError(_("Người này không thuộc cơ quan của đợt."), field="person")
    if not post:
        raise ActionError(_("Hãy nhập chức vụ."), field="post")
    if Official.objects.filter(round=round, person=person).exists():
        raise ActionError(_("Người này đã có trong danh sách lấy phiếu."), field="person")
    if order is None:
        order = (Official.objects.filter(round=round).aggregate(m=Max("order"))["m"] or 0) + 1
    if order < 1:
        raise ActionError(_("Thứ tự bắt đầu từ 1."), field="order")
    if Official.objects.filter(round=round, order=order).exists():
        raise ActionError(_("Thứ tự %(n)s đã được dùng.") % {"n": order}, field="order")
    official = Official.objects.create(round=round, person=person, post=post, order=order)
    if person.user_id is not None:
        Membership.objects.get_or_create(
            user=person.user, role=Role.OFFICIAL, body=None, round=round
        )
    audit(
        Actor(actor.user, role),
        "official.add",
        official,
        round=round,
        detail={"person": person.external_id, "post": post, "order": order},
    )
    return official


@transaction.atomic
def do_remove_official(actor: Actor, official: Official) -> None:
    """Take an official off the ballot of a draft round (nothing was cast yet)."""
    round = official.round
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    _need_unfrozen(_locked(round), _("Danh sách người được lấy phiếu"))
    if SelfReport.objects.filter(official=official).exists():
        raise ActionError(_("Người này đã nộp báo cáo; hãy miễn lấy phiếu thay vì xóa."))
    detail = {"person": official.person.external_id, "post": official.post}
    audit(Actor(actor.user, role), "official.remove", official, round=round, detail=detail)
    official.delete()


@transaction.atomic
def do_set_exemption(
    actor: Actor, official: Official, *, exempt: bool, reason: str = ""
) -> Official:
    """Exempt an official from the poll (with the reason shown beside them) or undo it."""
    round = official.round
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    _need_unfrozen(_locked(round), _("Danh sách người được miễn lấy phiếu"))
    reason = clean(reason, label=_("Lý do"), field="reason")
    if exempt and not reason:
        raise ActionError(_("Hãy ghi lý do miễn lấy phiếu."), field="reason")
    official.exempt = exempt
    official.exempt_reason = reason if exempt else ""
    official.save(update_fields=["exempt", "exempt_reason"])
    audit(
        Actor(actor.user, role),
        "official.exempt" if exempt else "official.unexempt",
        official,
        round=round,
        detail={"reason": official.exempt_reason},
    )
    return official


@transaction.atomic
def do_summon(actor: Actor, round: Round, people: Iterable[Person]) -> int:
    """Summon ``people`` of the round's body as voters (those already summoned are kept);
    returns how many were added."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = _locked(round)
    _need_unfrozen(round, _("Danh sách người được triệu tập"))
    people = list(people)
    if any(p.body_id != round.body_id for p in people):
        raise ActionError(_("Có người không thuộc cơ quan của đợt."), field="people")
    already = set(Summons.objects.filter(round=round).values_list("person_id", flat=True))
    new = [Summons(round=round, person=p) for p in people if p.pk not in already]
    Summons.objects.bulk_create(new)
    audit(
        Actor(actor.user, role),
        "round.summon",
        round,
        round=round,
        detail={"added": len(new), "people": [s.person.external_id for s in new][:200]},
    )
    return len(new)


@transaction.atomic
def do_add_committee_member(actor: Actor, round: Round, user: Any) -> CommitteeMember:
    """Seat ``user`` on the counting committee (next index) and give them the role."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = _locked(round)
    _need_unfrozen(round, _("Ban kiểm phiếu"))
    seated = CommitteeMember.objects.seated(round)
    if seated.count() >= round.committee_size:
        raise ActionError(_("Ban kiểm phiếu đã đủ %(n)s thành viên.") % {"n": round.committee_size})
    if seated.filter(user=user).exists():
        raise ActionError(_("Người này đã là thành viên Ban kiểm phiếu."), field="user")
    index = (seated.aggregate(m=Max("index"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            member = CommitteeMember.objects.create(round=round, index=index, user=user)
    except IntegrityError as exc:
        raise ActionError(_("Không thể thêm thành viên (trùng số thứ tự).")) from exc
    Membership.objects.get_or_create(user=user, role=Role.COMMITTEE, body=None, round=round)
    audit(
        Actor(actor.user, role),
        "committee.add",
        member,
        round=round,
        detail={"user": user.username, "index": index},
    )
    return member


@transaction.atomic
def do_start_ceremony(actor: Actor, round: Round) -> Round:
    """Draft -> ceremony: the ballot, the voters and the committee are fixed; the committee
    can now run the key ceremony."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = _locked(round)
    _need_status(round, RoundStatus.DRAFT)
    if not Official.objects.filter(round=round, exempt=False).exists():
        raise ActionError(_("Chưa có người nào được lấy phiếu."))
    if not Summons.objects.filter(round=round).exists():
        raise ActionError(_("Chưa triệu tập người ghi phiếu nào."))
    seated = CommitteeMember.objects.seated(round).count()
    if seated != round.committee_size:
        raise ActionError(
            _("Ban kiểm phiếu mới có %(k)s trên %(n)s thành viên.")
            % {"k": seated, "n": round.committee_size}
        )
    round.status = RoundStatus.CEREMONY
    round.save(update_fields=["status"])
    # From here on the round is what its frozen manifest says: roster edits no longer
    # reach it (tinnhiem.poll freezes the manifest on the board).
    with engine_for_update(round) as (round, engine):
        freeze_round(round, engine)
    audit(Actor(actor.user, role), "round.ceremony", round, round=round)
    return round


@transaction.atomic
def do_open_round(actor: Actor, round: Round) -> Round:
    """Ceremony -> open: needs the committee's public key, a credential for every voter
    summoned, and the quorum of the rule among those checked in."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = _locked(round)
    _need_status(round, RoundStatus.CEREMONY)
    if not round.public_key:
        raise ActionError(_("Ban kiểm phiếu chưa tạo xong khóa chung."))
    summoned = Summons.objects.filter(round=round).count()
    issued = VoterCredential.objects.filter(round=round).count()
    if issued != summoned:
        raise ActionError(
            _("Mới cấp %(k)s trên %(n)s phiếu đăng nhập.") % {"k": issued, "n": summoned}
        )
    quorum = quorum_of(round)
    if not quorum.met:
        raise ActionError(
            _("Chưa đủ số người có mặt: %(p)s trên %(s)s, cần ít nhất %(need)s.")
            % {"p": quorum.present, "s": quorum.summoned, "need": quorum.needed}
        )
    with engine_for_update(round) as (round, engine):
        open_round(round, engine)
    round.status = RoundStatus.OPEN
    round.save(update_fields=["status"])
    audit(
        Actor(actor.user, role),
        "round.open",
        round,
        round=round,
        detail={"present": quorum.present, "summoned": quorum.summoned},
    )
    return round


@transaction.atomic
def do_close_round(actor: Actor, round: Round) -> Round:
    """Open -> closed: no more ballots are accepted."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = _locked(round)
    _need_status(round, RoundStatus.OPEN)
    round.status = RoundStatus.CLOSED
    round.save(update_fields=["status"])
    who = Actor(actor.user, role)
    audit(who, "round.close", round, round=round, detail={"ballots": round.ballots.count()})
    with engine_for_update(round) as (locked, engine):
        close_round(who, locked, engine)
    round.refresh_from_db()
    return round


@transaction.atomic
def do_submit_report(
    actor: Actor, official: Official, *, text: str, pdf: UploadedFile[bytes] | None = None
) -> SelfReport:
    """Save the official's self-assessment report (by the official or an organiser) until it
    is published. A PDF must start with ``%PDF-``."""
    round = official.round
    role = ensure_role(actor, [Role.ORGANISER, Role.OFFICIAL], round=round)
    if role == Role.OFFICIAL and official.person.user_id != getattr(actor.user, "pk", None):
        raise ActionError(_("Chỉ người được lấy phiếu nộp báo cáo của chính mình."))
    round = _locked(round)
    _need_status(round, RoundStatus.DRAFT, RoundStatus.CEREMONY)
    if (
        role == Role.OFFICIAL
        and round.report_deadline is not None
        and timezone.now() > round.report_deadline
    ):
        raise ActionError(_("Đã quá hạn nộp báo cáo; hãy liên hệ Ban Tổ chức."))
    text = clean(text, label=_("Nội dung báo cáo"), field="text", multiline=True)
    report = SelfReport.objects.filter(official=official).first() or SelfReport(official=official)
    if report.published_at is not None:
        raise ActionError(_("Báo cáo đã công bố, không sửa được nữa."))
    if pdf is not None:
        head = pdf.read(5)
        pdf.seek(0)
        if head != PDF_MAGIC:
            raise ActionError(_("Tệp đính kèm phải là PDF."), field="pdf")
        report.pdf.save(f"official-{official.pk}.pdf", pdf, save=False)
    if not text and not report.pdf:
        raise ActionError(_("Báo cáo cần có nội dung hoặc tệp PDF."), field="text")
    report.text = text
    report.save()
    audit(
        Actor(actor.user, role),
        "report.submit",
        report,
        round=round,
        detail={"official": official.pk, "chars": len(text), "pdf": bool(report.pdf)},
    )
    return report


@transaction.atomic
def do_publish_report(actor: Actor, report: SelfReport) -> SelfReport:
    """Publish a report to the round's voters (once; it can no longer be edited)."""
    round = report.official.round
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    if report.published_at is None:
        report.published_at = timezone.now()
        report.save(update_fields=["published_at"])
        audit(
            Actor(actor.user, role),
            "report.publish",
            report,
            round=round,
            detail={"official": report.official_id},
        )
    return report
