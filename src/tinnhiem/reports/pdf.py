"""The tally minutes as a PDF (weasyprint, HTML → PDF), in the official layout.

National header, title BIÊN BẢN KIỂM PHIẾU, the body, round, date and the rule cited,
one line per official (issued, returned, valid, invalid, each level's count and
percentage), the band and consequence of each with its citation, the reconciliation, the
committee's signature lines, the head hash, and for paper rounds the entry log.
"""

from __future__ import annotations

from datetime import date
from html import escape
from importlib import resources

from tinnhiem.reports.minutes import MinutesData, MinutesRow, percent_vi

__all__ = ["minutes_html", "render_minutes_pdf"]

_KIND_VI = {
    "electronic": "bỏ phiếu điện tử / electronic ballots",
    "paper": "phiếu giấy / paper ballots",
    "totals": "kiểm phiếu thủ công, nhập số tổng hợp / hand count, totals entered",
    "mixed": "phiếu giấy và phiếu điện tử / paper and electronic ballots",
}

_ROUND_VI = {
    "poll": "Vòng lấy phiếu",
    "formal_vote": "Vòng bỏ phiếu tín nhiệm (hai phương án: tín nhiệm, không tín nhiệm)",
}


def _css() -> str:
    return (
        resources.files("tinnhiem.reports")
        .joinpath("templates/minutes.css")
        .read_text(encoding="utf-8")
    )


def _opt(value: int | None) -> str:
    return "—" if value is None else str(value)


