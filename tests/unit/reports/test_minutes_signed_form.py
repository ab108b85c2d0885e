"""The minutes in the form a committee signs: meeting facts, roles, exemptions, closing,
copies, the record's fingerprint; no internal id, no UTC time, no English unless asked;
rows never split across pages; the Party heading and secrecy marking under a Party rule."""

from __future__ import annotations

import io

import pypdf
import pytest

from tinnhiem.poll.demo import BODIES, DemoConfig, run_demo
from tinnhiem.record import ElectionRecord
from tinnhiem.reports import minutes_from_record, render_minutes_pdf
from tinnhiem.tally import load_rule_source


def _record(body: str, officials: int, voters: int) -> ElectionRecord:
    config = DemoConfig(body=body, officials=officials, voters=voters, seed=5)
    return run_demo(config, load_rule_source(BODIES[body].rule)).election.record()


@pytest.fixture(scope="module")
def hdnd() -> ElectionRecord:
    return _record("hdnd", 25, 40)


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_meeting_facts_roles_exemptions_closing_and_fingerprint(hdnd: ElectionRecord) -> None:
    minutes = minutes_from_record(
        hdnd,
        place="Hội trường Trung tâm Hội nghị tỉnh",
        session="Kỳ họp thứ mười chín, HĐND tỉnh khóa X",
        opened_at="14:30",
        closed_at="16:05",
    )
    assert minutes.members == hdnd.manifest.members and minutes.present == 40
    assert minutes.committee[0].role == "Trưởng Ban kiểm phiếu"
    pages = _pages(render_minutes_pdf(minutes))
    text = " ".join(pages)
    assert "Hôm nay, vào hồi 14 giờ 30 phút ngày 29 tháng 11 năm 2026, tại Hội trường" in text
    assert "Kỳ họp thứ mười chín" in text
    assert f"Tổng số thành viên của {hdnd.manifest.body}: {hdnd.manifest.members}" in text
    assert "có mặt: 40" in text
    assert "TRƯỞNG BAN KIỂM PHIẾU" in text and "THƯ KÝ BAN KIỂM PHIẾU" in text
    for exempt in hdnd.manifest.exempt:
        assert exempt.name in text and exempt.reason in text
    assert "kết thúc vào hồi 16 giờ 05 phút" in text and "lập thành 03 bản" in text
    assert hdnd.head.hex() in text.replace(" ", "")
    assert "mã quy định" not in text and hdnd.manifest.rule_id not in text
    assert hdnd.manifest.round_id not in text and "UTC" not in text
    for english in ("General", "Count", "PROVINCIAL", "Under:", "issued", "May resign"):
        assert english not in text, english
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "MẬT" not in text
    # NQ 96/2023 counts a blank row as a valid ballot with no mark: not "không hợp lệ".
    assert "Không đánh dấu" in text and "Không hợp lệ" not in text


def test_blank_times_are_left_to_fill_by_hand(hdnd: ElectionRecord) -> None:
    text = " ".join(_pages(render_minutes_pdf(minutes_from_record(hdnd))))
    assert "vào hồi ….. giờ ….. phút" in text


def test_rows_never_split_and_the_header_repeats(hdnd: ElectionRecord) -> None:
    minutes = minutes_from_record(hdnd)
    pages = _pages(render_minutes_pdf(minutes))
    assert len(pages) >= 2
    for row in minutes.rows:
        # The name and the row's own counts sit on one page.
        holding = [
            i for i, page in enumerate(pages) if row.name in page and row.position[:20] in page
        ]
        assert holding, row.name
    counted = [page for page in pages if any(r.name in page for r in minutes.rows[:25])]
    assert all("Họ và tên, chức vụ" in page or "Họ và tên" in page for page in counted)


def test_party_format_and_english_option() -> None:
    record = _record("party", 4, 12)
    minutes = minutes_from_record(record)
    assert minutes.party_format and minutes.secrecy_marking == "MẬT"
    text = " ".join(_pages(render_minutes_pdf(minutes)))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and text.startswith("MẬT")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" not in text
    english = " ".join(_pages(render_minutes_pdf(minutes, "en")))
    assert "TALLY MINUTES" in english and "COMMUNIST PARTY OF VIET NAM" in english
    assert "Hôm nay" not in english
    with pytest.raises(ValueError, match="language"):
        render_minutes_pdf(minutes, "fr")


def test_dateline_and_opening_follow_decree_30(hdnd: ElectionRecord) -> None:
    """NĐ 30/2020/NĐ-CP, Phụ lục I: a zero before days 1..9 and months 1, 2; none from month
    3 on (tinnhiem.text.format_date_vi), in the dateline and in "Hôm nay, …"."""
    import dataclasses

    minutes = minutes_from_record(hdnd, place="Ninh Bình", opened_at="08:00", closed_at="09:15")
    march = dataclasses.replace(minutes, date="2026-03-05")
    text = " ".join(_pages(render_minutes_pdf(march)))
    assert "Ninh Bình, ngày 05 tháng 3 năm 2026" in text
    assert "Hôm nay, vào hồi 08 giờ 00 phút ngày 05 tháng 3 năm 2026, tại Ninh Bình" in text
    assert "tháng 03" not in text
    february = dataclasses.replace(minutes, date="2026-02-09")
    text = " ".join(_pages(render_minutes_pdf(february)))
    assert "Ninh Bình, ngày 09 tháng 02 năm 2026" in text
