"""Optical mark reading of scannable sheets (đọc phiếu bằng máy quét).

The reader is one more independent reader of a sheet, beside the operators: it finds the
sheet in a scan or a phone photo by its four registration marks (ArUco markers, OpenCV),
maps it onto the printed grid (a perspective transform), evens out the light, reads the
round code (QR, zxing-cpp) and measures how much ink each box holds. A row is read only
when its boxes are clearly marked or clearly empty; anything else is **flagged** for the
counting committee, never guessed:

* ``faint`` — a box holds some ink, too little to call it a mark and too much to call it
  empty;
* ``two_marks`` — two or more boxes are marked;
* ``crossed_out`` — two boxes are marked and one of them is hatched over (a mark the voter
  took back, or a filled box beside another mark);
* ``name_crossed`` — a long stroke runs through the name;
* ``misaligned`` — the printed boxes of the row are not where they should be;
* ``unreadable`` — the sheet itself cannot be found (the whole sheet is flagged);
* ``wrong_round`` — the QR code is another round's (the whole sheet is flagged).

Every row carries a confidence in [0, 1]: how far its boxes are from the undecided zone.
The thresholds are the reader's, tuned on the project's generated sheets
(:mod:`tinnhiem.paper.omr_synth`, ``python -m bench.omr``); they are recorded with each
reading as the reader's version.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tinnhiem.paper.errors import PaperInputError
from tinnhiem.paper.model import Mark, RoundDefinition
from tinnhiem.paper.omr_layout import PAGE_MM, SheetLayout, sheet_layout

__all__ = [
    "IMAGE_SUFFIXES",
    "OMR_READER",
    "RowReading",
    "SheetImage",
    "SheetReader",
    "SheetReading",
    "decode_image",
    "sheet_images",
]

OMR_READER = "tinnhiem-omr/1"
"""The reader's name and version, written into the entry log with each reading."""
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")
MAX_PIXELS = 60_000_000
"""Larger images are refused before decoding (a 600 dpi A4 scan is about 35 million)."""

_SCALE = 6.0  # pixels per millimetre of the straightened sheet
_EMPTY = 0.04  # mean ink of a box at or below this: empty
_MARKED = 0.10  # at or above this: marked
_PEAK_EMPTY = 0.16  # an empty box's darkest sixth stays below this (noise, JPEG)
_SOLID = 0.55  # at or above this: hatched or filled over
_INSET = 0.75  # mm kept clear of the printed border inside a box
_FIT = 0.25  # mean ink on a found row's box borders below this: the row is not found
_STRIKE_MM = 14.0  # a stroke this long through a name crosses it out

Gray = NDArray[np.uint8]


@dataclass(frozen=True)
class RowReading:
    """The reader's reading of one row: a mark, its confidence, and a flag or ``""``."""

    official_id: str
    mark: Mark
    confidence: float
    flag: str = ""
    ink: tuple[float, ...] = ()


@dataclass(frozen=True)
class SheetReading:
    """One sheet as the reader saw it. ``rows`` is empty when the sheet was not found.
    ``crops`` holds a PNG of each flagged row (by official id) and of the whole sheet
    (key ``ballot``) when the sheet itself is flagged, for the committee's queue."""

    sha256: str
    rows: tuple[RowReading, ...]
    code: str | None
    sheet_flag: str = ""
    crops: dict[str, bytes] = field(default_factory=dict)
    reader: str = OMR_READER

    @property
    def flagged(self) -> tuple[RowReading, ...]:
        return tuple(r for r in self.rows if r.flag)

    def marks(self) -> tuple[Mark, ...]:
        return tuple(r.mark for r in self.rows)


@dataclass(frozen=True)
class SheetImage:
    """One sheet image from a scan: where it came from, its bytes (or pixels) and hash.

    ``sha256`` is of the image file's bytes, or for a page of a PDF of the page rendered in
    8-bit grey at 200 dpi (``gray8:WxH`` and the pixels); ``source`` names the file and page
    for messages only (batch and position identify the sheet in the log)."""

    source: str
    sha256: str
    data: bytes | None = None
    pixels: Gray | None = None

    def gray(self) -> Gray:
        if self.pixels is not None:
            return self.pixels
        assert self.data is not None
        return decode_image(self.data, where=self.source)


def _u8(pixels: object) -> Gray:
    """``pixels`` (an OpenCV result) as contiguous 8-bit grey."""
    return np.ascontiguousarray(pixels, dtype=np.uint8)


def _pixels_hash(pixels: Gray) -> str:
    h, w = pixels.shape
    return hashlib.sha256(f"gray8:{w}x{h}\n".encode() + pixels.tobytes()).hexdigest()


