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
    "HEAD_POSTS",
    "MIDDLE",
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
    "Tài chính",
    "Xây dựng",
    "Y tế",
    "Giáo dục và Đào tạo",
    "Công Thương",
    "Nông nghiệp và Môi trường",
    "Nội vụ",
    "Tư pháp",
    "Khoa học và Công nghệ",
    "Văn hóa, Thể thao và Du lịch",
    "Dân tộc và Tôn giáo",
    "Ngoại vụ",
)
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


def demo_posts(count: int) -> list[str]:
    """The first ``count`` posts (chức vụ) of the demo People's Council, in roster order."""
    posts = list(HEAD_POSTS)
    posts += [f"Ủy viên UBND tỉnh, Giám đốc Sở {d}" for d in DEPARTMENTS]
    posts += [f"Phó Giám đốc Sở {d}" for d in DEPARTMENTS]
    posts += [
        f"Phó Trưởng Ban {b} HĐND tỉnh"
        for b in ("Pháp chế", "Kinh tế - Ngân sách", "Văn hóa - Xã hội", "Dân tộc")
    ]
    k = 2
    while len(posts) < count:
        posts += [f"Phó Giám đốc Sở {d} ({k})" for d in DEPARTMENTS]
        k += 1
    return posts[:count]


def demo_officials(seed: int, count: int) -> list[tuple[str, str]]:
    """The demo roster's first ``count`` officials as (name, post), fixed by ``seed``.

    These are the officials ``tinnhiem demo --seed SEED`` puts on its ballot, in order: its
    later names (exempt officials, committee) are drawn after these from the same stream.
    """
    return list(zip(vietnamese_names(random.Random(seed), count), demo_posts(count), strict=True))
