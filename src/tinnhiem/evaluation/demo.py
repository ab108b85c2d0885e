"""A seeded demo body: the 25 officials a provincial People's Council elects and polls (the
roster of ``tinnhiem demo --body hdnd``), a poll generated with a seeded RNG, and a
year's work programme of 17 assignments (đề án). Two officials are built to be flagged:
one popular but idle, one unpopular achiever.

The officials and their posts are those of ``tinnhiem demo`` with the same seed
(tinnhiem.demo_data); the programme, abilities and counts come from this module's own RNG.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import numpy as np

from tinnhiem.demo_data import demo_officials
from tinnhiem.evaluation.levels import Finding, FindingKind, OfficialInfo, Rating
from tinnhiem.evaluation.programme import (
    Assignment,
    DelayExcuse,
    Milestone,
    ProgressUpdate,
    QualityReview,
    Share,
    WorkProgramme,
)
from tinnhiem.rules import PollCounts

__all__ = ["DEMO_AT", "DEMO_RULE", "DemoBody", "demo_body"]

DEMO_RULE = "nq96-2023"
_OFFICIALS = 25  # tinnhiem.poll.demo.BODIES["hdnd"].officials (kept here: no import upward)
# Twelve months wholly under the body's policy adopted after Quy định 366-QĐ/TW (30/8/2025),
# and already over: the policy locks on 1/9/2025, never before the text it applies existed.
DEMO_AT = date(2026, 8, 31)
_START = date(2025, 9, 1)
_VOTERS = 72  # the delegates voting in `tinnhiem demo --body hdnd`

_UNITS = ("Khối UBND", "Khối HĐND", "Khối Sở ngành")
_TOPICS = (
    "Chuyển đổi số dịch vụ công",
    "Giải phóng mặt bằng cao tốc",
    "Nâng cấp bệnh viện tỉnh",
    "Cải cách thủ tục đầu tư",
    "Nước sạch nông thôn",
    "Trường học đạt chuẩn",
    "Quy hoạch khu công nghiệp",
    "Chống ngập đô thị",
    "Hỗ trợ doanh nghiệp nhỏ",
    "Du lịch cộng đồng",
    "Xử lý rác thải",
    "Nhà ở xã hội",
    "An toàn thực phẩm",
    "Đề án nông nghiệp công nghệ cao",
    "Cơ sở dữ liệu đất đai",
    "Giao thông nông thôn",
    "Trung tâm điều hành thông minh",
)

POPULAR_IDLE = 5  # index of the official built as "popular but idle"
UNPOPULAR_ACHIEVER = 11  # index of the official built as "unpopular achiever"
UNPOPULAR_IDLE = 16  # low confidence in the first band and "not completed": resignation path


@dataclass(frozen=True)
class DemoBody:
    """The demo's programme, its poll rows (official, position, counts) and the rule id."""

    programme: WorkProgramme
    polls: tuple[tuple[str, str, PollCounts], ...]
    rule: str
    at: date
    popular_idle: str
    unpopular_achiever: str
    history: tuple[tuple[str, dict[str, PollCounts]], ...] = ()
    other_bodies: tuple[tuple[str, dict[str, PollCounts]], ...] = ()


def _assignment(
    rng: np.random.Generator,
    index: int,
    lead: str,
    co_owners: list[str],
    ability: float,
    verifiers: list[str],
    *,
    ambitious: bool = False,
) -> Assignment:
    due = _START + timedelta(days=int(rng.integers(150, 330)))
    others = [v for v in verifiers if v != lead and v not in co_owners]
    verifier, reviewer, approver = (str(v) for v in rng.choice(others, size=3, replace=False))
    finished = rng.random() < 0.25 + ability
    partial = min(0.95, max(0.2, ability - 0.1 + float(rng.normal(0, 0.1))))
    done = Fraction(1) if finished else Fraction(round(partial * 20), 20)  # in steps of 5%
    late = int(max(0, rng.normal(40 * (1 - ability) - 8, 12)))
    half = _START + (due - _START) / 2
    progress = [
        ProgressUpdate(
            half, min(done, Fraction(1, 2)), f"https://evidence.example/{index}/1", verifier
        )
    ]
    if done > Fraction(1, 2):
        progress.append(
            ProgressUpdate(
                min(due + timedelta(days=late), DEMO_AT),
                done,
                f"https://evidence.example/{index}/2",
                verifier,
            )
        )
    score = Fraction(
        round(min(4.0, max(1.0, 0.6 + 3.6 * ability + float(rng.normal(0, 0.25)))) * 2), 2
    )
    shares = [Share(o, Fraction(1, len(co_owners) + 2)) for o in co_owners]  # lead: 2 parts
    excuses: tuple[DelayExcuse, ...] = ()
    if late > 20 and rng.random() < 0.5:
        excuses = (DelayExcuse(10, "Chờ phân bổ vốn từ trung ương", approver, half),)
    return Assignment(
        id=f"DA-{index + 1:02d}",
        title=_TOPICS[index],
        lead=lead,
        due=due,
        weight=Fraction(int(rng.integers(1, 4))),
        co_owners=tuple(shares),
        ambitious_flagged_on=date(2025, 8, 15) if ambitious else None,
        milestones=(Milestone(half, Fraction(1, 2), "Giữa kỳ"), Milestone(due, Fraction(1))),
        progress=tuple(progress),
        reviews=(
            QualityReview(DEMO_AT - timedelta(days=10), reviewer, score, "Thẩm định độc lập"),
        ),
        excuses=excuses,
    )


