"""The tally minutes as a PDF (weasyprint, HTML → PDF), in the form a committee signs.

Vietnamese only by default (``language="en"`` gives an English version, a separate
document). The heading is the State's ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") or, under a
Party rule, the Party's ("ĐẢNG CỘNG SẢN VIỆT NAM", with its secrecy marking); then
"Hôm nay, vào hồi … giờ … ngày … tháng … năm … tại …", the session or conference, the
members summoned and present, the counting committee with its roles, the people not
polled and why, one row per official (a row never splits across pages; the header row
repeats on every page), the consequences with their citations, the reconciliation, the
closing time and number of copies, the fingerprint of the electronic record (the board
head) that the signed paper anchors, the signatures, and for paper rounds the entry log.
No internal id and no UTC time is printed: times are local (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from html import escape
from importlib import resources

from tinnhiem.reports.minutes import MinutesData, MinutesRow
from tinnhiem.rules import format_number, format_percent_vi
from tinnhiem.text import format_date_vi

__all__ = ["LANGUAGES", "minutes_html", "render_minutes_pdf"]

LANGUAGES = ("vi", "en")
_LOCAL = timezone(timedelta(hours=7), "ICT")  # giờ Việt Nam (no daylight saving)

_KIND = {
    "vi": {
        "electronic": "bỏ phiếu điện tử",
        "paper": "phiếu giấy",
        "totals": "kiểm phiếu thủ công, nhập số tổng hợp",
        "mixed": "phiếu giấy và phiếu điện tử",
    },
    "en": {
        "electronic": "electronic ballots",
        "paper": "paper ballots",
        "totals": "hand count, totals entered",
        "mixed": "paper and electronic ballots",
    },
}

_T = {
    "vi": {
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "party": "ĐẢNG CỘNG SẢN VIỆT NAM",
        "committee": "BAN KIỂM PHIẾU",
        "title": "BIÊN BẢN KIỂM PHIẾU",
        "draft": "BẢN NHÁP — chưa đủ điều kiện lập biên bản chính thức",
        "poll": "lấy phiếu tín nhiệm",
        "formal_vote": "bỏ phiếu tín nhiệm",
        "s1": "I. THÀNH PHẦN VÀ CĂN CỨ",
        "s2": "II. KẾT QUẢ KIỂM PHIẾU",
        "s3": "III. ÁP DỤNG QUY ĐỊNH",
        "s4": "IV. ĐỐI CHIẾU SỐ PHIẾU",
        "no": "STT",
        "name": "Họ và tên, chức vụ",
        "issued": "Phát ra",
        "returned": "Thu về",
        "valid": "Hợp lệ",
        "unmarked_invalid": "Không hợp lệ",
        "unmarked_blank": "Không đánh dấu",
        "count": "Số phiếu",
        "share": "Tỷ lệ",
        "band": "Trường hợp",
        "consequence": "Hệ quả theo quy định (căn cứ)",
        "none": "Không có hệ quả theo quy định",
        "base": "Tỷ lệ phần trăm tính trên {base} (N), làm tròn hai chữ số thập phân.",
        "fingerprint": "Dấu vân tay của hồ sơ điện tử (mã băm đầu bảng tin), để đối chiếu "
        "bản giấy đã ký với hồ sơ công bố:",
        "loghead": "Mã băm cuối nhật ký nhập phiếu ({n} sự kiện):",
        "sign": "(Ký, ghi rõ họ tên)",
    },
    "en": {
        "nation": "SOCIALIST REPUBLIC OF VIET NAM",
        "motto": "Independence - Freedom - Happiness",
        "party": "COMMUNIST PARTY OF VIET NAM",
        "committee": "COUNTING COMMITTEE",
        "title": "TALLY MINUTES",
        "draft": "DRAFT — entries pending or disputed",
        "poll": "confidence poll",
        "formal_vote": "formal confidence vote",
        "s1": "I. ATTENDANCE AND BASIS",
        "s2": "II. COUNT",
        "s3": "III. CONSEQUENCES UNDER THE RULE",
        "s4": "IV. RECONCILIATION",
        "no": "No.",
        "name": "Name, post",
        "issued": "Issued",
        "returned": "Returned",
        "valid": "Valid",
        "unmarked_invalid": "Invalid",
        "unmarked_blank": "No mark",
        "count": "Count",
        "share": "Share",
        "band": "Band",
        "consequence": "Consequence under the rule (basis)",
        "none": "No consequence under the rule",
        "base": "Percentages are of {base} (N), two decimals, rounded half up.",
        "fingerprint": "Fingerprint of the electronic record (bulletin board head), tying "
        "the signed paper to the published record:",
        "loghead": "Entry log head hash ({n} events):",
        "sign": "(Signature and full name)",
    },
}

_BASE_EN = {"returned": "the ballots returned", "members": "all members of the body"}
_DOTS = "….."


def _css() -> str:
    return (
        resources.files("tinnhiem.reports")
        .joinpath("templates/minutes.css")
        .read_text(encoding="utf-8")
    )


def _opt(value: int | None) -> str:
    return "—" if value is None else format_number(value)


def _clock(value: str, lang: str) -> str:
    """``HH:MM`` as "14 giờ 05 phút", or dots to fill by hand."""
    if not value:
        return f"{_DOTS} giờ {_DOTS} phút" if lang == "vi" else f"{_DOTS}:{_DOTS}"
    hour, minute = value.split(":")
    return f"{hour} giờ {minute} phút" if lang == "vi" else value


def _dateline(data: MinutesData, lang: str) -> str:
    day = date.fromisoformat(data.date)
    if lang == "en":
        where = f"{escape(data.place)}, " if data.place else ""
        return f"{where}{day.day:02d}/{day.month:02d}/{day.year}"
    return escape(format_date_vi(day, data.place))


def _local_time(ts: str) -> str:
    """An ISO timestamp (stored in UTC) as local time, ``dd/mm/yyyy HH:MM:SS``."""
    try:
        moment = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return ts
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_LOCAL).strftime("%d/%m/%Y %H:%M:%S")


def _counts_row(row: MinutesRow, levels: tuple[tuple[str, str, str], ...]) -> str:
    cells = [
        f"<td class='num'>{row.number}</td>",
        f"<td>{escape(row.name)}"
        + (f"<br><small>{escape(row.position)}</small>" if row.position else "")
        + "</td>",
        f"<td class='num'>{_opt(row.issued)}</td>",
        f"<td class='num'>{_opt(row.returned)}</td>",
        f"<td class='num'>{format_number(row.valid)}</td>",
        f"<td class='num'>{format_number(row.unmarked)}</td>",
    ]
    for level, _, _ in levels:
        cells.append(f"<td class='num'>{format_number(row.count(level))}</td>")
        cells.append(f"<td class='num'>{format_percent_vi(row.percentages[level])}%</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _citation(text: str, lang: str) -> str:
    """A clause's citation in one language (the rules print "vi / en" pairs)."""
    if lang != "vi":
        return text
    for english in (" / article not confirmed", " / unverified"):
        text = text.replace(english, "")
    return text


