"""Personnel votes (bỏ phiếu nhân sự) as data: the steps of appointing and reappointing a
leader (bổ nhiệm, bổ nhiệm lại), and the exact decision of each step from its counts.

A procedure (quy trình) is a sequence of linked steps, loaded from a TOML file in ``data/``
(``appointment-*.toml``, format in docs/rules.md, "Personnel votes"). Each step says who
votes (the body), what a voter may mark (the ballot kind), the base of the threshold, the
threshold, who is selected, and what happens on a tie, at exactly the threshold, or when
nobody reaches it. Every one of these carries a ``Citation``; ``decide_step`` returns a
``StepDecision`` naming the clauses that decided it.

The engine asks one question::

    proc = load_procedure("appointment-qd80-2022")
    d = decide_step(proc, "b2-introduce", counts, candidates=("an", "binh", "chi"))
    d.status, d.advancing, d.next_step, d.action, d.cites

Everything is exact: a threshold ``fraction = "1/2", inclusive = false`` on base N is
``2·v > N`` in integers, never a rounded percentage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from pathlib import Path

from tinnhiem.errors import InputError
from tinnhiem.rules.model import Bound, Citation, SourceKind

__all__ = [
    "AGREE",
    "BLANK",
    "DISAGREE",
    "BallotKind",
    "BallotSpec",
    "Body",
    "Fallback",
    "FallbackAction",
    "Procedure",
    "ProcedureSource",
    "Reason",
    "SelectRule",
    "StepBase",
    "StepCounts",
    "StepDecision",
    "StepRule",
    "StepStatus",
    "Threshold",
    "WriteIn",
    "ballot_for",
    "decide_step",
    "share_text_vi",
]

AGREE = "agree"  # đồng ý
DISAGREE = "disagree"  # không đồng ý
BLANK = "blank"  # để trống


class Body(StrEnum):
    """Who votes at a step (thành phần bỏ phiếu)."""

    LEADERSHIP = "leadership"  # tập thể lãnh đạo
    EXTENDED_LEADERSHIP = "extended_leadership"  # hội nghị tập thể lãnh đạo mở rộng
    KEY_CADRES = "key_cadres"  # hội nghị cán bộ chủ chốt
    PARTY_COMMITTEE = "party_committee"  # cấp ủy / ban thường vụ

    @property
    def label(self) -> str:
        """Vietnamese / English name of the body."""
        return _BODY_LABEL[self]


_BODY_LABEL = {
    Body.LEADERSHIP: "Tập thể lãnh đạo / leadership collective",
    Body.EXTENDED_LEADERSHIP: "Hội nghị tập thể lãnh đạo mở rộng / extended leadership meeting",
    Body.KEY_CADRES: "Hội nghị cán bộ chủ chốt / key cadres' conference",
    Body.PARTY_COMMITTEE: "Cấp ủy, ban thường vụ / Party committee or its standing committee",
}


class BallotKind(StrEnum):
    """What a voter may mark (phiếu)."""

    CHOOSE_AT_MOST = "choose_at_most"  # chọn tối đa k người trong danh sách (có thể để trống)
    AGREE_DISAGREE = "agree_disagree"  # đồng ý / không đồng ý đối với từng người


class StepBase(StrEnum):
    """The base N of a step's threshold."""

    SUMMONED = "summoned"  # tổng số người được triệu tập (members of the body)
    PRESENT = "present"  # số người có mặt
    RETURNED = "returned"  # số phiếu thu về
    VALID = "valid"  # số phiếu hợp lệ

    @property
    def label(self) -> str:
        """Vietnamese / English name of the base."""
        return _BASE_LABEL[self]


_BASE_LABEL = {
    StepBase.SUMMONED: "tổng số người được triệu tập / everyone summoned",
    StepBase.PRESENT: "số người có mặt / those present",
    StepBase.RETURNED: "số phiếu thu về / ballots returned",
    StepBase.VALID: "số phiếu hợp lệ / valid ballots",
}


class SelectRule(StrEnum):
    """Who passes among those who reach the threshold."""

    HIGHEST = "highest"  # the ``seats`` highest among those who reach it
    ALL_REACHING = "all_reaching"  # everyone who reaches it


