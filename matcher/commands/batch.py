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
from matcher.commands.options import market_files, market_options, top_k_option


@click.command("batch")
@market_files()
@market_options
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Results path; becomes a link to OUT.runs/<run id>, swapped atomically.")
@top_k_option("List length, both ways (default: the settings' top_k).")
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
@click.option("--model", "model", default=None, type=click.Path(path_type=Path),
              help="Outcome model folder from `matcher learn` (overrides the settings' outcomes.model).")
@click.option("--no-market", is_flag=True, help="Do not save the fitted market into OUT/market/.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def command(seekers: Path, vacancies: Path, settings: str | None, reference_date: str | None, outcomes: Path | None,
            out: Path, top_k: int | None, backend: str, scheduler: str | None, workers: int | None,
            block_size: int | None, blocking: bool, alpha: float, keep: int, model: Path | None, no_market: bool,
            quiet: bool) -> None:
    """Match every seeker against every open post and write ranked lists both ways.

    Writes seeker_matches / vacancy_matches (.parquet and .csv), their
    capacity-aware variants (*_capacity), rejects.csv, warnings.csv,
    run.json and the fitted market (market/, reused by `matcher match
    --market`, `matcher report --batch` and the web UI) into OUT. A run
    killed at any point leaves the previous results in OUT untouched; a
    second run on the same OUT is refused while one runs.
    """
    cfg = BatchConfig(seekers=seekers, vacancies=vacancies, out=out, top_k=top_k, settings=settings,
                      outcomes=outcomes, reference_date=reference_date, backend=backend, scheduler=scheduler,
                      workers=workers, block_size=block_size, blocking=blocking,
                      capacity=CapacitySettings(alpha=alpha), keep=keep, save_market=not no_market, model=model)
    record = run_batch(cfg, Progress(enabled=not quiet))
    k = record["batch"]["top_k"]
    src = "from --top-k" if "top_k" in record.get("overrides", {}) else "from settings"
    click.echo(f"top_k = {k} ({src}); reference date {record['reference_date']}.")
    om = record.get("outcome_model")
    click.echo(f"Outcome model: {om['path']} ({'from --model' if 'outcomes.model' in record.get('overrides', {}) else 'from settings'}; "
               f"rank by {om['rank_by']}, weight {om['weight']})." if om else f"Outcome model: none ({record['outcome_note']}).")
    click.echo(f"Wrote {len(record['files']) + 1} files to {out}/ in {record['timings_seconds']['total']:.1f} s "
               f"(run {record['run_id']}).")
