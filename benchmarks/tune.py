"""Choose default weights on the dev splits only, and diagnose which dimension helps.

    python -m benchmarks.tune [--sets onet_dev esco_dev sim_early] [--passes 2]
                              [--settings JSON] [--out benchmarks/results/tuned_settings.json]
                              [--diagnose] [--smoke N]

Dev sets: ``../shared/bench/onet_dev``, ``../shared/bench/esco_dev`` and the
early (dev) weeks of the simulated city (:mod:`benchmarks.simulate`, default
size and seed, exported as a set folder). Held-out halves and the simulated
test weeks are never read here.

How: for each set the engine is fitted once; for every judged seeker and
every vacancy the per-dimension comparison scores and evidence masks are
computed once (``matcher.core.compare.score_grid`` with all weights on). A
candidate weight vector is then scored exactly as the engine combines
dimensions (evidence-renormalised weighted mean plus the priority boost —
checked against ``Matcher.score_block`` before tuning starts) and evaluated
with ranx. The objective is the mean over sets of each set's target metric
(onet: ``ndcg@10``, esco: ``mrr-l2``, simulated hires: ``ndcg@10``).
Coordinate search: each weight in turn is multiplied by 0, 0.5, 0.75, 1.5, 2
(weights renormalised to sum 1); a change is kept when the objective rises by
more than ``min_gain`` and no set's target metric falls more than ``max_loss``
(0.01) below its starting value; ``passes`` rounds.

``--diagnose`` prints, per set, the metrics of each dimension alone and of
the engine without each dimension. The proposed settings are written to
``benchmarks/results/tuned_settings.json`` (defaults with the tuned weights);
the lead decides whether to adopt them.
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
from benchmarks.ranking import BenchSet, load_set, smoke_subset

ROOT = Path(__file__).resolve().parents[1]
SHARED_BENCH = ROOT / ".." / "shared" / "bench"
#: target metric per set name prefix
TARGETS = {"onet": "ndcg@10", "esco": "mrr-l2", "sim": "ndcg@10"}
FACTORS = (0.0, 0.5, 0.75, 1.5, 2.0)


def target_metric(set_name: str) -> str:
    for prefix, m in TARGETS.items():
        if set_name.startswith(prefix):
            return m
    return "ndcg@10"


@dataclass
class Components:
    """Per-dimension scores and evidence for judged seekers x all rankable vacancies of one set."""

    name: str
    qrels: dict[str, dict[str, int]]
    query_ids: list[str]
    doc_ids: list[str]
    comps: dict[str, np.ndarray]     # [n_q, n_v] float32
    evidence: dict[str, np.ndarray]  # [n_q, n_v] bool
    boost: np.ndarray                # [n_q, n_v] float32 (priority policy)
    blocked: np.ndarray              # [n_q, n_v] bool: excluded or not rankable
    dims: tuple[str, ...]

    def scores(self, weights: dict[str, float]) -> np.ndarray:
        """Scores combined as :func:`matcher.core.compare.score_grid` does (evidence-renormalised mean + boost)."""
        num = np.zeros(self.blocked.shape)
        den = np.zeros(self.blocked.shape)
        for d in self.dims:
            w = float(weights.get(d, 0.0))
            if w <= 0:
                continue
            e = self.evidence[d]
            den += w * e
            num += w * e * self.comps[d]
        s = np.divide(num, den, out=np.zeros_like(num), where=den > 0) + self.boost
        s[self.blocked] = -np.inf
        return s

    def evaluate(self, weights: dict[str, float], k: int = 10) -> dict[str, float]:
        run = M.run_from_matrix(self.scores(weights), self.query_ids, self.doc_ids, depth=100)
        return M.evaluate_run(self.qrels, run, k)


def extract(bset: BenchSet, settings: Any = None, chunk: int = 200) -> Components:
    """Fit the engine on the set and compute every dimension's scores for the judged seekers."""
    from matcher.core import DIMENSIONS, MatchSettings
    from matcher.core.compare import Grid, score_grid
    from matcher.market import build_market

    market = build_market(bset.seekers_path, bset.vacancies_path, settings=settings)
    base, m = market.settings, market.matcher
    all_on = base.to_dict()
    all_on["weights"] = {d: 1.0 for d in DIMENSIONS}
    st_on = MatchSettings.from_dict(all_on)
    F = m.features_
    s_ids = m.seekers_["seeker_id"].astype(str).tolist()
    v_ids = m.vacancies_["vacancy_id"].astype(str).tolist()
    pos = {s: i for i, s in enumerate(s_ids)}
    vpos = {v: j for j, v in enumerate(v_ids)}
    queries = [q for q in bset.qrels if q in pos]
    a_all = np.array([pos[q] for q in queries], dtype=np.int64)
    b = np.arange(len(v_ids))
    n_q, n_v = len(queries), len(v_ids)
    comps = {d: np.zeros((n_q, n_v), np.float32) for d in DIMENSIONS}
    evid = {d: np.zeros((n_q, n_v), bool) for d in DIMENSIONS}
    boost = np.zeros((n_q, n_v), np.float32)
    for lo in range(0, n_q, chunk):
        gs = score_grid(F, st_on, Grid(a_all[lo:lo + chunk], b))
        for d in DIMENSIONS:
            comps[d][lo:lo + chunk] = gs.components[d]
            evid[d][lo:lo + chunk] = gs.evidence[d]
        boost[lo:lo + chunk] = gs.contributions.get("priority", 0.0)
    blocked = np.zeros((n_q, n_v), bool)
    if base.hard_constraints.exclude_expired:
        blocked[:, F.expired] = True
    for i, q in enumerate(queries):
        cols = [vpos[v] for v in bset.exclude.get(q, ()) if v in vpos]
        blocked[i, cols] = True
    c = Components(bset.name, {q: bset.qrels[q] for q in queries}, queries, v_ids, comps, evid, boost, blocked,
                   tuple(DIMENSIONS))
    # the recombination must reproduce the engine's own scores
    sample = a_all[: min(20, n_q)]
    ref = m.score_block(sample)
    mine = c.scores(base.weights)[: len(sample)]
    fin = np.isfinite(ref) & np.isfinite(mine)
    if len(sample) and not np.allclose(ref[fin], mine[fin], atol=1e-5):
        raise RuntimeError("benchmarks.tune: recombined scores differ from Matcher.score_block; the engine's "
                           "combination formula changed — update Components.scores.")
    return c


