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


def test_formal_vote_leaves_the_resignation_path_open(policy):
    """The formal vote's dismissal is mandatory only if the person does not resign, so the
    combined consequences never say the resignation path is closed by it."""
    from tinnhiem.rules import FormalCounts, evaluate_formal

    poll = _poll(25)  # first band
    formal_rule = load_rule("nq96-2023-formal")
    vote = evaluate_formal(formal_rule, FormalCounts(50, 50, 20, 30), members=50)
    assert vote.mandatory and vote.resignation_open
    combined = combine_consequences(poll=poll, rating=rate(policy, F(3, 10)), formal=vote)
    codes = [c.code for c in combined]
    assert "resignation_path_opened" in codes and "resignation_path_closed" not in codes
    # A poll in the two-thirds band (QĐ-style closure) still closes it.
    closed = combine_consequences(poll=_poll(40), rating=rate(policy, F(3, 10)), formal=vote)
    assert "resignation_path_closed" in [c.code for c in closed]


def test_top_levels_need_the_task_conditions_of_qd366(policy):
    """QĐ 366, Điều 11: excellent needs every task on time and ≥ 30% above the requirement;
    good needs every task on time. A level whose condition fails falls to the next."""
    from tinnhiem.evaluation import TaskRecord

    def with_tasks(work, tasks):
        return suggest_rating(
            "A", 2026, work_score=work, counts=None, findings=(), policy=policy, tasks=tasks
        )

    assert with_tasks(F(95, 100), TaskRecord(10, 10, 3)).rating is Rating.EXCELLENT
    short = with_tasks(F(95, 100), TaskRecord(10, 10, 2))  # 20% exceeded: not 30%
    assert short.rating is Rating.GOOD and "Điều 11" in short.reasons[-1]
    late = with_tasks(F(95, 100), TaskRecord(10, 9, 9))
    assert late.rating is Rating.COMPLETED
    assert with_tasks(F(75, 100), TaskRecord(4, 3, 0)).rating is Rating.COMPLETED
    assert with_tasks(F(75, 100), TaskRecord(4, 4, 0)).rating is Rating.GOOD
    assert with_tasks(F(40, 100), TaskRecord(4, 4, 4)).rating is Rating.NOT_COMPLETED


def test_rating_reasons_name_the_body_policy_and_the_year_regulation(policy):
    counts = PollCounts(50, 50, 30, 16, 4)
    r = suggest_rating("A", 2026, work_score=F(9, 10), counts=counts, findings=(), policy=policy)
    assert any("Chính sách riêng của cơ quan" in reason for reason in r.reasons)
    assert any("Quy định 366-QĐ/TW (30/8/2025)" in reason for reason in r.reasons)
    old = suggest_rating("A", 2024, work_score=F(9, 10), counts=None, findings=(), policy=policy)
    assert not any("366" in reason for reason in old.reasons)
    assert any("124-QĐ/TW" in reason for reason in old.reasons)
    combined = combine_consequences(
        poll=None, rating=rate(policy, F(3, 10)), previous=[(2024, Rating.NOT_COMPLETED)]
    )
    (ground,) = combined
    assert "366" not in ground.sources[0].citation and "124" in ground.sources[0].citation


def test_demo_cycle_starts_after_qd366_and_last_year_is_not_cited_as_qd366(fast_policy):
    """QĐ 366 is dated 30/8/2025: a policy applying it cannot be locked before that day, and
    the year before the cycle is cited under the regulation of its own year."""
    from datetime import date

    from tinnhiem.evaluation import PollEntry, bind_policy, demo_body, evaluate_body

    body = demo_body()
    assert body.programme.cycle_start >= date(2025, 8, 30)
    locked = bind_policy(body.programme, fast_policy, body.at)
    assert locked.locked_on is not None and locked.locked_on >= date(2025, 8, 30)
    rule = load_rule(body.rule)
    polls = [PollEntry(n, p, c, evaluate_poll(rule, c, members=None)) for n, p, c in body.polls]
    report = evaluate_body(body.programme, polls, fast_policy, at=body.at)
    assert not any("trước ngày Quy định 366" in note for note in report.notes)
    for row in report.officials:
        for c in row.consequences:
            for s in c.sources:
                if s.reference == f"xếp loại {body.programme.year - 1}":
                    assert "366" not in s.citation
