"""Linked personnel rounds (các bước nối tiếp): a step's record against the record of the
step whose result made its list (docs/record-format.md §3.13, §4 step 14).

``verify_link(record, previous)`` checks that the round names ``previous`` exactly (its
round id, its step and its final board head), that both follow the same procedure text,
and that the round's candidates are the previous step's ``advancing`` list, in order and
with the same names — followed, on a step that lets voters name other eligible people, by
the round's ``write_ins`` (``manifest.personnel.write_ins``), none of whom went on. Each
record is verified on its own first (``verify_record``).

When the previous step waited on a person (``results.pending``), the link also names the
digest of the settlement that made the list (``previous.settlement``, a
``tinnhiem.rules.settlement.Settlement``); given that settlement, ``verify_link`` checks
that it settles the previous record (round id, step, head), that the step was pending, that
it is valid for that step's decision, and that the round's list is the settled one.
Without it, everything but the list is checked and ``verify_link`` returns False (the
settlement was not checked).
"""

from __future__ import annotations

from collections.abc import Mapping

from tinnhiem.ballots.manifest import StepLink
from tinnhiem.errors import InputError
from tinnhiem.paper.personnel import PersonnelTally, decide_paper_step, link_previous
from tinnhiem.record.errors import RecordInvalid
from tinnhiem.record.model import ElectionRecord
from tinnhiem.rules.appointment import Procedure, StepDecision
from tinnhiem.rules.settlement import Outcome, Settlement, check_settlement
from tinnhiem.tally.personnel import ProcedureText, step_counts, step_decision

__all__ = ["check_record_settlement", "record_decision", "verify_link"]


def record_decision(record: ElectionRecord) -> tuple[Procedure, StepDecision]:
    """The procedure a (verified) personnel record carries and its step's decision,
    recomputed from the decrypted sums as the verifier does (record-format §3.13.1)."""
    m = record.manifest
    if m.personnel is None or not isinstance(record.results, dict):
        raise InputError(f"a {m.kind.value} round is not a step of a procedure", where="record")
    proc = ProcedureText.from_text(str(record.rule["text"]), where="rule.text").procedure
    counts = step_counts(
        m,
        [int(x) for x in record.decryption["sums"]],
        present=len(record.credentials),
        returned=int(record.close["counted"]),
    )
    return proc, step_decision(proc, m, counts)


def check_record_settlement(record: ElectionRecord, settlement: Settlement) -> None:
    """``InputError`` (``where`` in the settlement) unless ``settlement`` settles the
    pending step of ``record``: its round id, step and final head, and exactly what
    ``settle`` gives on that step's decision."""
    proc, decision = record_decision(record)
    check_settlement(
        settlement,
        decision,
        proc,
        round_id=record.manifest.round_id,
        head=record.head.hex(),
    )


def _fail(where: str, message: str) -> RecordInvalid:
    return RecordInvalid("previous", message, where=where)


def verify_link(
    record: ElectionRecord,
    previous: ElectionRecord | PersonnelTally,
    settlement: Settlement | None = None,
) -> bool:
    """Raise ``RecordInvalid`` (check ``previous``) when ``record`` does not follow
    ``previous`` (and ``settlement``, when its link names one) as its procedure says.
    ``previous`` is the previous step's record, or the count of its paper entry log when
    the link says ``"source": "paper"``. Returns False when the link names a settlement
    that was not given (its list is then not checked), True otherwise."""
    m = record.manifest
    where = "manifest.personnel.previous"
    if m.personnel is None:
        raise _fail("manifest.kind", f"a {m.kind.value} round is not a step of a procedure")
    link = m.personnel.previous
    if link is None:
        raise _fail(where, f"step {m.personnel.step} takes the eligible list: it links no record")
    if isinstance(previous, PersonnelTally) or link.source == "paper":
        return _verify_paper_link(record, previous, settlement)
    pm = previous.manifest
    if pm.personnel is None or not isinstance(previous.results, dict):
        raise _fail(where, f"the previous record is a {pm.kind.value} round, not a step")
    if link.round_id != pm.round_id:
        raise _fail(f"{where}.round_id", f"is {link.round_id!r}, the record is {pm.round_id!r}")
    if link.step != pm.personnel.step:
        raise _fail(f"{where}.step", f"is {link.step!r}, the record is step {pm.personnel.step!r}")
    if link.head != previous.head.hex():
        raise _fail(
            f"{where}.head", "is not the previous record's final board head (another record?)"
        )
    if record.rule["digest"] != previous.rule["digest"]:
        raise _fail("rule.digest", "the two steps follow different procedure texts")
    pending = bool(previous.results.get("pending"))
    if link.settlement is not None and not pending:
        raise _fail(
            f"{where}.settlement",
            "names a settlement, but the previous step did not wait on a person",
        )
    if pending and link.settlement is None:
        raise _fail(
            "manifest.officials",
            "the previous step waits on a person's decision and the link names no settlement",
        )
    if link.settlement is None and settlement is not None:
        raise _fail("settlement", "the link names no settlement: none is needed")
    if link.settlement is not None:
        if settlement is None:
            _check_names(record, _record_names(previous), "the previous step")
            return False
        _check_digest(link, settlement)
        try:
            check_record_settlement(previous, settlement)
        except InputError as exc:
            raise _fail(exc.where or "settlement", str(exc).removeprefix(f"{exc.where}: ")) from exc
        if settlement.outcome is not Outcome.ADVANCE:
            raise _fail(
                "settlement.outcome", f"the settlement sends nobody on ({settlement.outcome})"
            )
        advancing = list(settlement.advancing)
        what = "the settlement sent on"
    else:
        advancing = list(previous.results.get("advancing") or [])
        what = "the previous step sent on"
    if not advancing:
        raise _fail(
            "manifest.officials",
            "the previous step sent nobody on (it waits on a person's decision, or stopped)",
        )
    _check_list(record, advancing, what)
    _check_names(record, _record_names(previous), "the previous step")
    return True


