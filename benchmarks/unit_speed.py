"""Speed of the building blocks whose unit tests used to assert wall-clock limits.

    python -m benchmarks.unit_speed [--repeat 3] [--only CASE ...] [--smoke] [--json OUT]

Unit tests check what these functions return; how long they take is
measured here (best of ``--repeat`` runs, seconds) against the limits the
tests used to assert, and recorded with the machine:

* ``parse_dates`` on 100,000 date cells (5% ``/``-separated, 2% empty) — was < 3 s;
* ``derive_groups_frame`` on 100,000 seekers — was < 2 s;
* fitting a fresh ``SkillNormaliser`` and normalising 20,000 skill texts — was < 20 s;
* fitting ``OccupationProximity`` (lexicon already loaded) — was < 10 s.
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.machine import machine_info, write_result

#: the limits the unit tests used to assert (seconds)
LIMITS = {"parse_dates_100k": 3.0, "derive_groups_100k": 2.0, "skill_normaliser_fit_20k": 20.0,
          "occupation_proximity_fit": 10.0}


def date_cells(n: int = 100_000) -> pd.Series:
    """``n`` ISO date cells from 1960 on; every 20th written with ``/``, every 50th (from 7) empty (2%)."""
    rng = np.random.default_rng(0)
    base = pd.Timestamp("1960-01-01")
    cells = (base + pd.to_timedelta(rng.integers(0, 20000, n), unit="D")).strftime("%Y-%m-%d").tolist()
    for i in range(0, len(cells), 20):
        cells[i] = cells[i].replace("-", "/")
    for i in range(7, len(cells), 50):
        cells[i] = None
    return pd.Series(cells, dtype=object)


def seeker_people(n: int = 100_000) -> pd.DataFrame:
    """``n`` seekers' gender, age (5% unknown), hukou, declared groups and registration, on a sparse index."""
    rng = np.random.default_rng(1)
    ages = pd.array(rng.integers(16, 70, n), dtype="Int64")
    ages[rng.random(n) < 0.05] = pd.NA
    decl_pool = [[], ["graduate"], ["4045"], ["rural_migrant", "disabled"]]
    return pd.DataFrame({
        "gender": rng.choice(np.array(["F", "M", None], dtype=object), n),
        "age": ages,
        "hukou": rng.choice(np.array(["urban", "rural", None], dtype=object), n),
        "priority_groups": [list(decl_pool[i]) for i in rng.integers(0, 4, n)],
        "registered_unemployed": rng.random(n) < 0.5,
    }, index=np.arange(n) * 3)


def _dates() -> Callable[[], object]:
    from matcher.normalise.dates import parse_dates

    series = date_cells()
    return lambda: parse_dates(series)


def _groups() -> Callable[[], object]:
    from matcher.normalise.people import derive_groups_frame

    df = seeker_people()
    return lambda: derive_groups_frame(df)


def _skills() -> Callable[[], object]:
    from matcher.skills.normaliser import SkillNormaliser

    syn = np.array(list(SkillNormaliser().fit().lexicon_.synonyms))
    rng = np.random.default_rng(0)
    pre = np.array(["", "会", "熟练", "有", "懂"])
    texts = [f"{p}{s}{i % 7 or ''}" for i, (p, s) in
             enumerate(zip(rng.choice(pre, 20_000), rng.choice(syn, 20_000)))]
    return lambda: SkillNormaliser().fit().normalise_many(texts)


def _proximity() -> Callable[[], object]:
    from matcher.occupations.proximity import OccupationProximity
    from matcher.skills.lexicon import load_lexicon

    load_lexicon()  # cached; its load time is not the proximity's
    return lambda: OccupationProximity().fit()


CASES: dict[str, Callable[[], Callable[[], object]]] = {
    "parse_dates_100k": _dates, "derive_groups_100k": _groups,
    "skill_normaliser_fit_20k": _skills, "occupation_proximity_fit": _proximity,
}


def run(repeat: int = 3, only: list[str] | None = None) -> dict:
    rows = []
    for name, make in CASES.items():
        if only and name not in only:
            continue
        fn = make()
        times = []
        for _ in range(max(1, repeat)):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        best = min(times)
        rows.append({"case": name, "best_seconds": round(best, 3), "median_seconds": round(float(np.median(times)), 3),
                     "old_test_limit_seconds": LIMITS[name], "within_old_limit": bool(best < LIMITS[name])})
    return {"repeat": repeat, "rows": rows, "machine": machine_info()}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", action="append", choices=list(CASES), help="Run only this case (repeatable).")
    ap.add_argument("--smoke", action="store_true", help="One run of the two quick cases (make test).")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    res = run(1, ["parse_dates_100k", "derive_groups_100k"]) if a.smoke else run(a.repeat, a.only)
    for r in res["rows"]:
        print(f"{r['case']:<28} best {r['best_seconds']:>7.3f} s  median {r['median_seconds']:>7.3f} s  "
              f"(old test limit {r['old_test_limit_seconds']} s)")
    write_result(a.json, res)
    return res


if __name__ == "__main__":
    main()
