"""Names and posts for the demo bodies (dữ liệu mẫu): one source for every demo.

Both demos draw from these lists: the end-to-end round (``tinnhiem demo``,
tinnhiem.record.demo) and the evaluation body (``tinnhiem evaluate --demo``,
tinnhiem.evaluation.demo), so the same seed gives the same officials in the same posts.
This module imports nothing heavy (no numpy, no crypto): the web and the CLI may use it
freely.
"""

from __future__ import annotations

import random

__all__ = [
    "DEPARTMENTS",
    "GIVEN",
    "HDND_POSTS",
    "HEAD_POSTS",
    "MIDDLE",
    "PARTY_POSTS",
    "QUOCHOI_POSTS",
    "ROSTERS",
    "SURNAMES",
    "demo_officials",
    "demo_posts",
    "vietnamese_names",
]

SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Lương",
    "Mai",
)
MIDDLE = (
    "Văn",
    "Thị",
    "Đức",
    "Minh",
    "Hữu",
    "Quang",
    "Thanh",
    "Ngọc",
    "Xuân",
    "Hoài",
    "Thu",
    "Kim",
    "Công",
    "Anh",
    "Bảo",
)
GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trung",
    "Tuấn",
    "Vy",
    "Yến",
    "Thắng",
    "Lộc",
    "Nga",
    "Tùng",
    "Hiếu",
)
DEPARTMENTS = (
    "Nội vụ",
    "Tư pháp",
    "Tài chính",
    "Công Thương",
    "Nông nghiệp và Môi trường",
    "Xây dựng",
    "Khoa học và Công nghệ",
    "Văn hóa, Thể thao và Du lịch",
    "Giáo dục và Đào tạo",
    "Y tế",
    "Dân tộc và Tôn giáo",
    "Ngoại vụ",
)
# The posts a provincial People's Council elects and polls (NQ 96/2023/QH15, Điều 2: the
# chair and vice-chairs of the Council, the heads of its committees; the chair, vice-chairs
# and members of the People's Committee), in the order of a provincial ballot.
HEAD_POSTS = (
    "Chủ tịch HĐND tỉnh",
    "Phó Chủ tịch HĐND tỉnh",
    "Phó Chủ tịch HĐND tỉnh",
    "Trưởng Ban Pháp chế HĐND tỉnh",
    "Trưởng Ban Kinh tế - Ngân sách HĐND tỉnh",
    "Trưởng Ban Văn hóa - Xã hội HĐND tỉnh",
    "Trưởng Ban Dân tộc HĐND tỉnh",
    "Chủ tịch UBND tỉnh",
    "Phó Chủ tịch UBND tỉnh",
    "Phó Chủ tịch UBND tỉnh",
    "Phó Chủ tịch UBND tỉnh",
    "Ủy viên UBND tỉnh, Chánh Văn phòng UBND tỉnh",
    "Ủy viên UBND tỉnh, Chánh Thanh tra tỉnh",
    "Ủy viên UBND tỉnh, Giám đốc Công an tỉnh",
    "Ủy viên UBND tỉnh, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh",
)
HDND_POSTS = HEAD_POSTS + tuple(f"Ủy viên UBND tỉnh, Giám đốc Sở {d}" for d in DEPARTMENTS)

# A provincial Party executive committee (Ban Chấp hành Đảng bộ tỉnh) rates its standing
# committee (Ban Thường vụ) under Quy định 96-QĐ/TW.
PARTY_POSTS = (
    "Bí thư Tỉnh ủy",
    "Phó Bí thư Thường trực Tỉnh ủy",
    "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh",
    "Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh",
    "Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Tỉnh ủy",
    "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy",
    "Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ủy viên Ban Thường vụ, Chánh Văn phòng Tỉnh ủy",
    "Ủy viên Ban Thường vụ, Bí thư Đảng ủy Ủy ban nhân dân tỉnh",
    "Ủy viên Ban Thường vụ, Phó Chủ tịch Thường trực UBND tỉnh",
    "Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
    "Ủy viên Ban Thường vụ, Giám đốc Công an tỉnh",
    "Ủy viên Ban Thường vụ, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh",
    "Ủy viên Ban Thường vụ, Bí thư Thành ủy",
    "Ủy viên Ban Thường vụ, Trưởng Ban Nội chính Tỉnh ủy",
)

