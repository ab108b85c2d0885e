"""Where the verifier's ballot chunks run: in this process, on a process pool, or on a
Dask cluster (``tinnhiem verify --dask ADDRESS`` or ``--dask local``).

The verifier hands each chunk of ballots, with the round's context, to ``submit`` and reads
the results back in submission order, so the verdict and the place named are the same
whichever runner checked the chunks. Dask is an optional dependency
(``pip install 'tinnhiem[dask]'``), imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol

from tinnhiem.errors import InputError

__all__ = ["DaskRunner", "InlineRunner", "PoolRunner", "Runner", "make_runner"]


class Pending(Protocol):
    def result(self) -> Any: ...


class Runner(Protocol):
    """Runs ``fn(*args)`` somewhere; ``workers`` is how many run at once; ``shares_files``:
    the workers read this machine's files at the same paths (they run here)."""

    workers: int
    shares_files: bool

    def submit(self, fn: Callable[..., Any], *args: Any) -> Pending: ...

    def close(self) -> None: ...


class InlineRunner:
    """In this process, at once (one worker)."""

    workers = 1
    shares_files = True

    def submit(self, fn: Callable[..., Any], *args: Any) -> Pending:
        done: Future[Any] = Future()
        try:
            done.set_result(fn(*args))
        except BaseException as exc:  # handed back through result(), as a pool would
            done.set_exception(exc)
        return done

    def close(self) -> None:
        pass


class PoolRunner:
    """On a pool of ``workers`` processes of this machine."""

    shares_files = True

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Pending:
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


class DaskRunner:
    """On a Dask cluster: ``address`` is a scheduler (``tcp://host:8786``), or ``local``
    for a cluster of ``workers`` processes started here (one thread each) and stopped at
    ``close``. Every worker needs ``tinnhiem`` installed (the tasks are its functions)."""

    def __init__(self, address: str, *, workers: int | None = None) -> None:
        try:
            import distributed
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise InputError(
                "Dask is not installed: pip install 'tinnhiem[dask]'", where="--dask"
            ) from exc
        client: Any = distributed.Client
        self._cluster: Any = None
        # Workers started here read the record's file themselves; a remote cluster's
        # workers get the lines (they need not see this machine's files).
        self.shares_files = address == "local"
        if address == "local":
            cluster: Any = distributed.LocalCluster
            self._cluster = cluster(
                n_workers=workers or 2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._client: Any = client(self._cluster)
        else:
            try:
                self._client = client(address, timeout="30s")
            except OSError as exc:
                raise InputError(
                    f"cannot reach the Dask scheduler at {address}: {exc}", where="--dask"
                ) from exc
        threads = self._client.nthreads()
        self.workers = max(1, sum(threads.values()))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Pending:
        return self._client.submit(fn, *args, pure=False)  # type: ignore[no-any-return]

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_runner(workers: int, dask: str | None = None) -> Runner:
    """The runner for ``tinnhiem verify``: Dask when an address is given, else a process
    pool of ``workers`` (in this process when 1)."""
    if dask:
        return DaskRunner(dask, workers=workers if dask == "local" else None)
    if workers <= 1:
        return InlineRunner()
    return PoolRunner(workers)
