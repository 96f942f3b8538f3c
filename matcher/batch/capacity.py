"""Capacity-aware recommendation lists and congestion metrics.

Ranking everyone by score alone sends the same few attractive posts to
everybody, while posts with several openings go unseen. Here each post's
*exposure* (how many seekers' lists it appears on) is bounded in proportion to
its openings, and the lists are re-ranked accordingly.

Method (see ``matcher/batch/README.md`` for the justification)
--------------------------------------------------------------
1. Candidates: each seeker's ``k_wide`` best posts by score (a sparse
   seekers x posts matrix; ``k_wide`` is typically 3 x ``top_k``).
2. Capacity-constrained Sinkhorn scaling (entropic optimal transport with
   equality row marginals and *upper-bound* column marginals, Chizat et al.
   2018): kernel ``K_ij = exp((s_ij - max_j s_ij) / tau)``; row targets
   ``r_i = min(top_k, candidates_i)``; column bounds
   ``u_j = alpha * openings_j * R / O`` with ``R = sum r_i`` (all slots) and
   ``O`` the total openings. Iterate ``a = r / (K b)``,
   ``b = min(1, u / (K^T a))``. Posts that would be over-exposed get
   ``b_j < 1``; that is a *congestion price* ``p_j = -tau * log b_j`` >= 0
   in score units, and the adjusted score is ``s_ij - p_j``.
3. Re-rank every seeker's candidates by adjusted score (ties: score, then
   post position) and enforce the hard cap
   ``cap_j = ceil(alpha * openings_j * R / O)`` with a deterministic greedy
   pass: in round t every seeker who still needs slots proposes their t-th
   candidate; a post accepts proposals in order of adjusted score (then
   seeker position) while it has capacity left.

Everything is vectorised over the candidate arrays; the loops run over
Sinkhorn iterations and over the ``k_wide`` rounds, never over seekers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from matcher.errors import SettingsError


@dataclass(frozen=True)
class CapacitySettings:
    """Knobs of the capacity-aware lists.

    alpha : slack over exact proportionality (>= 1): a post may take up to
        ``alpha`` times its openings-proportional share of all slots.
    tau : temperature of the Sinkhorn kernel in score units (> 0); smaller
        means the congestion price moves lists less.
    wide_factor : candidates per seeker = ``wide_factor * top_k`` (>= 1).
    iterations : maximum Sinkhorn iterations; tol : stop when the largest
        relative column-bound violation is below it.
    """

    alpha: float = 1.5
    tau: float = 0.05
    wide_factor: int = 3
    iterations: int = 300
    tol: float = 1e-3

    def __post_init__(self) -> None:
        if not (isinstance(self.alpha, (int, float)) and self.alpha >= 1):
            raise SettingsError(f"capacity alpha must be a number >= 1, got {self.alpha!r}.")
        if not (isinstance(self.tau, (int, float)) and self.tau > 0):
            raise SettingsError(f"capacity tau must be a number > 0, got {self.tau!r}.")
        if not (isinstance(self.wide_factor, int) and self.wide_factor >= 1):
            raise SettingsError(f"capacity wide_factor must be a whole number >= 1, got {self.wide_factor!r}.")
        if not (isinstance(self.iterations, int) and self.iterations >= 1):
            raise SettingsError(f"capacity iterations must be a whole number >= 1, got {self.iterations!r}.")


@dataclass
class CapacityResult:
    """Capacity-aware lists in candidate coordinates.

    cols : int32 [n, top_k] post positions (-1 = empty slot), in list order.
    scores : float64 [n, top_k] original scores (NaN for empty slots).
    adjusted : float64 [n, top_k] adjusted scores ``s - price``.
    price : float64 [n_posts] congestion price per post (score units, >= 0).
    caps : int64 [n_posts] hard exposure cap per post.
    source : int64 [n, top_k] index of each slot's post in the seeker's
        candidate list (its pure rank - 1; -1 for empty slots).
    iterations : Sinkhorn iterations run; max_violation : final largest
        relative excess of a column over its bound.
    """

    cols: np.ndarray
    scores: np.ndarray
    adjusted: np.ndarray
    price: np.ndarray
    caps: np.ndarray
    source: np.ndarray
    iterations: int
    max_violation: float


def exposure_caps(openings: np.ndarray, total_slots: int, alpha: float) -> np.ndarray:
    """Hard caps ``ceil(alpha * openings_j * total_slots / sum(openings))`` (int64, >= 1 when slots > 0)."""
    o = np.asarray(openings, dtype=np.float64)
    tot = float(o.sum())
    if tot <= 0 or total_slots <= 0:
        return np.zeros(o.shape, np.int64)
    # tiny epsilon so float error never rounds an exact integer share up
    return np.ceil(alpha * o * total_slots / tot - 1e-9).astype(np.int64)


def sinkhorn_prices(cols: np.ndarray, scores: np.ndarray, row_targets: np.ndarray, bounds: np.ndarray,
                    tau: float, iterations: int = 300, tol: float = 1e-3) -> tuple[np.ndarray, int, float]:
    """Congestion prices from capacity-constrained Sinkhorn scaling.

    cols/scores : [n, c] candidate post positions and scores; entries with
        ``-inf`` scores are not candidates. bounds : [n_posts] column upper
        bounds (slots). Returns (price [n_posts] >= 0, iterations run, final
        max relative violation).
    """
    n_posts = bounds.shape[0]
    valid = np.isfinite(scores)
    rmax = np.where(valid, scores, -np.inf).max(axis=1, initial=-np.inf)
    rows = np.nonzero(valid)[0]
    kv = np.exp((scores[valid] - rmax[rows]) / tau)
    K = sp.csr_matrix((kv, (rows, cols[valid].astype(np.int64))), shape=(scores.shape[0], n_posts))
    KT = K.T.tocsr()
    b = np.ones(n_posts)
    r = row_targets.astype(np.float64)
    u = bounds.astype(np.float64)
    it, viol = 0, 0.0
    for it in range(1, iterations + 1):
        kb = K @ b
        a = np.divide(r, kb, out=np.zeros_like(r), where=kb > 0)  # rows exactly on target
        kta = KT @ a
        col = b * kta  # column sums of the current plan
        viol = float(np.max((col - u) / np.maximum(u, 1e-12), initial=0.0))
        if viol < tol:
            break
        b = np.minimum(1.0, np.divide(u, kta, out=np.ones_like(u), where=kta > 0))
    price = -tau * np.log(np.maximum(b, 1e-300))
    return np.maximum(price, 0.0), it, max(viol, 0.0)


def capacity_lists(cols: np.ndarray, scores: np.ndarray, openings: np.ndarray, top_k: int,
                   settings: CapacitySettings = CapacitySettings()) -> CapacityResult:
    """Capacity-aware top-``top_k`` lists from the wide candidate lists.

    cols/scores : [n, c] each seeker's candidates, best first (from the
        scoring stage; ``-inf`` marks padding). openings : [n_posts] openings
        per post (>= 1). Seekers are in tie-break order (position = id order).
    Raises nothing on empty input; returns empty lists.
    """
    n, c = cols.shape
    n_posts = int(openings.shape[0])
    valid = np.isfinite(scores)
    r = np.minimum(top_k, valid.sum(axis=1)).astype(np.int64)
    total_slots = int(r.sum())
    caps = exposure_caps(openings, total_slots, settings.alpha)
    bounds = settings.alpha * np.asarray(openings, np.float64) * total_slots / max(float(np.sum(openings)), 1.0)
    out_cols = np.full((n, top_k), -1, np.int32)
    out_s = np.full((n, top_k), np.nan)
    out_adj = np.full((n, top_k), np.nan)
    out_src = np.full((n, top_k), -1, np.int64)
    if total_slots == 0 or n_posts == 0:
        return CapacityResult(out_cols, out_s, out_adj, np.zeros(n_posts), caps, out_src, 0, 0.0)

    price, iters, viol = sinkhorn_prices(cols, scores, r, bounds, settings.tau, settings.iterations, settings.tol)
    safe_cols = np.where(valid, cols, 0)
    adj = np.where(valid, scores - price[safe_cols], -np.inf)
    # re-rank each row: adjusted desc, then score desc, then post position asc
    order = np.lexsort((np.where(valid, cols, np.iinfo(np.int32).max), -np.where(valid, scores, -np.inf), -adj),
                       axis=-1)
    rc = np.take_along_axis(cols, order, 1)
    rs = np.take_along_axis(scores, order, 1)
    ra = np.take_along_axis(adj, order, 1)
    rvalid = np.isfinite(ra)

    remaining = caps.copy()
    filled = np.zeros(n, np.int64)
    seeker = np.arange(n)
    for t in range(c):
        want = (filled < r) & rvalid[:, t]
        if not want.any():
            if not ((filled < r) & rvalid[:, t:].any(axis=1)).any():
                break
            continue
        i = seeker[want]
        j = rc[i, t].astype(np.int64)
        a = ra[i, t]
        o = np.lexsort((i, -a, j))  # group by post; best adjusted first, then seeker position
        i, j = i[o], j[o]
        starts = np.r_[0, np.flatnonzero(np.diff(j)) + 1]
        group_start = np.repeat(starts, np.diff(np.r_[starts, j.size]))
        rank_in_post = np.arange(j.size) - group_start
        ok = rank_in_post < remaining[j]
        acc_i, acc_j = i[ok], j[ok]
        np.subtract.at(remaining, acc_j, 1)
        slot = filled[acc_i]
        out_cols[acc_i, slot] = acc_j
        out_s[acc_i, slot] = rs[acc_i, t]
        out_adj[acc_i, slot] = ra[acc_i, t]
        out_src[acc_i, slot] = order[acc_i, t]
        filled[acc_i] += 1
    return CapacityResult(out_cols, out_s, out_adj, price, caps, out_src, iters, viol)


# ---------------------------------------------------------------- metrics
def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, -> 1 = concentrated); 0.0 for empty/all-zero."""
    v = np.sort(np.asarray(x, dtype=np.float64))
    n = v.size
    tot = v.sum()
    if n == 0 or tot <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float((2.0 * np.sum(i * v) / (n * tot)) - (n + 1.0) / n)