def _outcome_row(row: MinutesRow, lang: str) -> str:
    t = _T[lang]
    consequences = (
        "".join(
            f"<div>{escape(c.text_vi if lang == 'vi' else c.text_en)} "
            f"<span class='citation'>({escape(_citation(c.citation, lang))})</span></div>"
            for c in row.consequences
        )
        or f"<div>{t['none']}</div>"
    )
    band = row.band_vi if lang == "vi" else row.band_en
    return (
        f"<tr><td class='num'>{row.number}</td><td>{escape(row.name)}</td>"
        f"<td class='num'>{format_number(row.base)}</td><td>{escape(band)}</td>"
        f"<td>{consequences}</td></tr>"
    )


def _unmarked_label(data: MinutesData, lang: str) -> str:
    # Under a rule that counts a blank row as a valid ballot with no mark (NQ 96/2023), the
    # column is "no mark", not "invalid".
    key = "unmarked_invalid" if data.party_format else "unmarked_blank"
    return _T[lang][key]


def _section_counts(data: MinutesData, lang: str) -> str:
    t = _T[lang]
    sub = f"<th>{t['count']}</th><th>{t['share']}</th>" * len(data.levels)
    level_headers = "".join(
        f"<th colspan='2'>{escape(vi if lang == 'vi' else en)}</th>" for _, vi, en in data.levels
    )
    base = data.base_label_vi if lang == "vi" else _BASE_EN.get(data.denominator, data.denominator)
    return f"""
<h2>{t["s2"]}</h2>
<table class="grid">
<thead>
<tr><th rowspan="2">{t["no"]}</th><th rowspan="2" class="name">{t["name"]}</th>
<th rowspan="2">{t["issued"]}</th><th rowspan="2">{t["returned"]}</th>
<th rowspan="2">{t["valid"]}</th><th rowspan="2">{_unmarked_label(data, lang)}</th>
{level_headers}</tr>
<tr>{sub}</tr>
</thead>
<tbody>{"".join(_counts_row(row, data.levels) for row in data.rows)}</tbody>
</table>
<p class="small">{t["base"].format(base=escape(base))}</p>"""


