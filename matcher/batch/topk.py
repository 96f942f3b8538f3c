"""Deterministic top-k selection over dense score blocks, and merging of partial top-k lists.

Ties are broken by *position*: the batch lays seekers and vacancies out in
ascending id order before scoring, so "lower position first" is the same rule
as the matching core's "score descending, then id ascending". The result is a
total order, so merging partial lists gives the same answer whatever order the
blocks arrive in (local or on a cluster).

Scores that cannot be ranked (NaN, ``-inf``: e.g. an expired post) are treated
as ``-inf``; rows with fewer than ``k`` rankable entries are padded with
``-inf`` scores, which callers drop.
"""
from __future__ import annotations

import numpy as np

#: Position used for padding entries (sorts after every real position).
PAD = np.iinfo(np.int32).max


def clean(scores: np.ndarray) -> np.ndarray:
    """``scores`` as float64 with NaN replaced by ``-inf`` (copies only if needed)."""
    s = np.asarray(scores, dtype=np.float64)
    if np.isnan(s).any():
        s = np.where(np.isnan(s), -np.inf, s)
    return s


def topk_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best columns of every row, best first.

    Parameters
    ----------
    scores : float array [n, m]; NaN counts as ``-inf``.
    k : how many per row (capped at ``m``); must be >= 0.

    Returns
    -------
    (cols int32 [n, min(k, m)], vals float64 [n, min(k, m)]) sorted by value
    descending, ties by column ascending. Fully vectorised: one
    ``argpartition`` plus a tie fix-up only on rows whose k-th value is tied
    beyond the cut.
    """
    s = clean(scores)
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


def merge_topk(cols_a: np.ndarray, vals_a: np.ndarray, cols_b: np.ndarray, vals_b: np.ndarray,
               k: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge two row-aligned top lists into the top ``k`` per row (value desc, position asc).

    ``cols_*`` are global positions (int), ``vals_*`` the scores; padding
    entries carry ``-inf``. The result is independent of argument order.
    """
    cols = np.concatenate([cols_a, cols_b], axis=1)
    vals = np.concatenate([vals_a, vals_b], axis=1)
    k = min(int(k), cols.shape[1])
    cols = np.where(np.isneginf(vals), PAD, cols)
    order = np.lexsort((cols, -vals), axis=-1)[:, :k]
    return np.take_along_axis(cols, order, 1).astype(np.int32), np.take_along_axis(vals, order, 1)


def empty_top(n_rows: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """A padding-only top list of shape [n_rows, k] (start value for :func:`merge_topk`)."""
    return np.full((n_rows, k), PAD, np.int32), np.full((n_rows, k), -np.inf)


def topk_sparse(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int,
                k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` entries per row of a sparse (COO) score list, best first.

    rows/cols int arrays, vals float (``-inf``/NaN entries are ignored); ties
    by column ascending. Returns ([n_rows, k] int32 columns padded with
    :data:`PAD`, [n_rows, k] values padded with ``-inf``).
    """
    out_c, out_v = empty_top(n_rows, k)
    v = clean(vals)
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
