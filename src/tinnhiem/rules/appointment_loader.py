"""Load personnel-vote procedures (``appointment-*.toml``) and check them.

Same conventions as the rule loader (``loader.py``): every problem raises ``RuleError``
naming the file, the key path (``steps[2].none_reaches.n``) and what is wrong; unknown keys
are errors; citations are ``[citations.KEY]`` tables. The format is in docs/rules.md,
"Personnel votes".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tinnhiem.rules.appointment import (
    BallotKind,
    Body,
    Fallback,
    FallbackAction,
    Procedure,
    ProcedureSource,
    SelectRule,
    StepBase,
    StepRule,
    Threshold,
    WriteIn,
)
from tinnhiem.rules.loader import (
    _DATE,
    _ID,
    FORMAT_VERSION,
    PROCEDURE_PREFIX,
    _choices,
    _Citations,
    _data_dir,
    _Table,
    load_builtin,
    load_data_file,
)
from tinnhiem.rules.model import Bound, Citation

__all__ = [
    "builtin_procedure_ids",
    "list_procedures",
    "load_procedure",
    "parse_procedure",
]

_PURPOSES = ("appointment", "reappointment")
ELIGIBLE = "eligible"  # candidates_from: the list of eligible people (quy hoạch or entered)


def _cite(cites: _Citations, t: _Table, name: str) -> Citation:
    cite = cites.get(t, name)[1]
    assert cite is not None
    return cite


def _share(t: _Table, *, allow_zero: bool = False) -> Bound:
    fraction = t.fraction("fraction")
    if fraction == 0 and not allow_zero:
        raise t.error("fraction", "a threshold of 0 passes everyone; write a fraction above 0")
    return Bound(fraction, t.flag("inclusive"))


def _fallback(t: _Table | None, cites: _Citations, parent: _Table, name: str) -> Fallback:
    if t is None:
        raise parent.error(name, "missing required table (what happens then, and its citation)")
    action = t.enum("action", FallbackAction, _choices(FallbackAction))
    n = t.whole("n", required=action is FallbackAction.TOP_N)
    if action is FallbackAction.TOP_N:
        assert n is not None
        if n < 1:
            raise t.error("n", "top_n needs n >= 1")
    elif n is not None:
        raise t.error("n", f"only action 'top_n' takes n, not '{action}'")
    floor: Bound | None = None
    floor_t = t.table("floor", required=action is FallbackAction.ALL_ABOVE_FLOOR)
    if floor_t is not None:
        if action is not FallbackAction.ALL_ABOVE_FLOOR:
            raise t.error("floor", f"only action 'all_above_floor' takes a floor, not '{action}'")
        floor = _share(floor_t)
        floor_t.done()
    tied_only = t.flag("tied_only", required=False, default=False)
    if tied_only and name != "at_threshold":
        raise t.error("tied_only", "only at_threshold takes tied_only")
    if action is FallbackAction.ALL_ABOVE_FLOOR and name != "none_reaches":
        raise t.error("action", "all_above_floor is an action only for none_reaches")
    result = Fallback(action, _cite(cites, t, "citation"), n or 0, floor, tied_only)
    t.done()
    return result


#: What may follow when a write-in the ordinary rule sends on is short of its threshold.
_WRITE_IN_BELOW = (
    FallbackAction.REPORT_UP,
    FallbackAction.STOP,
    FallbackAction.HEAD_DECIDES,
    FallbackAction.NOT_IN_TEXT,
    FallbackAction.REVOTE,
)


def _write_in(t: _Table, cites: _Citations, step: _Table) -> WriteIn:
    """``write_in = { citation, threshold = { fraction, inclusive, citation }, base,
    below = { action, citation } }``."""
    thr_t = t.table("threshold")
    assert thr_t is not None
    threshold = Threshold(_share(thr_t), _cite(cites, thr_t, "citation"))
    thr_t.done()
    base = t.enum("base", StepBase, _choices(StepBase))
    below = _fallback(t.table("below", required=False), cites, t, "below")
    if below.action not in _WRITE_IN_BELOW:
        raise t.error(
            "below.action",
            f"'{below.action}' cannot follow a write-in short of its threshold; use one of: "
            + ", ".join(a.value for a in _WRITE_IN_BELOW),
        )
    result = WriteIn(_cite(cites, t, "citation"), threshold, base, below)
    t.done()
    return result


def _step(t: _Table, cites: _Citations) -> tuple[StepRule, str]:
    """The step, and what ``candidates_from`` says (checked against the order later)."""
    step_id = t.text("id")
    if not _ID.fullmatch(step_id):
        raise t.error("id", f"'{step_id}' must be lower-case letters, digits, '-', '.' or '_'")
    number = t.whole("number")
    assert number is not None
    ballot = t.enum("ballot", BallotKind, _choices(BallotKind))
    k = t.whole("k", required=ballot is BallotKind.CHOOSE_AT_MOST)
    if ballot is BallotKind.AGREE_DISAGREE and k is not None:
        raise t.error("k", "an agree_disagree ballot has one mark per person: no k")
    if k is not None and k < 1:
        raise t.error("k", "a voter may mark at least one name: k >= 1")
    seats = t.whole("seats", required=False)
    if seats is not None and seats < 1:
        raise t.error("seats", "a step selects at least one person: seats >= 1")
    threshold: Threshold | None = None
    thr_t = t.table("threshold", required=False)
    if thr_t is not None:
        threshold = Threshold(_share(thr_t), _cite(cites, thr_t, "citation"))
        thr_t.done()
    quorum: Bound | None = None
    quorum_cite: Citation | None = None
    q_t = t.table("quorum", required=False)
    if q_t is not None:
        quorum = _share(q_t)
        quorum_cite = _cite(cites, q_t, "citation")
        q_t.done()
    at_t = t.table("at_threshold", required=False)
    at_threshold = _fallback(at_t, cites, t, "at_threshold") if at_t is not None else None
    if at_threshold is not None:
        if threshold is None:
            raise t.error("at_threshold", "an advisory step (no threshold) has no at_threshold")
        if threshold.bound.inclusive:
            raise t.error(
                "at_threshold",
                "the threshold is inclusive, so exactly the threshold already passes",
            )
        if at_threshold.action is FallbackAction.TOP_N:
            raise t.error("at_threshold.action", "top_n is not an action for exactly the threshold")
    tie = _fallback(t.table("tie", required=False), cites, t, "tie")
    if tie.action is FallbackAction.TOP_N:
        raise t.error("tie.action", "top_n does not settle a tie; use all_advance, revote, ...")
    none_reaches = _fallback(t.table("none_reaches", required=False), cites, t, "none_reaches")
    below_t = t.table("below_floor", required=False)
    below_floor: Fallback | None = None
    if none_reaches.action is FallbackAction.ALL_ABOVE_FLOOR:
        below_floor = _fallback(below_t, cites, t, "below_floor")
        if below_floor.action is FallbackAction.TOP_N:
            raise t.error(
                "below_floor.action", "top_n is not an action when nobody reaches the floor"
            )
        if none_reaches.floor is not None and threshold is not None:
            if not threshold.bound.fraction > none_reaches.floor.fraction:
                raise t.error("none_reaches.floor", "the floor must be below the threshold")
    elif below_t is not None:
        raise t.error("below_floor", "only a step whose none_reaches is all_above_floor has one")
    source = t.text("candidates_from", required=False, default=ELIGIBLE)
    write_in: WriteIn | None = None
    w_t = t.table("write_in", required=False)
    if w_t is not None:
        if source == ELIGIBLE:
            raise t.error(
                "write_in",
                "only a step whose list is an earlier step's takes write-ins "
                f"(candidates_from is '{ELIGIBLE}': everyone eligible is on it already)",
            )
        if ballot is not BallotKind.CHOOSE_AT_MOST:
            raise t.error("write_in", "only a choose_at_most ballot can name another person")
        if threshold is None:
            raise t.error("write_in", "an advisory step (no threshold) selects nobody to check")
        write_in = _write_in(w_t, cites, t)
    step = StepRule(
        id=step_id,
        number=number,
        title_vi=t.text("title_vi"),
        title_en=t.text("title_en"),
        body=t.enum("body", Body, _choices(Body)),
        ballot=ballot,
        k=k if k is not None else 1,
        seats=seats if seats is not None else 1,
        candidates_from=None if source == ELIGIBLE else source,
        base=t.enum("base", StepBase, _choices(StepBase)),
        threshold=threshold,
        select=t.enum("select", SelectRule, _choices(SelectRule), default="highest"),
        quorum=quorum,
        cite=_cite(cites, t, "citation"),
        base_cite=_cite(cites, t, "base_citation"),
        quorum_cite=quorum_cite,
        at_threshold=at_threshold,
        tie=tie,
        none_reaches=none_reaches,
        next=t.text("next", required=False) or None,
        announce_at_meeting=t.flag("announce_at_meeting", required=False, default=True),
        note=t.text("note", required=False),
        below_floor=below_floor,
        write_in=write_in,
    )
    if ballot is BallotKind.CHOOSE_AT_MOST and step.k < step.seats:
        raise t.error("k", f"k = {step.k} names cannot fill {step.seats} seats")
    t.done()
    return step, source


def _check_links(steps: list[StepRule], tables: list[_Table]) -> None:
    """``candidates_from`` names an earlier step; ``next`` a later one; every step is
    reached from the first by ``next``."""
    index = {s.id: i for i, s in enumerate(steps)}
    for i, (s, t) in enumerate(zip(steps, tables, strict=True)):
        if index[s.id] != i:
            raise t.error("id", f"duplicate step id '{s.id}'")
        if s.candidates_from is not None:
            j = index.get(s.candidates_from)
            if j is None:
                raise t.error(
                    "candidates_from",
                    f"no step '{s.candidates_from}' (write '{ELIGIBLE}' or an earlier step id)",
                )
            if j >= i:
                raise t.error("candidates_from", f"step '{s.candidates_from}' is not earlier")
        if s.next is not None:
            j = index.get(s.next)
            if j is None:
                raise t.error("next", f"no step '{s.next}'")
            if j <= i:
                raise t.error("next", f"step '{s.next}' is not later (no loops)")
    reached = {steps[0].id}
    current: StepRule | None = steps[0]
    while current is not None and current.next is not None:
        reached.add(current.next)
        current = steps[index[current.next]]
    for s, t in zip(steps, tables, strict=True):
        if s.id not in reached:
            raise t.error("id", f"step '{s.id}' is not reached from the first step by 'next'")
    if steps[0].candidates_from is not None:
        raise tables[0].error("candidates_from", f"the first step takes the '{ELIGIBLE}' list")


def parse_procedure(data: dict[str, Any], file: str) -> Procedure:
    """Build and check a Procedure from parsed TOML; ``file`` names the source in errors."""
    top = _Table(data, "", file)
    version = top.whole("format")
    if version != FORMAT_VERSION:
        raise top.error(
            "format", f"unsupported format {version}; this version reads {FORMAT_VERSION}"
        )
    proc_id = top.text("id")
    if not _ID.fullmatch(proc_id) or not proc_id.startswith(PROCEDURE_PREFIX):
        raise top.error(
            "id", f"'{proc_id}' must start with '{PROCEDURE_PREFIX}' and use a-z, 0-9, '-', '.'"
        )
    kind = top.text("kind")
    if kind != "procedure":
        raise top.error("kind", f"a personnel-vote file has kind = \"procedure\", not '{kind}'")
    purpose = top.text("purpose")
    if purpose not in _PURPOSES:
        raise top.error("purpose", f"'{purpose}' is not one of: {', '.join(_PURPOSES)}")
    cites = _Citations(top.table("citations", required=False))
    source_t = top.table("source")
    assert source_t is not None
    source = ProcedureSource(
        document=source_t.text("document"),
        issuer=source_t.text("issuer"),
        date=source_t.text("date"),
        url=source_t.text("url", required=False),
        in_force_from=source_t.text("in_force_from", required=False),
        superseded_by=source_t.text("superseded_by", required=False),
        superseded_on=source_t.text("superseded_on", required=False),
        verified=source_t.flag("verified"),
        uncertain=source_t.strings("uncertain"),
    )
    for name in ("date", "in_force_from", "superseded_on"):
        value = getattr(source, name)
        if value and not _DATE.match(value):
            raise source_t.error(name, f"'{value}' is not YYYY-MM-DD")
    if source.superseded_on and not source.superseded_by:
        raise source_t.error("superseded_by", "superseded_on needs superseded_by")
    if source.verified:
        unchecked = [c.key for c in cites.by_key.values() if not c.verified]
        if unchecked or not cites.by_key:
            raise source_t.error(
                "verified",
                "the procedure is marked verified but these citations are not: "
                + (", ".join(unchecked) or "(no [citations.KEY] tables)"),
            )
    source_t.done()
    step_tables = top.tables("steps")
    if not step_tables:
        raise top.error("steps", "a procedure needs at least one step")
    steps = [_step(t, cites)[0] for t in step_tables]
    _check_links(steps, step_tables)
    proc = Procedure(
        id=proc_id,
        title_vi=top.text("title_vi"),
        title_en=top.text("title_en"),
        applies_to_vi=top.text("applies_to_vi"),
        applies_to_en=top.text("applies_to_en"),
        purpose=purpose,
        source=source,
        steps=tuple(steps),
        citations=tuple(cites.by_key.values()),
    )
    top.done()
    return proc


def builtin_procedure_ids() -> list[str]:
    """The ids of the procedures shipped with Tín Nhiệm, sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _data_dir().iterdir()
        if entry.name.endswith(".toml") and entry.name.startswith(PROCEDURE_PREFIX)
    )


def load_procedure(id_or_path: str | Path) -> Procedure:
    """A procedure by built-in id (``appointment-qd80-2022``) or from a TOML file path."""
    return load_data_file(
        id_or_path, builtin_ids=builtin_procedure_ids, parse=parse_procedure, what="procedure"
    )


def list_procedures() -> list[Procedure]:
    """Every built-in procedure, sorted by id."""
    return [load_builtin(proc_id, parse_procedure) for proc_id in builtin_procedure_ids()]