def _section_outcomes(data: MinutesData, lang: str) -> str:
    t = _T[lang]
    rows = [row for row in data.rows if row.band_id is not None or row.consequences]
    rest = (
        "Những người còn lại không thuộc trường hợp nào của quy định."
        if lang == "vi"
        else "No band of the rule applies to anyone else."
    )
    if not rows:
        nobody = (
            "Không có người nào thuộc các trường hợp của quy định."
            if lang == "vi"
            else "No band of the rule applies to anyone."
        )
        return f"<h2>{t['s3']}</h2><p>{nobody}</p>"
    return f"""
<h2>{t["s3"]}</h2>
<table class="grid">
<thead><tr><th>{t["no"]}</th><th class="name">{t["name"]}</th><th>N</th><th>{t["band"]}</th>
<th>{t["consequence"]}</th></tr></thead>
<tbody>{"".join(_outcome_row(row, lang) for row in rows)}</tbody>
</table>
<p class="small">{rest}</p>"""


def _section_reconciliation(data: MinutesData, lang: str) -> str:
    if not data.reconciliation and not data.conflicts:
        return ""
    lines = "".join(
        f"<tr><td>{escape(vi if lang == 'vi' else en)}</td>"
        f"<td class='num'>{escape(value)}</td></tr>"
        for vi, en, value in data.reconciliation
    )
    if data.conflicts:
        head = "Chênh lệch, vướng mắc:" if lang == "vi" else "Conflicts:"
        conflicts = (
            f"<p><b>{head}</b></p><ul>"
            + "".join(f"<li>{escape(c)}</li>" for c in data.conflicts)
            + "</ul>"
        )
    else:
        conflicts = (
            "<p>Số phiếu khớp, không có chênh lệch.</p>"
            if lang == "vi"
            else "<p>The totals tie; no conflict.</p>"
        )
    return f"""
<h2>{_T[lang]["s4"]}</h2>
<table class="grid keep"><tbody>{lines}</tbody></table>
{conflicts}"""


def _section_hashes(data: MinutesData, lang: str) -> str:
    t = _T[lang]
    parts = []
    if data.board_head:
        parts.append(
            f"<p class='keep'>{t['fingerprint']}<br>"
            f"<span class='hash'>{escape(data.board_head)}</span></p>"
        )
    if data.log_head:
        parts.append(
            f"<p class='keep'>{t['loghead'].format(n=len(data.entry_log))}<br>"
            f"<span class='hash'>{escape(data.log_head)}</span></p>"
        )
    return "".join(parts)


def _signatures(data: MinutesData, lang: str) -> str:
    if not data.committee:
        return (
            "<p><i>Chưa có danh sách Ban kiểm phiếu.</i></p>"
            if lang == "vi"
            else "<p><i>No committee list given.</i></p>"
        )
    cells = [
        f"<td><div class='role'>{escape(m.role.upper())}</div>"
        f"<div class='hint'>{_T[lang]['sign']}</div><br><br><br>"
        f"<div>{escape(m.name)}</div></td>"
        for m in data.committee
    ]
    rows = "".join("<tr>" + "".join(cells[i : i + 3]) + "</tr>" for i in range(0, len(cells), 3))
    return f"<table class='signatures'>{rows}</table>"


_LOG_CHUNK = 60
"""Lines per <pre> block: one huge block makes weasyprint's page breaking several times
slower; the cost that remains is about a millisecond per line."""


