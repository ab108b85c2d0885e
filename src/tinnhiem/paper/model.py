"""What a paper round is: its officials, its marks, its committee and its settings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from tinnhiem.paper.errors import PaperInputError
from tinnhiem.rules import RoundKind
from tinnhiem.rules.settlement import Settlement

__all__ = [
    "CommitteeMember",
    "Mark",
    "Official",
    "PersonnelSection",
    "PreviousStep",
    "RoundDefinition",
    "levels_for",
    "mark_choices",
    "marks_for",
    "parse_marks",
]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
#: An electronic record's round id, as its manifest gives it (the web's are ``body/number``).
_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,127}$")


class Mark(Enum):
    """What one row of a paper ballot says about one official, as read by an operator.

    A poll ballot (phiếu lấy phiếu tín nhiệm) has three boxes, a formal-vote ballot (phiếu
    bỏ phiếu tín nhiệm) two; a blank or invalid row can be read on either. Entry codes are
    per kind (as on a numeric keypad): see :func:`marks_for`.
    """

    HIGH = "high"
    """Tín nhiệm cao — poll, entry code ``1``."""
    CONFIDENT = "confident"
    """Tín nhiệm — poll, entry code ``2``."""
    LOW = "low"
    """Tín nhiệm thấp — poll, entry code ``3``."""
    CONFIDENCE = "confidence"
    """Tín nhiệm — formal vote, entry code ``1``."""
    NO_CONFIDENCE = "no_confidence"
    """Không tín nhiệm — formal vote, entry code ``2``."""
    BLANK = "blank"
    """No box marked (không đánh dấu): the row is invalid — entry code ``0``."""
    INVALID = "invalid"
    """Two or more boxes marked, or the name crossed out: the row is invalid — code ``x``."""

    @property
    def code(self) -> str:
        return _CODE_OF[self]

    @property
    def label_vi(self) -> str:
        return _LABEL_VI[self]

    @property
    def is_valid(self) -> bool:
        return self.value in _VALID_MARKS

    def belongs_to(self, kind: RoundKind) -> bool:
        """Whether a ballot of ``kind`` can carry this mark."""
        return self in marks_for(kind)

    @staticmethod
    def from_code(code: str, *, where: str, kind: RoundKind = RoundKind.POLL) -> Mark:
        """A mark of a ``kind`` ballot from its code or name (see :func:`marks_for`)."""
        key = code.strip().lower()
        for mark in marks_for(kind):
            if key in (mark.code, mark.value):
                return mark
        other = next((m for m in Mark if key == m.value and not m.belongs_to(kind)), None)
        found = f"{other.label_vi} ({other.value}) is not on this ballot; " if other else ""
        raise PaperInputError(
            f"unknown mark {code!r}: {found}use {mark_choices(kind)}", where=where
        )


_CODE_OF = {
    Mark.HIGH: "1",
    Mark.CONFIDENT: "2",
    Mark.LOW: "3",
    Mark.CONFIDENCE: "1",
    Mark.NO_CONFIDENCE: "2",
    Mark.BLANK: "0",
    Mark.INVALID: "x",
}
_LABEL_VI = {
    Mark.HIGH: "Tín nhiệm cao",
    Mark.CONFIDENT: "Tín nhiệm",
    Mark.LOW: "Tín nhiệm thấp",
    Mark.CONFIDENCE: "Tín nhiệm",
    Mark.NO_CONFIDENCE: "Không tín nhiệm",
    Mark.BLANK: "Không đánh dấu",
    Mark.INVALID: "Không hợp lệ",
}
_MARKS_OF = {
    RoundKind.POLL: (Mark.HIGH, Mark.CONFIDENT, Mark.LOW, Mark.BLANK, Mark.INVALID),
    RoundKind.FORMAL_VOTE: (Mark.CONFIDENCE, Mark.NO_CONFIDENCE, Mark.BLANK, Mark.INVALID),
}
_VALID_MARKS = frozenset({"high", "confident", "low", "confidence", "no_confidence"})


def marks_for(kind: RoundKind) -> tuple[Mark, ...]:
    """The marks a ``kind`` ballot can carry, in code order: a poll ``1`` Tín nhiệm cao, ``2``
    Tín nhiệm, ``3`` Tín nhiệm thấp; a formal vote ``1`` Tín nhiệm, ``2`` Không tín nhiệm;
    both ``0`` blank (không đánh dấu) and ``x`` invalid (không hợp lệ)."""
    return _MARKS_OF[kind]


def levels_for(kind: RoundKind) -> tuple[str, ...]:
    """The levels (valid marks) of a ``kind`` ballot, as the rule names them."""
    return tuple(mark.value for mark in marks_for(kind) if mark.is_valid)


def mark_choices(kind: RoundKind) -> str:
    """The codes a ``kind`` ballot takes, for prompts and errors: ``1 = Tín nhiệm, …``."""
    levels = [f"{mark.code} = {mark.label_vi}" for mark in marks_for(kind) if mark.is_valid]
    return ", ".join([*levels, "0 = không đánh dấu (blank)", "x = không hợp lệ (invalid)"])


def parse_marks(
    text: str, count: int, *, where: str, kind: RoundKind = RoundKind.POLL
) -> list[Mark]:
    """Parse a row of marks, one per official in ballot order: ``"1,2,3,0"`` or ``"1230"``."""
    stripped = text.strip()
    parts = re.split(r"[,\s;]+", stripped) if re.search(r"[,\s;]", stripped) else list(stripped)
    parts = [part for part in parts if part]
    if len(parts) != count:
        raise PaperInputError(
            f"{len(parts)} marks given, the ballot has {count} officials", where=where
        )
    return [
        Mark.from_code(part, where=f"{where}, mark {i}", kind=kind)
        for i, part in enumerate(parts, 1)
    ]


@dataclass(frozen=True)
class Official:
    """A person rated on the ballot (người được lấy phiếu)."""

    id: str
    name: str
    position: str = ""


@dataclass(frozen=True)
class CommitteeMember:
    """A member of the counting committee (Ban kiểm phiếu) who signs the minutes."""

    name: str
    role: str = "Thành viên"


_HEX64 = re.compile(r"^[0-9a-f]{64}$")
PERSONNEL_BALLOTS = ("choose_at_most", "agree_disagree")


@dataclass(frozen=True)
class PreviousStep:
    """The step a personnel round's list came from (bước trước): its round id, step id and
    head — the paper entry log's head (``source = "paper"``) or the electronic record's final
    board head (``"record"``), as its minutes print it; when that step waited on a person,
    the settlement that made the list (its whole text, so the minutes cite it)."""

    round_id: str
    step: str
    head: str
    source: str = "paper"
    settlement: Settlement | None = None  # when that step waited on a person
    #: The digest an electronic record's link names when the settlement itself was not
    #: given to the minutes (never written to a paper log: a paper link carries the whole).
    settlement_digest: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "round_id": self.round_id,
            "step": self.step,
            "head": self.head,
            "source": self.source,
        }
        if self.settlement is not None:
            out["settlement"] = self.settlement.to_json() | {"digest": self.settlement.digest}
        return out


@dataclass(frozen=True)
class PersonnelSection:
    """What makes a paper round a personnel vote (bỏ phiếu nhân sự): the step ``step`` of the
    procedure named by the round's ``rule_id`` (e.g. ``appointment-qd80-2022``), its ballot
    (``choose_at_most``: tick at most ``k`` names; ``agree_disagree``: đồng ý / không đồng ý
    per person, ``k = 1``) and, when its list came from an earlier step, the link to it.
    The round's officials are the candidates, in sheet order."""

    step: str
    ballot: str
    k: int
    previous: PreviousStep | None = None
    #: The last ``write_ins`` people on the sheet are not on the previous step's list (a
    #: step that lets voters name other eligible people, e.g. NĐ 170/2025 Điều 33 bước 3).
    write_ins: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "step": self.step,
            "ballot": self.ballot,
            "k": self.k,
            "previous": None if self.previous is None else self.previous.to_dict(),
        }
        if self.write_ins:
            out["write_ins"] = self.write_ins
        return out

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> PersonnelSection:
        link = raw.get("previous")
        previous = None
        if link is not None:
            previous = PreviousStep(
                str(link["round_id"]),
                str(link["step"]),
                str(link["head"]),
                str(link.get("source", "paper")),
                (
                    Settlement.from_json(link["settlement"], where="personnel.previous.settlement")
                    if link.get("settlement") is not None
                    else None
                ),
            )
        return PersonnelSection(
            str(raw["step"]),
            str(raw["ballot"]),
            int(raw["k"]),
            previous,
            int(raw.get("write_ins", 0)),
        )


