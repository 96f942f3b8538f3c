"""Writing load issues: ``rejects.csv`` and ``warnings.csv`` (shared by ``matcher validate`` and the batch)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from matcher.io.loader import ISSUE_COLUMNS, LoadResult


def write_issues(results: list[LoadResult], out: Path) -> tuple[Path, Path]:
    """Write ``rejects.csv`` and ``warnings.csv`` (UTF-8 with BOM, for Excel) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rej = pd.concat([r.rejects for r in results], ignore_index=True) if results else pd.DataFrame(columns=ISSUE_COLUMNS)
    warn = pd.concat([r.warnings for r in results], ignore_index=True) if results else pd.DataFrame(columns=ISSUE_COLUMNS)
    rp, wp = out / "rejects.csv", out / "warnings.csv"
    rej[ISSUE_COLUMNS].to_csv(rp, index=False, encoding="utf-8-sig")
    warn[ISSUE_COLUMNS].to_csv(wp, index=False, encoding="utf-8-sig")
    return rp, wp


def summary_table(results: list[LoadResult]) -> str:
    lines = [f"{'file':<28} {'read':>8} {'accepted':>9} {'warned':>8} {'rejected':>9}"]
    for r in results:
        c = r.counts
        lines.append(f"{r.path.name:<28} {c['read']:>8} {c['accepted']:>9} {c['warned']:>8} {c['rejected']:>9}")
    return "\n".join(lines)
