"""Counts that do not fit the base raise InputError with the reason."""

from __future__ import annotations

import pytest

from tinnhiem.errors import InputError
from tinnhiem.rules import FormalCounts, PollCounts, evaluate_formal, evaluate_poll, load_rule

NQ96 = "nq96-2023"


@pytest.mark.parametrize(
    ("counts", "members", "message"),
    [
        (PollCounts(47, 47, 21, 2, 25), None, "exceed ballots returned"),
        (PollCounts(47, 47, 19, 2, 25, invalid=2), None, r"\(48\) exceed ballots returned \(47\)"),
        (PollCounts(46, 47, 19, 2, 25), None, "exceed ballots issued"),
        (PollCounts(47, 47, -1, 2, 25), None, "must not be negative"),
        (PollCounts(47, 47, 19, 2, True), None, "whole number"),  # type: ignore[arg-type]
        (PollCounts(47, None, 19, 2, 25), None, "give the number returned"),
        (PollCounts(50, 47, 19, 2, 25), 48, r"issued \(50\) exceed the members"),
    ],
)
def test_poll_counts_rejected(counts: PollCounts, members: int | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        evaluate_poll(load_rule(NQ96), counts, members=members)


def test_members_base_rejects_counts_above_members() -> None:
    with pytest.raises(InputError, match="exceed the members"):
        evaluate_poll(load_rule("nq85-2014"), PollCounts(None, None, 437, 34, 15), members=485)


def test_error_names_the_field() -> None:
    with pytest.raises(InputError) as info:
        evaluate_poll(load_rule(NQ96), PollCounts(47, 47, 21, 2, 25), members=None)
    assert info.value.where == "counts"


def test_formal_counts_rejected() -> None:
    with pytest.raises(InputError, match="exceed ballots returned"):
        evaluate_formal(load_rule("nq96-2023-formal"), FormalCounts(10, 10, 6, 5), members=None)
