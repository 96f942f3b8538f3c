"""Ranking with outcomes: the score plus a weighted expected lasting hire, with a priority floor.

Pure numpy on candidate arrays (no files, no matcher), for the ranking
integration (settings ``outcomes.weight``) and the benchmark:

* :func:`outcome_key` — ``score + weight × expected lasting hire`` (the
  ``outcome`` contribution is ``weight × ELH``, so contributions still add up
  to the key), or the expected lasting hire alone (``by="elh"``).
* :func:`rerank` — top k of a candidate list by that key (ties: the engine's
  order), optionally with a **priority floor**: a list of candidates for a
  post keeps at least as many priority-group seekers as the list without the
  model had. The learned chances are blind to the groups, but other features
  can correlate with them (older seekers ask less, live further out …); the
  floor makes sure learning from outcomes never pushes the hard-to-employ out
  of lists. Those promoted are the best of them by the same key.
"""
from __future__ import annotations

import numpy as np


def outcome_key(score: np.ndarray, elh: np.ndarray, weight: float = 1.0, by: str = "score") -> np.ndarray:
    """The ranking key: ``score + weight × elh`` (``by="score"``) or ``elh`` (``by="elh"``)."""
    if by == "elh":
        return np.asarray(elh, float)
    if by != "score":
        raise ValueError(f"by must be 'score' or 'elh', got {by!r}")
    return np.asarray(score, float) + float(weight) * np.asarray(elh, float)


def rerank(key: np.ndarray, k: int, priority: np.ndarray | None = None, floor: int | None = None) -> np.ndarray:
    """Positions (into ``key``, which is in the engine's order) of the top ``k`` by ``key``.

    With ``priority`` (bool per candidate) and ``floor`` (default: the number of
    priority candidates in the engine's own top k, i.e. the first k), at least
    ``min(floor, available)`` priority candidates are kept: the lowest-ranked
    others in the list make room for the best remaining priority candidates,
    and the list stays in key order.
    """
    key = np.asarray(key, float)
    order = np.argsort(-key, kind="stable")
    top = order[:k]
    if priority is None:
        return top
    prio = np.asarray(priority, bool)
    need = int(prio[:k].sum()) if floor is None else int(floor)
    have = int(prio[top].sum())
    if have >= need:
        return top
    extra = [i for i in order[k:] if prio[i]][:need - have]
    drop = [i for i in top[::-1] if not prio[i]][:len(extra)]
    keep = np.array([i for i in top if i not in set(drop)] + extra, dtype=np.int64)
    return keep[np.argsort(-key[keep], kind="stable")]
