"""The shape of a rule version (quy định / nghị quyết), as loaded from its TOML file.

Everything here is plain, frozen data; the loader (``loader.py``) builds it and checks it,
the evaluator (``evaluate.py``) applies it. Thresholds are exact ``Fraction``s and every
comparison is an integer cross-multiplication.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from pathlib import Path

__all__ = [
    "UNVERIFIED_MARK",
    "Band",
    "BlankRow",
    "Bound",
    "Citation",
    "Consequence",
    "Denominator",
    "ExemptionKind",
    "ExemptionRule",
    "FormalFollowUp",
    "FormalOption",
    "FormalTrigger",
    "Level",
    "Quorum",
    "RequestThreshold",
    "ResignationClosure",
    "RoundKind",
    "Rule",
    "Source",
    "SourceKind",
    "TimeLimit",
    "free_citation",
]


class Level(StrEnum):
    """The three levels of a confidence poll (lấy phiếu tín nhiệm)."""

    HIGH = "high"  # tín nhiệm cao
    CONFIDENT = "confident"  # tín nhiệm
    LOW = "low"  # tín nhiệm thấp


class FormalOption(StrEnum):
    """The two options of a formal confidence vote (bỏ phiếu tín nhiệm)."""

    CONFIDENCE = "confidence"  # tín nhiệm
    NO_CONFIDENCE = "no_confidence"  # không tín nhiệm


class RoundKind(StrEnum):
    """What a rule governs: a three-level poll or a two-option formal vote."""

    POLL = "poll"
    FORMAL_VOTE = "formal_vote"


class Denominator(StrEnum):
    """The base N of every percentage and threshold of a rule."""

    RETURNED = "returned"  # tổng số phiếu thu về
    MEMBERS = "members"  # tổng số đại biểu / thành viên của cơ quan


class BlankRow(StrEnum):
    """How a returned ballot with no valid mark for one official is counted for that official.

    ``invalid``: the row is invalid (Party rule: no mark, two or three marks, crossed-out
    name). ``no_mark``: the ballot stays valid, the official simply gets no mark from it
    (National Assembly practice). Either way the row stays in a ``returned`` base.
    """

    INVALID = "invalid"
    NO_MARK = "no_mark"


class FormalFollowUp(StrEnum):
    """Whether a formal vote (bỏ phiếu tín nhiệm) follows a poll band."""

    NONE = "none"
    POSSIBLE = "possible"  # one of the options the authority may choose
    IF_NOT_RESIGNED = "if_not_resigned"  # held unless the official resigns
    REQUIRED = "required"  # held

    @property
    def follows(self) -> bool:
        """True when the rule says a formal vote is held (unless, maybe, a resignation)."""
        return self in (FormalFollowUp.REQUIRED, FormalFollowUp.IF_NOT_RESIGNED)


class SourceKind(StrEnum):
    """Where the text of a cited clause was read, which decides whether it counts as checked.

    Only the first two can back ``verified = true``: the official text itself, or a source
    (press, a legal Q&A) that quotes the clause word for word.
    """

    OFFICIAL_TEXT = "official_text"  # văn bản gốc
    VERBATIM_QUOTE = "verbatim_quote"  # báo chí / hỏi đáp trích nguyên văn điều khoản
    PARAPHRASE = "paraphrase"  # báo chí tóm tắt bằng lời của mình: không đủ để đối chiếu
    NOT_FOUND = "not_found"  # không tìm được văn bản
    UNCHECKED = "unchecked"  # trích dẫn dạng chữ tự do, chưa ai đối chiếu

    @property
    def can_verify(self) -> bool:
        """True for the kinds of source that may back ``verified = true``."""
        return self in (SourceKind.OFFICIAL_TEXT, SourceKind.VERBATIM_QUOTE)


_KIND_VI = {
    SourceKind.OFFICIAL_TEXT: "văn bản gốc / official text",
    SourceKind.VERBATIM_QUOTE: "trích nguyên văn / quoted word for word",
    SourceKind.PARAPHRASE: "báo chí tóm tắt / paraphrase",
    SourceKind.NOT_FOUND: "không tìm thấy văn bản / text not found",
    SourceKind.UNCHECKED: "chưa đối chiếu / not checked",
}

UNVERIFIED_MARK = "chưa đối chiếu văn bản / unverified"


@dataclass(frozen=True)
class Citation:
    """One cited clause (trích dẫn): document, article, clause, a short quote, and where it
    was read. ``verified`` is true only when the clause was read in the official text or in
    a source quoting it word for word (``source_kind``); the loader enforces it.

    ``article``/``clause`` may be empty when the source that was read did not give them:
    the label then says so instead of guessing a number.
    """

    document: str
    date: str = ""
    article: str = ""
    clause: str = ""
    quote: str = ""
    url: str = ""
    source_kind: SourceKind = SourceKind.UNCHECKED
    source: str = ""  # who published what was read, e.g. "Cổng TTĐT Chính phủ, 03/07/2023"
    verified: bool = False
    note: str = ""
    key: str = ""

    @property
    def label(self) -> str:
        """``NQ 96/2023/QH15, Điều 13, khoản 1``; says when the article is not confirmed."""
        if self.source_kind is SourceKind.UNCHECKED:
            return self.document
        if self.source_kind is SourceKind.NOT_FOUND and not self.article:
            return f"{self.document} — không tìm thấy điều khoản / no clause found"
        parts = [self.document]
        if self.article:
            parts.append(self.article)
        if self.clause:
            parts.append(self.clause)
        if not self.article:
            parts.append("điều, khoản chưa xác định / article not confirmed")
        return ", ".join(parts)

    @property
    def display(self) -> str:
        """The label, marked when the clause was not checked against its text."""
        return self.label if self.verified else f"{self.label} [{UNVERIFIED_MARK}]"

    @property
    def kind_text(self) -> str:
        """The kind of source, Vietnamese / English."""
        return _KIND_VI[self.source_kind]


def free_citation(text: str) -> Citation:
    """A citation written as free text (older rule files): nobody checked it."""
    return Citation(document=text, source_kind=SourceKind.UNCHECKED)


class ExemptionKind(StrEnum):
    """The conditions under which an official is not polled (không lấy phiếu)."""

    RETIREMENT_NOTICE = "retirement_notice"  # đã có thông báo nghỉ hưu
    TOOK_OFFICE_IN_POLL_YEAR = "took_office_in_poll_year"  # được bầu/bổ nhiệm trong năm
    SERIOUS_ILLNESS = "serious_illness"  # nghỉ chữa bệnh hiểm nghèo ≥ N tháng liên tục
    IN_POST_UNDER = "in_post_under"  # giữ chức vụ chưa đủ N tháng


@dataclass(frozen=True)
class Bound:
    """One end of a band: ``count / N`` compared with ``fraction``.

    As a lower bound it reads ``count/N > fraction`` (exclusive) or ``>=`` (inclusive); as
    an upper bound ``count/N < fraction`` or ``<=``. Checked as ``den·count ? num·N``.
    """

    fraction: Fraction
    inclusive: bool

    def admits_from_below(self, count: int, base: int) -> bool:
        """As a lower bound: is ``count/base`` above (or at, if inclusive) the fraction?"""
        left = self.fraction.denominator * count
        right = self.fraction.numerator * base
        return left >= right if self.inclusive else left > right

    def admits_from_above(self, count: int, base: int) -> bool:
        """As an upper bound: is ``count/base`` below (or at, if inclusive) the fraction?"""
        left = self.fraction.denominator * count
        right = self.fraction.numerator * base
        return left <= right if self.inclusive else left < right

    def formula(self, symbol: str, *, lower: bool) -> str:
        """The integer inequality, e.g. ``2L > N`` or ``3L >= 2N``."""
        den, num = self.fraction.denominator, self.fraction.numerator
        left = symbol if den == 1 else f"{den}{symbol}"
        right = "N" if num == 1 else f"{num}N"
        if lower:
            op = ">=" if self.inclusive else ">"
        else:
            op = "<=" if self.inclusive else "<"
        return f"{left} {op} {right}"


@dataclass(frozen=True)
class Consequence:
    """What a rule attaches to a band (hệ quả): from the rule ``rule_id``, clause ``citation``.

    ``mandatory`` marks a trigger the body must act on (e.g. dismissal, miễn nhiệm);
    ``resignation`` marks the resignation path (từ chức), which a mandatory trigger closes
    where the rule says so.
    """

    code: str
    text_vi: str
    text_en: str
    citation: str
    rule_id: str
    mandatory: bool = False
    resignation: bool = False
    cite: Citation | None = None


@dataclass(frozen=True)
class Band:
    """A band of the measured count (usually LOW marks): ``lower`` < share < ``upper``."""

    id: str
    title_vi: str
    title_en: str
    measure: str
    lower: Bound | None
    upper: Bound | None
    consequences: tuple[Consequence, ...]
    formal_vote: FormalFollowUp = FormalFollowUp.NONE
    cite: Citation | None = None  # the clause that sets this band's bounds

    def contains(self, count: int, base: int) -> bool:
        """Does ``count`` of ``base`` fall in this band? Exact integer comparison."""
        if self.lower is not None and not self.lower.admits_from_below(count, base):
            return False
        return self.upper is None or self.upper.admits_from_above(count, base)

    def formula(self, symbol: str = "L") -> str:
        """The band as integer inequalities, e.g. ``2L > N and 3L < 2N``."""
        parts: list[str] = []
        if self.lower is not None:
            parts.append(self.lower.formula(symbol, lower=True))
        if self.upper is not None:
            parts.append(self.upper.formula(symbol, lower=False))
        return " and ".join(parts) if parts else "always"


@dataclass(frozen=True)
class Quorum:
    """The conference opens only if ``present / summoned`` reaches ``fraction``."""

    fraction: Fraction
    inclusive: bool
    citation: str
    cite: Citation | None = None

    def met(self, present: int, summoned: int) -> bool:
        """Exact check: ``den·present >= num·summoned`` (or ``>`` when exclusive)."""
        left = self.fraction.denominator * present
        right = self.fraction.numerator * summoned
        return left >= right if self.inclusive else left > right


@dataclass(frozen=True)
class ExemptionRule:
    """A reason not to poll an official (trường hợp không lấy phiếu)."""

    code: str
    kind: ExemptionKind
    reason_vi: str
    reason_en: str
    citation: str
    months: int | None = None
    cite: Citation | None = None


@dataclass(frozen=True)
class RequestThreshold:
    """Share of a body's members whose request calls a formal vote (e.g. 20% of deputies)."""

    body: str
    fraction: Fraction
    inclusive: bool
    citation: str
    cite: Citation | None = None


