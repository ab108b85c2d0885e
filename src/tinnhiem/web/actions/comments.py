"""Comments on a published result or on a published self-assessment report."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.text import clean
from tinnhiem.web.lib.visibility import published
from tinnhiem.web.models import (
    MAX_COMMENT_CHARS,
    Comment,
    Official,
    Role,
    Round,
    SelfReport,
)

__all__ = ["do_hide_comment", "do_post_comment", "thread_open"]

COMMENTER_ROLES = (Role.ORGANISER, Role.COMMITTEE, Role.VOTER, Role.OFFICIAL)


def thread_open(round: Round, official: Official | None) -> bool:
    """A results thread opens when the results are published to everyone in the round
    (``lib.visibility.published``); a report thread when the report is."""
    if official is None:
        return published(round)
    return SelfReport.objects.filter(official=official, published_at__isnull=False).exists()


@transaction.atomic
def do_post_comment(
    actor: Actor, round: Round, text: str, *, official: Official | None = None
) -> Comment:
    """Add a comment (at most 1500 characters after NFC normalisation) to a thread."""
    role = ensure_role(actor, COMMENTER_ROLES, round=round)
    if official is not None and official.round_id != round.pk:
        raise ActionError(_("Người được lấy phiếu không thuộc đợt này."))
    if not thread_open(round, official):
        raise ActionError(_("Chưa thể bình luận: nội dung chưa được công bố."))
    text = clean(text, label=_("Bình luận"), field="text", multiline=True)
    if not text:
        raise ActionError(_("Bình luận trống."), field="text")
    if len(text) > MAX_COMMENT_CHARS:
        raise ActionError(
            _("Bình luận dài %(n)s ký tự, vượt quá giới hạn %(max)s ký tự.")
            % {"n": len(text), "max": MAX_COMMENT_CHARS},
            field="text",
        )
    comment = Comment.objects.create(round=round, official=official, author=actor.user, text=text)
    audit(
        Actor(actor.user, role),
        "comment.post",
        comment,
        round=round,
        detail={"official": official.pk if official else None, "chars": len(text)},
    )
    return comment


@transaction.atomic
def do_hide_comment(actor: Actor, comment: Comment, *, reason: str = "") -> Comment:
    """Hide a comment from readers (organisers only). It is kept, and the hiding is logged."""
    role = ensure_role(actor, [Role.ORGANISER], round=comment.round)
    if comment.hidden:
        return comment
    comment.hidden = True
    comment.hidden_by = actor.user
    comment.hidden_at = timezone.now()
    comment.hidden_reason = clean(reason, label=_("Lý do ẩn"), field="reason")[:500]
    comment.save(update_fields=["hidden", "hidden_by", "hidden_at", "hidden_reason"])
    audit(
        Actor(actor.user, role),
        "comment.hide",
        comment,
        round=comment.round,
        detail={"reason": comment.hidden_reason},
    )
    return comment
