"""Scanning a box of sheets into a paper round (quét phiếu): each image read by
:mod:`tinnhiem.paper.omr` and recorded as one reader's entry, by batch and position.

The committee opens the box, takes the sheets out in bundles (**batches**, named as it
likes: ``1``, ``2``, ``A``…) and scans each bundle; a sheet is known by its batch and its
**position** in the bundle, nothing else. Each image's SHA-256 goes into the entry log; the
same image twice is refused, so is a batch position used twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tinnhiem.paper.errors import PaperError
from tinnhiem.paper.model import Mark
from tinnhiem.paper.omr import SheetImage, SheetReader, SheetReading
from tinnhiem.paper.session import BALLOT_FIELD, PaperSession

__all__ = ["ScanOutcome", "record_reading", "scan_images"]


@dataclass(frozen=True)
class ScanOutcome:
    """What happened to one image: the sheet number it became (or why it was refused),
    its flags, and the reading (with the crops of flagged rows for the committee)."""

    source: str
    batch: str
    position: int
    serial: int | None
    reading: SheetReading | None
    refused: str = ""

    @property
    def flags(self) -> dict[str, str]:
        if self.reading is None:
            return {}
        return _flags(self.reading)


def _flags(reading: SheetReading) -> dict[str, str]:
    flags = {row.official_id: row.flag for row in reading.rows if row.flag}
    if reading.sheet_flag:
        flags[BALLOT_FIELD] = reading.sheet_flag
    return flags


def record_reading(
    session: PaperSession,
    reading: SheetReading,
    *,
    batch: str,
    position: int,
    actor: str,
) -> int:
    """Record ``reading`` as the next sheet of the round; returns its serial. A sheet the
    reader could not find (or of another round) is flagged as a whole, every row with it,
    so that the committee reads it from the paper."""
    definition = session.definition
    serial = session.next_serial()
    flags = _flags(reading)
    if reading.rows and not reading.sheet_flag:
        values = {BALLOT_FIELD: "valid"} | {r.official_id: r.mark.value for r in reading.rows}
        confidence = {r.official_id: round(r.confidence * 1000) for r in reading.rows}
    else:
        values = {BALLOT_FIELD: "valid"} | {o.id: Mark.BLANK.value for o in definition.officials}
        flags |= {o.id: flags[BALLOT_FIELD] for o in definition.officials}
        confidence = {o.id: 0 for o in definition.officials}
    session.record_scan(
        serial,
        batch=batch,
        position=position,
        sha256=reading.sha256,
        reader=reading.reader,
        values=values,
        flags=flags,
        confidence=confidence,
        code=reading.code or "",
        actor=actor,
    )
    return serial


def scan_images(
    session: PaperSession,
    images: Iterable[SheetImage],
    *,
    batch: str,
    actor: str,
    first_position: int = 1,
    reader: SheetReader | None = None,
) -> list[ScanOutcome]:
    """Read and record a batch of images in order (positions from ``first_position``). An
    image refused by the round (seen before, a position taken) is reported, not recorded."""
    reader = reader or SheetReader(session.definition)
    out = []
    for position, image in enumerate(images, start=first_position):
        seen = session.scanned_image(image.sha256)
        if seen is not None:
            out.append(
                ScanOutcome(image.source, batch, position, None, None, f"already sheet {seen}")
            )
            continue
        reading = reader.read(image)
        try:
            serial = record_reading(session, reading, batch=batch, position=position, actor=actor)
        except PaperError as exc:
            out.append(ScanOutcome(image.source, batch, position, None, reading, str(exc)))
            continue
        out.append(ScanOutcome(image.source, batch, position, serial, reading))
    return out
