"""The nightly batch: every seeker against every open post, both ways, capacity-aware, crash-safe.

Stages (timed, each with progress): ``load`` (read + normalise + validate the
two files, sha256 of each) → ``fit`` (the matching core's features) →
``score`` (block tasks on the backend: each seeker's wide candidate list and
every post's best seekers) → ``capacity`` (capacity-aware lists and
congestion metrics) → ``explain`` (per-dimension contributions and reasons of
every listed pair, on the backend) → ``write`` (all files into a temporary
folder) → ``commit`` (fsync + atomic swap, see :mod:`matcher.batch.atomic`).

Output files and run.json keys are documented in ``matcher/batch/README.md``.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import matcher
from matcher.batch.atomic import RunFolder, RunLock
from matcher.batch.backends import Backend, make_backend
from matcher.batch.blocks import ScorePlan, details_task, outcome_task, score_task
from matcher.batch.capacity import CapacitySettings, capacity_lists, congestion_metrics
from matcher.batch.outputs import match_frame, reason_texts, sha256_file, write_table
from matcher.batch.progress import Progress
from matcher.batch.topk import PAD, empty_top, merge_topk, rank_key
from matcher.errors import MatcherError

#: Environment variable naming a stage after which the run pauses (crash-safety tests only).
PAUSE_ENV = "MATCHER_BATCH_PAUSE_AFTER"
#: Pairs per scoring block aimed for by the automatic block size.
PAIRS_PER_BLOCK_DENSE = 2_000_000
SEEKERS_PER_BLOCK_BLOCKED = 1_000


@dataclass
class BatchConfig:
    """Everything a batch run needs.

    seekers, vacancies : input files (CSV/XLSX/Parquet, see docs/input-format.md or ``matcher schema``).
    outcomes : optional outcomes file; recorded hires close filled posts.
    out : the results path readers use (a symlink managed by the batch).
    top_k : list length both ways (>= 1); None = the settings' ``top_k``.
    settings : anything ``matcher.io.settings.read_settings`` accepts.
    reference_date : ISO date or date; None = the settings' ``reference_date``, else today. backend : ``local`` or
        ``dask``; scheduler : dask scheduler address; workers : threads
        (local) or worker processes (dask LocalCluster). block_size : seekers
        per scoring block (None = automatic). blocking : score only the core's
        candidate pairs (default False: every pair, exact both ways). capacity : knobs of the
        capacity-aware lists. keep : previous complete runs kept on disk.
    model : outcome model folder from ``matcher learn`` (None = the settings' ``outcomes.model``).
    """

    seekers: Path
    vacancies: Path
    out: Path
    top_k: int | None = None
    settings: Any = None
    outcomes: Path | None = None
    reference_date: Any = None
    save_market: bool = True
    backend: str = "local"
    scheduler: str | None = None
    workers: int | None = None
    block_size: int | None = None
    blocking: bool = False
    capacity: CapacitySettings = field(default_factory=CapacitySettings)
    keep: int = 1
    model: Path | None = None

    def __post_init__(self) -> None:
        self.seekers, self.vacancies, self.out = Path(self.seekers), Path(self.vacancies), Path(self.out)
        if self.model is not None:
            self.model = Path(self.model)
        if self.outcomes is not None:
            self.outcomes = Path(self.outcomes)
        if self.top_k is not None and (not isinstance(self.top_k, int) or self.top_k < 1):
            raise MatcherError(f"--top-k must be a whole number >= 1, got {self.top_k!r}.")
        if self.block_size is not None and self.block_size < 1:
            raise MatcherError(f"--block-size must be >= 1 seekers, got {self.block_size!r}.")


def _pause(stage: str) -> None:
    """Test hook: stop after ``stage`` when MATCHER_BATCH_PAUSE_AFTER names it (so a test can kill us)."""
    if os.environ.get(PAUSE_ENV) == stage:
        print(f"paused after {stage}", file=sys.stderr, flush=True)
        time.sleep(3600)


def feasibility_threshold(settings: Any) -> float:
    """The feasibility cut: ``settings.feasible_score``."""
    return float(settings.feasible_score)


def _groups_of(frame: pd.DataFrame, order: np.ndarray) -> list[list[str]]:
    if "priority_groups" not in frame.columns:
        return [[] for _ in range(order.size)]
    cells = frame["priority_groups"].to_numpy(dtype=object)[order]
    return [sorted(str(g) for g in c) if isinstance(c, (list, tuple, np.ndarray)) else [] for c in cells]


class _Timer:
    def __init__(self, progress: Progress, timings: dict[str, float]) -> None:
        self.progress, self.timings = progress, timings

    def stage(self, name: str, total: int | None = None, unit: str = "") -> Any:
        timer = self

        class _Ctx:
            def __enter__(self_inner) -> Any:
                self_inner.st = timer.progress.stage(name, total, unit)
                return self_inner.st

            def __exit__(self_inner, exc_type: Any, *_: Any) -> None:
                secs = self_inner.st.close()
                timer.timings[name] = round(secs, 3)
                if exc_type is None:
                    _pause(name)

        return _Ctx()


def run_batch(cfg: BatchConfig, progress: Progress | None = None, backend: Backend | None = None,
              clock: Callable[[], _dt.datetime] = _dt.datetime.now) -> dict[str, Any]:
    """Run the nightly batch described by ``cfg``; returns the run record (also written as run.json).

    Raises :class:`matcher.batch.atomic.BatchLockedError` when another run
    holds the lock, :class:`InputFileError` for unusable inputs,
    :class:`matcher.errors.SettingsError` for bad settings and
    :class:`matcher.batch.backends.BackendError` when the backend cannot
    start. On any failure the previous results stay in place.
    """
    progress = progress or Progress(enabled=False)
    started = clock()
    run_id = started.strftime("%Y%m%dT%H%M%S%f") + f"-{os.getpid()}"
    timings: dict[str, float] = {}
    T = _Timer(progress, timings)
    t_all = time.perf_counter()
    with RunLock(cfg.out, on_message=progress.line):
        folder = RunFolder(cfg.out, run_id, keep=cfg.keep, hook=_pause)
        folder.check_target()
        own_backend = backend is None
        backend = backend or make_backend(cfg.backend, cfg.scheduler, cfg.workers)
        try:
            record = _run(cfg, progress, backend, T, folder, run_id, started)
        except BaseException:
            folder.abort()
            raise
        finally:
            if own_backend:
                backend.close()
        record["timings_seconds"]["total"] = round(time.perf_counter() - t_all, 3)
        _summary(progress, record, cfg)
        return record


def _run(cfg: BatchConfig, progress: Progress, backend: Backend, T: _Timer, folder: RunFolder,
         run_id: str, started: _dt.datetime) -> dict[str, Any]:
    from matcher.market import fit_market, load_inputs, resolve_settings

    settings = resolve_settings(cfg.settings, cfg.reference_date)   # validated before any file is read
    k = settings.top_k if cfg.top_k is None else cfg.top_k
    overrides = {}
    if cfg.top_k is not None and cfg.top_k != settings.top_k:
        overrides["top_k"] = {"value": k, "from": "--top-k", "settings_value": settings.top_k}
        settings = settings.with_values(top_k=k)
    progress.line(f"settings: top_k = {k} ({'from --top-k' if 'top_k' in overrides else 'from settings'}); "
                  f"reference date {settings.reference_day().isoformat()}")
    from matcher.outcomes.rank import NO_MODEL, resolve_model

    settings_model = settings.outcomes.model
    settings, om, model_info = resolve_model(settings, cfg.model)      # refused before any file is read
    if cfg.model is not None:
        overrides["outcomes.model"] = {"value": str(cfg.model), "from": "--model", "settings_value": settings_model}
    progress.line(f"outcome model: {model_info['path']} ({'from --model' if cfg.model is not None else 'from settings'}"
                  f"; weight {settings.outcomes.weight}, rank by {settings.outcomes.rank_by})" if om is not None
                  else f"outcome model: none ({NO_MODEL})")

    # ---------------------------------------------------------------- load
    with T.stage("load", 2, "files") as st:
        inp = load_inputs(cfg.seekers, cfg.vacancies, settings=settings, outcomes=cfg.outcomes,
                          progress=progress.line)
        st.update(2)
    inputs = {r: dict(i) for r, i in inp.inputs.items()}

    # ----------------------------------------------------------------- fit
    with T.stage("fit"):
        market = fit_market(inp, model=om, model_info=model_info)
    m = market.matcher
    results = market.issue_results()
    F = m.features_
    threshold = feasibility_threshold(settings)
    seeker_order = np.argsort(F.seeker_id_rank, kind="stable").astype(np.int64)
    open_mask = market.open_mask
    vac_by_id = np.argsort(F.vacancy_id_rank, kind="stable").astype(np.int64)
    vacancy_open = vac_by_id[open_mask[vac_by_id]]
    n, n_open = seeker_order.size, vacancy_open.size
    k_wide = max(k, cfg.capacity.wide_factor * k)
    pool = max(k, settings.outcomes.pool) if om is not None else 0   # an outcome model re-ranks this many
    k_wide = max(k_wide, pool)
    blocking = bool(cfg.blocking)
    plan = ScorePlan(seeker_order, vacancy_open, k, k_wide, blocking, k_vac=pool)
    if cfg.block_size:
        bs = cfg.block_size
    elif blocking:
        bs = SEEKERS_PER_BLOCK_BLOCKED
    else:
        bs = max(16, min(4096, PAIRS_PER_BLOCK_DENSE // max(n_open, 1)))
    blocks = [(s, min(s + bs, n)) for s in range(0, n, bs)]

    # --------------------------------------------------------------- score
    wide_cols, wide_vals = empty_top(n, k_wide)
    vac_rows, vac_vals = empty_top(n_open, plan.k_post)
    pairs_scored = exhaustive_rows = 0
    payload = (m, plan)
    with T.stage("score", n, "seekers") as st:
        for _i, r in backend.run(score_task, payload, blocks):
            wide_cols[r.start:r.stop] = r.wide_cols
            wide_vals[r.start:r.stop] = r.wide_vals
            vac_rows, vac_vals = merge_topk(vac_rows, vac_vals, r.vac_rows, r.vac_vals, plan.k_post)
            pairs_scored += r.pairs_scored
            exhaustive_rows += r.exhaustive_rows
            st.update(r.stop - r.start)

    # feasibility is a property of the rule-based score (with or without an outcome model)
    best = wide_vals[:, 0].copy()
    best_post = vac_vals[:, 0].copy()
    prio_flag = np.asarray(F.priority, bool)[seeker_order]

    # ------------------------------------------------------------- outcome
    cap_cols, cap_vals = wide_cols, wide_vals
    outcome_of = None
    if om is not None:
        with T.stage("outcome") as st:
            (wide_cols, wide_vals, cap_cols, cap_vals, vac_rows, vac_vals, outcome_of,
             n_outcome_pairs) = _apply_outcomes(settings, backend, payload, plan, wide_cols, wide_vals, vac_rows,
                                                vac_vals, prio_flag, bs, st)

    # ------------------------------------------------------------ capacity
    openings = np.maximum(m.openings_left_[vacancy_open].astype(float), 1.0)
    with T.stage("capacity"):
        cap = capacity_lists(cap_cols, cap_vals, openings, k, cfg.capacity)
        pure_cols = np.where(np.isfinite(wide_vals[:, :k]), wide_cols[:, :k], -1)
        congestion = {
            "pure": congestion_metrics(pure_cols, wide_vals[:, :k], n_open, None, openings),
            "capacity": congestion_metrics(cap.cols, cap.scores, n_open, wide_vals[:, :k], openings),
        }

    # -------------------------------------------------------------- explain
    s_r, s_j = _list_entries(wide_vals[:, :k])
    v_c, v_j = _list_entries(vac_vals)
    v_r = vac_rows[v_c, v_j].astype(np.int64)
    c_r, c_j = np.nonzero(cap.cols >= 0)
    keys_s = s_r * n_open + wide_cols[s_r, s_j].astype(np.int64)
    keys_v = v_r * n_open + v_c
    keys_c = c_r * n_open + cap.cols[c_r, c_j].astype(np.int64)
    keys = np.unique(np.concatenate([keys_s, keys_v, keys_c]))
    pr, pc = keys // n_open if n_open else keys, keys % n_open if n_open else keys
    chunks = _pair_chunks(pr, bs)
    details: dict[str, Any] = {"contributions": {}, "components": {}, "evidence": {}}
    with T.stage("explain", int(keys.size), "pairs") as st:
        for i, res in backend.run(details_task, payload,
                                  [(seeker_order[pr[a:b]], vacancy_open[pc[a:b]]) for a, b in chunks]):
            a, b = chunks[i]
            for part in ("contributions", "components", "evidence"):
                for d, arr in res[part].items():
                    dest = details[part].setdefault(
                        d, np.zeros(keys.size, bool if part == "evidence" else np.float64))
                    dest[a:b] = arr
            st.update(b - a)
        details["reason"] = reason_texts(details["components"], details["evidence"], details["contributions"],
                                         lang="zh", settings=settings)
        if outcome_of is not None:   # the outcome contribution and the two chances of every listed pair
            ph, ps, rk = outcome_of(keys)
            details["contributions"]["outcome"] = float(settings.outcomes.weight) * ph * ps
            details["outcome"] = {"p_hire": ph, "p_stay180": ps, "expected_lasting_hire": ph * ps,
                                  "outcome_risks": rk}

    def pick(sel_keys: np.ndarray) -> dict[str, Any]:
        ix = np.searchsorted(keys, sel_keys)
        out = {"contributions": {d: v[ix] for d, v in details["contributions"].items()},
               "reason": details["reason"][ix]}
        if "outcome" in details:
            out["outcome"] = {c: v[ix] for c, v in details["outcome"].items()}
        return out

    # ---------------------------------------------------------------- write
    sid = F.seeker_ids[seeker_order].astype(str)
    vid = F.vacancy_ids[vacancy_open].astype(str)
    groups = _groups_of(m.seekers_, seeker_order)
    group_text = np.array([";".join(g) for g in groups], dtype=object)
    files: dict[str, Any] = {}
    staging = None
    with T.stage("write", 6, "files") as st:
        staging = folder.stage()
        tables = _tables(sid, vid, wide_cols, wide_vals, vac_rows, vac_vals, cap, (s_r, s_j), (v_c, v_j), (c_r, c_j),
                         (keys_s, keys_v, keys_c), pick, prio_flag, group_text, threshold)
        for stem, frame in tables.items():
            files.update(write_table(frame, staging, stem))
            st.update()
        from matcher.io.issues import write_issues

        for p in write_issues(results, staging):
            files[p.name] = {"rows": int(sum(1 for _ in open(p, encoding="utf-8-sig")) - 1), "sha256": sha256_file(p)}
        st.update()
        if cfg.save_market:  # the fitted market, saved once for `matcher match --market`, the report and the web
            market.save(staging / "market")
        st.update()

    no_feasible = ~(best >= threshold)
    by_group: dict[str, dict[str, int]] = {}
    for g in sorted({x for gl in groups for x in gl}):
        mask = np.array([g in gl for gl in groups], bool)
        by_group[g] = {"seekers": int(mask.sum()), "without_feasible_match": int((mask & no_feasible).sum())}
    record = {
        "run_id": run_id,
        "engine_version": matcher.__version__,
        "started_at": started.isoformat(timespec="seconds"),
        "reference_date": settings.reference_day().isoformat(),
        "inputs": inputs,
        "settings": settings.to_dict(),
        "overrides": overrides,
        "market": {"folder": "market", "open_vacancies": market.n_open, "openings_open": market.openings_open,
                   "hired": int(sum(m.hired_.values()))} if cfg.save_market else None,
        "outcome_model": model_info,
        "outcome_note": None if om is not None else NO_MODEL,
        "batch": {"top_k": k, "candidates_per_seeker": k_wide,
                  "outcome": ({"rank_by": settings.outcomes.rank_by, "weight": settings.outcomes.weight,
                               "pool": pool, "pairs_predicted": int(n_outcome_pairs)} if om is not None else None), "blocking": blocking, "block_size": bs,
                  "blocks": len(blocks), **backend.describe(), "capacity": asdict(cfg.capacity),
                  "feasible_threshold": threshold, "feasible_threshold_source": "settings.feasible_score"},
        "counts": {
            "seekers": int(n), "vacancies": int(F.n_vacancies), "open_vacancies": int(n_open),
            "expired_vacancies": int((np.asarray(F.expired, bool)
                                      & bool(settings.hard_constraints.exclude_expired)).sum()),
            "closed_vacancies": int(F.n_vacancies - n_open), "openings_open": market.openings_open,
            "pairs_scored": int(pairs_scored), "pairs_possible": int(n) * int(n_open),
            "seekers_scored_exhaustively": int(exhaustive_rows),
            "seekers_without_feasible_match": int(no_feasible.sum()),
            "seekers_without_feasible_match_by_group": by_group,
            "priority_policy_seekers": int(prio_flag.sum()),
            "priority_policy_seekers_without_feasible_match": int((prio_flag & no_feasible).sum()),
            "vacancies_without_feasible_seeker": int((~(best_post >= threshold)).sum()),
            "seeker_list_rows": int(s_r.size), "vacancy_list_rows": int(v_c.size),
            "capacity_list_rows": int(c_r.size),
            "seekers_with_shorter_capacity_list": int(((cap.cols >= 0).sum(axis=1)
                                                       < np.isfinite(wide_vals[:, :k]).sum(axis=1)).sum()),
        },
        "congestion": congestion,
        "capacity": {"sinkhorn_iterations": cap.iterations, "sinkhorn_max_violation": round(cap.max_violation, 6),
                     "posts_with_price": int((cap.price > 1e-9).sum()),
                     "cap_min": int(cap.caps.min()) if cap.caps.size else 0,
                     "cap_max": int(cap.caps.max()) if cap.caps.size else 0},
        "files": files,
        "timings_seconds": dict(T.timings),
        "output": str(cfg.out),
        "run_folder": str(folder.final),
    }
    (staging / "run.json").write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str),
                                      encoding="utf-8")

    with T.stage("commit"):
        folder.commit()
    record["timings_seconds"] = T.timings
    return record


def _apply_outcomes(settings: Any, backend: Backend, payload: Any, plan: ScorePlan, wide_cols: np.ndarray,
                    wide_vals: np.ndarray, vac_rows: np.ndarray, vac_vals: np.ndarray, prio_flag: np.ndarray,
                    bs: int, st: Any) -> tuple:
    """Re-rank the scored lists with the outcome model (:mod:`matcher.outcomes.rank`, same rules as a query).

    Seeker lists: each seeker's wide candidates (the best ``outcomes.pool`` by
    score or more) ordered by :func:`~matcher.outcomes.rank.ranking_key`, ties
    by post id; their values become score + outcome contribution. The
    capacity stage gets the same candidates ordered by that score. Post
    lists: the best ``pool`` seekers by score, re-ranked, keeping at least as
    many priority-group seekers as the rule-based top k
    (:func:`matcher.outcomes.ranking.rerank`). Returns the new lists and a
    lookup ``keys -> (p_hire, p_stay180, risks)`` for the explain stage.
    """
    from matcher.outcomes.rank import ranking_key
    from matcher.outcomes.ranking import rerank

    k, n_open = plan.k, plan.vacancy_open.size
    w = float(settings.outcomes.weight)
    wr, wj = np.nonzero(np.isfinite(wide_vals))
    keys_s = wr.astype(np.int64) * n_open + wide_cols[wr, wj].astype(np.int64)
    vc, vj = np.nonzero(np.isfinite(vac_vals))
    keys_v = vac_rows[vc, vj].astype(np.int64) * n_open + vc
    okeys = np.unique(np.concatenate([keys_s, keys_v]))
    opr, opc = (okeys // n_open, okeys % n_open) if n_open else (okeys, okeys)
    ph, ps = np.zeros(okeys.size), np.zeros(okeys.size)
    rk = np.empty(okeys.size, dtype=object)
    chunks = _pair_chunks(opr, bs)
    st.total = int(okeys.size)
    for i, res in backend.run(outcome_task, payload,
                              [(plan.seeker_order[opr[a:b]], plan.vacancy_open[opc[a:b]]) for a, b in chunks]):
        a, b = chunks[i]
        ph[a:b], ps[a:b], rk[a:b] = res["p_hire"], res["p_stay180"], res["risk"]
        st.update(b - a)

    def look(sel: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ix = np.searchsorted(okeys, sel)
        return ph[ix], ps[ix], rk[ix]

    # seeker lists
    valid = np.isfinite(wide_vals)
    PH, PS = np.zeros(wide_vals.shape), np.zeros(wide_vals.shape)
    h, t, _ = look(keys_s)
    PH[wr, wj], PS[wr, wj] = h, t
    new = np.where(valid, wide_vals + w * PH * PS, -np.inf)
    key = np.where(valid, rank_key(ranking_key(np.where(valid, wide_vals, 0.0), PH, PS, settings)), -np.inf)
    cols_tie = np.where(valid, wide_cols, PAD)
    o = np.lexsort((cols_tie, -key), axis=-1)
    oc = np.lexsort((cols_tie, -rank_key(new)), axis=-1)
    take = np.take_along_axis
    s_cols, s_vals = take(wide_cols, o, 1), take(new, o, 1)
    c_cols, c_vals = take(wide_cols, oc, 1), take(new, oc, 1)
    # post lists
    r_rows, r_vals = empty_top(n_open, k)
    for c in range(n_open):
        ok = np.isfinite(vac_vals[c])
        if not ok.any():
            continue
        rows = vac_rows[c, ok].astype(np.int64)
        base = vac_vals[c, ok]
        h, t, _ = look(rows * n_open + c)
        kk = rank_key(ranking_key(base, h, t, settings))
        order = np.lexsort((rows, -kk))
        pr = prio_flag[rows]
        sel = order[rerank(kk[order], k, pr[order], floor=int(pr[:k].sum()))]
        r_rows[c, :sel.size] = rows[sel]
        r_vals[c, :sel.size] = base[sel] + w * h[sel] * t[sel]
    return s_cols, s_vals, c_cols, c_vals, r_rows, r_vals, look, int(okeys.size)


def _list_entries(vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, slot) of the finite entries of a list matrix, row-major (owner order, then rank)."""
    r, j = np.nonzero(np.isfinite(vals))
    return r.astype(np.int64), j.astype(np.int64)


