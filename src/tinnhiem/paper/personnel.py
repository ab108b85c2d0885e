"""Personnel votes on paper (bỏ phiếu nhân sự bằng phiếu giấy): the marks of a
``choose_at_most`` and an ``agree_disagree`` sheet, their quick-entry codes, the count of
the agreed sheets, and the step's decision under its procedure (issue 14).

A personnel round is an ordinary paper round whose definition carries a
:class:`~tinnhiem.paper.model.PersonnelSection`: the same session, double (or triple)
entry, committee resolutions and entry log; only the marks and the count differ.

Quick entry (``tinnhiem paper enter --marks``), one code per candidate in sheet order,
as for the confidence sheets (``1,0,0`` or ``100``):

* ``choose_at_most`` — ``1`` ticked (chọn), ``0`` not ticked. All ``0`` is a blank ballot
  (phiếu trống): valid, counted for nobody. More than ``k`` ticks makes the whole sheet
  invalid (see :data:`OVER_K_NOTE`).
* ``agree_disagree`` — ``1`` đồng ý, ``2`` không đồng ý, ``0`` để trống (blank, valid),
  ``x`` the row is invalid (both boxes ticked, or the name crossed out): counted neither for
  nor against that person, the sheet stays valid for the others.

A sheet invalid as a whole (no seal, not the printed form, a name written in) is entered
with ``--invalid-ballot``, as on a confidence round.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from tinnhiem.paper.errors import PaperInputError
from tinnhiem.paper.model import PersonnelSection, PreviousStep, RoundDefinition
from tinnhiem.rules.appointment import (
    AGREE,
    DISAGREE,
    BallotKind,
    Procedure,
    StepCounts,
    StepDecision,
    StepRule,
    decide_step,
)
from tinnhiem.rules.settlement import Settlement, check_settlement
from tinnhiem.rules.step_result import decision_json

__all__ = [
    "OVER_K_NOTE",
    "PERSONNEL_TOTALS_FIELDS",
    "PersonnelCount",
    "PersonnelMark",
    "PersonnelTally",
    "check_personnel_totals",
    "check_step",
    "count_sheets",
    "count_totals",
    "count_write_ins",
    "decide_paper_step",
    "link_previous",
    "parse_personnel_marks",
    "personnel_choices",
    "personnel_marks_for",
    "personnel_totals_keys",
    "section_for",
    "split_write_ins",
    "step_result_json",
]

OVER_K_NOTE = (
    "Phiếu đánh dấu quá số người được chọn (nhiều hơn k) là phiếu không hợp lệ — lựa chọn "
    "của Tín Nhiệm: văn bản quy trình không quy định; theo cách Luật Bầu cử đại biểu Quốc "
    "hội và đại biểu Hội đồng nhân dân số 85/2015/QH13, Điều 74, khoản 1, điểm c (“Phiếu để "
    "số người được bầu nhiều hơn số lượng đại biểu được bầu …”) [chưa đối chiếu được văn bản "
    "/ not confirmed against the text]"
)
"""Why a sheet with more than ``k`` ticks is invalid, as the minutes print it: our choice,
by analogy with the election law (the appointment procedures read say nothing)."""


class PersonnelMark(StrEnum):
    """One row of a personnel sheet, as an operator reads it."""

    CHOSEN = "chosen"
    """Ticked (chọn) — choose sheet, code ``1``."""
    NOT_CHOSEN = "not_chosen"
    """Not ticked — choose sheet, code ``0``."""
    AGREE = "agree"
    """Đồng ý — agree/disagree sheet, code ``1``."""
    DISAGREE = "disagree"
    """Không đồng ý — agree/disagree sheet, code ``2``."""
    BLANK = "blank"
    """Để trống (neither box) — agree/disagree sheet, code ``0``: the row is blank, valid."""
    INVALID = "invalid"
    """Both boxes, or the name crossed out — agree/disagree sheet, code ``x``."""

    @property
    def code(self) -> str:
        return _CODE[self]

    @property
    def label_vi(self) -> str:
        return _LABEL_VI[self]

    @staticmethod
    def from_code(code: str, *, where: str, ballot: str) -> PersonnelMark:
        """A mark of a ``ballot`` sheet from its code or name."""
        key = code.strip().lower()
        for mark in personnel_marks_for(ballot):
            if key in (mark.code, mark.value):
                return mark
        raise PaperInputError(
            f"unknown mark {code!r}: use {personnel_choices(ballot)}", where=where
        )


_CODE = {
    PersonnelMark.CHOSEN: "1",
    PersonnelMark.NOT_CHOSEN: "0",
    PersonnelMark.AGREE: "1",
    PersonnelMark.DISAGREE: "2",
    PersonnelMark.BLANK: "0",
    PersonnelMark.INVALID: "x",
}
_LABEL_VI = {
    PersonnelMark.CHOSEN: "Chọn",
    PersonnelMark.NOT_CHOSEN: "Không chọn",
    PersonnelMark.AGREE: "Đồng ý",
    PersonnelMark.DISAGREE: "Không đồng ý",
    PersonnelMark.BLANK: "Để trống",
    PersonnelMark.INVALID: "Không hợp lệ",
}
_MARKS = {
    BallotKind.CHOOSE_AT_MOST.value: (PersonnelMark.CHOSEN, PersonnelMark.NOT_CHOSEN),
    BallotKind.AGREE_DISAGREE.value: (
        PersonnelMark.AGREE,
        PersonnelMark.DISAGREE,
        PersonnelMark.BLANK,
        PersonnelMark.INVALID,
    ),
}


def personnel_marks_for(ballot: str) -> tuple[PersonnelMark, ...]:
    """The marks a ``ballot`` sheet's row can carry, in code order."""
    return _MARKS[ballot]


