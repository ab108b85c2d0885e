"""Where each part of the rating comes from (căn cứ của từng tham số đánh giá).

Quy định 366-QĐ/TW (Bộ Chính trị, 30/8/2025) sets the 100-point scale, the four levels
and, for the two top levels, conditions on the tasks (Điều 11). It does not set how a body
turns its work programme and a confidence poll into points: the 4/5 work : 1/5 confidence
weights, the lateness factors, the quality rubric and the statistics are **the body's own
policy** (chính sách riêng của cơ quan), and every page and export says so. The "excellent"
quota and the disqualifying findings were read in Nghị định 335/2025/NĐ-CP (civil
servants), not in QĐ 366.

A rating of a year is cited under the regulation in force for that year: QĐ 366 from the
2025 annual review, QĐ 124-QĐ/TW (4/10/2023) for 2023 and 2024, which QĐ 366 replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BODY_POLICY_EN",
    "BODY_POLICY_VI",
    "EXCEEDS_MAPPING_VI",
    "PARAMETER_BASIS",
    "QD366",
    "QD366_FRAMEWORK",
    "TOP_LEVEL_CONDITIONS",
    "ParameterBasis",
    "TextSource",
    "rating_regulation",
]


@dataclass(frozen=True)
class TextSource:
    """A text a parameter rests on, as read: document, clause, quote, where, and what kind."""

    document: str
    date: str
    clause: str
    quote: str
    url: str
    kind: str  # "verbatim_quote" | "paraphrase" | "translation" | "not_found"

    @property
    def verified(self) -> bool:
        """True only when the clause was read word for word."""
        return self.kind == "verbatim_quote" and bool(self.quote and self.url)

    @property
    def label(self) -> str:
        """The printable citation, marked when the clause was not read word for word."""
        text = ", ".join(p for p in (self.document, self.clause) if p)
        return text if self.verified else f"{text} [chưa đối chiếu nguyên văn]"


QD366 = TextSource(
    document="Quy định 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị",
    date="2025-08-30",
    clause="Điều 11, khoản 1",
    quote=(
        "Hoàn thành xuất sắc nhiệm vụ: Là tập thể, cá nhân có kết quả tổng điểm đánh giá đạt "
        "từ 90 điểm trở lên. Đồng thời, phải đáp ứng các điều kiện cụ thể sau: ... Hoàn thành "
        "100% các nhiệm vụ được giao, đúng hạn, bảo đảm chất lượng, hiệu quả, trong đó có ít "
        "nhất 30% số nhiệm vụ hoàn thành vượt mức yêu cầu"
    ),
    url=(
        "http://tintuc.thuvienphapluat.com/ho-tro-phap-luat/tu-van-phap-luat/100238/"
        "ty-le-dang-vien-hoan-thanh-xuat-sac-nhiem-vu-nam-2025"
    ),
    kind="verbatim_quote",
)

_QD366_GOOD = TextSource(
    document="Quy định 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị",
    date="2025-08-30",
    clause="Điều 11 (hoàn thành tốt: 70 đến dưới 90 điểm; hoàn thành: 50 đến dưới 70 điểm)",
    quote="",
    url=(
        "https://ja.laodong.vn/thoi-su/"
        "thang-diem-danh-gia-de-tinh-xep-loai-tap-the-ca-nhan-hoan-thanh-tot-nhiem-vu-1579399.ldo"
    ),
    kind="translation",
)

_QD366_FRAME = TextSource(
    document="Quy định 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị, phụ lục khung tiêu chí",
    date="2025-08-30",
    clause="nhóm tiêu chí chung 30 điểm, nhóm kết quả thực hiện nhiệm vụ 70 điểm",
    quote="",
    url="https://vietnamnet.vn/khung-tieu-chi-danh-gia-thang-diem-100-voi-can-bo-dien-trung-uong-quan-ly-2444515.html",
    kind="paraphrase",
)

_ND335 = TextSource(
    document="Nghị định 335/2025/NĐ-CP (đánh giá, xếp loại công chức)",
    date="",
    clause="mức xếp loại, khoản 4 và khoản 5",
    quote=(
        "Tỷ lệ công chức xếp loại “Hoàn thành xuất sắc nhiệm vụ” không vượt quá 20% tổng số "
        "công chức được xếp loại “Hoàn thành tốt nhiệm vụ”; ... bị kỷ luật bằng hình thức từ "
        "khiển trách trở lên trong năm đánh giá"
    ),
    url="https://cafef.vn/cong-chuc-khong-hoan-thanh-nhiem-vu-trong-truong-hop-nao-188251228100335529.chn",
    kind="paraphrase",
)

BODY_POLICY_VI = (
    "Chính sách riêng của cơ quan, không có trong Quy định 366-QĐ/TW: cách quy đổi chương "
    "trình công tác và kết quả lấy phiếu ra điểm (trọng số công việc : tín nhiệm, hệ số chậm "
    "hạn, thang chất lượng, thống kê). Quy định 366 chỉ đặt thang 100 điểm, các mức xếp loại "
    "và điều kiện của hai mức cao nhất."
)
BODY_POLICY_EN = (
    "The body's own policy, not in Quy định 366-QĐ/TW: how the work programme and the poll "
    "become points (work : confidence weights, lateness factors, quality scale, statistics). "
    "QĐ 366 sets only the 100-point scale, the levels and the conditions of the top two."
)
EXCEEDS_MAPPING_VI = (
    "“vượt mức yêu cầu” được hiểu là đề án hoàn thành đúng hạn và đạt điểm tối đa của thẩm "
    "định chất lượng độc lập (cách hiểu của cơ quan)"
)


@dataclass(frozen=True)
class ParameterBasis:
    """One policy parameter and what it rests on: a text, or the body's own choice."""

    parameter: str
    vi: str
    source: TextSource | None  # None: the body's own policy

    @property
    def basis_vi(self) -> str:
        """Printable basis: the citation, or "chính sách riêng của cơ quan"."""
        if self.source is None:
            return "Chính sách riêng của cơ quan (không có trong QĐ 366-QĐ/TW)"
        return self.source.label


