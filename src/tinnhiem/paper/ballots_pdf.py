"""Printable paper ballots as a PDF: identical sheets that cannot be traced to a voter.

Every sheet of a round is the same: the body, the round's title, one row per official and
the instructions, with a box for the body's seal (dấu của cơ quan), never the counting
committee's. No serial, no code, nothing printed before the vote differs from one sheet
to the next, so a ballot cannot be tied to the person who received it; the counting
committee numbers the sheets only when it enters them, in the order it takes them from
the box. The instructions follow the rule's treatment of a row left blank: invalid for
that person under the Party rule (``blank_row = "invalid"``), a valid ballot with no mark
for that person under NQ 96/2023/QH15 (``blank_row = "no_mark"``). Vietnamese only.
A poll's sheet (PHIẾU LẤY PHIẾU TÍN NHIỆM) has three boxes: Tín nhiệm cao, Tín nhiệm,
Tín nhiệm thấp; a formal vote's (PHIẾU BỎ PHIẾU TÍN NHIỆM) two: Tín nhiệm, Không tín
nhiệm.

A **scannable** sheet (``scannable=True``) is the same sheet on a fixed grid
(:mod:`tinnhiem.paper.omr_layout`) with four registration marks and a QR code holding the
round code: every sheet still identical, nothing on it tied to a voter, so that the
committee can read the box with a scanner (:mod:`tinnhiem.paper.omr`).
"""

from __future__ import annotations

from functools import cache
from html import escape

from tinnhiem.errors import InputError
from tinnhiem.paper.errors import PaperInputError
from tinnhiem.paper.model import Mark, RoundDefinition, marks_for
from tinnhiem.paper.omr_layout import PAGE_MM, SheetLayout, sheet_layout
from tinnhiem.rules import BlankRow, RoundKind, load_rule

__all__ = ["ballots_html", "render_ballots_pdf", "scannable_sheet_html", "sheet_html"]

_CSS = """
@page { size: A4; margin: 14mm 14mm 14mm 14mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; color: #000; }
.sheet { page-break-after: always; }
.sheet:last-child { page-break-after: auto; }
.top { display: flex; justify-content: space-between; align-items: flex-start; }
.top .body { font-weight: bold; text-transform: uppercase; }
.seal { width: 32mm; height: 24mm; border: 0.6pt dashed #000; font-size: 7.5pt;
  text-align: center; padding-top: 9mm; box-sizing: border-box; }
h1 { text-align: center; font-size: 14pt; margin: 4mm 0 1mm 0; }
h2 { text-align: center; font-size: 11pt; font-weight: normal; margin: 0 0 4mm 0; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.6pt solid #000; padding: 1.6mm 2mm; vertical-align: middle; }
th { font-size: 9pt; }
td.n { text-align: center; width: 8mm; }
td.box { width: 22mm; }
td.box span { display: block; margin: 0 auto; width: 6mm; height: 6mm; border: 0.8pt solid #000; }
.instructions { margin-top: 4mm; font-size: 9pt; }
.instructions li { margin-bottom: 1mm; }
.stamp { margin-top: 6mm; text-align: right; font-size: 9pt; font-style: italic; }
"""

_MARK_ONE = {
    RoundKind.POLL: (
        "Với mỗi người, đánh dấu X vào <b>một</b> ô: Tín nhiệm cao, Tín nhiệm hoặc Tín nhiệm thấp."
    ),
    RoundKind.FORMAL_VOTE: (
        "Với mỗi người, đánh dấu X vào <b>một</b> ô: Tín nhiệm hoặc Không tín nhiệm."
    ),
}
_TOO_MANY = {
    RoundKind.POLL: "đánh dấu từ hai ô trở lên",
    RoundKind.FORMAL_VOTE: "đánh dấu cả hai ô",
}


def _blank_row(rule_id: str) -> BlankRow:
    """The rule's treatment of a blank row; the Party reading (invalid) if the rule cannot
    be loaded here (the sheet then says the stricter thing)."""
    try:
        return load_rule(rule_id).blank_row
    except InputError:
        return BlankRow.INVALID


