"""The result of a personnel round (kết quả bỏ phiếu nhân sự): the step's counts from the
decrypted column sums, and the decision of the procedure file (``decide_step``) with the
clauses that decided it.

A personnel round's rule is its procedure file (``appointment-*.toml``), carried in the
record like a confidence rule: id, ``sha256:`` digest and text. ``step_result`` is the
record's ``results`` section of such a round (docs/record-format.md §3.13): everything in
it is recomputed by the verifier from the sums and the procedure text, exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinnhiem.ballots import Manifest
from tinnhiem.ballots.encoding import blank_ballots, personnel_votes
from tinnhiem.errors import InputError
from tinnhiem.rules.appointment import (
    BallotKind,
    Procedure,
    StepCounts,
    StepDecision,
    decide_step,
)
from tinnhiem.rules.appointment_loader import (
    builtin_procedure_ids,
    load_procedure,
    parse_procedure,
)
from tinnhiem.rules.model import Citation
from tinnhiem.rules.step_result import decision_json
from tinnhiem.tally.rule_source import data_file_text, parse_text, rule_digest

__all__ = [
    "NOT_CONFIRMED",
    "ProcedureText",
    "blank_count",
    "check_round_step",
    "cite_text",
    "load_procedure_text",
    "result_json",
    "step_counts",
    "step_decision",
    "step_result",
]

#: How a clause not checked against its text is shown beside every result that cites it.
NOT_CONFIRMED = "chưa đối chiếu được văn bản / not confirmed against the text"


def cite_text(cite: Citation) -> str:
    """The clause as printed beside a result: its label, its quote when one was read, and
    the not-confirmed mark when it was not checked against the text."""
    text = cite.label
    if cite.quote:
        text += f": “{cite.quote}”"
    return text if cite.verified else f"{text} [{NOT_CONFIRMED}]"


@dataclass(frozen=True)
class ProcedureText:
    """A procedure with the exact text of its file (carried in the record as its rule)."""

    procedure: Procedure
    text: str

    @property
    def id(self) -> str:
        return self.procedure.id

    @property
    def digest(self) -> str:
        return rule_digest(self.text)

    @classmethod
    def from_text(cls, text: str, *, where: str = "rule") -> ProcedureText:
        """Parse an embedded procedure text (``InputError`` naming ``where``)."""
        proc = parse_text(
            text, parse_procedure, what="procedure", invalid="not a valid procedure", where=where
        )
        return cls(proc, text)


def load_procedure_text(id_or_path: str | Path) -> ProcedureText:
    """A built-in procedure by id or a procedure file, with its text."""
    proc = load_procedure(id_or_path)
    return ProcedureText(proc, data_file_text(id_or_path, proc.path, builtin_procedure_ids))


def check_round_step(manifest: Manifest, proc: Procedure, *, where: str = "manifest") -> None:
    """The round is the step it names: the procedure's id, the step's ballot kind, its k."""
    p = manifest.personnel
    if p is None or not manifest.kind.personnel:
        raise InputError(f"a {manifest.kind.value} round is not a personnel vote", where=where)
    if proc.id != manifest.rule_id:
        raise InputError(f"the manifest names {manifest.rule_id}, not {proc.id}", where=where)
    step = proc.step(p.step)
    if step.ballot.value != manifest.kind.value:
        raise InputError(
            f"step {step.id} takes a {step.ballot.value} ballot, the round is a "
            f"{manifest.kind.value}",
            where=f"{where}.kind",
        )
    k = min(step.k, len(manifest.officials)) if step.ballot is BallotKind.CHOOSE_AT_MOST else 1
    if p.k != k:
        raise InputError(
            f"step {step.id} lets a ballot mark at most {k} names, the manifest says {p.k}",
            where=f"{where}.personnel.k",
        )
    first = step.candidates_from is None
    if first and p.previous is not None:
        raise InputError(
            f"step {step.id} takes the eligible list, not a previous step's",
            where=f"{where}.personnel.previous",
        )
    if not first and (p.previous is None or p.previous.step != step.candidates_from):
        raise InputError(
            f"step {step.id} takes its list from step {step.candidates_from}: the manifest "
            "must link that step's record",
            where=f"{where}.personnel.previous",
        )
    if p.write_ins and step.write_in is None:
        raise InputError(
            f"step {step.id} takes no write-ins: its list is step {step.candidates_from}'s",
            where=f"{where}.personnel.write_ins",
        )


def step_counts(
    manifest: Manifest, sums: Sequence[int], *, present: int, returned: int
) -> StepCounts:
    """The step's counts: everyone summoned, the voters present (credentials issued), the
    ballots counted (every ballot is valid: its proofs were checked) and the votes."""
    return StepCounts(
        summoned=manifest.summoned,
        present=present,
        returned=returned,
        invalid=0,
        votes=personnel_votes(manifest, sums, returned),
    )


def blank_count(manifest: Manifest, sums: Sequence[int], *, returned: int) -> int | None:
    """The blank ballots of a choose step whose row has the blank column (its decrypted
    sum, checked against the ballots counted: ``InputError`` when it cannot fit); None for
    any other round (an agree/disagree step counts blank rows per candidate)."""
    if not manifest.choose_blank:
        return None
    return blank_ballots(manifest, sums, returned)


def step_decision(proc: Procedure, manifest: Manifest, counts: StepCounts) -> StepDecision:
    """``decide_step`` for the round's step over its candidates."""
    assert manifest.personnel is not None
    ids = manifest.official_ids
    n = manifest.personnel.write_ins
    return decide_step(
        proc,
        manifest.personnel.step,
        counts,
        candidates=ids,
        write_ins=ids[len(ids) - n :] if n else (),
    )


def step_result(
    manifest: Manifest, proc: Procedure, sums: Sequence[int], *, present: int, returned: int
) -> dict[str, Any]:
    """The record's ``results`` section of a personnel round (record-format §3.13); a
    choose step with the blank column adds ``blank``, the blank ballots."""
    check_round_step(manifest, proc)
    counts = step_counts(manifest, sums, present=present, returned=returned)
    decision = step_decision(proc, manifest, counts)
    out = result_json(proc, manifest, counts, decision)
    blank = blank_count(manifest, sums, returned=returned)
    return out if blank is None else out | {"blank": blank}


def result_json(
    proc: Procedure, manifest: Manifest, counts: StepCounts, decision: StepDecision
) -> dict[str, Any]:
    """A decided step as JSON (``rules.step_result.decision_json``): an agree/disagree
    candidate's blank rows are the valid ballots marking neither."""
    assert manifest.personnel is not None
    blank_rows: dict[str, int | None] = {}
    for name, raw in counts.votes.items():
        blank_rows[name] = (
            counts.valid - int(raw.get("agree", 0)) - int(raw.get("disagree", 0))
            if isinstance(raw, Mapping)
            else None
        )
    return decision_json(proc, decision, counts, kind=manifest.kind.value, blank_rows=blank_rows)