def objective(sets: list[Components], weights: dict[str, float]) -> tuple[float, dict[str, dict[str, float]]]:
    per = {c.name: c.evaluate(weights) for c in sets}
    return float(np.mean([per[c.name][target_metric(c.name)] for c in sets])), per


def _norm(w: dict[str, float]) -> dict[str, float]:
    tot = sum(w.values())
    return {d: round(v / tot, 4) for d, v in w.items()} if tot > 0 else dict(w)


def coordinate_search(sets: list[Components], start: dict[str, float], passes: int = 2, min_gain: float = 0.002,
                      max_loss: float = 0.01, log=print) -> tuple[dict[str, float], float, list[dict]]:
    """Greedy coordinate search over the weights (see the module docstring); returns (weights, objective, trace).

    A candidate is rejected when any set's target metric falls more than
    ``max_loss`` below its value at the start (no set is sacrificed for another).
    """
    best = _norm(start)
    best_obj, per0 = objective(sets, best)
    floor = {c.name: per0[c.name][target_metric(c.name)] - max_loss for c in sets}
    trace = [{"weights": best, "objective": best_obj}]
    log(f"start  objective {best_obj:.4f}  {best}")
    for p in range(passes):
        changed = False
        for d in list(best):
            for f in FACTORS:
                if f == 1.0:
                    continue
                cand = dict(best)
                cand[d] = best[d] * f if best[d] > 0 else (0.1 if f > 1 else 0.0)
                if sum(cand.values()) <= 0:
                    continue
                cand = _norm(cand)
                obj, per = objective(sets, cand)
                if any(per[c.name][target_metric(c.name)] < floor[c.name] for c in sets):
                    continue
                if obj > best_obj + min_gain:
                    best, best_obj, changed = cand, obj, True
                    trace.append({"weights": best, "objective": obj})
                    log(f"pass {p + 1} {d:<11} x{f:<4} objective {obj:.4f}  {best}")
        if not changed:
            break
    return best, best_obj, trace


