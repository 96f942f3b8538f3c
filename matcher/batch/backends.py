"""Execution backends: where the batch's block tasks run.

A backend knows nothing about matching. It takes a *payload* (the fitted
matcher and the scoring plan, shipped once) and a list of work items, runs
``fn(payload, item)`` for each, and yields ``(index, result)`` pairs as they
finish. The runner merges results in a way that does not depend on arrival
order, so every backend produces byte-identical files.

- ``local`` (default): in this process; ``workers > 1`` uses a thread pool
  (numpy and scipy release the GIL in the heavy parts).
- ``dask``: dask.distributed. With ``scheduler`` (``tcp://host:8786``) it
  connects to an existing cluster; otherwise it starts a ``LocalCluster``
  with ``workers`` single-threaded worker processes. The payload is
  scattered (broadcast) to every worker once. Workers need this package
  installed at the same version. dask is imported only here, when this
  backend is chosen.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from matcher.errors import MatcherError

Task = Callable[[Any, Any], Any]


class BackendError(MatcherError):
    """A backend cannot be started (missing package, unreachable scheduler, bad option)."""


class Backend(ABC):
    """Runs block tasks; see the module docstring."""

    name: str = "backend"

    @abstractmethod
    def run(self, fn: Task, payload: Any, items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """Yield ``(i, fn(payload, items[i]))`` for every item, in completion order."""

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly description for ``run.json``."""
        return {"backend": self.name}

    def close(self) -> None:
        """Release resources (clients, clusters, pools)."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalBackend(Backend):
    """In-process execution; ``workers`` threads (1 = sequential, lowest memory)."""

    name = "local"

    def __init__(self, workers: int = 1) -> None:
        if workers < 1:
            raise BackendError(f"--workers must be >= 1, got {workers}.")
        self.workers = workers

    def run(self, fn: Task, payload: Any, items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        if self.workers == 1:
            for i, item in enumerate(items):
                yield i, fn(payload, item)
            return
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            # submit in a bounded window so memory stays ~ workers x block results
            pending: dict = {}
            it = iter(enumerate(items))
            for i, item in it:
                pending[pool.submit(fn, payload, item)] = i
                if len(pending) >= 2 * self.workers:
                    break
            while pending:
                done = next(as_completed(pending))
                i = pending.pop(done)
                yield i, done.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending[pool.submit(fn, payload, nxt[1])] = nxt[0]

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "workers": self.workers}


class DaskBackend(Backend):
    """dask.distributed execution on a given scheduler or a fresh ``LocalCluster``.

    Raises :class:`BackendError` when dask is not installed (naming the
    ``cluster`` extra) or the scheduler cannot be reached.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 processes: bool = True, client: Any = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise BackendError(
                "The dask backend needs dask.distributed, which is not installed "
                f"({exc}). Install it with: pip install 'pzh-matcher[cluster]'") from None
        self.scheduler = scheduler
        self._scattered: tuple[Any, Any] | None = None
        self._own_cluster = None
        self._own_client = client is None
        if client is not None:
            self.client = client
        elif scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise BackendError(f"Cannot reach the dask scheduler at {scheduler}: {exc}. Check the address "
                                   "(tcp://host:8786) and that `dask scheduler` is running there.") from None
        else:
            n = workers or 2
            self._own_cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes,
                                             dashboard_address=None)
            self.client = Client(self._own_cluster)

    def run(self, fn: Task, payload: Any, items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed as dask_completed

        if not items:
            return
        remote = self._remote(payload)
        futures = self.client.map(fn, [remote] * len(items), list(items), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in dask_completed(futures):
            i = index[fut.key]
            result = fut.result()
            fut.release()
            yield i, result

    def _remote(self, payload: Any) -> Any:
        """Scatter ``payload`` to every worker once and keep it there until :meth:`close`.

        A unique key per scatter (``hash=False``): with content hashing, a
        payload released after one stage and scattered again for the next
        would share its key and could be dropped while still needed.
        """
        if self._scattered is None or self._scattered[0] is not payload:
            if self._scattered is not None:
                self._scattered[1].release()
            # a one-element list: scattering a tuple directly would scatter each element
            self._scattered = (payload, self.client.scatter([payload], broadcast=True, hash=False)[0])
        return self._scattered[1]

    def describe(self) -> dict[str, Any]:
        info = self.client.scheduler_info() if self.client is not None else {}
        return {"backend": self.name, "scheduler": self.scheduler or "LocalCluster",
                "workers": len(info.get("workers", {}))}

    def close(self) -> None:
        if self._scattered is not None:
            self._scattered[1].release()
            self._scattered = None
        if self._own_client:
            self.client.close()
        if self._own_cluster is not None:
            self._own_cluster.close()


def make_backend(name: str, scheduler: str | None = None, workers: int | None = None) -> Backend:
    """Build the backend named ``local`` or ``dask``; raises :class:`BackendError` otherwise."""
    if name == "local":
        if scheduler:
            raise BackendError("--scheduler only applies to --backend dask.")
        return LocalBackend(workers or 1)
    if name == "dask":
        return DaskBackend(scheduler=scheduler, workers=workers)
    raise BackendError(f"Unknown backend '{name}'; choose 'local' or 'dask'.")