def decode_image(data: bytes, *, where: str) -> Gray:
    """Decode an image file to grey pixels; refuse one too large before decoding it."""
    import cv2
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
    except Exception as exc:  # Pillow raises many kinds for a file that is no image
        raise PaperInputError(f"not an image Tín Nhiệm can read ({exc})", where=where) from exc
    if width * height > MAX_PIXELS:
        raise PaperInputError(
            f"image of {width}×{height} pixels is too large (at most {MAX_PIXELS})",
            where=where,
        )
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        with Image.open(io.BytesIO(data)) as opened:
            image = np.array(opened.convert("L"), dtype=np.uint8)
    return np.ascontiguousarray(image, dtype=np.uint8)


def _pdf_pages(data: bytes, where: str) -> Iterator[SheetImage]:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as exc:  # pdfium raises its own error for a broken file
        raise PaperInputError(f"not a PDF Tín Nhiệm can read ({exc})", where=where) from exc
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            if width * height * (200 / 72) ** 2 > MAX_PIXELS:
                raise PaperInputError("page too large", where=f"{where}, page {index + 1}")
            bitmap = page.render(scale=200 / 72, grayscale=True)
            pixels = np.array(bitmap.to_numpy(), dtype=np.uint8)
            if pixels.ndim == 3:
                pixels = pixels[:, :, 0]
            pixels = np.ascontiguousarray(pixels)
            yield SheetImage(f"{where}, page {index + 1}", _pixels_hash(pixels), pixels=pixels)
    finally:
        document.close()


def sheet_images(data: bytes, name: str) -> Iterator[SheetImage]:
    """The sheets in one uploaded or scanned file: each page of a PDF, or the one image."""
    if data[:5] == b"%PDF-" or name.lower().endswith(".pdf"):
        yield from _pdf_pages(data, name)
        return
    yield SheetImage(name, hashlib.sha256(data).hexdigest(), data=data)


