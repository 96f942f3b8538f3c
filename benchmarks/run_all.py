"""``make bench``: run every benchmark, keep their JSON, rewrite the README tables.

    python -m benchmarks.run_all [--only NAME ...] [--quick] [--results DIR] [--readme FILE]

Runs each benchmark module under ``benchmarks/`` that exists, each in its own
process (one failing benchmark does not stop the others; a missing module is
skipped with a message):

=====================  ===============================================  =========================
name                   command                                          result
=====================  ===============================================  =========================
occupation_coding      ``python -m benchmarks.occupation_coding``       occupation_coding.json
load_speed             ``python -m benchmarks.load_speed``              load_speed.json
batch_speed            ``python -m benchmarks.batch_speed``             batch_speed.json
ranking_onet_dev       ``python -m benchmarks.ranking --set onet_dev``  ranking_onet_dev.json
ranking_esco_dev       ``python -m benchmarks.ranking --set esco_dev``  ranking_esco_dev.json
simulate               ``python -m benchmarks.simulate``                simulate.json
any other module       ``python -m benchmarks.<module>``                <module>.json
=====================  ===============================================  =========================

Results go to ``benchmarks/results/<name>.json``. Then every block of
``benchmarks/README.md`` between ``<!-- BEGIN name -->`` and ``<!-- END name -->``
is replaced by a freshly rendered table, for the names ``machine``,
``ranking``, ``simulation``, ``simulation_hires``, ``load_speed``,
``batch_speed``, ``occupation_coding`` and the name of any other module
(a generic figure/value table) (a result that is missing leaves its
block untouched; a README without a marker is left alone there). ``--quick``
runs the smoke sizes into ``results/quick/`` and leaves the README alone
(for trying the driver, not for the published figures).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.machine import machine_info, machine_line

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
SHARED_BENCH = ROOT / ".." / "shared" / "bench"


#: modules under benchmarks/ that are helpers, not benchmarks
HELPERS = {"__init__", "machine", "metrics", "baselines", "tune", "run_all"}


def _takes_smoke_flag(module: str) -> bool:
    path = BENCH / f"{module}.py"
    src = path.read_text(encoding="utf-8") if path.exists() else ""
    return re.search(r'"--smoke",\s*action="store_true"', src) is not None


def _jobs(quick: bool) -> list[tuple[str, str, list[str]]]:
    """(result name, module, extra args) in run order: the known benchmarks, then any other module."""
    titles = (ROOT / ".." / "shared" / "data" / "csco22" / "titles_dev.csv").resolve()
    jobs: list[tuple[str, str, list[str]]] = [
        ("occupation_coding", "occupation_coding", ["--titles", str(titles)] + (["--smoke", "200"] if quick else [])),
        ("load_speed", "load_speed", ["--seekers", "2000", "--vacancies", "500"] if quick else []),
        ("batch_speed", "batch_speed", ["--smoke"] if quick else []),
    ]
    for s in ("onet_dev", "esco_dev"):
        jobs.append((f"ranking_{s}", "ranking", ["--set", str((SHARED_BENCH / s).resolve())]
                     + (["--smoke", "30"] if quick else [])))
    jobs.append(("simulate", "simulate", ["--smoke"] if quick else []))
    known = {m for _, m, _ in jobs} | HELPERS
    for path in sorted(BENCH.glob("*.py")):
        mod = path.stem
        if mod in known or "def main" not in path.read_text(encoding="utf-8"):
            continue
        jobs.append((mod, mod, ["--smoke"] if quick and _takes_smoke_flag(mod) else []))
    return jobs


def module_exists(module: str) -> bool:
    """True when ``benchmarks.<module>`` can be imported (its file exists)."""
    return importlib.util.find_spec(f"benchmarks.{module}") is not None


def run_jobs(only: list[str] | None, quick: bool, results: Path) -> dict[str, dict[str, Any]]:
    """Run the selected benchmarks; returns ``{name: {"status", "seconds", "json"}}``."""
    results.mkdir(parents=True, exist_ok=True)
    status: dict[str, dict[str, Any]] = {}
    for name, module, args in _jobs(quick):
        if only and name not in only and module not in only:
            continue
        if not module_exists(module):
            print(f"[skip] {name}: benchmarks/{module}.py does not exist")
            status[name] = {"status": "missing"}
            continue
        out = results / f"{name}.json"
        cmd = [sys.executable, "-m", f"benchmarks.{module}", *args, "--json", str(out)]
        print(f"[run ] {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, check=False)
        secs = round(time.perf_counter() - t0, 1)
        ok = proc.returncode == 0 and out.exists()
        print(f"[{'ok' if ok else 'FAIL':<4}] {name} in {secs} s", flush=True)
        status[name] = {"status": "ok" if ok else f"failed (exit {proc.returncode})", "seconds": secs,
                        "json": str(out)}
    return status


# --------------------------------------------------------------------------- tables


def _f(x: Any, nd: int = 3) -> str:
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return "–" if math.isnan(x) else f"{x:.{nd}f}"
    return str(x)


def _p(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else (f"{x:.1e}" if x < 0.001 else f"{x:.3f}")


def table_ranking(res: dict[str, dict]) -> str | None:
    sets = [res[n] for n in ("ranking_onet_dev", "ranking_esco_dev") if n in res]
    if not sets:
        return None
    metrics = list(sets[0]["engine"])
    head = "| set | ranker | " + " | ".join(metrics) + " |"
    lines = [head, "|" + "---|" * (len(metrics) + 2)]
    for r in sets:
        for who in ("engine", "baseline"):
            lines.append(f"| `{r['set']}` | {who} | " + " | ".join(_f(r[who][m]) for m in metrics) + " |")
        p = r["tests"]["p_values"]
        lines.append(f"| `{r['set']}` | p ({r['tests']['stat_test']}) | " + " | ".join(_p(p.get(m)) for m in metrics) + " |")
    lines.append("")
    lines.append("Baseline: every cell of a row joined, TF-IDF (sublinear tf, word tokens) cosine. "
                 "p: paired test engine vs baseline (ranx `compare`). "
                 + "; ".join(f"`{r['set']}`: {r['n_queries']} seekers x {r['n_vacancies']} vacancies, {r['seconds']} s"
                             for r in sets) + ".")
    return "\n".join(lines)


def table_simulation(res: dict[str, dict]) -> str | None:
    r = res.get("simulate")
    if not r:
        return None
    k = r["k"]
    lines = [f"| period | method | group | n | ndcg@{k} | recall@{k} | mrr |", "|---|---|---|---|---|---|---|"]
    for which, label in (("early", "dev"), ("late", "test")):
        per = r["periods"][which]
        for name in ("engine", "tfidf", "rapidfuzz"):
            if name not in per:
                continue
            for g, v in per[name].items():
                lines.append(f"| {label} | {name} | {g} | {v['n']} | {_f(v[f'ndcg@{k}'])} | {_f(v[f'recall@{k}'])} | "
                             f"{_f(v['mrr'])} |")
    mk = r["market"]
    lines.append("")
    lines.append(f"Market: {mk['seekers']:,} seekers, {mk['open_posts']:,} open posts ({mk['openings']:,} openings), "
                 f"{mk['weeks']} weeks, test from week {mk['split_week']}, seed {mk['seed']}; "
                 f"{mk['applications']:,} applications, {mk['hires']:,} hires.")
    return "\n".join(lines)


def table_simulation_hires(res: dict[str, dict]) -> str | None:
    r = res.get("simulate")
    if not r:
        return None
    eh, cg = r["expected_hires"], r.get("congestion", {})
    lines = ["| top-10 lists | expected hires | coverage | exposure Gini | top-1% share |", "|---|---|---|---|---|"]
    for name, v in eh.items():
        if name in ("n_active_seekers", "openings", "note"):
            continue
        c = cg.get(name, {})
        lines.append(f"| {name} | {_f(float(v), 1)} | {_f(c.get('coverage', math.nan))} | "
                     f"{_f(c.get('gini_exposure', math.nan))} | {_f(c.get('top1pct_share', math.nan))} |")
    lines.append("")
    lines.append(f"Test period: {eh['n_active_seekers']:,} active seekers, {eh['openings']:,} openings left."
                 + (f" {eh['note']}." if "note" in eh else ""))
    return "\n".join(lines)


def _flat(d: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(d, dict):
        for k, v in d.items():
            if k == "machine":
                continue
            out += _flat(v, f"{prefix}{k}." if not isinstance(v, (int, float, str, bool)) or v is None else f"{prefix}{k}")
        return out
    if isinstance(d, (int, float, str, bool)) or d is None:
        return [(prefix.rstrip("."), d)]
    return out


def table_generic(name: str) -> Callable[[dict[str, dict]], str | None]:
    """A two-column table of every scalar in the benchmark's JSON (for modules without a custom table)."""
    def render(res: dict[str, dict]) -> str | None:
        r = res.get(name)
        if not r:
            return None
        rows = [(k, v) for k, v in _flat(r) if not isinstance(v, str) or len(v) < 80]
        return "\n".join(["| figure | value |", "|---|---|"] + [f"| {k} | {_f(v)} |" for k, v in rows])
    return render


