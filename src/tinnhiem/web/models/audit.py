"""The audit log (nhật ký): who did what, when, in which role, to which object."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tinnhiem.web.models.base import AppendOnlyModel
from tinnhiem.web.models.bodies import Body
from tinnhiem.web.models.rounds import Round

__all__ = ["AuditEntry"]


class AuditEntry(AppendOnlyModel):
    """One action. ``username`` and ``role`` are copied so the entry reads the same after the
    user changes; ``detail`` is JSON (never a secret: no password, code or seed)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"
