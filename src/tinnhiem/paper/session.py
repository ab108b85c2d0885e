"""A paper round session: every action appended to the entry log, the state replayed from it.

:class:`PaperSession` is the one place that turns an action (issue a serial, open an
entry, set a mark, submit, resolve, declare the count in the box, import the electronic
part) into a log event. Each action is checked against the state first and only then
written, so a rejected action leaves no trace and loses nothing; reopening a session file
replays the same checks, so a hand-edited file that keeps a valid chain is still refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tinnhiem.errors import TinnhiemError
from tinnhiem.paper.audit import (
    AUDIT_METHOD,
    SAMPLER,
    AuditState,
    SheetPlace,
    audited_values,
    check_seed,
    plan_audit,
)
from tinnhiem.paper.entry import Disagreement, DoubleEntryBook, Draft
from tinnhiem.paper.errors import EntryRejected, NotReady, PaperInputError
from tinnhiem.paper.log import EntryLog, LogEvent
from tinnhiem.paper.model import Mark, RoundDefinition, mark_choices
from tinnhiem.paper.personnel import (
    PersonnelMark,
    PersonnelTally,
    check_personnel_totals,
    check_step,
    count_sheets,
    count_totals,
    personnel_choices,
    personnel_marks_for,
    personnel_totals_keys,
)
from tinnhiem.paper.reconcile import (
    ElectronicPart,
    LevelCounts,
    Reconciliation,
    count_fields,
    reconcile,
)
from tinnhiem.rules import RoundKind, load_rule

__all__ = [
    "BALLOT_FIELD",
    "TOTALS_ITEM",
    "PaperSession",
    "PaperTally",
    "ScanRecord",
    "SessionStatus",
    "TotalsSheet",
    "totals_keys",
]

BALLOT_FIELD = "ballot"
"""The field of a ballot entry that says whether the whole sheet is valid."""
TOTALS_ITEM = "totals"
"""The one item of a totals round."""


def totals_keys(definition: RoundDefinition) -> tuple[str, ...]:
    """The fields of a totals sheet: ``issued``, ``returned``, then ``<official>.<level>``
    for the levels of the round's kind and ``invalid`` (e.g. ``vice.no_confidence``). A
    personnel round's: see :func:`~tinnhiem.paper.personnel.personnel_totals_keys`."""
    if definition.personnel is not None:
        return personnel_totals_keys(definition)
    levels = count_fields(definition.kind)
    per_official = [f"{o.id}.{level}" for o in definition.officials for level in levels]
    return ("issued", "returned", *per_official)


@dataclass(frozen=True)
class TotalsSheet:
    """The totals of a hand count (biên bản tổng hợp), as one operator reads them."""

    issued: int
    returned: int
    counts: Mapping[str, LevelCounts]

    def values(self, kind: RoundKind = RoundKind.POLL) -> dict[str, int]:
        """The sheet as totals fields for a ``kind`` round (counts of another kind refused)."""
        out = {"issued": self.issued, "returned": self.returned}
        names = count_fields(kind)
        for official_id, counts in self.counts.items():
            try:
                values = counts.fields(kind)
            except PaperInputError as exc:
                raise PaperInputError(str(exc), where=f"totals, {official_id}") from exc
            for level, value in zip(names, values, strict=True):
                out[f"{official_id}.{level}"] = value
        return out


@dataclass(frozen=True)
class PaperTally:
    """The counts of a paper (or mixed, or totals) round, ready for the minutes."""

    definition: RoundDefinition
    counts: Mapping[str, LevelCounts]
    paper_counts: Mapping[str, LevelCounts]
    electronic_counts: Mapping[str, LevelCounts] | None
    reconciliation: Reconciliation
    complete: bool
    head: str


@dataclass(frozen=True)
class SessionStatus:
    """Where entry stands: serials by state, open drafts, disagreements, reconciliation."""

    printed: int
    entered: int
    counted: int
    in_progress: tuple[tuple[str, tuple[str, ...]], ...]
    drafts: tuple[Draft, ...]
    disagreements: tuple[Disagreement, ...]
    reconciliation: Reconciliation
    head: str
    events: int

    @property
    def complete(self) -> bool:
        return not (self.in_progress or self.drafts or self.disagreements)


def _serial_item(serial: int) -> str:
    return str(serial)


@dataclass(frozen=True)
class ScanRecord:
    """A sheet read by the scanner: where it lies (batch and position, numbered when the box
    was opened), the SHA-256 of its image, the reader, and its confidence and flags per
    row (``ballot`` for the sheet itself)."""

    serial: int
    batch: str
    position: int
    sha256: str
    reader: str
    confidence: Mapping[str, int]
    flags: Mapping[str, str]
    code: str
    actor: str
    seq: int


_ENTRY_ACTIONS = frozenset(
    {
        "entry_started",
        "mark_set",
        "mark_changed",
        "mark_cleared",
        "value_set",
        "value_changed",
        "value_cleared",
        "entry_cancelled",
        "entry_submitted",
        "resolution",
        "sheet_scanned",
        "returned_declared",
        "electronic_imported",
        "paper_issued",
    }
)