def congestion_metrics(list_cols: np.ndarray, list_scores: np.ndarray, n_posts: int,
                       reference_scores: np.ndarray | None = None,
                       openings: np.ndarray | None = None) -> dict[str, float | int]:
    """Congestion figures of one set of recommendation lists.

    list_cols : [n, k] post positions per seeker (-1 or a non-finite score =
    empty slot); n_posts : number of open posts; reference_scores : the pure
    top-k scores [n, k] used for the score loss (None -> loss 0).

    Returns coverage (share of posts recommended at least once), gini of
    post exposure (slots per post, zeros included), top1pct_share (share of
    all slots taken by the 1% most exposed posts, at least one post),
    mean_score (mean score of listed slots), mean_score_loss (mean over
    seekers with at least one slot of: mean reference score - mean listed
    score), slots (filled slots) and max_exposure. With ``openings`` [n_posts]
    also gini_exposure_per_opening (Gini of slots / openings: 0 when exposure
    is exactly proportional to openings, the goal of the capacity variant).
    """
    filled = (list_cols >= 0) & np.isfinite(list_scores)
    expo = np.bincount(list_cols[filled].astype(np.int64), minlength=n_posts)[:n_posts] if n_posts else np.zeros(0)
    slots = int(filled.sum())
    top_n = max(1, math.ceil(0.01 * n_posts)) if n_posts else 0
    top_share = float(np.sort(expo)[::-1][:top_n].sum() / slots) if slots else 0.0
    per_row = filled.sum(axis=1)
    has = per_row > 0
    mean_listed = np.where(has, np.where(filled, list_scores, 0.0).sum(axis=1) / np.maximum(per_row, 1), np.nan)
    if reference_scores is not None and has.any():
        rf = np.isfinite(reference_scores)
        ref_n = rf.sum(axis=1)
        ref_mean = np.where(ref_n > 0, np.where(rf, reference_scores, 0.0).sum(axis=1) / np.maximum(ref_n, 1), np.nan)
        loss = float(np.nanmean((ref_mean - mean_listed)[has]))
    else:
        loss = 0.0
    out: dict[str, float | int] = {
        "coverage": round(float((expo > 0).mean()) if n_posts else 0.0, 6),
        "gini_exposure": round(gini(expo), 6),
        "top1pct_share": round(top_share, 6),
        "mean_score": round(float(np.nanmean(mean_listed[has])) if has.any() else 0.0, 6),
        "mean_score_loss": round(loss, 6),
        "slots": slots,
        "max_exposure": int(expo.max()) if expo.size else 0,
    }
    if openings is not None:
        out["gini_exposure_per_opening"] = round(gini(expo / np.maximum(np.asarray(openings, np.float64), 1.0)), 6)
    return out