def table_report_speed(res: dict[str, dict]) -> str | None:
    """The city-report timing table (``report_speed.json``)."""
    r = res.get("report_speed")
    if not r:
        return None
    bt = r.get("build_timings", {})
    parts = [(f"training counterfactuals on a {r.get('training_sampled', 0):,}-seeker sample", bt.get("training")),
             ("binding causes", bt.get("causes")), ("wage counterfactuals", bt.get("wage_counterfactuals")),
             ("pool scoring", bt.get("score_pool"))]
    detail = ", ".join(f"{name} {v:.1f} s" for name, v in parts if isinstance(v, (int, float)))
    return "\n".join([
        f"`python -m benchmarks.report_speed --seekers {r['seekers']} --vacancies {r['vacancies']}`:", "",
        "| figure | value |", "|---|---|",
        f"| market | {r['seekers']:,} seekers × {r['vacancies']:,} vacancies |",
        f"| load / fit | {r['load_seconds']:.1f} s / {r['fit_seconds']:.1f} s |",
        f"| build (all sections) | {r['build_seconds']:.1f} s — {detail} |",
        f"| render | {r['render_seconds']:.2f} s ({r['html_bytes'] / 1e6:.2f} MB self-contained HTML) |",
        f"| **report total** | **{r['report_total_seconds']:.0f} s** (target < 600 s, batch lists reused) |",
        f"| candidate lists, if no batch is given | {r['batch_equivalent_lists_seconds']:.1f} s "
        "(what the nightly batch already computes) |",
        f"| result | {r['unmatched']:,} seekers without a good match, {r['posts_short']:,} posts short of good "
        "candidates |",
    ])


