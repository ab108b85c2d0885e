"""Mixed rounds: each voter counts once, and the totals tie to the ballots issued."""

from __future__ import annotations

import pytest
from paper_helpers import new_session

from tinnhiem.paper import (
    ElectronicPart,
    EntryRejected,
    LevelCounts,
    Mark,
    PaperInputError,
    PaperSession,
    reconcile,
)

H, C, L = Mark.HIGH, Mark.CONFIDENT, Mark.LOW


def _electronic(cast: set[str], credentials: set[str]) -> ElectronicPart:
    n = len(cast)
    # every electronic voter gave high to chair, confident to vice, low to head
    counts = {
        "chair": LevelCounts(high=n),
        "vice": LevelCounts(confident=n),
        "head": LevelCounts(low=n),
    }
    return ElectronicPart(frozenset(credentials), frozenset(cast), counts, "test")


def _enter_twice(session: PaperSession, serial: int, marks: list[Mark]) -> None:
    session.enter_ballot(serial, "Lan", "may-1", marks)
    session.enter_ballot(serial, "Minh", "may-2", marks)


def test_mixed_round_counts_each_voter_once() -> None:
    session = new_session(mixed=True, paper_serials=6)
    # v1..v4 hold credentials; v1, v2 cast electronically. v3 (unused credential) and v5,
    # v6 (no credential) get paper; v2 got paper too and also cast electronically.
    for voter in ("v3", "v5", "v6", "v2"):
        session.issue_paper(voter, actor="Phạm Thị Hồng")
    session.import_electronic(
        _electronic({"v1", "v2"}, {"v1", "v2", "v3", "v4"}), actor="Phạm Thị Hồng"
    )
    for serial in (1, 2, 3):  # v2 kept their sheet: three came back
        _enter_twice(session, serial, [L, L, H])
    session.declare_returned(3, actor="Phạm Thị Hồng")

    rec = session.status().reconciliation
    assert rec.void_serials == () and rec.excluded_serials == ()
    assert rec.superseded_credentials == 1  # v3 voted on paper
    assert (rec.paper_issued, rec.electronic_issued, rec.issued) == (4, 3, 7)
    assert (rec.paper_returned, rec.electronic_cast, rec.returned) == (3, 2, 5)
    kinds = [c.kind for c in rec.conflicts]
    assert kinds == ["paper_and_electronic"]
    assert rec.conflicts[0].subject == "v2" and "v2" not in rec.conflicts[0].text_vi
    assert "unnumbered" in rec.conflicts[0].text_en

    tally = session.tally()
    assert tally.counts["chair"] == LevelCounts(high=2, low=3)
    assert tally.counts["vice"] == LevelCounts(confident=2, low=3)
    assert tally.counts["head"] == LevelCounts(low=2, high=3)
    assert tally.paper_counts["chair"] == LevelCounts(low=3)


def test_only_the_fact_of_issue_is_recorded_never_a_sheet() -> None:
    session = new_session(mixed=True, paper_serials=6)
    session.issue_paper("v1", actor="org")
    session.issue(4, "v2", actor="org")  # the old signature: the number is dropped
    issued = [e.data for e in session.events if e.action == "paper_issued"]
    assert issued == [{"voter": "v1"}, {"voter": "v2"}]


def test_paper_is_refused_to_a_voter_who_already_cast_electronically() -> None:
    session = new_session(mixed=True, paper_serials=2)
    session.import_electronic(_electronic({"v1"}, {"v1"}), actor="org")
    with pytest.raises(EntryRejected, match="already cast an electronic ballot"):
        session.issue_paper("v1", actor="org")
    session.issue_paper("v2", actor="org")
    with pytest.raises(EntryRejected, match="already holds a paper ballot"):
        session.issue_paper("v2", actor="org")
    session.issue_paper("v3", actor="org")
    with pytest.raises(EntryRejected, match="all 2 printed sheets"):
        session.issue_paper("v4", actor="org")


def test_more_sheets_than_paper_holders_and_box_count_mismatch_are_reported() -> None:
    session = new_session(mixed=True)
    session.issue_paper("v1", actor="org")
    session.import_electronic(_electronic(set(), set()), actor="org")
    _enter_twice(session, 1, [H, H, H])
    _enter_twice(session, 2, [L, L, L])  # one sheet more than was handed out
    session.declare_returned(3, actor="org")
    rec = session.status().reconciliation
    assert [c.kind for c in rec.conflicts] == [
        "paper_returned_exceeds_issued",
        "returned_exceeds_issued",
        "declared_returned_mismatch",
    ]


def test_returned_above_issued_is_reported() -> None:
    rec = reconcile(
        printed=10,
        mixed=True,
        paper_voters=(),
        entered=frozenset(),
        counted=frozenset(),
        electronic=ElectronicPart(frozenset({"a"}), frozenset({"a", "b"}), {}, ""),
        declared_paper_returned=None,
    )
    assert [c.kind for c in rec.conflicts] == ["cast_without_credential", "returned_exceeds_issued"]
    assert (rec.issued, rec.returned) == (1, 2)


def test_paper_only_round_ties_printed_and_returned() -> None:
    session = new_session(paper_serials=3)
    _enter_twice(session, 1, [H, C, L])
    _enter_twice(session, 2, [H, C, L])
    session.declare_returned(2, actor="org")
    rec = session.status().reconciliation
    assert (rec.issued, rec.returned, rec.conflicts) == (3, 2, ())


def test_electronic_counts_must_fit_the_cast_ballots() -> None:
    session = new_session(mixed=True)
    bad = ElectronicPart(
        frozenset({"v1"}),
        frozenset({"v1"}),
        {"chair": LevelCounts(high=2), "vice": LevelCounts(high=1), "head": LevelCounts(low=1)},
    )
    with pytest.raises(PaperInputError, match=r"chair: .* = 2, but 1 electronic"):
        session.import_electronic(bad, actor="org")
    with pytest.raises(EntryRejected, match="not mixed"):
        new_session().import_electronic(_electronic(set(), set()), actor="org")
    with pytest.raises(EntryRejected, match="only a mixed round"):
        new_session().issue(1, "v1", actor="org")
