"""The counts CSV in the core: read, fill defaults, evaluate, each error naming file and line."""

from __future__ import annotations

import unicodedata
from fractions import Fraction
from pathlib import Path

import pytest

from tinnhiem.cli import results_cmd
from tinnhiem.errors import InputError
from tinnhiem.rules import (
    FormalCounts,
    PollCounts,
    evaluate_rows,
    load_rule,
    read_counts,
    with_defaults,
)

POLL = load_rule("nq96-2023")
FORMAL = load_rule("nq96-2023-formal")


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "counts.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def test_the_cli_module_reexports_the_core_reader() -> None:
    assert results_cmd.read_counts is read_counts
    assert results_cmd.evaluate_rows is evaluate_rows
    assert results_cmd.with_defaults is with_defaults


def test_poll_rows_read_as_poll_counts(tmp_path: Path) -> None:
    name = unicodedata.normalize("NFD", "Nguyễn Thị Kim Ngân")
    path = _csv(
        tmp_path,
        "official,position,high,confident,low,returned\n"
        f"{name},Chủ tịch,30,10,7,47\n"
        "\n"
        "Trần Văn An,Phó Chủ tịch,20,20,7,\n",
    )
    rows = with_defaults(read_counts(path, POLL), issued=50, returned=48)
    assert [r.line for r in rows] == [2, 4]
    assert rows[0].official == unicodedata.normalize("NFC", name)
    assert rows[0].poll_counts() == PollCounts(50, 47, 30, 10, 7, 0)
    assert rows[1].poll_counts() == PollCounts(50, 48, 20, 20, 7, 0)
    outcomes = evaluate_rows(POLL, rows, str(path), members=None, present=None, summoned=None)
    assert outcomes[0].percentages["high"] == Fraction(30, 47)


def test_formal_rows_read_as_formal_counts(tmp_path: Path) -> None:
    path = _csv(tmp_path, "official,position,confidence,no_confidence,invalid\nA,B,30,17,1\n")
    (row,) = read_counts(path, FORMAL)
    assert row.formal_counts() == FormalCounts(None, None, 30, 17, 1)


def test_an_evaluation_error_names_the_line_and_the_option(tmp_path: Path) -> None:
    path = _csv(tmp_path, "official,position,high,confident,low\nA,B,30,10,7\n")
    rows = read_counts(path, POLL)
    with pytest.raises(InputError, match="--returned") as caught:
        evaluate_rows(POLL, rows, str(path), members=None, present=None, summoned=None)
    assert caught.value.where == f"{path}, line 2"


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = _csv(tmp_path, "official,position,high,low\nA,B,1,2\n")
    with pytest.raises(InputError, match="missing column\\(s\\) confident"):
        read_counts(path, POLL)
