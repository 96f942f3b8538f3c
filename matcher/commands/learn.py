"""``matcher learn``: fit the outcome models (hire, stay 180 days) from the office's event log."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from matcher.errors import SettingsError


@click.command("learn")
@click.option("--seekers", "seekers", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=True)
@click.option("--vacancies", "vacancies", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=True)
@click.option("--outcomes", "outcomes", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=True,
              help="The outcome event log (referred … hired, employed follow-ups, left).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Model folder: model.json, model_card.md, model_card.json.")
@click.option("--until", "until", default=None,
              help="Learn only from events up to this date YYYY-MM-DD [default: the log's last date].")
@click.option("--settings", "settings", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="Matcher settings JSON (the comparison parts the model reads).")
@click.option("--ignore-rank", is_flag=True, help="Do not correct for the rank shown (for comparison only).")
def command(seekers: Path, vacancies: Path, outcomes: Path, out_dir: Path, until: str | None,
            settings: Path | None, ignore_rank: bool) -> None:
    """Learn P(hire | referral) and P(still in the job at 180 days | hire) and write them to OUT.

    Rejected event rows (out of order, unknown ids …) are listed in OUT/rejects.csv and left out.
    With too few outcomes nothing is written.
    """
    from matcher.core import Matcher
    from matcher.io.settings import read_settings
    from matcher.io.loader import load_market
    from matcher.outcomes.card import write_card
    from matcher.outcomes.model import OutcomeModel

    cut = None
    if until is not None:
        try:
            cut = datetime.strptime(until, "%Y-%m-%d").date()
        except ValueError:
            raise SettingsError(f"--until must be a date like 2026-11-15, got {until!r}.") from None
    market = load_market(seekers, vacancies, outcomes, reference_date=cut)
    for r in market.results():
        click.echo(r.summary_line())
    o = market.outcomes
    matcher = Matcher(read_settings(settings)).fit(market.seekers.frame, market.vacancies.frame)
    model = OutcomeModel.fit(matcher, o.frame, until=cut, position="ignore" if ignore_rank else "rank_feature")
    path = model.save(out_dir)
    card = write_card(model, market.seekers.frame, out_dir)
    if len(o.rejects):
        o.rejects.to_csv(Path(out_dir) / "rejects.csv", index=False, encoding="utf-8-sig")
        click.echo(f"{o.n_rejected} outcome rows rejected: see {Path(out_dir) / 'rejects.csv'}")
    sz = model.params["sizes"]
    click.echo(f"Learned from {sz['referrals']} referrals, {sz['hires']} hires and {sz['spells']} job spells "
               f"({sz['censored']} still running) up to {model.params['window']['until']}.")
    click.echo(f"Model: {path}\nModel card: {card['md']}")