@dataclass(frozen=True)
class RoundDefinition:
    """A paper round (vòng lấy phiếu bằng phiếu giấy), as set when it is created.

    ``mode`` is ``"ballots"`` (every paper ballot entered, twice or three times) or
    ``"totals"`` (the committee counted by hand; only the totals are entered, twice).
    ``paper_serials`` paper ballots are printed with serials 1..N. In a ``mixed`` round the
    committee issues serials to named voters and electronic ballots are reconciled with
    them (see :mod:`tinnhiem.paper.reconcile`). ``members`` is the number of members of the
    body (tổng số đại biểu), which some rules use as the denominator; ``summoned`` and
    ``present`` (số người được triệu tập / có mặt) feed the quorum check of rules that have
    one. ``kind`` follows the rule: a three-level poll (lấy phiếu tín nhiệm) or a two-option
    formal vote (bỏ phiếu tín nhiệm); it decides the ballot's boxes and the marks accepted.
    """

    round_id: str
    title: str
    body: str
    date: str
    rule_id: str
    officials: tuple[Official, ...]
    paper_serials: int
    members: int | None = None
    mode: str = "ballots"
    required_entries: int = 2
    mixed: bool = False
    committee: tuple[CommitteeMember, ...] = field(default=())
    place: str = ""
    summoned: int | None = None
    present: int | None = None
    kind: RoundKind = RoundKind.POLL
    scan: bool = False
    """Sheets are read by the scanner (issue 13): printed scannable, and a machine reading
    with no flagged row counts alone; a risk-limiting audit checks the count."""
    personnel: PersonnelSection | None = None
    """A personnel vote (issue 14): ``rule_id`` is then the procedure's id and the officials
    are the step's candidates. ``None`` for a confidence round (its stored form unchanged)."""

    @property
    def ballot_kind(self) -> str:
        """``poll``, ``formal_vote``, ``choose_at_most`` or ``agree_disagree``."""
        return self.personnel.ballot if self.personnel is not None else self.kind.value

    def __post_init__(self) -> None:
        where = "paper round"
        if not _ID.match(self.round_id):
            raise PaperInputError(
                f"round id {self.round_id!r}: use letters, digits, '.', '_' or '-'", where=where
            )
        if not self.title.strip() or not self.body.strip():
            raise PaperInputError("the round needs a title and a body", where=where)
        try:
            date.fromisoformat(self.date)
        except ValueError as exc:
            raise PaperInputError(f"date {self.date!r} is not YYYY-MM-DD", where=where) from exc
        if not isinstance(self.kind, RoundKind):
            raise PaperInputError(f"kind {self.kind!r}: use 'poll' or 'formal_vote'", where=where)
        if self.mode not in ("ballots", "totals"):
            raise PaperInputError(f"mode {self.mode!r}: use 'ballots' or 'totals'", where=where)
        if self.required_entries not in (2, 3):
            raise PaperInputError("required entries must be 2 or 3", where=where)
        if self.scan and self.mode != "ballots":
            raise PaperInputError("only a round entering every sheet can be scanned", where=where)
        if self.mode == "totals" and self.mixed:
            raise PaperInputError("a totals round cannot be mixed with electronic", where=where)
        if self.paper_serials < 0 or (self.mode == "ballots" and self.paper_serials == 0):
            raise PaperInputError("the number of paper ballots must be positive", where=where)
        for name in ("members", "summoned", "present"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise PaperInputError(f"{name} must be positive", where=where)
        if (
            self.summoned is not None
            and self.present is not None
            and (self.present > self.summoned)
        ):
            raise PaperInputError("more present than summoned", where=where)
        if not self.officials:
            raise PaperInputError("the round has no officials", where=where)
        seen: set[str] = set()
        for official in self.officials:
            if not _ID.match(official.id):
                raise PaperInputError(f"official id {official.id!r} is not valid", where=where)
            if official.id in seen:
                raise PaperInputError(f"official id {official.id!r} appears twice", where=where)
            if not official.name.strip():
                raise PaperInputError(f"official {official.id!r} has no name", where=where)
            seen.add(official.id)
        if self.personnel is not None:
            self._check_personnel(self.personnel, where=where)

    def _check_personnel(self, p: PersonnelSection, *, where: str) -> None:
        if p.ballot not in PERSONNEL_BALLOTS:
            raise PaperInputError(
                f"ballot {p.ballot!r}: use {' or '.join(PERSONNEL_BALLOTS)}", where=where
            )
        if self.mixed or self.scan:
            raise PaperInputError(
                "a personnel round on paper enters every sheet or the committee's totals "
                "(not mixed or scanned)",
                where=where,
            )
        if self.summoned is None or self.present is None:
            raise PaperInputError(
                "a personnel round needs the people summoned and present (its base)", where=where
            )
        if p.ballot == "agree_disagree" and p.k != 1:
            raise PaperInputError("an agree/disagree ballot has k = 1", where=where)
        if not 1 <= p.k <= len(self.officials):
            raise PaperInputError(
                f"k = {p.k}: a sheet may tick 1..{len(self.officials)} names", where=where
            )
        if "blank" in {o.id for o in self.officials}:
            raise PaperInputError("'blank' is reserved, not a candidate id", where=where)
        link = p.previous
        if link is not None and (
            not (_ID if link.source == "paper" else _RECORD_ID).match(link.round_id)
            or not link.step
            or not _HEX64.match(link.head)
            or link.source not in ("paper", "record")
        ):
            raise PaperInputError(
                "the previous step needs its round id, step id, a 64-hex head and its source "
                "('paper' or 'record')",
                where=f"{where}, previous",
            )

    def official(self, official_id: str) -> Official:
        for official in self.officials:
            if official.id == official_id:
                return official
        known = ", ".join(o.id for o in self.officials)
        raise PaperInputError(f"no official {official_id!r} (known: {known})", where="official")

    def check_serial(self, serial: int) -> None:
        if not 1 <= serial <= self.paper_serials:
            raise PaperInputError(
                f"serial {serial} was not printed for this round (1..{self.paper_serials})",
                where="serial",
            )

    def to_dict(self) -> dict[str, Any]:
        """The definition as the ``round_created`` event stores it. A poll's has no ``kind``
        key, exactly as before formal votes existed, so every stored poll log keeps its bytes
        and hashes; a formal vote's says ``"kind": "formal_vote"``."""
        raw: dict[str, Any] = {
            "round_id": self.round_id,
            "title": self.title,
            "body": self.body,
            "date": self.date,
            "rule_id": self.rule_id,
            "officials": [
                {"id": o.id, "name": o.name, "position": o.position} for o in self.officials
            ],
            "paper_serials": self.paper_serials,
            "members": self.members,
            "mode": self.mode,
            "required_entries": self.required_entries,
            "mixed": self.mixed,
            "committee": [{"name": m.name, "role": m.role} for m in self.committee],
            "place": self.place,
            "summoned": self.summoned,
            "present": self.present,
        }
        if self.kind is not RoundKind.POLL:
            raw["kind"] = self.kind.value
        if self.scan:
            raw["scan"] = True
        if self.personnel is not None:
            raw["personnel"] = self.personnel.to_dict()
        return raw

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> RoundDefinition:
        try:
            return RoundDefinition(
                round_id=str(raw["round_id"]),
                title=str(raw["title"]),
                body=str(raw["body"]),
                date=str(raw["date"]),
                rule_id=str(raw["rule_id"]),
                officials=tuple(
                    Official(str(o["id"]), str(o["name"]), str(o.get("position", "")))
                    for o in raw["officials"]
                ),
                paper_serials=int(raw["paper_serials"]),
                members=_optional_int(raw.get("members")),
                mode=str(raw.get("mode", "ballots")),
                required_entries=int(raw.get("required_entries", 2)),
                mixed=bool(raw.get("mixed", False)),
                committee=tuple(
                    CommitteeMember(str(m["name"]), str(m.get("role", "Thành viên")))
                    for m in raw.get("committee", ())
                ),
                place=str(raw.get("place", "")),
                summoned=_optional_int(raw.get("summoned")),
                present=_optional_int(raw.get("present")),
                kind=RoundKind(str(raw.get("kind", RoundKind.POLL.value))),
                scan=bool(raw.get("scan", False)),
                personnel=(
                    PersonnelSection.from_dict(raw["personnel"])
                    if raw.get("personnel") is not None
                    else None
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PaperInputError(f"round definition is incomplete ({exc})", where="log") from exc


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)
