"""A decided personnel step as JSON (record-format §3.13.1): the shape the record's
``results`` carry for an electronic step and the web posts for a paper one, written once
here so that the two can never drift apart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tinnhiem.rules.appointment import Procedure, StepCounts, StepDecision
from tinnhiem.rules.percent import format_percent

__all__ = ["decision_json"]


def decision_json(
    proc: Procedure,
    decision: StepDecision,
    counts: StepCounts,
    *,
    kind: str,
    blank_rows: Mapping[str, int | None],
) -> dict[str, Any]:
    """The counts, each candidate's exact share (``blank_rows``: an agree/disagree
    candidate's rows left blank, None on a choose ballot), the outcome, and every clause
    that decided it (its citation key and whether it was checked against the text)."""
    step = proc.step(decision.step_id)
    return {
        "procedure": proc.id,
        "step": step.id,
        "number": step.number,
        "kind": kind,
        "summoned": counts.summoned,
        "present": counts.present,
        "returned": counts.returned,
        "invalid": counts.invalid,
        "valid": counts.valid,
        "base": decision.base,
        "base_kind": decision.base_kind.value,
        "candidates": [
            {
                "id": r.name,
                "votes": r.votes,
                "disagree": r.disagree,
                "blank": blank_rows.get(r.name),
                "share": f"{r.share.numerator}/{r.share.denominator}",
                "percentage": format_percent(r.share),
                "reached": r.reached,
                "at_threshold": r.exactly_at_threshold,
            }
            for r in decision.results
        ],
        "status": decision.status.value,
        "selected": list(decision.selected),
        "advancing": list(decision.advancing),
        "concerned": list(decision.concerned),
        "next_step": decision.next_step,
        "action": None if decision.action is None else decision.action.value,
        "pending": decision.pending,
        "previous_step": decision.previous_step,
        "announce_at_meeting": step.announce_at_meeting,
        "reasons": [
            {
                "code": r.code,
                "text_vi": r.text_vi,
                "text_en": r.text_en,
                "cite": r.cite.key,
                "verified": r.cite.verified,
            }
            for r in decision.reasons
        ],
    }
