"""The evaluation policy: shipped and custom files, hash, and the lock at the cycle start."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from evaluation_builders import END, START, make_assignment

from tinnhiem.evaluation import (
    PolicyError,
    PolicyLockedError,
    WorkProgramme,
    bind_policy,
    evaluate_body,
    list_policies,
    load_policy,
)
from tinnhiem.evaluation.policy import _data_dir


def test_shipped_policy_values(policy):
    assert policy.id == "qd366-2025" and policy.version == 1
    assert (policy.excellent_min, policy.good_min, policy.completed_min) == (90, 70, 50)
    assert policy.excellent_quota_of_good == Fraction(1, 5)
    assert policy.ambitious_success_fraction == Fraction(7, 10)
    assert policy.work_weight + policy.confidence_weight == 1
    assert [p.id for p in list_policies()] == ["qd366-2025"]
    assert len(policy.sha256) == 64


def test_hash_follows_parameters_not_formatting(tmp_path, policy):
    text = _data_dir().joinpath("qd366-2025.toml").read_text(encoding="utf-8")
    reformatted = tmp_path / "same.toml"
    reformatted.write_text("# a comment\n" + text.replace('"4/5"', '"0.8"'), encoding="utf-8")
    assert load_policy(reformatted).sha256 == policy.sha256
    changed = tmp_path / "changed.toml"
    changed.write_text(
        text.replace('excellent_min = "90"', 'excellent_min = "85"'), encoding="utf-8"
    )
    assert load_policy(changed).sha256 != policy.sha256


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("min_group = 5", "min_group = 2", "at least 3"),
        ('work_weight = "4/5"', 'work_weight = "3/5"', "must equal 1"),
        ("seed = 366", 'seed = 366\ncolour = "red"', "unknown key 'flags.colour'"),
        ('share = "high"', 'share = "median"', "confidence.share"),
        ('excellent_min = "90"', 'excellent_min = "ninety"', "rating.excellent_min"),
    ],
)
def test_bad_custom_policy_says_what(tmp_path, old, new, message):
    text = _data_dir().joinpath("qd366-2025.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "custom.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError, match=message) as info:
        load_policy(path)
    assert str(path) in str(info.value)


def test_unknown_policy_id():
    with pytest.raises(PolicyError, match="known: qd366-2025"):
        load_policy("qd999")


def test_locked_policy_cannot_change(policy):
    assert policy.with_changes(draws=500).draws == 500  # unlocked: a new version may differ
    locked = policy.lock(START)
    assert locked.locked and locked.sha256 == policy.sha256
    with pytest.raises(PolicyLockedError, match="locked"):
        locked.with_changes(excellent_min=Fraction(85))
    with pytest.raises(AttributeError):
        locked.excellent_min = Fraction(85)  # type: ignore[misc]


def test_policy_locks_when_the_cycle_starts(policy):
    programme = WorkProgramme("Sở X", "T", START, END, (make_assignment("A1", "A"),))
    before = bind_policy(programme, policy, date(2024, 12, 20))
    assert not before.locked  # still a preview before the cycle starts
    during = bind_policy(programme, policy, date(2025, 3, 1))
    assert during.locked_on == START
    with pytest.raises(PolicyLockedError):
        during.with_changes(work_weight=Fraction(1), confidence_weight=Fraction(0))


def test_programme_refuses_another_policy_after_the_start(policy, fast_policy):
    programme = WorkProgramme(
        "Sở X", "T", START, END, (make_assignment("A1", "A"),), policy_sha256=policy.sha256
    )
    assert bind_policy(programme, policy, END).sha256 == policy.sha256
    swapped = policy.with_changes(excellent_min=Fraction(80))
    with pytest.raises(PolicyLockedError, match=policy.sha256):
        bind_policy(programme, swapped, END)
    with pytest.raises(PolicyLockedError):
        evaluate_body(programme, [], swapped, at=END)


def test_every_evaluation_records_the_policy_hash(fast_policy):
    programme = WorkProgramme("Sở X", "T", START, END, (make_assignment("A1", "A"),))
    report = evaluate_body(programme, [], fast_policy, at=END)
    assert report.policy_sha256 == fast_policy.sha256
    assert report.policy.locked_on == START
    assert report.scores.policy_sha256 == fast_policy.sha256
