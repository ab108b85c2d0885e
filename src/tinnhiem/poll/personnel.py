"""Personnel rounds (bỏ phiếu nhân sự) as linked steps, driven through the poll engine.

A procedure file (``appointment-*.toml``) says which steps follow which; each step is one
round of the engine, whose manifest names the step (``Manifest.personnel``) and, after the
first, links the record of the step its list comes from (its round id and final board
head). ``step_manifest`` builds that manifest (the list from the planning list or typed in
by the organiser, or the previous step's ``advancing``); ``run_step`` plays a whole round in
memory (the demo and the tests), the committee signing its final head.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tinnhiem.ballots import (
    CommitteeMember,
    Encoding,
    Manifest,
    Mark,
    Official,
    RoundKind,
    cast_ballot,
)
from tinnhiem.ballots.manifest import ListSource, PersonnelStep, StepLink
from tinnhiem.crypto import CredentialKey
from tinnhiem.errors import InputError
from tinnhiem.paper.model import PreviousStep as PaperPreviousStep
from tinnhiem.paper.personnel import (
    PersonnelTally,
    count_write_ins,
    decide_paper_step,
    link_previous,
    split_write_ins,
)
from tinnhiem.poll.simulation import Election
from tinnhiem.record.link import check_record_settlement, record_decision
from tinnhiem.record.model import ElectionRecord
from tinnhiem.rules.appointment import BallotKind, Procedure, StepDecision, StepRule
from tinnhiem.rules.settlement import Outcome, Settlement
from tinnhiem.tally import ProcedureText, load_procedure_text

__all__ = [
    "DEMO_STEPS",
    "Candidate",
    "DemoStep",
    "NextStep",
    "Progress",
    "SourceDecision",
    "StepDone",
    "StepSource",
    "check_paper_step_link",
    "link_to",
    "next_candidates",
    "next_step",
    "paper_link",
    "paper_step_link",
    "run_demo_steps",
    "run_step",
    "source_decision",
    "step_manifest",
    "write_in_list",
    "write_ins_after",
]


@dataclass(frozen=True)
class Candidate:
    """A person on a step's list: id, name and current post (from the planning list, the
    roster or typed in by the organiser)."""

    id: str
    name: str
    post: str = ""


#: The step a list came from: an electronic round's record, or a paper round's count
#: (its entry log, ``PaperSession.personnel_tally``).
StepSource = ElectionRecord | PersonnelTally


def link_to(
    previous: StepSource,
    settlement: Settlement | None = None,
    *,
    proc: Procedure | None = None,
    step_id: str = "",
    candidates: Sequence[str] = (),
) -> StepLink:
    """The link a step's manifest carries to the record (or paper entry log) its list came
    from, and to the settlement that made the list when that step waited on a person
    (checked here). A paper count is decided again by the core (``link_previous``), which
    needs the procedure, the step and its list."""
    if isinstance(previous, PersonnelTally):
        if proc is None or not step_id:
            raise InputError("a paper step's link needs the procedure and step", where="previous")
        found = link_previous(previous, proc, step_id, candidates, settlement)
        return StepLink(
            found.round_id,
            found.step,
            found.head,
            settlement.digest if settlement is not None else None,
            source="paper",
        )
    p = previous.manifest.personnel
    if p is None:
        raise InputError("the previous record is not a personnel step", where="previous")
    digest = None
    results = previous.results
    if settlement is None and isinstance(results, dict) and results.get("pending"):
        raise InputError(
            "the previous step waits on a person's decision: give the settlement (tinnhiem settle)",
            where="previous.results.pending",
        )
    if settlement is not None:
        check_record_settlement(previous, settlement)
        digest = settlement.digest
    return StepLink(previous.manifest.round_id, p.step, previous.head.hex(), digest)


@dataclass(frozen=True)
class SourceDecision:
    """A step's decision as the next step (or the person settling it) reads it: the
    procedure, the decision, the round id and head that identify the step's record or
    paper entry log, and the candidates' names."""

    procedure: Procedure
    decision: StepDecision
    round_id: str
    head: str
    names: Mapping[str, str]


