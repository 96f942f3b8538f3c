"""Ranking metrics and paired significance tests: thin wrappers over ranx.

Runs and qrels are plain ``{query_id: {doc_id: value}}`` dicts (the format
ranx reads): in a run the value is the score (higher = ranked earlier), in
qrels it is the integer relevance grade (>= 1).

Reported metric names are ranx's (``ndcg@10``, ``recall@10``, ``map@100``,
``mrr``). The *top-grade* metrics ``mrr-l2`` and ``hit_rate@10-l2`` are
computed by ranx on a second qrels that keeps only items of grade >= 2 and
only the queries that have one (so a query without a top-grade answer is
left out rather than counted as a miss).

Nothing here hand-computes a metric; the tests check these wrappers against
hand-computed values.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

Run = dict[str, dict[str, float]]
Qrels = dict[str, dict[str, int]]

#: ranx paired tests accepted by :func:`compare_runs`.
STAT_TESTS = ("student", "fisher")
#: Grade from which an item counts for the ``-l2`` metrics.
TOP_GRADE = 2


def _ranx():
    """Import ranx lazily (it compiles numba kernels on first use) and silence numba's cast warning."""
    try:
        import ranx
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("The benchmarks need ranx: pip install -e '.[bench]'") from exc
    warnings.filterwarnings("ignore", message=".*unsafe cast.*")
    try:
        from numba.core.errors import NumbaTypeSafetyWarning
        warnings.filterwarnings("ignore", category=NumbaTypeSafetyWarning)
    except ImportError:  # pragma: no cover
        pass
    return ranx


def base_metrics(k: int = 10) -> list[str]:
    """The all-grades metrics reported by every benchmark: ndcg@k, recall@k, map@100, mrr."""
    return [f"ndcg@{k}", f"recall@{k}", "map@100", "mrr"]


def top_grade_metrics(k: int = 10) -> list[str]:
    """The ranx metrics evaluated on the top-grade qrels (reported with a ``-l2`` suffix)."""
    return ["mrr", f"hit_rate@{k}"]


def report_names(k: int = 10) -> list[str]:
    """All names in the order the reports list them."""
    return base_metrics(k) + [f"{m}-l{TOP_GRADE}" for m in top_grade_metrics(k)]


def top_grade_qrels(qrels: Mapping[str, Mapping[str, int]], min_grade: int = TOP_GRADE) -> Qrels:
    """Qrels keeping only items with grade >= ``min_grade``; queries left without any are dropped."""
    out: Qrels = {}
    for q, docs in qrels.items():
        kept = {d: int(g) for d, g in docs.items() if int(g) >= min_grade}
        if kept:
            out[str(q)] = kept
    return out


def _comparable(qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, Mapping[str, float]]) -> Run:
    """The run restricted to the qrels' queries, with an empty result for a query it lacks."""
    return {q: {str(d): float(s) for d, s in run.get(q, {}).items()} for q in qrels}


def _check_qrels(qrels: Mapping[str, Mapping[str, int]]) -> None:
    if not qrels:
        raise ValueError("qrels are empty: no judged query to evaluate.")
    for q, docs in qrels.items():
        if not docs:
            raise ValueError(f"query {q!r} has no judged item in qrels; drop it or add a judgement.")


def _ranx_eval(qrels: Qrels, run: Run, metrics: list[str], per_query: bool):
    rx = _ranx()
    res = rx.evaluate(rx.Qrels(qrels), rx.Run(_comparable(qrels, run)), metrics, return_mean=not per_query,
                      make_comparable=False)
    if isinstance(res, dict):
        return res
    return {metrics[0]: res}


def evaluate_run(qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, Mapping[str, float]], k: int = 10,
                 per_query: bool = False) -> dict[str, float] | dict[str, dict[str, float]]:
    """ranx metrics of one run: :func:`report_names` (k = list cut-off, e.g. 10).

    Queries in qrels that the run lacks count as empty result lists (score 0);
    run queries absent from qrels are ignored. With ``per_query`` the values
    are ``{metric: {query_id: value}}``. Raises ``ValueError`` on empty qrels or
    a query without judgements.
    """
    _check_qrels(qrels)
    q = {str(a): {str(d): int(g) for d, g in b.items()} for a, b in qrels.items()}
    res = _ranx_eval(q, dict(run), base_metrics(k), per_query)
    q2 = top_grade_qrels(q)
    res2 = _ranx_eval(q2, dict(run), top_grade_metrics(k), per_query) if q2 else {}
    out: dict = {}
    for name, val in res.items():
        out[name] = dict(zip(q, map(float, val))) if per_query else float(val)
    for m in top_grade_metrics(k):
        name = f"{m}-l{TOP_GRADE}"
        if m in res2:
            out[name] = dict(zip(q2, map(float, res2[m]))) if per_query else float(res2[m])
        else:
            out[name] = {} if per_query else math.nan
    return out