def _pair_chunks(rows: np.ndarray, seekers_per_chunk: int) -> list[tuple[int, int]]:
    """Split sorted pair rows into contiguous chunks of about ``seekers_per_chunk`` seekers."""
    if rows.size == 0:
        return []
    bounds = np.searchsorted(rows, np.arange(0, int(rows[-1]) + seekers_per_chunk + 1, seekers_per_chunk))
    bounds = np.unique(np.clip(bounds, 0, rows.size))
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def _tables(sid: np.ndarray, vid: np.ndarray, wide_cols: np.ndarray, wide_vals: np.ndarray, vac_rows: np.ndarray,
            vac_vals: np.ndarray, cap: Any, s_ent: tuple, v_ent: tuple, c_ent: tuple, keys: tuple, pick: Callable,
            prio_flag: np.ndarray, group_text: np.ndarray, threshold: float) -> dict[str, pd.DataFrame]:
    (s_r, s_j), (v_c, v_j), (c_r, c_j) = s_ent, v_ent, c_ent
    keys_s, keys_v, keys_c = keys
    out: dict[str, pd.DataFrame] = {}
    out["seeker_matches"] = match_frame(
        "seeker_id", sid[s_r], "vacancy_id", vid[wide_cols[s_r, s_j]], s_j + 1, wide_vals[s_r, s_j],
        pick(keys_s), threshold=threshold)
    vr = vac_rows[v_c, v_j].astype(np.int64)
    vvals = vac_vals[v_c, v_j]
    out["vacancy_matches"] = match_frame(
        "vacancy_id", vid[v_c], "seeker_id", sid[vr], v_j + 1, vvals, pick(keys_v),
        extra={"priority_group": prio_flag[vr], "priority_groups": group_text[vr]}, threshold=threshold)
    cc = cap.cols[c_r, c_j].astype(np.int64)
    out["seeker_matches_capacity"] = match_frame(
        "seeker_id", sid[c_r], "vacancy_id", vid[cc], c_j + 1, cap.scores[c_r, c_j], pick(keys_c),
        extra={"adjusted_score": cap.adjusted[c_r, c_j], "congestion_price": cap.price[cc],
               "pure_rank": (cap.source[c_r, c_j] + 1).astype(np.int32)}, threshold=threshold)
    # the vacancy view of the capacity lists: who each post is pushed to, best score first
    o = np.lexsort((c_r, -np.round(cap.scores[c_r, c_j], 12), cc))
    r2, j2, p2 = c_r[o], c_j[o], cc[o]
    starts = np.r_[0, np.flatnonzero(np.diff(p2)) + 1] if p2.size else np.zeros(0, np.int64)
    rank = np.arange(p2.size) - np.repeat(starts, np.diff(np.r_[starts, p2.size])) + 1 if p2.size else p2
    out["vacancy_matches_capacity"] = match_frame(
        "vacancy_id", vid[p2], "seeker_id", sid[r2], rank, cap.scores[r2, j2], pick(keys_c[o]),
        extra={"adjusted_score": cap.adjusted[r2, j2], "priority_group": prio_flag[r2],
               "priority_groups": group_text[r2]}, threshold=threshold)
    return out


