"""Builders shared by the evaluation tests (a uniquely named module, not conftest)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from tinnhiem.evaluation import (
    Assignment,
    Milestone,
    ProgressUpdate,
    QualityReview,
    Share,
)

START = date(2025, 1, 1)
END = date(2025, 12, 31)


def make_assignment(
    ident: str,
    lead: str,
    *,
    due: date = date(2025, 6, 30),
    done: Fraction = Fraction(1),
    done_on: date = date(2025, 6, 30),
    review: Fraction | None = Fraction(4),
    co: tuple[tuple[str, Fraction], ...] = (),
    weight: Fraction = Fraction(1),
    ambitious_on: date | None = None,
) -> Assignment:
    """A one-update, one-review assignment verified by V and reviewed by R."""
    return Assignment(
        id=ident,
        title=f"Đề án {ident}",
        lead=lead,
        due=due,
        weight=weight,
        co_owners=tuple(Share(o, s) for o, s in co),
        ambitious_flagged_on=ambitious_on,
        milestones=(Milestone(date(2025, 3, 31), Fraction(1, 2)), Milestone(due, Fraction(1))),
        progress=(ProgressUpdate(done_on, done, f"https://evidence.example/{ident}", "V"),),
        reviews=() if review is None else (QualityReview(date(2025, 12, 1), "R", review),),
    )
