"""Comments (bình luận) on a published result or on an official's self-assessment report.
Comments are never deleted: an organiser hides one, and the hiding is logged."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tinnhiem.web.models.base import AppendOnlyModel
from tinnhiem.web.models.rounds import Official, Round

__all__ = ["MAX_COMMENT_CHARS", "Comment"]

MAX_COMMENT_CHARS = 1500


class Comment(AppendOnlyModel):
    """A comment in the thread of a round's results (``official`` empty) or of an
    official's report. Its text is NFC-normalised and at most 1500 characters."""

    MUTABLE_FIELDS = frozenset({"hidden", "hidden_by", "hidden_at", "hidden_reason"})

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="comments")
    official = models.ForeignKey(
        Official, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments_hidden",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("created_at", "id")
