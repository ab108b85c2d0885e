"""Group commit of casts: the ballots waiting for the round's lock are accepted in one
transaction, each as the engine decides, a refusal being that ballot's answer only."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import OperationalError

from tinnhiem.ballots import Mark
from tinnhiem.web.actions import poll as poll_actions
from tinnhiem.web.actions.poll import BallotRefused, CastReceipt, _accept_group, _Cast
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.group_commit import GroupCommit, Job
from tinnhiem.web.models import AuditEntry, BoardEntry, VoterCredential
from tinnhiem.web.models import Ballot as BallotModel
from web.test_poll_regressions import _opened, _seal

# -- the queue itself --------------------------------------------------------------------------


def test_writes_waiting_together_go_in_one_group() -> None:
    groups: list[list[int]] = []
    gate = threading.Event()

    def process(jobs: Any) -> None:
        if not groups:
            gate.wait(5)  # the first leader holds the lock while the others queue up
        groups.append([job.input for job in jobs])
        for job in jobs:
            job.result = job.input * 10

    commit: GroupCommit[int] = GroupCommit()
    results: dict[int, int] = {}

    def run(i: int) -> None:
        results[i] = commit.run("round", i, process)

    first = threading.Thread(target=run, args=(0,))
    first.start()
    time.sleep(0.05)
    others = [threading.Thread(target=run, args=(i,)) for i in range(1, 9)]
    for t in others:
        t.start()
    time.sleep(0.1)
    gate.set()
    for t in [first, *others]:
        t.join(5)
    assert results == {i: i * 10 for i in range(9)}
    assert groups[0] == [0]
    assert sorted(groups[1]) == list(range(1, 9))  # the eight waiting went in together
    assert len(groups) == 2


def test_a_failed_group_fails_every_member_and_a_refusal_only_its_own() -> None:
    commit: GroupCommit[int] = GroupCommit()

    def refuse_odd(jobs: Any) -> None:
        for job in jobs:
            if job.input % 2:
                job.error = ValueError(f"odd {job.input}")
            else:
                job.result = job.input

    assert commit.run("r", 2, refuse_odd) == 2
    with pytest.raises(ValueError, match="odd 3"):
        commit.run("r", 3, refuse_odd)

    def busy(jobs: Any) -> None:
        for job in jobs:
            job.result = "written, then rolled back"
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError):
        commit.run("r", 4, busy)


def test_a_group_is_capped() -> None:
    commit: GroupCommit[int] = GroupCommit(limit=3)
    sizes: list[int] = []
    gate = threading.Event()

    def process(jobs: Any) -> None:
        if not sizes:
            gate.wait(5)
        sizes.append(len(jobs))
        for job in jobs:
            job.result = True

    threads = [threading.Thread(target=commit.run, args=("r", i, process)) for i in range(8)]
    threads[0].start()
    time.sleep(0.05)
    for t in threads[1:]:
        t.start()
    time.sleep(0.1)
    gate.set()
    for t in threads:
        t.join(5)
    assert sum(sizes) == 8 and max(sizes) <= 3


# -- casts in one group ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_group_of_casts_each_gets_the_engines_answer(setup_round, org_actor) -> None:
    opened = _opened(org_actor, setup_round)
    round_ = opened["round"]
    slips = opened["slips"]

    def cast(slip: Any, ballot: Any) -> _Cast:
        mine = VoterCredential.objects.get(round=round_, user=slip.credential.user)
        return _Cast(Actor(slip.credential.user, "voter"), ballot, mine, True)

    first, _ = _seal(opened, slips[0], {"P1": Mark.HIGH})
    second, _ = _seal(opened, slips[1], {"P1": Mark.LOW})
    again, _ = _seal(opened, slips[0], {"P1": Mark.CONFIDENT})  # re-vote: a new ballot
    jobs = [
        Job(cast(slips[0], first)),
        Job(cast(slips[1], second)),
        Job(cast(slips[0], first)),  # the same ballot sent twice within the group
        Job(cast(slips[1], _replayed(second, first))),  # α of another ballot: a replay
        Job(cast(slips[0], again)),
    ]
    entries = BoardEntry.objects.filter(round=round_).count()
    _accept_group(round_, jobs)

    receipts = [job.result for job in jobs]
    assert all(isinstance(r, CastReceipt) for r in receipts[:3])
    assert [r.repeated for r in receipts[:3]] == [False, False, True]
    assert receipts[2].tracker == receipts[0].tracker
    assert receipts[1].board_index == receipts[0].board_index + 1  # one chain, in order
    assert isinstance(jobs[3].error, BallotRefused) and jobs[3].error.reason == "replay"
    assert jobs[3].result is None
    # The round's re-vote policy (``reject``, the default) decides the last one, as it
    # would for a cast alone.
    assert round_.revote == "reject"
    assert isinstance(jobs[4].error, BallotRefused)
    assert jobs[4].error.reason == "already_voted"
    accepted = 2
    assert BallotModel.objects.filter(round=round_).count() == accepted
    assert BoardEntry.objects.filter(round=round_).count() == entries + accepted
    assert AuditEntry.objects.filter(round=round_, action="ballot.cast").count() == accepted


@pytest.mark.django_db
def test_a_busy_database_fails_the_whole_group_and_writes_nothing(
    setup_round, org_actor, monkeypatch
) -> None:
    opened = _opened(org_actor, setup_round)
    round_ = opened["round"]
    slips = opened["slips"]
    calls = {"n": 0}
    real_accept = poll_actions._accept

    def locked_on_the_second(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("database is locked")
        return real_accept(*args)

    monkeypatch.setattr(poll_actions, "_accept", locked_on_the_second)
    jobs = []
    for slip in slips[:3]:
        ballot, _ = _seal(opened, slip, {"P1": Mark.HIGH})
        mine = VoterCredential.objects.get(round=round_, user=slip.credential.user)
        jobs.append(Job(_Cast(Actor(slip.credential.user, "voter"), ballot, mine, True)))
    with pytest.raises(OperationalError):
        _accept_group(round_, jobs)
    assert BallotModel.objects.filter(round=round_).count() == 0  # the first rolled back too


def _replayed(ballot: Any, other: Any) -> Any:
    """``ballot`` with its first row's ciphertext taken from ``other`` (same α): the arrival
    policy refuses it as a replay before looking at the proofs."""
    from dataclasses import replace

    rows = list(ballot.rows)
    rows[0] = replace(rows[0], ciphertext=other.rows[0].ciphertext)
    return replace(ballot, rows=tuple(rows))
