"""Filled test sheets made by the project, with their truth (phiếu mẫu để thử máy đọc).

The round's scannable sheet is printed by :mod:`tinnhiem.paper.ballots_pdf` and rendered
once to a page image (pypdfium2); every generated sheet is that page with a voter's pen
marks drawn on it (an X, a tick, a filled box, now and then a faint mark, two marks, a
crossed-out mark or a crossed-out name), stray marks outside the boxes, and then what a
scanner or a phone does to a page: rotation, skew and perspective, blur, noise, uneven
light, a background around the page, JPEG compression. The truth of every row is kept,
with whether the voter made it ambiguous on purpose (a committee should look at it).

Everything is drawn from a seeded ``numpy`` generator: the same seed gives the same sheets.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tinnhiem.paper.ballots_pdf import ballots_html, render_html_pdf
from tinnhiem.paper.model import Mark, RoundDefinition
from tinnhiem.paper.omr_layout import PAGE_MM, RowPlace, SheetLayout, sheet_layout

__all__ = [
    "RowTruth",
    "SyntheticSheet",
    "blank_page",
    "images_to_pdf",
    "synthetic_sheets",
]

Gray = NDArray[np.uint8]


@dataclass(frozen=True)
class RowTruth:
    """What the voter meant on one row, and whether they made it hard to read on purpose.

    ``mark`` is what the rule counts: a level, ``blank`` or ``invalid`` (two marks left, or
    the name crossed out). ``ambiguous`` names the trap (``faint``, ``two_marks``,
    ``crossed_out``, ``name_crossed``) or is empty."""

    official_id: str
    mark: Mark
    ambiguous: str = ""


@dataclass(frozen=True)
class SyntheticSheet:
    """One generated sheet: its encoded image (JPEG or PNG), how it was made, its truth."""

    image: bytes
    suffix: str
    profile: str
    rows: tuple[RowTruth, ...]


def blank_page(definition: RoundDefinition, dpi: int = 150) -> Gray:
    """The round's scannable sheet, printed (WeasyPrint) and rendered (pypdfium2) in grey."""
    import pypdfium2

    pdf = render_html_pdf(ballots_html(definition, range(1, 2), scannable=True))
    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=dpi / 72, grayscale=True)
        page = np.array(bitmap.to_numpy(), dtype=np.uint8)
    finally:
        document.close()
    if page.ndim == 3:
        page = page[:, :, 0]
    return np.ascontiguousarray(page)


def images_to_pdf(images: list[bytes], dpi: int = 150) -> bytes:
    """A multi-page PDF of encoded page images, as a scanner's PDF would hold them."""
    from PIL import Image

    pages = [Image.open(io.BytesIO(data)).convert("L") for data in images]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


# --- the voter's pen -------------------------------------------------------------------------


class _Pen:
    def __init__(self, page: Gray, dpi: int, rng: np.random.Generator) -> None:
        self.page = page
        self.px = dpi / 25.4
        self.rng = rng

    def line(self, points: list[tuple[float, float]], width_mm: float, ink: int) -> None:
        import cv2

        pts = np.array(
            [[round(x * self.px * 8), round(y * self.px * 8)] for x, y in points], dtype=np.int32
        )
        thickness = max(1, round(width_mm * self.px))
        cv2.polylines(self.page, [pts], False, int(ink), thickness, lineType=cv2.LINE_AA, shift=3)

    def jitter(self, mm: float) -> float:
        return float(self.rng.normal(0.0, mm))

    def stroke(
        self, a: tuple[float, float], b: tuple[float, float], width: float, ink: int
    ) -> None:
        """A slightly bent hand stroke from ``a`` to ``b``."""
        bend = self.jitter(0.25)
        mid = ((a[0] + b[0]) / 2 + bend, (a[1] + b[1]) / 2 - bend)
        self.line([a, mid, b], width, ink)


def _draw_mark(pen: _Pen, box_xy: tuple[float, float, float], style: str, ink: int) -> None:
    x, y, s = box_xy
    j = pen.jitter
    width = 0.35 + abs(j(0.12))
    if style == "x":
        r = s * (0.45 + abs(j(0.08)))
        cx, cy = x + s / 2 + j(0.35), y + s / 2 + j(0.3)
        pen.stroke((cx - r, cy - r + j(0.2)), (cx + r, cy + r + j(0.2)), width, ink)
        pen.stroke((cx + r + j(0.2), cy - r), (cx - r + j(0.2), cy + r), width, ink)
    elif style == "tick":
        cx, cy = x + s / 2 + j(0.3), y + s / 2 + j(0.3)
        pen.stroke((cx - s * 0.35, cy), (cx - s * 0.05, cy + s * 0.35), width, ink)
        pen.stroke((cx - s * 0.05, cy + s * 0.35), (cx + s * 0.5, cy - s * 0.55), width, ink)
    elif style == "fill":
        steps = 7
        for k in range(steps):
            t = 0.12 + 0.76 * k / (steps - 1)
            pen.stroke((x + s * 0.1, y + s * t), (x + s * 0.9, y + s * t + j(0.1)), 0.7, ink)
    elif style == "scribble":  # a mark crossed out: hatched over, darker than a fill
        for k in range(9):
            t = 0.05 + 0.9 * k / 8
            pen.stroke((x + s * 0.05, y + s * t), (x + s * 0.95, y + s * t), 0.8, ink)
        for k in range(5):
            t = 0.1 + 0.8 * k / 4
            pen.stroke((x + s * t, y + s * 0.05), (x + s * t, y + s * 0.95), 0.6, ink)