def _entry_log(data: MinutesData, lang: str) -> str:
    if not data.entry_log:
        return ""
    lines = [
        escape(
            f"{line.seq:>6} {_local_time(line.ts)} {line.hash[:16]} {line.actor} | "
            f"{line.action_vi if lang == 'vi' else line.action} | {line.detail}"
        )
        for line in data.entry_log
    ]
    blocks = "".join(
        "<pre>" + "\n".join(lines[i : i + _LOG_CHUNK]) + "</pre>"
        for i in range(0, len(lines), _LOG_CHUNK)
    )
    if lang == "vi":
        head = "PHỤ LỤC: NHẬT KÝ NHẬP PHIẾU"
        legend = (
            "Mỗi dòng: số thứ tự, thời điểm (giờ Việt Nam), 16 ký tự đầu mã băm, người thao "
            "tác, thao tác, chi tiết. Nhật ký chỉ được ghi thêm, không sửa, không xóa; mỗi "
            "dòng chứa mã băm của dòng trước."
        )
        tail = "Mã băm cuối"
    else:
        head = "APPENDIX: ENTRY LOG"
        legend = (
            "Each line: number, time (Viet Nam), first 16 characters of its hash, operator, "
            "action, detail. Append-only and hash-chained."
        )
        tail = "Head"
    return f"""
<section class="log">
<h2>{head}</h2>
<p>{legend}</p>
{blocks}
<p>{tail}: <span class='hash'>{escape(data.log_head or "")}</span></p>
</section>"""


def _heading(data: MinutesData, lang: str) -> str:
    t = _T[lang]
    secrecy = (
        f"<div class='secrecy'>{escape(data.secrecy_marking)}</div>" if data.secrecy_marking else ""
    )
    if data.party_format:
        right = f"<div class='nation underline'>{t['party']}</div>"
        left = (
            f"<div class='body'>{escape(data.body)}</div><div><b>{t['committee']}</b></div>"
            "<div>*</div>"
        )
    else:
        right = f"<div class='nation'>{t['nation']}</div><div class='motto'>{t['motto']}</div>"
        left = f"<div class='body'>{escape(data.body)}</div><div><b>{t['committee']}</b></div>"
    return f"""{secrecy}<table class="header"><tr><td>{left}</td><td>{right}</td></tr></table>
<p class="dateline">{_dateline(data, lang)}</p>"""


def _what(title: str, kind: str) -> str:
    """ "lấy phiếu tín nhiệm đối với …" from a title that starts with the kind, else both."""
    if title.lower().startswith(kind):
        return escape(title[0].lower() + title[1:])
    return f"{kind}: {escape(title)}"


