"""Rating suggestion (Quy định 366), the unit quota and the combined consequences."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from tinnhiem.evaluation import (
    Finding,
    FindingKind,
    Rating,
    check_quota,
    combine_consequences,
    confidence_score,
    suggest_rating,
)
from tinnhiem.rules import PollCounts, evaluate_poll, load_rule


def rate(policy, work, counts=None, findings=()):
    return suggest_rating(
        "A", 2025, work_score=work, counts=counts, findings=findings, policy=policy
    )


def test_points_combine_work_and_confidence_exactly(policy):
    counts = PollCounts(50, 50, 30, 16, 4)  # score (30 + 8) / 50
    assert confidence_score(counts) == F(38, 50)
    r = rate(policy, F(9, 10), counts)
    assert r.points == 100 * (F(4, 5) * F(9, 10) + F(1, 5) * F(38, 50)) == F(4360, 50)
    assert r.rating is Rating.GOOD


@pytest.mark.parametrize(
    ("work", "expected"),
    [
        (F(9, 10), Rating.EXCELLENT),
        (F(8999, 10000), Rating.GOOD),
        (F(7, 10), Rating.GOOD),
        (F(6999, 10000), Rating.COMPLETED),
        (F(1, 2), Rating.COMPLETED),
        (F(4999, 10000), Rating.NOT_COMPLETED),
    ],
)
def test_band_edges_are_exact(policy, work, expected):
    assert rate(policy, work).rating is expected  # no poll: points = 100 × work


def test_disqualifying_findings(policy):
    reprimand = Finding("A", FindingKind.DISCIPLINE, "QĐ 1", "reprimand")
    criticism = Finding("A", FindingKind.DISCIPLINE, "QĐ 2", "criticism")
    corruption = Finding("A", FindingKind.CORRUPTION_IN_UNIT, "KL thanh tra 3")
    someone_else = Finding("B", FindingKind.DEGRADATION, "QĐ 4")
    assert rate(policy, F(1), findings=[reprimand]).rating is Rating.NOT_COMPLETED
    assert rate(policy, F(1), findings=[corruption]).rating is Rating.NOT_COMPLETED
    assert rate(policy, F(1), findings=[criticism, someone_else]).rating is Rating.EXCELLENT
    decided = rate(policy, None, findings=[reprimand])
    assert decided.rating is Rating.NOT_COMPLETED and decided.points is None
    assert rate(policy, None).rating is None


@pytest.mark.parametrize(
    ("excellent", "good", "ok", "max_excellent"),
    [
        (1, 5, True, 1),
        (1, 4, False, 0),
        (2, 10, True, 2),
        (2, 9, False, 1),
        (0, 0, True, 0),
        (3, 15, True, 3),
        (3, 14, False, 2),
    ],
)
def test_quota_per_unit(policy, excellent, good, ok, max_excellent):
    records = (
        [("U1", Rating.EXCELLENT)] * excellent
        + [("U1", Rating.GOOD)] * good
        + [("U1", Rating.COMPLETED), ("U2", Rating.EXCELLENT)]
    )
    by_unit = {q.unit: q for q in check_quota(records, policy)}
    q = by_unit["U1"]
    assert (q.excellent, q.good, q.ok, q.max_excellent) == (excellent, good, ok, max_excellent)
    assert q.limit == F(good, 5)
    assert not by_unit["U2"].ok  # one excellent, nobody good


def _poll(low: int, returned: int = 47):
    rule = load_rule("nq96-2023")
    high = returned - low
    return evaluate_poll(rule, PollCounts(returned, returned, high, 0, low), members=None)


def test_first_band_plus_not_completed_opens_the_resignation_path(policy):
    poll = _poll(25)  # 25/47 low: first band
    rating = rate(policy, F(3, 10))
    combined = combine_consequences(poll=poll, rating=rating)
    opened = [c for c in combined if c.code == "resignation_path_opened"]
    assert len(opened) == 1
    kinds = [s.kind for s in opened[0].sources]
    assert kinds == ["poll", "rating"]
    assert "2L > N" in opened[0].sources[0].detail
    assert {c.code for c in combined} >= {c.code for c in poll.consequences}
    assert all(c.sources for c in combined)
    fine = combine_consequences(poll=poll, rating=rate(policy, F(8, 10)))
    assert "resignation_path_opened" not in {c.code for c in fine}


def test_two_years_not_completed_is_a_dismissal_ground(policy):
    rating = rate(policy, F(3, 10))
    combined = combine_consequences(
        poll=None, rating=rating, previous=[(2024, Rating.NOT_COMPLETED)]
    )
    (ground,) = combined
    assert ground.code == "dismissal_ground_two_years"
    assert [s.reference for s in ground.sources][:2] == ["xếp loại 2024", "xếp loại 2025"]
    assert not combine_consequences(poll=None, rating=rating, previous=[(2024, Rating.COMPLETED)])
    assert not combine_consequences(
        poll=None, rating=rating, previous=[(2023, Rating.NOT_COMPLETED)]
    )


def test_mandatory_dismissal_closes_the_resignation_path(policy):
    poll = _poll(40)  # 40/47 low: 3L >= 2N, mandatory
    assert poll.mandatory
    combined = combine_consequences(poll=poll, rating=rate(policy, F(3, 10)))
    codes = [c.code for c in combined]
    assert "resignation_path_opened" not in codes
    closed = next(c for c in combined if c.code == "resignation_path_closed")
    assert [s.kind for s in closed.sources] == ["poll", "poll", "rating"]
