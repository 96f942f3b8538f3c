"""The candidate pool the report analyses: each seeker's K best posts and each post's K best seekers.

Scoring every seeker against every post is what the nightly batch already
does; the report reuses its lists when given (``seeker_matches.parquet`` and
``vacancy_matches.parquet`` in the batch folder, see
``matcher/batch/README.md``) and otherwise computes the same lists itself
(exhaustive, in seeker blocks). The pool is the union of the two lists as
aligned position arrays. Counts of good matches taken from it are exact
below K (a seeker with fewer than K good posts has all of them in their
list) and read "K or more" at K.

:func:`read_batch_lists` is the only function here that touches files.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.errors import InputFileError, MatcherError
from matcher.report.scoring import open_vacancies


@dataclass
class Pool:
    """Candidate pairs (positions into the fitted frames), deduplicated.

    ``source`` says where the lists came from (``"batch"`` or ``"scored"``),
    ``k`` is the list length, ``dropped_ids`` counts batch rows whose ids are
    not in the fitted frames (a stale batch) or whose post is closed.
    """

    seeker_pos: np.ndarray
    vacancy_pos: np.ndarray
    k: int
    source: str
    dropped_ids: int = 0

    def __len__(self) -> int:
        return len(self.seeker_pos)


def _dedupe(s: np.ndarray, v: np.ndarray, n_v: int) -> tuple[np.ndarray, np.ndarray]:
    key = np.unique(s.astype(np.int64) * max(n_v, 1) + v.astype(np.int64))
    return key // max(n_v, 1), key % max(n_v, 1)


def pool_from_scoring(matcher, k: int | None = None, block: int = 1000) -> Pool:
    """Exhaustive top-``k`` lists both ways (default: the settings' ``top_k``, as the batch), with ``Matcher.score_block``.

    Cost is one pass over every (seeker, open post) pair, in blocks of
    ``block`` seekers (memory ~ ``block × n_open × 8`` bytes). Raises
    :class:`MatcherError` when ``k < 1``.
    """
    k = int(matcher.settings.top_k if k is None else k)
    if k < 1:
        raise MatcherError(f"The list length k must be >= 1, got {k}.")
    F = matcher.features_
    open_idx = np.flatnonzero(open_vacancies(matcher))
    n_open = len(open_idx)
    ns = F.n_seekers
    if n_open == 0 or ns == 0:
        z = np.zeros(0, dtype=np.int64)
        return Pool(z, z, k, "scored")
    kk = min(k, n_open)
    ks = min(k, ns)
    s_rows, s_cols = [], []
    best_v = np.full((0, n_open), -np.inf)
    best_vs = np.zeros((0, n_open), dtype=np.int64)
    for lo in range(0, ns, block):
        a = np.arange(lo, min(ns, lo + block))
        sc = matcher.score_block(a, open_idx)
        top = np.argpartition(-sc, kk - 1, axis=1)[:, :kk] if kk < n_open else np.tile(np.arange(n_open), (len(a), 1))
        s_rows.append(np.repeat(a, top.shape[1]))
        s_cols.append(open_idx[top.ravel()])
        cand = np.vstack([best_v, sc])
        cand_s = np.vstack([best_vs, np.broadcast_to(a[:, None], sc.shape)])
        if cand.shape[0] > ks:
            sel = np.argpartition(-cand, ks - 1, axis=0)[:ks]
            best_v = np.take_along_axis(cand, sel, axis=0)
            best_vs = np.take_along_axis(cand_s, sel, axis=0)
        else:
            best_v, best_vs = cand, cand_s
    s = np.concatenate(s_rows + [best_vs.ravel()])
    v = np.concatenate(s_cols + [np.tile(open_idx, best_vs.shape[0])])
    s, v = _dedupe(s, v, F.n_vacancies)
    return Pool(s, v, k, "scored")


def pool_from_lists(matcher, seeker_matches: pd.DataFrame, vacancy_matches: pd.DataFrame) -> Pool:
    """The pool from the batch's two list tables (columns ``seeker_id``, ``vacancy_id``, ``rank``).

    Rows naming ids not in the fitted frames, or closed posts, are dropped and
    counted. ``k`` is the longest list seen. Raises :class:`InputFileError`
    when a table lacks the id columns.
    """
    F = matcher.features_
    s_pos = {sid: i for i, sid in enumerate(F.seeker_ids.tolist())}
    v_pos = {vid: i for i, vid in enumerate(F.vacancy_ids.tolist())}
    ok_v = open_vacancies(matcher)
    parts_s, parts_v = [], []
    dropped = 0
    k = 0
    for name, frame in (("seeker_matches", seeker_matches), ("vacancy_matches", vacancy_matches)):
        missing = [c for c in ("seeker_id", "vacancy_id") if c not in frame.columns]
        if missing:
            raise InputFileError(f"The batch table {name} has no column(s) {missing}; columns seen: "
                                 f"{list(frame.columns)[:10]}. Re-run `matcher batch`.")
        si = frame["seeker_id"].astype(str).map(s_pos)
        vi = frame["vacancy_id"].astype(str).map(v_pos)
        good = si.notna() & vi.notna()
        si_a = si[good].to_numpy(dtype=np.int64)
        vi_a = vi[good].to_numpy(dtype=np.int64)
        keep = ok_v[vi_a]
        dropped += int((~good).sum() + (~keep).sum())
        parts_s.append(si_a[keep])
        parts_v.append(vi_a[keep])
        if "rank" in frame.columns and len(frame):
            k = max(k, int(pd.to_numeric(frame["rank"], errors="coerce").max()))
    s, v = _dedupe(np.concatenate(parts_s), np.concatenate(parts_v), F.n_vacancies)
    return Pool(s, v, max(k, 1), "batch", dropped)


BATCH_FILES = ("seeker_matches", "vacancy_matches")


def read_batch_lists(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``seeker_matches`` and ``vacancy_matches`` (Parquet, else CSV) from a batch folder.

    Only the id and rank columns are read. Raises :class:`InputFileError`
    naming the folder when a table is missing.
    """
    folder = Path(folder)
    out = []
    for stem in BATCH_FILES:
        pq_path, csv_path = folder / f"{stem}.parquet", folder / f"{stem}.csv"
        cols = ["seeker_id", "vacancy_id", "rank"]
        if pq_path.is_file():
            out.append(pd.read_parquet(pq_path, columns=cols))
        elif csv_path.is_file():
            out.append(pd.read_csv(csv_path, usecols=cols, dtype={"seeker_id": str, "vacancy_id": str},
                                   encoding="utf-8-sig"))
        else:
            raise InputFileError(f"The batch folder '{folder}' has no {stem}.parquet or {stem}.csv; "
                                 "give the folder `matcher batch --out` wrote, or leave out --batch.")
    return out[0], out[1]


__all__ = ["Pool", "pool_from_scoring", "pool_from_lists", "read_batch_lists"]
