"""Roles and memberships (vai trò): who may do what, in which body or round."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Membership", "Role"]


class Role(models.TextChoices):
    """The five roles; a user may hold several, each in a scope (site, body or round)."""

    ORGANISER = "organiser", _("Ban Tổ chức")
    COMMITTEE = "committee", _("Thành viên Ban kiểm phiếu")
    VOTER = "voter", _("Người ghi phiếu")
    OFFICIAL = "official", _("Người được lấy phiếu")
    OBSERVER = "observer", _("Quan sát viên")


class Membership(models.Model):
    """A role held by a user. ``body`` and ``round`` narrow the scope: both empty means the
    whole site, a body means every round of that body, a round means that round only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    body = models.ForeignKey(
        "web.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    round = models.ForeignKey(
        "web.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Uniqueness of (user, role, body, round) is kept by ``do_grant_role`` (NULL scopes
        # would escape a database constraint on SQLite).
        indexes = (models.Index(fields=["user", "role"]),)

    def __str__(self) -> str:
        where = self.round or self.body or "site"
        return f"{self.user} {self.role} @ {where}"
