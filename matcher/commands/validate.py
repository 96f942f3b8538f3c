"""``matcher validate``: load files, report counts, write rejects and warnings."""
from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from matcher.io.loader import ISSUE_COLUMNS, LoadResult, load_market


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


@click.command("validate")
@click.argument("seekers", type=click.Path(path_type=Path))
@click.argument("vacancies", type=click.Path(path_type=Path))
@click.option("--outcomes", type=click.Path(path_type=Path), default=None, help="Referral outcomes file.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("validation"),
              show_default=True, help="Folder for rejects.csv and warnings.csv.")
@click.option("--show", default=5, show_default=True, help="How many rejects to print.")
def command(seekers: Path, vacancies: Path, outcomes: Path | None, out_dir: Path, show: int) -> None:
    """Check SEEKERS and VACANCIES files (CSV/XLSX/Parquet) against the schema.

    Prints rows read, accepted, accepted with warnings and rejected per file,
    and writes rejects.csv and warnings.csv (file, row as seen in Excel,
    column, raw value, reason). Read always equals accepted + rejected.
    """
    market = load_market(seekers, vacancies, outcomes)
    results = market.results()
    click.echo(summary_table(results))
    for r in results:
        for note in r.notes:
            click.echo(f"note: {r.path.name}: {note}")
    rp, wp = write_issues(results, out_dir)
    rej = market.rejects()
    if len(rej) and show:
        click.echo(f"\nFirst rejected rows (all in {rp}):")
        for row in rej.head(show).itertuples(index=False):
            click.echo(f"  {row.file} row {row.row} [{row.column or '-'}] {row.reason}")
    click.echo(f"\nWrote {rp} ({len(rej)} rows) and {wp} ({len(market.warnings())} rows).")
