"""Printable paper ballots as a PDF, one sheet per serial.

Each sheet carries the body, the round's title, its serial number and a QR code (SVG,
inline) that encodes the round id and the serial, so a scanner or the entry screen can
pick the sheet up without typing; one row per official, and the instructions that say when
a row is invalid. A poll's sheet (PHIẾU LẤY PHIẾU TÍN NHIỆM) has three boxes: Tín nhiệm cao,
Tín nhiệm, Tín nhiệm thấp; a formal vote's (PHIẾU BỎ PHIẾU TÍN NHIỆM) two: Tín nhiệm,
Không tín nhiệm.
"""

from __future__ import annotations

from html import escape

import segno

from tinnhiem.paper.errors import PaperInputError
from tinnhiem.paper.model import Mark, RoundDefinition, marks_for
from tinnhiem.rules import RoundKind

__all__ = ["ballot_payload", "ballots_html", "render_ballots_pdf"]

_CSS = """
@page { size: A4; margin: 14mm 14mm 14mm 14mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; color: #000; }
.sheet { page-break-after: always; }
.sheet:last-child { page-break-after: auto; }
.top { display: flex; justify-content: space-between; align-items: flex-start; }
.top .body { font-weight: bold; text-transform: uppercase; }
.qr svg { width: 26mm; height: 26mm; }
.serial { font-weight: bold; font-size: 11pt; text-align: right; }
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

_INSTRUCTIONS = {
    RoundKind.POLL: (
        "Với mỗi người, đánh dấu X vào <b>một</b> ô: Tín nhiệm cao, Tín nhiệm hoặc Tín nhiệm "
        "thấp. <i>(For each person, mark exactly one box.)</i>",
        "Dòng không đánh dấu, đánh dấu từ hai ô trở lên hoặc gạch tên thì không hợp lệ đối với "
        "người đó. <i>(A row left blank, with two or three marks, or a crossed-out name is "
        "invalid for that person.)</i>",
        "Phiếu không do Ban kiểm phiếu phát ra thì không hợp lệ. Không bắt buộc ký tên. "
        "<i>(A sheet the committee did not issue is invalid. You need not sign.)</i>",
    ),
    RoundKind.FORMAL_VOTE: (
        "Với mỗi người, đánh dấu X vào <b>một</b> ô: Tín nhiệm hoặc Không tín nhiệm. "
        "<i>(For each person, mark exactly one box: confidence or no confidence.)</i>",
        "Dòng không đánh dấu, đánh dấu cả hai ô hoặc gạch tên thì không hợp lệ đối với "
        "người đó. <i>(A row left blank, with both boxes marked, or a crossed-out name is "
        "invalid for that person.)</i>",
        "Phiếu không do Ban kiểm phiếu phát ra thì không hợp lệ. Không bắt buộc ký tên. "
        "<i>(A sheet the committee did not issue is invalid. You need not sign.)</i>",
    ),
}
_HEADING = {
    RoundKind.POLL: "PHIẾU LẤY PHIẾU TÍN NHIỆM",
    RoundKind.FORMAL_VOTE: "PHIẾU BỎ PHIẾU TÍN NHIỆM",
}


def ballot_payload(round_id: str, serial: int) -> str:
    """What the QR code of a sheet encodes: ``tinnhiem:paper:<round id>:<serial>``."""
    return f"tinnhiem:paper:{round_id}:{serial:04d}"


def _qr_svg(payload: str) -> str:
    return str(segno.make(payload, error="m").svg_inline(scale=4, border=2, omitsize=True))


def _boxes(kind: RoundKind) -> tuple[Mark, ...]:
    """The boxes of a ``kind`` sheet, left to right."""
    return tuple(mark for mark in marks_for(kind) if mark.is_valid)


def _sheet(definition: RoundDefinition, serial: int) -> str:
    boxes = _boxes(definition.kind)
    rows = "".join(
        f'<tr><td class="n">{number}</td><td>{escape(o.name)}'
        f"{'<br><small>' + escape(o.position) + '</small>' if o.position else ''}</td>"
        + '<td class="box"><span></span></td>' * len(boxes)
        + "</tr>"
        for number, o in enumerate(definition.officials, start=1)
    )
    headers = "".join(f"<th>{escape(mark.label_vi)}</th>" for mark in boxes)
    instructions = "".join(f"<li>{text}</li>" for text in _INSTRUCTIONS[definition.kind])
    return f"""
<section class="sheet">
  <div class="top">
    <div class="body">{escape(definition.body)}</div>
    <div class="qr">{_qr_svg(ballot_payload(definition.round_id, serial))}</div>
  </div>
  <div class="serial">Số phiếu / Serial: {serial:04d}</div>
  <h1>{_HEADING[definition.kind]}</h1>
  <h2>{escape(definition.title)}</h2>
  <table>
    <thead><tr><th>STT</th><th>Họ và tên, chức vụ</th>{headers}</tr></thead>
    <tbody>{rows}</tbody>
  </table>
  <ol class="instructions">{instructions}</ol>
  <div class="stamp">Chữ ký / dấu của Ban kiểm phiếu (committee's stamp)</div>
</section>"""


def ballots_html(definition: RoundDefinition, serials: range | None = None) -> str:
    """The HTML of the sheets for ``serials`` (all printed serials by default)."""
    chosen = serials if serials is not None else range(1, definition.paper_serials + 1)
    if len(chosen) == 0:
        raise PaperInputError("no serials to print", where="serials")
    for serial in (chosen[0], chosen[-1]):
        definition.check_serial(serial)
    sheets = "".join(_sheet(definition, serial) for serial in chosen)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(definition.title)}</title><style>{_CSS}</style></head>"
        f"<body>{sheets}</body></html>"
    )


def render_ballots_pdf(definition: RoundDefinition, serials: range | None = None) -> bytes:
    """The printable PDF of the sheets for ``serials``."""
    import weasyprint  # imported here: it is slow to load and only printing needs it

    return bytes(weasyprint.HTML(string=ballots_html(definition, serials)).write_pdf())