def _attendance(data: MinutesData, lang: str) -> str:
    """The opening paragraph and the attendance: who was summoned, present, not polled."""
    day = date.fromisoformat(data.date)
    kind = _T[lang].get(data.round_kind, data.round_kind)
    place = escape(data.place) if data.place else _DOTS * 4
    session = escape(data.session) if data.session else ""
    absent = (
        None
        if data.summoned is None or data.present is None
        else max(0, data.summoned - data.present)
    )
    exempt_items = "".join(
        f"<li>{escape(name)}{', ' + escape(post) if post else ''}: {escape(reason)}</li>"
        for name, post, reason in data.exempt
    )
    committee = "".join(f"<li>{escape(m.name)} — {escape(m.role)}</li>" for m in data.committee)
    if lang == "vi":
        opening = (
            f"Hôm nay, vào hồi {_clock(data.opened_at, lang)} {format_date_vi(day)}, tại {place}"
            + (f", trong {session}" if session else "")
            + f", Ban kiểm phiếu tiến hành kiểm phiếu {_what(data.title, kind)}."
        )
        basis = (
            f"Căn cứ {escape(data.rule_document)} ({escape(data.rule_title_vi)}). "
            f"Hình thức bỏ phiếu: {_KIND['vi'].get(data.kind, data.kind)}."
        )
        people = [
            f"Tổng số thành viên của {escape(data.body)}: <b>{_opt(data.members)}</b>.",
            f"Số người được triệu tập: <b>{_opt(data.summoned)}</b>; có mặt: "
            f"<b>{_opt(data.present)}</b>; vắng mặt: <b>{_opt(absent)}</b>.",
            f"Số phiếu phát ra: <b>{_opt(data.issued)}</b>; số phiếu thu về: "
            f"<b>{_opt(data.returned)}</b>.",
            f"Điều kiện tiến hành: {escape(data.quorum_vi)}",
        ]
        exempt = (
            "<p>Không lấy phiếu tín nhiệm đối với (và lý do):</p><ul>" + exempt_items + "</ul>"
            if exempt_items
            else "<p>Không có người thuộc diện không lấy phiếu.</p>"
        )
        committee_head = "Ban kiểm phiếu gồm:"
    else:
        opening = (
            f"On {day.day:02d}/{day.month:02d}/{day.year} at {_clock(data.opened_at, lang)}, at "
            f"{place}"
            + (f", during {session}" if session else "")
            + f", the counting committee counted the {kind}: {escape(data.title)}."
        )
        basis = (
            f"Under {escape(data.rule_document)}. Ballots: {_KIND['en'].get(data.kind, data.kind)}."
        )
        people = [
            f"Members of {escape(data.body)}: <b>{_opt(data.members)}</b>.",
            f"Summoned: <b>{_opt(data.summoned)}</b>; present: <b>{_opt(data.present)}</b>; "
            f"absent: <b>{_opt(absent)}</b>.",
            f"Ballots issued: <b>{_opt(data.issued)}</b>; returned: <b>{_opt(data.returned)}</b>.",
            f"Quorum: {escape(data.quorum_vi)}",
        ]
        exempt = (
            "<p>Not polled (and why):</p><ul>" + exempt_items + "</ul>"
            if exempt_items
            else "<p>Nobody was exempted.</p>"
        )
        committee_head = "The counting committee:"
    return (
        f"<p>{opening}</p><h2>{_T[lang]['s1']}</h2><p>{basis}</p>"
        + "".join(f"<p>{line}</p>" for line in people)
        + f"<p>{committee_head}</p><ul>{committee}</ul>{exempt}"
    )


def _closing(data: MinutesData, lang: str) -> str:
    copies = f"{data.copies:02d}"
    if lang == "vi":
        return (
            f"<p class='keep'>Việc kiểm phiếu kết thúc vào hồi {_clock(data.closed_at, lang)} "
            f"cùng ngày. Biên bản được lập thành {copies} bản có giá trị như nhau, đã được đọc "
            "lại cho các thành viên Ban kiểm phiếu cùng nghe và nhất trí ký tên.</p>"
        )
    return (
        f"<p class='keep'>The count ended at {_clock(data.closed_at, lang)} the same day. These "
        f"minutes are made in {copies} copies of equal value, read to the committee and signed "
        "by its members.</p>"
    )


def minutes_html(data: MinutesData, language: str = "vi") -> str:
    """The minutes as one HTML document (what the PDF is rendered from); ``language`` is
    ``"vi"`` (the signed form) or ``"en"`` (a separate English version)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    lang = language
    t = _T[lang]
    draft = f"<p class='draft'>{t['draft']}</p>" if data.draft else ""
    notes = "".join(f"<p><i>{escape(note)}</i></p>" for note in data.notes)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{t["title"]} — {escape(data.title)}</title><style>{_css()}</style></head><body>
{_heading(data, lang)}
<h1>{t["title"]}</h1>
<p class="subtitle">{escape(data.title)}</p>
{draft}
{_attendance(data, lang)}
{notes}
{_section_counts(data, lang)}
{_section_outcomes(data, lang)}
{_section_reconciliation(data, lang)}
{data.audit_html if lang == "vi" else ""}
{_closing(data, lang)}
{_section_hashes(data, lang)}
{_signatures(data, lang)}
{_entry_log(data, lang)}
</body></html>"""


def render_minutes_pdf(data: MinutesData, language: str = "vi") -> bytes:
    """The minutes as PDF bytes (Vietnamese by default; ``language="en"`` for English)."""
    import weasyprint  # slow to import; only PDF output needs it

    return bytes(weasyprint.HTML(string=minutes_html(data, language)).write_pdf())
