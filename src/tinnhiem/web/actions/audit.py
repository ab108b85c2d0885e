"""Writing the audit log. Call ``audit`` inside the action's transaction: the entry commits
or rolls back with the change it describes; the log line is emitted only on commit."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction

from tinnhiem.web.lib.access import Actor
from tinnhiem.web.models import AuditEntry, Body, Round

__all__ = ["audit"]

log = logging.getLogger("tinnhiem.audit")


def audit(
    actor: Actor | None,
    action: str,
    obj: models.Model | None = None,
    *,
    body: Body | None = None,
    round: Round | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry (``action`` like ``"round.open"``) about ``obj``."""
    if round is not None and body is None:
        body = round.body
    user = actor.user if actor is not None and getattr(actor.user, "pk", None) else None
    entry = AuditEntry.objects.create(
        user=user,
        username=actor.username if actor is not None else "",
        role=actor.role if actor is not None else "",
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        body=body,
        round=round,
        detail=dict(detail or {}),
    )
    transaction.on_commit(
        lambda: log.info("audit %s %s by %s", entry.action, entry.object_id, entry.username)
    )
    return entry
