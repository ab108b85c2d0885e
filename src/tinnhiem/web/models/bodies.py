"""Bodies (cơ quan, hội nghị) and their rosters (danh sách)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

__all__ = ["Body", "Person"]


class Body(models.Model):
    """A body whose members vote or are rated (e.g. a provincial People's Council)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """One roster entry: a person of a body, identified by ``external_id`` (the roster's
    own code, unique in the body). Names are stored in Unicode NFC."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="people")
    external_id = models.CharField(max_length=64)
    full_name = models.CharField(max_length=300)
    unit = models.CharField(max_length=300, blank=True)
    position = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    # On the body's planning list (danh sách quy hoạch): the first step of an appointment
    # offers these people as its candidates.
    planning = models.BooleanField(default=False)
    # A member of the body's leadership collective (tập thể lãnh đạo): reads a personnel
    # step's result before it is published (lib/visibility.py).
    leadership = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("body", "full_name", "external_id")
        constraints = (
            models.UniqueConstraint(fields=["body", "external_id"], name="person_unique_id"),
        )

    def __str__(self) -> str:
        return f"{self.full_name} ({self.external_id})"
