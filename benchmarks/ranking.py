"""Ranking quality on an expert-labelled set: the engine against the TF-IDF baseline.

    python -m benchmarks.ranking --set DIR [--k 10] [--json OUT] [--smoke N]
                                 [--settings JSON] [--test student|fisher] [--exhaustive]

``DIR`` holds ``seekers.csv`` and ``vacancies.csv`` (or ``.xlsx`` / ``.parquet``),
``qrels.json`` (``{seeker_id: {vacancy_id: grade}}``) and optionally
``exclude.json`` (``{seeker_id: [vacancy_id, ...]}``), as described in
``../shared/SCHEMA.md``. In one run:

* the engine: load → normalise (:mod:`matcher.io.loader`) → fit
  (:class:`matcher.core.Matcher`) → each judged seeker's top vacancies
  (``top_k_block``, the path the nightly batch serves), excluded vacancies
  dropped, 100 kept;
* the reference baseline: every cell of a row joined into one document,
  TF-IDF cosine (:class:`benchmarks.baselines.TfidfAllCells`, word analyser,
  which reproduces ``../shared/bench/README.md``);
* ranx metrics for both (:mod:`benchmarks.metrics`) and a paired test
  (ranx ``compare``; Student's t by default) of engine vs baseline.

``--smoke N`` keeps the first N judged seekers (file order), the vacancies
they are judged on or excluded from, and a fixed random sample of the rest
(seed 0), so the suite can run it in seconds. The JSON written by ``--json``::

    {"set", "n_queries", "n_vacancies", "k", "seconds", "engine": {metric: value},
     "baseline": {metric: value}, "tests": {"stat_test", "p_values": {metric: p}},
     "timings": {...}, "settings": {...}, "smoke": N or null}
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import metrics as M
from benchmarks.baselines import TfidfAllCells, find_column, read_raw
from matcher.errors import InputFileError

TABLE_EXTENSIONS = (".csv", ".xlsx", ".parquet")
DEPTH = 100


@dataclass
class BenchSet:
    """A set folder: table paths, judgements and exclusions (ids as strings)."""

    name: str
    seekers_path: Path
    vacancies_path: Path
    qrels: dict[str, dict[str, int]]
    exclude: dict[str, list[str]]


def _find_table(folder: Path, stem: str) -> Path:
    for ext in TABLE_EXTENSIONS:
        p = folder / f"{stem}{ext}"
        if p.exists():
            return p
    raise InputFileError(f"{folder} has no {stem} table; expected one of "
                         f"{', '.join(stem + e for e in TABLE_EXTENSIONS)}.")


def load_set(folder: str | Path) -> BenchSet:
    """Read a set folder (see the module docstring). Raises :class:`InputFileError` on a missing or bad file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(f"Benchmark set folder not found: {folder}.")
    qpath = folder / "qrels.json"
    try:
        raw = json.loads(qpath.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputFileError(f"Cannot read {qpath}: {exc}. Every set needs qrels.json.") from exc
    except ValueError as exc:
        raise InputFileError(f"{qpath} is not valid JSON: {exc}.") from exc
    if not isinstance(raw, dict) or not raw:
        raise InputFileError(f"{qpath} must be a non-empty object {{seeker_id: {{vacancy_id: grade}}}}.")
    qrels: dict[str, dict[str, int]] = {}
    for s, docs in raw.items():
        if not isinstance(docs, dict):
            raise InputFileError(f"{qpath}: judgements of seeker {s!r} must be an object {{vacancy_id: grade}}.")
        try:
            kept = {str(v).strip(): int(g) for v, g in docs.items() if int(g) >= 1}
        except (TypeError, ValueError) as exc:
            raise InputFileError(f"{qpath}: seeker {s!r} has a grade that is not a whole number ({exc}).") from exc
        if kept:
            qrels[str(s).strip()] = kept
    exclude: dict[str, list[str]] = {}
    epath = folder / "exclude.json"
    if epath.exists():
        try:
            ex = json.loads(epath.read_text(encoding="utf-8-sig"))
        except ValueError as exc:
            raise InputFileError(f"{epath} is not valid JSON: {exc}.") from exc
        if not isinstance(ex, dict):
            raise InputFileError(f"{epath} must be an object {{seeker_id: [vacancy_id, ...]}}.")
        exclude = {str(k).strip(): [str(x).strip() for x in v] for k, v in ex.items()}
    return BenchSet(folder.name, _find_table(folder, "seekers"), _find_table(folder, "vacancies"), qrels, exclude)


def smoke_subset(bset: BenchSet, n: int, out_dir: Path, seed: int = 0, extra_vacancies: int | None = None) -> BenchSet:
    """The first ``n`` judged seekers, their judged/excluded vacancies and a random sample of others.

    ``extra_vacancies`` (default ``max(100, 4 n)``) unjudged vacancies are added
    (seed ``seed``) so the ranking is not trivial. Writes CSV files to ``out_dir``.
    """
    s_raw, v_raw = read_raw(bset.seekers_path), read_raw(bset.vacancies_path)
    s_id = find_column(s_raw, "seekers", "seeker_id")
    v_id = find_column(v_raw, "vacancies", "vacancy_id")
    if s_id is None or v_id is None:
        raise InputFileError("The set's tables need seeker_id / vacancy_id columns.")
    sid = s_raw[s_id].str.strip()
    chosen = sid[sid.isin(bset.qrels.keys())].drop_duplicates().head(int(n)).tolist()
    need = {v for s in chosen for v in bset.qrels[s]} | {v for s in chosen for v in bset.exclude.get(s, [])}
    vid = v_raw[v_id].str.strip()
    rest = np.flatnonzero(~vid.isin(need).to_numpy())
    extra = max(100, 4 * int(n)) if extra_vacancies is None else int(extra_vacancies)
    pick = np.random.default_rng(seed).choice(rest, size=min(extra, len(rest)), replace=False)
    keep = vid.isin(need).to_numpy()
    keep[pick] = True
    out_dir.mkdir(parents=True, exist_ok=True)
    s_sub = s_raw[sid.isin(chosen).to_numpy()]
    s_sub.to_csv(out_dir / "seekers.csv", index=False)
    v_raw[keep].to_csv(out_dir / "vacancies.csv", index=False)
    qrels = {s: bset.qrels[s] for s in chosen}
    exclude = {s: bset.exclude[s] for s in chosen if s in bset.exclude}
    return BenchSet(f"{bset.name}[smoke {n}]", out_dir / "seekers.csv", out_dir / "vacancies.csv", qrels, exclude)


def max_excluded(exclude: dict[str, list[str]], queries: list[str]) -> int:
    return max((len(exclude.get(q, ())) for q in queries), default=0)


def engine_run(bset: BenchSet, settings: Any = None, depth: int = DEPTH, blocking: bool | None = None
               ) -> tuple[M.Run, dict[str, Any]]:
    """Load, normalise, fit and rank every judged seeker; returns (ranx run, info with timings and counts)."""
    from matcher.market import fit_market, load_inputs

    info: dict[str, Any] = {}
    t0 = time.perf_counter()
    inp = load_inputs(bset.seekers_path, bset.vacancies_path, settings=settings)   # the one route (build_market)
    info["load_seconds"] = round(time.perf_counter() - t0, 2)
    info["seekers_loaded"], info["vacancies_loaded"] = inp.inputs["seekers"]["counts"], inp.inputs["vacancies"]["counts"]
    t0 = time.perf_counter()
    market = fit_market(inp)
    m = market.matcher
    info["fit_seconds"] = round(time.perf_counter() - t0, 2)
    info["settings"] = market.settings.to_dict()
    info["reference_date"] = market.reference_date.isoformat()
    s_ids = m.seekers_["seeker_id"].astype(str).tolist()
    pos = {s: i for i, s in enumerate(s_ids)}
    queries = [q for q in bset.qrels if q in pos]
    info["queries_missing"] = sorted(set(bset.qrels) - set(queries))
    t0 = time.perf_counter()
    k = depth + max_excluded(bset.exclude, queries)
    v_ids = m.vacancies_["vacancy_id"].astype(str).tolist()
    run: M.Run = {}
    step = 256
    for a in range(0, len(queries), step):
        chunk = queries[a:a + step]
        idx, sc = m.top_k_block(np.array([pos[q] for q in chunk], dtype=np.int64), k, blocking=blocking)
        run.update(M.run_from_topk(idx, sc, chunk, v_ids, depth=depth, exclude=bset.exclude))
    info["rank_seconds"] = round(time.perf_counter() - t0, 2)
    info["matcher"] = m
    return run, info


def baseline_run(bset: BenchSet, depth: int = DEPTH, analyzer: str = "word") -> tuple[M.Run, dict[str, Any]]:
    """The reference TF-IDF-over-all-cells run of every judged seeker."""
    t0 = time.perf_counter()
    s_raw, v_raw = read_raw(bset.seekers_path), read_raw(bset.vacancies_path)
    b = TfidfAllCells(analyzer=analyzer).fit(s_raw, v_raw)
    pos = {s: i for i, s in enumerate(b.seeker_ids_)}
    queries = [q for q in bset.qrels if q in pos]
    vpos = {v: j for j, v in enumerate(b.vacancy_ids_)}
    run: M.Run = {}
    step = 512
    for a in range(0, len(queries), step):
        chunk = queries[a:a + step]
        scores = b.score_block(np.array([pos[q] for q in chunk]))
        run.update(M.run_from_matrix(scores, chunk, b.vacancy_ids_, depth=depth, exclude=bset.exclude,
                                     doc_index=vpos))
    return run, {"seconds": round(time.perf_counter() - t0, 2)}


def run_benchmark(set_dir: str | Path, k: int = 10, smoke: int | None = None, settings: Any = None,
                  stat_test: str = "student", blocking: bool | None = None) -> dict[str, Any]:
    """Engine vs baseline on one set folder; returns the JSON-ready result (see the module docstring)."""
    t_all = time.perf_counter()
    bset = load_set(set_dir)
    with tempfile.TemporaryDirectory() as tmp:
        if smoke:
            bset = smoke_subset(bset, smoke, Path(tmp))
        e_run, e_info = engine_run(bset, settings, blocking=blocking)
        b_run, b_info = baseline_run(bset)
    qrels = bset.qrels
    engine = M.evaluate_run(qrels, e_run, k)
    baseline = M.evaluate_run(qrels, b_run, k)
    p = M.compare_runs(qrels, {"baseline": b_run, "engine": e_run}, reference="baseline", k=k,
                       stat_test=stat_test)["engine"]
    n_vac = e_info["vacancies_loaded"]["accepted"]
    e_info.pop("matcher", None)
    return {
        "set": bset.name, "path": str(Path(set_dir)), "n_queries": len(qrels), "n_vacancies": n_vac, "k": k,
        "seconds": round(time.perf_counter() - t_all, 2), "smoke": smoke,
        "engine": {m: round(v, 4) for m, v in engine.items()},
        "baseline": {m: round(v, 4) for m, v in baseline.items()},
        "tests": {"stat_test": stat_test, "reference": "baseline", "p_values": {m: float(v) for m, v in p.items()}},
        "timings": {"engine_load": e_info["load_seconds"], "engine_fit": e_info["fit_seconds"],
                    "engine_rank": e_info["rank_seconds"], "baseline": b_info["seconds"]},
        "queries_missing": e_info["queries_missing"],
        "settings": e_info["settings"],
    }


def format_table(res: dict[str, Any]) -> str:
    """A readable table: one row per metric, engine, baseline, difference and p-value."""
    lines = [f"set {res['set']}: {res['n_queries']} judged seekers x {res['n_vacancies']} vacancies "
             f"({res['seconds']} s)",
             f"{'metric':<16}{'engine':>9}{'baseline':>10}{'diff':>9}{'p':>10}"]
    p = res["tests"]["p_values"]
    for m, e in res["engine"].items():
        b = res["baseline"][m]
        pv = p.get(m, float("nan"))
        star = " *" if pv < 0.05 and e > b else ""
        lines.append(f"{m:<16}{e:>9.3f}{b:>10.3f}{e - b:>+9.3f}{pv:>10.2g}{star}")
    lines.append(f"paired {res['tests']['stat_test']} test vs baseline; * engine better with p < 0.05")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description="Engine vs TF-IDF baseline on a labelled set (ranx metrics).")
    ap.add_argument("--set", required=True, type=Path, help="folder with seekers, vacancies, qrels.json [exclude.json]")
    ap.add_argument("--k", type=int, default=10, help="cut-off of ndcg/recall/hit_rate (default 10)")
    ap.add_argument("--json", type=Path, default=None, help="write the result as JSON here")
    ap.add_argument("--smoke", type=int, default=None, help="use only the first N judged seekers")
    ap.add_argument("--settings", default=None, help="engine settings: JSON file or JSON text (default: shipped)")
    ap.add_argument("--test", default="student", choices=M.STAT_TESTS, help="paired test (default student)")
    ap.add_argument("--exhaustive", action="store_true", help="score every vacancy (no candidate blocking)")
    a = ap.parse_args(argv)
    settings = a.settings
    if settings is not None and not settings.lstrip().startswith("{"):
        settings = Path(settings)
    elif settings is not None:
        settings = json.loads(settings)
    res = run_benchmark(a.set, k=a.k, smoke=a.smoke, settings=settings, stat_test=a.test,
                        blocking=False if a.exhaustive else None)
    print(format_table(res))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return res


if __name__ == "__main__":
    main()