def diagnose(c: Components, weights: dict[str, float]) -> dict[str, dict[str, float]]:
    """Metrics of the full engine, of each dimension alone and of the engine without each dimension."""
    out = {"engine": c.evaluate(weights)}
    for d in c.dims:
        out[f"only {d}"] = c.evaluate({d: 1.0})
        if weights.get(d, 0) > 0:
            out[f"without {d}"] = c.evaluate({x: w for x, w in weights.items() if x != d})
    ev = {d: round(float(c.evidence[d].mean()), 3) for d in c.dims}
    out["evidence_share"] = ev
    return out


def dev_sets(names: list[str], tmp: Path, smoke: int | None) -> list[BenchSet]:
    out = []
    for n in names:
        if n.startswith("sim"):
            from benchmarks.simulate import export_period, simulate_market
            from matcher.generate import generate_city
            size = (400, 120, 4) if smoke else (4000, 1600, 8)
            city = generate_city(size[0], size[1], seed=11, dirty=False, n_outcomes=0)
            market = simulate_market(city, weeks=size[2], seed=11)
            folder = export_period(market, "early", tmp / "sim_early")
            bset = load_set(folder)
            bset.name = "sim_early"
        else:
            folder = Path(n) if Path(n).is_dir() else SHARED_BENCH / n
            bset = load_set(folder)
            if smoke:
                bset = smoke_subset(bset, smoke, tmp / f"{n}_smoke")
                bset.name = n
        out.append(bset)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from matcher.io.settings import read_settings

    ap = argparse.ArgumentParser(description="Tune the engine's default weights on the dev sets.")
    ap.add_argument("--sets", nargs="*", default=["onet_dev", "esco_dev", "sim_early"])
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--min-gain", type=float, default=0.002)
    ap.add_argument("--max-loss", type=float, default=0.01, help="largest drop allowed on any one set")
    ap.add_argument("--settings", default=None, help="starting settings: JSON file or JSON text")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "tuned_settings.json")
    ap.add_argument("--diagnose", action="store_true", help="only print per-dimension diagnostics")
    ap.add_argument("--smoke", type=int, default=None, help="first N judged seekers of each real set")
    ap.add_argument("--json", type=Path, default=None, help="write the before/after report here")
    a = ap.parse_args(argv)
    settings = a.settings
    if settings is not None:
        settings = json.loads(settings) if settings.lstrip().startswith("{") else Path(settings)
    base = read_settings(settings)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        sets = [extract(b, base.to_dict()) for b in dev_sets(a.sets, Path(tmp), a.smoke)]
    print(f"components of {len(sets)} sets in {time.perf_counter() - t0:.1f} s")
    start = dict(base.weights)
    report: dict[str, Any] = {"sets": [c.name for c in sets], "start_weights": start}
    if a.diagnose:
        for c in sets:
            d = diagnose(c, start)
            report[c.name] = d
            print(f"\n{c.name} ({len(c.query_ids)} seekers x {len(c.doc_ids)} vacancies); evidence share "
                  f"{d.pop('evidence_share')}")
            names = M.report_names(10)
            print(f"{'ranker':<22}" + "".join(f"{m:>15}" for m in names))
            for r, vals in d.items():
                print(f"{r:<22}" + "".join(f"{vals[m]:>15.3f}" for m in names))
    else:
        best, obj, trace = coordinate_search(sets, start, passes=a.passes, min_gain=a.min_gain,
                                                max_loss=a.max_loss)
        before = {c.name: c.evaluate(start) for c in sets}
        after = {c.name: c.evaluate(best) for c in sets}
        print(f"\n{'set':<12}{'metric':<16}{'before':>9}{'after':>9}")
        for c in sets:
            for m in M.report_names(10):
                print(f"{c.name:<12}{m:<16}{before[c.name][m]:>9.3f}{after[c.name][m]:>9.3f}")
        proposed = base.to_dict()
        proposed["weights"] = best
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(proposed, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        print(f"\nproposed weights {best} (objective {obj:.4f}) written to {a.out}")
        report.update({"best_weights": best, "objective": obj, "before": before, "after": after, "trace": trace})
    report["seconds"] = round(time.perf_counter() - t0, 1)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