def personnel_choices(ballot: str) -> str:
    """The codes, for prompts and errors: ``1 = Chọn, 0 = Không chọn``."""
    return ", ".join(f"{m.code} = {m.label_vi}" for m in personnel_marks_for(ballot))


def parse_personnel_marks(text: str, count: int, *, where: str, ballot: str) -> list[PersonnelMark]:
    """One code per candidate in sheet order: ``"1,0,0"`` or ``"100"``."""
    stripped = text.strip()
    parts = re.split(r"[,\s;]+", stripped) if re.search(r"[,\s;]", stripped) else list(stripped)
    parts = [part for part in parts if part]
    if len(parts) != count:
        raise PaperInputError(
            f"{len(parts)} marks given, the sheet lists {count} people", where=where
        )
    return [
        PersonnelMark.from_code(part, where=f"{where}, row {i}", ballot=ballot)
        for i, part in enumerate(parts, 1)
    ]


def check_step(definition: RoundDefinition, proc: Procedure) -> None:
    """The round is the step it names: its procedure, ballot kind, ``k`` and the link to the
    step its list comes from (as the electronic manifest is checked)."""
    p = definition.personnel
    where = "paper round, personnel"
    if p is None:
        raise PaperInputError("not a personnel round", where=where)
    if proc.id != definition.rule_id:
        raise PaperInputError(f"the round names {definition.rule_id}, not {proc.id}", where=where)
    try:
        step = proc.step(p.step)
    except Exception as exc:  # InputError naming the known steps
        raise PaperInputError(str(exc), where=where) from exc
    if step.ballot.value != p.ballot:
        raise PaperInputError(
            f"step {step.id} takes a {step.ballot.value} ballot, not {p.ballot}", where=where
        )
    n = len(definition.officials)
    k = min(step.k, n) if step.ballot is BallotKind.CHOOSE_AT_MOST else 1
    if p.k != k:
        raise PaperInputError(
            f"step {step.id} lets a sheet mark at most {k} of these {n} names, not {p.k}",
            where=where,
        )
    if step.candidates_from is None and p.previous is not None:
        raise PaperInputError(
            f"step {step.id} takes the eligible list, not a previous step's", where=where
        )
    if step.candidates_from is not None and (
        p.previous is None or p.previous.step != step.candidates_from
    ):
        raise PaperInputError(
            f"step {step.id} takes its list from step {step.candidates_from}: link that "
            "step's round (--previous)",
            where=where,
        )
    if p.write_ins and (step.write_in is None or p.previous is None):
        raise PaperInputError(
            f"step {step.id} takes no write-ins: its list is who the previous step sent on",
            where=where,
        )
    if p.write_ins < 0 or p.write_ins >= n:
        raise PaperInputError(
            f"{p.write_ins} write-ins on a sheet of {n}: the previous step's list comes first",
            where=where,
        )


def section_for(proc: Procedure, step_id: str, candidates: int, k: int | None) -> PersonnelSection:
    """The personnel section of a round of ``step_id`` over ``candidates`` names; ``k``
    defaults to the step's (at most the number of names) and must agree with it."""
    step = proc.step(step_id)
    own = min(step.k, candidates) if step.ballot is BallotKind.CHOOSE_AT_MOST else 1
    if k is not None and k != own:
        raise PaperInputError(
            f"step {step.id} lets a sheet mark at most {own} names; --k {k} disagrees",
            where="--k",
        )
    return PersonnelSection(step.id, step.ballot.value, own)


