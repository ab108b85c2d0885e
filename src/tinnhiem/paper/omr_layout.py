"""Where everything sits on a scannable sheet (phiếu đọc bằng máy quét), in millimetres.

A scannable sheet is the round's one identical sheet (see :mod:`tinnhiem.paper.ballots_pdf`)
laid out on a fixed grid so that a machine can read it: four registration marks (ArUco
markers 0–3 of the 4×4 dictionary, one in each corner, clockwise from the top left), a QR
code holding the **round code** (the same on every sheet: the round id and a fingerprint of
the ballot form, nothing about a voter), and one row per official with its boxes at known
places. The printer, the reader (:mod:`tinnhiem.paper.omr`) and the test-sheet generator
all take their coordinates from :func:`sheet_layout`, so they cannot drift apart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from tinnhiem.codec import canonical_json
from tinnhiem.paper.errors import PaperInputError
from tinnhiem.paper.model import Mark, RoundDefinition, marks_for

__all__ = [
    "MAX_SCAN_ROWS",
    "PAGE_MM",
    "BoxPlace",
    "RowPlace",
    "SheetLayout",
    "round_code",
    "sheet_layout",
]

PAGE_MM = (210.0, 297.0)
"""A4, portrait."""
MAX_SCAN_ROWS = 50
"""The most officials one scannable sheet holds (rows are then about 4,6 mm high)."""

_MARKER_MM = 10.0
_MARKER_MARGIN_MM = 8.0
_ROWS_TOP_MM = 52.0
_ROWS_BOTTOM_MM = 276.0
_ROW_MAX_MM = 9.0
_BOXES_LEFT_MM = 130.0
_BOXES_RIGHT_MM = 196.0
_NAME_LEFT_MM = 28.0
_QR = (168.0, 9.0, 20.0)  # x, y, side


@dataclass(frozen=True)
class BoxPlace:
    """One box of a row: its top-left corner and side (mm), and the mark it stands for."""

    x: float
    y: float
    size: float
    mark: Mark

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.size / 2, self.y + self.size / 2)


@dataclass(frozen=True)
class RowPlace:
    """One official's row: its band on the page and its boxes, left to right."""

    number: int
    official_id: str
    top: float
    height: float
    boxes: tuple[BoxPlace, ...]
    name_left: float = _NAME_LEFT_MM
    name_right: float = _BOXES_LEFT_MM


@dataclass(frozen=True)
class SheetLayout:
    """The geometry of a round's scannable sheet (all in mm from the page's top left)."""

    code: str
    markers: tuple[tuple[float, float], ...]
    """Top-left corner of markers 0..3 (top left, top right, bottom right, bottom left)."""
    marker_size: float
    qr: tuple[float, float, float]
    rows: tuple[RowPlace, ...]
    box_columns: tuple[tuple[float, float, Mark], ...]
    """Each box column: left and right edge (mm) and its mark."""

    def marker_corners(self, marker_id: int) -> tuple[tuple[float, float], ...]:
        """The four corners of a marker in ArUco's order (clockwise from its top left)."""
        x, y = self.markers[marker_id]
        s = self.marker_size
        return ((x, y), (x + s, y), (x + s, y + s), (x, y + s))


def round_code(definition: RoundDefinition) -> str:
    """The text of the sheet's QR code: ``TN1:<round id>:<form fingerprint>``.

    The fingerprint is the first 8 hex digits of SHA-256 over the ballot form (round id,
    kind, officials in order), so a sheet of another round or of an older list of officials
    is told apart. Every sheet of a round carries the same code."""
    form = {
        "round_id": definition.round_id,
        "kind": definition.kind.value,
        "officials": [o.id for o in definition.officials],
    }
    digest = hashlib.sha256(b"tinnhiem/sheet-form/v1\n" + canonical_json(form, check=False))
    return f"TN1:{definition.round_id}:{digest.hexdigest()[:8]}"


def sheet_layout(definition: RoundDefinition) -> SheetLayout:
    """The scannable sheet of ``definition``; more than :data:`MAX_SCAN_ROWS` officials are
    refused (print the ordinary sheet, or split the list into ballot forms)."""
    count = len(definition.officials)
    if count > MAX_SCAN_ROWS:
        raise PaperInputError(
            f"{count} officials: a scannable sheet holds at most {MAX_SCAN_ROWS} rows",
            where="scannable sheet",
        )
    width, height = PAGE_MM
    m, s = _MARKER_MARGIN_MM, _MARKER_MM
    markers = ((m, m), (width - m - s, m), (width - m - s, height - m - s), (m, height - m - s))
    row_height = min(_ROW_MAX_MM, (_ROWS_BOTTOM_MM - _ROWS_TOP_MM) / count)
    box = round(min(4.5, row_height - 1.0), 2)
    marks = tuple(mark for mark in marks_for(definition.kind) if mark.is_valid)
    span = (_BOXES_RIGHT_MM - _BOXES_LEFT_MM) / len(marks)
    columns = tuple(
        (_BOXES_LEFT_MM + i * span, _BOXES_LEFT_MM + (i + 1) * span, mark)
        for i, mark in enumerate(marks)
    )
    rows = []
    for index, official in enumerate(definition.officials):
        top = _ROWS_TOP_MM + index * row_height
        boxes = tuple(
            BoxPlace(
                x=round((left + right) / 2 - box / 2, 3),
                y=round(top + (row_height - box) / 2, 3),
                size=box,
                mark=mark,
            )
            for left, right, mark in columns
        )
        rows.append(RowPlace(index + 1, official.id, round(top, 3), row_height, boxes))
    return SheetLayout(
        code=round_code(definition),
        markers=markers,
        marker_size=s,
        qr=_QR,
        rows=tuple(rows),
        box_columns=columns,
    )
