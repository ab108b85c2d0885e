"""Properties: scores stay in [0, 1], an official's score lies among their assignments',
the quota is 5·E ≤ G, and suppression leaves no small group and no small difference."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction as F

from evaluation_builders import END, START, make_assignment
from hypothesis import given, settings
from hypothesis import strategies as st

from tinnhiem.evaluation import (
    Rating,
    WorkProgramme,
    check_quota,
    load_policy,
    score_programme,
    suppress_groups,
)

POLICY = load_policy()
fractions = st.fractions(min_value=0, max_value=1, max_denominator=20)


@st.composite
def assignments(draw, ident):
    lead = draw(st.sampled_from(["A", "B", "C"]))
    co = draw(st.sampled_from([(), (("D", F(1, 4)),), (("D", F(1, 3)), ("E", F(1, 3)))]))
    return make_assignment(
        ident,
        lead,
        co=co,
        done=draw(fractions),
        done_on=START + timedelta(days=draw(st.integers(0, 364))),
        review=draw(st.one_of(st.none(), st.fractions(0, 4, max_denominator=4))),
        weight=F(draw(st.integers(1, 5))),
        ambitious_on=draw(st.sampled_from([None, date(2024, 12, 1)])),
    )


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(*(assignments(f"P{i}") for i in range(n)))))
def test_scores_are_bounded_and_averaged(items):
    scores = score_programme(WorkProgramme("X", "T", START, END, items), POLICY, END)
    for s in scores.assignments:
        assert 0 <= s.score <= 1
    for official in scores.officials.values():
        parts = [p.score for p, _ in official.parts]
        assert min(parts) <= official.score <= max(parts)
    assert 0 <= scores.score <= 1


@given(st.integers(0, 30), st.integers(0, 60))
def test_quota_is_five_e_at_most_g(excellent, good):
    records = (
        [("U", Rating.EXCELLENT)] * excellent
        + [("U", Rating.GOOD)] * good
        + [("U", Rating.COMPLETED)]
    )
    (check,) = check_quota(records, POLICY)
    assert check.ok == (5 * excellent <= good)


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3),
        st.frozensets(st.integers(0, 25), max_size=26),
        max_size=7,
    ),
    st.integers(3, 7),
)
def test_suppression_leaves_no_small_group_or_difference(groups, minimum):
    decisions = suppress_groups(groups, min_group=minimum)
    shown = {name: groups[name] for name, d in decisions.items() if d.shown}
    for a in shown.values():
        assert len(a) >= minimum
        for b in shown.values():
            if a < b:
                assert len(b - a) >= minimum