class FallbackAction(StrEnum):
    """What happens on a tie, at exactly the threshold, or when nobody reaches it."""

    TOP_N = "top_n"  # the n highest go to the next step (QĐ 105: "chọn 2 người ... cao nhất")
    HEAD_DECIDES = "head_decides"  # người đứng đầu quyết định
    REVOTE = "revote"  # vote again (the same step, on the names concerned)
    ALL_ADVANCE = "all_advance"  # everyone concerned goes to the next step
    REPORT_UP = "report_up"  # báo cáo cấp có thẩm quyền xem xét
    STOP = "stop"  # the procedure ends: nobody is proposed
    ALL_ABOVE_FLOOR = "all_above_floor"  # everyone at or above a lower share goes on (NĐ 170)
    NOT_IN_TEXT = "not_in_text"  # the texts read say nothing: a person must decide

    @property
    def label(self) -> str:
        """Vietnamese / English description of the action."""
        return _ACTION_LABEL[self]

    @property
    def pending(self) -> bool:
        """True when a person (not the count) must settle the step before it moves on."""
        return self in (
            FallbackAction.HEAD_DECIDES,
            FallbackAction.REPORT_UP,
            FallbackAction.NOT_IN_TEXT,
        )


_ACTION_LABEL = {
    FallbackAction.TOP_N: "những người có số phiếu cao nhất vào bước sau / the highest go on",
    FallbackAction.HEAD_DECIDES: "người đứng đầu quyết định / the head decides",
    FallbackAction.REVOTE: "bỏ phiếu lại / vote again",
    FallbackAction.ALL_ADVANCE: "tất cả những người này vào bước sau / all of them go on",
    FallbackAction.REPORT_UP: "báo cáo cấp có thẩm quyền / report to the competent authority",
    FallbackAction.STOP: "dừng quy trình / the procedure stops",
    FallbackAction.ALL_ABOVE_FLOOR: (
        "tất cả những người đạt mức sàn vào bước sau / everyone at or above the floor goes on"
    ),
    FallbackAction.NOT_IN_TEXT: (
        "văn bản đã đọc không quy định: cần người có thẩm quyền quyết định"
        " / not in the texts read: a competent person must decide"
    ),
}


class StepStatus(StrEnum):
    """The outcome of a step (kết quả của bước)."""

    PASSED = "passed"  # the seats are filled by people who reached the threshold
    RECORDED = "recorded"  # an advisory step (no threshold): the counts are recorded
    AT_THRESHOLD = "at_threshold"  # exactly the threshold, where the rule has a special case
    TIE = "tie"  # a tie at the cut
    NONE_REACHED = "none_reached"  # fewer than the seats reached the threshold
    WRITE_IN_SHORT = "write_in_short"  # a person named from outside the list is short of its bar
    QUORUM_NOT_MET = "quorum_not_met"  # the meeting could not vote


def share_text_vi(bound: Bound) -> str:
    """``trên 50%`` or ``từ 30% trở lên`` for a share bound."""
    pct = bound.fraction * 100
    shown = str(pct) if pct.denominator == 1 else f"{pct.numerator}/{pct.denominator}"
    return f"từ {shown}% trở lên" if bound.inclusive else f"trên {shown}%"


@dataclass(frozen=True)
class Threshold:
    """``votes / N`` compared with ``fraction`` (``>`` or ``>=``), with the clause."""

    bound: Bound
    cite: Citation

    def reached(self, votes: int, base: int) -> bool:
        """Exact: ``den·votes > num·base`` (``>=`` when inclusive)."""
        return self.bound.admits_from_below(votes, base)

    def exactly(self, votes: int, base: int) -> bool:
        """``votes / base`` equals the fraction exactly."""
        return self.bound.fraction.denominator * votes == self.bound.fraction.numerator * base

    def formula(self) -> str:
        """``2v > N`` or ``2v >= N``."""
        return self.bound.formula("v", lower=True)

    @property
    def text_vi(self) -> str:
        """``trên 50%`` or ``từ 50% trở lên``."""
        return share_text_vi(self.bound)


@dataclass(frozen=True)
class Fallback:
    """An action and the clause that prescribes it (or the finding that none does).

    ``floor``: for ``all_above_floor``, the lower share that still goes on ("chọn tất cả
    người có số phiếu giới thiệu đạt từ 30% trở lên"). ``tied_only``: for ``at_threshold``,
    the rule speaks only of two or more people tied exactly at the threshold ("Trường hợp
    2 người có số phiếu ngang nhau đạt tỷ lệ 50%"); one person alone at it is then not
    covered and the step goes on to ``none_reaches``.
    """

    action: FallbackAction
    cite: Citation
    n: int = 0  # for TOP_N: how many go on
    floor: Bound | None = None
    tied_only: bool = False


