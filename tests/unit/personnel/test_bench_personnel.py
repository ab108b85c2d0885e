"""bench.personnel's own arithmetic: the vote mix, the ballots it builds (valid, of each
kind), Belenios's same question and votes, and the medians and ratios it prints. No timing
is asserted (benchmarks measure speed, tests do not)."""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from tinnhiem.ballots import Mark, RoundKind

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def bp() -> ModuleType:
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(ROOT))  # bench/ is a top-level package of the checkout
        return importlib.import_module("bench.personnel")


def test_configurations_keep_k_at_most_n(bp: ModuleType) -> None:
    labels = [s.label for s in bp.shapes("all", (2, 10), (1, 3), (1, 3))]
    assert labels == [
        "choose_at_most n=2 k=1",
        "choose_at_most n=10 k=1",
        "choose_at_most n=10 k=3",
        "agree_disagree n=1",
        "agree_disagree n=3",
    ]
    assert [s.label for s in bp.shapes("agree", persons=(2,))] == ["agree_disagree n=2"]


def test_the_vote_mix_is_seeded(bp: ModuleType) -> None:
    choose = bp.voter_marks(bp.Shape(RoundKind.CHOOSE_AT_MOST, 10, 3), 200)
    assert Counter(len(m) for m in choose) == {1: 141, 3: 46, 0: 13}  # one, k, blank
    assert choose[2] == {"c7": Mark.CHOSEN, "c5": Mark.CHOSEN, "c6": Mark.CHOSEN}
    one = bp.voter_marks(bp.Shape(RoundKind.CHOOSE_AT_MOST, 3, 1), 200)
    assert Counter(len(m) for m in one) == {1: 185, 0: 15}
    agree = bp.voter_marks(bp.Shape(RoundKind.AGREE_DISAGREE, 3), 200)
    assert Counter(v for m in agree for v in m.values()) == {Mark.AGREE: 372, Mark.DISAGREE: 159}
    assert agree[1] == {"c1": Mark.AGREE, "c2": Mark.DISAGREE, "c3": Mark.AGREE}


def test_belenios_gets_the_same_question_and_votes(bp: ModuleType) -> None:
    choose = bp.Shape(RoundKind.CHOOSE_AT_MOST, 3, 2)
    (q,) = bp.belenios_template(choose)["questions"]
    assert (q["blank"], q["min"], q["max"], len(q["answers"])) == (True, 1, 2, 3)
    assert bp.belenios_vote(choose, {}) == [[1, 0, 0, 0]]  # the blank flag first
    assert bp.belenios_vote(choose, {"c3": Mark.CHOSEN, "c1": Mark.CHOSEN}) == [[0, 1, 0, 1]]
    agree = bp.Shape(RoundKind.AGREE_DISAGREE, 3)
    questions = bp.belenios_template(agree)["questions"]
    assert [(q["answers"], q["blank"], q["min"], q["max"]) for q in questions] == [
        (["agree", "disagree"], False, 0, 1)
    ] * 3
    marks = {"c1": Mark.DISAGREE, "c3": Mark.AGREE}
    assert bp.belenios_vote(agree, marks) == [[0, 1], [0, 0], [1, 0]]


@pytest.mark.parametrize(
    ("shape", "columns", "size"),
    [
        ((RoundKind.CHOOSE_AT_MOST, 3, 3), 4, 3602),  # 3 names and b; the sum proof 1 … 3
        ((RoundKind.AGREE_DISAGREE, 2), 4, 3891),
    ],
)
def test_it_builds_valid_ballots_the_product_way(
    bp: ModuleType, shape: tuple[RoundKind, int, int], columns: int, size: int
) -> None:
    w = bp.workload(bp.Shape(*shape), 4)
    p = w.manifest.personnel
    assert (w.manifest.kind, p.k, w.manifest.columns, w.manifest.committee[-1].index) == (
        shape[0],
        bp.Shape(*shape).k,
        columns,
        5,
    )
    assert p.blank_column is (shape[0] is RoundKind.CHOOSE_AT_MOST)
    figures = bp.measure_ours(w)  # raises SystemExit when a ballot is refused
    assert figures.size == size
    assert min(figures.seal_ms, figures.verify_ms, figures.verify_one_ms) > 0


def test_medians_and_ratios(bp: ModuleType) -> None:
    f = bp.Figures
    repeats = [
        bp.Repeat(f(2.0, 1.0, 1.2, 3000), f(4.0, 3.0, 1.6, 3000), f(30.0, 40.0, 40.0, 8000)),
        bp.Repeat(f(1.0, 1.0, 1.0, 3000), f(1.0, 1.0, 1.0, 3000), f(20.0, 10.0, 10.0, 8000)),
        bp.Repeat(f(5.0, 4.0, 2.0, 3000), f(5.0, 4.0, 2.0, 3000), f(50.0, 20.0, 20.0, 8000)),
    ]
    assert repeats[0].ours == f(3.0, 2.0, 1.4, 3000)  # before and after
    assert repeats[0].ratios() == {
        "vs_belenios_seal": 10.0,
        "vs_belenios_verify": 20.0,
        "vs_belenios_verify_one": pytest.approx(40 / 1.4),
    }
    s = bp.summarise(repeats)
    assert s == {
        "ours_seal_ms": 3.0,
        "ours_verify_ms": 2.0,
        "ours_verify_one_ms": 1.4,
        "ours_bytes": 3000.0,
        "belenios_seal_ms": 30.0,
        "belenios_verify_ms": 20.0,
        "belenios_bytes": 8000.0,
        "vs_belenios_seal": 10.0,  # the ratios' median: 10, 20, 10
        "vs_belenios_verify": 10.0,  # 20, 10, 5
        "vs_belenios_verify_one": 10.0,  # 28.6, 10, 10
    }
    line = bp.machine_line(bp.Shape(RoundKind.CHOOSE_AT_MOST, 3, 1), 200, s)
    assert line == (
        "kind=choose n=3 k=1 voters=200 ours_seal_ms=3.000 ours_verify_ms=2.000 "
        "ours_verify_one_ms=1.400 ours_bytes=3000 belenios_seal_ms=30.00 "
        "belenios_verify_ms=20.00 belenios_bytes=8000 vs_belenios_seal=10.0 "
        "vs_belenios_verify=10.0 vs_belenios_verify_one=10.0"
    )
    alone = bp.summarise([bp.Repeat(repeats[0].before, repeats[0].after, None)])
    assert bp.machine_line(bp.Shape(RoundKind.AGREE_DISAGREE, 1), 50, alone).endswith(
        "ours_bytes=3000 belenios_seal_ms=na belenios_verify_ms=na belenios_bytes=na "
        "vs_belenios_seal=na vs_belenios_verify=na vs_belenios_verify_one=na"
    )
