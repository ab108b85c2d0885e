"""Work programmes: shares, independence of verifier/reviewer/approver, the ambitious flag."""

from __future__ import annotations

import dataclasses
from datetime import date
from fractions import Fraction as F

import pytest
from evaluation_builders import END, START, make_assignment

from tinnhiem.evaluation import (
    AmbitiousFlagError,
    DelayExcuse,
    ProgrammeError,
    ProgressUpdate,
    QualityReview,
    Share,
    WorkProgramme,
)


def test_lead_share_is_the_rest():
    a = make_assignment("A1", "L", co=(("X", F(1, 3)), ("Y", F(1, 6))))
    assert a.owners == (Share("L", F(1, 2)), Share("X", F(1, 3)), Share("Y", F(1, 6)))


def test_shares_must_add_to_one():
    a = make_assignment("A1", "L", co=(("X", F(1, 3)),))
    with pytest.raises(ProgrammeError, match="add up to 4/3") as info:
        dataclasses.replace(a, lead_share=F(1))
    assert info.value.field == "share"
    with pytest.raises(ProgrammeError, match="lead's share must be positive"):
        make_assignment("A2", "L", co=(("X", F(1, 2)), ("Y", F(1, 2))))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"progress": (ProgressUpdate(date(2025, 5, 1), F(1), "doc", "L"),)}, "cannot verify"),
        ({"progress": (ProgressUpdate(date(2025, 5, 1), F(1), " ", "V"),)}, "needs evidence"),
        ({"reviews": (QualityReview(date(2025, 5, 1), "X", F(3)),)}, "must be independent"),
        ({"excuses": (DelayExcuse(5, "Chờ vốn", "X"),)}, "cannot excuse"),
        ({"excuses": (DelayExcuse(5, "Chờ vốn", ""),)}, "needs its approver"),
        ({"progress": (ProgressUpdate(date(2025, 5, 1), F(3, 2), "doc", "V"),)}, "0-100%"),
        ({"weight": F(0)}, "weight must be positive"),
    ],
)
def test_owners_cannot_vouch_for_their_own_work(change, message):
    a = make_assignment("A1", "L", co=(("X", F(1, 4)),))
    with pytest.raises(ProgrammeError, match=message):
        dataclasses.replace(a, **change)


def test_ambitious_flag_after_the_start_is_rejected():
    plain = make_assignment("A1", "L")
    assert plain.flag_ambitious(date(2024, 12, 20), START).ambitious
    assert plain.flag_ambitious(START, START).ambitious  # on the first day still counts
    with pytest.raises(AmbitiousFlagError, match="before the cycle starts"):
        plain.flag_ambitious(date(2025, 1, 2), START)
    late_flag = make_assignment("A2", "L", ambitious_on=date(2025, 3, 1))
    with pytest.raises(AmbitiousFlagError):
        WorkProgramme("Sở X", "T", START, END, (late_flag,))


def test_duplicate_assignment_ids_rejected():
    a = make_assignment("A1", "L")
    with pytest.raises(ProgrammeError, match="two assignments"):
        WorkProgramme("Sở X", "T", START, END, (a, a))