def source_decision(source: StepSource) -> SourceDecision:
    """The decision of a step that ran electronically (recomputed from its verified
    record's sums) or on paper (its entry log's count decided again)."""
    if isinstance(source, PersonnelTally):
        d = source.definition
        if d.personnel is None:
            raise InputError("the paper round is not a personnel step", where="previous")
        proc = load_procedure_text(d.rule_id).procedure
        return SourceDecision(
            proc,
            decide_paper_step(source, proc),
            d.round_id,
            source.head,
            {o.id: o.name for o in d.officials},
        )
    proc, decision = record_decision(source)
    return SourceDecision(
        proc,
        decision,
        source.manifest.round_id,
        source.head.hex(),
        {o.id: o.name for o in source.manifest.officials},
    )


def paper_link(
    previous: StepSource,
    proc: Procedure,
    step_id: str,
    candidates: Sequence[str],
    settlement: Settlement | None = None,
    *,
    write_ins: int = 0,
) -> PaperPreviousStep:
    """The link a paper round of ``step_id`` over ``candidates`` carries to the step its
    list came from: a paper round's count (decided again by the core) or an electronic
    round's record (its published decision, or the ``settlement`` that settled it); either
    must send exactly these people on, followed (a step with ``write_in``) by the
    ``write_ins`` other eligible people at the end of the list."""
    if isinstance(previous, PersonnelTally):
        return link_previous(previous, proc, step_id, candidates, settlement, write_ins=write_ins)
    m = previous.manifest
    step = proc.step(step_id)
    if m.personnel is None or not isinstance(previous.results, dict):
        raise InputError("the previous record is not a personnel step", where="previous")
    if m.rule_id != proc.id or m.personnel.step != step.candidates_from:
        raise InputError(
            f"step {step.id} takes its list from step {step.candidates_from} of {proc.id}; "
            f"the record is step {m.personnel.step} of {m.rule_id}",
            where="previous",
        )
    went_on = [c.id for c in next_candidates(previous, settlement)]
    split_write_ins(step, went_on, candidates, write_ins=write_ins, ordered=False, where="previous")
    return PaperPreviousStep(
        m.round_id, m.personnel.step, previous.head.hex(), "record", settlement
    )


def paper_step_link(
    previous: StepSource,
    proc: Procedure,
    step_id: str,
    candidates: Sequence[str],
    settlement: Settlement | None = None,
) -> tuple[PaperPreviousStep, int]:
    """The link of a paper round of ``step_id`` over ``candidates`` (in any order: a sheet
    lists names, the ballot does not rank them) to the step its list came from, and how
    many people at the end of the list are write-ins among the eligible (a step with
    ``write_in``; 0 otherwise). What the CLI's ``paper new --previous`` and the web's paper
    step both use."""
    n = write_ins_after(previous, proc, step_id, candidates, settlement, ordered=False)
    return paper_link(previous, proc, step_id, candidates, settlement, write_ins=n), n


def check_paper_step_link(count: PersonnelTally, previous: StepSource) -> None:
    """``InputError`` (``where`` the link's field) unless the paper step whose entry log
    gave ``count`` follows ``previous`` (a record, or another paper step's count) as its
    procedure says: the link its definition carries is exactly the one the core makes
    again from ``previous`` (round id, step, head, kind of source), with the settlement the
    link carries checked against that step, and the step's list is who it sent on."""
    d = count.definition
    p = d.personnel
    where = "personnel.previous"
    if p is None:
        raise InputError("the paper round is not a personnel step", where="personnel")
    link = p.previous
    if link is None:
        raise InputError(f"step {p.step} takes the eligible list: it links no step", where=where)
    proc = load_procedure_text(d.rule_id).procedure
    expected = paper_link(
        previous,
        proc,
        p.step,
        [o.id for o in d.officials],
        link.settlement,
        write_ins=p.write_ins,
    )
    for field in ("round_id", "step", "head", "source"):
        got, want = getattr(link, field), getattr(expected, field)
        if got != want:
            raise InputError(
                f"is {got!r}, the previous step given has {want!r}", where=f"{where}.{field}"
            )