_PERSONNEL_HEADING = {
    "choose_at_most": "PHIẾU GIỚI THIỆU NHÂN SỰ",
    "agree_disagree": "PHIẾU BIỂU QUYẾT NHÂN SỰ",
}
_PERSONNEL_BOXES = {
    "choose_at_most": ("Chọn",),
    "agree_disagree": ("Đồng ý", "Không đồng ý"),
}


def _personnel_instructions(definition: RoundDefinition) -> tuple[str, ...]:
    p = definition.personnel
    assert p is not None
    body = escape(definition.body)
    if p.ballot == "choose_at_most":
        rows: tuple[str, ...] = (
            f"Đánh dấu X vào ô «Chọn» của <b>không quá {p.k}</b> người trong danh sách.",
            "Phiếu không đánh dấu người nào là phiếu trống, vẫn hợp lệ. Phiếu đánh dấu "
            f"quá {p.k} người thì không hợp lệ.",
        )
    else:
        rows = (
            "Với mỗi người, đánh dấu X vào <b>một</b> ô: Đồng ý hoặc Không đồng ý.",
            "Dòng không đánh dấu ô nào thì không tính đồng ý hay không đồng ý; dòng đánh "
            "dấu cả hai ô hoặc gạch tên thì không hợp lệ đối với người đó.",
        )
    return (
        *rows,
        f"Phiếu không do Ban kiểm phiếu phát ra, không có dấu của {body}, hoặc ghi thêm tên "
        "người ngoài danh sách thì không hợp lệ. Không ghi tên, không ký tên trên phiếu.",
    )


def instructions(definition: RoundDefinition) -> tuple[str, ...]:
    """The instructions printed on the sheet, worded after the round's rule."""
    if definition.personnel is not None:
        return _personnel_instructions(definition)
    kind = definition.kind
    body = escape(definition.body)
    if _blank_row(definition.rule_id) is BlankRow.NO_MARK:
        rows = (
            f"Dòng {_TOO_MANY[kind]} hoặc gạch tên thì không hợp lệ đối với người đó. Dòng "
            "không đánh dấu ô nào thì phiếu vẫn hợp lệ và không được tính vào mức nào đối "
            "với người đó."
        )
    else:
        rows = (
            f"Dòng không đánh dấu ô nào, {_TOO_MANY[kind]} hoặc gạch tên thì không hợp lệ "
            "đối với người đó."
        )
    return (
        _MARK_ONE[kind],
        rows,
        f"Phiếu không do Ban kiểm phiếu phát ra, không có dấu của {body}, thì không hợp lệ. "
        "Không ghi tên, không ký tên trên phiếu.",
    )


_HEADING = {
    RoundKind.POLL: "PHIẾU LẤY PHIẾU TÍN NHIỆM",
    RoundKind.FORMAL_VOTE: "PHIẾU BỎ PHIẾU TÍN NHIỆM",
}


def _boxes(kind: RoundKind) -> tuple[Mark, ...]:
    """The boxes of a ``kind`` sheet, left to right."""
    return tuple(mark for mark in marks_for(kind) if mark.is_valid)


def sheet_html(definition: RoundDefinition) -> str:
    """The one sheet of the round: every printed ballot is this same HTML."""
    if definition.personnel is not None:
        labels = _PERSONNEL_BOXES[definition.personnel.ballot]
        heading = _PERSONNEL_HEADING[definition.personnel.ballot]
    else:
        labels = tuple(mark.label_vi for mark in _boxes(definition.kind))
        heading = _HEADING[definition.kind]
    rows = "".join(
        f'<tr><td class="n">{number}</td><td>{escape(o.name)}'
        f"{'<br><small>' + escape(o.position) + '</small>' if o.position else ''}</td>"
        + '<td class="box"><span></span></td>' * len(labels)
        + "</tr>"
        for number, o in enumerate(definition.officials, start=1)
    )
    headers = "".join(f"<th>{escape(label)}</th>" for label in labels)
    items = "".join(f"<li>{text}</li>" for text in instructions(definition))
    return f"""
<section class="sheet">
  <div class="top">
    <div class="seal">Dấu của {escape(definition.body)}</div>
    <div class="body">{escape(definition.body)}</div>
  </div>
  <h1>{heading}</h1>
  <h2>{escape(definition.title)}</h2>
  <table>
    <thead><tr><th>STT</th><th>Họ và tên, chức vụ</th>{headers}</tr></thead>
    <tbody>{rows}</tbody>
  </table>
  <ol class="instructions">{items}</ol>
</section>"""