def table_batch_speed(res: dict[str, dict]) -> str | None:
    """Nightly-batch timings of every ``batch_speed*.json`` run, one row per market size and run."""
    stages = ("load", "fit", "score", "capacity", "explain", "write")
    lines = ["Measured with `python -m benchmarks.batch_speed` (1 worker, every pair scored, top-20 both ways, "
             "default settings, occupation-coder cache warm):", "",
             "| run (commit) | seekers × vacancies | total | " + " | ".join(stages) + " | peak memory |",
             "|---" * (len(stages) + 4) + "|"]
    n = 0
    for name in sorted(k for k in res if k.startswith("batch_speed")):
        r = res[name]
        commit = (r.get("machine") or {}).get("commit") or "?"
        rows = ([r["small"]] if r.get("small") else []) + list(r.get("scaling", []))
        for row in sorted(rows, key=lambda x: (x["seekers"] * x["vacancies"], x["seekers"])):
            t = row.get("timings_seconds", {})
            lines.append(f"| `{name}` ({commit}) | {row['seekers']:,} × {row['vacancies']:,} | "
                         f"{row['wall_seconds']:.1f} s | " + " | ".join(
                             f"{t[s]:.1f} s" if isinstance(t.get(s), (int, float)) else "—" for s in stages)
                         + f" | {row['peak_rss_gb']:.2f} GB |")
            n += 1
    return "\n".join(lines) if n else None


def table_web_load(res: dict[str, dict]) -> str | None:
    """Seeker-page latency without (``web_load.json``) and with (``web_load_batch.json``) a nightly batch."""
    runs = [(label, res[name]) for name, label in (("web_load", "no nightly batch"),
                                                   ("web_load_batch", "with the nightly batch (`--batch`)"))
            if res.get(name)]
    if not runs:
        return None

    def row(label: str, fn: Callable[[dict], str]) -> str:
        return f"| {label} | " + " | ".join(fn(r) for _, r in runs) + " |"

    first = runs[0][1]
    lines = [
        f"`python -m benchmarks.web_load --seekers {first['seekers']} --vacancies {first['vacancies']} "
        f"--clients {first['clients']} --requests {first['requests']} [--batch]`:", "",
        "| figure | " + " | ".join(label for label, _ in runs) + " |", "|---" * (len(runs) + 1) + "|",
        row("market", lambda r: f"{r['seekers']:,} seekers × {r['vacancies']:,} vacancies"),
        row("server processes × threads", lambda r: f"{r.get('server_workers', 1)} × 8"),
        row("import into SQLite", lambda r: f"{r['import_seconds']:.1f} s"),
        row("nightly batch (run before serving)",
            lambda r: f"{r['batch_seconds']:.1f} s" if r.get("batch_seconds") else "–"),
        row("server ready (fit)", lambda r: f"{r['server_ready_seconds']:.1f} s ({r.get('fit_seconds', 0):.1f} s)"),
        row("clients / requests / errors", lambda r: f"{r['clients']} / {r['requests']} / {r['errors']}"),
        row("**seeker page p50 / p95 / p99**",
            lambda r: f"**{r['p50_ms']:.0f} / {r['p95_ms']:.0f} / {r['p99_ms']:.0f} ms**"),
        row("throughput", lambda r: f"{r['requests_per_second']:.0f} requests/s"),
        row("load average before → after", lambda r: " → ".join(f"{x:.2f}" for x in r["load_average_before_after"])),
    ]
    return "\n".join(lines)


