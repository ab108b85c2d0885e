"""The assembled evaluation: trend across rounds, other bodies side by side (with the
anonymity minimum), notes on names that do not match, the formal vote."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

from evaluation_builders import END, START, make_assignment

from tinnhiem.evaluation import PollEntry, WorkProgramme, evaluate_body, report_document
from tinnhiem.rules import FormalCounts, PollCounts, evaluate_formal, evaluate_poll, load_rule


def _programme() -> WorkProgramme:
    return WorkProgramme(
        "Sở X",
        "T",
        START,
        END,
        tuple(make_assignment(f"A{i}", f"O{i}", review=F(1 + i % 4)) for i in range(6)),
    )


def _polls(rule=None):
    rows = []
    for i in range(6):
        counts = PollCounts(40, 40, 10 + 4 * i, 25 - 4 * i, 5)
        outcome = evaluate_poll(rule, counts, members=None) if rule else None
        rows.append(PollEntry(f"O{i}", "", counts, outcome))
    return rows


def test_trend_and_other_bodies(fast_policy):
    history = [
        ("2023", {"O0": PollCounts(38, 38, 30, 6, 2)}),
        ("2024", {"O0": PollCounts(39, 39, 20, 15, 4), "O1": PollCounts(3, 3, 1, 1, 1)}),
    ]
    others = [
        ("Đảng ủy", {"O0": PollCounts(12, 12, 11, 1, 0)}),
        ("Tổ 4 người", {"O0": PollCounts(4, 4, 4, 0, 0)}),
    ]
    report = evaluate_body(
        _programme(),
        _polls(),
        fast_policy,
        at=END,
        round_label="2025",
        history=history,
        other_bodies=others,
    )
    o0 = report.officials[0]
    assert [t.label for t in o0.trend] == ["2023", "2024", "2025"]
    assert o0.trend[0].share == F(30, 38) and o0.trend[2].share == F(10, 40)
    assert o0.trend[2].change is not None and o0.trend[2].change.clear
    (side,) = o0.comparisons
    assert (side.first, side.second, side.second_share) == ("2025", "Đảng ủy", F(11, 12))
    assert o0.hidden == ("Tổ 4 người",)
    o1 = report.officials[1]
    assert o1.trend == () and o1.hidden == ("2024",)  # three raters: not shown
    doc = report_document(report)
    assert doc["officials"][0]["hidden"] == ["Tổ 4 người"]
    assert [t["label"] for t in doc["officials"][0]["trend"]] == ["2023", "2024", "2025"]


def test_names_that_do_not_match_are_noted(fast_policy):
    polls = [*_polls(), PollEntry("Người lạ", "", PollCounts(40, 40, 20, 15, 5))]
    programme = WorkProgramme(
        "Sở X", "T", START, END, (*_programme().assignments, make_assignment("Z", "Không có phiếu"))
    )
    report = evaluate_body(programme, polls, fast_policy, at=END)
    assert any("Người lạ" in note and "owns no assignment" in note for note in report.notes)
    assert any("Không có phiếu" in note and "not in the poll" in note for note in report.notes)
    stranger = next(r for r in report.officials if r.official == "Người lạ")
    assert stranger.work is None and stranger.rating.rating is None


def test_formal_vote_keeps_the_resignation_path_open(fast_policy):
    """Luật Tổ chức Quốc hội 2014, Điều 13, khoản 2: more than half of all deputies saying
    "no confidence" → the person may resign; only if not does the nominating body submit the
    dismissal. The mandatory dismissal of a formal vote does not close the resignation path."""
    rule = load_rule("nq96-2023")
    polls = _polls(rule)
    low = PollCounts(40, 40, 5, 10, 25)  # 25/40 low: first band
    polls[0] = PollEntry("O0", "", low, evaluate_poll(rule, low, members=None))
    programme = WorkProgramme(
        "Sở X",
        "T",
        START,
        END,
        (
            make_assignment("A0", "O0", done=F(1, 5), done_on=date(2025, 3, 1), review=F(1)),
            *_programme().assignments[1:],
        ),
    )
    formal_rule = load_rule("nq96-2023-formal")
    vote = evaluate_formal(formal_rule, FormalCounts(40, 40, 10, 30), members=40)
    report = evaluate_body(programme, polls, fast_policy, at=END, formal={"O0": vote})
    assert vote.mandatory and vote.resignation_open
    codes = [c.code for c in report.officials[0].consequences]
    assert "dismissal_if_not_resigned" in codes
    assert "resignation_path_opened" in codes
    assert "resignation_path_closed" not in codes
    without = evaluate_body(programme, polls, fast_policy, at=END)
    assert "resignation_path_opened" in [c.code for c in without.officials[0].consequences]
