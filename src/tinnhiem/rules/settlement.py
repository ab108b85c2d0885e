"""The written decision that settles a step waiting on a person (quyết định của người có
thẩm quyền), issue 14.

A step ends ``pending`` when its count cannot decide it: a tie at the cut, exactly the
threshold where the procedure says "người đứng đầu quyết định", too few reaching it where
the text says "báo cáo cấp có thẩm quyền", or a case the texts read do not settle
(``not_in_text``). A :class:`Settlement` is what that person decided, written down: the
round, step and final head of the record it settles; who decided (name, post, and the role
the step's action names); the decision document (số văn bản, date); the outcome — which of
the names concerned go on, or the procedure stops, or (where the texts leave the way open)
the step is voted again — and a free-text reason. It cites the clauses that left the
decision to a person (the decision's own reasons), or says that the texts read do not say.

``settle(decision, proc, …)`` builds one and refuses what the step does not allow;
``check_settlement`` rebuilds it from its own inputs and the step's decision, so a third
party checks a settlement file against the record exactly. The file is canonical JSON
(``tinnhiem.codec``) with its ``digest``: ``H("tinnhiem/settlement/v1", canonical JSON of
the object without "digest")`` in hex, the value a following step's manifest carries
(record-format §3.13).

What the person may choose is the product's reading, not a rule: the names that already
went on by the count (``selected``, or those clearly above a tie at the cut) go on; the
person chooses among ``concerned``; no more than the seats the count was filling (the
step's ``seats``, or ``n`` of a ``top_n`` fallback); a revote is offered only where the
texts read give the decision to nobody in particular (``not_in_text``) or to the competent
authority's consideration (``report_up``), never where the head decides on the names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tinnhiem.codec import as_list, as_obj, as_str, canonical_json, parse_json, tagged_hash
from tinnhiem.errors import InputError
from tinnhiem.rules.appointment import (
    FallbackAction,
    Procedure,
    Reason,
    StepDecision,
    StepStatus,
)
from tinnhiem.text import format_date_vi

__all__ = [
    "SETTLEMENT_TAG",
    "Basis",
    "Choices",
    "DecidedBy",
    "Outcome",
    "Role",
    "Settlement",
    "check_settlement",
    "settle",
    "settlement_choices",
    "summary_vi",
]

SETTLEMENT_TAG = "tinnhiem/settlement/v1"
_VERSION = 1
#: The reasons from which a pending step was left to a person (a settlement quotes them).
_PENDING_CODES = ("tie", "at_threshold", "none_reaches", "write_in_below")


class Outcome(StrEnum):
    """What the person decided."""

    ADVANCE = "advance"  # these names go on (to the next step, or are proposed)
    STOP = "stop"  # dừng quy trình: nobody goes on
    REVOTE = "revote"  # bỏ phiếu lại bước này, on its list

    @property
    def label(self) -> str:
        return _OUTCOME_LABEL[self]


_OUTCOME_LABEL = {
    Outcome.ADVANCE: "những người được chọn vào bước sau / the names chosen go on",
    Outcome.STOP: "dừng quy trình / the procedure stops",
    Outcome.REVOTE: "bỏ phiếu lại bước này / the step is voted again",
}


class Role(StrEnum):
    """Whom the step's action leaves the decision to."""

    HEAD = "head"  # người đứng đầu (head_decides)
    AUTHORITY = "authority"  # cấp có thẩm quyền (report_up)
    COMPETENT = "competent"  # người có thẩm quyền, not named by the texts read (not_in_text)

    @property
    def label(self) -> str:
        return _ROLE_LABEL[self]


_ROLE_LABEL = {
    Role.HEAD: "người đứng đầu / the head",
    Role.AUTHORITY: "cấp có thẩm quyền / the competent authority",
    Role.COMPETENT: (
        "người có thẩm quyền (văn bản đã đọc không nêu) / a competent person (the texts read "
        "do not name one)"
    ),
}

