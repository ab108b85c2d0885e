"""Run a function over chunks of work on several processes, with a progress callback.

The core's only multiprocessing helper: ``workers=1`` runs in this process (no pool), so
tests and small rounds stay simple; otherwise chunks go to a process pool and results come
back in input order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["chunked", "default_workers", "parallel_map"]

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Split ``items`` into consecutive slices of at most ``size``."""
    return [items[i : i + size] for i in range(0, len(items), max(1, size))]


def parallel_map(
    fn: Callable[[Sequence[T]], R],
    chunks: Sequence[Sequence[T]],
    *,
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    progress: Callable[[int], None] | None = None,
) -> list[R]:
    """``[fn(c) for c in chunks]``, on ``workers`` processes; ``progress(len(c))`` per chunk.

    ``fn`` and ``initializer`` must be module-level functions (they are pickled). The
    initializer runs once per worker process (and once here when ``workers == 1``).
    """
    if workers <= 1 or len(chunks) <= 1:
        if initializer is not None:
            initializer(*initargs)
        results = []
        for chunk in chunks:
            results.append(fn(chunk))
            if progress is not None:
                progress(len(chunk))
        return results
    with ProcessPoolExecutor(
        max_workers=workers, initializer=initializer, initargs=initargs
    ) as pool:
        futures = [pool.submit(fn, chunk) for chunk in chunks]
        out: list[R] = []
        for chunk, future in zip(chunks, futures, strict=True):
            out.append(future.result())
            if progress is not None:
                progress(len(chunk))
        return out
