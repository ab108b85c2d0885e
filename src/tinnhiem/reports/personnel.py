"""The minutes of a personnel step counted on paper (biên bản kiểm phiếu nhân sự), issue 14.

Built from a paper round whose definition names a procedure step
(:class:`~tinnhiem.paper.model.PersonnelSection`): the attendance and the sheets, each
candidate's count and exact share of the step's base, the status, who goes on and to which
step, every clause that decided it quoted with its citation (marked "chưa đối chiếu được
văn bản / not confirmed against the text" when it was not checked), the previous step the
list came from (its round id and head), the entry log's head, the signatures and the log.
PDF (the signed form, Vietnamese) and CSV (one row per candidate).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from html import escape
from importlib import resources

from tinnhiem.paper import (
    OVER_K_NOTE,
    NotReady,
    PaperSession,
    PersonnelCount,
    PersonnelSection,
    PersonnelTally,
    RoundDefinition,
    decide_paper_step,
)
from tinnhiem.paper.model import CommitteeMember as PaperMember
from tinnhiem.paper.model import Official as PaperOfficial
from tinnhiem.paper.model import PreviousStep
from tinnhiem.record import ElectionRecord
from tinnhiem.reports.minutes import LogLine, describe_event
from tinnhiem.reports.vietnamese import vi, vi_citation, vi_reason
from tinnhiem.rules import format_number, format_percent_vi
from tinnhiem.rules.appointment import AGREE, DISAGREE, Procedure, StepDecision, StepStatus
from tinnhiem.rules.appointment_loader import load_procedure
from tinnhiem.rules.settlement import Settlement
from tinnhiem.tally.personnel import (
    ProcedureText,
    blank_count,
    step_counts,
    step_decision,
)
from tinnhiem.text import format_date_vi, spreadsheet_row

__all__ = [
    "STATUS_VI",
    "PersonnelMinutes",
    "personnel_minutes_from_paper",
    "personnel_minutes_from_record",
    "personnel_minutes_html",
    "render_personnel_minutes",
]

STATUS_VI = {
    StepStatus.PASSED: "Đạt: đủ người đạt ngưỡng theo quy định",
    StepStatus.RECORDED: "Ghi nhận kết quả (bước lấy ý kiến, không có ngưỡng)",
    StepStatus.AT_THRESHOLD: "Có người đạt đúng ngưỡng",
    StepStatus.TIE: "Có người bằng phiếu ở vị trí cuối",
    StepStatus.NONE_REACHED: "Không đủ người đạt ngưỡng",
    StepStatus.WRITE_IN_SHORT: "Người được giới thiệu thêm ngoài danh sách không đạt đủ số phiếu",
    StepStatus.QUORUM_NOT_MET: "Không đủ số người có mặt để tiến hành",
}


@dataclass(frozen=True)
class PersonnelMinutes:
    """Everything the minutes of a paper personnel step print."""

    tally: PersonnelTally
    procedure: Procedure
    decision: StepDecision
    entry_log: tuple[LogLine, ...]
    draft: bool = False
    electronic: bool = False
    """Counted from an electronic election record: ``tally.head`` is then the record's
    final board head, and there is no entry log (the board is the record's)."""
    blank_known: bool = False
    """An electronic choose step whose ballots carry the blank column: ``tally.blank`` is
    the decrypted count of blank ballots (a record without it cannot tell them apart)."""

    @property
    def names(self) -> dict[str, str]:
        return {o.id: o.name for o in self.tally.definition.officials}

    def who(self, ids: tuple[str, ...]) -> str:
        names = self.names
        return ", ".join(names.get(i, i) for i in ids) or "—"


def personnel_minutes_from_paper(session: PaperSession, *, draft: bool = False) -> PersonnelMinutes:
    """The minutes of ``session`` (a personnel round). Raises ``NotReady`` while entries are
    pending or disputed, unless ``draft``."""
    definition = session.definition
    if definition.personnel is None:
        raise NotReady("not a personnel round: use the confidence minutes")
    tally = session.personnel_tally(allow_incomplete=draft)
    proc = load_procedure(definition.rule_id)
    decision = decide_paper_step(tally, proc)
    log = tuple(describe_event(event) for event in session.events)
    return PersonnelMinutes(tally, proc, decision, log, draft=draft or not tally.complete)


def personnel_minutes_from_record(
    record: ElectionRecord, settlement: Settlement | None = None
) -> PersonnelMinutes:
    """The minutes of an electronic personnel step from its (verified) election record:
    the procedure text the record carries, the decrypted sums, and the decision
    ``decide_step`` gives on them — the same the verifier recomputes. When its list came
    from a step settled by a person, ``settlement`` (the one the link names) is cited."""
    m = record.manifest
    p = m.personnel
    if p is None or not m.kind.personnel:
        raise NotReady("not a personnel round: use the confidence minutes")
    proc = ProcedureText.from_text(str(record.rule["text"]), where="rule.text").procedure
    sums = [int(x) for x in record.decryption["sums"]]
    returned = int(record.close["counted"])
    counts = step_counts(m, sums, present=len(record.credentials), returned=returned)
    decision = step_decision(proc, m, counts)
    candidates = []
    for o in m.officials:
        vote = counts.votes[o.id]
        if isinstance(vote, int):
            candidates.append(PersonnelCount(o.id, vote))
        else:
            agree, disagree = int(vote[AGREE]), int(vote[DISAGREE])
            blank = returned - agree - disagree
            candidates.append(PersonnelCount(o.id, agree, disagree, blank, 0))
    previous = None
    if p.previous is not None:
        digest = p.previous.settlement or ""
        if settlement is not None and settlement.digest != digest:
            raise NotReady("the settlement given is not the one the record's link names")
        previous = PreviousStep(
            # A paper link's round id is file-safe: the web's "body/number" is printed with
            # a dash, as the round's own id is.
            re.sub(r"[^A-Za-z0-9._-]", "-", p.previous.round_id),
            p.previous.step,
            p.previous.head,
            p.previous.source,  # "record", or "paper" after a step counted on paper
            settlement if digest else None,
            digest,
        )
    definition = RoundDefinition(
        # A paper round's id is a file-safe name; the minutes never print it (the web's
        # ids are body/number).
        round_id=re.sub(r"[^A-Za-z0-9._-]", "-", m.round_id),
        title=m.title,
        body=m.body,
        date=m.date or date.today().isoformat(),
        rule_id=m.rule_id,
        officials=tuple(PaperOfficial(o.id, o.name, o.post) for o in m.officials),
        paper_serials=max(1, m.summoned),
        summoned=m.summoned,
        present=max(1, len(record.credentials)),
        committee=tuple(PaperMember(c.name) for c in m.committee),
        personnel=PersonnelSection(p.step, m.kind.value, p.k, previous),
    )
    nobody = blank_count(m, sums, returned=returned)  # ballots naming nobody (choose)
    tally = PersonnelTally(
        definition=definition,
        returned=returned,
        invalid=0,
        over_k=0,
        blank=nobody or 0,
        candidates=tuple(candidates),
        complete=True,
        head=record.head.hex(),
    )
    return PersonnelMinutes(
        tally, proc, decision, (), electronic=True, blank_known=nobody is not None
    )


def _css() -> str:
    return (
        resources.files("tinnhiem.reports")
        .joinpath("templates/minutes.css")
        .read_text(encoding="utf-8")
    )


def _percent(share: Fraction) -> str:
    return f"{format_percent_vi(share)}%"


def _heading(m: PersonnelMinutes) -> str:
    d = m.tally.definition
    body = escape(d.body)
    if "QĐ/TW" in m.procedure.source.document:
        right = "<div class='nation underline'>ĐẢNG CỘNG SẢN VIỆT NAM</div>"
        left = f"<div class='body'>{body}</div><div><b>BAN KIỂM PHIẾU</b></div><div>*</div>"
        secrecy = "<div class='secrecy'>MẬT</div>"
    else:
        right = (
            "<div class='nation'>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>"
            "<div class='motto'>Độc lập - Tự do - Hạnh phúc</div>"
        )
        left = f"<div class='body'>{body}</div><div><b>BAN KIỂM PHIẾU</b></div>"
        secrecy = ""
    day = date.fromisoformat(d.date)
    return (
        f"{secrecy}<table class='header'><tr><td>{left}</td><td>{right}</td></tr></table>"
        f"<p class='dateline'>{escape(format_date_vi(day, d.place))}</p>"
    )


def _previous(m: PersonnelMinutes) -> str:
    p = m.tally.definition.personnel
    assert p is not None
    link: PreviousStep | None = p.previous
    if link is None:
        return (
            "<p>Danh sách người được bỏ phiếu: danh sách nhân sự đủ điều kiện (quy hoạch) "
            "do cơ quan tham mưu trình.</p>"
        )
    prev = m.procedure.step(link.step)
    head = (
        "mã băm cuối nhật ký nhập phiếu"
        if link.source == "paper"
        else "mã băm đầu bảng tin của hồ sơ điện tử"
    )
    return (
        f"<p>Danh sách người được bỏ phiếu lấy từ kết quả bước {prev.number} "
        f"({escape(prev.title_vi)}): vòng <b>{escape(link.round_id)}</b>, {head}: "
        f"<span class='hash'>{escape(link.head)}</span>.</p>"
    ) + _settled(m, link)


def _settled(m: PersonnelMinutes, link: PreviousStep) -> str:
    """The settlement that made the list, when the previous step waited on a person: who
    decided, by which document and date, the names, the clauses that left it to them."""
    s = link.settlement
    if s is None:
        if not link.settlement_digest:
            return ""
        return (
            "<p>Bước trước chờ người có thẩm quyền quyết định; danh sách theo quyết định có "
            f"mã băm <span class='hash'>{escape(link.settlement_digest)}</span> (văn bản quyết "
            "định không kèm theo biên bản này).</p>"
        )
    basis = "; ".join(b.text_vi + (f" [{b.cite}]" if b.cite else "") for b in s.basis)
    text = "" if s.in_text else " Văn bản đã đọc không quy định trường hợp này."
    return (
        f"<p id='settlement'>Bước trước chờ người có thẩm quyền quyết định ({escape(basis)})."
        f"{text} Theo quyết định của <b>{escape(s.decided_by.name)}</b> "
        f"({escape(s.decided_by.post)}), văn bản <b>{escape(s.document)}</b>, {s.date_vi}: "
        f"<b>{escape(m.who(s.advancing))}</b> tiếp tục. Lý do: {escape(s.reason)}. Mã băm "
        f"quyết định: <span class='hash'>{escape(s.digest)}</span>.</p>"
    )


def _table(m: PersonnelMinutes) -> str:
    t = m.tally
    p = t.definition.personnel
    assert p is not None
    agree = p.ballot == "agree_disagree"
    counts = {c.id: c for c in t.candidates}
    head = "<th>STT</th><th class='name'>Họ và tên, chức vụ</th>"
    head += "<th>Đồng ý</th>" if agree else "<th>Số phiếu</th>"
    head += f"<th>Tỷ lệ (trên N = {format_number(m.decision.base)})</th>"
    if agree:
        head += "<th>Không đồng ý</th><th>Để trống</th><th>Dòng không hợp lệ</th>"
    head += "<th>Đạt ngưỡng</th>"
    rows = []
    for number, (official, r) in enumerate(
        zip(t.definition.officials, m.decision.results, strict=True), start=1
    ):
        c = counts[official.id]
        post = f"<br><small>{escape(official.position)}</small>" if official.position else ""
        cells = [
            f"<td class='num'>{number}</td>",
            f"<td>{escape(official.name)}{post}</td>",
            f"<td class='num'>{format_number(r.votes)}</td>",
            f"<td class='num'>{_percent(r.share)}</td>",
        ]
        if agree:
            cells += [
                f"<td class='num'>{format_number(c.disagree or 0)}</td>",
                f"<td class='num'>{format_number(c.blank or 0)}</td>",
                f"<td class='num'>{format_number(c.invalid or 0)}</td>",
            ]
        reached = "Có" if r.reached else ("Đúng ngưỡng" if r.exactly_at_threshold else "Không")
        cells.append(f"<td>{reached}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table class='grid'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _outcome(m: PersonnelMinutes) -> str:
    d = m.decision
    step = m.procedure.step(d.step_id)
    lines = [f"Kết quả: <b>{STATUS_VI[d.status]}</b>."]
    if d.selected:
        lines.append(f"Đạt ngưỡng và được chọn: <b>{escape(m.who(d.selected))}</b>.")
    if d.pending:
        lines.append(
            "Cần người có thẩm quyền quyết định"
            + (f" đối với: <b>{escape(m.who(d.concerned))}</b>" if d.concerned else "")
            + (f" ({escape(vi(d.action.label))})" if d.action is not None else "")
            + "."
        )
    elif d.next_step is not None:
        nxt = m.procedure.step(d.next_step)
        again = " (bỏ phiếu lại)" if d.next_step == d.step_id else ""
        lines.append(
            f"Vào bước sau: <b>{escape(m.who(d.advancing))}</b> → bước {nxt.number} "
            f"({escape(nxt.title_vi)}){again}."
        )
    else:
        lines.append("Quy trình kết thúc ở bước này.")
    if not step.announce_at_meeting:
        lines.append(
            "Kết quả không công bố tại hội nghị; báo cáo tập thể lãnh đạo và người có liên quan."
        )
    reasons = "".join(
        f"<li>{escape(vi_reason(r.text_vi))}<br><span class='citation'>Căn cứ: "
        f"{escape(vi_citation(r.cite))}</span></li>"
        for r in d.reasons
    )
    p = m.tally.definition.personnel
    assert p is not None
    over_k = f"<p class='small'>{escape(OVER_K_NOTE)}</p>" if p.ballot == "choose_at_most" else ""
    return (
        "".join(f"<p>{line}</p>" for line in lines)
        + f"<p>Căn cứ quyết định:</p><ol>{reasons}</ol>{over_k}"
    )


def _entry_log(m: PersonnelMinutes) -> str:
    from tinnhiem.reports.pdf import _local_time  # one formatting of times for every minutes

    lines = [
        escape(
            f"{line.seq:>6} {_local_time(line.ts)} {line.hash[:16]} {line.actor} | "
            f"{line.action_vi} | {line.detail}"
        )
        for line in m.entry_log
    ]
    blocks = "".join(
        "<pre>" + "\n".join(lines[i : i + 60]) + "</pre>" for i in range(0, len(lines), 60)
    )
    return (
        "<section class='log'><h2>PHỤ LỤC: NHẬT KÝ NHẬP PHIẾU</h2>"
        "<p>Mỗi dòng: số thứ tự, thời điểm (giờ Việt Nam), 16 ký tự đầu mã băm, người thao "
        "tác, thao tác, chi tiết. Nhật ký chỉ được ghi thêm; mỗi dòng chứa mã băm của dòng "
        f"trước.</p>{blocks}<p>Mã băm cuối: <span class='hash'>{escape(m.tally.head)}</span>"
        "</p></section>"
    )


def _head_line(m: PersonnelMinutes) -> str:
    if m.electronic:
        return (
            "<p>Mã băm đầu chuỗi bảng tin của hồ sơ điện tử (ai cũng kiểm chứng lại được bằng "
            f"lệnh tinnhiem verify): <span class='hash'>{escape(m.tally.head)}</span></p>"
        )
    return (
        f"<p>Mã băm cuối nhật ký nhập phiếu ({len(m.entry_log)} sự kiện): "
        f"<span class='hash'>{escape(m.tally.head)}</span></p>"
    )


def personnel_minutes_html(m: PersonnelMinutes) -> str:
    """The minutes as one HTML document (what the PDF is rendered from)."""
    t = m.tally
    d = t.definition
    p = d.personnel
    assert p is not None and d.summoned is not None and d.present is not None
    step = m.procedure.step(p.step)
    src = m.procedure.source
    day = date.fromisoformat(d.date)
    place = escape(d.place) if d.place else "…………"
    draft = (
        "<p class='draft'>BẢN NHÁP — chưa đủ điều kiện lập biên bản chính thức</p>"
        if m.draft
        else ""
    )
    form = (
        "phiếu điện tử được mã hóa trên thiết bị của người bỏ phiếu, Ban kiểm phiếu giải mã tổng số"
        if m.electronic
        else "phiếu giấy"
    )
    ballot = (
        f"chọn không quá {p.k} người trong danh sách"
        if p.ballot == "choose_at_most"
        else "đồng ý / không đồng ý đối với từng người"
    )
    committee = "".join(f"<li>{escape(c.name)} — {escape(c.role)}</li>" for c in d.committee)
    superseded = (
        f"<p class='small'>Văn bản đã được thay thế: {escape(src.superseded_by)}.</p>"
        if src.superseded_by
        else ""
    )
    facts = [
        f"Số người được triệu tập: <b>{format_number(d.summoned)}</b>; có mặt: "
        f"<b>{format_number(d.present)}</b>; vắng mặt: "
        f"<b>{format_number(max(0, d.summoned - d.present))}</b>.",
        f"Số phiếu thu về: <b>{format_number(t.returned)}</b>; hợp lệ: "
        f"<b>{format_number(t.valid)}</b>; không hợp lệ: <b>{format_number(t.invalid)}</b>"
        + (f" (trong đó {format_number(t.over_k)} phiếu chọn quá {p.k} người)" if t.over_k else "")
        + (
            "."
            if m.electronic and not m.blank_known
            else f"; phiếu trống (không chọn ai): <b>{format_number(t.blank)}</b>."
        ),
    ]
    if t.declared_returned is not None and t.declared_returned != t.returned:
        facts.append(
            f"Ban kiểm phiếu ghi nhận {format_number(t.declared_returned)} phiếu trong hòm, "
            f"{format_number(t.returned)} phiếu đã được nhập và thống nhất: cần đối chiếu."
        )
    signatures = "".join(
        f"<td><div class='role'>{escape(c.role.upper())}</div><div class='hint'>(Ký, ghi rõ "
        f"họ tên)</div><br><br><br><div>{escape(c.name)}</div></td>"
        for c in d.committee
    )
    sign_rows = (
        "<table class='signatures'><tr>" + signatures + "</tr></table>"
        if signatures
        else "<p><i>Chưa có danh sách Ban kiểm phiếu.</i></p>"
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>BIÊN BẢN KIỂM PHIẾU — {escape(d.title)}</title><style>{_css()}</style></head><body>
{_heading(m)}
<h1>BIÊN BẢN KIỂM PHIẾU</h1>
<p class="subtitle">{escape(d.title)}<br>Bước {step.number}: {escape(step.title_vi)}</p>
{draft}
<p>Hôm nay, {format_date_vi(day)}, tại {place}, Ban kiểm
phiếu tiến hành kiểm phiếu bước {step.number} ({escape(step.title_vi)}) của
{escape(m.procedure.title_vi)}.</p>
<h2>I. THÀNH PHẦN VÀ CĂN CỨ</h2>
<p>Căn cứ {escape(src.document)}. Thành phần bỏ phiếu: {escape(vi(step.body.label))}.
Hình thức: {form}, bỏ phiếu kín; mỗi phiếu {ballot}.</p>
{superseded}
{_previous(m)}
{"".join(f"<p>{line}</p>" for line in facts)}
<p>Ban kiểm phiếu gồm:</p><ul>{committee}</ul>
<h2>II. KẾT QUẢ KIỂM PHIẾU</h2>
<p>Tỷ lệ tính trên {escape(vi(step.base.label))}: N = {format_number(m.decision.base)}
(tỷ lệ làm tròn hai chữ số thập phân; việc so với ngưỡng tính chính xác).</p>
{_table(m)}
<h2>III. KẾT QUẢ THEO QUY ĐỊNH</h2>
{_outcome(m)}
<p class='keep'>Biên bản được lập thành 03 bản có giá trị như nhau, đã được đọc lại cho các
thành viên Ban kiểm phiếu cùng nghe và nhất trí ký tên.</p>
{_head_line(m)}
{sign_rows}
{"" if m.electronic else _entry_log(m)}
</body></html>"""


def _csv(m: PersonnelMinutes) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "STT",
            "Mã",
            "Họ và tên",
            "Chức vụ",
            "Số phiếu / Đồng ý",
            "Tỷ lệ (%)",
            "Không đồng ý",
            "Để trống",
            "Dòng không hợp lệ",
            "Đạt ngưỡng",
            "Vào bước sau",
            "N",
            "Kết quả",
        ]
    )
    counts = {c.id: c for c in m.tally.candidates}
    d = m.decision
    for number, (official, r) in enumerate(
        zip(m.tally.definition.officials, d.results, strict=True), start=1
    ):
        c = counts[official.id]
        writer.writerow(
            spreadsheet_row(
                [
                    str(number),
                    official.id,
                    official.name,
                    official.position,
                    str(r.votes),
                    format_percent_vi(r.share).replace(",", "."),
                    "" if c.disagree is None else str(c.disagree),
                    "" if c.blank is None else str(c.blank),
                    "" if c.invalid is None else str(c.invalid),
                    "1" if r.reached else "0",
                    "1" if official.id in d.advancing else "0",
                    str(d.base),
                    d.status.value,
                ]
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_personnel_minutes(m: PersonnelMinutes, fmt: str) -> bytes:
    """The minutes as ``pdf``, ``xlsx`` or ``csv`` bytes."""
    if fmt == "pdf":
        import weasyprint  # slow to import; only PDF output needs it

        return bytes(weasyprint.HTML(string=personnel_minutes_html(m)).write_pdf())
    if fmt == "csv":
        return _csv(m)
    if fmt == "xlsx":
        from tinnhiem.reports.tables import render_personnel_minutes_xlsx

        return render_personnel_minutes_xlsx(m)
    from tinnhiem.errors import InputError

    raise InputError(f"unknown format {fmt!r}: use pdf, xlsx or csv", where="--format")
