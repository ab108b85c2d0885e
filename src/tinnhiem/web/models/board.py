"""Ballots and the bulletin board (bảng tin công khai): an append-only hash chain."""

from __future__ import annotations

from django.db import models

from tinnhiem.web.models.base import AppendOnlyModel
from tinnhiem.web.models.credentials import VoterCredential
from tinnhiem.web.models.rounds import Round

__all__ = ["Ballot", "BoardEntry", "Result"]


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
        # (tinnhiem.ballots.RevotePolicy) and the casting action enforces it.


class BoardEntry(AppendOnlyModel):
    """Entry ``seq`` (from 0) of a round's bulletin board, chained as in
    ``tinnhiem.ballots.board``: ``hash = H(seq, previous, kind, payload_hash)``. ``payload``
    is the public document posted (e.g. a ballot with its proofs), hashed by its poster
    into ``payload_hash``. Append with ``actions.board.append_board_entry``."""

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


class Result(AppendOnlyModel):
    """The counts and consequences of a tallied round (opaque JSON from ``tinnhiem.tally``
    and ``tinnhiem.rules``); ``published_at`` is set once, when the organiser publishes."""

    MUTABLE_FIELDS = frozenset({"published_at"})

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="result")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
