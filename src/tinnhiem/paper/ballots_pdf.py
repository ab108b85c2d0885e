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
"""

from __future__ import annotations

from html import escape

from tinnhiem.errors import InputError
from tinnhiem.paper.errors import PaperInputError
from tinnhiem.paper.model import Mark, RoundDefinition, marks_for
from tinnhiem.rules import BlankRow, RoundKind, load_rule

__all__ = ["ballots_html", "render_ballots_pdf", "sheet_html"]

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


def instructions(definition: RoundDefinition) -> tuple[str, ...]:
    """The instructions printed on the sheet, worded after the round's rule."""
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
    boxes = _boxes(definition.kind)
    rows = "".join(
        f'<tr><td class="n">{number}</td><td>{escape(o.name)}'
        f"{'<br><small>' + escape(o.position) + '</small>' if o.position else ''}</td>"
        + '<td class="box"><span></span></td>' * len(boxes)
        + "</tr>"
        for number, o in enumerate(definition.officials, start=1)
    )
    headers = "".join(f"<th>{escape(mark.label_vi)}</th>" for mark in boxes)
    items = "".join(f"<li>{text}</li>" for text in instructions(definition))
    return f"""
<section class="sheet">
  <div class="top">
    <div class="seal">Dấu của {escape(definition.body)}</div>
    <div class="body">{escape(definition.body)}</div>
  </div>
  <h1>{_HEADING[definition.kind]}</h1>
  <h2>{escape(definition.title)}</h2>
  <table>
    <thead><tr><th>STT</th><th>Họ và tên, chức vụ</th>{headers}</tr></thead>
    <tbody>{rows}</tbody>
  </table>
  <ol class="instructions">{items}</ol>
</section>"""


def ballots_html(definition: RoundDefinition, serials: range | None = None) -> str:
    """The HTML of ``len(serials)`` identical sheets (the round's printed count by default).

    ``serials`` only says how many sheets to print, within the count the round prints:
    nothing on a sheet depends on it."""
    chosen = serials if serials is not None else range(1, definition.paper_serials + 1)
    if len(chosen) == 0:
        raise PaperInputError("no sheets to print", where="serials")
    for serial in (chosen[0], chosen[-1]):
        definition.check_serial(serial)
    sheets = sheet_html(definition) * len(chosen)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(definition.title)}</title><style>{_CSS}</style></head>"
        f"<body>{sheets}</body></html>"
    )


def render_ballots_pdf(definition: RoundDefinition, serials: range | None = None) -> bytes:
    """The printable PDF of ``len(serials)`` identical sheets."""
    import weasyprint  # imported here: it is slow to load and only printing needs it

    return bytes(weasyprint.HTML(string=ballots_html(definition, serials)).write_pdf())
