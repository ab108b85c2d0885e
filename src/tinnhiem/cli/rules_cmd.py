"""``tinnhiem rules list|show``: the rule versions (phiên bản quy định) and what they say."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Annotated

import typer

from tinnhiem.cli.failure import exit_for
from tinnhiem.errors import TinnhiemError
from tinnhiem.rules import (
    Citation,
    Procedure,
    Rule,
    RuleError,
    format_number,
    list_procedures,
    list_rules,
    load_procedure,
    load_rule,
)
from tinnhiem.rules.appointment import Fallback, StepRule
from tinnhiem.rules.model import Bound
from tinnhiem.text import format_date_vi

__all__ = ["describe_citation", "describe_procedure", "describe_rule", "register"]

_YES_NO = {True: "có / yes", False: "không / no"}
_BODY = {
    "national_assembly": "Quốc hội / National Assembly",
    "peoples_council": "Hội đồng nhân dân / People's Council",
}


def _cite(cite: Citation | None, text: str = "") -> str:
    """`` [citation]`` for a line, or a warning when a clause has no citation at all."""
    if cite is not None:
        return f" [{cite.display}]"
    if text:
        return f" [{text}]"
    return " [không có trích dẫn / no citation]"


def describe_citation(cite: Citation) -> list[str]:
    """One citation in full: document, date, article, clause, quote, where it was read."""
    head = f"  [{cite.key}]" if cite.key else "  -"
    status = "ĐÃ ĐỐI CHIẾU / verified" if cite.verified else "CHƯA ĐỐI CHIẾU / unverified"
    lines = [f"{head} {cite.label} — {status}"]
    lines.append(
        f"      Văn bản / Document: {cite.document}" + (f", {cite.date}" if cite.date else "")
    )
    lines.append(
        f"      Điều / Article: {cite.article or '(chưa xác định / not confirmed)'}; "
        f"khoản / clause: {cite.clause or '(chưa xác định / not confirmed)'}"
    )
    if cite.quote:
        lines.append(f"      Trích / Quote: “{cite.quote}”")
    lines.append(f"      Loại nguồn / Kind of source: {cite.kind_text}")
    if cite.source:
        lines.append(f"      Nơi đọc / Read in: {cite.source}")
    if cite.url:
        lines.append(f"      URL: {cite.url}")
    if cite.note:
        lines.append(f"      Ghi chú / Note: {cite.note}")
    return lines


def describe_rule(rule: Rule) -> list[str]:
    """The rule in full, as lines of text (Vietnamese first, then English)."""
    src = rule.source
    lines = [
        f"{rule.id}",
        f"  {rule.title_vi}",
        f"  {rule.title_en}",
        "",
        f"Nguồn / Source: {src.document}",
        f"  {src.issuer}, {src.date}" + (f", {src.url}" if src.url else ""),
        f"  Đã đối chiếu văn bản / Checked against the official text: {_YES_NO[src.verified]}",
    ]
    if rule.path is not None:
        lines.append(f"  Tệp / File: {rule.path}")
    lines += [f"  Chưa chắc chắn / Uncertain: {note}" for note in src.uncertain]
    lines += [
        f"Áp dụng cho / Applies to: {rule.applies_to_vi} / {rule.applies_to_en}",
        f"Loại / Kind: {rule.kind}",
        "Mức / Levels: " + "; ".join(f"{c} = {vi} / {en}" for c, vi, en in rule.level_labels),
    ]
    if rule.denominator == "returned":
        base = "tổng số phiếu thu về / ballots returned"
    else:
        base = "tổng số thành viên (đại biểu) / all members of the body"
    lines.append(
        f"Mẫu số N / Denominator N: {rule.denominator} ({base})" + _cite(rule.denominator_cite)
    )
    if rule.quorum is None:
        lines.append(
            "Số người có mặt tối thiểu / Quorum: không quy định / none"
            + (_cite(rule.quorum_cite) if rule.quorum_cite is not None else "")
        )
    else:
        q = rule.quorum
        op = ">=" if q.inclusive else ">"
        lines.append(
            f"Số người có mặt tối thiểu / Quorum: present {op} {q.fraction} × summoned"
            f" ({'inclusive' if q.inclusive else 'exclusive'})" + _cite(q.cite, q.citation)
        )
    blank = (
        "dòng không đánh dấu là không hợp lệ / a row with no mark is invalid"
        if rule.blank_row == "invalid"
        else "phiếu vẫn hợp lệ, người đó không có dấu / ballot stays valid, no mark for that person"
    )
    lines.append(f"Dòng để trống / Blank row: {rule.blank_row} ({blank})")
    lines.append(
        "Dòng không hợp lệ vẫn tính vào N / Invalid rows count in N: "
        + _YES_NO[rule.invalid_rows_in_base]
    )
    lines.append("")
    lines.append("Khung kết quả / Bands:")
    symbol = rule.measure_symbol
    for band in rule.bands:
        lines.append(
            f"  [{band.id}] {band.formula(symbol)}  ({symbol} = {band.measure})" + _cite(band.cite)
        )
        for bound, name in ((band.lower, "lower"), (band.upper, "upper")):
            if bound is not None:
                inc = "inclusive" if bound.inclusive else "exclusive"
                lines.append(f"      {name}: {bound.fraction} ({inc})")
        lines.append(f"      {band.title_vi} / {band.title_en}")
        for c in band.consequences:
            flags = [
                f for f, on in (("mandatory", c.mandatory), ("resignation", c.resignation)) if on
            ]
            tag = f" [{', '.join(flags)}]" if flags else ""
            lines.append(f"      - {c.code}{tag}: {c.text_vi}")
            lines.append(f"        {c.text_en}")
            lines.append(f"       {_cite(c.cite, c.citation)}")
        if band.formal_vote != "none":
            lines.append(
                f"      Bỏ phiếu tín nhiệm tiếp theo / Formal vote follows: {band.formal_vote}"
            )
    res = rule.resignation
    if res.closed_by_mandatory:
        lines.append(
            "Ngưỡng bắt buộc đóng đường từ chức / Mandatory dismissal closes the resignation"
            f" path: {res.text_vi} / {res.text_en}" + _cite(res.cite, res.citation)
        )
    else:
        lines.append(
            "Ngưỡng bắt buộc đóng đường từ chức / Mandatory dismissal closes the resignation"
            " path: không / no"
        )
    if rule.formal_rule:
        lines.append(f"Quy định bỏ phiếu tín nhiệm / Formal-vote rule: {rule.formal_rule}")
    if rule.formal_triggers:
        lines.append("Khi nào bỏ phiếu tín nhiệm / When a formal vote is held:")
        for trig in rule.formal_triggers:
            body = f"({_BODY.get(trig.body, trig.body)}) " if trig.body else ""
            lines.append(f"  - {body}{trig.vi} / {trig.en}" + _cite(trig.cite, trig.citation))
    for t in rule.request_thresholds:
        op = ">=" if t.inclusive else ">"
        lines.append(
            f"  Ngưỡng kiến nghị / Request threshold ({t.body}): requesters {op} {t.fraction}"
            " × members" + _cite(t.cite, t.citation)
        )
    if rule.time_limits:
        lines.append("Thời hạn, thời điểm / Time limits:")
        for limit in rule.time_limits:
            lines.append(
                f"  - {limit.code}: {limit.vi} / {limit.en}" + _cite(limit.cite, limit.citation)
            )
    lines.append("Không lấy phiếu / Exemptions:")
    if not rule.exemptions:
        lines.append("  (không có / none)")
    for e in rule.exemptions:
        months = f" ({e.months} tháng / months)" if e.months is not None else ""
        lines.append(
            f"  - {e.code} [{e.kind}{months}]: {e.reason_vi} / {e.reason_en}"
            + _cite(e.cite, e.citation)
        )
    lines.append("")
    verified = sum(1 for c in rule.citations if c.verified)
    lines.append(
        f"Trích dẫn / Citations ({verified} đã đối chiếu / verified,"
        f" {len(rule.citations) - verified} chưa / unverified):"
    )
    if not rule.citations:
        lines.append(
            "  (tệp không có bảng [citations]: mọi trích dẫn là chữ tự do, chưa đối chiếu"
            " / no [citations] tables: every citation is free text, unverified)"
        )
    for cite in rule.citations:
        lines += describe_citation(cite)
    return lines


def _date_vi(iso: str) -> str:
    """``2022-08-18`` → ``ngày 18 tháng 8 năm 2022`` (tinnhiem.text.format_date_vi, NĐ 30/2020
    Phụ lục I); the text as is if not a date."""
    try:
        return format_date_vi(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def _pct_vi(fraction: Fraction) -> str:
    """A share as a Vietnamese percentage: ``1/2`` → ``50%``, ``2/3`` → ``66,67% (2/3)``."""
    pct = fraction * 100
    if pct.denominator == 1:
        return f"{format_number(pct)}%"
    return f"{format_number(pct, 2)}% ({fraction})"


def _bound_vi(bound: Bound, base: str, symbol: str = "v", of: str = "N") -> str:
    word = "từ" if bound.inclusive else "trên"
    tail = " trở lên" if bound.inclusive else ""
    op = ">=" if bound.inclusive else ">"
    return f"{word} {_pct_vi(bound.fraction)} {base}{tail} ({symbol} {op} {bound.fraction} × {of})"


def _fallback_line(label: str, fb: Fallback) -> str:
    n = f" (n = {fb.n})" if fb.n else ""
    floor = f" (mức sàn / floor: {_bound_vi(fb.floor, 'của N')})" if fb.floor is not None else ""
    return f"      {label}: {fb.action}{n}{floor} — {fb.action.label}" + _cite(fb.cite)


def _describe_step(step: StepRule, proc: Procedure) -> list[str]:
    ballot = (
        f"chọn tối đa {step.k} người trong danh sách, được để trống / choose at most {step.k}"
        if step.ballot == "choose_at_most"
        else "đồng ý / không đồng ý đối với từng người / agree or disagree on each person"
    )
    if step.candidates_from is None and proc.purpose == "reappointment":
        source = "người được xem xét bổ nhiệm lại / the person considered for reappointment"
    elif step.candidates_from is None:
        source = "danh sách đủ tiêu chuẩn (quy hoạch) / the eligible list (planning)"
    else:
        prev = proc.step(step.candidates_from)
        source = (
            f"những người từ bước {prev.number} [{prev.id}] / who went on from step {prev.number}"
        )
        if step.write_in is not None:
            source += (
                ", rồi những người khác đủ tiêu chuẩn (quy hoạch hoặc nhập thêm) / then the"
                " other eligible people (planning list or entered)"
            )
    lines = [
        f"  Bước {step.number} [{step.id}]: {step.title_vi}",
        f"      {step.title_en}",
        f"      Người bỏ phiếu / Voters: {step.body.label}" + _cite(step.cite),
        f"      Phiếu / Ballot: {step.ballot} — {ballot}",
        f"      Danh sách / List: {source}",
        f"      Mẫu số N / Base N: {step.base} ({step.base.label})" + _cite(step.base_cite),
    ]
    if step.quorum is not None:
        lines.append(
            "      Số người có mặt tối thiểu / Quorum: "
            + _bound_vi(step.quorum, "số người được triệu tập", "present", "summoned")
            + _cite(step.quorum_cite)
        )
    if step.threshold is None:
        lines.append("      Ngưỡng / Threshold: không có (lấy ý kiến) / none (advisory)")
    else:
        lines.append(
            f"      Ngưỡng / Threshold: {_bound_vi(step.threshold.bound, 'của N')}"
            + _cite(step.threshold.cite)
        )
        lines.append(f"      Chọn / Select: {step.select}, {step.seats} người / seat(s)")
        if step.at_threshold is not None:
            lines.append(_fallback_line("Đạt đúng ngưỡng / Exactly at it", step.at_threshold))
        lines.append(_fallback_line("Bằng phiếu / Tie", step.tie))
        lines.append(_fallback_line("Không ai đạt / Nobody reaches it", step.none_reaches))
        if step.below_floor is not None:
            lines.append(
                _fallback_line("Không ai đạt mức sàn / Nobody at the floor", step.below_floor)
            )
        if step.write_in is not None:
            w = step.write_in
            lines.append(
                "      Giới thiệu người khác / Write-in: được giới thiệu người khác có đủ tiêu"
                " chuẩn / a voter may name another eligible person" + _cite(w.cite)
            )
            lines.append(
                "      Người ngoài danh sách bước trước được chọn / A write-in going on: cần"
                f" {_bound_vi(w.threshold.bound, 'của N')}, N = {w.base} ({w.base.label})"
                + _cite(w.threshold.cite)
            )
            lines.append(
                _fallback_line("Người ngoài danh sách không đạt / Write-in short", w.below)
            )
    if not step.announce_at_meeting:
        lines.append(
            "      Kết quả không công bố tại hội nghị / results not announced at the meeting"
        )
    lines.append(
        f"      Bước tiếp theo / Next: {step.next}"
        if step.next
        else "      Bước tiếp theo / Next: (kết thúc / end)"
    )
    return lines


def describe_procedure(proc: Procedure) -> list[str]:
    """A personnel-vote procedure in full, with every citation (Vietnamese first)."""
    src = proc.source
    lines = [
        proc.id,
        f"  {proc.title_vi}",
        f"  {proc.title_en}",
        "",
        f"Nguồn / Source: {src.document}",
        f"  {src.issuer}, {_date_vi(src.date)}" + (f", {src.url}" if src.url else ""),
    ]
    if src.in_force_from:
        lines.append(f"  Hiệu lực từ / In force from: {_date_vi(src.in_force_from)}")
    if src.superseded_by:
        when = f" từ {_date_vi(src.superseded_on)}" if src.superseded_on else ""
        lines.append(
            f"  HẾT HIỆU LỰC / SUPERSEDED{when}: thay thế bởi / replaced by {src.superseded_by}"
        )
    lines.append(
        f"  Đã đối chiếu văn bản / Checked against the official text: {_YES_NO[src.verified]}"
    )
    lines.append(f"  Tình trạng / Standing: {proc.standing_vi} / {proc.standing_en}")
    if proc.path is not None:
        lines.append(f"  Tệp / File: {proc.path}")
    lines += [f"  Chưa chắc chắn / Uncertain: {note}" for note in src.uncertain]
    lines += [
        f"Áp dụng cho / Applies to: {proc.applies_to_vi} / {proc.applies_to_en}",
        f"Mục đích / Purpose: {proc.purpose}",
        "",
        "Các bước / Steps:",
    ]
    for step in proc.steps:
        lines += _describe_step(step, proc)
    lines.append("")
    verified = sum(1 for c in proc.citations if c.verified)
    lines.append(
        f"Trích dẫn / Citations ({verified} đã đối chiếu / verified,"
        f" {len(proc.citations) - verified} chưa / unverified):"
    )
    for cite in proc.citations:
        lines += describe_citation(cite)
    return lines


def register(app: typer.Typer) -> None:
    """Add the ``rules`` command group to ``app``."""
    rules_app = typer.Typer(
        help="Các phiên bản quy định / rule versions: list, show, procedures.", no_args_is_help=True
    )

    @rules_app.command("list")
    def list_command() -> None:
        """Liệt kê quy định / list the built-in rule versions, one id per line with its title."""
        try:
            rules = list_rules()
        except RuleError as exc:
            raise exit_for(exc) from None
        width = max(len(r.id) for r in rules)
        for rule in rules:
            typer.echo(f"{rule.id:<{width}}  {rule.title_vi} / {rule.title_en}")

    @rules_app.command("show")
    def show_command(
        rule_id: Annotated[
            str, typer.Argument(metavar="ID", help="rule id or path to a .toml file")
        ],
    ) -> None:
        """Hiển thị đầy đủ một quy định / show a rule in full."""
        try:
            rule = load_rule(rule_id)
        except TinnhiemError as exc:
            raise exit_for(exc) from None
        for line in describe_rule(rule):
            typer.echo(line)

    @rules_app.command("procedures")
    def procedures_command(
        proc_id: Annotated[
            str | None,
            typer.Argument(
                metavar="[ID]", help="procedure id or path to a .toml file; none: list them"
            ),
        ] = None,
    ) -> None:
        """Quy trình bỏ phiếu nhân sự (bổ nhiệm, bổ nhiệm lại) / personnel-vote procedures."""
        try:
            if proc_id is None:
                procs = list_procedures()
                width = max(len(p.id) for p in procs)
                for proc in procs:
                    tag = " [hết hiệu lực / superseded]" if proc.source.superseded_by else ""
                    typer.echo(f"{proc.id:<{width}}  {proc.title_vi}{tag}")
                return
            proc = load_procedure(proc_id)
        except TinnhiemError as exc:
            raise exit_for(exc) from None
        for line in describe_procedure(proc):
            typer.echo(line)

    app.add_typer(rules_app, name="rules")