def compare_runs(qrels: Mapping[str, Mapping[str, int]], runs: Mapping[str, Mapping[str, Mapping[str, float]]],
                 reference: str, k: int = 10, stat_test: str = "student", n_permutations: int = 1000,
                 random_seed: int = 42) -> dict[str, dict[str, float]]:
    """Paired significance tests (ranx ``compare``) of every run against ``reference``.

    Returns ``{run_name: {metric: p_value}}`` for every run other than the
    reference, over :func:`report_names`. ``stat_test`` is ``"student"``
    (paired t-test) or ``"fisher"`` (randomisation test with
    ``n_permutations``). Raises ``ValueError`` for an unknown test or a
    reference that is not among ``runs``.
    """
    if stat_test not in STAT_TESTS:
        raise ValueError(f"Unknown stat_test {stat_test!r}; expected one of {STAT_TESTS}.")
    if reference not in runs:
        raise ValueError(f"Reference run {reference!r} is not among the runs {sorted(runs)}.")
    _check_qrels(qrels)
    rx = _ranx()
    q = {str(a): {str(d): int(g) for d, g in b.items()} for a, b in qrels.items()}
    names = [reference] + [n for n in runs if n != reference]
    out: dict[str, dict[str, float]] = {n: {} for n in names[1:]}
    if len(names) < 2:
        return out
    for qr, metrics, suffix in ((q, base_metrics(k), ""), (top_grade_qrels(q), top_grade_metrics(k), f"-l{TOP_GRADE}")):
        if not qr:
            continue
        rr = []
        for n in names:
            r = rx.Run(_comparable(qr, runs[n]))
            r.name = n
            rr.append(r)
        rep = rx.compare(rx.Qrels(qr), rr, metrics, stat_test=stat_test, n_permutations=n_permutations,
                         random_seed=random_seed, max_p=0.05).to_dict()
        for n in names[1:]:
            for m in metrics:
                out[n][m + suffix] = float(rep[reference]["comparisons"][n][m])
    return out


def run_from_matrix(scores: np.ndarray, query_ids: Sequence[str], doc_ids: Sequence[str], depth: int = 100,
                    exclude: Mapping[str, Iterable[str]] | None = None,
                    doc_index: Mapping[str, int] | None = None) -> Run:
    """A ranx run from a dense score matrix (rows = queries, columns = docs).

    Keeps each query's ``depth`` best finite scores (ties: lower column first),
    after dropping the docs in ``exclude[query_id]``. Non-finite scores
    (``-inf`` = not rankable) never enter the run.
    """
    s = np.array(scores, dtype=np.float64, copy=True)
    if s.ndim != 2 or s.shape != (len(query_ids), len(doc_ids)):
        raise ValueError(f"score matrix shape {s.shape} does not match {len(query_ids)} queries x {len(doc_ids)} docs.")
    if exclude:
        pos = doc_index or {d: j for j, d in enumerate(doc_ids)}
        for i, q in enumerate(query_ids):
            cols = [pos[d] for d in exclude.get(q, ()) if d in pos]
            if cols:
                s[i, cols] = -np.inf
    s[~np.isfinite(s)] = -np.inf
    n = min(depth, s.shape[1])
    docs = np.asarray(doc_ids, dtype=object)
    run: Run = {}
    if n == 0:
        return {str(q): {} for q in query_ids}
    part = np.argpartition(-s, n - 1, axis=1)[:, :n] if n < s.shape[1] else np.tile(np.arange(s.shape[1]), (len(s), 1))
    for i, q in enumerate(query_ids):
        cols = part[i]
        vals = s[i, cols]
        order = np.lexsort((cols, -vals))
        cols, vals = cols[order], vals[order]
        ok = np.isfinite(vals)
        run[str(q)] = dict(zip(docs[cols[ok]].tolist(), vals[ok].tolist()))
    return run


def run_from_topk(idx: np.ndarray, scores: np.ndarray, query_ids: Sequence[str], doc_ids: Sequence[str],
                  depth: int = 100, exclude: Mapping[str, Iterable[str]] | None = None) -> Run:
    """A ranx run from per-query top lists (``idx`` [n, k] doc positions, -1 = empty; ``scores`` [n, k]).

    Drops empty slots, non-finite scores and excluded docs, then keeps ``depth`` items.
    The scores are rewritten as strictly decreasing rank scores so the run keeps
    the given order even where the engine's scores tie.
    """
    docs = np.asarray(doc_ids, dtype=object)
    run: Run = {}
    for i, q in enumerate(query_ids):
        ex = set(exclude.get(q, ())) if exclude else set()
        out: dict[str, float] = {}
        for j, sc in zip(idx[i].tolist(), scores[i].tolist()):
            if j < 0 or not math.isfinite(sc):
                continue
            d = docs[j]
            if d in ex or d in out:
                continue
            out[d] = float(depth - len(out))
            if len(out) >= depth:
                break
        run[str(q)] = out
    return run
