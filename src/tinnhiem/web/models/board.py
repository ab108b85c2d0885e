"""Ballots and the bulletin board (bảng tin công khai): an append-only hash chain."""

from __future__ import annotations

from django.db import models

from tinnhiem.web.models.base import AppendOnlyModel
from tinnhiem.web.models.credentials import VoterCredential
from tinnhiem.web.models.rounds import Round

__all__ = ["Ballot", "BallotAlpha", "BoardEntry", "Result", "SpentBallot"]


class Ballot(AppendOnlyModel):
    """An encrypted ballot as cast (its JSON form from ``tinnhiem.ballots``), its tracker
    and its position on the board."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="ballots")
    credential = models.ForeignKey(
        VoterCredential, on_delete=models.PROTECT, related_name="ballots"
    )
    payload = models.JSONField()
    tracker = models.CharField(max_length=100, unique=True)
    ballot_hash = models.CharField(max_length=64, unique=True)
    board_seq = models.PositiveIntegerField()
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "id")
        # Several ballots per credential may exist: the manifest's re-vote policy decides
        # (tinnhiem.ballots.arrival); each credential's last one counts.
        indexes = (models.Index(fields=["round", "credential", "board_seq"], name="ballot_cred"),)


class BallotAlpha(AppendOnlyModel):
    """The randomness α of one ciphertext of a ballot cast or audited in ``round``: unique,
    so the arrival policy finds a replay with one indexed lookup (``ballot`` is empty for
    an audited ballot, whose randomness is public and can never be cast)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="alphas")
    alpha = models.CharField(max_length=64)
    ballot = models.ForeignKey(
        Ballot, null=True, blank=True, on_delete=models.PROTECT, related_name="alphas"
    )

    class Meta:
        constraints = (models.UniqueConstraint(fields=["round", "alpha"], name="alpha_once"),)


class SpentBallot(AppendOnlyModel):
    """A ballot opened in a Benaloh audit (its hash and tracker, never its content): it can
    never be cast."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="spent_ballots")
    ballot_hash = models.CharField(max_length=64)
    tracker = models.CharField(max_length=100)
    audited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "id")
        constraints = (models.UniqueConstraint(fields=["round", "ballot_hash"], name="spent_once"),)


class BoardEntry(AppendOnlyModel):
    """Entry ``seq`` (from 0) of a round's bulletin board, chained as in
    ``tinnhiem.ballots.board``: ``hash = H(seq, previous, kind, payload_hash)``. ``payload``
    is the public document posted (e.g. a ballot with its proofs), hashed by its poster
    into ``payload_hash``. Only the poll engine appends (``lib.poll_store``)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="board")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=32)
    payload = models.JSONField()
    payload_hash = models.CharField(max_length=64)
    previous = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "seq")
        constraints = (models.UniqueConstraint(fields=["round", "seq"], name="board_seq"),)
        indexes = (models.Index(fields=["round", "kind", "seq"], name="board_kind"),)


class Result(AppendOnlyModel):
    """The counts and consequences of a tallied round (opaque JSON from ``tinnhiem.tally``
    and ``tinnhiem.rules``); ``published_at`` is set once, when the organiser publishes."""

    MUTABLE_FIELDS = frozenset({"published_at"})

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="result")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
