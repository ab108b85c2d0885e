"""The optical mark reader on sheets the project generates (tinnhiem.paper.omr_synth): every
row read right or sent to the committee, the traps flagged, the round code checked, a page
with no sheet refused, PDF pages read like images."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace

import numpy as np
import pypdf
import pytest

from tinnhiem.paper import Mark, Official, RoundDefinition
from tinnhiem.paper.ballots_pdf import render_ballots_pdf
from tinnhiem.paper.omr import SheetImage, SheetReader, sheet_images
from tinnhiem.paper.omr_layout import round_code, sheet_layout
from tinnhiem.paper.omr_synth import blank_page, images_to_pdf, synthetic_sheets

OFFICIALS = tuple(
    Official(f"cb{i}", f"Nguyễn Thị Thanh Hương {i}", "Phó Chủ tịch UBND") for i in range(1, 13)
)


def _definition(**changes: object) -> RoundDefinition:
    fields: dict[str, object] = {
        "round_id": "omr-test",
        "title": "Lấy phiếu tín nhiệm",
        "body": "Hội đồng nhân dân tỉnh Vĩnh Phúc",
        "date": "2023-12-08",
        "rule_id": "nq96-2023",
        "officials": OFFICIALS,
        "paper_serials": 100,
    }
    fields.update(changes)
    return RoundDefinition(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def definition() -> RoundDefinition:
    return _definition()


@pytest.fixture(scope="module")
def page(definition: RoundDefinition) -> np.ndarray:
    return blank_page(definition)


@pytest.fixture(scope="module")
def reader(definition: RoundDefinition) -> SheetReader:
    return SheetReader(definition)


def _image(data: bytes) -> SheetImage:
    return SheetImage("test", hashlib.sha256(data).hexdigest(), data)


def test_the_scannable_sheet_is_identical_and_carries_only_the_round_code(
    definition: RoundDefinition,
) -> None:
    pdf = render_ballots_pdf(definition, range(1, 3), scannable=True)
    texts = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(texts) == 2 and texts[0] == texts[1]
    assert "PHIẾU LẤY PHIẾU TÍN NHIỆM" in texts[0]
    code = round_code(definition)
    assert code.startswith("TN1:omr-test:") and len(code) == len("TN1:omr-test:") + 8
    # another list of officials is another form: another code
    assert round_code(replace(definition, officials=OFFICIALS[:-1])) != code


def test_generated_sheets_are_read_right_or_flagged(
    definition: RoundDefinition, page: np.ndarray, reader: SheetReader
) -> None:
    wrong, flagged, traps, caught = 0, 0, 0, 0
    for sheet in synthetic_sheets(definition, 12, seed=3, page=page, trap_rate=0.08):
        reading = reader.read(_image(sheet.image))
        assert reading.rows, "every generated sheet is found"
        assert reading.code == round_code(definition) and not reading.sheet_flag
        for truth, row in zip(sheet.rows, reading.rows, strict=True):
            traps += truth.ambiguous in ("two_marks", "crossed_out", "name_crossed")
            if row.flag:
                flagged += 1
                caught += truth.ambiguous in ("two_marks", "crossed_out", "name_crossed")
                assert row.official_id in reading.crops  # the committee sees the row
                assert row.confidence <= 0.5
            else:
                wrong += row.mark is not truth.mark
                assert row.confidence >= 0.5
    assert wrong == 0
    assert traps > 0 and caught == traps  # two marks, a mark taken back, a name crossed out
    assert flagged < 0.2 * 12 * len(OFFICIALS)


def test_an_unmarked_sheet_reads_blank(page: np.ndarray, reader: SheetReader) -> None:
    reading = reader.read(page)
    assert [r.mark for r in reading.rows] == [Mark.BLANK] * len(OFFICIALS)
    assert not reading.flagged


def test_a_sheet_of_another_round_is_flagged(page: np.ndarray) -> None:
    other = SheetReader(_definition(round_id="other-round"))
    reading = other.read(page)
    assert reading.sheet_flag == "wrong_round" and "ballot" in reading.crops


def test_a_page_without_a_sheet_is_unreadable(reader: SheetReader) -> None:
    noise = np.random.default_rng(1).integers(0, 255, size=(900, 700), dtype=np.uint8)
    reading = reader.read(noise)
    assert reading.sheet_flag == "unreadable" and not reading.rows


def test_pdf_pages_are_sheets(
    definition: RoundDefinition, page: np.ndarray, reader: SheetReader
) -> None:
    sheets = list(synthetic_sheets(definition, 2, seed=8, page=page, trap_rate=0.0))
    pdf = images_to_pdf([s.image for s in sheets])
    images = list(sheet_images(pdf, "box-1.pdf"))
    assert [i.source for i in images] == ["box-1.pdf, page 1", "box-1.pdf, page 2"]
    assert len({i.sha256 for i in images}) == 2
    for image, sheet in zip(images, sheets, strict=True):
        reading = reader.read(image)
        for truth, row in zip(sheet.rows, reading.rows, strict=True):
            assert row.flag or row.mark is truth.mark


def test_formal_vote_sheets_have_two_boxes() -> None:
    definition = _definition(rule_id="nq96-2023-formal", kind=_formal())
    layout = sheet_layout(definition)
    assert [b.mark for b in layout.rows[0].boxes] == [Mark.CONFIDENCE, Mark.NO_CONFIDENCE]
    page = blank_page(definition)
    reading = SheetReader(definition).read(page)
    assert [r.mark for r in reading.rows] == [Mark.BLANK] * len(OFFICIALS)


def _formal() -> object:
    from tinnhiem.rules import RoundKind

    return RoundKind.FORMAL_VOTE
