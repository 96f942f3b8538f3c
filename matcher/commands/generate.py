"""``matcher generate``: write a synthetic Panzhihua-like labour market to CSV files."""
from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import click

from matcher.errors import SettingsError


def _parse_as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as exc:
        raise SettingsError(f"--as-of must be a date like 2026-11-15, got {text!r}.") from exc


@click.command("generate")
@click.option("--seekers", "n_seekers", type=click.IntRange(min=0), required=True, help="Number of usable seeker rows.")
@click.option("--vacancies", "n_vacancies", type=click.IntRange(min=0), required=True,
              help="Number of usable vacancy rows.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; same seed, same bytes.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Output folder.")
@click.option("--outcomes", "n_outcomes", type=click.IntRange(min=0), default=None,
              help="Number of referral outcome rows [default: one per ten seekers].")
@click.option("--clean", is_flag=True, help="Plant no broken rows (by default a few are planted).")
@click.option("--as-of", "as_of", default=None, help="Observation date YYYY-MM-DD [default: 2026-11-15].")
@click.option("--history", "history", type=click.IntRange(min=1, max=60), default=None, metavar="MONTHS",
              help="Also simulate MONTHS months of referrals from staff lists, hires, follow-up calls and "
                   "departures up to --as-of; outcomes.csv then holds that event log.")
def command(n_seekers: int, n_vacancies: int, seed: int, out_dir: Path, n_outcomes: int | None, clean: bool,
            as_of: str | None, history: int | None) -> None:
    """Write seekers.csv, vacancies.csv, outcomes.csv and seekers_gb18030.csv into OUT.

    The files follow the input format (docs/input-format.md, `matcher schema`) and look like the reference city
    (Panzhihua): its districts, industries, 2022 occupation codes, 4045 and
    rural-migrant groups, and real-world wage/education/yes-no spellings.
    Unless --clean, a few broken rows are planted; they are listed in
    planted_rows.csv (file, Excel row, kind, reason).

    With --history MONTHS, outcomes.csv is the office's event log over those
    months (referred with rank and list shown, hired/rejected/declined,
    employed follow-ups at about 30/90/180 days, left with a reason); job
    spells still running at --as-of have no 'left' (right-censored). The
    process is described in matcher.history.
    """
    from matcher.generate import DEFAULT_AS_OF, generate_city, write_city

    start = time.perf_counter()
    city = generate_city(n_seekers, n_vacancies, seed=seed, n_outcomes=n_outcomes, dirty=not clean,
                         as_of=_parse_as_of(as_of) or DEFAULT_AS_OF)
    if history is not None:
        from matcher.history import generate_history

        hist = generate_history(city, history, dirty=not clean)
        city.outcomes = hist.events
        city.planted_rejects = ([p for p in city.planted_rejects if p["file"] != "outcomes.csv"]
                                + hist.planted_rejects)
    paths = write_city(city, out_dir)
    elapsed = time.perf_counter() - start
    rows = {"seekers": len(city.seekers), "vacancies": len(city.vacancies), "outcomes": len(city.outcomes),
            "seekers_gb18030": len(city.seekers), "planted": len(city.planted_rejects)}
    for name, path in paths.items():
        click.echo(f"{path}  ({rows[name]} rows)")
    rejects = sum(p["kind"] == "reject" for p in city.planted_rejects)
    warnings = len(city.planted_rejects) - rejects
    click.echo(f"Planted {rejects} reject rows and {warnings} warning cells; seed {seed}, as of "
               f"{city.as_of.isoformat()}; {elapsed:.1f} s.")