_ROLE_OF = {
    FallbackAction.HEAD_DECIDES: Role.HEAD,
    FallbackAction.REPORT_UP: Role.AUTHORITY,
    FallbackAction.NOT_IN_TEXT: Role.COMPETENT,
}


@dataclass(frozen=True)
class DecidedBy:
    """Who decided: full name, post (e.g. "Giám đốc Sở") and the role the action names."""

    name: str
    post: str
    role: Role


@dataclass(frozen=True)
class Basis:
    """One clause that left the decision to a person (a reason of the step's decision)."""

    code: str
    text_vi: str
    text_en: str
    cite: str  # the citation key in the procedure file ("" for a free-text citation)
    verified: bool


@dataclass(frozen=True)
class Settlement:
    """The competent person's written decision on one pending step (see the module doc)."""

    procedure: str
    round_id: str
    step: str
    head: str  # the settled record's final board head, or the paper log's head (hex)
    status: StepStatus
    action: FallbackAction
    concerned: tuple[str, ...]
    selected: tuple[str, ...]
    basis: tuple[Basis, ...]
    in_text: bool  # False: the texts read do not say who decides (not_in_text)
    decided_by: DecidedBy
    document: str  # số văn bản, e.g. "Số 12/QĐ-STP"
    date: str  # ISO yyyy-mm-dd
    outcome: Outcome
    chosen: tuple[str, ...]  # the names the person chose (ADVANCE)
    advancing: tuple[str, ...]  # the settled list: who goes on (or is voted on again)
    next_step: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        """The settlement's canonical object, without its digest."""
        return {
            "version": _VERSION,
            "kind": "settlement",
            "procedure": self.procedure,
            "round_id": self.round_id,
            "step": self.step,
            "head": self.head,
            "status": self.status.value,
            "action": self.action.value,
            "concerned": list(self.concerned),
            "selected": list(self.selected),
            "basis": [
                {
                    "code": b.code,
                    "text_vi": b.text_vi,
                    "text_en": b.text_en,
                    "cite": b.cite,
                    "verified": b.verified,
                }
                for b in self.basis
            ],
            "in_text": self.in_text,
            "decided_by": {
                "name": self.decided_by.name,
                "post": self.decided_by.post,
                "role": self.decided_by.role.value,
            },
            "document": self.document,
            "date": self.date,
            "outcome": self.outcome.value,
            "chosen": list(self.chosen),
            "advancing": list(self.advancing),
            "next_step": self.next_step,
            "reason": self.reason,
        }

    @property
    def digest(self) -> str:
        """``H("tinnhiem/settlement/v1", canonical JSON)`` in lowercase hex (64 digits)."""
        return tagged_hash(SETTLEMENT_TAG, canonical_json(self.to_json())).hex()

    def to_file(self) -> bytes:
        """The file: the canonical object with its ``digest``, canonical JSON and a newline."""
        return canonical_json(self.to_json() | {"digest": self.digest}) + b"\n"

    @property
    def date_vi(self) -> str:
        """``ngày 12 tháng 3 năm 2026`` (NĐ 30/2020 Phụ lục I: tinnhiem.text.format_date_vi)."""
        return format_date_vi(dt.date.fromisoformat(self.date))

    @classmethod
    def from_json(cls, data: Any, *, where: str = "settlement") -> Settlement:
        """Rebuild a settlement from its JSON object; ``InputError`` names the field. A
        ``digest`` present must be the object's own."""
        d = as_obj(data, where)
        try:
            if d["kind"] != "settlement" or d["version"] != _VERSION:
                raise InputError(
                    f"not a settlement of version {_VERSION} (kind {d['kind']!r}, version "
                    f"{d['version']!r})",
                    where=f"{where}.outcome",
                )
            by = as_obj(d["decided_by"], f"{where}.decided_by")
            basis = []
            for i, b in enumerate(as_list(d["basis"], f"{where}.basis")):
                w = f"{where}.basis[{i}]"
                bo = as_obj(b, w)
                basis.append(
                    Basis(
                        as_str(bo["code"], f"{w}.code"),
                        as_str(bo["text_vi"], f"{w}.text_vi"),
                        as_str(bo["text_en"], f"{w}.text_en"),
                        as_str(bo["cite"], f"{w}.cite"),
                        _bool(bo["verified"], f"{w}.verified"),
                    )
                )
            nxt = d["next_step"]
            out = cls(
                procedure=as_str(d["procedure"], f"{where}.procedure"),
                round_id=as_str(d["round_id"], f"{where}.round_id"),
                step=as_str(d["step"], f"{where}.step"),
                head=as_str(d["head"], f"{where}.head"),
                status=_enum(StepStatus, d["status"], f"{where}.status"),
                action=_enum(FallbackAction, d["action"], f"{where}.action"),
                concerned=_names(d["concerned"], f"{where}.concerned"),
                selected=_names(d["selected"], f"{where}.selected"),
                basis=tuple(basis),
                in_text=_bool(d["in_text"], f"{where}.in_text"),
                decided_by=DecidedBy(
                    as_str(by["name"], f"{where}.decided_by.name"),
                    as_str(by["post"], f"{where}.decided_by.post"),
                    _enum(Role, by["role"], f"{where}.decided_by.role"),
                ),
                document=as_str(d["document"], f"{where}.document"),
                date=as_str(d["date"], f"{where}.date"),
                outcome=_enum(Outcome, d["outcome"], f"{where}.outcome"),
                chosen=_names(d["chosen"], f"{where}.chosen"),
                advancing=_names(d["advancing"], f"{where}.advancing"),
                next_step=None if nxt is None else as_str(nxt, f"{where}.next_step"),
                reason=as_str(d["reason"], f"{where}.reason"),
            )
        except KeyError as exc:
            raise InputError(f"missing field {exc.args[0]!r}", where=where) from exc
        extra = sorted(set(d) - set(out.to_json()) - {"digest"})
        if extra:
            raise InputError(f"unknown fields {', '.join(extra)}", where=where)
        if "digest" in d and d["digest"] != out.digest:
            raise InputError(
                "is not the digest of this settlement (the file was changed after it was written)",
                where=f"{where}.digest",
            )
        _check_fields(out, where)
        return out

    @classmethod
    def from_bytes(cls, data: bytes, *, where: str = "settlement") -> Settlement:
        """Parse a settlement file (canonical-dialect JSON)."""
        return cls.from_json(parse_json(data, where=where), where=where)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InputError("expected true or false", where=where)
    return value