def _summary(progress: Progress, record: dict[str, Any], cfg: BatchConfig) -> None:
    c, g = record["counts"], record["congestion"]
    t = record["timings_seconds"]
    progress.line(f"summary: {c['seekers']:,} seekers x {c['open_vacancies']:,} open posts "
                  f"({c['expired_vacancies']:,} expired); {c['pairs_scored']:,} pairs scored "
                  f"({c['pairs_scored'] / max(c['pairs_possible'], 1):.1%} of all)")
    progress.line(f"summary: seekers without a feasible match (score >= {record['batch']['feasible_threshold']}): "
                  f"{c['seekers_without_feasible_match']:,}; priority-policy seekers without: "
                  f"{c['priority_policy_seekers_without_feasible_match']:,} of {c['priority_policy_seekers']:,}")
    for name in ("pure", "capacity"):
        x = g[name]
        progress.line(f"summary: {name:<8} coverage {x['coverage']:.1%}, gini {x['gini_exposure']:.3f}, "
                      f"top-1% posts take {x['top1pct_share']:.1%} of slots, mean score loss {x['mean_score_loss']:.4f}")
    progress.line("summary: timings " + ", ".join(f"{k} {v:.1f}s" for k, v in t.items()))
    progress.line(f"summary: results in {cfg.out}/ (run {record['run_id']})")