def folder_images(folder: Path) -> Iterator[SheetImage]:
    """Every sheet in ``folder``, files in name order (PDF pages in page order)."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (*IMAGE_SUFFIXES, ".pdf"))
    for path in files:
        yield from sheet_images(path.read_bytes(), path.name)


class SheetReader:
    """Reads the scannable sheets of one round (the layout is computed once)."""

    def __init__(self, definition: RoundDefinition) -> None:
        import cv2

        self.definition = definition
        self.layout: SheetLayout = sheet_layout(definition)
        dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
        parameters = cv2.aruco.DetectorParameters()
        parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
        self._detector = cv2.aruco.ArucoDetector(dictionary, parameters)
        width, height = PAGE_MM
        self._size = (round(width * _SCALE), round(height * _SCALE))
        self._rings: dict[tuple[int, int], NDArray[np.float32]] = {}

    # --- finding the sheet ---

    def _homography(self, gray: Gray) -> NDArray[np.float64] | None:
        """Page → straightened sheet, from the registration marks (at least three)."""
        import cv2

        h, w = gray.shape
        factor = min(1.0, 1400.0 / max(h, w))
        small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        found: dict[int, NDArray[np.float32]] = {}
        for candidate, scale in ((small, factor), (gray, 1.0)):
            corners, ids, _rejected = self._detector.detectMarkers(candidate)
            if ids is not None:
                for marker, quad in zip(ids.flatten(), corners, strict=True):
                    if 0 <= int(marker) <= 3 and int(marker) not in found:
                        found[int(marker)] = np.asarray(
                            quad.reshape(4, 2) / scale, dtype=np.float32
                        )
            if len(found) == 4 or scale == 1.0:
                break
        if len(found) < 3:
            return None
        src = np.concatenate([found[i] for i in sorted(found)]).astype(np.float32)
        dst = np.array(
            [
                [x * _SCALE, y * _SCALE]
                for i in sorted(found)
                for x, y in self.layout.marker_corners(i)
            ],
            dtype=np.float32,
        )
        if len(found) == 4:
            matrix, _mask = cv2.findHomography(src, dst, 0)
        else:
            # three marks fix an affine map well and a perspective one badly: a scanner's
            # page is affine, and a photo missing a corner is checked by the borders below
            design = np.hstack([src, np.ones((len(src), 1), np.float32)]).astype(np.float64)
            affine, *_rest = np.linalg.lstsq(design, dst.astype(np.float64), rcond=None)
            matrix = np.vstack([affine.T, [0.0, 0.0, 1.0]])
        if matrix is None:
            return None
        matrix = np.asarray(matrix, dtype=np.float64)
        projected = cv2.perspectiveTransform(src.reshape(-1, 1, 2), matrix).reshape(-1, 2)
        error_mm = float(np.abs(projected - dst).max()) / _SCALE
        return np.asarray(matrix, dtype=np.float64) if error_mm < 1.5 else None

    def _code(self, gray: Gray, matrix: NDArray[np.float64]) -> str | None:
        import cv2
        import zxingcpp

        x, y, side = self.layout.qr
        scale = 10.0
        margin = 3.0
        shift = np.array(
            [
                [scale / _SCALE, 0, -(x - margin) * scale],
                [0, scale / _SCALE, -(y - margin) * scale],
                [0, 0, 1],
            ]
        )
        size = round((side + 2 * margin) * scale)
        crop = cv2.warpPerspective(gray, shift @ matrix, (size, size), borderValue=255)
        results = zxingcpp.read_barcodes(
            crop,
            formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
            try_rotate=False,
            try_downscale=True,
        )
        return str(results[0].text) if results else None

    # --- reading ---

    def read(self, image: SheetImage | Gray, *, sha256: str = "") -> SheetReading:
        """Read one sheet image (a :class:`SheetImage` or grey pixels)."""
        import cv2

        if isinstance(image, SheetImage):
            sha256, gray = image.sha256, image.gray()
        else:
            gray = image
            sha256 = sha256 or _pixels_hash(gray)
        matrix = self._homography(gray)
        if matrix is None:
            return SheetReading(sha256, (), None, "unreadable", {"ballot": _png(_thumbnail(gray))})
        sheet = _u8(
            cv2.warpPerspective(gray, matrix, self._size, flags=cv2.INTER_LINEAR, borderValue=255)
        )
        ink = _ink(sheet)
        fits = self._fits(ink)
        if sum(1 for fit in fits if fit < _FIT) > 0.1 * len(fits):
            # the grid is not where the registration marks say: refuse to read the sheet
            return SheetReading(sha256, (), None, "unreadable", {"ballot": _png(_thumbnail(gray))})
        code = self._code(gray, matrix)
        rows = tuple(
            self._read_row(ink, index, fits[index]) for index in range(len(self.layout.rows))
        )
        sheet_flag = "wrong_round" if code is not None and code != self.layout.code else ""
        crops: dict[str, bytes] = {}
        for reading, place in zip(rows, self.layout.rows, strict=True):
            if reading.flag:
                crops[reading.official_id] = _png(self._row_crop(sheet, place.top, place.height))
        if sheet_flag:
            crops["ballot"] = _png(_thumbnail(sheet))
        return SheetReading(sha256, rows, code, sheet_flag, crops)

    def _row_crop(self, sheet: Gray, top: float, height: float) -> Gray:
        y0 = max(0, round((top - 1.5) * _SCALE))
        y1 = round((top + height + 1.5) * _SCALE)
        return np.ascontiguousarray(sheet[y0:y1, round(17 * _SCALE) : round(198 * _SCALE)])

    def _read_row(self, ink: NDArray[np.float32], index: int, fit: float) -> RowReading:
        place = self.layout.rows[index]
        dx = dy = 0
        scores: list[float] = []
        peaks: list[float] = []
        for box in place.boxes:
            x0 = round((box.x + _INSET) * _SCALE) + dx
            x1 = round((box.x + box.size - _INSET) * _SCALE) + dx
            y0 = round((box.y + _INSET) * _SCALE) + dy
            y1 = round((box.y + box.size - _INSET) * _SCALE) + dy
            inner = ink[y0:y1, x0:x1]
            scores.append(float(inner.mean()))
            peaks.append(_peak(inner))
        flag, mark = _decide(scores, [b.mark for b in place.boxes], peaks)
        if fit < _FIT:
            flag = "misaligned"
        if _name_crossed(ink, place.top, place.height, place.name_left, place.name_right, dy):
            flag, mark = "name_crossed", Mark.INVALID
        return RowReading(
            place.official_id,
            mark,
            _confidence(scores, flag),
            flag,
            tuple(round(s, 4) for s in scores),
        )

    def _fits(self, ink: NDArray[np.float32]) -> list[float]:
        """For each row, how well the printed box borders sit where the grid puts them: the
        mean ink on each box's border, the lowest of the row's boxes (about 0.5 when the
        sheet is registered; a sheet mapped wrongly leaves some border on white paper)."""
        fits = []
        for place in self.layout.rows:
            worst = 1.0
            for box in place.boxes:
                x0, x1 = round(box.x * _SCALE), round((box.x + box.size) * _SCALE)
                y0, y1 = round(box.y * _SCALE), round((box.y + box.size) * _SCALE)
                region = ink[y0 - 2 : y1 + 3, x0 - 2 : x1 + 3]
                ring = self._ring(y1 - y0, x1 - x0)
                if region.shape != ring.shape:
                    worst = 0.0
                    break
                worst = min(worst, float((region * ring).sum() / ring.sum()))
            fits.append(worst)
        return fits

    def _ring(self, height: int, width: int) -> NDArray[np.float32]:
        key = (height, width)
        cached = self._rings.get(key)
        if cached is not None:
            return cached
        ring = np.zeros((height + 5, width + 5), np.float32)
        ring[1:4, :] = 1.0
        ring[height + 1 : height + 4, :] = 1.0
        ring[:, 1:4] = 1.0
        ring[:, width + 1 : width + 4] = 1.0
        self._rings[key] = ring
        return ring


def _ink(sheet: Gray) -> NDArray[np.float32]:
    """How dark each pixel is against the paper around it (0 paper … 1 black): the light
    is evened out by dividing by the local paper brightness (a blurred maximum filter)."""
    import cv2

    small = cv2.resize(sheet, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(small, np.ones((9, 9), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), 3)
    paper = cv2.resize(paper, (sheet.shape[1], sheet.shape[0]), interpolation=cv2.INTER_LINEAR)
    ratio = sheet.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0)
    out: NDArray[np.float32] = np.clip(1.0 - ratio, 0.0, 1.0)
    return out


def _peak(inner: NDArray[np.float32]) -> float:
    """The mean of the darkest sixth of a box's pixels: a faint stroke shows here even when
    it is too thin to raise the box's mean above the paper's noise."""
    flat = inner.ravel()
    if flat.size == 0:
        return 0.0
    k = max(1, flat.size // 6)
    return float(np.partition(flat, flat.size - k)[flat.size - k :].mean())


def _decide(
    scores: list[float], marks: list[Mark], peaks: list[float] | None = None
) -> tuple[str, Mark]:
    peaks = peaks or [0.0] * len(scores)
    marked = [i for i, s in enumerate(scores) if s >= _MARKED]
    faint = [
        i
        for i, s in enumerate(scores)
        if _EMPTY < s < _MARKED or (s <= _EMPTY and peaks[i] > _PEAK_EMPTY)
    ]
    solid = [i for i in marked if scores[i] >= _SOLID]
    if faint:
        if len(marked) == 1:
            return "faint", marks[marked[0]]
        if not marked and len(faint) == 1:
            return "faint", marks[faint[0]]
        return "faint", Mark.INVALID
    if not marked:
        return "", Mark.BLANK
    if len(marked) == 1:
        return "", marks[marked[0]]
    if solid and len(solid) < len(marked):
        kept = [i for i in marked if i not in solid]
        return "crossed_out", marks[kept[0]] if len(kept) == 1 else Mark.INVALID
    return "two_marks", Mark.INVALID


def _confidence(scores: list[float], flag: str) -> float:
    """1 far from the undecided zone, 0.5 at its edge; a flagged row at most 0.5."""
    distances = []
    for s in scores:
        if s <= _EMPTY:
            distances.append((_EMPTY - s) / _EMPTY)
        elif s >= _MARKED:
            distances.append(min(1.0, (s - _MARKED) / _MARKED))
        else:
            distances.append(0.0)
    closest = min(distances) if distances else 0.0
    value = 0.5 + 0.5 * closest
    return round(min(value, 0.5) if flag else value, 3)


def _name_crossed(
    ink: NDArray[np.float32], top: float, height: float, left: float, right: float, dy: int
) -> bool:
    import cv2

    y0 = round((top + height * 0.15) * _SCALE) + dy
    y1 = round((top + height * 0.85) * _SCALE) + dy
    x0 = round((left + 1) * _SCALE)
    x1 = round((right - 2) * _SCALE)
    band = (ink[y0:y1, x0:x1] > 0.35).astype(np.uint8)
    band = _u8(cv2.dilate(band, np.ones((3, 1), np.uint8)))
    run = cv2.morphologyEx(band, cv2.MORPH_OPEN, np.ones((1, round(_STRIKE_MM * _SCALE)), np.uint8))
    return bool(run.any())


def _thumbnail(gray: Gray) -> Gray:
    import cv2

    h, w = gray.shape
    factor = min(1.0, 1000.0 / max(h, w))
    return np.ascontiguousarray(
        cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    )


def _png(gray: Gray) -> bytes:
    import cv2

    ok, encoded = cv2.imencode(".png", gray)
    if not ok:
        raise PaperInputError("could not encode a crop", where="omr")
    return bytes(encoded.tobytes())