PARAMETER_BASIS: tuple[ParameterBasis, ...] = (
    ParameterBasis("excellent_min", "Hoàn thành xuất sắc: từ 90 điểm", QD366),
    ParameterBasis("good_min", "Hoàn thành tốt: từ 70 đến dưới 90 điểm", _QD366_GOOD),
    ParameterBasis("completed_min", "Hoàn thành: từ 50 đến dưới 70 điểm", _QD366_GOOD),
    ParameterBasis(
        "top_conditions",
        "Điều kiện mức xuất sắc và tốt: 100% nhiệm vụ đúng hạn, bảo đảm chất lượng; "
        "xuất sắc: ít nhất 30% vượt mức yêu cầu",
        QD366,
    ),
    ParameterBasis(
        "excellent_quota_of_good", "Xuất sắc không quá 20% số xếp loại tốt (công chức)", _ND335
    ),
    ParameterBasis(
        "disqualifying_discipline", "Kỷ luật từ khiển trách trở lên: không hoàn thành", _ND335
    ),
    ParameterBasis(
        "work_weight",
        "Trọng số công việc 4/5 : tín nhiệm 1/5 (QĐ 366 chia 30 điểm tiêu chí chung, 70 điểm "
        "kết quả thực hiện nhiệm vụ; không dùng kết quả lấy phiếu)",
        None,
    ),
    ParameterBasis("timeliness", "Hệ số chậm hạn (0, 30 ngày, sau đó)", None),
    ParameterBasis("unfinished_timeliness", "Hệ số khi chưa xong sau hạn", None),
    ParameterBasis(
        "ambitious_success_fraction", "Đề án dám nghĩ dám làm: đạt 7/10 là thành công", None
    ),
    ParameterBasis("quality_scale_max", "Thang thẩm định chất lượng", None),
    ParameterBasis("missing_review_quality", "Chất lượng khi chưa có thẩm định", None),
    ParameterBasis("confidence", "Khoảng tin cậy, co về tập thể, gợi ý xem xét", None),
    ParameterBasis("min_group", "Ẩn nhóm dưới 5 người", None),
)

TOP_LEVEL_CONDITIONS = QD366
QD366_FRAMEWORK = _QD366_FRAME  # the 30/70 split of QĐ 366's criteria (not our 4/5 : 1/5)


def rating_regulation(year: int) -> str:
    """The regulation an annual rating of ``year`` is cited under (never QĐ 366 before 2025)."""
    if year >= 2025:
        return "Quy định 366-QĐ/TW (30/8/2025)"
    if year >= 2023:
        return "Quy định 124-QĐ/TW (4/10/2023)"
    return "quy định trước Quy định 124-QĐ/TW [chưa đối chiếu]"