def ballots_html(
    definition: RoundDefinition, serials: range | None = None, *, scannable: bool = False
) -> str:
    """The HTML of ``len(serials)`` identical sheets (the round's printed count by default).

    ``serials`` only says how many sheets to print, within the count the round prints:
    nothing on a sheet depends on it. ``scannable`` prints the sheet a scanner reads."""
    chosen = serials if serials is not None else range(1, definition.paper_serials + 1)
    if len(chosen) == 0:
        raise PaperInputError("no sheets to print", where="serials")
    for serial in (chosen[0], chosen[-1]):
        definition.check_serial(serial)
    if scannable:
        return scannable_document([scannable_sheet_html(definition)] * len(chosen), definition)
    sheets = sheet_html(definition) * len(chosen)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(definition.title)}</title><style>{_CSS}</style></head>"
        f"<body>{sheets}</body></html>"
    )


def render_ballots_pdf(
    definition: RoundDefinition, serials: range | None = None, *, scannable: bool = False
) -> bytes:
    """The printable PDF of ``len(serials)`` identical sheets (``scannable``: for a scanner)."""
    return render_html_pdf(ballots_html(definition, serials, scannable=scannable))


def render_html_pdf(html: str) -> bytes:
    """WeasyPrint ``html`` to PDF bytes."""
    import weasyprint  # imported here: it is slow to load and only printing needs it

    return bytes(weasyprint.HTML(string=html).write_pdf())


# --- the scannable sheet -------------------------------------------------------------------

_CSS_SCAN = """
@page { size: A4; margin: 0; }
body { margin: 0; font-family: "DejaVu Sans", sans-serif; color: #000; }
.ss { position: relative; width: 210mm; height: 297mm; overflow: hidden;
  page-break-after: always; }
.ss:last-child { page-break-after: auto; }
.ss > * { position: absolute; margin: 0; }
.ss svg { display: block; }
.seal { border: 0.6pt dashed #000; font-size: 6.5pt; text-align: center;
  box-sizing: border-box; padding-top: 7mm; }
.bd { font-weight: bold; text-transform: uppercase; font-size: 8.5pt; text-align: center; }
.h1 { font-weight: bold; font-size: 12.5pt; text-align: center; }
.h2 { font-size: 9pt; text-align: center; }
.ins { font-size: 6.6pt; line-height: 1.25; }
.ins p { margin: 0; }
.th { font-size: 7pt; font-weight: bold; text-align: center; }
.zebra { background: #f0f0f0; }
.nm { font-size: 7.2pt; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.nm small { font-size: 6.2pt; }
.n { font-size: 7.2pt; text-align: right; }
.bx { border: 0.9pt solid #000; box-sizing: border-box; background: #fff; }
"""


@cache
def _marker_cells(marker_id: int) -> tuple[tuple[bool, ...], ...]:
    """The 6×6 cells (black = True) of ArUco marker ``marker_id`` (4×4 dictionary)."""
    import cv2  # the scanner's library draws its own markers

    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    image = cv2.aruco.generateImageMarker(dictionary, marker_id, 6)
    return tuple(tuple(bool(v < 128) for v in row) for row in image)


def _marker_svg(marker_id: int, size_mm: float) -> str:
    cells = _marker_cells(marker_id)
    rects = "".join(
        f'<rect x="{x}" y="{y}" width="1.02" height="1.02"/>'
        for y, row in enumerate(cells)
        for x, black in enumerate(row)
        if black
    )
    return (
        f'<svg width="{size_mm}mm" height="{size_mm}mm" viewBox="0 0 6 6" '
        f'shape-rendering="crispEdges">{rects}</svg>'
    )


