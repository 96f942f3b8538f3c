"""The batch's top-k helpers: the core's one rank-and-tie rule (:mod:`matcher.core.ranking`).

Kept as a module so batch code and tests can import the names they always
have; every function here *is* the core's function (score descending, ties by
position, i.e. by id since the batch lays seekers and posts out in id order).
"""
from __future__ import annotations

import numpy as np

from matcher.core.ranking import PAD, empty_top, merge_top_k, rank_key, top_k_rows, top_k_sparse


def clean(scores: np.ndarray) -> np.ndarray:
    """``scores`` as float64 with NaN replaced by ``-inf``."""
    s = np.asarray(scores, dtype=np.float64)
    return np.where(np.isnan(s), -np.inf, s) if np.isnan(s).any() else s


#: the core's names under the batch's historical names
topk_rows = top_k_rows
merge_topk = merge_top_k
topk_sparse = top_k_sparse

__all__ = ["PAD", "clean", "topk_rows", "merge_topk", "empty_top", "topk_sparse", "rank_key"]