def _strike_name(pen: _Pen, row: RowPlace, ink: int) -> None:
    y = row.top + row.height / 2 + pen.jitter(0.3)
    x0 = row.name_left + 2 + abs(pen.jitter(2))
    x1 = x0 + 45 + abs(pen.jitter(15))
    pen.line([(x0, y), ((x0 + x1) / 2, y + pen.jitter(0.4)), (x1, y + pen.jitter(0.6))], 0.45, ink)


def _stray(pen: _Pen, layout: SheetLayout, ink: int) -> None:
    """A stray pen mark: a dot or a short line, never inside a box."""
    width, height = PAGE_MM
    boxes = [
        (b.x - 1.5, b.y - 1.5, b.x + b.size + 1.5, b.y + b.size + 1.5)
        for r in layout.rows
        for b in r.boxes
    ]
    for _attempt in range(20):
        x = float(pen.rng.uniform(20, width - 20))
        y = float(pen.rng.uniform(20, height - 20))
        length = float(pen.rng.uniform(0.3, 8.0))
        angle = float(pen.rng.uniform(0, math.pi))
        x2, y2 = x + length * math.cos(angle), y + length * math.sin(angle)
        hit = any(
            min(x, x2) < bx1 and max(x, x2) > bx0 and min(y, y2) < by1 and max(y, y2) > by0
            for bx0, by0, bx1, by1 in boxes
        )
        if not hit:
            pen.line([(x, y), (x2, y2)], 0.3 + float(pen.rng.uniform(0, 0.3)), ink)
            return


def _fill_sheet(
    page: Gray, layout: SheetLayout, dpi: int, rng: np.random.Generator, trap_rate: float
) -> tuple[RowTruth, ...]:
    pen = _Pen(page, dpi, rng)
    ink = int(rng.integers(10, 70))  # this voter's pen
    style = str(rng.choice(["x", "x", "x", "x", "tick", "fill"]))
    levels = [b.mark for b in layout.rows[0].boxes]
    truths = []
    for row in layout.rows:
        boxes = {b.mark: (b.x, b.y, b.size) for b in row.boxes}
        roll = float(rng.random())
        if roll < trap_rate:
            trap = str(rng.choice(["faint", "two_marks", "crossed_out", "name_crossed"]))
            pick = levels[int(rng.integers(len(levels)))]
            if trap == "faint":
                _draw_mark(pen, boxes[pick], "x", int(rng.integers(200, 222)))
                truths.append(RowTruth(row.official_id, pick, "faint"))
            elif trap == "two_marks":
                other = [m for m in levels if m is not pick][int(rng.integers(len(levels) - 1))]
                _draw_mark(pen, boxes[pick], style, ink)
                _draw_mark(pen, boxes[other], style, ink)
                truths.append(RowTruth(row.official_id, Mark.INVALID, "two_marks"))
            elif trap == "crossed_out":
                other = [m for m in levels if m is not pick][int(rng.integers(len(levels) - 1))]
                _draw_mark(pen, boxes[other], "scribble", ink)
                _draw_mark(pen, boxes[pick], "x", ink)
                truths.append(RowTruth(row.official_id, pick, "crossed_out"))
            else:
                _draw_mark(pen, boxes[pick], style, ink)
                _strike_name(pen, row, ink)
                truths.append(RowTruth(row.official_id, Mark.INVALID, "name_crossed"))
            continue
        if roll < trap_rate + 0.04:
            truths.append(RowTruth(row.official_id, Mark.BLANK))
            continue
        weights = np.array([0.55, 0.3, 0.15] if len(levels) == 3 else [0.7, 0.3])
        pick = levels[int(rng.choice(len(levels), p=weights / weights.sum()))]
        _draw_mark(pen, boxes[pick], style, ink if style != "fill" else min(ink + 20, 90))
        truths.append(RowTruth(row.official_id, pick))
    for _ in range(int(rng.integers(0, 6))):
        _stray(pen, layout, ink)
    return tuple(truths)


# --- what a scanner or a phone does to the page --------------------------------------------


