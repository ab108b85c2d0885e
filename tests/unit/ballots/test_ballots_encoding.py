import pytest
from ballots_helpers import make_manifest
from hypothesis import given
from hypothesis import strategies as st

from tinnhiem.ballots import Mark, RoundKind, mark_value, unpack
from tinnhiem.errors import InputError


@given(
    st.integers(1, 500).flatmap(
        lambda v: st.tuples(
            st.just(v), st.lists(st.sampled_from([0, 1, 2, 3]), min_size=v, max_size=v)
        )
    )
)
def test_pack_then_unpack_gives_the_counts(case):
    voters, marks = case
    base = voters + 1
    weights = {0: 0, 1: 1, 2: base, 3: base * base}
    total = sum(weights[m] for m in marks)
    p = unpack(RoundKind.POLL, base, total, voters)
    assert (p.blank, p.low, p.confident, p.high) == tuple(marks.count(k) for k in range(4))


def test_formal_vote_unpacks_two_options():
    p = unpack(RoundKind.FORMAL_VOTE, 11, 3 * 11 + 4, 10)
    assert (p.high, p.low, p.confident, p.blank) == (3, 4, 0, 3)


def test_more_marks_than_ballots_is_refused():
    with pytest.raises(InputError, match="marks for"):
        unpack(RoundKind.POLL, 11, 121 * 5 + 11 * 6, 10)
    with pytest.raises(InputError):
        unpack(RoundKind.POLL, 11, 0, 11)


def test_mark_values_follow_the_kind():
    poll = make_manifest()
    assert [mark_value(poll, m) for m in (Mark.BLANK, Mark.LOW, Mark.CONFIDENT, Mark.HIGH)] == [
        0,
        1,
        11,
        121,
    ]
    formal = make_manifest(kind=RoundKind.FORMAL_VOTE)
    assert mark_value(formal, Mark.CONFIDENCE) == 11
    with pytest.raises(InputError):
        mark_value(formal, Mark.HIGH)
    with pytest.raises(InputError):
        mark_value(poll, Mark.NO_CONFIDENCE)
