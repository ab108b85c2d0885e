"""A 17-assignment programme scored by hand (completion × timeliness × quality)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from fractions import Fraction as F

from evaluation_builders import END, START, make_assignment

from tinnhiem.evaluation import (
    DelayExcuse,
    WorkProgramme,
    score_assignment,
    score_programme,
)

DUE = date(2025, 6, 30)


def seventeen() -> WorkProgramme:
    """11 on time (q 3.6/4), 3 twenty days late (q 3.2/4), 2 unfinished at 50% (q 3.2/4),
    1 ambitious at 70% of its target (q 3.6/4). Owners: A, B (+D), C (+D), E (+D)."""
    on_time = [
        make_assignment(
            f"P{i:02d}",
            "A" if i <= 6 else "B",
            review=F("3.6"),
            co=(("D", F(1, 4)),) if i in (10, 11) else (),
        )
        for i in range(1, 12)
    ]
    late = [
        make_assignment(f"P{i:02d}", "C", done_on=DUE + timedelta(days=20), review=F("3.2"))
        for i in (12, 13)
    ]
    # P14: 30 days late, 10 of them excused by an approver: 20 days count.
    p14 = make_assignment("P14", "C", done_on=DUE + timedelta(days=30), review=F("3.2"))
    p14 = dataclasses.replace(
        p14, excuses=(DelayExcuse(10, "Chờ vốn trung ương", "Chủ tịch UBND"),)
    )
    unfinished = [
        make_assignment(
            "P15",
            "C",
            done=F(1, 2),
            done_on=date(2025, 5, 1),
            review=F("3.2"),
            co=(("D", F(1, 4)),),
        ),
        make_assignment("P16", "C", done=F(1, 2), done_on=date(2025, 5, 1), review=F("3.2")),
    ]
    ambitious = make_assignment(
        "P17",
        "E",
        done=F(7, 10),
        review=F("3.6"),
        co=(("D", F(1, 2)),),
        ambitious_on=date(2024, 12, 1),
    )
    return WorkProgramme(
        "Sở X", "Chương trình 2025", START, END, (*on_time, *late, p14, *unfinished, ambitious)
    )


def test_each_factor_by_hand(policy):
    programme = seventeen()
    scores = {s.assignment.id: s for s in score_programme(programme, policy, END).assignments}
    on_time = scores["P01"]
    assert (on_time.completion, on_time.timeliness, on_time.quality) == (1, 1, F(9, 10))
    late = scores["P12"]
    assert (late.days_late, late.timeliness, late.quality, late.score) == (
        20,
        F(4, 5),
        F(4, 5),
        F(16, 25),
    )
    assert scores["P14"].days_late == 20  # 30 late − 10 excused
    assert scores["P14"].score == F(16, 25)
    unfinished = scores["P15"]
    assert (unfinished.completion, unfinished.timeliness, unfinished.score) == (
        F(1, 2),
        F(1, 2),
        F(1, 2) * F(1, 2) * F(4, 5),
    )
    stretch = scores["P17"]
    assert stretch.verified == F(7, 10)
    assert (stretch.completion, stretch.score) == (1, F(9, 10))


def test_programme_score_by_hand(policy):
    scores = score_programme(seventeen(), policy, END)
    by_hand = (
        11 * F(9, 10)
        + 3 * (1 * F(4, 5) * F(4, 5))
        + 2 * (F(1, 2) * F(1, 2) * F(4, 5))
        + 1 * F(9, 10)
    ) / 17
    assert by_hand == F(1312, 1700)  # 13.12 / 17
    assert scores.score == by_hand


def test_official_scores_by_hand(policy):
    officials = score_programme(seventeen(), policy, END).officials
    assert officials["A"].score == F(9, 10)
    assert officials["B"].score == F(9, 10)
    # C: P12-P14 (share 1, 16/25), P15 (share 3/4, 1/5), P16 (share 1, 1/5).
    c_num = 3 * F(16, 25) + F(3, 4) * F(1, 5) + 1 * F(1, 5)
    c_den = 3 + F(3, 4) + 1
    assert officials["C"].score == c_num / c_den == F(227, 475)
    # D: P10, P11 (1/4 each, 9/10), P15 (1/4, 1/5), P17 (1/2, 9/10).
    d_num = F(1, 4) * F(9, 10) * 2 + F(1, 4) * F(1, 5) + F(1, 2) * F(9, 10)
    d_den = F(1, 4) * 2 + F(1, 4) + F(1, 2)
    assert officials["D"].score == d_num / d_den == F(19, 25)
    assert officials["E"].score == F(9, 10)
    assert officials["C"].led == 5


def test_weights_count(policy):
    light = make_assignment("W1", "A", review=F(4))
    heavy = make_assignment("W2", "A", review=F(2), weight=F(3))
    programme = WorkProgramme("Sở X", "T", START, END, (light, heavy))
    scores = score_programme(programme, policy, END)
    assert scores.officials["A"].score == (1 * 1 + 3 * F(1, 2)) / 4


def test_timeliness_steps_and_unfinished_before_due(policy):
    on_day_31 = make_assignment("L31", "A", done_on=DUE + timedelta(days=31))
    assert score_assignment(on_day_31, policy, END, START).timeliness == F(1, 2)
    on_day_30 = make_assignment("L30", "A", done_on=DUE + timedelta(days=30))
    assert score_assignment(on_day_30, policy, END, START).timeliness == F(4, 5)
    running = make_assignment("RUN", "A", done=F(3, 10), done_on=date(2025, 3, 1))
    mid_year = score_assignment(running, policy, date(2025, 4, 1), START)
    assert mid_year.timeliness == 1 and mid_year.days_late is None
    assert mid_year.completion == F(3, 10)


def test_missing_review_scores_the_policy_value(policy):
    unreviewed = make_assignment("U", "A", review=None)
    scored = score_assignment(unreviewed, policy, END, START)
    assert not scored.reviewed
    assert scored.quality == policy.missing_review_quality == 0


def test_schedule_index_is_earned_over_planned():
    # Planned: 0 on 1 Jan, 1/2 on 31 Mar (89 days later), 1 on 30 Jun. Verified 1/2 on 30 Jun.
    a = make_assignment("S", "A", done=F(1, 2), done_on=date(2025, 2, 15))
    programme = WorkProgramme("Sở X", "T", START, END, (a,))
    at = date(2025, 2, 15)  # 45 days in: planned = 1/2 × 45/89
    assert a.planned_at(at, START) == F(1, 2) * F(45, 89)
    assert programme.schedule_index(at) == F(1, 2) / (F(1, 2) * F(45, 89))
    assert programme.schedule_index(START) is None
    assert programme.schedule_index(date(2025, 9, 1)) == F(1, 2)