def _dateline(data: MinutesData) -> str:
    day = date.fromisoformat(data.date)
    place = f"{escape(data.place)}, " if data.place else ""
    return f"{place}ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _counts_row(row: MinutesRow, levels: tuple[tuple[str, str, str], ...]) -> str:
    cells = [
        f"<td class='num'>{row.number}</td>",
        f"<td>{escape(row.name)}"
        + (f"<br><small>{escape(row.position)}</small>" if row.position else "")
        + "</td>",
        f"<td class='num'>{_opt(row.issued)}</td>",
        f"<td class='num'>{_opt(row.returned)}</td>",
        f"<td class='num'>{row.valid}</td>",
        f"<td class='num'>{row.unmarked}</td>",
    ]
    for level, _, _ in levels:
        cells.append(f"<td class='num'>{row.count(level)}</td>")
        cells.append(f"<td class='num'>{percent_vi(row.percentages[level])}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _outcome_row(row: MinutesRow) -> str:
    consequences = (
        "".join(
            f"<div>{escape(c.text_vi)} <span class='citation'>({escape(c.citation)})</span></div>"
            for c in row.consequences
        )
        or "<div>Không có hệ quả theo quy định / none</div>"
    )
    return (
        f"<tr><td class='num'>{row.number}</td><td>{escape(row.name)}</td>"
        f"<td class='num'>{row.base}</td><td>{escape(row.band_vi)}</td>"
        f"<td>{consequences}</td></tr>"
    )


def _section_counts(data: MinutesData) -> str:
    sub = "<th>Số phiếu</th><th>Tỷ lệ</th>" * len(data.levels)
    level_headers = "".join(f"<th colspan='2'>{escape(vi)}</th>" for _, vi, _ in data.levels)
    return f"""
<h2>II. Kết quả kiểm phiếu / Count</h2>
<table class="grid">
<thead>
<tr><th rowspan="2">STT</th><th rowspan="2" class="name">Họ và tên, chức vụ</th>
<th rowspan="2">Phát ra</th><th rowspan="2">Thu về</th><th rowspan="2">Hợp lệ</th>
<th rowspan="2">Không hợp lệ*</th>{level_headers}</tr>
<tr>{sub}</tr>
</thead>
<tbody>{"".join(_counts_row(row, data.levels) for row in data.rows)}</tbody>
</table>
<p>* Kể cả dòng không đánh dấu / incl. rows with no valid mark.
Tỷ lệ phần trăm tính trên {escape(data.base_label_vi)} (N), làm tròn hai chữ số thập phân.
<i>Percentages are of the rule's base N, two decimals, rounded half up.</i></p>"""


def _section_outcomes(data: MinutesData) -> str:
    return f"""
<h2>III. Áp dụng quy định / Consequences under {escape(data.rule_id)}</h2>
<table class="grid">
<thead><tr><th>STT</th><th class="name">Họ và tên</th><th>N</th><th>Mức</th>
<th>Hệ quả theo quy định (điều khoản)</th></tr></thead>
<tbody>{"".join(_outcome_row(row) for row in data.rows)}</tbody>
</table>"""


def _section_reconciliation(data: MinutesData) -> str:
    if not data.reconciliation and not data.conflicts:
        return ""
    lines = "".join(
        f"<tr><td>{escape(vi)} <i>/ {escape(en)}</i></td><td class='num'>{escape(value)}</td></tr>"
        for vi, en, value in data.reconciliation
    )
    conflicts = (
        "<p><b>Chênh lệch, vướng mắc / conflicts:</b></p><ul>"
        + "".join(f"<li>{escape(c)}</li>" for c in data.conflicts)
        + "</ul>"
        if data.conflicts
        else "<p>Số phiếu khớp, không có chênh lệch / the totals tie, no conflict.</p>"
    )
    return f"""
<h2>IV. Đối chiếu số phiếu / Reconciliation</h2>
<table class="grid"><tbody>{lines}</tbody></table>
{conflicts}"""


def _section_hashes(data: MinutesData) -> str:
    parts = []
    if data.board_head:
        parts.append(
            "<p>Mã băm đầu bảng tin điện tử / bulletin board head hash:<br>"
            f"<span class='hash'>{escape(data.board_head)}</span></p>"
        )
    if data.log_head:
        parts.append(
            "<p>Mã băm cuối nhật ký nhập phiếu / entry log head hash "
            f"({len(data.entry_log)} sự kiện):<br>"
            f"<span class='hash'>{escape(data.log_head)}</span></p>"
        )
    return "".join(parts)


def _signatures(data: MinutesData) -> str:
    if not data.committee:
        return "<p><i>Chưa có danh sách Ban kiểm phiếu / no committee list given.</i></p>"
    cells = [
        f"<td><div class='role'>{escape(m.role.upper())}</div>"
        "<div class='hint'>(Ký, ghi rõ họ tên)</div><br><br><br>"
        f"<div>{escape(m.name)}</div></td>"
        for m in data.committee
    ]
    rows = "".join("<tr>" + "".join(cells[i : i + 3]) + "</tr>" for i in range(0, len(cells), 3))
    return f"<table class='signatures'>{rows}</table>"


_LOG_CHUNK = 60
"""Lines per <pre> block: one huge block makes weasyprint's page breaking several times
slower; the cost that remains is about a millisecond per line."""


def _entry_log(data: MinutesData) -> str:
    if not data.entry_log:
        return ""
    lines = [
        escape(
            f"{line.seq:>6} {line.ts} {line.hash[:16]} {line.actor} | {line.action_vi}"
            f" ({line.action}) | {line.detail}"
        )
        for line in data.entry_log
    ]
    blocks = "".join(
        "<pre>" + "\n".join(lines[i : i + _LOG_CHUNK]) + "</pre>"
        for i in range(0, len(lines), _LOG_CHUNK)
    )
    return f"""
<section class="log">
<h2>PHỤ LỤC: NHẬT KÝ NHẬP PHIẾU / Appendix: entry log</h2>
<p>Mỗi dòng: số thứ tự, thời điểm (UTC), 16 ký tự đầu mã băm, người thao tác, thao tác,
chi tiết. Nhật ký chỉ được ghi thêm, không sửa, không xóa; mỗi dòng chứa mã băm của dòng
trước. <i>Append-only, hash-chained; each line carries the previous line's hash.</i></p>
{blocks}
<p>Mã băm cuối / head: <span class='hash'>{escape(data.log_head or "")}</span></p>
</section>"""


def minutes_html(data: MinutesData) -> str:
    """The minutes as one HTML document (what the PDF is rendered from)."""
    draft = (
        "<p class='draft'>BẢN NHÁP — chưa đủ điều kiện lập biên bản chính thức "
        "(DRAFT: entries pending or disputed)</p>"
        if data.draft
        else ""
    )
    committee = "".join(f"<li>{escape(m.name)} — {escape(m.role)}</li>" for m in data.committee)
    notes = "".join(f"<p><i>{escape(note)}</i></p>" for note in data.notes)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Biên bản kiểm phiếu — {escape(data.title)}</title><style>{_css()}</style></head><body>
<table class="header"><tr>
<td><div class="body">{escape(data.body)}</div><div><b>BAN KIỂM PHIẾU</b></div></td>
<td><div class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>
<div class="motto">Độc lập - Tự do - Hạnh phúc</div></td>
</tr></table>
<p class="dateline">{_dateline(data)}</p>
<h1>BIÊN BẢN KIỂM PHIẾU</h1>
<p class="subtitle">{escape(data.title)}</p>
{draft}
<h2>I. Thông tin chung / General</h2>
<p>Căn cứ / Under: {escape(data.rule_document)} ({escape(data.rule_title_vi)};
mã quy định <b>{escape(data.rule_id)}</b>).</p>
<p>Cơ quan / Body: {escape(data.body)}. {_ROUND_VI.get(data.round_kind, "Vòng")} / Round:
{escape(data.round_id)}. Hình thức / Ballots: {_KIND_VI.get(data.kind, data.kind)}.</p>
<p>Tổng số phiếu phát ra / issued: <b>{_opt(data.issued)}</b>;
tổng số phiếu thu về / returned: <b>{_opt(data.returned)}</b>.</p>
<p>Điều kiện tiến hành / quorum: {escape(data.quorum_vi)}</p>
<p>Ban kiểm phiếu gồm / counting committee:</p><ul>{committee}</ul>
{notes}
{_section_counts(data)}
{_section_outcomes(data)}
{_section_reconciliation(data)}
{_section_hashes(data)}
{_signatures(data)}
{_entry_log(data)}
</body></html>"""


def render_minutes_pdf(data: MinutesData) -> bytes:
    """The minutes as PDF bytes."""
    import weasyprint  # slow to import; only PDF output needs it

    return bytes(weasyprint.HTML(string=minutes_html(data)).write_pdf())