def fraction_text_vi(bound: Bound) -> str:
    """``tối thiểu 2/3`` or ``trên 2/3``: a share written as the text writes a fraction."""
    f = bound.fraction
    shown = f"{f.numerator}/{f.denominator}"
    return f"tối thiểu {shown}" if bound.inclusive else f"trên {shown}"


@dataclass(frozen=True)
class WriteIn:
    """A step whose voters may name, besides the earlier step's list, another person who
    meets the standards (NĐ 170/2025 Điều 33 khoản 2 điểm c, bước 3: "hoặc giới thiệu người
    khác có đủ tiêu chuẩn, điều kiện theo quy định").

    The step's ballot list is the earlier step's list followed by the other eligible people
    (the write-ins). The step is decided by its ordinary rule; a write-in that rule would
    send on must also reach ``threshold`` of ``base`` ("Người được lựa chọn phải được tối
    thiểu 2/3 tổng số thành viên tập thể lãnh đạo giới thiệu"), else ``below`` applies.
    """

    cite: Citation  # the clause that lets a voter name another eligible person
    threshold: Threshold
    base: StepBase
    below: Fallback

    def reached(self, votes: int, base: int) -> bool:
        """Exact: ``den·votes >= num·base`` (``>`` when not inclusive)."""
        return self.threshold.reached(votes, base)

    @property
    def text_vi(self) -> str:
        """``tối thiểu 2/3 tổng số người được triệu tập``."""
        return fraction_text_vi(self.threshold.bound)


@dataclass(frozen=True)
class StepRule:
    """One step (bước) of a procedure."""

    id: str
    number: int  # the step's number in the text ("Bước 2")
    title_vi: str
    title_en: str
    body: Body
    ballot: BallotKind
    k: int  # choose_at_most: how many names a ballot may carry (1 for agree_disagree)
    seats: int  # how many people this step selects
    candidates_from: str | None  # None: the eligible list; else the id of an earlier step
    base: StepBase
    threshold: Threshold | None  # None: advisory (the result is recorded, not decisive)
    select: SelectRule
    quorum: Bound | None
    cite: Citation  # who votes and how (the step's own clause)
    base_cite: Citation
    quorum_cite: Citation | None
    at_threshold: Fallback | None  # e.g. "đạt tỷ lệ 50% thì do người đứng đầu quyết định"
    tie: Fallback
    none_reaches: Fallback
    next: str | None
    announce_at_meeting: bool = True  # QĐ 105: results not announced at the step-2 meeting
    note: str = ""
    below_floor: Fallback | None = None  # with none_reaches all_above_floor: nobody reaches it
    write_in: WriteIn | None = None  # voters may also name other eligible people


@dataclass(frozen=True)
class ProcedureSource:
    """The document a procedure comes from and whether it is still in force."""

    document: str
    issuer: str
    date: str
    url: str
    in_force_from: str
    superseded_by: str  # empty when not known to be replaced
    superseded_on: str
    verified: bool
    uncertain: tuple[str, ...]


