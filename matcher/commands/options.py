"""Click options shared by the commands that read a market (match, batch, report)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click


def market_files(seekers_dest: str = "seekers", vacancies_dest: str = "vacancies") -> Callable:
    """Add the required ``--seekers`` and ``--vacancies`` file options."""
    def deco(fn: Callable) -> Callable:
        fn = click.option("--vacancies", vacancies_dest, required=True, type=click.Path(path_type=Path),
                          help="Vacancies file (CSV/XLSX/Parquet).")(fn)
        return click.option("--seekers", seekers_dest, required=True, type=click.Path(path_type=Path),
                            help="Seekers file (CSV/XLSX/Parquet).")(fn)
    return deco
