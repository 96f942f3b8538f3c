"""Crash-safe output folders: a run lock and an atomic symlink swap.

Layout for ``--out /data/nightly``::

    /data/nightly          -> nightly.runs/20240301T020000-4242   (a symlink)
    /data/nightly.runs/    one folder per complete run (current + previous)
    /data/nightly.runs/.tmp-<run id>/   a run being written (deleted on the next run)
    /data/nightly.lock     lock file: pid, host and start time of the running batch

Files are always read at ``/data/nightly/<file>``. A run writes everything
into ``.tmp-<run id>``, fsyncs every file and the folder, renames it to
``<run id>`` and then swaps the ``nightly`` symlink with ``os.replace`` — a
single atomic rename. A run killed at any moment therefore leaves the link
pointing at the previous complete run; readers never see a half-written
folder. Readers that opened files of the previous run keep reading them
(POSIX semantics) even after it is pruned.

The lock uses ``fcntl.flock`` on ``nightly.lock``: the kernel releases it
when the process dies, so a lock file left by a killed run (its pid no longer
running) is taken over with a message; a live run makes the second one fail
with :class:`BatchLockedError`. POSIX only (Linux, macOS): symlink swaps and
``flock`` are not available on Windows.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

from matcher.errors import MatcherError


class BatchLockedError(MatcherError):
    """Another batch run holds the lock on the output folder."""


class OutputFolderError(MatcherError):
    """The output path exists but is not a folder this batch manages."""


def fsync_path(path: Path) -> None:
    """fsync a file or a directory (directories: so renames inside it are durable)."""
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """fsync every file in ``folder`` (recursively) and the folder itself."""
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            fsync_path(p)
    for d in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        fsync_path(d)
    fsync_path(folder)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """Exclusive lock on an output folder (``<out>.lock``), usable as a context manager.

    ``on_message`` receives a one-line message when a stale lock (from a
    process that is no longer running) is taken over. Raises
    :class:`BatchLockedError` when another live process holds the lock.
    """

    def __init__(self, out: str | Path, on_message: Callable[[str], None] | None = None) -> None:
        self.out = Path(out)
        self.path = self.out.parent / f"{self.out.name}.lock"
        self.on_message = on_message or (lambda _m: None)
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(5):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                info = _read_info(fd)
                os.close(fd)
                who = f"pid {info.get('pid', '?')} on {info.get('host', '?')}, started {info.get('started', '?')}"
                raise BatchLockedError(
                    f"Another batch run is writing {self.out} ({who}); refusing to start a second one. "
                    f"Wait for it to finish. If you are sure no batch is running, delete {self.path}.") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the previous holder removed the file between our open and flock
                os.close(fd)
                continue
            info = _read_info(fd)
            if info.get("pid"):
                alive = info.get("host") == socket.gethostname() and _pid_alive(int(info["pid"]))
                state = "still running but not holding the lock" if alive else "no longer running"
                self.on_message(f"Taking over a stale lock {self.path.name} left by pid {info['pid']} "
                                f"({state}; started {info.get('started', '?')}).")
            payload = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                  "started": _dt.datetime.now().isoformat(timespec="seconds")}).encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, payload, 0)
            os.fsync(fd)
            self._fd = fd
            return self
        raise BatchLockedError(f"Could not take the lock {self.path}: it keeps being replaced; "
                               "is another batch starting at the same moment?")

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        os.close(self._fd)  # closing releases the flock
        self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_info(fd: int) -> dict:
    try:
        raw = os.pread(fd, 4096, 0)
        return json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (OSError, ValueError):
        return {}


class RunFolder:
    """Stage one run's files and swap them in atomically (see the module docstring).

    ``out`` is the path readers use. ``keep`` previous complete runs are kept
    besides the current one (default 1: yesterday's results stay on disk).
    Call :meth:`stage` to get the temporary folder, write into it, then
    :meth:`commit`. Must be used while holding :class:`RunLock`.
    Raises :class:`OutputFolderError` if ``out`` exists as a plain file or a
    non-empty plain folder (it is never deleted).
    """

    def __init__(self, out: str | Path, run_id: str, keep: int = 1,
                 hook: Callable[[str], None] | None = None) -> None:
        self.out = Path(out)
        self.runs = self.out.parent / f"{self.out.name}.runs"
        self.run_id = run_id
        self.keep = max(0, int(keep))
        self.tmp = self.runs / f".tmp-{run_id}"
        self.final = self.runs / run_id
        self._hook = hook or (lambda _stage: None)

    def check_target(self) -> None:
        """Refuse to manage an ``out`` path that is not ours (before any work is done)."""
        if self.out.is_symlink() or not self.out.exists():
            return
        if self.out.is_dir() and not any(self.out.iterdir()):
            return
        kind = "folder" if self.out.is_dir() else "file"
        raise OutputFolderError(
            f"{self.out} already exists as a plain {kind}. The batch keeps {self.out} as a link to "
            f"{self.runs.name}/<run id> so it can swap results atomically; move {self.out} away "
            "or choose another --out folder.")

    def stage(self) -> Path:
        """Create (fresh) and return the temporary folder for this run; clears leftovers of killed runs."""
        self.check_target()
        self.runs.mkdir(parents=True, exist_ok=True)
        for old in self.runs.glob(".tmp-*"):
            shutil.rmtree(old, ignore_errors=True)
        self.tmp.mkdir()
        return self.tmp

    def commit(self) -> Path:
        """fsync, publish ``<runs>/<run id>`` and swap ``out`` to it atomically; prune old runs."""
        fsync_tree(self.tmp)
        os.rename(self.tmp, self.final)
        fsync_path(self.runs)
        self._hook("staged")
        link_tmp = self.out.parent / f".{self.out.name}.link-{self.run_id}"
        if link_tmp.is_symlink() or link_tmp.exists():
            link_tmp.unlink()
        os.symlink(Path(self.runs.name) / self.run_id, link_tmp)
        if self.out.is_dir() and not self.out.is_symlink():
            self.out.rmdir()  # an empty plain folder (checked in stage()); os.replace cannot replace a folder
        os.replace(link_tmp, self.out)
        fsync_path(self.out.parent)
        self._hook("swapped")
        self.prune()
        return self.final

    def abort(self) -> None:
        """Remove this run's temporary folder (the published results are untouched)."""
        shutil.rmtree(self.tmp, ignore_errors=True)

    def prune(self) -> list[Path]:
        """Delete complete runs older than the current one and ``keep`` previous ones."""
        current = current_run(self.out)
        runs = sorted((p for p in self.runs.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.name, reverse=True)
        keep = [p for p in runs if p == current] + [p for p in runs if p != current][: self.keep]
        removed = [p for p in runs if p not in keep]
        for p in removed:
            shutil.rmtree(p, ignore_errors=True)
        return removed


def current_run(out: str | Path) -> Path | None:
    """The run folder ``out`` points at, or None when no run has completed."""
    out = Path(out)
    if not out.is_symlink():
        return None
    return (out.parent / os.readlink(out)).resolve()
