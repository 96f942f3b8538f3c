"""Interactive query speed of the matching core (issue 4).

    python -m benchmarks.query_speed [--seekers 100000] [--vacancies 20000] [--queries 200] [--json OUT] [--smoke]

Generates a market with ``matcher generate`` (seed 7), loads it, fits the
matcher once, then times ``for_seeker(id, 20)`` with explanations and
``for_vacancy(id, 50)`` for random ids. Targets (issue 4, 100k x 20k): one
seeker's top-20 with explanations < 50 ms median, one vacancy's top-50 < 200 ms
median. Reports medians, 95th percentiles and the fit time.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.machine import machine_info, write_result
from matcher.generate import generate_city, write_city
from matcher.market import fit_market, load_inputs


def _time(fn, ids) -> list[float]:
    out = []
    for i in ids:
        t0 = time.perf_counter()
        res = fn(i)
        _ = [m.to_dict() for m in res]  # explanations included in the measured time
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run(n_seekers: int, n_vacancies: int, n_queries: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_city(generate_city(n_seekers, n_vacancies, seed=7), Path(tmp))
        inp = load_inputs(paths["seekers"], paths["vacancies"])     # the one route (build_market)
    seekers = inp.seekers
    t0 = time.perf_counter()
    m = fit_market(inp).matcher
    fit = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    sids = rng.choice(seekers["seeker_id"].to_numpy(), size=min(n_queries, len(seekers)), replace=False)
    open_ = m.open_  # the open-post rule (matcher.core.matcher.open_posts)
    open_ids = m.vacancies_["vacancy_id"].to_numpy()[open_]
    vids = rng.choice(open_ids, size=min(max(n_queries // 2, 1), len(open_ids)), replace=False)
    m.for_seeker(str(sids[0]), 20)  # warm caches
    ts = _time(lambda i: m.for_seeker(str(i), 20), sids)
    tv = _time(lambda i: m.for_vacancy(str(i), 50), vids)
    return {
        "seekers": n_seekers, "vacancies": n_vacancies, "fit_seconds": round(fit, 2),
        "for_seeker_top20_ms": {"median": round(float(np.median(ts)), 1), "p95": round(float(np.percentile(ts, 95)), 1),
                                "n": len(ts)},
        "for_vacancy_top50_ms": {"median": round(float(np.median(tv)), 1), "p95": round(float(np.percentile(tv, 95)), 1),
                                 "n": len(tv)},
        "machine": machine_info(),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seekers", type=int, default=100_000)
    ap.add_argument("--vacancies", type=int, default=20_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--smoke", action="store_true", help="a tiny market, for the test suite")
    a = ap.parse_args(argv)
    if a.smoke:
        a.seekers, a.vacancies, a.queries = 300, 100, 10
    res = run(a.seekers, a.vacancies, a.queries)
    s, v = res["for_seeker_top20_ms"], res["for_vacancy_top50_ms"]
    print(f"{a.seekers:,} seekers x {a.vacancies:,} vacancies, fit {res['fit_seconds']} s")
    print(f"for_seeker top-20 with explanations: median {s['median']} ms, p95 {s['p95']} ms (target median < 50 ms)")
    print(f"for_vacancy top-50:                  median {v['median']} ms, p95 {v['p95']} ms (target median < 200 ms)")
    write_result(a.json, res)
    return res


if __name__ == "__main__":
    main()