@dataclass(frozen=True)
class PersonnelCount:
    """One candidate's count on the agreed sheets: ``votes`` (ticks, or đồng ý), and on an
    agree/disagree sheet ``disagree``, ``blank`` rows and ``invalid`` rows."""

    id: str
    votes: int
    disagree: int | None = None
    blank: int | None = None
    invalid: int | None = None


@dataclass(frozen=True)
class PersonnelTally:
    """The count of a personnel paper round (biên bản kiểm phiếu nhân sự).

    ``returned``: sheets counted; ``invalid``: sheets invalid as a whole, of which
    ``over_k`` had more than ``k`` ticks; ``blank``: valid sheets marking nobody."""

    definition: RoundDefinition
    returned: int
    invalid: int
    over_k: int
    blank: int
    candidates: tuple[PersonnelCount, ...]
    complete: bool
    head: str
    declared_returned: int | None = None

    @property
    def valid(self) -> int:
        return self.returned - self.invalid

    def step_counts(self) -> StepCounts:
        """The counts ``decide_step`` reads (an invalid row counts for nobody)."""
        d = self.definition
        assert d.personnel is not None and d.summoned is not None and d.present is not None
        votes: dict[str, int | Mapping[str, int]] = {}
        for c in self.candidates:
            if d.personnel.ballot == BallotKind.AGREE_DISAGREE.value:
                votes[c.id] = {AGREE: c.votes, DISAGREE: c.disagree or 0}
            else:
                votes[c.id] = c.votes
        return StepCounts(
            summoned=d.summoned,
            present=d.present,
            returned=self.returned,
            invalid=self.invalid,
            votes=votes,
        )


def count_sheets(
    definition: RoundDefinition,
    sheets: Iterable[Mapping[str, str] | None],
    *,
    complete: bool,
    head: str,
    declared_returned: int | None = None,
) -> PersonnelTally:
    """Count the agreed sheets: each a mapping candidate id → mark value, or ``None`` for a
    sheet invalid as a whole. A choose sheet with more than ``k`` ticks is invalid."""
    p = definition.personnel
    assert p is not None
    ids = [o.id for o in definition.officials]
    agree_kind = p.ballot == BallotKind.AGREE_DISAGREE.value
    tallies = {i: dict.fromkeys(("votes", "disagree", "blank", "invalid"), 0) for i in ids}
    returned = invalid = over_k = blank = 0
    for sheet in sheets:
        returned += 1
        if sheet is None:
            invalid += 1
            continue
        marks = [PersonnelMark(sheet[i]) for i in ids]
        if not agree_kind:
            ticked = [i for i, m in zip(ids, marks, strict=True) if m is PersonnelMark.CHOSEN]
            if len(ticked) > p.k:
                invalid += 1
                over_k += 1
                continue
            blank += not ticked
            for i in ticked:
                tallies[i]["votes"] += 1
            continue
        blank += all(m is PersonnelMark.BLANK for m in marks)
        for i, m in zip(ids, marks, strict=True):
            key = {
                PersonnelMark.AGREE: "votes",
                PersonnelMark.DISAGREE: "disagree",
                PersonnelMark.BLANK: "blank",
                PersonnelMark.INVALID: "invalid",
            }[m]
            tallies[i][key] += 1
    counts = tuple(
        PersonnelCount(i, t["votes"], t["disagree"], t["blank"], t["invalid"])
        if agree_kind
        else PersonnelCount(i, t["votes"])
        for i, t in tallies.items()
    )
    return PersonnelTally(
        definition, returned, invalid, over_k, blank, counts, complete, head, declared_returned
    )


def decide_paper_step(tally: PersonnelTally, proc: Procedure) -> StepDecision:
    """The step's decision from the paper count: ``decide_step`` over the round's
    candidates, with the base the procedure names (summoned, present, returned or valid)."""
    definition = tally.definition
    check_step(definition, proc)
    assert definition.personnel is not None
    ids = tuple(o.id for o in definition.officials)
    n = definition.personnel.write_ins
    return decide_step(
        proc,
        definition.personnel.step,
        tally.step_counts(),
        candidates=ids,
        write_ins=ids[len(ids) - n :] if n else (),
    )


