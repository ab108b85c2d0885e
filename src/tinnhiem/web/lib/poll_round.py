"""A web round as the poll engine sees it.

``build_manifest`` reads the rows an organiser prepared (officials, exemptions, voters
summoned, committee, rule, re-vote policy) into the manifest, once: when the key ceremony
starts, the engine freezes it on the round's board, and every page and action after that
reads the frozen manifest (``engine_of(round).manifest``), never the live rows. A roster
edit after that moment cannot change the round.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from django.utils import timezone

from tinnhiem.ballots import (
    CommitteeMember,
    ExemptOfficial,
    Manifest,
    Official,
    RevotePolicy,
    RoundKind,
    encoding_for,
)
from tinnhiem.ballots.manifest import ListSource
from tinnhiem.poll import PollEngine
from tinnhiem.poll.personnel import Candidate, StepSource, step_manifest
from tinnhiem.record import ElectionRecord
from tinnhiem.rules import Denominator
from tinnhiem.rules.settlement import Settlement
from tinnhiem.tally import ProcedureText, RuleSource, load_procedure_text, load_rule_source
from tinnhiem.web.lib.poll_store import OrmPollStore
from tinnhiem.web.models import CommitteeMember as MemberRow
from tinnhiem.web.models import Official as OfficialRow
from tinnhiem.web.models import Person, Round, StepSettlement, Summons

__all__ = [
    "build_manifest",
    "display_name",
    "engine_of",
    "procedure_text_for",
    "record_for",
    "rule_source_for",
    "source_for",
]


@lru_cache(maxsize=32)
def rule_source_for(rule_id: str) -> RuleSource:
    """A built-in rule version with its exact text (what a new round freezes)."""
    return load_rule_source(rule_id)


@lru_cache(maxsize=16)
def procedure_text_for(procedure_id: str) -> ProcedureText:
    """A built-in personnel procedure with its exact text (what a step's round freezes)."""
    return load_procedure_text(procedure_id)


def source_for(round: Round) -> RuleSource | ProcedureText:
    """What decides the round: its rule, or for a personnel step its procedure file."""
    if round.personnel:
        return procedure_text_for(round.rule_id)
    return rule_source_for(round.rule_id)


def display_name(user: Any) -> str:
    """A committee member's name: their roster name, else the account's name."""
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return str(person.full_name)
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full or user.username)


def build_manifest(round: Round, source: RuleSource | ProcedureText) -> Manifest:
    """The round's manifest from the rows as they stand (called once, to freeze it).

    Officials on the ballot are the non-exempt ones in ballot order (renumbered 1..k);
    their ``id`` is the roster code. ``B`` (weight base) is one more than the voters
    summoned. ``members`` (the body's size) is counted now, for rules whose denominator
    is every member of the body. A personnel step: see ``personnel_manifest``.
    """
    if isinstance(source, ProcedureText):
        return personnel_manifest(round, source)
    officials = list(
        OfficialRow.objects.filter(round=round).select_related("person").order_by("order", "id")
    )
    on_ballot = [o for o in officials if not o.exempt]
    summoned = Summons.objects.filter(round=round).count()
    members = MemberRow.objects.seated(round).select_related("user").order_by("index")
    body_size = None
    if source.rule.denominator is Denominator.MEMBERS:
        body_size = Person.objects.filter(body=round.body).count()
    # The round's date where it is held (TIME_ZONE, Asia/Ho_Chi_Minh), not UTC: a poll
    # opened at 02:00 on the 29th in Hà Nội is dated the 29th on the minutes.
    when = timezone.localdate(round.opens_at) if round.opens_at else timezone.localdate()
    return Manifest(
        round_id=f"{round.body.code}/{round.pk}",
        body=round.body.name,
        title=round.title,
        kind=RoundKind(round.kind),
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(
            Official(id=o.person.external_id, name=o.person.full_name, post=o.post, order=i + 1)
            for i, o in enumerate(on_ballot)
        ),
        exempt=tuple(
            ExemptOfficial(
                id=o.person.external_id,
                name=o.person.full_name,
                post=o.post,
                reason=o.exempt_reason,
            )
            for o in officials
            if o.exempt
        ),
        summoned=summoned,
        members=body_size,
        committee=tuple(CommitteeMember(index=m.index, name=display_name(m.user)) for m in members),
        threshold=round.threshold,
        weight_base=summoned + 1,
        encoding=encoding_for(summoned),  # packed rows while they fit, else one per level
        revote=RevotePolicy(round.revote),
        date=when.isoformat(),
    )


