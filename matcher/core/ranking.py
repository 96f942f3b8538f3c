"""The one rank-and-tie rule of every list: score descending, then id ascending.

Scores are compared on a key rounded to :data:`RANK_DECIMALS` decimals, so
float noise never decides a tie; exact ties go to the lower id. Every face
ranks with these functions: the core's queries (:class:`~matcher.core.Matcher`),
its block top-k and the nightly batch (:mod:`matcher.batch`).

The vectorised functions break ties by *column position*: callers lay the
columns out in ascending id order first (:func:`id_order`), so "lower
position first" is "lower id first". The order is total, so merging partial
lists (:func:`merge_top_k`) gives the same answer whatever order the parts
arrive in.

Scores that cannot be ranked (NaN, ``-inf``: e.g. a post that is not open)
count as ``-inf``; rows with fewer than ``k`` rankable entries are padded
with ``-inf`` scores and :data:`PAD` positions, which callers drop.
"""
from __future__ import annotations

import numpy as np

#: decimals of the ranking key: every route gives a pair the same float32 score, so only exact ties
#: go to the lower id
RANK_DECIMALS = 12
#: Position used for padding entries (sorts after every real position).
PAD = np.iinfo(np.int32).max


def rank_key(scores: np.ndarray) -> np.ndarray:
    """Ranking key of scores: float64 rounded to :data:`RANK_DECIMALS`, NaN as ``-inf``."""
    s = np.round(np.asarray(scores, dtype=np.float64), RANK_DECIMALS)
    if np.isnan(s).any():
        s = np.where(np.isnan(s), -np.inf, s)
    return s


def id_order(id_rank: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``positions`` reordered by ascending id (``id_rank`` = rank of each fitted position's id)."""
    positions = np.asarray(positions, dtype=np.int64)
    return positions[np.argsort(np.asarray(id_rank)[positions], kind="stable")]


def top_k_rows(key: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best columns of every row of a ranking key (see :func:`rank_key`), best first.

    Returns (cols int32 [n, min(k, m)], vals float64 [n, min(k, m)]) sorted by
    value descending, ties by column ascending. One ``argpartition`` plus a
    tie fix-up only on rows whose k-th value is tied beyond the cut.
    """
    s = np.asarray(key, dtype=np.float64)
    if np.isnan(s).any():
        s = np.where(np.isnan(s), -np.inf, s)
    n, m = s.shape
    k = min(int(k), m)
    if k <= 0 or n == 0:
        return np.zeros((n, 0), np.int32), np.zeros((n, 0), np.float64)
    if k == m:
        part = np.broadcast_to(np.arange(m), (n, m)).copy()
    else:
        part = np.argpartition(s, m - k, axis=1)[:, m - k:]
        kth = np.take_along_axis(s, part, 1).min(axis=1)
        n_ge = (s >= kth[:, None]).sum(axis=1)
        rows = np.flatnonzero(n_ge > k)
        if rows.size:  # the k-th value is tied beyond the cut: keep the lowest positions
            sb, tb = s[rows], kth[rows]
            gt = sb > tb[:, None]
            eq = sb == tb[:, None]
            need = k - gt.sum(axis=1)
            sel = gt | (eq & (np.cumsum(eq, axis=1, dtype=np.int32) <= need[:, None]))
            part[rows] = np.nonzero(sel)[1].reshape(rows.size, k)
    vals = np.take_along_axis(s, part, 1)
    order = np.lexsort((part, -vals), axis=-1)
    cols = np.take_along_axis(part, order, 1).astype(np.int32)
    return cols, np.take_along_axis(vals, order, 1)


def top_k(scores: np.ndarray, id_rank: np.ndarray, k: int) -> np.ndarray:
    """Indices into ``scores`` (1-D) of the best ``k``: score descending, then ``id_rank`` ascending.

    ``-inf``/NaN entries are never returned.
    """
    scores = np.asarray(scores)
    if len(scores) == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    o = np.argsort(np.asarray(id_rank), kind="stable")
    cols, vals = top_k_rows(rank_key(scores)[o][None, :], k)
    keep = np.isfinite(vals[0])
    return o[cols[0][keep].astype(np.int64)]


def merge_top_k(cols_a: np.ndarray, vals_a: np.ndarray, cols_b: np.ndarray, vals_b: np.ndarray,
                k: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge two row-aligned top lists into the top ``k`` per row (value desc, position asc).

    ``cols_*`` are global positions (int), ``vals_*`` the keys; padding
    entries carry ``-inf``. The result is independent of argument order.
    """
    cols = np.concatenate([cols_a, cols_b], axis=1)
    vals = np.concatenate([vals_a, vals_b], axis=1)
    k = min(int(k), cols.shape[1])
    cols = np.where(np.isneginf(vals), PAD, cols)
    order = np.lexsort((cols, -vals), axis=-1)[:, :k]
    return np.take_along_axis(cols, order, 1).astype(np.int32), np.take_along_axis(vals, order, 1)


def empty_top(n_rows: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """A padding-only top list of shape [n_rows, k] (start value for :func:`merge_top_k`)."""
    return np.full((n_rows, k), PAD, np.int32), np.full((n_rows, k), -np.inf)


def top_k_sparse(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int,
                 k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` entries per row of a sparse (COO) key list, best first.

    rows/cols int arrays, vals float (``-inf``/NaN entries are ignored); ties
    by column ascending. Returns ([n_rows, k] int32 columns padded with
    :data:`PAD`, [n_rows, k] values padded with ``-inf``).
    """
    out_c, out_v = empty_top(n_rows, k)
    v = np.asarray(vals, dtype=np.float64)
    ok = np.isfinite(v)
    r, c, v = np.asarray(rows)[ok], np.asarray(cols)[ok], v[ok]
    if r.size == 0 or k <= 0:
        return out_c, out_v
    o = np.lexsort((c, -v, r))
    r, c, v = r[o], c[o], v[o]
    start = np.searchsorted(r, np.arange(n_rows))
    pos = np.arange(r.size) - start[r]
    sel = pos < k
    out_c[r[sel], pos[sel]] = c[sel]
    out_v[r[sel], pos[sel]] = v[sel]
    return out_c, out_v


__all__ = ["RANK_DECIMALS", "PAD", "rank_key", "id_order", "top_k", "top_k_rows", "top_k_sparse", "merge_top_k",
           "empty_top"]