@dataclass(frozen=True)
class Procedure:
    """A personnel-vote procedure (quy trình bổ nhiệm / bổ nhiệm lại), e.g.
    ``appointment-qd80-2022``."""

    id: str
    title_vi: str
    title_en: str
    applies_to_vi: str
    applies_to_en: str
    purpose: str  # appointment | reappointment
    source: ProcedureSource
    steps: tuple[StepRule, ...]
    citations: tuple[Citation, ...]
    path: Path | None = None

    def step(self, step_id: str) -> StepRule:
        """The step ``step_id``; ``InputError`` naming the known ones otherwise."""
        for s in self.steps:
            if s.id == step_id:
                return s
        known = ", ".join(s.id for s in self.steps)
        raise InputError(f"procedure '{self.id}' has no step '{step_id}' (steps: {known})")

    @property
    def first(self) -> StepRule:
        """The first step."""
        return self.steps[0]

    @property
    def in_force(self) -> bool:
        """Not known to be replaced by a later text."""
        return not self.source.superseded_by

    def step_citations(self) -> tuple[Citation, ...]:
        """Every clause the steps apply: who votes, the base, the threshold and quorum,
        and each fallback (tie, exactly the threshold, nobody reaches, below the floor)."""
        out: list[Citation] = []
        for s in self.steps:
            fallbacks = (s.at_threshold, s.tie, s.none_reaches, s.below_floor)
            found = [s.cite, s.base_cite, s.quorum_cite]
            found += [s.threshold.cite if s.threshold is not None else None]
            found += [f.cite for f in fallbacks if f is not None]
            if s.write_in is not None:
                w = s.write_in
                found += [w.cite, w.threshold.cite, w.below.cite]
            out += [c for c in found if c is not None and c not in out]
        return tuple(out)

    @property
    def checked(self) -> str:
        """How far the procedure was checked against its text: ``official`` (the source
        itself was read and confirmed), ``text`` (every clause a step applies was read word
        for word, in a copy of the text or a source quoting it, or searched for in the text
        read and not there), ``partly`` (some were), ``unchecked`` (none)."""
        if self.source.verified:
            return "official"
        cites = self.step_citations()
        if not any(c.verified for c in cites):
            return "unchecked"
        # A clause the text was searched for and does not contain (a tie it never mentions)
        # counts as read, once the text itself was read for the others.
        read = sum(1 for c in cites if c.verified or c.source_kind is SourceKind.NOT_FOUND)
        return "text" if read == len(cites) else "partly"

    @property
    def standing_vi(self) -> str:
        """One line a person choosing a procedure reads: in force or replaced, and how far
        its clauses were checked against the text."""
        checked = {
            "official": "đã đối chiếu văn bản chính thức",
            "text": "từng điều khoản đã đối chiếu nguyên văn (bản sao văn bản)",
            "partly": "một phần điều khoản chưa đối chiếu được văn bản",
            "unchecked": "chưa đối chiếu được văn bản",
        }[self.checked]
        if self.in_force:
            return f"đang áp dụng; {checked}"
        when = self.source.superseded_on
        since = f" từ {when[8:10]}/{when[5:7]}/{when[:4]}" if len(when) == 10 else ""
        return f"hết hiệu lực{since}, thay bằng {self.source.superseded_by}; {checked}"

    @property
    def standing_en(self) -> str:
        """``standing_vi`` in English."""
        checked = {
            "official": "checked against the official text",
            "text": "every clause read word for word (in a copy of the text)",
            "partly": "some clauses not checked against the text",
            "unchecked": "not checked against the text",
        }[self.checked]
        if self.in_force:
            return f"in force; {checked}"
        when = self.source.superseded_on
        since = f" on {when}" if when else ""
        return f"replaced{since} by {self.source.superseded_by}; {checked}"


@dataclass(frozen=True)
class BallotSpec:
    """What the booth shows for a step: the kind, how many names at most, the options."""

    kind: BallotKind
    k: int
    candidates: tuple[str, ...]
    options: tuple[str, ...]  # agree_disagree: (agree, disagree); choose: the candidates
    allow_blank: bool = True


@dataclass(frozen=True)
class StepCounts:
    """The tally of one step (biên bản kiểm phiếu).

    ``votes``: for ``choose_at_most``, candidate → number of ballots naming them; for
    ``agree_disagree``, candidate → ``{"agree": a, "disagree": d}`` (blank rows are the
    rest of the valid ballots). ``invalid`` ballots are not counted for anyone.
    """

    summoned: int
    present: int
    returned: int
    invalid: int = 0
    votes: Mapping[str, int | Mapping[str, int]] = field(default_factory=dict)

    @property
    def valid(self) -> int:
        """Ballots returned and valid."""
        return self.returned - self.invalid


@dataclass(frozen=True)
class Reason:
    """One clause that decided part of a step's outcome, and what it decided."""

    code: str
    text_vi: str
    text_en: str
    cite: Citation


@dataclass(frozen=True)
class CandidateResult:
    """One candidate's count, share of the base and whether the threshold is reached."""

    name: str
    votes: int
    disagree: int | None
    share: Fraction
    reached: bool
    exactly_at_threshold: bool


@dataclass(frozen=True)
class StepDecision:
    """What a step's counts decide, and which clauses decided it.

    ``advancing``: who is on the next step's list (empty while ``pending``). ``next_step``:
    the id of the next step (the same step for a revote; None when the procedure ends or
    waits on a person). ``selected``: who passed by reaching the threshold. ``concerned``:
    the names a person must decide between (tie, exactly the threshold, not in the text).
    """

    procedure_id: str
    step_id: str
    status: StepStatus
    base: int
    base_kind: StepBase
    results: tuple[CandidateResult, ...]
    selected: tuple[str, ...]
    advancing: tuple[str, ...]
    concerned: tuple[str, ...]
    next_step: str | None
    action: FallbackAction | None
    pending: bool
    previous_step: str | None
    reasons: tuple[Reason, ...]

    @property
    def cites(self) -> tuple[Citation, ...]:
        """Every clause that decided this outcome, in order, without repeats."""
        seen: list[Citation] = []
        for r in self.reasons:
            if r.cite not in seen:
                seen.append(r.cite)
        return tuple(seen)

    @property
    def share(self) -> dict[str, Fraction]:
        """Exact share of the base per candidate."""
        return {r.name: r.share for r in self.results}