class PaperSession:
    """One paper round, backed by its :class:`EntryLog` (in memory or a JSON-lines file)."""

    def __init__(self, log: EntryLog) -> None:
        """Replay ``log``; its first event must create the round."""
        self._log = log
        self._definition: RoundDefinition | None = None
        self._book = DoubleEntryBook(2)
        self._paper_voters: dict[str, None] = {}  # who received a paper ballot, in order
        self._declared_returned: int | None = None
        self._electronic: ElectronicPart | None = None
        self._scans: dict[str, ScanRecord] = {}
        self._places: dict[tuple[str, int], str] = {}
        self._hashes: dict[str, str] = {}
        self._audit: AuditState | None = None
        if not log.events:
            raise PaperInputError("the log is empty: create the round first", where="log")
        for event in log.events:
            try:
                self._apply(event.actor, event.action, event.data)
            except PaperInputError as exc:
                raise PaperInputError(
                    f"event {event.seq} ({event.action}) refused: {exc}", where="log"
                ) from exc

    @classmethod
    def create(cls, log: EntryLog, definition: RoundDefinition, *, actor: str) -> PaperSession:
        """Write the round's first event into an empty log.

        The round's kind follows its rule: a rule for a formal vote (bỏ phiếu tín nhiệm, e.g.
        ``nq96-2023-formal``) makes a two-option round whatever ``definition.kind`` says. A
        rule id that is not known is kept as given (the minutes will refuse it).
        """
        if log.events:
            raise PaperInputError("the log already holds a round", where="log")
        if definition.personnel is not None:
            # A personnel step must be a step of a known procedure, with its ballot and k.
            from tinnhiem.rules.appointment_loader import load_procedure

            try:
                proc = load_procedure(definition.rule_id)
            except TinnhiemError as exc:
                raise PaperInputError(str(exc), where="paper round, procedure") from exc
            check_step(definition, proc)
            log.append(actor, "round_created", {"round": definition.to_dict()})
            return cls(log)
        try:
            rule = load_rule(definition.rule_id)
        except TinnhiemError:
            rule = None
        if rule is not None and rule.kind is not definition.kind:
            definition = replace(definition, kind=rule.kind)
        log.append(actor, "round_created", {"round": definition.to_dict()})
        return cls(log)

    # --- properties ---

    @property
    def definition(self) -> RoundDefinition:
        assert self._definition is not None
        return self._definition

    @property
    def events(self) -> tuple[LogEvent, ...]:
        return self._log.events

    @property
    def head(self) -> str:
        return self._log.head

    @property
    def electronic(self) -> ElectronicPart | None:
        return self._electronic

    # --- actions on ballots ---

    def issue_paper(self, voter: str, *, actor: str) -> None:
        """Record that ``voter`` received a paper ballot (mixed rounds).

        Only the fact is recorded, never which sheet: the sheets are identical and
        unnumbered (tinnhiem.paper.ballots_pdf), so no ballot can be traced to a voter."""
        self._record(actor, "paper_issued", {"voter": voter})

    def issue(self, serial: int | None, voter: str, *, actor: str) -> None:
        """Former signature of :meth:`issue_paper`: ``serial`` is not recorded."""
        del serial
        self.issue_paper(voter, actor=actor)

    def start_entry(self, serial: int, operator: str, device: str) -> None:
        self._record(operator, "entry_started", {"item": _serial_item(serial), "device": device})

    def set_mark(self, serial: int, operator: str, official_id: str, mark: Mark) -> None:
        """Set or change one row; logged as ``mark_set`` or ``mark_changed``. A mark of the
        other kind (a poll mark on a formal-vote ballot) is refused, nothing logged."""
        item = _serial_item(serial)
        self._check_kind(serial, official_id, mark)
        draft = self._book.draft(item, operator)
        action = "mark_changed" if official_id in draft.values else "mark_set"
        self._record(operator, action, {"item": item, "field": official_id, "value": mark.value})

    def set_ballot_invalid(self, serial: int, operator: str, invalid: bool = True) -> None:
        """Mark the whole sheet invalid (phiếu không hợp lệ), or valid again."""
        item = _serial_item(serial)
        draft = self._book.draft(item, operator)
        action = "mark_changed" if BALLOT_FIELD in draft.values else "mark_set"
        value = "invalid" if invalid else "valid"
        self._record(operator, action, {"item": item, "field": BALLOT_FIELD, "value": value})

    def clear_mark(self, serial: int, operator: str, official_id: str) -> None:
        self._record(operator, "mark_cleared", {"item": _serial_item(serial), "field": official_id})

    def cancel_entry(self, serial: int, operator: str) -> None:
        self._record(operator, "entry_cancelled", {"item": _serial_item(serial)})

    def submit_entry(self, serial: int, operator: str) -> None:
        self._record(operator, "entry_submitted", {"item": _serial_item(serial)})

    def enter_ballot(
        self, serial: int, operator: str, device: str, marks: Sequence[Mark] | None
    ) -> None:
        """Enter one whole sheet: ``marks`` in ballot order, or ``None`` for an invalid sheet.

        The marks are checked before anything is written, so bad input leaves no trace.
        """
        officials = self.definition.officials
        if marks is not None and len(marks) != len(officials):
            raise PaperInputError(
                f"{len(marks)} marks given, the ballot has {len(officials)} officials",
                where=f"serial {serial}",
            )
        self.definition.check_serial(serial)
        if marks is not None:
            for official, mark in zip(officials, marks, strict=True):
                self._check_kind(serial, official.id, mark)
        self.start_entry(serial, operator, device)
        if marks is None:
            self.set_ballot_invalid(serial, operator)
        else:
            for official, mark in zip(officials, marks, strict=True):
                self.set_mark(serial, operator, official.id, mark)
        self.submit_entry(serial, operator)

    def set_personnel_mark(
        self, serial: int, operator: str, candidate_id: str, mark: PersonnelMark
    ) -> None:
        """Set or change one row of a personnel sheet (``mark_set`` / ``mark_changed``)."""
        item = _serial_item(serial)
        self._check_personnel(serial, candidate_id, mark.value)
        draft = self._book.draft(item, operator)
        action = "mark_changed" if candidate_id in draft.values else "mark_set"
        self._record(operator, action, {"item": item, "field": candidate_id, "value": mark.value})

    def enter_personnel_sheet(
        self, serial: int, operator: str, device: str, marks: Sequence[PersonnelMark] | None
    ) -> None:
        """Enter one whole personnel sheet: a mark per candidate in sheet order, or ``None``
        for a sheet invalid as a whole. Checked before anything is written."""
        candidates = self.definition.officials
        if marks is not None and len(marks) != len(candidates):
            raise PaperInputError(
                f"{len(marks)} marks given, the sheet lists {len(candidates)} people",
                where=f"serial {serial}",
            )
        self.definition.check_serial(serial)
        if marks is not None:
            for candidate, mark in zip(candidates, marks, strict=True):
                self._check_personnel(serial, candidate.id, mark.value)
        self.start_entry(serial, operator, device)
        if marks is None:
            self.set_ballot_invalid(serial, operator)
        else:
            for candidate, mark in zip(candidates, marks, strict=True):
                self.set_personnel_mark(serial, operator, candidate.id, mark)
        self.submit_entry(serial, operator)

    def resolve(
        self, serial: int, field: str, value: str, *, resolved_by: str, note: str = ""
    ) -> None:
        """Record the committee's reading of a disputed field (an official id or ``ballot``);
        ``value`` is a mark of the round's kind (its code or name) or valid/invalid."""
        personnel = self.definition.personnel
        if field != BALLOT_FIELD and personnel is not None:
            where = f"serial {serial}, {self._row_label(field)}"
            value = PersonnelMark.from_code(value, where=where, ballot=personnel.ballot).value
        elif field != BALLOT_FIELD:
            where = f"serial {serial}, {self._row_label(field)}"
            value = Mark.from_code(value, where=where, kind=self.definition.kind).value
        self._record(
            resolved_by,
            "resolution",
            {"item": _serial_item(serial), "field": field, "value": value, "note": note},
        )

    # --- the scanner (issue 13) ---

    def record_scan(
        self,
        serial: int,
        *,
        batch: str,
        position: int,
        sha256: str,
        reader: str,
        values: Mapping[str, str],
        flags: Mapping[str, str],
        confidence: Mapping[str, int],
        code: str = "",
        actor: str,
    ) -> None:
        """The scanner's reading of the sheet at ``position`` of ``batch``, counted as sheet
        ``serial``: one reader beside the operators. ``values`` holds ``ballot`` (valid or
        invalid) and a mark per official; ``flags`` the fields it doubts (they go to the
        committee); ``confidence`` per official in thousandths."""
        self._record(
            actor,
            "sheet_scanned",
            {
                "item": _serial_item(serial),
                "batch": batch,
                "position": position,
                "sha256": sha256,
                "reader": reader,
                "values": dict(values),
                "flags": dict(flags),
                "confidence": {k: int(v) for k, v in confidence.items()},
                "code": code,
            },
        )

    def next_serial(self) -> int:
        """The next number for a sheet taken from the box: one above every number used."""
        used = [int(item) for item in self._book.items() if item.isdigit()]
        return max(used, default=0) + 1

    @property
    def scans(self) -> Mapping[str, ScanRecord]:
        return dict(self._scans)

    def scanned_image(self, sha256: str) -> str | None:
        """The serial of the sheet whose image has this hash, if it was scanned."""
        return self._hashes.get(sha256)

    def flags(self, serial: int) -> Mapping[str, str]:
        """Why the readers doubt fields of sheet ``serial`` (unresolved or not)."""
        return self._book.flags(_serial_item(serial))

    # --- the risk-limiting audit (issue 13) ---

    def start_audit(self, seed: str, risk_limit: float, *, actor: str) -> None:
        """Start the audit of the published count from the chair's dice ``seed``."""
        self._record(
            actor,
            "audit_started",
            {
                "seed": check_seed(seed),
                "risk_limit": f"{risk_limit:.4f}",
                "gamma": "1.03905",
                "method": AUDIT_METHOD,
                "sampler": SAMPLER,
            },
        )

    def record_audit_reading(self, marks: Sequence[Mark] | None, *, actor: str) -> None:
        """The committee's reading of the next drawn sheet (``None``: invalid as a whole)."""
        audit = self._require_audit()
        place = audit.next_draw()
        values = audited_values(self.definition, marks)
        self._record(
            actor,
            "audit_reading",
            {
                "draw": len(audit.comparisons) + 1,
                "item": _serial_item(place.serial),
                "values": {k: v if v is not None else "" for k, v in values.items()},
            },
        )

    def conclude_audit(self, *, actor: str, escalate: bool = False, note: str = "") -> None:
        """End the audit: confirmed (every assertion within the risk limit) or, when
        ``escalate``, a full hand count."""
        conclusion = self._require_audit().decide(escalate)
        self._record(actor, "audit_concluded", {**conclusion.to_dict(), "note": note})

    @property
    def audit(self) -> AuditState | None:
        return self._audit

    def _require_audit(self) -> AuditState:
        if self._audit is None:
            raise EntryRejected("no audit has been started", where="audit")
        if self._audit.conclusion is not None:
            raise EntryRejected("the audit is already concluded", where="audit")
        return self._audit

    # --- actions on totals ---

    def start_totals(self, operator: str, device: str) -> None:
        self._record(operator, "entry_started", {"item": TOTALS_ITEM, "device": device})

    def set_total(self, operator: str, key: str, value: int) -> None:
        draft = self._book.draft(TOTALS_ITEM, operator)
        action = "value_changed" if key in draft.values else "value_set"
        self._record(operator, action, {"item": TOTALS_ITEM, "field": key, "value": str(value)})

    def submit_totals(self, operator: str) -> None:
        self._record(operator, "entry_submitted", {"item": TOTALS_ITEM})

    def enter_totals(self, operator: str, device: str, sheet: TotalsSheet) -> None:
        """Enter a whole totals sheet (checked before anything is written)."""
        values = sheet.values(self.definition.kind)
        self._check_totals({k: str(v) for k, v in values.items()}, where=f"totals of {operator}")
        self.start_totals(operator, device)
        for key, value in values.items():
            self.set_total(operator, key, value)
        self.submit_totals(operator)

    def enter_personnel_totals(self, operator: str, device: str, values: Mapping[str, int]) -> None:
        """Enter a personnel round's whole totals sheet (fields: ``totals_keys``), checked
        before anything is written."""
        if self.definition.personnel is None or self.definition.mode != "totals":
            raise EntryRejected("not a personnel round counted by hand", where="totals")
        text = {k: str(v) for k, v in values.items()}
        self._check_totals(text, where=f"totals of {operator}")
        self.start_totals(operator, device)
        for key in totals_keys(self.definition):
            self.set_total(operator, key, values[key])
        self.submit_totals(operator)

    def resolve_totals(self, key: str, value: int, *, resolved_by: str, note: str = "") -> None:
        self._record(
            resolved_by,
            "resolution",
            {"item": TOTALS_ITEM, "field": key, "value": str(value), "note": note},
        )

    # --- actions on the round ---

    def declare_returned(self, count: int, *, actor: str) -> None:
        """The number of paper ballots the committee found in the box (số phiếu thu về)."""
        self._record(actor, "returned_declared", {"count": count})

    def import_electronic(self, part: ElectronicPart, *, actor: str) -> None:
        """Bring in the electronic side of a mixed round (replaces an earlier import)."""
        self._record(actor, "electronic_imported", {"part": part.to_dict()})

    # --- queries ---

    def serial_state(self, serial: int) -> str:
        """``not_entered``, ``in_progress``, ``disagreement`` or ``counted``."""
        item = _serial_item(serial)
        if not self._book.entries(item) and not any(d.item == item for d in self._book.drafts()):
            return "not_entered"
        if not self._book.is_complete(item):
            return "in_progress"
        return "disagreement" if self._ballot_disagreements(item) else "counted"

    def status(self) -> SessionStatus:
        definition = self.definition
        disagreements: list[Disagreement] = []
        in_progress: list[tuple[str, tuple[str, ...]]] = []
        for item in self._book.items():
            operators = tuple(e.operator for e in self._book.entries(item))
            if not self._book.is_complete(item):
                if operators:
                    in_progress.append((item, operators))
                continue
            if definition.mode == "totals":
                disagreements += self._book.disagreements(item, totals_keys(definition))
            else:
                disagreements += self._ballot_disagreements(item)
        counted, entered = self._serial_sets()
        return SessionStatus(
            printed=definition.paper_serials,
            entered=len(entered),
            counted=len(counted),
            in_progress=tuple(in_progress),
            drafts=self._book.drafts(),
            disagreements=tuple(disagreements),
            reconciliation=self._reconcile(),
            head=self.head,
            events=len(self.events),
        )

    def tally(self, *, allow_incomplete: bool = False) -> PaperTally:
        """The counts for the minutes. Raises :class:`NotReady` while entries are missing or
        disagree, unless ``allow_incomplete`` (a draft: only what is agreed is counted)."""
        status = self.status()
        definition = self.definition
        if definition.personnel is not None:
            raise EntryRejected(
                "a personnel round is counted per candidate: use personnel_tally()",
                where="tally",
            )
        complete = status.complete
        if definition.mode == "totals" and not self._book.is_complete(TOTALS_ITEM):
            complete = False
        if not complete and not allow_incomplete:
            raise NotReady(
                f"not ready for the minutes: {len(status.in_progress)} item(s) still need "
                f"entries, {len(status.drafts)} entry(ies) open, "
                f"{len(status.disagreements)} disagreement(s) to resolve "
                "(see `tinnhiem paper status`)"
            )
        if definition.mode == "totals":
            return self._totals_tally(complete)
        reconciliation = status.reconciliation
        paper = {o.id: LevelCounts() for o in definition.officials}
        counted, _ = self._serial_sets()
        for serial in sorted(counted - set(reconciliation.excluded_serials)):
            item = _serial_item(serial)
            invalid_sheet = self._book.final_value(item, BALLOT_FIELD) == "invalid"
            for official in definition.officials:
                value = None if invalid_sheet else self._book.final_value(item, official.id)
                paper[official.id] += _one(value)
        electronic = self._electronic.counts if self._electronic else None
        combined = {k: v + electronic[k] if electronic else v for k, v in paper.items()}
        return PaperTally(
            definition, combined, paper, electronic, reconciliation, complete, self.head
        )

    def personnel_tally(self, *, allow_incomplete: bool = False) -> PersonnelTally:
        """The count of a personnel round's agreed sheets (see :mod:`tinnhiem.paper.personnel`).
        Raises :class:`NotReady` while entries are missing or disagree, unless
        ``allow_incomplete`` (a draft: only the agreed sheets are counted)."""
        definition = self.definition
        if definition.personnel is None:
            raise EntryRejected("not a personnel round: use tally()", where="tally")
        status = self.status()
        if not status.complete and not allow_incomplete:
            raise NotReady(
                f"not ready for the minutes: {len(status.in_progress)} sheet(s) still need "
                f"entries, {len(status.drafts)} entry(ies) open, "
                f"{len(status.disagreements)} disagreement(s) to resolve "
                "(see `tinnhiem paper status`)"
            )
        if definition.mode == "totals":
            complete = status.complete and self._book.is_complete(TOTALS_ITEM)
            if not complete and not allow_incomplete:
                raise NotReady(
                    "not ready for the minutes: the totals sheet needs every entry and its "
                    "differences resolved (see `tinnhiem paper status`)"
                )
            values = {}
            for key in totals_keys(definition):
                final = self._book.final_value(TOTALS_ITEM, key)
                values[key] = int(final) if final is not None else 0
            return count_totals(
                definition,
                values,
                complete=complete,
                head=self.head,
                declared_returned=self._declared_returned,
            )
        counted, _ = self._serial_sets()
        sheets: list[dict[str, str] | None] = []
        for serial in sorted(counted):
            item = _serial_item(serial)
            if self._book.final_value(item, BALLOT_FIELD) == "invalid":
                sheets.append(None)
                continue
            sheets.append(
                {o.id: str(self._book.final_value(item, o.id)) for o in definition.officials}
            )
        return count_sheets(
            definition,
            sheets,
            complete=status.complete,
            head=self.head,
            declared_returned=self._declared_returned,
        )

    # --- internals ---

    def _totals_tally(self, complete: bool) -> PaperTally:
        definition = self.definition

        def value(key: str) -> int:
            final = self._book.final_value(TOTALS_ITEM, key)
            return int(final) if final is not None else 0

        levels = count_fields(definition.kind)
        counts = {
            o.id: LevelCounts.of(definition.kind, [value(f"{o.id}.{level}") for level in levels])
            for o in definition.officials
        }
        reconciliation = Reconciliation(
            paper_issued=value("issued"),
            electronic_issued=0,
            paper_returned=value("returned"),
            electronic_cast=0,
        )
        return PaperTally(definition, counts, counts, None, reconciliation, complete, self.head)

    def _ballot_disagreements(self, item: str) -> list[Disagreement]:
        whole = self._book.disagreements(item, (BALLOT_FIELD,))
        if whole or self._book.final_value(item, BALLOT_FIELD) == "invalid":
            return whole
        return self._book.disagreements(item, [o.id for o in self.definition.officials])

    def _serial_sets(self) -> tuple[frozenset[int], frozenset[int]]:
        if self.definition.mode == "totals":
            return frozenset(), frozenset()
        counted, entered = set(), set()
        for item in self._book.items():
            if self._book.entries(item):
                entered.add(int(item))
                if self._book.is_complete(item) and not self._ballot_disagreements(item):
                    counted.add(int(item))
        return frozenset(counted), frozenset(entered)

    def _reconcile(self) -> Reconciliation:
        counted, entered = self._serial_sets()
        return reconcile(
            printed=self.definition.paper_serials,
            mixed=self.definition.mixed,
            paper_voters=tuple(self._paper_voters),
            entered=entered,
            counted=counted,
            electronic=self._electronic,
            declared_paper_returned=self._declared_returned,
        )

    def _record(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        if not actor.strip():
            raise PaperInputError("who is acting? (operator or committee member)", where=action)
        self._apply(actor, action, data)
        self._log.append(actor, action, data)

    def _apply(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        """Check one event against the state, then change the state."""
        if action == "round_created":
            if self._definition is not None:
                raise EntryRejected("the round is already created", where="log")
            self._definition = RoundDefinition.from_dict(data["round"])
            self._book = DoubleEntryBook(self._definition.required_entries)
            return
        if self._definition is None:
            raise PaperInputError("the first event must create the round", where="log")
        if self._audit is not None and action in _ENTRY_ACTIONS:
            raise EntryRejected(
                "the count is under audit: no entry, scan or resolution may change it",
                where=action,
            )
        handler = _HANDLERS.get(action)
        if handler is None:
            raise PaperInputError(f"unknown action {action!r}", where="log")
        handler(self, actor, action, data)

    def _on_issued(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        # Logs written before the sheets were made untraceable also carry a serial: it is
        # ignored, so that even a replayed old round links a voter to no sheet.
        voter = str(data["voter"]).strip()
        where = f"voter {voter}" if voter else "paper_issued"
        if not self.definition.mixed:
            raise EntryRejected("only a mixed round records who received paper", where=where)
        if not voter:
            raise PaperInputError("voter id is empty", where=where)
        if voter in self._paper_voters:
            raise EntryRejected(f"voter {voter} already holds a paper ballot", where=where)
        if len(self._paper_voters) >= self.definition.paper_serials:
            raise EntryRejected(
                f"all {self.definition.paper_serials} printed sheets are already handed out",
                where=where,
            )
        if self._electronic is not None and voter in self._electronic.cast:
            raise EntryRejected(
                f"voter {voter} has already cast an electronic ballot (each voter votes once)",
                where=where,
            )
        self._paper_voters[voter] = None

    def _on_started(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        item = self._check_item(str(data["item"]))
        device = str(data["device"]).strip()
        if not device:
            raise PaperInputError("device name is empty", where=f"item {item}")
        self._book.start(item, actor, device)

    def _on_set(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        item, key = self._check_item(str(data["item"])), str(data["field"])
        value = str(data["value"])
        self._check_value(item, key, value)
        changing = key in self._book.draft(item, actor).values
        if changing != action.endswith("_changed"):
            raise EntryRejected(
                f"{action} on {key}, which {'has' if changing else 'has no'} value yet",
                where=f"item {item}",
            )
        self._book.set_value(item, actor, key, value)

    def _on_cleared(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        self._book.clear_value(self._check_item(str(data["item"])), actor, str(data["field"]))

    def _on_cancelled(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        self._book.cancel(self._check_item(str(data["item"])), actor)

    def _on_submitted(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        item = self._check_item(str(data["item"]))
        values = dict(self._book.draft(item, actor).values)
        where = f"item {item}, entry of {actor}"
        if item == TOTALS_ITEM:
            self._check_totals(values, where=where)
        elif values.get(BALLOT_FIELD) == "invalid":
            values = {BALLOT_FIELD: "invalid"}
        else:
            values[BALLOT_FIELD] = "valid"
            missing = [o.id for o in self.definition.officials if o.id not in values]
            if missing:
                raise EntryRejected(
                    f"no mark yet for {', '.join(missing)} (use 0 for a row left blank)",
                    where=where,
                )
        self._book.submit(item, actor, values, len(self._log))

    def _on_resolution(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        item, key, value = (
            self._check_item(str(data["item"])),
            str(data["field"]),
            str(data["value"]),
        )
        self._check_value(item, key, value)
        if not self._book.is_complete(item):
            raise EntryRejected(
                f"not every required entry is in ({self.definition.required_entries} needed); "
                "resolve after all readings",
                where=f"item {item}, {key}",
            )
        if item == TOTALS_ITEM:
            self._book.resolve(item, key, value, actor, str(data.get("note", "")), len(self._log))
            return
        if key != BALLOT_FIELD and key not in self._ballot_disagreement_fields(item):
            raise EntryRejected(
                "nothing to resolve on this row (it agrees, or the sheet's validity is "
                "disputed and must be resolved first: field 'ballot')",
                where=f"serial {item}, {key}",
            )
        self._book.resolve(item, key, value, actor, str(data.get("note", "")), len(self._log))

    def _ballot_disagreement_fields(self, item: str) -> set[str]:
        fields = {d.field for d in self._ballot_disagreements(item)}
        fields |= set(self._book.resolutions(item))
        return fields

    def _on_declared(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        count = int(data["count"])
        if count < 0:
            raise PaperInputError("count must not be negative", where="returned")
        self._declared_returned = count

    def _on_electronic(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        if not self.definition.mixed:
            raise EntryRejected("this round is not mixed (paper only)", where="electronic")
        part = ElectronicPart.from_dict(data["part"])
        if part.kind is not self.definition.kind:
            raise EntryRejected(
                f"the electronic counts are a {part.kind.value}'s, this round is a "
                f"{self.definition.kind.value}",
                where="electronic",
            )
        part.check(tuple(o.id for o in self.definition.officials))
        self._electronic = part

    def _on_scanned(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        definition = self.definition
        item = self._check_item(str(data["item"]))
        where = f"sheet {item}"
        if not definition.scan:
            raise EntryRejected("this round is not read by the scanner", where=where)
        batch, position = str(data["batch"]).strip(), int(data["position"])
        sha256, reader = str(data["sha256"]), str(data["reader"])
        if not batch or position < 1:
            raise PaperInputError("a scanned sheet needs its batch and position", where=where)
        if (batch, position) in self._places:
            raise EntryRejected(
                f"batch {batch}, position {position} is already sheet "
                f"{self._places[(batch, position)]}",
                where=where,
            )
        if sha256 in self._hashes:
            raise EntryRejected(
                f"this image was already read as sheet {self._hashes[sha256]}", where=where
            )
        values = {str(k): str(v) for k, v in dict(data["values"]).items()}
        flags = {str(k): str(v) for k, v in dict(data["flags"]).items()}
        for key, value in values.items():
            self._check_value(item, key, value)
        if values.get(BALLOT_FIELD) != "invalid":
            missing = [o.id for o in definition.officials if o.id not in values]
            if missing:
                raise EntryRejected(f"no reading for {', '.join(missing)}", where=where)
        for key in flags:
            if key != BALLOT_FIELD:
                definition.official(key)
        self._book.machine_read(item)
        self._book.start(item, reader, reader)
        self._book.submit(item, reader, values, len(self._log))
        for key, reason in flags.items():
            self._book.flag(item, key, reason)
        self._scans[item] = ScanRecord(
            int(item),
            batch,
            position,
            sha256,
            reader,
            {str(k): int(v) for k, v in dict(data.get("confidence", {})).items()},
            flags,
            str(data.get("code", "")),
            actor,
            len(self._log),
        )
        self._places[(batch, position)] = item
        self._hashes[sha256] = item

    def _on_audit_started(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        if self._audit is not None:
            raise EntryRejected("the audit is already started", where="audit")
        try:
            tally = self.tally()
        except NotReady as exc:
            raise EntryRejected(f"the count is not complete: {exc}", where="audit") from exc
        counted, _entered = self._serial_sets()
        rows: dict[int, dict[str, str | None]] = {}
        for serial in sorted(counted - set(tally.reconciliation.excluded_serials)):
            item = _serial_item(serial)
            invalid = self._book.final_value(item, BALLOT_FIELD) == "invalid"
            rows[serial] = {
                o.id: None if invalid else self._book.final_value(item, o.id)
                for o in self.definition.officials
            }
        places = {
            int(k): SheetPlace(int(k), scan.batch, scan.position) for k, scan in self._scans.items()
        }
        electronic = None
        if tally.electronic_counts is not None:
            electronic = {
                k: {name: getattr(v, name) for name in count_fields(self.definition.kind)}
                for k, v in tally.electronic_counts.items()
            }
        plan = plan_audit(self.definition, rows, places, electronic)
        self._audit = AuditState(
            seed=check_seed(str(data["seed"])),
            risk_limit=float(str(data["risk_limit"])),
            gamma=float(str(data.get("gamma", "1.03905"))),
            plan=plan,
            started_by=actor,
        )

    def _on_audit_reading(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        audit = self._require_audit()
        draw = int(data["draw"])
        if draw != len(audit.comparisons) + 1:
            raise EntryRejected(f"draw {draw} is out of order", where="audit")
        place = audit.next_draw()
        if str(data["item"]) != _serial_item(place.serial):
            raise EntryRejected(
                f"draw {draw} is sheet {place.serial}, not {data['item']}", where="audit"
            )
        values: dict[str, str | None] = {}
        for official in self.definition.officials:
            raw = str(dict(data["values"]).get(official.id, ""))
            if raw:
                self._check_kind(place.serial, official.id, Mark(raw))
            values[official.id] = raw or None
        audit.comparisons.append(audit.compare(draw, place.serial, actor, values))

    def _on_audit_concluded(self, actor: str, action: str, data: Mapping[str, Any]) -> None:
        audit = self._require_audit()
        outcome = str(data["outcome"])
        if outcome not in ("confirmed", "full_hand_count"):
            raise PaperInputError(f"unknown audit outcome {outcome!r}", where="audit")
        conclusion = audit.decide(outcome == "full_hand_count")
        if conclusion.to_dict() != {k: v for k, v in data.items() if k != "note"}:
            raise EntryRejected(
                "the recorded conclusion is not the one the readings give", where="audit"
            )
        audit.conclusion = conclusion
        audit.concluded_by = actor

    def _check_item(self, item: str) -> str:
        if self.definition.mode == "totals":
            if item != TOTALS_ITEM:
                raise PaperInputError(f"a totals round has no item {item!r}", where="entry")
            return item
        if not item.isdigit():
            raise PaperInputError(f"serial {item!r} is not a number", where="entry")
        self.definition.check_serial(int(item))
        return item

    def _check_value(self, item: str, key: str, value: str) -> None:
        where = f"item {item}, {key}"
        if item == TOTALS_ITEM:
            if key not in totals_keys(self.definition):
                raise PaperInputError(f"unknown totals field {key!r}", where=where)
            if not value.isdigit():
                raise PaperInputError(f"{value!r} is not a whole number ≥ 0", where=where)
        elif key == BALLOT_FIELD:
            if value not in ("valid", "invalid"):
                raise PaperInputError("the sheet is 'valid' or 'invalid'", where=where)
        elif self.definition.personnel is not None:
            self._check_personnel(int(item), key, value)
        else:
            self.definition.official(key)
            if value not in {mark.value for mark in Mark}:
                raise PaperInputError(f"unknown mark {value!r}", where=where)
            self._check_kind(int(item), key, Mark(value))

    def _row_label(self, official_id: str) -> str:
        """``row 2 (vice)``: where an official sits on the sheet."""
        ids = [o.id for o in self.definition.officials]
        if official_id not in ids:
            return official_id
        return f"row {ids.index(official_id) + 1} ({official_id})"

    def _check_personnel(self, serial: int, candidate_id: str, value: str) -> None:
        """Refuse a row value a personnel sheet does not have, naming the serial and row."""
        personnel = self.definition.personnel
        assert personnel is not None
        self.definition.official(candidate_id)
        allowed = {m.value for m in personnel_marks_for(personnel.ballot)}
        if value not in allowed:
            raise EntryRejected(
                f"{value!r} is not a mark of a {personnel.ballot} sheet; use "
                f"{personnel_choices(personnel.ballot)}",
                where=f"serial {serial}, {self._row_label(candidate_id)}",
            )

    def _check_kind(self, serial: int, official_id: str, mark: Mark) -> None:
        """Refuse a mark the round's ballot does not have, naming the serial and row."""
        if self.definition.personnel is not None:
            self._check_personnel(serial, official_id, mark.value)
            return
        kind = self.definition.kind
        if mark.belongs_to(kind):
            return
        ballot = "a formal-vote ballot" if kind is RoundKind.FORMAL_VOTE else "a poll ballot"
        raise EntryRejected(
            f"{mark.label_vi} ({mark.value}) is not a mark of {ballot}; use {mark_choices(kind)}",
            where=f"serial {serial}, {self._row_label(official_id)}",
        )

    def _check_totals(self, values: Mapping[str, str], *, where: str) -> None:
        missing = [k for k in totals_keys(self.definition) if k not in values]
        if missing:
            raise EntryRejected(f"missing {', '.join(missing)}", where=where)
        for key, value in values.items():
            self._check_value(TOTALS_ITEM, key, value)
        if self.definition.personnel is not None:
            check_personnel_totals(
                self.definition, {k: int(v) for k, v in values.items()}, where=where
            )
            return
        issued, returned = int(values["issued"]), int(values["returned"])
        if returned > issued:
            raise EntryRejected(f"returned {returned} is more than issued {issued}", where=where)
        levels = count_fields(self.definition.kind)
        for official in self.definition.officials:
            total = sum(int(values[f"{official.id}.{level}"]) for level in levels)
            if total != returned:
                raise EntryRejected(
                    f"{official.id}: {' + '.join(levels)} = {total}, "
                    f"but {returned} ballots were returned",
                    where=where,
                )


def _one(value: str | None) -> LevelCounts:
    """One sheet's row as counts: its level, or ``invalid`` (no valid mark)."""
    if value is not None and Mark(value).is_valid:
        return LevelCounts(**{value: 1})
    return LevelCounts(invalid=1)


_HANDLERS = {
    "paper_issued": PaperSession._on_issued,
    "entry_started": PaperSession._on_started,
    "mark_set": PaperSession._on_set,
    "mark_changed": PaperSession._on_set,
    "value_set": PaperSession._on_set,
    "value_changed": PaperSession._on_set,
    "mark_cleared": PaperSession._on_cleared,
    "value_cleared": PaperSession._on_cleared,
    "entry_cancelled": PaperSession._on_cancelled,
    "entry_submitted": PaperSession._on_submitted,
    "resolution": PaperSession._on_resolution,
    "returned_declared": PaperSession._on_declared,
    "electronic_imported": PaperSession._on_electronic,
    "sheet_scanned": PaperSession._on_scanned,
    "audit_started": PaperSession._on_audit_started,
    "audit_reading": PaperSession._on_audit_reading,
    "audit_concluded": PaperSession._on_audit_concluded,
}
