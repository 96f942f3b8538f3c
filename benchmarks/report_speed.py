"""How long the city mismatch report takes on a large synthetic market.

    python -m benchmarks.report_speed [--seekers 20000] [--vacancies 4000] [--batch DIR] [--json OUT] [--smoke]

Generates the market with :func:`matcher.generate.generate_city` (seed 7),
loads and fits it, then times the report in the way the bureau runs it:
**with the nightly batch's lists** (``--batch DIR`` from ``matcher batch``
on the same files; without it the lists are computed here with
:func:`matcher.report.pool.pool_from_scoring` — exhaustive top-k both ways,
exactly what an exhaustive batch writes — and that time is reported apart
as ``batch_equivalent_lists``, not as report time). ``report_total`` =
load + fit + build (every section, training sample, wage bisections,
charts) + render. Target (issue 8): 100,000 × 20,000 in under 600 s, batch
reused. ``--smoke`` runs 300 × 120 for the test suite.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.machine import machine_info


def _lists(matcher, pool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pool pairs as the two batch tables (ranks are not needed by the report)."""
    F = matcher.features_
    sid = F.seeker_ids[pool.seeker_pos].astype(str)
    vid = F.vacancy_ids[pool.vacancy_pos].astype(str)
    sm = pd.DataFrame({"seeker_id": sid, "vacancy_id": vid, "rank": pool.k})
    return sm, sm.iloc[:0].copy()


def run(n_seekers: int, n_vacancies: int, batch: Path | None = None, training_sample: int = 2000,
        resources: Any = None, seed: int = 7) -> dict:
    """Generate, load, fit and report; return timings (seconds) and sizes.

    ``resources`` (a fitted matcher's ``resources_``) injects collaborators
    so the smoke run does not refit the skill normaliser and the coder.
    """
    from matcher.generate import generate_city, write_city
    from matcher.market import fit_market, load_inputs
    from matcher.report.assemble import ReportOptions, build_report
    from matcher.report.pool import pool_from_scoring, read_batch_lists
    from matcher.report.render import render_html

    out: dict[str, Any] = {"seekers": n_seekers, "vacancies": n_vacancies}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        paths = write_city(generate_city(n_seekers, n_vacancies, seed=seed), Path(tmp))
        out["generate_seconds"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        inp = load_inputs(paths["seekers"], paths["vacancies"], reference_date="2026-11-15")  # the one route
        out["load_seconds"] = round(time.perf_counter() - t, 2)
        kw = {}
        if resources is not None:
            kw = dict(skill_normaliser=resources.skill_normaliser, occupation_coder=resources.occupation_coder,
                      occupation_proximity=resources.occupation_proximity,
                      district_relation=resources.district_relation)
        t = time.perf_counter()
        m = fit_market(inp, **kw).matcher
        out["fit_seconds"] = round(time.perf_counter() - t, 2)
        if batch is not None:
            t = time.perf_counter()
            lists = read_batch_lists(batch)
            out["read_batch_seconds"] = round(time.perf_counter() - t, 2)
        else:
            t = time.perf_counter()
            lists = _lists(m, pool_from_scoring(m))    # the batch's list length: settings.top_k
            out["batch_equivalent_lists_seconds"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        rep = build_report(m, ReportOptions(training_sample=training_sample), lists)
        out["build_seconds"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        html = render_html(rep, "both")
        out["render_seconds"] = round(time.perf_counter() - t, 2)
    out["html_bytes"] = len(html.encode("utf-8"))
    out["build_timings"] = rep["meta"]["timings"]
    out["report_total_seconds"] = round(out["load_seconds"] + out["fit_seconds"] + out.get("read_batch_seconds", 0)
                                        + out["build_seconds"] + out["render_seconds"], 2)
    out["pool_pairs"] = rep["meta"]["pool_pairs"]
    out["unmatched"] = rep["meta"]["n_unmatched"]
    out["posts_short"] = rep["meta"]["n_posts_few"]
    out["training_sampled"] = rep["meta"]["training_sampled"]
    out["machine"] = machine_info()
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seekers", type=int, default=20_000)
    ap.add_argument("--vacancies", type=int, default=4_000)
    ap.add_argument("--batch", type=Path, default=None, help="batch folder for the same generated market")
    ap.add_argument("--training-sample", type=int, default=2000)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--smoke", action="store_true", help="300 x 120, small training sample")
    a = ap.parse_args(argv)
    if a.smoke:
        a.seekers, a.vacancies, a.training_sample = 300, 120, 60
    res = run(a.seekers, a.vacancies, a.batch, a.training_sample)
    print(f"{a.seekers:,} x {a.vacancies:,}: load {res['load_seconds']} s, fit {res['fit_seconds']} s, "
          f"build {res['build_seconds']} s {res['build_timings']}, render {res['render_seconds']} s")
    print(f"report total {res['report_total_seconds']} s (target for 100k x 20k: < 600 s)")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=2, ensure_ascii=False, default=float), encoding="utf-8")
    return res


if __name__ == "__main__":  # pragma: no cover
    main()
