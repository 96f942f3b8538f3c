"""Click options shared by the commands that read a market (match, batch, report)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click


def market_files(seekers_dest: str = "seekers", vacancies_dest: str = "vacancies", required: bool = True) -> Callable:
    """Add the ``--seekers`` and ``--vacancies`` file options."""
    def deco(fn: Callable) -> Callable:
        fn = click.option("--vacancies", vacancies_dest, required=required, default=None,
                          type=click.Path(path_type=Path), help="Vacancies file (CSV/XLSX/Parquet).")(fn)
        return click.option("--seekers", seekers_dest, required=required, default=None,
                            type=click.Path(path_type=Path), help="Seekers file (CSV/XLSX/Parquet).")(fn)
    return deco


def market_options(fn: Callable) -> Callable:
    """``--settings``, ``--reference-date`` and ``--outcomes``: the rest of what builds a market."""
    fn = click.option("--outcomes", "outcomes", default=None, type=click.Path(path_type=Path),
                      help="Referral outcomes file: recorded hires close posts whose openings are all filled.")(fn)
    fn = click.option("--reference-date", "reference_date", default=None, metavar="YYYY-MM-DD",
                      help="Date for ages, expiry and open posts (default: the settings' reference_date, else today).")(fn)
    return click.option("--settings", "settings", default=None,
                        help="Match settings: a JSON file or a JSON string (merged over the shipped defaults).")(fn)


def top_k_option(help_text: str = "List length (default: the settings' top_k).") -> Callable:
    """``-k/--top-k`` with no default of its own: unset means the settings' ``top_k``."""
    return click.option("-k", "--top-k", "top_k", type=click.IntRange(min=1), default=None, help=help_text)


def say_override(name: str, value: object, flag: str | None) -> str:
    """The one line shown when a setting is in force: ``top_k = 3 (from --top-k)``."""
    return f"{name} = {value} ({'from ' + flag if flag else 'from settings'})"