def _scanner(page: Gray, rng: np.random.Generator) -> Gray:
    import cv2

    h, w = page.shape
    pad = int(0.025 * w)  # the scanner's glass is a little larger than the sheet
    angle = float(rng.normal(0, 1.5))
    scale = float(rng.uniform(0.97, 1.01))
    matrix: NDArray[np.float64] = np.asarray(
        cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale), dtype=np.float64
    )
    matrix[:, 2] += rng.normal(0, 8, size=2) + pad
    out = cv2.warpAffine(
        page, matrix, (w + 2 * pad, h + 2 * pad), borderValue=int(rng.integers(200, 255))
    )
    turns = int(rng.choice([0, 0, 0, 0, 0, 0, 2, 1, 3]))  # fed the other way round
    return np.ascontiguousarray(np.rot90(out, turns))


def _phone(page: Gray, rng: np.random.Generator) -> Gray:
    import cv2

    h, w = page.shape
    pad = int(0.12 * w)
    canvas_w, canvas_h = w + 2 * pad, h + 2 * pad
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    centre = np.array([canvas_w / 2, canvas_h / 2], dtype=np.float32)
    spread = 1.0
    while True:  # the person photographs the whole sheet: its corners stay in the frame
        jitter = rng.normal(0, 0.025 * w * spread, size=(4, 2)).astype(np.float32)
        theta = math.radians(float(rng.normal(0, 6 * spread)))
        rot = np.array(
            [[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]],
            dtype=np.float32,
        )
        dst = ((src + pad + jitter - centre) @ rot.T + centre).astype(np.float32)
        inside = (dst[:, 0] > 0).all() and (dst[:, 0] < canvas_w).all()
        if inside and (dst[:, 1] > 0).all() and (dst[:, 1] < canvas_h).all():
            break
        spread *= 0.8
    matrix = cv2.getPerspectiveTransform(src, dst)
    background = rng.normal(float(rng.uniform(60, 140)), 18, size=(canvas_h, canvas_w))
    background = np.asarray(
        cv2.GaussianBlur(background.astype(np.float32), (0, 0), 6), dtype=np.float64
    )
    warped = cv2.warpPerspective(
        page.astype(np.float32), matrix, (canvas_w, canvas_h), borderValue=-1.0
    )
    out = np.where(warped < 0, background, warped)
    # uneven light: a gradient across the page and a darker corner
    yy, xx = np.mgrid[0:canvas_h, 0:canvas_w].astype(np.float32)
    gx, gy = rng.normal(0, 1, size=2)
    gradient = (gx * (xx / canvas_w - 0.5) + gy * (yy / canvas_h - 0.5)) * float(
        rng.uniform(0.2, 0.55)
    )
    light = np.clip(0.9 + gradient, 0.45, 1.05)
    out = out * light
    return np.asarray(np.clip(out, 0, 255), dtype=np.uint8)


def _finish(image: Gray, rng: np.random.Generator, blur: float) -> Gray:
    import cv2

    if blur > 0.05:
        image = np.asarray(cv2.GaussianBlur(image, (0, 0), blur), dtype=np.uint8)
    noise = rng.normal(0, float(rng.uniform(2, 9)), size=image.shape)
    return np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def synthetic_sheets(
    definition: RoundDefinition,
    count: int,
    *,
    seed: int = 13,
    dpi: int = 150,
    phone_share: float = 0.3,
    trap_rate: float = 0.003,
    page: Gray | None = None,
) -> Iterator[SyntheticSheet]:
    """``count`` filled sheets of the round, each with its truth, from ``seed``.

    ``trap_rate`` is the share of rows the voter makes ambiguous on purpose; ``phone_share``
    the share of sheets photographed rather than scanned."""
    import cv2

    layout = sheet_layout(definition)
    blank = page if page is not None else blank_page(definition, dpi)
    rng = np.random.default_rng(seed)
    for _index in range(count):
        sheet = blank.copy()
        truths = _fill_sheet(sheet, layout, dpi, rng, trap_rate)
        phone = bool(rng.random() < phone_share)
        if phone:
            image = _finish(_phone(sheet, rng), rng, float(rng.uniform(0.3, 1.4)))
        else:
            image = _finish(_scanner(sheet, rng), rng, float(rng.uniform(0.0, 0.9)))
        quality = int(rng.integers(55, 92))
        ok, encoded = cv2.imencode(".jpg", image, [int(cv2.IMWRITE_JPEG_QUALITY), quality])
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        yield SyntheticSheet(
            bytes(encoded.tobytes()), ".jpg", "phone" if phone else "scanner", truths
        )


def truth_json(sheet: SyntheticSheet) -> dict[str, Any]:
    """A sheet's truth as plain data (for the bench's truth file)."""
    return {
        "profile": sheet.profile,
        "rows": [
            {"official": r.official_id, "mark": r.mark.value, "ambiguous": r.ambiguous}
            for r in sheet.rows
        ],
    }