@dataclass(frozen=True)
class ResignationClosure:
    """ "Mandatory dismissal closes the resignation path", and where the rule says it."""

    closed_by_mandatory: bool
    citation: str
    text_vi: str
    text_en: str
    cite: Citation | None = None


@dataclass(frozen=True)
class FormalTrigger:
    """A case in which a formal confidence vote is held (trường hợp bỏ phiếu tín nhiệm)."""

    vi: str
    en: str
    citation: str
    cite: Citation | None = None
    body: str = ""  # national_assembly, peoples_council, or "" for both


@dataclass(frozen=True)
class TimeLimit:
    """A time limit or timing the rule sets (thời hạn, thời điểm), with its citation."""

    code: str
    vi: str
    en: str
    citation: str
    cite: Citation | None = None


@dataclass(frozen=True)
class Source:
    """Where a rule comes from, and what about its text we could not confirm."""

    document: str
    issuer: str
    date: str
    url: str
    verified: bool
    uncertain: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """One rule version (phiên bản quy định), e.g. ``qd96-2023`` or ``nq96-2023``."""

    id: str
    kind: RoundKind
    title_vi: str
    title_en: str
    source: Source
    levels: tuple[str, ...]
    level_labels: tuple[tuple[str, str, str], ...]  # (code, vi, en)
    denominator: Denominator
    quorum: Quorum | None
    bands: tuple[Band, ...]
    exemptions: tuple[ExemptionRule, ...]
    blank_row: BlankRow
    invalid_rows_in_base: bool
    resignation: ResignationClosure
    formal_rule: str | None
    formal_triggers: tuple[FormalTrigger, ...]
    request_thresholds: tuple[RequestThreshold, ...]
    applies_to_vi: str
    applies_to_en: str
    path: Path | None = None
    denominator_cite: Citation | None = None  # the clause that sets the base N
    quorum_cite: Citation | None = None  # the clause on the quorum (or that none was found)
    time_limits: tuple[TimeLimit, ...] = ()
    citations: tuple[Citation, ...] = ()  # every [citations.KEY] table, in file order

    @property
    def measure_symbol(self) -> str:
        """The letter used in band formulas: ``L`` (low) or ``K`` (no confidence)."""
        return "L" if self.kind is RoundKind.POLL else "K"

    def label(self, level: str) -> tuple[str, str]:
        """The (Vietnamese, English) label of a level or option code."""
        for code, vi, en in self.level_labels:
            if code == level:
                return vi, en
        return level, level
