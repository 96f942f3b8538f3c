"""Progress reporting for a person watching a batch run.

On a terminal each stage gets a tqdm bar; otherwise (cron, a log file) plain
timestamped lines are written: the start of a stage, progress at most every
10 % or 30 s, and the end with its duration. Only counts, stage names and
file names are reported — never personal data or ids.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Stage:
    """One running stage; call :meth:`update` with the number of units done."""

    def __init__(self, progress: Progress, name: str, total: int | None, unit: str) -> None:
        self.p, self.name, self.total, self.unit = progress, name, total, unit
        self.done = 0
        self.t0 = time.perf_counter()
        self._last_t = self.t0
        self._last_frac = 0.0
        self._bar = None
        if progress.enabled and progress.tty and total:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=f"{name:<10}", unit=f" {unit}", file=progress.stream,
                             leave=True, dynamic_ncols=True)
        elif progress.enabled:
            progress.line(f"{name}: started" + (f" ({total:,} {unit})" if total else ""))

    def update(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        if not self.p.enabled or not self.total:
            return
        frac = self.done / self.total
        now = time.perf_counter()
        if self.done < self.total and (frac - self._last_frac >= 0.1 or now - self._last_t >= 30):
            self._last_frac, self._last_t = frac, now
            self.p.line(f"{self.name}: {self.done:,}/{self.total:,} {self.unit} ({frac:.0%})")

    def close(self) -> float:
        seconds = time.perf_counter() - self.t0
        if self._bar is not None:
            self._bar.close()
        if self.p.enabled:
            self.p.line(f"{self.name}: done in {seconds:.1f} s")
        return seconds


class Progress:
    """Stage-by-stage progress to ``stream`` (default stderr).

    enabled : False silences everything (library use, tests).
    tty : force bars (True) or plain lines (False); None = detect.
    """

    def __init__(self, enabled: bool = True, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        if tty is None:
            isatty = getattr(self.stream, "isatty", None)
            tty = bool(isatty and isatty())
        self.tty = tty

    def stage(self, name: str, total: int | None = None, unit: str = "") -> Stage:
        return Stage(self, name, total, unit)

    def line(self, text: str) -> None:
        if not self.enabled:
            return
        stamp = time.strftime("%H:%M:%S")
        print(f"[{stamp}] batch {text}", file=self.stream, flush=True)
