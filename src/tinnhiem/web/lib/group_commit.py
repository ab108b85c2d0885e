"""Group commit: the writes that wait for the same lock go in together, in one transaction.

When a hall casts at once, every cast waits for the round's one write lock, and each
transaction pays the same fixed price under it (begin, lock the round, read its state,
commit). Here a request that has a write to make queues it; the first request to get the
lock becomes the leader, takes every write queued so far and runs them in one
transaction; the others sleep until the leader hands them their result. Under no load a
group is one write, as before. A failure of the transaction (the database too busy) is
every member's failure; a refusal of one member is that member's answer only.

This is a host's way of paying for a lock once per group; it decides nothing: each write
is still one call of the core's engine, in arrival order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["GroupCommit", "Job"]

T = TypeVar("T")


@dataclass
class Job(Generic[T]):
    """One queued write: its input, then its result or the exception it raised."""

    input: T
    result: Any = None
    error: BaseException | None = None
    done: bool = False


@dataclass
class _Lane:
    leader: threading.Lock = field(default_factory=threading.Lock)
    queue: list[Job[Any]] = field(default_factory=list)


class GroupCommit(Generic[T]):
    """Queues per key (e.g. a round): ``run(key, item, process)`` returns ``item``'s result.

    ``process(jobs)`` runs the whole group in one transaction and sets each job's
    ``result`` or ``error``; if it raises, every job of the group gets that exception.
    ``limit`` caps a group (a leader should not hold the lock for too long).
    """

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit
        self._guard = threading.Lock()
        self._lanes: dict[Hashable, _Lane] = {}

    def _lane(self, key: Hashable) -> _Lane:
        with self._guard:
            lane = self._lanes.get(key)
            if lane is None:
                lane = self._lanes[key] = _Lane()
            return lane

    def run(self, key: Hashable, item: T, process: Callable[[Sequence[Job[T]]], None]) -> Any:
        lane = self._lane(key)
        job: Job[T] = Job(item)
        with self._guard:
            lane.queue.append(job)
        while not job.done:
            with lane.leader:
                if job.done:  # an earlier leader took it into its group
                    break
                with self._guard:
                    group, lane.queue = lane.queue[: self.limit], lane.queue[self.limit :]
                try:
                    process(group)
                except BaseException as exc:  # handed to every member of the group
                    for member in group:
                        if not member.done:
                            member.error = exc
                finally:
                    for member in group:
                        member.done = True
        if job.error is not None:
            raise job.error
        return job.result
