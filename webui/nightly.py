"""The nightly batch's lists, read lazily and cached by run id.

``matcher batch --out DIR`` keeps ``DIR`` as a symlink to the newest complete
run folder (see ``matcher/batch/README.md``). The web UI finds that folder
through the app config ``BATCH_DIR`` (from ``MATCHER_BATCH_DIR``, or
``matcher serve --batch-dir``; default ``<instance>/batch`` when it exists).

* :meth:`NightlyResults.current` resolves the link on every call (one
  ``readlink``) and reads ``run.json`` only when the link points at a new
  folder, so a nightly run is picked up without a restart.
* Each match table is read on first use (Parquet, only its own columns) and
  indexed by list owner; a page then slices out one seeker's or one post's
  rows. Tables of an older run are dropped when the run id changes.
* :func:`freshness` compares the run's input checksums (``run.json``
  ``inputs.*.sha256``) with those of the newest import of each file: staff
  are told when the lists were computed from other data than the database
  holds.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Import

#: table name -> list owner column (the batch's file stems).
TABLES = {
    "seeker_matches": "seeker_id",
    "vacancy_matches": "vacancy_id",
    "seeker_matches_capacity": "seeker_id",
    "vacancy_matches_capacity": "vacancy_id",
}
DIMENSIONS = ("skills", "occupation", "education", "wage", "place", "conditions", "priority")


class OwnerIndex:
    """One match table with each owner's rows located by binary search.

    Rows are sorted by (owner id, rank) once when loaded (the batch writes
    them so already; then no copy is made). :meth:`rows` returns the owner's
    rows as dicts, best rank first; an unknown owner gives ``[]``.
    """

    def __init__(self, table, owner: str) -> None:
        keys = table.column(owner).to_numpy(zero_copy_only=False).astype(str)
        if len(keys) > 1 and not bool(np.all(keys[1:] >= keys[:-1])):
            order = np.lexsort((table.column("rank").to_numpy(), keys))
            table = table.take(order)
            keys = keys[order]
        self.table = table
        self.owners, self.starts, self.counts = np.unique(keys, return_index=True, return_counts=True)
        self.n_rows = len(keys)

    def rows(self, owner_id: str) -> list[dict[str, Any]]:
        """The owner's rows (all columns) in rank order."""
        i = int(np.searchsorted(self.owners, owner_id))
        if i >= len(self.owners) or self.owners[i] != owner_id:
            return []
        return self.table.slice(int(self.starts[i]), int(self.counts[i])).to_pylist()


