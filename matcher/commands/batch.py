"""``matcher batch``: the nightly run — every seeker against every open post, both ways.

Thin face over :func:`matcher.batch.runner.run_batch`; see
``matcher/batch/README.md`` for the files written and the run.json keys.
"""
from __future__ import annotations

from pathlib import Path

import click

from matcher.batch.capacity import CapacitySettings
from matcher.batch.progress import Progress
from matcher.batch.runner import BatchConfig, run_batch
from matcher.commands.options import market_files


@click.command("batch")
@market_files()
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Results path; becomes a link to OUT.runs/<run id>, swapped atomically.")
@click.option("--top-k", default=20, show_default=True, type=click.IntRange(min=1),
              help="List length, both ways.")
@click.option("--settings", "settings", default=None, help="Match settings JSON file (or JSON string).")
@click.option("--backend", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="dask scheduler address, e.g. tcp://host:8786 (dask backend).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Threads (local) or worker processes of a local dask cluster.")
@click.option("--block-size", default=None, type=click.IntRange(min=1), help="Seekers per scoring block.")
@click.option("--blocking/--exhaustive", default=False, show_default=True,
              help="Score only the core's candidate pairs (faster on sparse markets) or every pair (exact).")
@click.option("--alpha", default=1.5, show_default=True, type=float,
              help="Capacity slack: a post may take alpha x its openings-proportional share of slots.")
@click.option("--keep", default=1, show_default=True, type=click.IntRange(min=0),
              help="Previous complete runs kept on disk.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def command(seekers: Path, vacancies: Path, out: Path, top_k: int, settings: str | None, backend: str,
            scheduler: str | None, workers: int | None, block_size: int | None, blocking: bool, alpha: float,
            keep: int, quiet: bool) -> None:
    """Match every seeker against every open post and write ranked lists both ways.

    Writes seeker_matches / vacancy_matches (.parquet and .csv), their
    capacity-aware variants (*_capacity), rejects.csv, warnings.csv and
    run.json into OUT. A run killed at any point leaves the previous results
    in OUT untouched; a second run on the same OUT is refused while one runs.
    """
    cfg = BatchConfig(seekers=seekers, vacancies=vacancies, out=out, top_k=top_k, settings=settings,
                      backend=backend, scheduler=scheduler, workers=workers, block_size=block_size,
                      blocking=blocking, capacity=CapacitySettings(alpha=alpha), keep=keep)
    record = run_batch(cfg, Progress(enabled=not quiet))
    click.echo(f"Wrote {len(record['files']) + 1} files to {out}/ in {record['timings_seconds']['total']:.1f} s "
               f"(run {record['run_id']}).")
