"""Building a round's evaluation from its imported work programme and its legal tally
(read only). The tally comes from the tally minutes (paper log or electronic record) and
goes into ``tinnhiem.evaluation`` unchanged; everything computed sits beside it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from tinnhiem.errors import InputError
from tinnhiem.evaluation import (
    EvaluationPolicy,
    EvaluationReport,
    GroupDecision,
    PollEntry,
    evaluate_body,
    load_policy,
    suppress_groups,
)
from tinnhiem.paper import NotReady, PaperError
from tinnhiem.reports import MinutesData, MinutesRow
from tinnhiem.rules import PollCounts, evaluate_poll, load_rule
from tinnhiem.web.actions.evaluation_import import parse_programme, programme_of
from tinnhiem.web.actions.paper_store import load_session, paper_round_of
from tinnhiem.web.lib.paper import legal_minutes
from tinnhiem.web.models import Round
from tinnhiem.web.models.evaluation import ProgrammeUpload

__all__ = ["RoundEvaluation", "evaluate_round", "nfc"]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@dataclass
class RoundEvaluation:
    """What the evaluation pages show: the report, the legal minutes rows it was built from
    (by official name), and which officials' breakdowns are suppressed (too few raters)."""

    upload: ProgrammeUpload
    report: EvaluationReport
    policy: EvaluationPolicy
    minutes: MinutesData | None
    legal_rows: dict[str, MinutesRow] = field(default_factory=dict)
    suppressed: dict[str, GroupDecision] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _counts(row: MinutesRow) -> PollCounts:
    returned = row.returned if row.returned is not None else row.valid + row.unmarked
    issued = row.issued if row.issued is not None else returned
    return PollCounts(
        issued=issued,
        returned=returned,
        high=row.count("high"),
        confident=row.count("confident"),
        low=row.count("low"),
        invalid=row.unmarked,
    )


def _quorum_numbers(round: Round) -> tuple[int | None, int | None, int | None]:
    paper_round = paper_round_of(round)
    if paper_round is None:
        return None, None, None
    definition = load_session(paper_round).definition
    return definition.members, definition.present, definition.summoned


def _at(cycle_start: date, cycle_end: date) -> date:
    today = timezone.localdate()
    return max(cycle_start, min(today, cycle_end))


def evaluate_round(
    round: Round, *, at: date | None = None, with_tally: bool = True
) -> RoundEvaluation | None:
    """The evaluation of ``round`` with its latest programme; ``None`` before an import.
    ``with_tally=False`` evaluates the work programme alone (the poll is not public yet)."""
    upload = programme_of(round)
    if upload is None:
        return None
    programme = parse_programme(bytes(upload.content), upload.filename)
    policy = load_policy("qd366-2025")
    notes: list[str] = []
    minutes: MinutesData | None = None
    if not with_tally:
        notes.append("Kết quả kiểm phiếu chưa công bố / the tally is not published yet")
    else:
        try:
            minutes = legal_minutes(round)
        except (NotReady, PaperError) as exc:
            notes.append(f"Chưa có kết quả kiểm phiếu chính thức / no final tally yet: {exc}")
    polls: list[PollEntry] = []
    legal_rows: dict[str, MinutesRow] = {}
    if minutes is not None and minutes.levels and minutes.rows and "high" in minutes.rows[0].counts:
        rule = load_rule(round.rule_id)
        members, present, summoned = _quorum_numbers(round)
        for row in minutes.rows:
            counts = _counts(row)
            try:
                outcome = evaluate_poll(
                    rule, counts, members=members, present=present, summoned=summoned
                )
            except InputError as exc:
                outcome = None
                notes.append(f"{row.name}: {exc}")
            name = nfc(row.name)
            polls.append(PollEntry(name, row.position, counts, outcome))
            legal_rows[name] = row
    report = evaluate_body(
        programme,
        polls,
        policy,
        at=at or _at(programme.cycle_start, programme.cycle_end),
        rule_label=round.rule_id,
        round_label=round.title,
    )
    raters = {
        name: [
            f"{name}#{i}"
            for i in range(entry.counts.high + entry.counts.confident + entry.counts.low)
        ]
        for name, entry in ((p.official, p) for p in polls)
    }
    suppressed = {
        name: d
        for name, d in suppress_groups(raters, min_group=policy.min_group).items()
        if not d.shown
    }
    return RoundEvaluation(upload, report, policy, minutes, legal_rows, suppressed, notes)
