"""``matcher validate``: load files, report counts, write rejects and warnings."""
from __future__ import annotations

from pathlib import Path

import click

from matcher.io.issues import summary_table, write_issues
from matcher.io.loader import load_market


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
