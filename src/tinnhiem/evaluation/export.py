"""Exports of an evaluation report: XLSX (openpyxl) and PDF (WeasyPrint, DejaVu Sans so that
Vietnamese renders). The legal tally is written as given, in its own columns, first.
"""

from __future__ import annotations

import html
from fractions import Fraction
from pathlib import Path

from tinnhiem.evaluation.rating import format_points
from tinnhiem.evaluation.report import EvaluationReport, OfficialEvaluation
from tinnhiem.evaluation.sources import BODY_POLICY_EN, BODY_POLICY_VI, PARAMETER_BASIS
from tinnhiem.rules import format_date_vi, format_number, format_percent_vi
from tinnhiem.text import xlsx_without_formulas

__all__ = ["render_html", "write_pdf", "write_xlsx"]

_TITLE_VI = "Báo cáo đánh giá (tham khảo, không thay kết quả kiểm phiếu)"
_TITLE_EN = "Evaluation report (advisory; the legal tally is unchanged)"


def _pct(value: Fraction | None) -> str:
    return "" if value is None else format_percent_vi(value)


def _flag_text(row: OfficialEvaluation) -> str:
    f = row.flag
    if f is None or f.flag is None:
        return ""
    share = format_number(100 * (f.frequency or 0), 0)
    return f"{f.flag.text_vi} (z = {format_number(f.z, 2)}, {share}%)"


def _summary_rows(report: EvaluationReport) -> list[list[object]]:
    rows: list[list[object]] = []
    for r in report.officials:
        c = r.poll.counts if r.poll else None
        s = r.share
        rows.append(
            [
                r.official,
                r.position,
                r.unit,
                c.returned if c else None,
                c.high if c else None,
                c.confident if c else None,
                c.low if c else None,
                c.invalid if c else None,
                r.poll.outcome.band.id if r.poll and r.poll.outcome and r.poll.outcome.band else "",
                float(r.work.score) if r.work else None,
                float(s.share) if s else None,
                f"{s.wilson.low:.3f}–{s.wilson.high:.3f}" if s else "",
                f"{s.jeffreys.low:.3f}–{s.jeffreys.high:.3f}" if s else "",
                round(s.shrunk, 4) if s else None,
                _flag_text(r),
                float(r.rating.points) if r.rating.points is not None else None,
                r.rating.rating.text_vi if r.rating.rating else "",
                "; ".join(c.code for c in r.consequences),
            ]
        )
    return rows


_SUMMARY_HEAD = [
    "Người được lấy phiếu / Official",
    "Chức vụ / Post",
    "Đơn vị / Unit",
    "Phiếu thu về / Returned",
    "Tín nhiệm cao / High",
    "Tín nhiệm / Confident",
    "Tín nhiệm thấp / Low",
    "Không hợp lệ / Invalid",
    "Ngưỡng / Band",
    "Kết quả công việc / Work score",
    "Tỷ lệ / Share",
    "Wilson 95%",
    "Jeffreys 95%",
    "Ước lượng co về tập thể / Shrunk",
    "Gợi ý xem xét / Flag for review",
    "Điểm / Points",
    "Gợi ý xếp loại / Suggested rating",
    "Hệ quả / Consequences",
]