@dataclass
class BatchRun:
    """One complete batch run folder and its lazily loaded tables."""

    run_id: str
    folder: Path
    record: dict
    _tables: dict[str, OwnerIndex] = field(default_factory=dict)
    _freshness: dict[str | None, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def started_at(self) -> str:
        """When the run started (ISO text from ``run.json``)."""
        return str(self.record.get("started_at") or "")

    def input_sha256(self, role: str) -> str | None:
        """SHA-256 of the run's ``seekers`` or ``vacancies`` input file, if recorded."""
        return ((self.record.get("inputs") or {}).get(role) or {}).get("sha256")

    def has(self, name: str) -> bool:
        """True when the run folder holds table ``name`` as Parquet."""
        return (self.folder / f"{name}.parquet").is_file()

    def table(self, name: str) -> OwnerIndex:
        """Table ``name`` (one of :data:`TABLES`), read and indexed on first use.

        Raises ``FileNotFoundError`` when the run lacks the file.
        """
        idx = self._tables.get(name)
        if idx is not None:
            return idx
        with self._lock:
            idx = self._tables.get(name)
            if idx is None:
                idx = OwnerIndex(pq.read_table(self.folder / f"{name}.parquet"), TABLES[name])
                self._tables[name] = idx
        return idx

    def list_for(self, name: str, owner_id: str) -> list[dict[str, Any]]:
        """One owner's rows of table ``name`` with ``contributions`` gathered into a dict."""
        out = []
        for row in self.table(name).rows(owner_id):
            row["contributions"] = {d: float(row.pop(f"c_{d}")) for d in DIMENSIONS if f"c_{d}" in row}
            out.append(row)
        return out


class NightlyResults:
    """The batch output link ``batch_dir`` and a cache of its current run (one at a time)."""

    def __init__(self, batch_dir: str | Path | None) -> None:
        self.batch_dir = Path(batch_dir) if batch_dir else None
        self._run: BatchRun | None = None
        self._lock = threading.Lock()
        self.last_error: str | None = None

    def current(self) -> BatchRun | None:
        """The run the link points at now, or None (no folder configured, no complete run, or an
        unreadable ``run.json`` — the reason is kept in :attr:`last_error`)."""
        if self.batch_dir is None:
            return None
        try:
            folder = Path(os.path.realpath(self.batch_dir))
        except OSError:
            return None
        run = self._run
        if run is not None and run.folder == folder:
            return run
        record_path = folder / "run.json"
        if not record_path.is_file():
            return None
        with self._lock:
            if self._run is not None and self._run.folder == folder:
                return self._run
            try:
                record = json.loads(record_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                self.last_error = f"{record_path}: {type(exc).__name__}"
                return None
            run = BatchRun(str(record.get("run_id") or folder.name), folder, record)
            if self._run is not None and self._run.run_id == run.run_id:
                run._tables = self._run._tables  # same run reached through another path
            self._run = run
            return run


def latest_checksums(session: Session) -> dict[str, str | None]:
    """SHA-256 of the newest finished import of each file role (None when unknown)."""
    out: dict[str, str | None] = {}
    for role, col in (("seekers", Import.seekers_file), ("vacancies", Import.vacancies_file)):
        sha_col = Import.seekers_sha256 if role == "seekers" else Import.vacancies_sha256
        out[role] = session.scalar(select(sha_col).where(Import.status == "done", col.is_not(None))
                                   .order_by(Import.id.desc()).limit(1))
    return out


def freshness(run: BatchRun, session: Session) -> dict[str, Any]:
    """Does the run match the data in the database?

    Returns ``{"state": "current" | "stale" | "unknown", "roles": [roles that differ]}``:
    ``current`` when both input checksums equal those of the newest import of
    each file; ``stale`` when one differs; ``unknown`` when a checksum is
    missing on either side (e.g. data imported before checksums were kept).
    The answer is kept on the run per import generation (the newest import's
    token, one indexed query): a new import or a new run asks again.
    """
    from .engine import import_token

    token = import_token(session)
    cached = run._freshness.get(token)
    if cached is not None:
        return {"state": cached["state"], "roles": list(cached["roles"])}
    result = _freshness(run, session)
    with run._lock:
        if len(run._freshness) > 16:
            run._freshness.clear()
        run._freshness[token] = result
    return {"state": result["state"], "roles": list(result["roles"])}


def _freshness(run: BatchRun, session: Session) -> dict[str, Any]:
    mine = latest_checksums(session)
    differ, unknown = [], False
    for role in ("seekers", "vacancies"):
        theirs = run.input_sha256(role)
        if not theirs or not mine.get(role):
            unknown = True
        elif theirs != mine[role]:
            differ.append(role)
    state = "stale" if differ else ("unknown" if unknown else "current")
    return {"state": state, "roles": differ}


def default_batch_dir(app: Flask) -> str | None:
    """``MATCHER_BATCH_DIR``, else ``<instance>/batch`` when it exists, else None."""
    env = os.environ.get("MATCHER_BATCH_DIR")
    if env:
        return env
    candidate = Path(app.instance_path) / "batch"
    return str(candidate) if candidate.exists() else None


def init_app(app: Flask) -> None:
    """Attach a :class:`NightlyResults` for ``BATCH_DIR`` (config) to the app."""
    app.extensions["matcher_nightly"] = NightlyResults(app.config.get("BATCH_DIR"))


def current_run() -> BatchRun | None:
    """The current app's batch run (see :meth:`NightlyResults.current`)."""
    return current_app.extensions["matcher_nightly"].current()