def next_candidates(previous: StepSource, settlement: Settlement | None = None) -> list[Candidate]:
    """The previous step's ``advancing`` list, or the list its ``settlement`` settled when
    it waited on a person, with the names and posts the previous record (or paper round)
    carried."""
    if isinstance(previous, PersonnelTally):
        d = previous.definition
        if d.personnel is None:
            raise InputError("the previous round is not a personnel step", where="previous")
        proc = load_procedure_text(d.rule_id).procedure
        step = next((s for s in proc.steps if s.candidates_from == d.personnel.step), None)
        if step is None:
            raise InputError(
                f"no step of {proc.id} takes its list from step {d.personnel.step}",
                where="previous",
            )
        decision = decide_paper_step(previous, proc)
        names = settlement.advancing if settlement is not None else decision.advancing
        link_previous(previous, proc, step.id, names, settlement)  # checks it all
        people = {o.id: o for o in d.officials}
        return [Candidate(c, people[c].name, people[c].position) for c in names]
    results = previous.results
    if not isinstance(results, dict):
        raise InputError("the previous record is not a personnel step", where="previous")
    if results.get("pending"):
        if settlement is None:
            raise InputError(
                "the previous step waits on a person's decision: give the settlement "
                "(tinnhiem settle)",
                where="previous.results.pending",
            )
        check_record_settlement(previous, settlement)
        advancing = list(settlement.advancing)
        if settlement.outcome is not Outcome.ADVANCE or not advancing:
            raise InputError(
                f"the settlement sends nobody on ({settlement.outcome.label})",
                where="settlement.outcome",
            )
    else:
        if settlement is not None:
            raise InputError(
                "the previous step did not wait on a person: it takes no settlement",
                where="settlement",
            )
        advancing = list(results.get("advancing") or [])
        if not advancing:
            raise InputError(
                "the previous step sent nobody on (the procedure stopped)",
                where="previous.results",
            )
    by_id = {o.id: o for o in previous.manifest.officials}
    return [Candidate(c, by_id[c].name, by_id[c].post) for c in advancing]


def write_in_list(advancing: Sequence[Candidate], eligible: Sequence[Candidate]) -> list[Candidate]:
    """The list of a step that lets voters name other eligible people (NĐ 170/2025 Điều
    33 bước 3): who the earlier step sent on, in its order, then everyone else of
    ``eligible`` (the planning list, or people entered by the organiser) in their order."""
    went = {c.id for c in advancing}
    seen: set[str] = set()
    extra: list[Candidate] = []
    for c in eligible:
        if c.id not in went and c.id not in seen:
            seen.add(c.id)
            extra.append(c)
    return [*advancing, *extra]


def write_ins_after(
    previous: StepSource,
    proc: Procedure,
    step_id: str,
    candidates: Sequence[str],
    settlement: Settlement | None = None,
    *,
    ordered: bool = True,
) -> int:
    """How many people at the end of ``candidates`` (the list of ``step_id``) are
    write-ins: not among who ``previous`` (or its ``settlement``) sent on. 0 for a step
    without ``write_in``; ``InputError`` unless the list is who went on (in order, when
    ``ordered``: an electronic ballot), then the write-ins."""
    step = proc.step(step_id)
    if step.write_in is None:
        return 0
    went = [c.id for c in next_candidates(previous, settlement)]
    n = count_write_ins(step, went, candidates)
    split_write_ins(step, went, candidates, write_ins=n, ordered=ordered, where="candidates")
    return n


@dataclass(frozen=True)
class StepDone:
    """A step that ran, as the progression reads it: its step id, its result (the record's
    ``results`` object, record-format §3.13; None while it is not tallied) and, when it
    waited on a person, the settlement recorded for it."""

    step: str
    result: Mapping[str, Any] | None
    settlement: Settlement | None = None


