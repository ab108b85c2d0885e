"""Append-only storage: rows that, once written, are never changed or deleted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db import models

from tinnhiem.errors import TinnhiemError

__all__ = ["AppendOnlyError", "AppendOnlyModel", "AppendOnlyQuerySet"]


class AppendOnlyError(TinnhiemError):
    """An attempt to change or delete an append-only row (ballot, board entry, audit entry)."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """A queryset whose bulk ``update`` and ``delete`` refuse to run."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: no update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: no delete")


class AppendOnlyModel(models.Model):
    """Rows are inserted once. ``MUTABLE_FIELDS`` names the few fields that may still change
    (e.g. a comment's ``hidden`` flag); every other change raises ``AppendOnlyError``."""

    MUTABLE_FIELDS: ClassVar[frozenset[str]] = frozenset()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            fields: Iterable[str] | None = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.MUTABLE_FIELDS:
                raise AppendOnlyError(
                    f"{type(self).__name__} {self.pk} is append-only: it cannot be changed"
                )
        kwargs.pop("force_update", None)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} {self.pk} is append-only: no delete")