def _enum(kind: Any, value: Any, where: str) -> Any:
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(repr(k.value) for k in kind)
        raise InputError(f"{value!r} is not one of {allowed}", where=where) from exc


def _names(value: Any, where: str) -> tuple[str, ...]:
    return tuple(as_str(v, f"{where}[{i}]") for i, v in enumerate(as_list(value, where)))


def _check_fields(s: Settlement, where: str) -> None:
    """What a settlement must carry whatever the step: a head, who, the document, a date."""
    if len(s.head) != 64 or any(c not in "0123456789abcdef" for c in s.head):
        raise InputError("the head is 64 lowercase hex digits", where=f"{where}.head")
    for name, value in (
        ("round_id", s.round_id),
        ("step", s.step),
        ("decided_by.name", s.decided_by.name),
        ("decided_by.post", s.decided_by.post),
        ("document", s.document),
        ("reason", s.reason),
    ):
        if not value.strip():
            raise InputError("must not be empty", where=f"{where}.{name}")
    try:
        dt.date.fromisoformat(s.date)
    except ValueError as exc:
        raise InputError(f"{s.date!r} is not a date (yyyy-mm-dd)", where=f"{where}.date") from exc
    if len(s.date) != 10:
        raise InputError(f"{s.date!r} is not a date (yyyy-mm-dd)", where=f"{where}.date")