class Progress(StrEnum):
    """Where a procedure stands after the steps run so far."""

    RUN = "run"  # ``step`` runs next, on ``candidates``
    RUNNING = "running"  # the last step is not tallied yet
    PENDING = "pending"  # the last step waits on a person's decision (a settlement)
    ENDED = "ended"  # the last step has no next step: ``proposed`` go on to the decision
    STOPPED = "stopped"  # nobody goes on (the count, or the person, stopped it)


@dataclass(frozen=True)
class NextStep:
    """What runs next: the state, the step, its list (None: the eligible list, given by the
    organiser), the index in the history of the step whose record the round links (None:
    a first step), the settlement that made the list, and whether it is a revote."""

    state: Progress
    step: StepRule | None = None
    candidates: tuple[str, ...] | None = None
    list_from: int | None = None
    settlement: Settlement | None = None
    revote: bool = False
    proposed: tuple[str, ...] = ()


def _went_on(done: StepDone, where: str) -> tuple[tuple[str, ...], Settlement | None]:
    """Who ``done`` sent on, and the settlement that decided it when it was pending."""
    result = done.result
    if result is None:
        raise InputError(f"step {done.step} is not tallied", where=where)
    if result.get("pending"):
        s = done.settlement
        if s is None or s.outcome is not Outcome.ADVANCE:
            raise InputError(f"step {done.step} sent nobody on", where=where)
        return s.advancing, s
    return tuple(str(c) for c in result.get("advancing") or ()), None


def next_step(proc: Procedure, history: Sequence[StepDone]) -> NextStep:
    """The one progression rule of a procedure: given the steps run so far, in order (each
    with its result and, for a pending one, its settlement), which step runs next and on
    what list.

    - No step yet: the first step, on the eligible list.
    - The last step is not tallied: ``RUNNING``; pending without a settlement: ``PENDING``.
    - Its decision (or its settlement) says vote again: the same step, on the same list
      (a step that takes an earlier step's list links that step's record again, so its
      list is that one; a first step is voted again on who its result names, or on its
      whole list when nobody is named, e.g. the quorum was not met).
    - It names a next step: that step, on the list of the latest run of the step its
      procedure names (``candidates_from``), which is not always the last one (QĐ 80: step
      5 votes on step 3's list); the settlement that decided that run comes with it.
    - No next step: ``ENDED`` with who was proposed, or ``STOPPED`` when nobody goes on.
    """
    if not history:
        return NextStep(Progress.RUN, proc.first)
    last = history[-1]
    result = last.result
    if result is None:
        return NextStep(Progress.RUNNING)
    settled = last.settlement
    if result.get("pending"):
        if settled is None:
            return NextStep(Progress.PENDING)
        following, advancing = settled.next_step, settled.advancing
        if settled.outcome is Outcome.STOP:
            return NextStep(Progress.STOPPED, settlement=settled)
    else:
        following = result.get("next_step")
        advancing = tuple(str(c) for c in result.get("advancing") or ())
    if following is None:
        if advancing:
            return NextStep(Progress.ENDED, proposed=advancing, settlement=settled)
        return NextStep(Progress.STOPPED, settlement=settled)
    step = proc.step(str(following))
    revote = step.id == last.step
    if step.candidates_from is None:
        if not revote:
            return NextStep(Progress.RUN, step)
        whole = tuple(str(c["id"]) for c in result.get("candidates") or ())
        names = advancing or whole or None
        return NextStep(Progress.RUN, step, names, settlement=settled, revote=True)
    source = next(
        (i for i in range(len(history) - 1, -1, -1) if history[i].step == step.candidates_from),
        None,
    )
    if source is None:
        raise InputError(
            f"step {step.id} takes its list from step {step.candidates_from}, which has not run",
            where="procedure",
        )
    names, settlement = _went_on(history[source], where=f"step {step.candidates_from}")
    if not names:
        return NextStep(Progress.STOPPED)
    return NextStep(
        Progress.RUN,
        step,
        names,
        list_from=source,
        settlement=settlement,
        revote=revote,
    )