def _check_list(record: ElectionRecord, advancing: list[str], what: str) -> None:
    """The round's list is ``advancing``, in order, followed by its ``write_ins`` (§3.13):
    other eligible people, none of them among ``advancing``."""
    m = record.manifest
    assert m.personnel is not None
    ids = list(m.official_ids)
    n = m.personnel.write_ins
    listed, extra = ids[: len(ids) - n], ids[len(ids) - n :] if n else []
    if listed != advancing or any(c in advancing for c in extra):
        tail = f", then {n} write-ins" if n else ""
        raise _fail("manifest.officials", f"the list is {ids}, {what} {advancing}{tail}")


def _write_in_at(record: ElectionRecord, i: int) -> bool:
    """The ``i``-th candidate is one of the round's write-ins (the last ``write_ins``)."""
    p = record.manifest.personnel
    n = p.write_ins if p is not None else 0
    return i >= len(record.manifest.officials) - n


def _check_names(record: ElectionRecord, names: Mapping[str, str], who: str) -> None:
    """Each candidate carries the name ``who`` (the previous step's record, or its paper
    sheet) gave them; a write-in it does not list carries their own."""
    for i, o in enumerate(record.manifest.officials):
        if o.id not in names and _write_in_at(record, i):
            continue
        if names.get(o.id) != o.name:
            raise _fail(
                f"manifest.officials[{i}].name",
                f"is {o.name!r}, {who} lists {o.id} as {names.get(o.id)!r}",
            )


def _check_digest(link: StepLink, settlement: Settlement) -> None:
    if settlement.digest != link.settlement:
        raise _fail(
            "manifest.personnel.previous.settlement",
            "is not the digest of the settlement given (another or a changed file?)",
        )


def _verify_paper_link(
    record: ElectionRecord,
    previous: ElectionRecord | PersonnelTally,
    settlement: Settlement | None,
) -> bool:
    """``verify_link`` for a step whose list came from a paper round: the count of its
    entry log is decided again with the record's procedure text (``link_previous``), and
    the round's list must be who that decision (or the settlement) sent on, in order."""
    m = record.manifest
    assert m.personnel is not None and m.personnel.previous is not None
    link = m.personnel.previous
    where = "manifest.personnel.previous"
    if link.source != "paper":
        raise _fail(
            f"{where}.source",
            "the link names an electronic record: give that record, not a paper entry log",
        )
    if not isinstance(previous, PersonnelTally):
        raise _fail(
            f"{where}.source",
            "the link names a paper round's entry log: give that log, not a record",
        )
    d = previous.definition
    if d.personnel is None:
        raise _fail(where, "the entry log given is not a personnel step's")
    if link.round_id != d.round_id:
        raise _fail(f"{where}.round_id", f"is {link.round_id!r}, the log is {d.round_id!r}")
    if link.step != d.personnel.step:
        raise _fail(f"{where}.step", f"is {link.step!r}, the log is step {d.personnel.step!r}")
    if link.head != previous.head:
        raise _fail(
            f"{where}.head",
            "is not the head of the entry log given (another log, or entries added after?)",
        )
    if d.rule_id != m.rule_id:
        raise _fail("rule_id", f"the paper step follows {d.rule_id}, this round {m.rule_id}")
    if (link.settlement is None) != (settlement is None):
        if link.settlement is not None:
            _check_names(record, _sheet_names(previous), "the paper step")
            return False
        raise _fail("settlement", "the link names no settlement: none is needed")
    if settlement is not None:
        _check_digest(link, settlement)
    proc = ProcedureText.from_text(str(record.rule["text"]), where="rule.text").procedure
    try:
        link_previous(
            previous,
            proc,
            m.personnel.step,
            list(m.official_ids),
            settlement,
            write_ins=m.personnel.write_ins,
        )
    except InputError as exc:
        raise _fail(exc.where or "previous", str(exc).removeprefix(f"{exc.where}: ")) from exc
    decision = decide_paper_step(previous, proc)
    if decision.pending and link.settlement is None:
        raise _fail(
            "manifest.officials",
            "the previous step waits on a person's decision and the link names no settlement",
        )
    advancing = list(settlement.advancing if settlement is not None else decision.advancing)
    _check_list(record, advancing, "the previous step sent on")
    _check_names(record, _sheet_names(previous), "the paper step")
    return True


def _record_names(previous: ElectionRecord) -> dict[str, str]:
    return {o.id: o.name for o in previous.manifest.officials}


def _sheet_names(previous: PersonnelTally) -> dict[str, str]:
    return {o.id: o.name for o in previous.definition.officials}