def ballot_for(proc: Procedure, step_id: str, candidates: Sequence[str]) -> BallotSpec:
    """The ballot of ``step_id`` for these candidates (what the booth must encode)."""
    step = proc.step(step_id)
    names = _check_names(candidates, where=f"{proc.id}.{step_id}")
    if step.ballot is BallotKind.AGREE_DISAGREE:
        return BallotSpec(step.ballot, 1, names, (AGREE, DISAGREE))
    return BallotSpec(step.ballot, min(step.k, len(names)), names, names)


def _check_names(candidates: Sequence[str], *, where: str) -> tuple[str, ...]:
    names = tuple(candidates)
    if not names:
        raise InputError("the list of candidates is empty", where=where)
    if len(set(names)) != len(names):
        raise InputError("a candidate is listed twice", where=where)
    if BLANK in names:
        raise InputError(f"'{BLANK}' is reserved for a blank ballot", where=where)
    return names


def _whole(value: object, name: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"{name} must be a whole number >= 0, got {value!r}", where=where)
    return value


def _tally(
    step: StepRule, counts: StepCounts, names: tuple[str, ...], where: str
) -> dict[str, tuple[int, int | None]]:
    """Candidate → (votes for, votes against or None), checked against the ballots."""
    summoned = _whole(counts.summoned, "summoned", where)
    present = _whole(counts.present, "present", where)
    returned = _whole(counts.returned, "returned", where)
    invalid = _whole(counts.invalid, "invalid", where)
    if present > summoned:
        raise InputError(f"present ({present}) > summoned ({summoned})", where=where)
    if returned > present:
        raise InputError(f"ballots returned ({returned}) > present ({present})", where=where)
    if invalid > returned:
        raise InputError(f"invalid ({invalid}) > returned ({returned})", where=where)
    valid = returned - invalid
    unknown = sorted(set(counts.votes) - set(names))
    if unknown:
        raise InputError(
            f"votes for names not on this step's list: {', '.join(unknown)}", where=where
        )
    out: dict[str, tuple[int, int | None]] = {}
    if step.ballot is BallotKind.CHOOSE_AT_MOST:
        for name in names:
            raw = counts.votes.get(name, 0)
            if isinstance(raw, Mapping):
                raise InputError(
                    f"'{name}': a choose ballot counts a number per name, not agree/disagree",
                    where=where,
                )
            v = _whole(raw, f"votes['{name}']", where)
            if v > valid:
                raise InputError(f"'{name}' has {v} votes > {valid} valid ballots", where=where)
            out[name] = (v, None)
        total = sum(v for v, _ in out.values())
        k = min(step.k, len(names))
        if total > k * valid:
            raise InputError(
                f"{total} names marked on {valid} valid ballots of at most {k} names each",
                where=where,
            )
        return out
    for name in names:
        raw = counts.votes.get(name, {})
        if not isinstance(raw, Mapping):
            raise InputError(
                f"'{name}': an agree/disagree ballot counts {{agree, disagree}}, got {raw!r}",
                where=where,
            )
        extra = sorted(set(raw) - {AGREE, DISAGREE})
        if extra:
            raise InputError(f"'{name}': unknown options {', '.join(extra)}", where=where)
        a = _whole(raw.get(AGREE, 0), f"votes['{name}'].agree", where)
        d = _whole(raw.get(DISAGREE, 0), f"votes['{name}'].disagree", where)
        if a + d > valid:
            raise InputError(
                f"'{name}': {a} agree + {d} disagree > {valid} valid ballots", where=where
            )
        out[name] = (a, d)
    return out


def _base(step: StepRule, counts: StepCounts) -> int:
    return {
        StepBase.SUMMONED: counts.summoned,
        StepBase.PRESENT: counts.present,
        StepBase.RETURNED: counts.returned,
        StepBase.VALID: counts.valid,
    }[step.base]