def step_manifest(
    proc: ProcedureText,
    step_id: str,
    candidates: Sequence[Candidate],
    *,
    round_id: str,
    body: str,
    summoned: int,
    committee: Sequence[str],
    threshold: int,
    post: str,
    list_source: ListSource = ListSource.ENTERED,
    previous: StepSource | None = None,
    date: str = "",
    settlement: Settlement | None = None,
) -> Manifest:
    """The manifest of step ``step_id``: its ballot kind and k from the procedure, the
    list, and the link to ``previous`` when the step takes its list from an earlier one
    (with the digest of ``settlement`` when that step waited on a person). On a step with
    ``write_in`` the list is who went on, in order, then other eligible people
    (``write_in_list``); their number is the manifest's ``personnel.write_ins``."""
    step = proc.procedure.step(step_id)
    kind = (
        RoundKind.CHOOSE_AT_MOST
        if step.ballot is BallotKind.CHOOSE_AT_MOST
        else RoundKind.AGREE_DISAGREE
    )
    k = min(step.k, len(candidates)) if kind is RoundKind.CHOOSE_AT_MOST else 1
    link = None
    write_ins = 0
    if step.candidates_from is not None:
        if previous is None:
            raise InputError(
                f"step {step.id} takes its list from step {step.candidates_from}: give its record",
                where="previous",
            )
        ids = [c.id for c in candidates]
        write_ins = write_ins_after(previous, proc.procedure, step.id, ids, settlement)
        link = link_to(
            previous,
            settlement,
            proc=proc.procedure,
            step_id=step.id,
            candidates=ids[: len(ids) - write_ins],
        )
        list_source = ListSource.PREVIOUS
    title = f"Bước {step.number}: {step.title_vi}"
    return Manifest(
        round_id=round_id,
        body=body,
        title=title,
        kind=kind,
        rule_id=proc.id,
        rule_version=proc.digest,
        officials=tuple(Official(c.id, c.name, c.post, i + 1) for i, c in enumerate(candidates)),
        summoned=summoned,
        committee=tuple(CommitteeMember(i + 1, name) for i, name in enumerate(committee)),
        threshold=threshold,
        weight_base=summoned + 1,
        date=date,
        encoding=Encoding.PER_LEVEL,
        personnel=PersonnelStep(
            step.id,
            k,
            post,
            list_source,
            link,
            blank_column=kind is RoundKind.CHOOSE_AT_MOST,
            write_ins=write_ins,
        ),
    )


def run_step(
    manifest: Manifest,
    proc: ProcedureText,
    ballots: Sequence[Mapping[str, Mark]],
    *,
    present: int | None = None,
    decrypting: Sequence[int] | None = None,
    seed: int = 0,
) -> Election:
    """One whole round in memory: key ceremony, ``present`` credentials issued (default:
    one per ballot), ``ballots`` sealed and cast, closed, decrypted by ``decrypting``
    (default: the first t members), the final head signed."""
    issued = len(ballots) if present is None else present
    if issued < len(ballots):
        raise InputError(f"{len(ballots)} ballots for {issued} present", where="present")
    election = Election(manifest, proc)
    election.key_ceremony()
    keys = [
        CredentialKey.from_seed(hashlib.sha256(f"{manifest.round_id}/{seed}/{i}".encode()).digest())
        for i in range(issued)
    ]
    election.open([k.public for k in keys])
    for key, marks in zip(keys, ballots, strict=False):
        election.cast(cast_ballot(manifest, election.fingerprint, election.public_key, key, marks))
    election.close()
    members = decrypting if decrypting is not None else range(1, manifest.threshold + 1)
    election.decrypt(members)
    return election


@dataclass(frozen=True)
class DemoStep:
    """One step of the demonstration: its procedure, step, list and votes."""

    name: str  # the record's file name, without .json
    procedure: str
    step: str
    summoned: int
    ballots: tuple[Mapping[str, Mark], ...]


def _choose(counts: Mapping[str, int], blank: int) -> tuple[Mapping[str, Mark], ...]:
    out: list[Mapping[str, Mark]] = []
    for c, n in counts.items():
        out += [{c: Mark.CHOSEN}] * n
    return tuple(out + [{}] * blank)