def demo_body(seed: int = 2025) -> DemoBody:
    """Build the demo body from ``seed`` (the same seed gives the same body)."""
    roster = demo_officials(seed, _OFFICIALS)  # the officials of `tinnhiem demo --seed`
    names = [name for name, _ in roster]
    count = len(names)
    rng = np.random.default_rng(seed)
    ability = rng.beta(5, 2, size=count)
    ability[POPULAR_IDLE] = 0.15
    ability[UNPOPULAR_ACHIEVER] = 0.97
    ability[UNPOPULAR_IDLE] = 0.1
    # Officials 0-16 lead one assignment each; the others are co-owners.
    co_owned: dict[int, list[int]] = {i: [] for i in range(17)}
    for j, official in enumerate(range(17, count)):
        co_owned[j % 17].append(official)
    solo = (POPULAR_IDLE, UNPOPULAR_ACHIEVER, UNPOPULAR_IDLE)
    for i in solo:  # they stand alone; their co-owners join the next assignment
        target = next(j % 17 for j in range(i + 1, i + 18) if j % 17 not in solo)
        co_owned[target].extend(co_owned.pop(i))
        co_owned[i] = []
    assignments = []
    for i in range(17):
        owners = co_owned[i]
        team = [ability[i], *(ability[o] for o in owners)]
        assignments.append(
            _assignment(
                rng,
                i,
                names[i],
                [names[o] for o in owners],
                float(np.mean(team)),
                names,
                ambitious=i == UNPOPULAR_ACHIEVER,
            )
        )
    # The poll: high-confidence share follows ability, with noise; two built exceptions.
    polls = []
    p_highs = []
    for i, name in enumerate(names):
        p_high = float(np.clip(0.2 + 0.65 * ability[i] + rng.normal(0, 0.05), 0.05, 0.95))
        p_low = float(np.clip(0.12 - 0.1 * ability[i] + rng.normal(0, 0.02), 0.01, 0.5))
        if i == POPULAR_IDLE:
            p_high, p_low = 0.93, 0.01
        if i == UNPOPULAR_ACHIEVER:
            p_high, p_low = 0.12, 0.45
        if i == UNPOPULAR_IDLE:
            p_high, p_low = 0.3, 0.58
        p_highs.append(p_high)
        marks = rng.multinomial(_VOTERS - 1, [p_high, 1 - p_high - p_low, p_low])
        invalid = int(rng.random() < 0.2)
        high, confident, low = (int(v) for v in marks)
        if invalid == 0:
            confident += 1  # every returned ballot carries a mark for this official
        polls.append(
            (
                name,
                roster[i][1],
                PollCounts(_VOTERS, _VOTERS, high, confident, low, invalid),
            )
        )
    # The same body's poll a year earlier, and two other bodies rating some of the officials
    # (the second has 4 members: too few to be shown beside the others).
    previous = {
        name: _poll_row(rng, float(np.clip(p_highs[i] + rng.normal(0, 0.05), 0.05, 0.9)), 0.05, 56)
        for i, name in enumerate(names)
    }
    standing = {
        name: _poll_row(rng, float(np.clip(0.3 + 0.6 * ability[i], 0.05, 0.95)), 0.05, 15)
        for i, name in enumerate(names[:12])
    }
    small = {name: _poll_row(rng, 0.5, 0.1, 4) for name in names[:2]}
    people = tuple(
        OfficialInfo(
            name, _UNITS[i % len(_UNITS)], Rating.NOT_COMPLETED if i == POPULAR_IDLE else None
        )
        for i, name in enumerate(names)
    )
    findings = (
        Finding(
            names[20],
            FindingKind.DISCIPLINE,
            "Quyết định kỷ luật số 12/QĐ-UBKT",
            "reprimand",
            "Vi phạm quy chế làm việc",
            date(2026, 3, 2),
        ),
    )
    programme = WorkProgramme(
        body="HĐND tỉnh (minh hoạ) / Provincial People's Council (demo)",
        title="Chương trình công tác từ 01/9/2025 đến 31/8/2026",
        cycle_start=_START,
        cycle_end=DEMO_AT,
        assignments=tuple(assignments),
        people=people,
        findings=findings,
    )
    return DemoBody(
        programme,
        tuple(polls),
        DEMO_RULE,
        DEMO_AT,
        names[POPULAR_IDLE],
        names[UNPOPULAR_ACHIEVER],
        history=(("2024", previous),),
        other_bodies=(("Ban Thường vụ Tỉnh ủy", standing), ("Thường trực HĐND", small)),
    )


def _poll_row(rng: np.random.Generator, p_high: float, p_low: float, voters: int) -> PollCounts:
    high, confident, low = (
        int(v) for v in rng.multinomial(voters, [p_high, 1 - p_high - p_low, p_low])
    )
    return PollCounts(voters, voters, high, confident, low)