def write_xlsx(report: EvaluationReport, path: str | Path) -> Path:
    """Write the report as a workbook: summary, assignments, consequences, quota, policy."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Tong hop"
    summary.append([_TITLE_VI, BODY_POLICY_VI])
    summary.append([_TITLE_EN, BODY_POLICY_EN])
    summary.append(_SUMMARY_HEAD)
    for cell in summary[3]:
        cell.font = Font(bold=True)
    for row in _summary_rows(report):
        summary.append(row)

    work = book.create_sheet("De an")
    work.append(
        [
            "Mã / Id",
            "Tên / Title",
            "Chủ trì / Lead",
            "Đồng chủ trì / Co-owners",
            "Trọng số / Weight",
            "Dám nghĩ dám làm / Ambitious",
            "Hạn / Due",
            "Tiến độ xác minh / Verified",
            "Hoàn thành / Completion",
            "Đúng hạn / Timeliness",
            "Chất lượng / Quality",
            "Điểm / Score",
            "Trễ (ngày) / Days late",
            "SPI",
        ]
    )
    for s in report.scores.assignments:
        a = s.assignment
        work.append(
            [
                a.id,
                a.title,
                a.lead,
                ", ".join(f"{o.official} ({float(o.share):.0%})" for o in a.co_owners),
                float(a.weight),
                "x" if a.ambitious else "",
                a.due,
                float(s.verified),
                float(s.completion),
                float(s.timeliness),
                float(s.quality),
                float(s.score),
                s.days_late,
                None if s.schedule_index is None else float(s.schedule_index),
            ]
        )

    cons = book.create_sheet("He qua")
    cons.append(["Người / Official", "Mã / Code", "Hệ quả", "Consequence", "Nguồn / Sources"])
    for r in report.officials:
        for c in r.consequences:
            sources = " | ".join(f"{s.reference}: {s.detail} [{s.citation}]" for s in c.sources)
            cons.append([r.official, c.code, c.text_vi, c.text_en, sources])

    beside = book.create_sheet("Xu huong")
    beside.append(
        [
            "Người / Official",
            "Lần / Round or body",
            "k",
            "n",
            "Tỷ lệ / Share",
            "Wilson thấp / low",
            "Wilson cao / high",
            "Chênh / Difference",
            "Chênh thấp / low",
            "Chênh cao / high",
            "Rõ / Clear",
        ]
    )
    for r in report.officials:
        for t in r.trend:
            change = t.change
            beside.append(
                [
                    r.official,
                    t.label,
                    t.k,
                    t.n,
                    float(t.share),
                    t.wilson.low,
                    t.wilson.high,
                    None if change is None else change.difference,
                    None if change is None else change.interval.low,
                    None if change is None else change.interval.high,
                    None if change is None else ("x" if change.clear else ""),
                ]
            )
        for cmp in r.comparisons:
            beside.append(
                [
                    r.official,
                    f"{cmp.first} − {cmp.second}",
                    None,
                    None,
                    float(cmp.second_share),
                    None,
                    None,
                    cmp.difference,
                    cmp.interval.low,
                    cmp.interval.high,
                    "x" if cmp.clear else "",
                ]
            )
        for label in r.hidden:
            beside.append(
                [
                    r.official,
                    label,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    f"ẩn: dưới {report.policy.min_group} người / hidden",
                ]
            )

    quota = book.create_sheet("Ti le xuat sac")
    quota.append(
        ["Đơn vị / Unit", "Xuất sắc / Excellent", "Tốt / Good", "Tối đa / Limit", "Đạt / OK"]
    )
    for q in report.quota:
        quota.append([q.unit, q.excellent, q.good, float(q.limit), "OK" if q.ok else "VƯỢT"])

    pol = book.create_sheet("Chinh sach")
    p = report.policy
    for key, value in (
        ("Chính sách / Policy", p.id),
        ("Phiên bản / Version", p.version),
        ("SHA-256", p.sha256),
        ("Khóa từ / Locked on", p.locked_on.isoformat() if p.locked_on else ""),
        ("Ngày đánh giá / Evaluated at", report.at.isoformat()),
        ("Quy định / Rule", report.rule_label),
        ("Cơ quan / Body", report.programme.body),
        ("Điểm chương trình / Programme score", float(report.scores.score)),
    ):
        pol.append([key, value])
    basis = book.create_sheet("Can cu")
    basis.append([BODY_POLICY_VI])
    basis.append([BODY_POLICY_EN])
    basis.append(["Tham số / Parameter", "Nội dung", "Căn cứ / Basis", "Nguồn / Read at"])
    for b in PARAMETER_BASIS:
        basis.append([b.parameter, b.vi, b.basis_vi, "" if b.source is None else b.source.url])
    if report.flags is not None:
        pol.append([])
        for vi, en in report.flags.caveats:
            pol.append([vi, en])
    out = Path(path)
    xlsx_without_formulas(book)  # names and titles from people stay text
    book.save(out)
    return out


def render_html(report: EvaluationReport) -> str:
    """The report as one HTML page (DejaVu Sans), the source of the PDF."""
    e = html.escape
    head = "".join(
        f"<th>{e(h)}</th>"
        for h in (
            "Người được lấy phiếu",
            "Cao / Tín nhiệm / Thấp",
            "Ngưỡng",
            "Kết quả công việc",
            "Tỷ lệ (Wilson 95%)",
            "Co về tập thể",
            "Gợi ý xem xét",
            "Điểm",
            "Gợi ý xếp loại",
        )
    )
    body = []
    for r in report.officials:
        c = r.poll.counts if r.poll else None
        s = r.share
        outcome = r.poll.outcome if r.poll else None
        tally = f"{c.high} / {c.confident} / {c.low}" if c else "—"
        if outcome is not None:
            low_pct = outcome.display_percentages.get("low", "")
            tally += f" (thấp {low_pct}%)"
        share = "" if s is None else (f"{_pct(s.share)}% ({s.wilson.low:.2f}–{s.wilson.high:.2f})")
        body.append(
            "<tr>"
            f"<td>{e(r.official)}<br><small>{e(r.position)}</small></td>"
            f"<td>{e(tally)}</td>"
            f"<td>{e(outcome.band.id) if outcome and outcome.band else ''}</td>"
            f"<td>{'' if r.work is None else _pct(r.work.score)}</td>"
            f"<td>{share}</td>"
            f"<td>{'' if s is None else f'{s.shrunk:.3f}'}</td>"
            f"<td>{e(_flag_text(r))}</td>"
            f"<td>{'' if r.rating.points is None else format_points(r.rating.points)}</td>"
            f"<td>{e(r.rating.rating.text_vi) if r.rating.rating else ''}</td>"
            "</tr>"
        )
    consequences = "".join(
        f"<li><b>{e(r.official)}</b>: {e(c.text_vi)} / {e(c.text_en)}<br><small>"
        + "; ".join(e(f"{s.reference} — {s.detail} [{s.citation}]") for s in c.sources)
        + "</small></li>"
        for r in report.officials
        for c in r.consequences
    )
    caveats = "".join(
        f"<li>{e(vi)} / {e(en)}</li>" for vi, en in (report.flags.caveats if report.flags else ())
    )
    quota = "".join(
        f"<li>{e(q.unit)}: xuất sắc {q.excellent}, tốt {q.good}, tối đa {format_number(q.limit, 2)}"
        f" — {'đạt' if q.ok else 'VƯỢT tỷ lệ'}</li>"
        for q in report.quota
    )
    p = report.policy
    basis = "".join(f"<tr><td>{e(b.vi)}</td><td>{e(b.basis_vi)}</td></tr>" for b in PARAMETER_BASIS)
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{e(_TITLE_VI)}</title>
<style>
@page {{ size: A4 landscape; margin: 12mm; }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 8pt; }}
h1 {{ font-size: 13pt; margin: 0 0 4pt; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 0.5pt solid #888; padding: 2pt 3pt; vertical-align: top; }}
th {{ background: #eee; }}
</style></head><body>
<h1>{e(_TITLE_VI)}</h1>
<p>{e(_TITLE_EN)}</p>
<p>{e(report.programme.body)} — {e(report.programme.title)}; đánh giá {format_date_vi(report.at)};
quy định {e(report.rule_label)}; chính sách {e(p.id)} v{p.version}, SHA-256 {p.sha256};
điểm chương trình {_pct(report.scores.score)}%.</p>
<p><i>{e(BODY_POLICY_VI)}</i></p>
<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>
<h2>Hệ quả và nguồn / Consequences and their sources</h2><ul>{consequences}</ul>
<h2>Tỷ lệ xuất sắc / Excellent quota</h2><ul>{quota}</ul>
<h2>Lưu ý / Caveats</h2><ul>{caveats}</ul>
<h2>Căn cứ của từng tham số / What each parameter rests on</h2>
<table><tbody>{basis}</tbody></table>
</body></html>"""


def write_pdf(report: EvaluationReport, path: str | Path) -> Path:
    """Render :func:`render_html` to PDF with WeasyPrint."""
    import weasyprint

    out = Path(path)
    weasyprint.HTML(string=render_html(report)).write_pdf(out)
    return out