@dataclass(frozen=True)
class Choices:
    """What a person may decide on a pending step: who goes on whatever they decide
    (``fixed``), whom they choose among (``concerned``), how many may go on at most
    (``limit``) and whether a revote is open."""

    fixed: tuple[str, ...]
    concerned: tuple[str, ...]
    limit: int
    revote: bool
    role: Role
    #: The reasons that left the step to a person (from the first tie, exactly-at-threshold
    #: or nobody-reaches reason on), which a settlement quotes as its basis.
    basis: tuple[Reason, ...] = ()


def settlement_choices(decision: StepDecision, proc: Procedure) -> Choices:
    """What ``decision`` leaves to a person; ``InputError`` when it leaves nothing."""
    where = f"{decision.procedure_id}.{decision.step_id}"
    if not decision.pending or decision.action is None:
        raise InputError(
            "the step does not wait on a person: its count decided it (only a pending step "
            "can be settled)",
            where=where,
        )
    if decision.procedure_id != proc.id:
        raise InputError(f"the step is of {decision.procedure_id}, not {proc.id}", where=where)
    step = proc.step(decision.step_id)
    ranked = sorted(
        decision.results,
        key=lambda r: (-r.votes, [x.name for x in decision.results].index(r.name)),
    )
    limit = step.seats
    if decision.status is StepStatus.TIE:
        edge = min(r.votes for r in decision.results if r.name in decision.concerned)
        fixed = tuple(r.name for r in ranked if r.votes > edge)
        codes = [r.code for r in decision.reasons]
        if "none_reaches" in codes and step.none_reaches.action is FallbackAction.TOP_N:
            limit = step.none_reaches.n
    else:
        fixed = tuple(n for n in decision.selected if n not in decision.concerned)
    start = next(
        (i for i, r in enumerate(decision.reasons) if r.code in _PENDING_CODES),
        len(decision.reasons),
    )
    return Choices(
        fixed=fixed,
        concerned=decision.concerned,
        limit=limit,
        revote=decision.action in (FallbackAction.NOT_IN_TEXT, FallbackAction.REPORT_UP),
        role=_ROLE_OF[decision.action],
        basis=decision.reasons[start:],
    )


def settle(
    decision: StepDecision,
    proc: Procedure,
    *,
    round_id: str,
    head: str,
    name: str,
    post: str,
    document: str,
    date: str,
    outcome: Outcome | str,
    chosen: Sequence[str] = (),
    reason: str,
) -> Settlement:
    """The settlement of the pending step ``decision`` of ``round_id`` (final head
    ``head``), checked against the step: ``InputError`` (``where`` = the field) when the
    step is not pending, a name chosen is not among those concerned (or already selected),
    more names go on than the seats, the outcome is not open to this step, or a field is
    missing."""
    where = "settlement"
    choices = settlement_choices(decision, proc)
    step = proc.step(decision.step_id)
    kind: Outcome = _enum(Outcome, outcome, f"{where}.outcome")
    chosen = tuple(chosen)
    all_names = tuple(r.name for r in decision.results)
    if len(set(chosen)) != len(chosen):
        raise InputError("a name is chosen twice", where=f"{where}.chosen")
    advancing: tuple[str, ...] = ()
    next_step: str | None = None
    if kind is Outcome.ADVANCE:
        allowed = set(choices.fixed) | set(choices.concerned)
        wrong = [n for n in chosen if n not in allowed]
        if wrong:
            raise InputError(
                f"{', '.join(wrong)}: not among the names concerned "
                f"({', '.join(choices.concerned) or '—'})"
                + (f" or already going on ({', '.join(choices.fixed)})" if choices.fixed else ""),
                where=f"{where}.chosen",
            )
        picked = [n for n in choices.concerned if n in chosen and n not in choices.fixed]
        advancing = (*choices.fixed, *picked)
        if not picked and not choices.fixed:
            raise InputError(
                "choose at least one of the names concerned, or stop the procedure",
                where=f"{where}.chosen",
            )
        if len(advancing) > choices.limit:
            raise InputError(
                f"{len(advancing)} names go on ({', '.join(advancing)}); the step fills at "
                f"most {choices.limit}",
                where=f"{where}.chosen",
            )
        next_step = step.next
    elif chosen:
        raise InputError(
            f"names are chosen only when they go on, not with '{kind.value}'",
            where=f"{where}.chosen",
        )
    elif kind is Outcome.REVOTE:
        if not choices.revote:
            raise InputError(
                f"a revote is not open to a step whose action is '{decision.action}': "
                f"{choices.role.label} decides on the names",
                where=f"{where}.outcome",
            )
        advancing, next_step = all_names, step.id
    basis = tuple(
        Basis(r.code, r.text_vi, r.text_en, r.cite.key, r.cite.verified) for r in choices.basis
    )
    assert decision.action is not None
    settlement = Settlement(
        procedure=proc.id,
        round_id=round_id,
        step=step.id,
        head=head,
        status=decision.status,
        action=decision.action,
        concerned=decision.concerned,
        selected=decision.selected,
        basis=basis,
        in_text=decision.action is not FallbackAction.NOT_IN_TEXT,
        decided_by=DecidedBy(name.strip(), post.strip(), choices.role),
        document=document.strip(),
        date=date.strip(),
        outcome=kind,
        chosen=chosen if kind is Outcome.ADVANCE else (),
        advancing=advancing,
        next_step=next_step,
        reason=reason.strip(),
    )
    _check_fields(settlement, where)
    return settlement


