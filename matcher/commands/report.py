"""``matcher report``: the city mismatch report as one self-contained HTML file.

Thin face over :mod:`matcher.report`. The market comes from the one route
(:func:`matcher.market.build_market`: settings, reference date, load, fit,
the core's open-post rule) or, with ``--batch DIR``, from the fitted market
that batch saved (``DIR/market``, :func:`matcher.market.load_market`: no
refit, refused when stale) together with its lists. The good-match cut and the
pool's list length are the settings' ``good_score`` and ``top_k`` unless
``--threshold`` / ``--top-k`` override them (said on stderr).
"""
from __future__ import annotations

import time
from pathlib import Path

import click

from matcher.commands.options import market_files, market_options, say_override, top_k_option


@click.command("report")
@market_files(required=False)
@market_options
@click.option("--batch", "batch", default=None, type=click.Path(path_type=Path),
              help="Folder written by `matcher batch`: its saved market and lists are reused (no refit, no rescoring).")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]), default="both", show_default=True,
              help="Language of the page; 'both' adds a 中文/English toggle.")
@click.option("--threshold", default=None, type=click.FloatRange(min=0, min_open=True, max=1.5),
              help="Score of a good match (default: the settings' good_score).")
@top_k_option("List length of the candidate pool when no --batch is given (default: the settings' top_k).")
@click.option("--training-sample", default=2000, show_default=True, type=click.IntRange(min=0),
              help="At most this many unmatched/weak seekers are re-scored for training (0 = skip).")
@click.option("--course", "courses", multiple=True, help="Only these training courses (repeatable), e.g. --course 焊工.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="HTML file to write.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def command(seekers: Path | None, vacancies: Path | None, settings: str | None, reference_date: str | None,
            outcomes: Path | None, batch: Path | None, lang: str, threshold: float | None, top_k: int | None,
            training_sample: int, courses: tuple[str, ...], out: Path, quiet: bool) -> None:
    """Write the structural-mismatch report (supply and demand, why posts go unfilled and seekers
    stay unmatched, wages, education, compliance, training and wage counterfactuals) to OUT."""
    from matcher.market import build_market, load_market, market_folder
    from matcher.report.assemble import ReportOptions, build_report
    from matcher.report.pool import read_batch_lists
    from matcher.report.render import render_html

    def say(msg: str) -> None:
        if not quiet:
            click.echo(msg, err=True)
    t0 = time.perf_counter()
    opts = ReportOptions(threshold=threshold, top_k=top_k, training_sample=training_sample,
                         courses=list(courses) or None, lang=lang)
    opts.validate()
    saved = batch is not None and (market_folder(batch) / "meta.json").is_file()
    if saved:
        if settings is not None or reference_date is not None:
            raise click.UsageError("--batch reuses the market that batch saved, with its settings and reference "
                                   "date; drop --settings/--reference-date, or run `matcher batch` again with them.")
        # input files given next to --batch must be the ones the batch was built from
        market = load_market(batch, seekers=seekers, vacancies=vacancies, outcomes=outcomes)
        say(f"loaded the saved market of {batch} in {time.perf_counter() - t0:.1f} s (no refit)")
    else:
        if seekers is None or vacancies is None:
            raise click.UsageError("Give --seekers and --vacancies files, or --batch BATCH_OUT_DIR with a saved market.")
        market = build_market(seekers, vacancies, settings=settings, reference_date=reference_date,
                              outcomes=outcomes, progress=say)
        say(f"loaded and fitted in {time.perf_counter() - t0:.1f} s")
    st = market.settings
    say(f"reference date {market.reference_date.isoformat()}; "
        + say_override("good_score", st.good_score if threshold is None else threshold,
                       "--threshold" if threshold is not None else None)
        + "; " + (f"pool from the batch lists in {batch}" if batch is not None else
                  say_override("top_k", st.top_k if top_k is None else top_k, "--top-k" if top_k is not None else None))
        + f"; {market.n_open:,} open posts, {market.openings_open:,} openings")
    lists = read_batch_lists(batch) if batch is not None else None
    t2 = time.perf_counter()
    events = None
    if outcomes is not None:   # the "unstable re-employment" section
        if "outcomes" in market.loads:
            events = market.loads["outcomes"].frame
        else:
            from matcher.io.loader import load_outcomes

            events = load_outcomes(outcomes, market.seekers["seeker_id"].astype(str),
                                   market.vacancies["vacancy_id"].astype(str)).frame
    mk_meta = {"source": market.source,
               "inputs": {r: {k: i.get(k) for k in ("file", "sha256")} for r, i in market.inputs.items()}}
    rep = build_report(market.matcher, opts, lists, market_meta=mk_meta, outcomes=events)
    say(f"analysed in {time.perf_counter() - t2:.1f} s: {rep['meta']['timings']}")
    html = render_html(rep, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    click.echo(f"Wrote {out} ({len(html.encode('utf-8')) / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s: "
               f"reference date {rep['meta']['reference_date']}, {rep['meta']['n_open']:,} open posts, "
               f"{rep['meta']['n_unmatched']:,} seekers without a good match, {rep['meta']['n_posts_few']:,} posts "
               "short of good candidates.")