def _agree(person: str, agree: int, disagree: int, blank: int) -> tuple[Mapping[str, Mark], ...]:
    return tuple(
        [{person: Mark.AGREE}] * agree + [{person: Mark.DISAGREE}] * disagree + [{}] * blank
    )


APPOINTMENT = "appointment-nd170-2026"
REAPPOINTMENT = "appointment-reappointment-nd170-2026"

#: The planning list (danh sách quy hoạch) of the demonstration body.
DEMO_PLANNING = (
    Candidate("nva", "Nguyễn Văn An", "Phó Giám đốc Sở"),
    Candidate("ttb", "Trần Thị Bình", "Trưởng phòng Tổ chức cán bộ"),
    Candidate("lvc", "Lê Văn Chí", "Chánh Văn phòng Sở"),
)
DEMO_REAPPOINTED = Candidate("ptd", "Phạm Thị Dung", "Phó Giám đốc Sở (hết nhiệm kỳ)")
DEMO_COMMITTEE = ("Hoàng Minh Đức", "Vũ Thị Hạnh", "Đặng Quốc Khánh")

#: A whole appointment (NĐ 170 as amended by NĐ 300/2026, steps 1 to 4: at step 1 nobody
#: passes 50% of the 5 summoned, the two at or above 30% go on), then a reappointment (the
#: key cadres' vote, the collective's vote).
DEMO_STEPS = (
    DemoStep("1-appointment-b1-leadership", APPOINTMENT, "b1-leadership", 5,
             _choose({"nva": 2, "ttb": 2, "lvc": 1}, 0)),
    DemoStep("2-appointment-b2-extended", APPOINTMENT, "b2-extended", 15,
             _choose({"nva": 9, "ttb": 5}, 1)),
    DemoStep("3-appointment-b3-key-cadres", APPOINTMENT, "b3-key-cadres", 25,
             _choose({"nva": 19}, 6)),
    DemoStep("4-appointment-b4-decide", APPOINTMENT, "b4-decide", 5, _choose({"nva": 4}, 1)),
    DemoStep("5-reappointment-b1-key-cadres", REAPPOINTMENT, "b1-key-cadres", 25,
             _agree("ptd", 20, 4, 1)),
    DemoStep("6-reappointment-b2-decide", REAPPOINTMENT, "b2-decide", 7, _agree("ptd", 5, 2, 0)),
)  # fmt: skip


def run_demo_steps(
    *, body: str = "Sở Tư pháp tỉnh Ninh Bình", date: str = "2026-03-10"
) -> list[tuple[DemoStep, ElectionRecord]]:
    """Every step of ``DEMO_STEPS`` in order, each round's list taken from the record of
    the step its procedure names (``candidates_from``); returns each step's record."""
    done: dict[tuple[str, str], ElectionRecord] = {}
    out: list[tuple[DemoStep, ElectionRecord]] = []
    for i, demo in enumerate(DEMO_STEPS):
        proc = load_procedure_text(demo.procedure)
        step = proc.procedure.step(demo.step)
        previous = None
        if step.candidates_from is None:
            first = DEMO_PLANNING if demo.procedure == APPOINTMENT else (DEMO_REAPPOINTED,)
            candidates = list(first)
            source = ListSource.PLANNING if demo.procedure == APPOINTMENT else ListSource.ENTERED
        else:
            previous = done[(demo.procedure, step.candidates_from)]
            candidates = next_candidates(previous)
            source = ListSource.PREVIOUS
        post = "Giám đốc Sở" if demo.procedure == APPOINTMENT else "Phó Giám đốc Sở"
        manifest = step_manifest(
            proc,
            demo.step,
            candidates,
            round_id=f"demo-{demo.name}",
            body=body,
            summoned=demo.summoned,
            committee=DEMO_COMMITTEE,
            threshold=2,
            post=post,
            list_source=source,
            previous=previous,
            date=date,
        )
        election = run_step(manifest, proc, demo.ballots, decrypting=(1, 3), seed=i)
        record = election.record()
        done[(demo.procedure, demo.step)] = record
        out.append((demo, record))
    return out