def split_write_ins(
    step: StepRule,
    advancing: Sequence[str],
    candidates: Sequence[str],
    *,
    write_ins: int,
    ordered: bool,
    where: str,
) -> None:
    """``PaperInputError`` unless ``candidates`` is who the previous step sent on
    (``advancing``; in the same order when ``ordered``) followed by ``write_ins`` other
    people, which only a step with ``write_in`` takes."""
    names = list(candidates)
    if write_ins and step.write_in is None:
        raise PaperInputError(
            f"step {step.id} takes no write-ins: its list is who the previous step sent on",
            where=where,
        )
    listed, extra = names[: len(names) - write_ins], names[len(names) - write_ins :]
    same = listed == list(advancing) if ordered else sorted(listed) == sorted(advancing)
    if not same or not listed or any(c in advancing for c in extra):
        tail = f", then {write_ins} other eligible people" if write_ins else ""
        raise PaperInputError(
            f"the previous step sent on {', '.join(advancing)}; this list is "
            f"{', '.join(names)} (it must be who went on{tail})",
            where=where,
        )


def count_write_ins(step: StepRule, advancing: Sequence[str], candidates: Sequence[str]) -> int:
    """How many people at the end of ``candidates`` are not among ``advancing``: the
    write-ins of a step with ``write_in`` (0 for any other step)."""
    if step.write_in is None:
        return 0
    n = 0
    for c in reversed(list(candidates)):
        if c in advancing:
            break
        n += 1
    return n


def candidate_ids(definition: RoundDefinition) -> Sequence[str]:
    """The candidates' ids in sheet order."""
    return tuple(o.id for o in definition.officials)


def link_previous(
    previous: PersonnelTally,
    proc: Procedure,
    step_id: str,
    candidates: Sequence[str],
    settlement: Settlement | None = None,
    *,
    write_ins: int = 0,
) -> PreviousStep:
    """The link from a round of ``step_id`` over ``candidates`` to the paper round whose
    count is ``previous``: that round must be the step this one's list comes from, complete,
    in the same procedure, and its decision must send exactly these people on — or, when it
    waited on a person, ``settlement`` must settle it and send exactly these people on —
    followed, on a step that takes them, by ``write_ins`` other eligible people."""
    step = proc.step(step_id)
    where = "--previous"
    d = previous.definition
    p = d.personnel
    if p is None:
        raise PaperInputError("the previous round is not a personnel step", where=where)
    if d.rule_id != proc.id:
        raise PaperInputError(f"the previous round follows {d.rule_id}, not {proc.id}", where=where)
    if step.candidates_from is None:
        raise PaperInputError(f"step {step.id} takes the eligible list", where=where)
    if p.step != step.candidates_from:
        raise PaperInputError(
            f"step {step.id} takes its list from step {step.candidates_from}, the previous "
            f"round is step {p.step}",
            where=where,
        )
    if not previous.complete:
        raise PaperInputError("the previous round's count is not complete", where=where)
    decision = decide_paper_step(previous, proc)
    advancing = decision.advancing
    if decision.pending and settlement is None:
        raise PaperInputError(
            "the previous step waits on a person's decision: give the settlement "
            "(--settlement, written by tinnhiem settle)",
            where=where,
        )
    if settlement is not None:
        check_settlement(settlement, decision, proc, round_id=d.round_id, head=previous.head)
        advancing = settlement.advancing if settlement.outcome == "advance" else ()
    if not advancing:
        raise PaperInputError(
            "the previous step sent nobody on (it waits on a person's decision, or stopped)",
            where=where,
        )
    split_write_ins(step, advancing, candidates, write_ins=write_ins, ordered=False, where=where)
    return PreviousStep(d.round_id, p.step, previous.head, "paper", settlement)


PERSONNEL_TOTALS_FIELDS = {
    BallotKind.CHOOSE_AT_MOST.value: ("votes",),
    BallotKind.AGREE_DISAGREE.value: ("agree", "disagree", "blank", "invalid"),
}
"""The counts of one candidate on a hand-count totals sheet of each ballot kind: a choose
sheet's ticks; an agree/disagree sheet's rows đồng ý, không đồng ý, để trống, không hợp lệ."""


def personnel_totals_keys(definition: RoundDefinition) -> tuple[str, ...]:
    """The fields of a personnel round's totals sheet (the counting committee's hand count):
    ``returned`` sheets, ``invalid`` sheets (invalid as a whole, over-``k`` included),
    ``blank`` sheets (valid, marking nobody), then ``<candidate>.<field>`` per
    :data:`PERSONNEL_TOTALS_FIELDS`."""
    p = definition.personnel
    assert p is not None
    fields = PERSONNEL_TOTALS_FIELDS[p.ballot]
    per_candidate = [f"{o.id}.{f}" for o in definition.officials for f in fields]
    return ("returned", "invalid", "blank", *per_candidate)


