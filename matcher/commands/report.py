"""``matcher report``: the city mismatch report as one self-contained HTML file.

Thin face over :mod:`matcher.report`: load and fit, reuse the nightly batch's
lists when ``--batch`` is given, build every section, render, write.
"""
from __future__ import annotations

import time
from pathlib import Path

import click

from matcher.commands.options import market_files
from matcher.report.analysis import DEFAULT_THRESHOLD


@click.command("report")
@market_files()
@click.option("--batch", "batch", default=None, type=click.Path(path_type=Path),
              help="Folder written by `matcher batch` (seeker_matches / vacancy_matches); reused instead of rescoring.")
@click.option("--settings", "settings", default=None, help="Match settings JSON file (or JSON string).")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]), default="both", show_default=True,
              help="Language of the page; 'both' adds a 中文/English toggle.")
@click.option("--threshold", default=DEFAULT_THRESHOLD, show_default=True, type=float,
              help="Score of a good match.")
@click.option("--top-k", default=20, show_default=True, type=click.IntRange(min=1),
              help="List length of the candidate pool when no --batch is given.")
@click.option("--training-sample", default=2000, show_default=True, type=click.IntRange(min=0),
              help="At most this many unmatched/weak seekers are re-scored for training (0 = skip).")
@click.option("--course", "courses", multiple=True, help="Only these training courses (repeatable), e.g. --course 焊工.")
@click.option("--outcomes", "outcomes", default=None, type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Outcome event log: adds the section 'unstable re-employment / 就业不稳定'.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="HTML file to write.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def command(seekers: Path, vacancies: Path, batch: Path | None, settings: str | None, lang: str, threshold: float,
            top_k: int, training_sample: int, courses: tuple[str, ...], outcomes: Path | None, out: Path,
            quiet: bool) -> None:
    """Write the structural-mismatch report (supply and demand, why posts go unfilled and seekers
    stay unmatched, wages, education, compliance, training and wage counterfactuals) to OUT."""
    from matcher.core import Matcher, MatchSettings
    from matcher.io.loader import load_seekers, load_vacancies
    from matcher.report.assemble import ReportOptions, build_report
    from matcher.report.pool import read_batch_lists
    from matcher.report.render import render_html

    def say(msg: str) -> None:
        if not quiet:
            click.echo(msg, err=True)
    t0 = time.perf_counter()
    st = MatchSettings.from_path_or_dict(settings)
    opts = ReportOptions(threshold=threshold, top_k=top_k, training_sample=training_sample,
                         courses=list(courses) or None, lang=lang)
    opts.validate()
    s = load_seekers(seekers, reference_date=st.reference_day())
    v = load_vacancies(vacancies)
    say(f"loaded {len(s.frame):,} seekers and {len(v.frame):,} vacancies in {time.perf_counter() - t0:.1f} s")
    t1 = time.perf_counter()
    m = Matcher(st).fit(s.frame, v.frame)
    say(f"fitted in {time.perf_counter() - t1:.1f} s")
    lists = read_batch_lists(batch) if batch is not None else None
    t2 = time.perf_counter()
    events = None
    if outcomes is not None:
        from matcher.io.loader import load_outcomes

        res = load_outcomes(outcomes, s.frame["seeker_id"].astype(str), v.frame["vacancy_id"].astype(str))
        say(res.summary_line())
        events = res.frame
    rep = build_report(m, opts, lists, outcomes=events)
    say(f"analysed in {time.perf_counter() - t2:.1f} s: {rep['meta']['timings']}")
    html = render_html(rep, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    click.echo(f"Wrote {out} ({len(html.encode('utf-8')) / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s: "
               f"{rep['meta']['n_unmatched']:,} seekers without a good match, {rep['meta']['n_posts_few']:,} posts "
               "short of good candidates.")
