"""The batch's block tasks: pure functions that run on a backend (in-process or on dask workers).

``score_task`` scores one block of seekers against the open posts and returns
each seeker's wide candidate list and, for every post, its best seekers
*within the block*; ``details_task`` computes per-dimension contributions and
raw components for a list of (seeker, post) pairs. Both take a payload
``(matcher, plan)`` that the backend ships to workers once.

Coordinates: seekers are addressed by their *rank* in ``plan.seeker_order``
(ascending seeker id) and posts by their rank in ``plan.vacancy_open``
(open posts, ascending vacancy id), so "lower position first" is the core's
tie rule "id ascending". Ranking uses the core's key and top-k functions
(:mod:`matcher.core.ranking`), so the batch and the core share one rule.

Two scoring modes:

- ``blocking`` (opt-in, ``--blocking``): only the core's
  candidate pairs (:func:`matcher.core.blocking.candidate_matrix`) are
  scored; seekers with fewer than ``k_wide`` candidates are scored against
  every open post, as ``Matcher.top_k_block`` does. A post's seeker list is
  its best seekers among those for whom it is a candidate.
- exhaustive (default): every seeker x open post (exact both ways; cost
  grows with seekers x posts).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.core.ranking import PAD, RANK_DECIMALS, rank_key, top_k_rows, top_k_sparse

ROUND = RANK_DECIMALS  # decimals kept for ranking: the core's one rule (matcher.core.ranking)


@dataclass(frozen=True)
class ScorePlan:
    """What every block task needs besides the matcher.

    seeker_order : int64 fitted seeker positions in ascending id order.
    vacancy_open : int64 fitted positions of the open posts in ascending id order.
    k : list length both ways; k_wide : candidates kept per seeker (>= k).
    blocking : use candidate generation (see the module docstring).
    k_vac : seekers kept per post (0 = k; an outcome model re-ranks a wider pool).
    """

    seeker_order: np.ndarray
    vacancy_open: np.ndarray
    k: int
    k_wide: int
    blocking: bool
    k_vac: int = 0

    @property
    def k_post(self) -> int:
        """Seekers kept per post by the scoring stage."""
        return self.k_vac or self.k


@dataclass
class BlockResult:
    """Output of :func:`score_task` for seekers ``start:stop`` (ranks in ``seeker_order``).

    wide_cols/wide_vals : [stop-start, k_wide] post ranks and scores, best first
        (``-inf`` padding). vac_rows/vac_vals : [n_open, k] seeker ranks and
        scores of each post's best seekers in this block. pairs_scored : pairs
        evaluated; exhaustive_rows : seekers scored against every open post.
    """

    start: int
    stop: int
    wide_cols: np.ndarray
    wide_vals: np.ndarray
    vac_rows: np.ndarray
    vac_vals: np.ndarray
    pairs_scored: int
    exhaustive_rows: int


def _vacancy_rank_of_position(plan: ScorePlan, n_vacancies: int) -> np.ndarray:
    inv = np.full(n_vacancies, -1, np.int64)
    inv[plan.vacancy_open] = np.arange(plan.vacancy_open.size)
    return inv


def score_pairs(matcher: Any, seeker_pos: np.ndarray, vacancy_pos: np.ndarray) -> Any:
    """Core scores of (seeker, vacancy) position pairs as a ``GridScores`` (flat arrays).

    (``Matcher.score_pairs``).
    """
    return matcher.score_pairs(seeker_pos, vacancy_pos)


def _candidates(matcher: Any, a: np.ndarray) -> Any:
    from matcher.core.blocking import candidate_matrix

    return candidate_matrix(matcher.features_, matcher.settings, a).tocoo()


def score_task(payload: tuple[Any, ScorePlan], block: tuple[int, int]) -> BlockResult:
    """Score seekers ``block = (start, stop)`` (ranks in ``plan.seeker_order``); see the module docstring."""
    m, plan = payload
    start, stop = block
    a = plan.seeker_order[start:stop]
    n_open = plan.vacancy_open.size
    b = a.size
    if not plan.blocking:
        s = rank_key(m.score_block(a, plan.vacancy_open))
        wc, wv = top_k_rows(s, plan.k_wide)
        vr, vv = top_k_rows(s.T, plan.k_post)
        return BlockResult(start, stop, *_pad_rows(wc, wv, plan.k_wide), *_pad_rows(vr + start, vv, plan.k_post),
                           pairs_scored=int(s.size), exhaustive_rows=b)
    vrank = _vacancy_rank_of_position(plan, m.features_.n_vacancies)
    C = _candidates(m, a)
    crow, ccol = C.row.astype(np.int64), vrank[C.col]
    keep = ccol >= 0
    crow, ccol = crow[keep], ccol[keep]
    counts = np.bincount(crow, minlength=b)
    exhaustive = counts < min(plan.k_wide, n_open)
    keep = ~exhaustive[crow]
    crow, ccol = crow[keep], ccol[keep]
    parts_r, parts_c, parts_v = [], [], []
    if crow.size:
        # scores only: contributions are built later for the top-k
        cand = m.score_candidates(a[crow], plan.vacancy_open[ccol])
        parts_r.append(crow)
        parts_c.append(ccol)
        parts_v.append(rank_key(cand))
    ex = np.flatnonzero(exhaustive)
    if ex.size and n_open:
        s = rank_key(m.score_block(a[ex], plan.vacancy_open))
        parts_r.append(np.repeat(ex, n_open))
        parts_c.append(np.tile(np.arange(n_open, dtype=np.int64), ex.size))
        parts_v.append(s.ravel())
    rows = np.concatenate(parts_r) if parts_r else np.zeros(0, np.int64)
    cols = np.concatenate(parts_c) if parts_c else np.zeros(0, np.int64)
    vals = np.concatenate(parts_v) if parts_v else np.zeros(0)
    wc, wv = top_k_sparse(rows, cols, vals, b, plan.k_wide)
    vr, vv = top_k_sparse(cols, rows + start, vals, n_open, plan.k_post)
    return BlockResult(start, stop, wc, wv, vr, vv, pairs_scored=int(vals.size), exhaustive_rows=int(ex.size))


def _pad(cols: np.ndarray, vals: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    n, have = cols.shape
    if have >= k:
        return cols, vals
    return (np.hstack([cols, np.full((n, k - have), PAD, np.int32)]),
            np.hstack([vals, np.full((n, k - have), -np.inf)]))


def _pad_rows(cols: np.ndarray, vals: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    cols = np.where(np.isneginf(vals), PAD, cols).astype(np.int32)
    return _pad(cols, vals, k)


def details_task(payload: tuple[Any, ScorePlan], pairs: tuple[np.ndarray, np.ndarray]) -> dict[str, Any]:
    """Contributions and raw components of (seeker, vacancy) pairs given as fitted positions.

    Returns ``{"score", "contributions": {dim: arr}, "components": {dim: arr},
    "evidence": {dim: bool arr}}`` (flat float64 arrays, one entry per pair).
    """
    m, _plan = payload
    s_pos, v_pos = pairs
    if len(s_pos) == 0:
        return {"score": np.zeros(0), "contributions": {}, "components": {}, "evidence": {}}
    gs = score_pairs(m, s_pos, v_pos)
    flat = {k: np.asarray(v, np.float64).ravel() for k, v in gs.contributions.items()}
    comps = {k: np.asarray(v, np.float64).ravel() for k, v in gs.components.items()}
    ev = {k: np.asarray(v, bool).ravel() for k, v in gs.evidence.items()}
    return {"score": np.asarray(gs.score, np.float64).ravel(), "contributions": flat, "components": comps,
            "evidence": ev}


def outcome_task(payload: tuple[Any, ScorePlan], pairs: tuple[np.ndarray, np.ndarray]) -> dict[str, np.ndarray]:
    """P(hire) and P(in the job at 180 days) of (seeker, vacancy) position pairs from the matcher's outcome model
    (:func:`matcher.outcomes.rank.outcome_parts`); ``{"p_hire", "p_stay180", "risk"}`` (risk: ``;``-joined)."""
    from matcher.outcomes.rank import outcome_parts, risks

    m, _plan = payload
    s_pos, v_pos = pairs
    ph, ps, X = outcome_parts(m.outcome_model, m, s_pos, v_pos)
    rk = np.array([";".join(r) for r in risks(m.outcome_model, X)], dtype=object) if len(X) else np.zeros(0, object)
    return {"p_hire": ph, "p_stay180": ps, "risk": rk}
