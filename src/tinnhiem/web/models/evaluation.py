"""Work programmes (chương trình công tác, đề án) imported for the evaluation beside a
round's poll. Each upload is kept as it came (append-only); the latest one of a round is
the one evaluated, earlier ones stay for the audit."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tinnhiem.web.models.base import AppendOnlyModel
from tinnhiem.web.models.rounds import Round

__all__ = ["ProgrammeUpload"]


class ProgrammeUpload(AppendOnlyModel):
    """One imported work-programme file (CSV or XLSX) for ``round`` (the year's poll),
    checked in full by ``tinnhiem.evaluation`` before it was stored."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="programmes")
    year = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    assignments = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="programme_uploads",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "-uploaded_at", "-id")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"
