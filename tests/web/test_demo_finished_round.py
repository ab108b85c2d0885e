"""The web demo seeds, beside the round at its key ceremony, a FINISHED People's Council
round driven through the real actions: results published, minutes, the record, and an
evaluation with the year's work programme (flags, scatter plot)."""

from __future__ import annotations

from typing import Any

import pytest

from tinnhiem.demo_data import HDND_POSTS
from tinnhiem.record import verify_record
from tinnhiem.web.actions import do_seed_demo
from tinnhiem.web.lib.evaluation import evaluate_round
from tinnhiem.web.lib.poll_round import record_for
from tinnhiem.web.models import AuditEntry, RoundStatus

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_finished_round_through_the_actions() -> None:
    seeded = do_seed_demo()
    _published_with_a_verifying_record(seeded)
    _evaluation_with_flags(seeded)
    _a_second_seed_changes_nothing(seeded)


def _published_with_a_verifying_record(seeded: Any) -> None:
    round_ = seeded.finished
    assert round_ is not None and round_.status == RoundStatus.PUBLISHED
    seeded.round.refresh_from_db()
    assert seeded.round.status == RoundStatus.CEREMONY  # the other round still waits
    record = record_for(round_)
    assert record is not None
    report = verify_record(record, workers=1)
    assert report.counted == 72
    manifest = record.manifest
    assert manifest.rule_id == "nq96-2023" and len(manifest.officials) == 25
    assert {o.post for o in manifest.officials} <= set(HDND_POSTS)
    assert len(manifest.exempt) == 2 and all(e.reason for e in manifest.exempt)
    assert manifest.summoned == 75
    # Driven by the actions: every step is in the audit log.
    actions = set(
        AuditEntry.objects.filter(round=round_).values_list("action", flat=True).distinct()
    )
    assert {"results.publish", "evaluation.import"} <= actions


def _evaluation_with_flags(seeded: Any) -> None:
    evaluation = evaluate_round(seeded.finished)
    assert evaluation is not None and evaluation.minutes is not None
    report = evaluation.report
    assert len(report.programme.assignments) == 17
    assert report.flags is not None and report.flags.flagged()
    assert len(report.officials) == 25


def _a_second_seed_changes_nothing(seeded: Any) -> None:
    again = do_seed_demo()
    assert not again.created and again.finished is not None
    assert again.finished.pk == seeded.finished.pk