def check_personnel_totals(
    definition: RoundDefinition, values: Mapping[str, int], *, where: str
) -> None:
    """Refuse a totals sheet whose numbers cannot come from real sheets (naming the field):
    more invalid than returned, more returned than present, more blank than valid; a choose
    sheet's ticks outside what the non-blank valid sheets can carry (each ticks 1 … k
    names); an agree/disagree candidate whose rows do not add up to the valid sheets."""
    p = definition.personnel
    assert p is not None and definition.present is not None
    returned, invalid, blank = values["returned"], values["invalid"], values["blank"]
    if returned > definition.present:
        raise PaperInputError(
            f"returned {returned} is more than the {definition.present} present", where=where
        )
    if invalid > returned:
        raise PaperInputError(f"invalid {invalid} is more than returned {returned}", where=where)
    valid = returned - invalid
    if blank > valid:
        raise PaperInputError(f"blank {blank} is more than the {valid} valid sheets", where=where)
    marked = valid - blank
    if p.ballot == BallotKind.CHOOSE_AT_MOST.value:
        votes = {o.id: values[f"{o.id}.votes"] for o in definition.officials}
        for cid, v in votes.items():
            if v > marked:
                raise PaperInputError(
                    f"{cid}.votes = {v}, but only {marked} valid sheets mark anyone", where=where
                )
        total = sum(votes.values())
        if not marked <= total <= p.k * marked:
            raise PaperInputError(
                f"the ticks add up to {total}: {marked} sheets marking 1 to {p.k} names "
                f"carry {marked} to {p.k * marked}",
                where=where,
            )
        return
    for o in definition.officials:
        rows = [values[f"{o.id}.{f}"] for f in PERSONNEL_TOTALS_FIELDS[p.ballot]]
        if sum(rows) != valid:
            raise PaperInputError(
                f"{o.id}: agree + disagree + blank + invalid = {sum(rows)}, but {valid} sheets "
                "are valid",
                where=where,
            )
        if values[f"{o.id}.blank"] < blank:
            raise PaperInputError(
                f"{o.id}.blank = {values[f'{o.id}.blank']}: fewer than the {blank} blank sheets",
                where=where,
            )


def count_totals(
    definition: RoundDefinition,
    values: Mapping[str, int],
    *,
    complete: bool,
    head: str,
    declared_returned: int | None = None,
) -> PersonnelTally:
    """The count of a personnel round counted by hand, from its agreed totals sheet (the
    same :class:`PersonnelTally` as the sheets' count; ``over_k`` is not known and is 0)."""
    p = definition.personnel
    assert p is not None
    agree_kind = p.ballot == BallotKind.AGREE_DISAGREE.value
    counts = tuple(
        PersonnelCount(
            o.id,
            values.get(f"{o.id}.agree", 0),
            values.get(f"{o.id}.disagree", 0),
            values.get(f"{o.id}.blank", 0),
            values.get(f"{o.id}.invalid", 0),
        )
        if agree_kind
        else PersonnelCount(o.id, values.get(f"{o.id}.votes", 0))
        for o in definition.officials
    )
    return PersonnelTally(
        definition,
        values.get("returned", 0),
        values.get("invalid", 0),
        0,
        values.get("blank", 0),
        counts,
        complete,
        head,
        declared_returned,
    )


def step_result_json(
    tally: PersonnelTally, decision: StepDecision, proc: Procedure
) -> dict[str, object]:
    """A paper step's result in the shape of the record's ``results`` (record-format §3.13):
    what the web posts for the procedure to read (``advancing``, ``next_step``, ``pending``)
    and the pages show. ``blank`` of an agree/disagree candidate is the rows left blank (its
    invalid rows count for nobody); ``invalid`` is the sheets invalid as a whole."""
    p = tally.definition.personnel
    assert p is not None
    agree_kind = p.ballot == BallotKind.AGREE_DISAGREE.value
    blank_rows = {c.id: c.blank if agree_kind else None for c in tally.candidates}
    out = decision_json(proc, decision, tally.step_counts(), kind=p.ballot, blank_rows=blank_rows)
    if not agree_kind:
        out["blank"] = tally.blank  # valid sheets that tick nobody
    return out
