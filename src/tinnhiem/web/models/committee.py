"""The counting committee (Ban kiểm phiếu): members, key-ceremony messages and decryption
shares. Ceremony messages and shares are opaque JSON made by ``tinnhiem.crypto``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tinnhiem.web.models.base import AppendOnlyModel
from tinnhiem.web.models.rounds import Round

__all__ = ["CeremonyMessage", "CommitteeMember", "DecryptionShare"]


class SeatQuerySet(models.QuerySet["CommitteeMember"]):
    def seated(self, round: Round) -> SeatQuerySet:
        """The seats of the round's current key ceremony (after a restart, the new ones)."""
        return self.filter(round=round, attempt=round.ceremony_attempt)


class CommitteeMember(models.Model):
    """Member number ``index`` (1..n) of a round's committee; any t of n can decrypt. A key
    ceremony restarted after a complaint seats its committee anew (``attempt``): the seats
    of an abandoned ceremony stay, with the messages their members posted."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="committee")
    attempt = models.PositiveSmallIntegerField(default=0)
    index = models.PositiveSmallIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    # The member's own public key for sealed DKG shares (hex), set at the ceremony.
    public_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeatQuerySet.as_manager()

    class Meta:
        ordering = ("round", "attempt", "index")
        constraints = (
            models.UniqueConstraint(fields=["round", "attempt", "index"], name="committee_index"),
            models.UniqueConstraint(fields=["round", "attempt", "user"], name="committee_user"),
        )

    def __str__(self) -> str:
        return f"member {self.index} of {self.round}"


class CeremonyMessage(AppendOnlyModel):
    """One key-ceremony message (commit, reveal, sealed share, complaint …), posted by
    member ``sender`` and, for a private message, addressed to ``recipient``."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="ceremony_messages")
    sender = models.ForeignKey(
        CommitteeMember, on_delete=models.PROTECT, related_name="messages_sent"
    )
    recipient = models.ForeignKey(
        CommitteeMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages_received",
    )
    kind = models.CharField(max_length=32)
    payload = models.JSONField()
    # 0 for the first key ceremony, k after its k-th restart (tinnhiem.poll).
    attempt = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "id")


class DecryptionShare(AppendOnlyModel):
    """A member's partial decryption of the round's aggregate, with its proofs."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="decryption_shares")
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="shares")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "member__index")
        constraints = (models.UniqueConstraint(fields=["round", "member"], name="share_once"),)
