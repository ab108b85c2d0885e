"""Publishing the results (công bố kết quả): the organiser makes a tallied round's results
visible to every role of the round, and its comment thread opens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.models import Result, Role, Round, RoundStatus

__all__ = ["do_publish_results"]


@transaction.atomic
def do_publish_results(actor: Actor, round: Round) -> Result:
    """Tallied -> published: set the result's publication time (once)."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.TALLIED:
        raise ActionError(_("Chỉ công bố kết quả của đợt đã kiểm phiếu xong."))
    result = Result.objects.get(round=round)
    result.published_at = timezone.now()
    result.save(update_fields=["published_at"])
    round.status = RoundStatus.PUBLISHED
    round.save(update_fields=["status"])
    audit(Actor(actor.user, role), "results.publish", result, round=round)
    return result