def step_source(round: Round) -> StepSource | None:
    """What a step's round left for the next step to link: its record when it ran
    electronically, the count of its entry log once a paper step's result is posted
    (None while neither exists)."""
    from tinnhiem.web.actions.paper_store import load_session, paper_round_of
    from tinnhiem.web.models import Result

    paper_round = paper_round_of(round)
    if paper_round is not None:
        if not Result.objects.filter(round=round).exists():
            return None
        return load_session(paper_round).personnel_tally()
    return record_for(round)


def personnel_manifest(round: Round, proc: ProcedureText) -> Manifest:
    """A personnel step's manifest (record-format §3.13): the step's ballot kind and k from
    the procedure, the candidates (the round's officials, in ballot order) and, when the
    step takes its list from an earlier one, the link to that round's record (its round
    id, step and final board head)."""
    if round.procedure is None or not round.step_id:
        raise ValueError(f"round {round.pk} is a personnel round without its procedure step")
    officials = OfficialRow.objects.filter(round=round, exempt=False).select_related("person")
    candidates = [
        Candidate(o.person.external_id, o.person.full_name, o.post)
        for o in officials.order_by("order", "id")
    ]
    previous: StepSource | None = None
    settlement = None
    if round.previous is not None and proc.procedure.step(round.step_id).candidates_from:
        previous = step_source(round.previous)
        if previous is None:
            raise ValueError(f"the previous step (round {round.previous.pk}) is not tallied")
        # When that step waited on a person, the decision recorded for it made the list.
        settled = StepSettlement.objects.filter(round=round.previous).first()
        if settled is not None:
            settlement = Settlement.from_json(settled.payload)
    members = MemberRow.objects.seated(round).select_related("user").order_by("index")
    when = timezone.localdate(round.opens_at) if round.opens_at else timezone.localdate()
    return step_manifest(
        proc,
        round.step_id,
        candidates,
        round_id=f"{round.body.code}/{round.pk}",
        body=round.body.name,
        summoned=Summons.objects.filter(round=round).count(),
        committee=[display_name(m.user) for m in members],
        threshold=round.threshold,
        post=round.procedure.post,
        list_source=ListSource(round.list_source or ListSource.ENTERED),
        previous=previous,
        date=when.isoformat(),
        settlement=settlement,
    )


#: Per ceremony (round id, election fingerprint): what the engine parsed once the round's
#: key was fixed, shared by the requests this process serves (a hall casts hundreds).
_MEMOS: OrderedDict[tuple[int, str], dict[str, Any]] = OrderedDict()
_MEMO_ROUNDS = 64
_MEMO_LOCK = threading.Lock()


def engine_memo(round: Round) -> dict[str, Any] | None:
    """The memo of ``round``'s ceremony, once its key is fixed (its fingerprint names it)."""
    if not round.fingerprint:
        return None
    key = (round.pk, round.fingerprint)
    with _MEMO_LOCK:  # the server's threads share it
        memo = _MEMOS.get(key)
        if memo is None:
            memo = _MEMOS[key] = {}
            while len(_MEMOS) > _MEMO_ROUNDS:
                _MEMOS.popitem(last=False)
        else:
            _MEMOS.move_to_end(key)
        return memo


def engine_of(round: Round) -> PollEngine:
    """The round's engine for reading (pages, downloads). Actions that change the round
    use ``actions.poll.engine_for_update`` instead."""
    return PollEngine(OrmPollStore(round), memo=engine_memo(round))


def record_for(round: Round) -> ElectionRecord | None:
    """The election record of a tallied round (None before the tally)."""
    engine = engine_of(round)
    if engine.phase.value != "tallied":
        return None
    return engine.record()
