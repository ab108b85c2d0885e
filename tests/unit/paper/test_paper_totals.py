"""Totals entered twice for bodies that count by hand."""

from __future__ import annotations

import pytest
from paper_helpers import new_session

from tinnhiem.paper import EntryRejected, LevelCounts, NotReady, TotalsSheet, parse_counts_csv


def _sheet(vice_low: int = 25, vice_high: int = 19) -> TotalsSheet:
    return TotalsSheet(
        issued=47,
        returned=47,
        counts={
            "chair": LevelCounts(30, 10, 5, 2),
            "vice": LevelCounts(vice_high, 2, vice_low, 47 - vice_high - 2 - vice_low),
            "head": LevelCounts(40, 5, 2, 0),
        },
    )


def test_agreeing_totals_give_the_counts() -> None:
    session = new_session(mode="totals", paper_serials=0)
    session.enter_totals("Lan", "may-1", _sheet())
    with pytest.raises(NotReady):
        session.tally()
    session.enter_totals("Minh", "may-2", _sheet())
    tally = session.tally()
    assert tally.counts["vice"] == LevelCounts(19, 2, 25, 1)
    assert (tally.reconciliation.issued, tally.reconciliation.returned) == (47, 47)


def test_disagreeing_totals_are_listed_and_resolved() -> None:
    session = new_session(mode="totals", paper_serials=0)
    session.enter_totals("Lan", "may-1", _sheet())
    session.enter_totals("Minh", "may-2", _sheet(vice_low=24, vice_high=20))
    found = {(d.field, d.entered) for d in session.status().disagreements}
    assert found == {
        ("vice.high", (("Lan", "19"), ("Minh", "20"))),
        ("vice.low", (("Lan", "25"), ("Minh", "24"))),
    }
    session.resolve_totals("vice.high", 19, resolved_by="Phạm Thị Hồng")
    session.resolve_totals("vice.low", 25, resolved_by="Phạm Thị Hồng")
    assert session.tally().counts["vice"] == LevelCounts(19, 2, 25, 1)
    assert session.events[-1].action == "resolution"


def test_a_sheet_that_does_not_add_up_is_refused_before_anything_is_logged() -> None:
    session = new_session(mode="totals", paper_serials=0)
    before = len(session.events)
    bad = TotalsSheet(47, 47, {**_sheet().counts, "head": LevelCounts(40, 5, 1, 0)})
    with pytest.raises(EntryRejected, match="head: high \\+ confident \\+ low \\+ invalid = 46"):
        session.enter_totals("Lan", "may-1", bad)
    with pytest.raises(EntryRejected, match="returned 48 is more than issued 47"):
        session.enter_totals("Lan", "may-1", TotalsSheet(47, 48, _sheet().counts))
    assert len(session.events) == before


def test_totals_keystrokes_are_logged_as_values() -> None:
    session = new_session(mode="totals", paper_serials=0)
    session.start_totals("Lan", "may-1")
    session.set_total("Lan", "issued", 46)
    session.set_total("Lan", "issued", 47)
    assert [e.action for e in session.events[-3:]] == [
        "entry_started",
        "value_set",
        "value_changed",
    ]
    with pytest.raises(EntryRejected, match="missing returned"):
        session.submit_totals("Lan")


def test_counts_csv() -> None:
    text = "\ufeffid,high,confident,low,invalid\nchair,30,10,5,2\nvice,19,2,25,1\n"
    assert parse_counts_csv(text)["vice"] == LevelCounts(19, 2, 25, 1)
    with pytest.raises(Exception, match="csv:3: low must be a whole number"):
        parse_counts_csv("id,high,confident,low,invalid\nchair,1,1,1,1\nvice,1,1,-1,0\n")