# The 44 posts the National Assembly rated in October 2023 (NQ 96/2023/QH15, Điều 2).
QUOCHOI_POSTS = (
    "Chủ tịch nước",
    "Phó Chủ tịch nước",
    "Chủ tịch Quốc hội",
    "Phó Chủ tịch Quốc hội",
    "Phó Chủ tịch Quốc hội",
    "Phó Chủ tịch Quốc hội",
    "Phó Chủ tịch Quốc hội",
    "Chủ tịch Hội đồng Dân tộc",
    "Chủ nhiệm Ủy ban Pháp luật",
    "Chủ nhiệm Ủy ban Tư pháp",
    "Chủ nhiệm Ủy ban Kinh tế",
    "Chủ nhiệm Ủy ban Tài chính, Ngân sách",
    "Chủ nhiệm Ủy ban Quốc phòng và An ninh",
    "Chủ nhiệm Ủy ban Văn hóa, Giáo dục",
    "Chủ nhiệm Ủy ban Xã hội",
    "Chủ nhiệm Ủy ban Khoa học, Công nghệ và Môi trường",
    "Chủ nhiệm Ủy ban Đối ngoại",
    "Tổng Thư ký Quốc hội, Chủ nhiệm Văn phòng Quốc hội",
    "Trưởng Ban Công tác đại biểu",
    "Thủ tướng Chính phủ",
    "Phó Thủ tướng Chính phủ",
    "Phó Thủ tướng Chính phủ",
    "Phó Thủ tướng Chính phủ",
    "Phó Thủ tướng Chính phủ",
    "Bộ trưởng Bộ Quốc phòng",
    "Bộ trưởng Bộ Công an",
    "Bộ trưởng Bộ Ngoại giao",
    "Bộ trưởng Bộ Nội vụ",
    "Bộ trưởng Bộ Tư pháp",
    "Bộ trưởng Bộ Kế hoạch và Đầu tư",
    "Bộ trưởng Bộ Tài chính",
    "Bộ trưởng Bộ Công Thương",
    "Bộ trưởng Bộ Nông nghiệp và Phát triển nông thôn",
    "Bộ trưởng Bộ Giao thông vận tải",
    "Bộ trưởng Bộ Xây dựng",
    "Bộ trưởng Bộ Tài nguyên và Môi trường",
    "Bộ trưởng Bộ Thông tin và Truyền thông",
    "Bộ trưởng Bộ Lao động - Thương binh và Xã hội",
    "Bộ trưởng Bộ Văn hóa, Thể thao và Du lịch",
    "Bộ trưởng Bộ Khoa học và Công nghệ",
    "Bộ trưởng Bộ Giáo dục và Đào tạo",
    "Bộ trưởng Bộ Y tế",
    "Chánh án Tòa án nhân dân tối cao",
    "Viện trưởng Viện kiểm sát nhân dân tối cao",
    "Tổng Kiểm toán Nhà nước",
    "Thống đốc Ngân hàng Nhà nước Việt Nam",
    "Tổng Thanh tra Chính phủ",
    "Bộ trưởng, Chủ nhiệm Ủy ban Dân tộc",
    "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
)

ROSTERS = {"hdnd": HDND_POSTS, "party": PARTY_POSTS, "quochoi": QUOCHOI_POSTS}


def vietnamese_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct full names (họ, tên đệm, tên) drawn from the seeded lists."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def demo_posts(count: int, body: str = "hdnd") -> list[str]:
    """The first ``count`` posts (chức vụ) of a demo body's ballot, in roster order.

    Only posts the body really rates: asking for more than the roster holds is an error,
    never a post with a "(2)" suffix.
    """
    posts = ROSTERS[body]
    if count > len(posts):
        raise ValueError(f"the {body} demo rates at most {len(posts)} posts, not {count}")
    return list(posts[:count])


def demo_officials(seed: int, count: int, body: str = "hdnd") -> list[tuple[str, str]]:
    """The demo roster's first ``count`` officials as (name, post), fixed by ``seed``.

    These are the officials ``tinnhiem demo --seed SEED`` puts on its ballot, in order: its
    later names (exempt officials, committee) are drawn after these from the same stream.
    """
    names = vietnamese_names(random.Random(seed), count)
    return list(zip(names, demo_posts(count, body), strict=True))