def _cut(ranked: list[tuple[str, int]], n: int) -> tuple[list[str], list[str]]:
    """The ``n`` highest: (clearly in, tied at the cut). Ties at the cut are not split."""
    if n <= 0 or not ranked:
        return [], []
    if len(ranked) <= n:
        return [name for name, _ in ranked], []
    edge = ranked[n - 1][1]
    above = [name for name, v in ranked if v > edge]
    at = [name for name, v in ranked if v == edge]
    if len(above) + len(at) <= n:
        return above + at, []
    return above, at


def decide_step(
    proc: Procedure,
    step_id: str,
    counts: StepCounts,
    *,
    candidates: Sequence[str],
    write_ins: Sequence[str] = (),
) -> StepDecision:
    """Decide ``step_id`` from ``counts`` over ``candidates`` (the step's list).

    ``write_ins``: the names on the list that are not on the earlier step's list (a step
    with ``write_in`` only; they come last on the ballot). The ordinary rule decides; a
    write-in it would send on must also reach the write-in threshold, else the step's
    ``write_in.below`` applies (status ``write_in_short``).

    Raises ``InputError`` (with ``where`` = ``procedure.step``) on inconsistent counts.
    """
    step = proc.step(step_id)
    where = f"{proc.id}.{step.id}"
    names = _check_names(candidates, where=where)
    extra = _check_write_ins(step, names, write_ins, where=where)
    tally = _tally(step, counts, names, where)
    base = _base(step, counts)
    reasons: list[Reason] = [
        Reason(
            "step",
            f"Bước {step.number}: {step.title_vi} ({step.body.label})",
            f"Step {step.number}: {step.title_en}",
            step.cite,
        )
    ]
    previous = step.candidates_from
    if previous is not None:
        prev = proc.step(previous)
        reasons.append(
            Reason(
                "list_from_previous",
                f"Danh sách gồm những người được chọn ở bước {prev.number} ({prev.title_vi})",
                f"The list is who went on from step {prev.number} ({prev.title_en})",
                prev.cite,
            )
        )
        if step.write_in is not None and extra:
            reasons.append(
                Reason(
                    "write_ins",
                    f"Giới thiệu thêm người khác có đủ tiêu chuẩn, điều kiện (ngoài danh sách"
                    f" bước {prev.number}): {', '.join(extra)}",
                    f"Also named, other eligible people (not on step {prev.number}'s list):"
                    f" {', '.join(extra)}",
                    step.write_in.cite,
                )
            )

    def done(
        status: StepStatus,
        *,
        selected: Sequence[str] = (),
        advancing: Sequence[str] = (),
        concerned: Sequence[str] = (),
        next_step: str | None = None,
        action: FallbackAction | None = None,
        results: tuple[CandidateResult, ...] = (),
    ) -> StepDecision:
        sends_on = next_step is not None and next_step != step.id
        if extra and sends_on and not (action is not None and action.pending):
            assert step.write_in is not None
            going = [n for n in advancing if n in extra]
            short = _write_in_check(step.write_in, going, tally, counts, reasons)
            if short:
                below = step.write_in.below.action
                status, action = StepStatus.WRITE_IN_SHORT, below
                if below is FallbackAction.REVOTE:
                    advancing, next_step = names, step.id
                else:
                    advancing, next_step = (), None
                    concerned = names if below.pending else ()
        pending = action.pending if action is not None else False
        return StepDecision(
            procedure_id=proc.id,
            step_id=step.id,
            status=status,
            base=base,
            base_kind=step.base,
            results=results,
            selected=tuple(selected),
            advancing=() if pending else tuple(advancing),
            concerned=tuple(concerned),
            next_step=None if pending else next_step,
            action=action,
            pending=pending,
            previous_step=previous,
            reasons=tuple(reasons),
        )

    if step.quorum is not None:
        assert step.quorum_cite is not None
        met = step.quorum.admits_from_below(counts.present, counts.summoned)
        op = ">=" if step.quorum.inclusive else ">"
        reasons.append(
            Reason(
                "quorum",
                f"Số người có mặt {counts.present}/{counts.summoned}"
                f" ({'đạt' if met else 'không đạt'} {op} {step.quorum.fraction})",
                f"Present {counts.present} of {counts.summoned}"
                f" ({'met' if met else 'not met'}: {op} {step.quorum.fraction})",
                step.quorum_cite,
            )
        )
        if not met:
            return done(StepStatus.QUORUM_NOT_MET, next_step=step.id, action=FallbackAction.REVOTE)
    if base == 0:
        raise InputError(f"the base ({step.base}) is zero: nothing can be decided", where=where)

    thr = step.threshold
    results = tuple(
        CandidateResult(
            name,
            v,
            d,
            Fraction(v, base),
            thr.reached(v, base) if thr is not None else False,
            thr.exactly(v, base) if thr is not None else False,
        )
        for name, (v, d) in tally.items()
    )
    reasons.append(
        Reason(
            "base",
            f"Tỷ lệ tính trên {step.base.label}: N = {base}",
            f"Shares are of {step.base.label}: N = {base}",
            step.base_cite,
        )
    )
    if thr is None:
        reasons.append(
            Reason(
                "advisory",
                "Bước lấy ý kiến: kết quả được ghi nhận, không có ngưỡng",
                "Advisory step: the result is recorded, there is no threshold",
                step.cite,
            )
        )
        return done(StepStatus.RECORDED, advancing=names, next_step=step.next, results=results)

    reasons.append(
        Reason(
            "threshold",
            f"Ngưỡng: {thr.text_vi} ({thr.formula()}, N = {base})",
            f"Threshold: {thr.formula()} with N = {base}",
            thr.cite,
        )
    )
    ranked = sorted(((r.name, r.votes) for r in results), key=lambda p: (-p[1], names.index(p[0])))
    reached = {r.name for r in results if r.reached}
    reaching = [(n, v) for n, v in ranked if n in reached]

    tied: list[str]
    if step.select is SelectRule.ALL_REACHING:
        chosen, tied = [n for n, _ in reaching], []
    else:
        chosen, tied = _cut(reaching, step.seats)

    def tie_at_cut(kept: list[str], at_cut: list[str]) -> StepDecision:
        """``kept`` are clear of the cut, ``at_cut`` tied at it: the step's tie rule."""
        reasons.append(_tie_reason(step, at_cut))
        advancing, next_step = _tie_route(step, kept, at_cut)
        return done(
            StepStatus.TIE,
            selected=chosen,
            advancing=advancing,
            concerned=at_cut,
            next_step=next_step,
            action=step.tie.action,
            results=results,
        )

    if tied:
        return tie_at_cut(chosen, tied)
    if chosen and (step.select is SelectRule.ALL_REACHING or len(chosen) == step.seats):
        reasons.append(
            Reason(
                "selected",
                f"Đạt ngưỡng và được chọn: {', '.join(chosen)}",
                f"Reached the threshold and selected: {', '.join(chosen)}",
                thr.cite,
            )
        )
        return done(
            StepStatus.PASSED,
            selected=chosen,
            advancing=chosen,
            next_step=step.next,
            results=results,
        )

    # Fewer than the seats reached the threshold.
    at = [r.name for r in results if r.exactly_at_threshold and not r.reached]
    if step.at_threshold is not None and step.at_threshold.tied_only and len(at) < 2:
        at = []
    if step.at_threshold is not None and at:
        fb = step.at_threshold
        reasons.append(
            Reason(
                "at_threshold",
                f"Đạt đúng {thr.bound.fraction * 100}%: {', '.join(at)} — {fb.action.label}",
                f"Exactly at the threshold: {', '.join(at)} — {fb.action.label}",
                fb.cite,
            )
        )
        return done(
            StepStatus.AT_THRESHOLD,
            selected=chosen,
            advancing=[*chosen, *at],
            concerned=at,
            next_step=step.next,
            action=fb.action,
            results=results,
        )
    fb = step.none_reaches
    reasons.append(
        Reason(
            "none_reaches",
            f"Không đủ người đạt ngưỡng ({len(chosen)}/{step.seats}) — {fb.action.label}",
            f"Too few reached the threshold ({len(chosen)} of {step.seats}) — {fb.action.label}",
            fb.cite,
        )
    )
    if fb.action is FallbackAction.TOP_N:
        positive = [(n, v) for n, v in ranked if v > 0]
        top, top_tied = _cut(positive, fb.n)
        if top_tied:
            return tie_at_cut(top, top_tied)
        return done(
            StepStatus.NONE_REACHED,
            selected=chosen,
            advancing=top,
            next_step=step.next,
            action=fb.action,
            results=results,
        )
    if fb.action is FallbackAction.ALL_ABOVE_FLOOR:
        floor = fb.floor
        assert floor is not None
        floor_vi = share_text_vi(floor)
        floor_en = floor.formula("v", lower=True)
        above = [n for n, v in ranked if floor.admits_from_below(v, base)]
        if above:
            reasons.append(
                Reason(
                    "floor",
                    f"Đạt mức sàn {floor_vi}: {', '.join(above)}",
                    f"At or above the floor ({floor_en}, N = {base}): {', '.join(above)}",
                    fb.cite,
                )
            )
            return done(
                StepStatus.NONE_REACHED,
                selected=chosen,
                advancing=above,
                next_step=step.next,
                action=fb.action,
                results=results,
            )
        below = step.below_floor
        assert below is not None
        fb = below
        reasons.append(
            Reason(
                "below_floor",
                f"Không ai đạt mức sàn {floor_vi} — {fb.action.label}",
                f"Nobody reached the floor ({floor_en}, N = {base}) — {fb.action.label}",
                fb.cite,
            )
        )
    if fb.action is FallbackAction.REVOTE:
        return done(
            StepStatus.NONE_REACHED,
            selected=chosen,
            advancing=names,
            next_step=step.id,
            action=fb.action,
            results=results,
        )
    if fb.action is FallbackAction.ALL_ADVANCE:
        return done(
            StepStatus.NONE_REACHED,
            selected=chosen,
            advancing=names,
            next_step=step.next,
            action=fb.action,
            results=results,
        )
    return done(
        StepStatus.NONE_REACHED,
        selected=chosen,
        concerned=names if fb.action.pending else (),
        action=fb.action,
        results=results,
    )


