"""The tally minutes (biên bản kiểm phiếu) as one data structure, whatever the source.

:class:`MinutesData` is built from an electronic election record or from a paper (or
mixed, or hand-counted totals) round, and the PDF, XLSX and CSV renderers read only it.
Every count is an integer and every percentage an exact ``Fraction`` (count / N of the
rule); strings are made only when rendering.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

from tinnhiem.errors import InputError
from tinnhiem.paper import LevelCounts, LogEvent, NotReady, PaperSession, PaperTally
from tinnhiem.rules import (
    BlankRow,
    Consequence,
    Denominator,
    FormalCounts,
    FormalOption,
    Level,
    Outcome,
    PollCounts,
    QuorumCheck,
    QuorumStatus,
    RoundKind,
    Rule,
    evaluate_formal,
    evaluate_poll,
    format_percent,
    load_rule,
)

__all__ = [
    "COMMITTEE_ROLES",
    "CommitteeLine",
    "LogLine",
    "MinutesData",
    "MinutesRow",
    "TallyInput",
    "committee_role",
    "describe_event",
    "minutes_from_counts",
    "minutes_from_paper",
    "percent_vi",
]


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

COMMITTEE_ROLES = ("Trưởng Ban kiểm phiếu", "Thư ký Ban kiểm phiếu")
"""The roles of the first members of a committee listed without roles; the rest are
"Ủy viên Ban kiểm phiếu"."""


def committee_role(index: int) -> str:
    """The default role of the ``index``-th (0-based) member of the counting committee."""
    return COMMITTEE_ROLES[index] if index < len(COMMITTEE_ROLES) else "Ủy viên Ban kiểm phiếu"


def percent_vi(share: Fraction) -> str:
    """A share as the minutes print it, Vietnamese style: decimal comma, two places, half
    up — ``Fraction(393, 485)`` → ``"81,03%"``."""
    return format_percent(share).replace(".", ",") + "%"


@dataclass(frozen=True)
class MinutesRow:
    """One official's line of the minutes and what the rule decides for them.

    ``counts`` maps each level of the rule (``high``/``confident``/``low`` for a poll,
    ``confidence``/``no_confidence`` for a formal vote) to its count; ``unmarked`` is the
    returned ballots with no valid mark for this official (blank or invalid row).
    """

    number: int
    official_id: str
    name: str
    position: str
    issued: int | None
    returned: int | None
    counts: Mapping[str, int]
    unmarked: int
    base: int
    percentages: Mapping[str, Fraction]
    band_id: str | None
    band_vi: str
    band_en: str
    consequences: tuple[Consequence, ...]

    @property
    def valid(self) -> int:
        """Rows with exactly one level marked (phiếu hợp lệ đối với người này)."""
        return sum(self.counts.values())

    def count(self, level: str) -> int:
        return self.counts[level]


@dataclass(frozen=True)
class CommitteeLine:
    """A signer of the minutes (thành viên Ban kiểm phiếu)."""

    name: str
    role: str


@dataclass(frozen=True)
class LogLine:
    """One event of the entry log, as printed with the minutes."""

    seq: int
    ts: str
    actor: str
    action_vi: str
    action: str
    detail: str
    hash: str


@dataclass(frozen=True)
class MinutesData:
    """Everything the tally minutes print (biên bản kiểm phiếu).

    ``kind`` is ``electronic``, ``paper``, ``totals`` or ``mixed``. ``board_head`` is the
    bulletin board's head hash (electronic and mixed rounds); ``log_head`` and
    ``entry_log`` the paper entry log. ``reconciliation`` lists (Vietnamese label, English
    label, value) lines and ``conflicts`` what the reconciliation reported. ``draft`` marks
    minutes printed before every ballot was agreed (BẢN NHÁP). ``round_kind`` is the rule's:
    ``poll`` (lấy phiếu tín nhiệm) or ``formal_vote`` (bỏ phiếu tín nhiệm).

    The meeting facts a committee signs: ``session`` (kỳ họp / hội nghị), ``place``,
    ``opened_at`` and ``closed_at`` (local ``HH:MM``; blank lines to fill by hand when
    unknown), ``members`` / ``summoned`` / ``present``, the ``exempt`` people with their
    reasons (name, post, reason), the number of ``copies``.
    """

    kind: str
    round_id: str
    levels: tuple[tuple[str, str, str], ...]
    title: str
    body: str
    date: str
    place: str
    rule_id: str
    rule_title_vi: str
    rule_document: str
    denominator: str
    base_label_vi: str
    quorum_vi: str
    issued: int | None
    returned: int | None
    rows: tuple[MinutesRow, ...]
    committee: tuple[CommitteeLine, ...]
    board_head: str | None = None
    log_head: str | None = None
    entry_log: tuple[LogLine, ...] = ()
    reconciliation: tuple[tuple[str, str, str], ...] = ()
    conflicts: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    draft: bool = False
    round_kind: str = RoundKind.POLL.value
    session: str = ""
    opened_at: str = ""
    closed_at: str = ""
    members: int | None = None
    present: int | None = None
    summoned: int | None = None
    exempt: tuple[tuple[str, str, str], ...] = ()
    copies: int = 3
    secrecy: str | None = None
    audit_html: str = ""
    """The risk-limiting audit section (issue 13), already rendered; empty if none."""
    audit: tuple[tuple[str, str, str], ...] = ()

    @property
    def party_format(self) -> bool:
        """True for a Party rule (a ``-QĐ/TW`` document): the minutes carry the Party's
        heading "ĐẢNG CỘNG SẢN VIỆT NAM" and its secrecy marking."""
        return "QĐ/TW" in self.rule_document

    @property
    def secrecy_marking(self) -> str:
        """The marking printed above the heading: ``secrecy`` when given, else "MẬT" on
        Party minutes and nothing on State minutes."""
        if self.secrecy is not None:
            return self.secrecy
        return "MẬT" if self.party_format else ""

    def row(self, official_id: str) -> MinutesRow:
        for row in self.rows:
            if row.official_id == official_id:
                return row
        raise KeyError(official_id)


@dataclass(frozen=True)
class TallyInput:
    """One official's counts, however they were obtained: per level, and ``unmarked`` rows
    (returned ballots with no valid mark for this official)."""

    official_id: str
    name: str
    position: str
    counts: Mapping[str, int]
    unmarked: int

    @staticmethod
    def from_levels(
        official_id: str,
        name: str,
        position: str,
        counts: LevelCounts,
        levels: Sequence[str] = ("high", "confident", "low"),
    ) -> TallyInput:
        """From a paper round's counts: ``levels`` are the rule's (a poll's by default,
        ``confidence``/``no_confidence`` for a formal vote)."""
        return TallyInput(
            official_id,
            name,
            position,
            {str(level): counts.level(str(level)) for level in levels},
            counts.invalid,
        )


def _evaluate(
    rule: Rule,
    official: TallyInput,
    *,
    issued: int | None,
    returned: int | None,
    members: int | None,
    present: int | None,
    summoned: int | None,
) -> Outcome:
    expected = set(rule.levels)
    if set(official.counts) != expected:
        raise InputError(
            f"{official.official_id}: counts for {sorted(official.counts)}, the rule "
            f"{rule.id} has levels {sorted(expected)}",
            where="minutes",
        )
    # A row with no valid mark is "invalid" only where the rule says so (Party rule);
    # under the National Assembly rule the official just gets no mark from that ballot.
    invalid = official.unmarked if rule.blank_row is BlankRow.INVALID else 0
    c = official.counts
    if rule.kind is RoundKind.POLL:
        counts = PollCounts(
            issued, returned, c[Level.HIGH], c[Level.CONFIDENT], c[Level.LOW], invalid
        )
        return evaluate_poll(rule, counts, members=members, present=present, summoned=summoned)
    formal = FormalCounts(
        issued, returned, c[FormalOption.CONFIDENCE], c[FormalOption.NO_CONFIDENCE], invalid
    )
    return evaluate_formal(rule, formal, members=members, present=present, summoned=summoned)


_BASE_LABEL = {
    Denominator.RETURNED: "tổng số phiếu thu về",
    Denominator.MEMBERS: "tổng số thành viên (đại biểu) của cơ quan",
}


def minutes_from_counts(
    *,
    kind: str,
    round_id: str,
    title: str,
    body: str,
    when: str,
    rule: Rule,
    officials: Sequence[TallyInput],
    issued: int | None,
    returned: int | None,
    members: int | None,
    present: int | None = None,
    summoned: int | None = None,
    committee: Sequence[CommitteeLine] = (),
    place: str = "",
    session: str = "",
    opened_at: str = "",
    closed_at: str = "",
    exempt: Sequence[tuple[str, str, str]] = (),
) -> MinutesData:
    """Apply ``rule`` to each official's counts and assemble the minutes (the optional
    parts, such as the entry log, are added by the caller with ``dataclasses.replace``)."""
    for name, value in (("opened_at", opened_at), ("closed_at", closed_at)):
        if value and not _HHMM.match(value):
            raise InputError(f"{name} {value!r} is not HH:MM", where=name)
    try:
        date.fromisoformat(when)
    except ValueError as exc:
        raise InputError(f"date {when!r} is not YYYY-MM-DD", where="minutes") from exc
    rows = []
    quorum_vi = ""
    for number, official in enumerate(officials, start=1):
        total = sum(official.counts.values()) + official.unmarked
        if returned is not None and total != returned:
            raise InputError(
                f"{official.official_id}: marks plus rows without a valid mark = {total}, "
                f"but {returned} ballots were returned",
                where="minutes",
            )
        outcome = _evaluate(
            rule,
            official,
            issued=issued,
            returned=returned,
            members=members,
            present=present,
            summoned=summoned,
        )
        quorum_vi = _quorum_vi(outcome.quorum)
        band = outcome.band
        rows.append(
            MinutesRow(
                number=number,
                official_id=official.official_id,
                name=official.name,
                position=official.position,
                issued=issued,
                returned=returned,
                counts={level: official.counts[level] for level in rule.levels},
                unmarked=official.unmarked,
                base=outcome.base,
                percentages={str(k): v for k, v in outcome.percentages.items()},
                band_id=band.id if band else None,
                band_vi=band.title_vi if band else "Không thuộc trường hợp nào của quy định",
                band_en=band.title_en if band else "No band of the rule applies",
                consequences=outcome.consequences,
            )
        )
    return MinutesData(
        kind=kind,
        round_id=round_id,
        levels=tuple(_level_labels(rule)),
        title=title,
        body=body,
        date=when,
        place=place,
        rule_id=rule.id,
        rule_title_vi=rule.title_vi,
        rule_document=rule.source.document,
        denominator=str(rule.denominator),
        base_label_vi=_BASE_LABEL.get(rule.denominator, str(rule.denominator)),
        quorum_vi=quorum_vi,
        issued=issued,
        returned=returned,
        rows=tuple(rows),
        committee=tuple(committee),
        round_kind=rule.kind.value,
        session=session,
        opened_at=opened_at,
        closed_at=closed_at,
        members=members,
        present=present,
        summoned=summoned,
        exempt=tuple(exempt),
    )


def _quorum_vi(q: QuorumCheck) -> str:
    """The quorum line of the minutes, in Vietnamese, with the clause it applies."""
    if q.status is QuorumStatus.NOT_REQUIRED:
        return "Quy định không đặt số người có mặt tối thiểu"
    op = "≥" if q.inclusive else ">"
    cite = q.citation.replace(" / article not confirmed", "").replace(" / unverified", "")
    need = f"{op} {q.required} × {q.summoned}; {cite}"
    if q.status is QuorumStatus.MET:
        return f"Đủ: {q.present}/{q.summoned} có mặt ({need})"
    return f"Không đủ: {q.present}/{q.summoned} có mặt ({need})"


def _level_labels(rule: Rule) -> list[tuple[str, str, str]]:
    return [(level, *rule.label(level)) for level in rule.levels]


_ACTION_VI = {
    "round_created": "Tạo vòng lấy phiếu",
    "paper_issued": "Phát phiếu giấy",
    "entry_started": "Bắt đầu nhập",
    "mark_set": "Đánh dấu",
    "mark_changed": "Sửa dấu",
    "mark_cleared": "Xóa dấu",
    "value_set": "Nhập số",
    "value_changed": "Sửa số",
    "value_cleared": "Xóa số",
    "entry_cancelled": "Hủy lượt nhập",
    "entry_submitted": "Gửi lượt nhập",
    "resolution": "Ban kiểm phiếu quyết định",
    "returned_declared": "Số phiếu trong hòm",
    "electronic_imported": "Nhập kết quả điện tử",
    "sheet_scanned": "Máy quét đọc phiếu",
    "audit_started": "Bắt đầu kiểm tra xác suất",
    "audit_reading": "Đọc lại phiếu được rút",
    "audit_concluded": "Kết luận kiểm tra xác suất",
}


def _action_vi(event: LogEvent) -> str:
    if event.action == "round_created" and event.data["round"].get("kind") == "formal_vote":
        return "Tạo vòng bỏ phiếu tín nhiệm"
    if event.action == "round_created" and event.data["round"].get("personnel"):
        return "Tạo vòng bỏ phiếu nhân sự"
    return _ACTION_VI.get(event.action, event.action)


def describe_event(event: LogEvent) -> LogLine:
    """An event as a printed line. Who received paper is never printed (the minutes show
    marks by the number the committee gave each sheet); nor is any sheet tied to a voter."""
    data = event.data
    item = str(data.get("item", ""))
    prefix = f"phiếu {int(item):04d}" if item.isdigit() else item
    if event.action == "round_created":
        detail = str(data["round"]["title"])
    elif event.action == "paper_issued":
        detail = "một phiếu giấy được phát (không ghi người nhận)"
    elif event.action == "entry_started":
        detail = f"{prefix}, thiết bị {data['device']}"
    elif event.action in ("mark_set", "mark_changed", "value_set", "value_changed"):
        detail = f"{prefix}, {data['field']} = {data['value']}"
    elif event.action == "resolution":
        note = f" ({data['note']})" if data.get("note") else ""
        detail = f"{prefix}, {data['field']} = {data['value']}{note}"
    elif event.action in ("mark_cleared", "value_cleared"):
        detail = f"{prefix}, {data['field']}"
    elif event.action == "returned_declared":
        detail = str(data["count"])
    elif event.action == "sheet_scanned":
        flags = len(data.get("flags", {}))
        detail = (
            f"{prefix}, tập {data['batch']} vị trí {data['position']}, "
            f"SHA-256 {str(data['sha256'])[:16]}…, {flags} ô cần Ban kiểm phiếu xem"
        )
    elif event.action == "audit_started":
        detail = f"số ngẫu nhiên {data['seed']}, giới hạn rủi ro {data['risk_limit']}"
    elif event.action == "audit_reading":
        detail = f"lượt {data['draw']}, {prefix}"
    elif event.action == "audit_concluded":
        detail = f"{data['outcome']} sau {data['draws']} lượt"
    elif event.action == "electronic_imported":
        part = data["part"]
        detail = f"{len(part['credentials'])} thẻ, {len(part['cast'])} phiếu điện tử"
    else:
        detail = prefix
    return LogLine(
        seq=event.seq,
        ts=event.ts,
        actor=event.actor,
        action_vi=_action_vi(event),
        action=event.action,
        detail=detail,
        hash=event.hash,
    )


def _reconciliation_lines(tally: PaperTally) -> tuple[tuple[str, str, str], ...]:
    rec = tally.reconciliation
    lines = [
        ("Phiếu giấy phát ra", "Paper ballots issued", str(rec.paper_issued)),
        (
            "Phiếu giấy thu về (được tính)",
            "Paper ballots returned (counted)",
            str(rec.paper_returned),
        ),
    ]
    if rec.declared_paper_returned is not None:
        lines.append(
            (
                "Phiếu giấy Ban kiểm phiếu đếm trong hòm",
                "Paper ballots in the box",
                str(rec.declared_paper_returned),
            )
        )
    if tally.definition.mixed:
        lines += [
            (
                "Thẻ bỏ phiếu điện tử đã cấp",
                "Electronic credentials issued",
                str(rec.electronic_issued),
            ),
            ("Phiếu điện tử đã bỏ", "Electronic ballots cast", str(rec.electronic_cast)),
            (
                "Thẻ điện tử thay bằng phiếu giấy",
                "Credentials superseded by paper",
                str(rec.superseded_credentials),
            ),
            (
                "Số phiếu giấy bị hủy",
                "Void paper serials",
                ", ".join(f"{s:04d}" for s in rec.void_serials) or "0",
            ),
        ]
    if rec.excluded_serials:
        lines.append(
            (
                "Phiếu giấy bị loại",
                "Paper sheets excluded",
                ", ".join(f"{s:04d}" for s in rec.excluded_serials),
            )
        )
    lines += [
        ("Tổng số phiếu phát ra", "Ballots issued", str(rec.issued)),
        ("Tổng số phiếu thu về", "Ballots returned", str(rec.returned)),
    ]
    return tuple(lines)


def minutes_from_paper(
    session: PaperSession,
    *,
    rule: Rule | None = None,
    draft: bool = False,
    board_head: str | None = None,
    committee: Sequence[CommitteeLine] | None = None,
) -> MinutesData:
    """The minutes of a paper, mixed or totals round, with its entry log appended.

    Raises :class:`tinnhiem.paper.NotReady` unless every ballot is agreed, or ``draft``.
    """
    tally = session.tally(allow_incomplete=draft)
    if tally.reconciliation.returned == 0:
        raise NotReady("no ballot is counted yet: nothing to put in the minutes")
    definition = tally.definition
    rule = rule if rule is not None else load_rule(definition.rule_id)
    if rule.kind is not definition.kind:
        raise InputError(
            f"the rule {rule.id} governs a {rule.kind.value}, the paper round "
            f"{definition.round_id} is a {definition.kind.value}",
            where="minutes",
        )
    kind = "totals" if definition.mode == "totals" else "mixed" if definition.mixed else "paper"
    rec = tally.reconciliation
    officials = [
        TallyInput.from_levels(o.id, o.name, o.position, tally.counts[o.id], rule.levels)
        for o in definition.officials
    ]
    signers = (
        committee
        if committee is not None
        else [
            CommitteeLine(m.name, committee_role(i) if m.role in ("", "Thành viên") else m.role)
            for i, m in enumerate(definition.committee)
        ]
    )
    notes = []
    if kind == "mixed" and session.electronic is None:
        notes.append("Chưa nhập kết quả điện tử / the electronic part is not imported yet")
    minutes = minutes_from_counts(
        kind=kind,
        round_id=definition.round_id,
        title=definition.title,
        body=definition.body,
        when=definition.date,
        rule=rule,
        officials=officials,
        issued=rec.issued,
        returned=rec.returned,
        members=definition.members,
        present=definition.present,
        summoned=definition.summoned,
        committee=signers,
        place=definition.place,
    )
    from tinnhiem.reports.audit_section import audit_html, audit_lines

    return replace(
        minutes,
        audit_html=audit_html(session),
        audit=audit_lines(session.audit) if session.audit is not None else (),
        board_head=board_head,
        log_head=tally.head,
        entry_log=tuple(describe_event(e) for e in session.events),
        reconciliation=_reconciliation_lines(tally),
        conflicts=tuple(f"{c.text_vi} / {c.text_en}" for c in rec.conflicts),
        notes=tuple(notes),
        draft=draft or not tally.complete,
    )