def check_settlement(
    settlement: Settlement,
    decision: StepDecision,
    proc: Procedure,
    *,
    round_id: str,
    head: str,
    where: str = "settlement",
) -> None:
    """``InputError`` unless ``settlement`` settles ``decision`` of ``round_id`` (final head
    ``head``) exactly as ``settle`` would from the same decision, names and document."""
    if settlement.procedure != proc.id:
        raise InputError(
            f"settles a step of {settlement.procedure}, not {proc.id}", where=f"{where}.procedure"
        )
    if settlement.round_id != round_id:
        raise InputError(
            f"settles round {settlement.round_id!r}, not {round_id!r}", where=f"{where}.round_id"
        )
    if settlement.step != decision.step_id:
        raise InputError(
            f"settles step {settlement.step!r}, the record is step {decision.step_id!r}",
            where=f"{where}.step",
        )
    if settlement.head != head:
        raise InputError(
            "is not the settled record's final head (another record?)", where=f"{where}.head"
        )
    if not decision.pending:
        raise InputError(
            "the step it settles did not wait on a person (its count decided it)",
            where=f"{where}.step",
        )
    try:
        again = settle(
            decision,
            proc,
            round_id=round_id,
            head=head,
            name=settlement.decided_by.name,
            post=settlement.decided_by.post,
            document=settlement.document,
            date=settlement.date,
            outcome=settlement.outcome,
            chosen=settlement.chosen,
            reason=settlement.reason,
        )
    except InputError as exc:
        raise InputError(f"is not valid for this step: {exc}", where=where) from exc
    mine, want = settlement.to_json(), again.to_json()
    for key in sorted(set(mine) | set(want)):
        if mine.get(key) != want.get(key):
            raise InputError(
                f"recorded {mine.get(key)!r}, the step gives {want.get(key)!r}",
                where=f"{where}.{key}",
            )


def summary_vi(settlement: Settlement, names: Mapping[str, str] | None = None) -> str:
    """One Vietnamese sentence for minutes and pages: who decided, by which document, on
    which date, and what."""
    names = names or {}
    who = ", ".join(names.get(n, n) for n in settlement.advancing) or "—"
    what = {
        Outcome.ADVANCE: f"những người tiếp tục: {who}",
        Outcome.STOP: "dừng quy trình",
        Outcome.REVOTE: f"bỏ phiếu lại bước này với: {who}",
    }[settlement.outcome]
    return (
        f"{settlement.decided_by.name} ({settlement.decided_by.post}) quyết định tại văn bản "
        f"{settlement.document}, {settlement.date_vi}: {what}"
    )
