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
    for serial, voter in ((1, "v3"), (2, "v5"), (3, "v6"), (4, "v2")):
        session.issue(serial, voter, actor="Phạm Thị Hồng")
    session.import_electronic(
        _electronic({"v1", "v2"}, {"v1", "v2", "v3", "v4"}), actor="Phạm Thị Hồng"
    )
    for serial in (1, 2, 3, 4):  # v2's void sheet 4 still came back in the box
        _enter_twice(session, serial, [L, L, H])
    session.declare_returned(4, actor="Phạm Thị Hồng")

    rec = session.status().reconciliation
    assert rec.void_serials == (4,)
    assert rec.excluded_serials == (4,)
    assert rec.superseded_credentials == 1  # v3 voted on paper
    assert (rec.paper_issued, rec.electronic_issued, rec.issued) == (3, 3, 6)
    assert (rec.paper_returned, rec.electronic_cast, rec.returned) == (3, 2, 5)
    kinds = [c.kind for c in rec.conflicts]
    assert kinds == ["paper_and_electronic"]
    assert "0004" in rec.conflicts[0].text_vi and "excluded" in rec.conflicts[0].text_en

    tally = session.tally()
    assert tally.counts["chair"] == LevelCounts(high=2, low=3)
    assert tally.counts["vice"] == LevelCounts(confident=2, low=3)
    assert tally.counts["head"] == LevelCounts(low=2, high=3)
    assert tally.paper_counts["chair"] == LevelCounts(low=3)


def test_paper_is_refused_to_a_voter_who_already_cast_electronically() -> None:
    session = new_session(mixed=True)
    session.import_electronic(_electronic({"v1"}, {"v1"}), actor="org")
    with pytest.raises(EntryRejected, match="already cast an electronic ballot"):
        session.issue(1, "v1", actor="org")
    session.issue(1, "v2", actor="org")
    with pytest.raises(EntryRejected, match="already issued to v2"):
        session.issue(1, "v3", actor="org")
    with pytest.raises(EntryRejected, match="already holds a paper ballot"):
        session.issue(2, "v2", actor="org")


def test_unissued_serial_and_box_count_mismatch_are_reported() -> None:
    session = new_session(mixed=True)
    session.issue(1, "v1", actor="org")
    session.import_electronic(_electronic(set(), set()), actor="org")
    _enter_twice(session, 1, [H, H, H])
    _enter_twice(session, 2, [L, L, L])  # never issued
    session.declare_returned(3, actor="org")
    rec = session.status().reconciliation
    assert rec.excluded_serials == (2,)
    assert [c.kind for c in rec.conflicts] == ["unissued_serial", "declared_returned_mismatch"]
    assert session.tally().counts["chair"] == LevelCounts(high=1)


def test_returned_above_issued_is_reported() -> None:
    rec = reconcile(
        printed=10,
        mixed=True,
        issued_to={},
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
