"""``matcher generate``: write a synthetic Panzhihua-like labour market to CSV files."""
from __future__ import annotations

import math
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


def _parse_explore(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """``--explore SHARE``: a share of office visits in [0, 1] (0.3, 30% or 30 %)."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        share = math.nan
    if not 0 <= share <= 1:          # also false for NaN
        raise click.BadParameter(
            f"must be the share of office visits that are exploration visits, a number from 0 to 1 "
            f"(for example 0.3, or 30%); got {value!r}.", ctx=ctx, param=param)
    return share


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
@click.option("--explore", "explore", default=None, callback=_parse_explore, metavar="SHARE",
              help="With --history: the share (0 to 1) of office visits that are exploration visits — the "
                   "seeker's best 50 posts by score shown in random order, referrals drawn uniformly from them "
                   "— so rankings can be evaluated without the staff lists' bias [default: 0, none].")
def command(n_seekers: int, n_vacancies: int, seed: int, out_dir: Path, n_outcomes: int | None, clean: bool,
            as_of: str | None, history: int | None, explore: float | None) -> None:
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
    process is described in matcher.history. With --explore SHARE, that share
    of the office visits are exploration visits (random order of the seeker's
    best 50 posts, uniform referral); the log format is the same, and the
    summary line says how many visits and referrals were exploration.
    """
    if explore is not None and history is None:
        raise click.UsageError("--explore needs --history MONTHS: exploration visits are part of the simulated "
                               "referral history.")
    from matcher.generate import DEFAULT_AS_OF, generate_city, write_city

    start = time.perf_counter()
    city = generate_city(n_seekers, n_vacancies, seed=seed, n_outcomes=n_outcomes, dirty=not clean,
                         as_of=_parse_as_of(as_of) or DEFAULT_AS_OF)
    if history is not None:
        from matcher.history import generate_history

        hist = generate_history(city, history, dirty=not clean, explore=explore or 0.0)
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
    if history is not None:
        t = hist.truth
        visits = t[["seeker_id", "referred_on"]].drop_duplicates()
        x_visits = t.loc[t["explore"], ["seeker_id", "referred_on"]].drop_duplicates()
        click.echo(f"History: {history} months, {len(visits)} office visits with a referral, {len(t)} referrals; "
                   f"exploration visits {len(x_visits)} ({len(x_visits) / max(len(visits), 1):.1%}) with "
                   f"{int(t['explore'].sum())} referrals (--explore {explore or 0:g}).")
    click.echo(f"Planted {rejects} reject rows and {warnings} warning cells; seed {seed}, as of "
               f"{city.as_of.isoformat()}; {elapsed:.1f} s.")