TABLES: dict[str, Callable[[dict[str, dict]], str | None]] = {
    "report_speed": table_report_speed,
    "web_load": table_web_load,
    "ranking": table_ranking,
    "simulation": table_simulation,
    "simulation_hires": table_simulation_hires,
    "load_speed": table_generic("load_speed"),
    "batch_speed": table_batch_speed,
    "occupation_coding": table_generic("occupation_coding"),
}


def replace_block(text: str, name: str, body: str) -> tuple[str, bool]:
    """Replace what lies between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` (markers kept)."""
    pat = re.compile(rf"(<!-- BEGIN {re.escape(name)} -->)(.*?)(<!-- END {re.escape(name)} -->)", re.S)
    if not pat.search(text):
        return text, False
    return pat.sub(lambda m: f"{m.group(1)}\n{body}\n{m.group(3)}", text, count=1), True


def load_results(results: Path) -> dict[str, dict]:
    out = {}
    for p in sorted(results.glob("*.json")):
        try:
            out[p.stem] = json.loads(p.read_text(encoding="utf-8"))
        except ValueError:
            print(f"[warn] {p} is not valid JSON; its table is left as it was")
    return out


#: Blocks written by hand from a benchmark's JSON (e.g. two seeds side by side): never replaced by a generic table.
CURATED_BLOCKS = frozenset({"outcomes"})


def rewrite_readme(readme: Path, results: dict[str, dict], only: list[str] | None = None) -> list[str]:
    """Rewrite the marked blocks of ``readme`` (with ``only``, just those blocks and the machine line);
    returns the names rewritten. A missing README is reported."""
    if not readme.exists():
        print(f"[skip] {readme} does not exist: no tables rewritten")
        return []
    text = readme.read_text(encoding="utf-8")
    done = []
    m = machine_info()
    blocks = {"machine": f"Measured on: {machine_line()}; {m['platform']}; commit {m['commit'] or 'uncommitted'}; "
                         f"{time.strftime('%Y-%m-%d')}."}
    tables = dict(TABLES)
    for name in results:
        if name not in tables and not name.startswith(("ranking_", "batch_speed", "web_load")) \
                and name not in ("simulate", "tuned_settings") and name not in CURATED_BLOCKS:
            tables[name] = table_generic(name)
    for name, fn in tables.items():
        if only and name not in only:
            continue
        body = fn(results)
        if body is not None:
            blocks[name] = body
    for name, body in blocks.items():
        text, ok = replace_block(text, name, body)
        if ok:
            done.append(name)
    readme.write_text(text, encoding="utf-8")
    print(f"[ok  ] {readme.name}: rewrote {', '.join(done) or 'nothing (no markers)'}")
    return done


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run every benchmark and rewrite benchmarks/README.md tables.")
    ap.add_argument("--only", nargs="*", default=None, help="names or modules to run, and the README blocks to rewrite (default: all)")
    ap.add_argument("--quick", action="store_true", help="smoke sizes (not for the README)")
    ap.add_argument("--results", type=Path, default=BENCH / "results")
    ap.add_argument("--readme", type=Path, default=BENCH / "README.md")
    ap.add_argument("--tables-only", action="store_true", help="only rewrite the README from existing results")
    a = ap.parse_args(argv)
    results = a.results / "quick" if a.quick else a.results
    status = {} if a.tables_only else run_jobs(a.only, a.quick, results)
    if a.quick:
        print(f"[note] --quick: results in {results}; README tables left as they are")
    else:
        rewrite_readme(a.readme, load_results(results), a.only)
    failed = [n for n, s in status.items() if s["status"].startswith("failed")]
    for n, s in status.items():
        print(f"  {n:<20} {s['status']}" + (f" ({s['seconds']} s)" if "seconds" in s else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
