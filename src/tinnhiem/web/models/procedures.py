"""Personnel procedures (quy trình bổ nhiệm, bổ nhiệm lại): one appointment or reappointment
of a body, run as linked rounds (``Round.procedure``, one per step)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tinnhiem.web.models.base import AppendOnlyModel
from tinnhiem.web.models.bodies import Body, Person
from tinnhiem.web.models.rounds import Round

__all__ = ["Procedure", "StepSettlement"]


class Procedure(models.Model):
    """One appointment or reappointment under a procedure file (``procedure_id``, e.g.
    ``appointment-qd80-2022``): the post being filled and, for a reappointment, the person
    concerned. Its steps are rounds (``rounds``), each step's list from the previous one."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="procedures")
    procedure_id = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    post = models.CharField(max_length=300)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="procedures"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.title


class StepSettlement(AppendOnlyModel):
    """The competent person's written decision on a step that waits on a person (a
    ``tinnhiem.rules.settlement.Settlement``): its canonical JSON (``payload``, with its
    ``digest``), who recorded it and when. One per step's round, never changed or deleted;
    the next step's list and manifest link come from it."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="settlement")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="settlements")
    digest = models.CharField(max_length=64, unique=True)
    payload = models.JSONField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.round_id}: {self.digest[:16]}"