def _qr_svg(code: str, size_mm: float) -> str:
    import segno

    qr = segno.make(code, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    rects = "".join(
        f'<rect x="{x}" y="{y}" width="1.02" height="1.02"/>'
        for y, row in enumerate(matrix)
        for x, v in enumerate(row)
        if v
    )
    return (
        f'<svg width="{size_mm}mm" height="{size_mm}mm" viewBox="-2 -2 {n + 4} {n + 4}" '
        f'shape-rendering="crispEdges">{rects}</svg>'
    )


def _at(x: float, y: float, w: float | None = None, h: float | None = None) -> str:
    style = f"left:{x:.3f}mm;top:{y:.3f}mm;"
    if w is not None:
        style += f"width:{w:.3f}mm;"
    if h is not None:
        style += f"height:{h:.3f}mm;"
    return style


def scannable_sheet_html(definition: RoundDefinition, layout: SheetLayout | None = None) -> str:
    """The round's one scannable sheet: the ordinary sheet's wording on the fixed grid of
    :func:`~tinnhiem.paper.omr_layout.sheet_layout`, with the registration marks and the
    round code. Every printed sheet is this same HTML."""
    layout = layout or sheet_layout(definition)
    parts = []
    for marker_id, (x, y) in enumerate(layout.markers):
        parts.append(f'<div style="{_at(x, y)}">{_marker_svg(marker_id, layout.marker_size)}</div>')
    qx, qy, qs = layout.qr
    parts.append(f'<div style="{_at(qx, qy)}">{_qr_svg(layout.code, qs)}</div>')
    body = escape(definition.body)
    parts.append(f'<div class="seal" style="{_at(22, 8, 32, 20)}">Dấu của {body}</div>')
    parts.append(f'<div class="bd" style="{_at(56, 9, 110)}">{body}</div>')
    parts.append(f'<div class="h1" style="{_at(56, 15, 110)}">{_HEADING[definition.kind]}</div>')
    parts.append(f'<div class="h2" style="{_at(56, 22, 110)}">{escape(definition.title)}</div>')
    items = "".join(f"<p>{i}. {text}</p>" for i, text in enumerate(instructions(definition), 1))
    parts.append(f'<div class="ins" style="{_at(22, 29.5, 166)}">{items}</div>')
    header_y = layout.rows[0].top - 5.0
    parts.append(f'<div class="th" style="{_at(20, header_y, 8)}">STT</div>')
    parts.append(f'<div class="th" style="{_at(30, header_y, 98)}">Họ và tên, chức vụ</div>')
    for left, right, mark in layout.box_columns:
        parts.append(
            f'<div class="th" style="{_at(left, header_y, right - left)}">'
            f"{escape(mark.label_vi)}</div>"
        )
    for row, official in zip(layout.rows, definition.officials, strict=True):
        if row.number % 2 == 0:
            parts.append(f'<div class="zebra" style="{_at(19, row.top, 178, row.height)}"></div>')
        text_top = row.top + row.height / 2 - 1.6
        parts.append(f'<div class="n" style="{_at(19, text_top, 7)}">{row.number}</div>')
        post = f" <small>— {escape(official.position)}</small>" if official.position else ""
        parts.append(
            f'<div class="nm" style="{_at(row.name_left + 1, text_top, 98)}">'
            f"{escape(official.name)}{post}</div>"
        )
        for box in row.boxes:
            parts.append(f'<div class="bx" style="{_at(box.x, box.y, box.size, box.size)}"></div>')
    return f'<section class="ss">{"".join(parts)}</section>'


def scannable_document(sheets: list[str], definition: RoundDefinition) -> str:
    """A printable HTML document of scannable ``sheets`` (each a ``<section>``)."""
    width, height = PAGE_MM
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(definition.title)}</title><style>{_CSS_SCAN}"
        f"@page {{ size: {width}mm {height}mm; }}</style></head>"
        f"<body>{''.join(sheets)}</body></html>"
    )
