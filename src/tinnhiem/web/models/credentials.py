"""Voter credentials (the electronic "ballots issued") and check-ins at the door."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinnhiem.web.models.base import AppendOnlyModel
from tinnhiem.web.models.rounds import Round, Summons

__all__ = ["CheckIn", "CheckInMethod", "VoterCredential"]


class VoterCredential(models.Model):
    """A voter's signing credential for one round.

    The slip printed once at issue carries the login code and the Ed25519 signing seed; the
    server keeps only the public key and a SHA-256 hash of the login code (the code has
    80 random bits, so a plain hash cannot be reversed by trying). ``checkin_token`` is
    the door code in the slip's check-in QR: it proves presence, not the right to vote.
    """

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="credentials")
    summons = models.OneToOneField(Summons, on_delete=models.PROTECT, related_name="credential")
    serial = models.PositiveIntegerField()
    public_key = models.CharField(max_length=64)
    login_code_hash = models.CharField(max_length=64, unique=True)
    checkin_token = models.CharField(max_length=32, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="voter_credential"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "serial")
        constraints = (
            models.UniqueConstraint(fields=["round", "serial"], name="credential_serial"),
            models.UniqueConstraint(fields=["round", "public_key"], name="credential_key"),
        )

    def __str__(self) -> str:
        return f"credential {self.serial} of {self.round}"


class CheckInMethod(models.TextChoices):
    SCAN = "scan", _("Quét mã QR")
    ROLL = "roll", _("Điểm danh")


class CheckIn(AppendOnlyModel):
    """A summoned voter present at the conference; the count feeds the quorum check."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="checkins")
    summons = models.OneToOneField(Summons, on_delete=models.PROTECT, related_name="checkin")
    method = models.CharField(max_length=8, choices=CheckInMethod.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkins_made"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "at", "id")

    def __str__(self) -> str:
        return f"check-in {self.summons}"
