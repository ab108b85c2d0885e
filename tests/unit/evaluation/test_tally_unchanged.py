"""No evaluation changes a stored tally: the counts in, the counts held and shown, are equal."""

from __future__ import annotations

import copy
import pickle

import openpyxl

from tinnhiem.evaluation import (
    PollEntry,
    demo_body,
    evaluate_body,
    report_document,
    write_xlsx,
)
from tinnhiem.rules import evaluate_poll, load_rule


def test_evaluation_leaves_every_count_as_stored(tmp_path, fast_policy):
    body = demo_body()
    rule = load_rule(body.rule)
    polls = [PollEntry(n, p, c, evaluate_poll(rule, c, members=None)) for n, p, c in body.polls]
    stored = pickle.dumps(polls)
    snapshot = copy.deepcopy(polls)

    report = evaluate_body(body.programme, polls, fast_policy, at=body.at, rule_label=rule.id)
    document = report_document(report)
    write_xlsx(report, tmp_path / "r.xlsx")

    assert pickle.dumps(polls) == stored  # the input objects are untouched
    assert polls == snapshot
    by_name = {r.official: r for r in report.officials}
    for entry in polls:
        shown = by_name[entry.official].poll
        assert shown is not None and shown.counts == entry.counts
        assert shown.outcome == entry.outcome  # the rule's outcome, percentages included
    for official in document["officials"]:
        counts = by_name[official["official"]].poll.counts
        assert {k: official["poll"][k] for k in ("high", "confident", "low", "returned")} == {
            "high": counts.high,
            "confident": counts.confident,
            "low": counts.low,
            "returned": counts.returned,
        }
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    for row in sheet.iter_rows(min_row=4, values_only=True):
        counts = by_name[row[0]].poll.counts
        assert row[3:8] == (
            counts.returned,
            counts.high,
            counts.confident,
            counts.low,
            counts.invalid,
        )
    # Shrinkage moved the estimates, never the counts: a shrunk share differs from k/n.
    moved = [r for r in report.officials if r.share and r.share.shrunk != float(r.share.share)]
    assert moved
