"""Paper rounds (phiếu giấy) kept in the database: the entry log of ``tinnhiem.paper``, one
row per event, append-only. The round's state is rebuilt by replaying the rows into a
``PaperSession`` (``actions.paper_store.load_session``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tinnhiem.web.models.base import AppendOnlyModel
from tinnhiem.web.models.rounds import Round

__all__ = ["PaperEvent", "PaperRound", "PaperScanCrop"]


class PaperRound(AppendOnlyModel):
    """The paper side of a web round: created once, never changed (its definition is the
    first event of its log). ``mode`` is ``ballots`` (every sheet entered) or ``totals``
    (hand count, only the totals entered); ``mixed`` reconciles paper with electronic."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="paper")
    mode = models.CharField(max_length=16, default="ballots")
    mixed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Paper round of {self.round}"


class PaperEvent(AppendOnlyModel):
    """One event of the entry log (nhật ký nhập phiếu), stored exactly as
    ``LogEvent.to_json()`` wrote it (``line``), plus the columns the pages query. ``user``
    is the web account that acted (the log's ``actor`` is its user name)."""

    paper_round = models.ForeignKey(PaperRound, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=32)
    actor = models.CharField(max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="paper_events",
    )
    line = models.TextField()
    hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("paper_round", "seq")
        constraints = (
            models.UniqueConstraint(fields=["paper_round", "seq"], name="paper_event_seq"),
        )


class PaperScanCrop(AppendOnlyModel):
    """The image of a row (or of a whole sheet, ``field`` ``ballot``) that the scanner sent
    to the committee's queue, kept beside the entry log (which holds the image's hash)."""

    paper_round = models.ForeignKey(PaperRound, on_delete=models.PROTECT, related_name="crops")
    serial = models.PositiveIntegerField()
    field = models.CharField(max_length=100)
    png = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["paper_round", "serial", "field"], name="paper_scan_crop_field"
            ),
        )