def _check_write_ins(
    step: StepRule, names: tuple[str, ...], write_ins: Sequence[str], *, where: str
) -> tuple[str, ...]:
    """The write-ins, checked: only a step with ``write_in``, each on the list once."""
    extra = tuple(write_ins)
    if not extra:
        return ()
    if step.write_in is None:
        raise InputError(
            f"step {step.id} takes no write-ins (its list is the earlier step's)", where=where
        )
    if len(set(extra)) != len(extra):
        raise InputError("a write-in is named twice", where=where)
    unknown = [n for n in extra if n not in names]
    if unknown:
        raise InputError(f"write-ins not on the list: {', '.join(unknown)}", where=where)
    if len(extra) >= len(names):
        raise InputError("the list holds nobody from the earlier step", where=where)
    return extra


def _write_in_check(
    w: WriteIn,
    going: list[str],
    tally: Mapping[str, tuple[int, int | None]],
    counts: StepCounts,
    reasons: list[Reason],
) -> list[str]:
    """Check the write-ins the ordinary rule sends on against the write-in threshold; add
    the reasons; return those short of it."""
    if not going:
        return []
    base = {
        StepBase.SUMMONED: counts.summoned,
        StepBase.PRESENT: counts.present,
        StepBase.RETURNED: counts.returned,
        StepBase.VALID: counts.valid,
    }[w.base]
    formula = w.threshold.formula()
    reached = [n for n in going if w.reached(tally[n][0], base)]
    short = [n for n in going if n not in reached]
    if reached:
        reasons.append(
            Reason(
                "write_in_reached",
                f"Người giới thiệu thêm đạt {w.text_vi} {w.base.label} ({formula}, N = {base}):"
                f" {', '.join(reached)}",
                f"Named from outside the list and reaching {formula} with N = {base}:"
                f" {', '.join(reached)}",
                w.threshold.cite,
            )
        )
    if short:
        reasons.append(
            Reason(
                "write_in_below",
                f"Người giới thiệu thêm không đạt {w.text_vi} {w.base.label} ({formula},"
                f" N = {base}): {', '.join(short)} — {w.below.action.label}",
                f"Named from outside the list, short of {formula} with N = {base}:"
                f" {', '.join(short)} — {w.below.action.label}",
                w.below.cite,
            )
        )
    return short


def _tie_route(step: StepRule, clear: list[str], tied: list[str]) -> tuple[list[str], str | None]:
    """Who goes on, and to which step, under the step's tie rule."""
    action = step.tie.action
    if action is FallbackAction.REVOTE:
        return tied, step.id
    return [*clear, *tied], step.next


def _tie_reason(step: StepRule, tied: list[str]) -> Reason:
    fb = step.tie
    return Reason(
        "tie",
        f"Bằng phiếu ở vị trí cuối: {', '.join(tied)} — {fb.action.label}",
        f"Tie at the cut: {', '.join(tied)} — {fb.action.label}",
        fb.cite,
    )
