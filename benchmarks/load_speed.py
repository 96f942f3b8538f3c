"""How long loading (read + normalise + validate) takes for a large market.

    python -m benchmarks.load_speed [--seekers 100000] [--vacancies 20000] [--json OUT]

Generates the market with ``matcher generate`` (seed 7) into a temporary
folder, then times :func:`matcher.io.loader.load_seekers` and
:func:`~matcher.io.loader.load_vacancies` on the CSV files. Target (issue 2):
100,000 seekers and 20,000 vacancies in under 30 s on the 2-core machine.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.machine import machine_info, write_result
from matcher.generate import generate_city, write_city
from matcher.io.loader import load_seekers, load_vacancies


def run(n_seekers: int, n_vacancies: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = write_city(generate_city(n_seekers, n_vacancies, seed=7), Path(tmp))
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        s = load_seekers(paths["seekers"])
        t_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        v = load_vacancies(paths["vacancies"])
        t_v = time.perf_counter() - t0
    return {
        "seekers": n_seekers, "vacancies": n_vacancies,
        "generate_seconds": round(t_gen, 2),
        "load_seekers_seconds": round(t_s, 2), "load_vacancies_seconds": round(t_v, 2),
        "load_total_seconds": round(t_s + t_v, 2),
        "seeker_counts": s.counts, "vacancy_counts": v.counts,
        "machine": machine_info(),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seekers", type=int, default=100_000)
    ap.add_argument("--vacancies", type=int, default=20_000)
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    res = run(a.seekers, a.vacancies)
    print(f"generated {a.seekers:,} x {a.vacancies:,} in {res['generate_seconds']} s")
    print(f"load seekers   {res['load_seekers_seconds']:>7} s  {res['seeker_counts']}")
    print(f"load vacancies {res['load_vacancies_seconds']:>7} s  {res['vacancy_counts']}")
    print(f"total load     {res['load_total_seconds']:>7} s  (target < 30 s)")
    write_result(a.json, res)
    return res


if __name__ == "__main__":
    main()
