"""One ``matcher match`` answered from a saved market vs the old refit on every call.

    python -m benchmarks.market_query [--seekers sample_data/seekers.csv --vacancies sample_data/vacancies.csv]
                                      [--calls 3] [--reference-date 2026-11-15] [--json OUT] [--smoke]

Both sides are the command a user types, run as a fresh process each time
(Python start-up and imports included, as a user waits for them):

* ``refit``: ``matcher match --seekers S --vacancies V --seeker ID --json``
  — load, normalise and fit the whole market for one answer (issue 12: 10-15 s
  on the 3,000-seeker sample);
* ``saved``: ``matcher match --market DIR --seeker ID --json`` on the market
  that :func:`matcher.market.build_market` built once and
  :meth:`~matcher.market.Market.save` wrote (what ``matcher batch`` does into
  ``OUT/market``).

It also times, inside one process, :func:`matcher.market.load_market` and
one ``for_seeker`` on the loaded market (what the command spends after its
imports). The two answers must be identical (same JSON), else the benchmark
fails. Figures are medians over ``--calls`` seekers. ``--smoke`` uses a
generated 300 x 100 market and one call.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.machine import machine_info, write_result

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


#: compiled bytecode is kept here between the measured processes, as on any machine where Python may write
#: ``__pycache__`` (with PYTHONDONTWRITEBYTECODE set and no cache, every process would recompile
#: scikit-learn, SciPy and pandas from source: ~9 s of CPU per call that no user pays)
PYCACHE = Path(tempfile.gettempdir()) / "matcher-bench-pycache"


def _cli(args: list[str]) -> tuple[float, str, float]:
    """Run ``matcher ARGS`` in a fresh process; (wall seconds, stdout, CPU seconds of the child).

    Raises on a non-zero exit. CPU time (user + system) does not grow when
    other jobs share the cores, wall time does.
    """
    cmd = [sys.executable, "-c", "import sys; from matcher.cli import main; sys.exit(main())", *args]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False, env=env)
    took = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"matcher {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return took, proc.stdout, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def run(seekers: Path, vacancies: Path, calls: int = 3, reference_date: str = "2026-11-15", seed: int = 0) -> dict:
    from matcher.market import build_market, load_market

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "market"
        t0 = time.perf_counter()
        market = build_market(seekers, vacancies, reference_date=reference_date)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        market.save(folder)
        save_s = time.perf_counter() - t0
        ids = market.seekers["seeker_id"].astype(str).to_numpy()
        rng = np.random.default_rng(seed)
        pick = [str(x) for x in rng.choice(ids, size=min(calls, len(ids)), replace=False)]
        refit, saved, refit_cpu, saved_cpu, load_s, query_ms = [], [], [], [], [], []
        _cli(["match", "--market", str(folder), "--seeker", pick[0], "--json"])   # untimed: fills the bytecode cache
        load_before = os.getloadavg()[0]
        for sid in pick:
            t_r, out_r, c_r = _cli(["match", "--seekers", str(seekers), "--vacancies", str(vacancies),
                               "--reference-date", reference_date, "--seeker", sid, "--json"])
            t_s, out_s, c_s = _cli(["match", "--market", str(folder), "--seeker", sid, "--json"])
            if json.loads(out_r) != json.loads(out_s):
                raise AssertionError(f"seeker {sid}: the saved market answers differently from a refit")
            refit.append(t_r)
            saved.append(t_s)
            refit_cpu.append(c_r)
            saved_cpu.append(c_s)
            t0 = time.perf_counter()
            loaded = load_market(folder)
            load_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            loaded.matcher.for_seeker(sid, loaded.settings.top_k)
            query_ms.append((time.perf_counter() - t0) * 1000)
        size = sum(p.stat().st_size for p in folder.iterdir())
    med = lambda xs: round(float(np.median(xs)), 3)  # noqa: E731
    return {
        "seekers_file": str(seekers), "vacancies_file": str(vacancies), "reference_date": reference_date,
        "counts": market.counts(), "calls": len(pick), "seeker_ids": pick,
        "build_market_seconds": round(build_s, 2), "save_seconds": round(save_s, 2),
        "market_folder_mb": round(size / 1e6, 2),
        "refit_per_call_seconds": med(refit), "saved_market_call_seconds": med(saved),
        "refit_per_call_cpu_seconds": med(refit_cpu), "saved_market_call_cpu_seconds": med(saved_cpu),
        "speedup": round(float(np.median(refit)) / max(float(np.median(saved)), 1e-9), 1),
        "load_market_seconds": med(load_s), "for_seeker_ms_after_load": med(query_ms),
        "answers_identical": True, "load_average_before": round(load_before, 2),
        "bytecode_cache": "PYTHONPYCACHEPREFIX (warmed by one untimed call)", "machine": machine_info(),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seekers", type=Path, default=SAMPLE / "seekers.csv")
    ap.add_argument("--vacancies", type=Path, default=SAMPLE / "vacancies.csv")
    ap.add_argument("--calls", type=int, default=3)
    ap.add_argument("--reference-date", default="2026-11-15")
    ap.add_argument("--smoke", action="store_true", help="A generated 300 x 100 market, one call (make test).")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    if a.smoke:
        from matcher.generate import generate_city, write_city

        with tempfile.TemporaryDirectory() as tmp:
            paths = write_city(generate_city(300, 100, seed=7), Path(tmp))
            res = run(paths["seekers"], paths["vacancies"], 1, a.reference_date)
    else:
        res = run(a.seekers, a.vacancies, a.calls, a.reference_date)
    print(f"market {res['counts']} (reference date {res['reference_date']})")
    print(f"build_market {res['build_market_seconds']} s, save {res['save_seconds']} s "
          f"({res['market_folder_mb']} MB)")
    print(f"matcher match, refit per call : {res['refit_per_call_seconds']:>7.2f} s wall, "
          f"{res['refit_per_call_cpu_seconds']:.2f} s CPU (median of {res['calls']})")
    print(f"matcher match --market        : {res['saved_market_call_seconds']:>7.2f} s wall, "
          f"{res['saved_market_call_cpu_seconds']:.2f} s CPU "
          f"(x{res['speedup']}; in-process load_market {res['load_market_seconds']} s + "
          f"for_seeker {res['for_seeker_ms_after_load']} ms)")
    write_result(a.json, res)
    return res


if __name__ == "__main__":
    main()
