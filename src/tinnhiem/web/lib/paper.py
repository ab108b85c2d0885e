"""Read-only views of a paper round for the pages: an operator's own entries (rebuilt from
their own events only, so a page never carries another operator's reading), the names of
fields, and the legal tally of any round as tally minutes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from tinnhiem.paper import (
    BALLOT_FIELD,
    LogEvent,
    Mark,
    PaperError,
    PersonnelMark,
    RoundDefinition,
)
from tinnhiem.reports import MinutesData, minutes_from_paper, minutes_from_record
from tinnhiem.web.actions.paper_store import load_session, paper_round_of
from tinnhiem.web.lib.poll_round import record_for
from tinnhiem.web.models import Result, Round

__all__ = [
    "OwnEntry",
    "field_label",
    "legal_minutes",
    "mark_label",
    "own_entries",
]

_LEVEL_VI = {
    "high": "Tín nhiệm cao",
    "confident": "Tín nhiệm",
    "low": "Tín nhiệm thấp",
    "confidence": "Tín nhiệm",
    "no_confidence": "Không tín nhiệm",
    "invalid": "Không hợp lệ",
    "votes": "Số phiếu chọn",
    "agree": "Đồng ý",
    "disagree": "Không đồng ý",
    "blank": "Để trống",
}


@dataclass
class OwnEntry:
    """One entry of the operator viewing the page: the item (serial or ``totals``), its
    values, and whether it is submitted or still open."""

    item: str
    values: dict[str, str] = field(default_factory=dict)
    submitted: bool = False


def own_entries(events: Iterable[LogEvent], operator: str) -> list[OwnEntry]:
    """Replay only ``operator``'s events: what they entered, never anyone else's reading."""
    open_: dict[str, OwnEntry] = {}
    done: list[OwnEntry] = []
    for event in events:
        if event.actor != operator:
            continue
        data: Mapping[str, object] = event.data
        item = str(data.get("item", ""))
        if event.action == "entry_started":
            open_[item] = OwnEntry(item)
        elif event.action in ("mark_set", "mark_changed", "value_set", "value_changed"):
            if item in open_:
                open_[item].values[str(data["field"])] = str(data["value"])
        elif event.action in ("mark_cleared", "value_cleared"):
            if item in open_:
                open_[item].values.pop(str(data["field"]), None)
        elif event.action == "entry_cancelled":
            open_.pop(item, None)
        elif event.action == "entry_submitted" and item in open_:
            entry = open_.pop(item)
            entry.submitted = True
            done.append(entry)
    return done + list(open_.values())


def mark_label(value: str | None) -> str:
    """A stored mark (``high`` …) or sheet validity as the Vietnamese label."""
    if value is None:
        return "—"
    if value == "valid":
        return "Phiếu hợp lệ"
    if value == "invalid":
        return "Không hợp lệ"
    try:
        return Mark(value).label_vi
    except ValueError:
        pass
    try:  # a personnel sheet's row (chọn, đồng ý, …)
        return PersonnelMark(value).label_vi
    except ValueError:
        return value


def field_label(definition: RoundDefinition, key: str) -> str:
    """``cb7`` → the official's name; ``cb7.low`` → name + level; ``ballot`` → the sheet."""
    if key == BALLOT_FIELD:
        return "Cả phiếu (hợp lệ / không hợp lệ)"
    if key == "issued":
        return "Số phiếu phát ra"
    if key == "returned":
        return "Số phiếu thu về"
    if key in ("invalid", "blank") and definition.personnel is not None:
        return "Số phiếu không hợp lệ" if key == "invalid" else "Số phiếu trống"
    official_id, _, level = key.partition(".")
    try:
        name = definition.official(official_id).name
    except PaperError:
        return key
    return f"{name} — {_LEVEL_VI.get(level, level)}" if level else name


def legal_minutes(round: Round, *, draft: bool = False) -> MinutesData | None:
    """The round's legal tally as tally minutes: from its paper log (paper, mixed, totals),
    else from its electronic election record. ``None`` while there is nothing to count
    (raises ``NotReady`` for a paper round still being entered, unless ``draft``)."""
    paper_round = paper_round_of(round)
    if paper_round is not None:
        return minutes_from_paper(load_session(paper_round), draft=draft)
    result = Result.objects.filter(round=round).first()
    if result is None:
        return None
    record = record_for(round)
    if record is None:
        return None
    # the manifest may carry no date: the minutes are dated by the tally
    when = record.manifest.date or timezone.localtime(result.created_at).date().isoformat()
    return minutes_from_record(record, when=when)
