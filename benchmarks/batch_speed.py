"""How long the nightly batch takes, how much memory it needs, and how it compares with a naive script.

    python -m benchmarks.batch_speed [--sizes 10000,30000,100000] [--vacancies 20000]
                                     [--small 10000x2000] [--naive 2000x1000] [--workers 1]
                                     [--json OUT] [--smoke]

For every size a market is generated with ``matcher generate`` (seed 7) and
``matcher batch`` (top-20 both ways, exhaustive, capacity-aware) runs in a
child process, so its peak resident memory (``ru_maxrss``) is measured alone.
In the same run the *naive approach* a user might write — a pandas cross join
of the two tables scored pair by pair with rapidfuzz, then ``nlargest`` per
seeker — runs on a small market (default 2,000 x 1,000), next to the batch on
the same market; the ratio of their times is reported.

Targets (issue 5): 100,000 x 20,000 in under 5 minutes and under 8 GB peak;
10,000 x 2,000 in under 20 s. ``--smoke`` runs a tiny version in seconds (used
by the test suite so this script cannot rot).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(seekers: Path, vacancies: Path, out: Path, top_k: int, workers: int, settings: str | None) -> dict:
    """Run one batch in this process and report its timings and peak memory."""
    from matcher.batch import BatchConfig, run_batch

    t0 = time.perf_counter()
    rec = run_batch(BatchConfig(seekers, vacancies, out, top_k=top_k, workers=workers, settings=settings))
    wall = time.perf_counter() - t0
    return {"wall_seconds": round(wall, 2), "timings_seconds": rec["timings_seconds"],
            "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 3),
            "pairs_scored": rec["counts"]["pairs_scored"], "open_vacancies": rec["counts"]["open_vacancies"],
            "congestion": rec["congestion"]}


def run_batch_child(seekers: Path, vacancies: Path, out: Path, top_k: int, workers: int,
                    settings: str | None) -> dict:
    """Run :func:`_child` in a fresh interpreter; returns its JSON report."""
    cmd = [sys.executable, "-m", "benchmarks.batch_speed", "--child", str(seekers), str(vacancies), str(out),
           "--top-k", str(top_k), "--workers", str(workers)]
    if settings:
        cmd += ["--settings", settings]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"batch child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def naive_top_k(seekers_csv: Path, vacancies_csv: Path, top_k: int) -> dict:
    """The obvious script: cross join, rapidfuzz per pair, nlargest per seeker. Returns time and size."""
    import pandas as pd
    from rapidfuzz import fuzz

    t0 = time.perf_counter()
    s = pd.read_csv(seekers_csv, dtype=str).fillna("")
    v = pd.read_csv(vacancies_csv, dtype=str).fillna("")
    s["s_text"] = s.get("skills", "") + " " + s.get("desired_titles", "") + " " + s.get("experience", "")
    v["v_text"] = v.get("title", "") + " " + v.get("required_skills", "") + " " + v.get("description", "")
    pairs = s[["seeker_id", "s_text", "district"]].merge(
        v[["vacancy_id", "v_text", "district"]].rename(columns={"district": "v_district"}), how="cross")
    pairs["score"] = [fuzz.token_set_ratio(a, b) / 100 * 0.8 + (0.2 if d == e else 0.0)
                      for a, b, d, e in zip(pairs["s_text"], pairs["v_text"], pairs["district"], pairs["v_district"])]
    top = pairs.sort_values(["seeker_id", "score", "vacancy_id"], ascending=[True, False, True]) \
               .groupby("seeker_id").head(top_k)
    return {"seconds": round(time.perf_counter() - t0, 2), "pairs": int(len(pairs)), "rows": int(len(top))}


def _market(n: int, m: int, folder: Path) -> dict[str, Path]:
    from matcher.generate import generate_city, write_city

    return write_city(generate_city(n, m, seed=7), folder)


def run(sizes: list[int], n_vacancies: int, small: tuple[int, int] | None, naive: tuple[int, int],
        top_k: int = 20, workers: int = 1, settings: str | None = None) -> dict:
    from benchmarks.machine import machine_info

    res: dict = {"machine": machine_info(), "top_k": top_k, "workers": workers, "scaling": [], "small": None}
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        runs = [("scaling", n, n_vacancies) for n in sizes]
        if small:
            runs.insert(0, ("small", *small))
        done: dict[tuple[int, int], tuple[dict, dict]] = {}
        for kind, n, m in runs:
            d = tmpd / f"m{n}x{m}"
            t0 = time.perf_counter()
            paths = _market(n, m, d)
            gen = time.perf_counter() - t0
            row = {"seekers": n, "vacancies": m, "generate_seconds": round(gen, 2),
                   **run_batch_child(paths["seekers"], paths["vacancies"], d / "out", top_k, workers, settings)}
            done[(n, m)] = (paths, row)
            print(_fmt(row), flush=True)
            if kind == "small":
                res["small"] = row
            else:
                res["scaling"].append(row)
        if tuple(naive) in done:  # same market already batched in this run
            paths, bt = done[tuple(naive)]
        else:
            d = tmpd / "naive"
            paths = _market(naive[0], naive[1], d)
            bt = run_batch_child(paths["seekers"], paths["vacancies"], d / "out", top_k, workers, settings)
        nv = naive_top_k(paths["seekers"], paths["vacancies"], top_k)
        res["naive"] = {"seekers": naive[0], "vacancies": naive[1], "naive": nv,
                        "batch_wall_seconds": bt["wall_seconds"], "batch_timings_seconds": bt["timings_seconds"],
                        "ratio_naive_over_batch": round(nv["seconds"] / max(bt["wall_seconds"], 1e-9), 2),
                        # the naive script does no fitting: compare with the batch minus its fit stage, and
                        # with the score stage alone (top-k both ways, the work the naive script does one way)
                        "ratio_naive_over_batch_without_fit": round(
                            nv["seconds"] / max(bt["wall_seconds"] - bt["timings_seconds"].get("fit", 0), 1e-9), 2),
                        "ratio_naive_over_batch_score_stage": round(
                            nv["seconds"] / max(bt["timings_seconds"].get("score", 0), 1e-9), 2)}
        print(f"naive cross join + rapidfuzz on {naive[0]:,} x {naive[1]:,}: {nv['seconds']} s; "
              f"batch (load, fit, both ways, capacity, explain, write): {bt['wall_seconds']} s; "
              f"ratio {res['naive']['ratio_naive_over_batch']}x end to end, "
              f"{res['naive']['ratio_naive_over_batch_without_fit']}x without the fit stage, "
              f"{res['naive']['ratio_naive_over_batch_score_stage']}x on scoring alone", flush=True)
    return res


def _fmt(row: dict) -> str:
    t = row["timings_seconds"]
    cg = row["congestion"]
    return (f"{row['seekers']:>7,} x {row['vacancies']:>6,}: total {row['wall_seconds']:>7.1f} s "
            f"(load {t.get('load', 0):.1f}, fit {t.get('fit', 0):.1f}, score {t.get('score', 0):.1f}, "
            f"capacity {t.get('capacity', 0):.1f}, explain {t.get('explain', 0):.1f}, write {t.get('write', 0):.1f}) "
            f"peak {row['peak_rss_gb']:.2f} GB; gini pure {cg['pure']['gini_exposure']:.3f} -> capacity "
            f"{cg['capacity']['gini_exposure']:.3f}, coverage {cg['pure']['coverage']:.1%} -> "
            f"{cg['capacity']['coverage']:.1%}, score loss {cg['capacity']['mean_score_loss']:.4f}")


def _pair(text: str) -> tuple[int, int]:
    a, b = text.lower().split("x")
    return int(a), int(b)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--vacancies", type=int, default=20_000)
    ap.add_argument("--small", default="10000x2000", help="extra run for the 20 s target ('' to skip)")
    ap.add_argument("--naive", default="2000x1000")
    ap.add_argument("--top-k", type=int, default=20)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--settings", default=None, help="match settings JSON (file or string)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, runs in seconds")
    ap.add_argument("--child", nargs=3, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(_child(Path(a.child[0]), Path(a.child[1]), Path(a.child[2]), a.top_k, a.workers,
                                a.settings)))
        return {}
    if a.smoke:
        res = run([300], 100, None, (300, 100), top_k=5, workers=1, settings=a.settings)
    else:
        res = run([int(x) for x in a.sizes.split(",") if x], a.vacancies, _pair(a.small) if a.small else None,
                  _pair(a.naive), top_k=a.top_k, workers=a.workers, settings=a.settings)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
    return res


if __name__ == "__main__":
    main()
