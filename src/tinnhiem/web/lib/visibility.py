"""Who may see the sealed parts of a round, at each of its stages: the one rule every page
and API route that serves them asks (docs/web.md, "Who sees results, minutes and reports").

Sealed until publication:

- ``RESULTS``: the counts of a round in any form: the results page's table and the results
  API, the tally minutes (biên bản kiểm phiếu) in every format, the election record
  (``record.json``), the payloads of the board's ``decryption`` and ``results`` entries
  (the decrypted sums) and the tally beside an evaluation;
- ``DRAFTS``: a paper count in progress: draft minutes (``?draft=1``), the entry status
  and the disagreements (who entered what, before the count is final);
- ``REPORT``: an official's self-assessment report (page, PDF, edit form) before the
  organiser publishes it.

The counts are seen first by the people who make them (the ones who witness the count);
everyone with a role in the round sees them once they are published. An electronic count
is made by the organiser and the counting committee (the committee's shares decrypt it;
the organiser publishes it): an observer is told "not published" until publication, on
every page. A paper count is made in the hall before witnesses (organiser, committee and
observers watch the sheets being read out and entered); its final minutes are the
announcement, so everyone in the round sees them once the count is final (and, in a mixed
round, once the electronic part is published too).

A personnel step (bước nhân sự of an appointment or reappointment, electronic or on paper)
has its own tables (``PERSONNEL_RESULTS_SEEN_BY``, ``PERSONNEL_DRAFTS_SEEN_BY``): its result
goes first to the organiser, the committee, the body's leadership collective and the person
concerned, then to everyone in the round once the organiser publishes it. A step counted on
paper is ``COUNTING`` until its result is posted (the committee and the organiser make the
count; an observer is not among the first readers), then ``TALLIED`` and ``PUBLISHED``
exactly as an electronic step.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tinnhiem.errors import InputError
from tinnhiem.paper import NotReady, PaperError
from tinnhiem.web.actions.paper_store import paper_round_of
from tinnhiem.web.lib.paper import legal_minutes
from tinnhiem.web.models import Official, Person, Result, Role, Round, RoundStatus, SelfReport

__all__ = [
    "BOARD_SEALED_KINDS",
    "CONCERNED",
    "DRAFTS_SEEN_BY",
    "LEADERSHIP",
    "PERSONNEL_DRAFTS_SEEN_BY",
    "PERSONNEL_RESULTS_SEEN_BY",
    "RESULTS_SEEN_BY",
    "Sealed",
    "Stage",
    "first_readers",
    "may_edit_report",
    "may_read_report",
    "may_see",
    "published",
    "readers_of",
    "stage_of",
]


class Sealed(StrEnum):
    """What is sealed until publication (see the module's docstring)."""

    RESULTS = "results"
    DRAFTS = "drafts"


class Stage(StrEnum):
    """A round's stage as far as visibility goes: an electronic round's status (from its
    ``Result`` once tallied), or a paper round's count (counting, or final)."""

    DRAFT = "draft"
    CEREMONY = "ceremony"
    OPEN = "open"
    CLOSED = "closed"
    TALLIED = "tallied"
    PUBLISHED = "published"
    COUNTING = "counting"
    COUNTED = "counted"


EVERYONE = frozenset(Role)
NOBODY: frozenset[str] = frozenset()
ELECTRONIC_WITNESSES = frozenset({Role.ORGANISER, Role.COMMITTEE})
PAPER_WITNESSES = frozenset({Role.ORGANISER, Role.COMMITTEE, Role.OBSERVER})

#: Who sees the counts at each stage (docs/web.md has the same table).
RESULTS_SEEN_BY: dict[Stage, frozenset[str]] = {
    # Nothing is counted before the tally: not even an organiser can peek.
    Stage.DRAFT: NOBODY,
    Stage.CEREMONY: NOBODY,
    Stage.OPEN: NOBODY,
    Stage.CLOSED: NOBODY,
    # Decrypted, not yet published: the organiser checks, then publishes; the committee
    # made it (its shares decrypt the sums, so hiding it from them would be theatre).
    Stage.TALLIED: ELECTRONIC_WITNESSES,
    Stage.PUBLISHED: EVERYONE,
    # A paper count is public in the hall: its witnesses see it as it is made.
    Stage.COUNTING: PAPER_WITNESSES,
    Stage.COUNTED: EVERYONE,
}

#: Who sees a count in progress (draft minutes, entry status, disagreements).
DRAFTS_SEEN_BY: dict[Stage, frozenset[str]] = {
    stage: (PAPER_WITNESSES if stage in (Stage.COUNTING, Stage.COUNTED) else NOBODY)
    for stage in Stage
}

_TABLES = {Sealed.RESULTS: RESULTS_SEEN_BY, Sealed.DRAFTS: DRAFTS_SEEN_BY}

LEADERSHIP = "leadership"
"""A reader of a personnel step who is not a role: a member of the body's leadership
collective (``Person.leadership`` on its roster) holding any role in the round."""
CONCERNED = "concerned"
"""A reader of a personnel step who is not a role: the person concerned (a reappointment's
person, or the person an agree/disagree step votes on) holding any role in the round."""

PERSONNEL_FIRST = frozenset({Role.ORGANISER, Role.COMMITTEE, LEADERSHIP, CONCERNED})

#: Who sees a personnel step's result at each stage (docs/web.md has the same table).
PERSONNEL_RESULTS_SEEN_BY: dict[Stage, frozenset[str]] = {
    Stage.DRAFT: NOBODY,
    Stage.CEREMONY: NOBODY,
    Stage.OPEN: NOBODY,
    Stage.CLOSED: NOBODY,
    # On paper, while the sheets are entered: the people who make the count.
    Stage.COUNTING: ELECTRONIC_WITNESSES,
    # Counted (decrypted, or the paper count posted), not yet published: the first readers
    # the appointment procedures name, and the counting committee that made it.
    Stage.TALLIED: PERSONNEL_FIRST,
    Stage.PUBLISHED: EVERYONE | {LEADERSHIP, CONCERNED},
    Stage.COUNTED: EVERYONE | {LEADERSHIP, CONCERNED},  # not reached: a step is posted
}

#: Who sees a personnel step's paper count in progress (entry status, disagreements, draft
#: minutes): those who make it; observers once the result is published.
PERSONNEL_DRAFTS_SEEN_BY: dict[Stage, frozenset[str]] = {
    stage: (
        ELECTRONIC_WITNESSES
        if stage in (Stage.COUNTING, Stage.TALLIED)
        else PAPER_WITNESSES
        if stage in (Stage.PUBLISHED, Stage.COUNTED)
        else NOBODY
    )
    for stage in Stage
}

_PERSONNEL_TABLES = {
    Sealed.RESULTS: PERSONNEL_RESULTS_SEEN_BY,
    Sealed.DRAFTS: PERSONNEL_DRAFTS_SEEN_BY,
}

#: Board entries whose payload carries the decrypted sums (shares, results): sealed as
#: ``RESULTS``; every other entry (manifest, ballots, encrypted sums) is public.
BOARD_SEALED_KINDS = frozenset({"decryption", "results"})


def _electronic_published(round: Round) -> bool:
    return Result.objects.filter(round=round, published_at__isnull=False).exists()


def _paper_final(round: Round) -> bool:
    """The paper count's minutes can be drawn up (every sheet agreed or resolved)."""
    try:
        return legal_minutes(round) is not None
    except (NotReady, PaperError, InputError):
        return False


def stage_of(round: Round) -> Stage:
    """The round's stage for visibility. A paper round is ``COUNTED`` once its minutes are
    final, and a mixed one once its electronic part is published as well."""
    paper_round = paper_round_of(round)
    if paper_round is not None and round.personnel:
        # A paper step is counted once its result is posted (do_paper_post_step).
        posted = Result.objects.filter(round=round).only("published_at").first()
        if posted is None:
            return Stage.COUNTING
        return Stage.PUBLISHED if posted.published_at is not None else Stage.TALLIED
    if paper_round is not None:
        final = _paper_final(round)
        if paper_round.mixed:
            final = final and _electronic_published(round)
        return Stage.COUNTED if final else Stage.COUNTING
    result = Result.objects.filter(round=round).only("published_at").first()
    if result is not None:
        return Stage.PUBLISHED if result.published_at is not None else Stage.TALLIED
    status = RoundStatus(round.status)
    if status in (RoundStatus.TALLIED, RoundStatus.PUBLISHED):
        return Stage.CLOSED  # no result row: nothing counted to show
    return Stage(status.value)


def leadership_readers(round: Round) -> frozenset[int]:
    """The accounts of the body's leadership collective (``Person.leadership``), for a
    personnel step (none for another round)."""
    if not round.personnel:
        return frozenset()
    users = Person.objects.filter(
        body=round.body_id, leadership=True, user__isnull=False
    ).values_list("user_id", flat=True)
    return frozenset(u for u in users if u is not None)


def concerned_readers(round: Round) -> frozenset[int]:
    """The accounts of the person concerned by a personnel step: a reappointment's person,
    or the person an agree/disagree step votes on. Never a candidate of a choose step, who
    would read the others' counts."""
    if not round.personnel:
        return frozenset()
    users: set[int | None] = set()
    procedure = round.procedure
    if procedure is not None and procedure.person is not None and procedure.person.user_id:
        users.add(procedure.person.user_id)
    if round.kind == "agree_disagree":
        users |= set(
            Official.objects.filter(round=round, person__user__isnull=False).values_list(
                "person__user_id", flat=True
            )
        )
    return frozenset(u for u in users if u is not None)


def first_readers(round: Round) -> frozenset[int]:
    """The accounts that read a tallied personnel step before it is published, besides the
    organiser and the committee: the leadership collective and the person concerned."""
    return leadership_readers(round) | concerned_readers(round)


def readers_of(round: Round, roles: frozenset[str], user: Any) -> frozenset[str]:
    """The table rows ``user`` (holding ``roles`` in ``round``) reads under: their roles,
    and for a personnel step ``LEADERSHIP`` / ``CONCERNED`` when they are one (only with a
    role in the round: no role, nothing)."""
    if not roles or not round.personnel:
        return roles
    pk = getattr(user, "pk", None)
    extra = set()
    if pk is not None and pk in leadership_readers(round):
        extra.add(LEADERSHIP)
    if pk is not None and pk in concerned_readers(round):
        extra.add(CONCERNED)
    return roles | extra


def may_see(
    what: Sealed,
    round: Round,
    roles: frozenset[str],
    *,
    stage: Stage | None = None,
    user: Any = None,
) -> bool:
    """Whether someone holding ``roles`` in ``round`` may see ``what`` now. ``roles`` are
    those the request holds there (``request.scope.roles``); no role, nothing. A tallied
    personnel step's result is also open to its first readers (``first_readers``), as the
    appointment procedures require, when ``user`` (the request's) is one of them: a
    personnel step reads ``PERSONNEL_*_SEEN_BY`` with ``readers_of``."""
    stage = stage or stage_of(round)
    if round.personnel:
        return bool(readers_of(round, roles, user) & _PERSONNEL_TABLES[what][stage])
    return bool(roles & _TABLES[what][stage])


def published(round: Round) -> bool:
    """Published to everyone in the round (the results' comment thread opens then)."""
    return stage_of(round) in (Stage.PUBLISHED, Stage.COUNTED)


def _author(official: Official, user: Any, roles: frozenset[str]) -> bool:
    return Role.OFFICIAL in roles and official.person.user_id == getattr(user, "pk", None)


def may_read_report(
    official: Official, report: SelfReport | None, user: Any, roles: frozenset[str]
) -> bool:
    """A self-report: everyone in the round once published; before, only an organiser and
    the official who writes it (never another official, the committee or an observer)."""
    if not roles:
        return False
    if Role.ORGANISER in roles or _author(official, user, roles):
        return True
    return report is not None and report.published_at is not None


def may_edit_report(official: Official, user: Any, roles: frozenset[str]) -> bool:
    """The edit form (pre-filled with the text): an organiser or the report's own official.
    Another official gets 404, exactly as on the report page."""
    return Role.ORGANISER in roles or _author(official, user, roles)
