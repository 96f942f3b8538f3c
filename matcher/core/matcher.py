"""The :class:`Matcher`: fit once on normalised frames, then rank both ways with reasons.

Pipeline: block (:mod:`~matcher.core.blocking`, batch only) → compare
(:mod:`~matcher.core.compare`, one comparison per dimension) → score
(weighted mean over dimensions with evidence + visible priority boost) →
rank (score descending, then id ascending; FA*IR re-rank on request) →
explain (:mod:`~matcher.core.explain`, only for the returned pairs).

Like a scikit-learn estimator, ``__init__`` only stores parameters,
``fit`` validates and precomputes, learned state ends in ``_``, and using an
unfitted matcher raises :class:`matcher.errors.NotFittedError`.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from matcher.core.blocking import blocking_recall, candidate_matrix
from matcher.core.compare import Grid, GridScores, score_grid
from matcher.core.explain import Explainer, Match
from matcher.core.fairness import fair_min_counts, fair_rerank, outside_window, vacancy_flags
from matcher.core.features import Features, Resources, as_list, build_features
from matcher.core.settings import MatchSettings
from matcher.errors import MatcherError, NotFittedError, UnknownIdError


def _flat(gs: GridScores) -> GridScores:
    return GridScores(score=gs.score.ravel(),
                      contributions={k: np.asarray(v).ravel() for k, v in gs.contributions.items()},
                      components={k: np.asarray(v).ravel() for k, v in gs.components.items()},
                      evidence={k: np.asarray(v).ravel() for k, v in gs.evidence.items()})


class Matcher:
    """Rank vacancies for seekers and seekers for vacancies, with explanations.

    Parameters
    ----------
    settings:
        :class:`MatchSettings`, a dict / path / JSON string for
        :meth:`MatchSettings.from_path_or_dict`, or None for the defaults.
    skill_normaliser, occupation_coder, occupation_proximity, district_relation:
        collaborators; None builds the package's own
        (:class:`matcher.skills.normaliser.SkillNormaliser`, fitted on the
        market's item texts; :class:`matcher.occupations.coder.OccupationCoder`;
        :class:`matcher.occupations.proximity.OccupationProximity`;
        :func:`matcher.normalise.districts.district_relation`). Injected
        objects are used as given (already fitted).

    Attributes after ``fit``: ``seekers_``, ``vacancies_`` (the frames, in
    positional order), ``features_``, ``last_vacancy_summary`` (see
    :meth:`for_vacancy_summary`).
    """

    def __init__(self, settings: MatchSettings | dict | str | None = None, *,
                 skill_normaliser: Any = None, occupation_coder: Any = None,
                 occupation_proximity: Any = None,
                 district_relation: Callable[[str, str], str] | None = None) -> None:
        self.settings = MatchSettings.from_path_or_dict(settings)
        self.skill_normaliser = skill_normaliser
        self.occupation_coder = occupation_coder
        self.occupation_proximity = occupation_proximity
        self.district_relation = district_relation
        self.last_vacancy_summary: dict[str, Any] | None = None

    # ------------------------------------------------------------------ fit
    def _resources(self, seekers: pd.DataFrame, vacancies: pd.DataFrame) -> Resources:
        norm = self.skill_normaliser
        if norm is None:
            from matcher.skills.normaliser import SkillNormaliser
            terms: set[str] = set()
            for frame, cols in ((seekers, ("skills", "certificates")),
                                (vacancies, ("required_skills", "preferred_skills", "certificates_required"))):
                for c in cols:
                    if c in frame.columns:
                        for cell in frame[c].tolist():
                            terms.update(as_list(cell))
            norm = SkillNormaliser()
            norm.fit(extra_terms=sorted(terms))
        coder, prox = self.occupation_coder, self.occupation_proximity
        if self.settings.occupation.use_codes:
            if coder is None:
                from matcher.occupations.coder import OccupationCoder
                coder = OccupationCoder()
                coder.fit()
            if prox is None:
                from matcher.occupations.proximity import OccupationProximity
                prox = OccupationProximity()
                prox.fit()
        rel = self.district_relation
        if rel is None:
            from matcher.normalise.districts import district_relation as rel
        return Resources(skill_normaliser=norm, occupation_coder=coder, occupation_proximity=prox,
                         district_relation=rel)

    def fit(self, seekers: pd.DataFrame, vacancies: pd.DataFrame) -> Matcher:
        """Precompute features of normalised seeker and vacancy frames (see :mod:`matcher.schema`).

        Raises :class:`matcher.errors.InputFileError` when an id column is
        missing or ids repeat.
        """
        if not isinstance(seekers, pd.DataFrame) or not isinstance(vacancies, pd.DataFrame):
            raise MatcherError("Matcher.fit expects two pandas DataFrames (normalised seekers, vacancies).")
        self.settings.validate()
        res = self._resources(seekers, vacancies)
        self.seekers_ = seekers.reset_index(drop=True)
        self.vacancies_ = vacancies.reset_index(drop=True)
        self.resources_ = res
        self.features_: Features = build_features(self.seekers_, self.vacancies_, self.settings, res)
        F = self.features_
        self._seeker_pos = {s: i for i, s in enumerate(F.seeker_ids)}
        self._vacancy_pos = {v: i for i, v in enumerate(F.vacancy_ids)}
        self.explainer_ = Explainer(F, self.settings, self.seekers_, self.vacancies_, res.skill_normaliser)
        gender = self.seekers_["gender"] if "gender" in self.seekers_.columns else pd.Series([None] * F.n_seekers)
        self._gender = np.array([g if isinstance(g, str) else None for g in gender.tolist()], dtype=object)
        age = self.seekers_["age"] if "age" in self.seekers_.columns else pd.Series([np.nan] * F.n_seekers)
        self._age = pd.to_numeric(age, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return self

    # -------------------------------------------------------------- helpers
    def _check(self) -> Features:
        if not hasattr(self, "features_"):
            raise NotFittedError("This Matcher is not fitted yet; call fit(seekers, vacancies) first.")
        return self.features_

    def _spos(self, seeker_id: str) -> int:
        self._check()
        pos = self._seeker_pos.get(str(seeker_id))
        if pos is None:
            raise UnknownIdError(f"Unknown seeker_id '{seeker_id}': not among the {len(self._seeker_pos)} fitted seekers.")
        return pos

    def _vpos(self, vacancy_id: str) -> int:
        self._check()
        pos = self._vacancy_pos.get(str(vacancy_id))
        if pos is None:
            raise UnknownIdError(f"Unknown vacancy_id '{vacancy_id}': not among the {len(self._vacancy_pos)} fitted vacancies.")
        return pos

    def _mask(self, mask: np.ndarray | None, n: int, what: str) -> np.ndarray:
        if mask is None:
            return np.ones(n, dtype=bool)
        m = np.asarray(mask, dtype=bool)
        if m.shape != (n,):
            raise MatcherError(f"{what} must be a boolean array of length {n}, got shape {m.shape}.")
        return m

    def _vacancy_ok(self) -> np.ndarray:
        F = self.features_
        return ~F.expired if self.settings.hard_constraints.exclude_expired else np.ones(F.n_vacancies, bool)

    @staticmethod
    def _order(scores: np.ndarray, id_rank: np.ndarray, k: int) -> np.ndarray:
        """Positions of the best k: score descending, then id ascending (scores rounded to 1e-12)."""
        if len(scores) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64)
        key = np.round(scores, 12)
        if len(scores) > 4 * k:
            # keep everything tied with the k-th best so id order decides among them
            kth = np.partition(-key, k - 1)[k - 1]
            cand = np.flatnonzero(-key <= kth)
        else:
            cand = np.arange(len(scores))
        o = np.lexsort((id_rank[cand], -key[cand]))
        return cand[o][:k]

    # -------------------------------------------------------------- queries
    def for_seeker(self, seeker_id: str, k: int | None = None, *,
                   vacancy_mask: np.ndarray | None = None) -> list[Match]:
        """Best k vacancies for a seeker (default ``settings.top_k``), explained.

        ``vacancy_mask`` (bool, length n_vacancies) restricts the vacancies
        considered. Expired vacancies are excluded (hard constraint).
        Raises :class:`UnknownIdError` for an unknown id.
        """
        F = self._check()
        si = self._spos(seeker_id)
        k = self.settings.top_k if k is None else int(k)
        ok = self._mask(vacancy_mask, F.n_vacancies, "vacancy_mask") & self._vacancy_ok()
        b = np.flatnonzero(ok)
        gs = _flat(score_grid(F, self.settings, Grid(np.array([si]), b)))
        top = self._order(gs.score, F.vacancy_id_rank[b], k)
        return [self.explainer_.build(si, int(b[j]), r + 1, gs, int(j)) for r, j in enumerate(top)]

    def for_vacancy(self, vacancy_id: str, k: int | None = None, *,
                    seeker_mask: np.ndarray | None = None) -> list[Match]:
        """Best k seekers for a vacancy (default ``settings.top_k``), explained.

        With ``priority.fair_ranking`` the list is re-ranked so that every
        prefix holds at least the FA*IR minimum of priority-group candidates.
        Sets :attr:`last_vacancy_summary` (see :meth:`for_vacancy_summary`).
        An expired vacancy (when ``exclude_expired``) returns an empty list.
        """
        F = self._check()
        vi = self._vpos(vacancy_id)
        k = self.settings.top_k if k is None else int(k)
        ok = self._mask(seeker_mask, F.n_seekers, "seeker_mask")
        a = np.flatnonzero(ok)
        expired = bool(F.expired[vi] and self.settings.hard_constraints.exclude_expired)
        if expired:
            self.last_vacancy_summary = self._summary(vi, a, np.zeros(0, dtype=np.int64), 0, expired=True)
            return []
        gs = _flat(score_grid(F, self.settings, Grid(a, np.array([vi]))))
        pr = self.settings.priority
        fair = pr.enabled and pr.fair_ranking
        promoted = np.zeros(0, dtype=bool)
        if fair:
            prot = F.priority[a]
            tp = np.flatnonzero(prot)
            to = np.flatnonzero(~prot)
            best_p = tp[self._order(gs.score[tp], F.seeker_id_rank[a][tp], k)]
            best_o = to[self._order(gs.score[to], F.seeker_id_rank[a][to], k)]
            pool = np.concatenate([best_p, best_o])
            pool = pool[np.lexsort((F.seeker_id_rank[a][pool], -np.round(gs.score[pool], 12)))]
            top, promoted = fair_rerank(pool, F.priority[a][pool], k, fair_min_counts(k, pr.min_share, pr.alpha))
        else:
            top = self._order(gs.score, F.seeker_id_rank[a], k)
        out = []
        for r, j in enumerate(top):
            flag = {"applied": bool(fair), "promoted": bool(promoted[r]) if fair else False}
            out.append(self.explainer_.build(int(a[j]), vi, r + 1, gs, int(j), fair=flag))
        self.last_vacancy_summary = self._summary(vi, a, a[top], int(promoted.sum()) if fair else 0)
        return out

    def _summary(self, vi: int, pool: np.ndarray, chosen: np.ndarray, n_promoted: int,
                 expired: bool = False) -> dict[str, Any]:
        F = self.features_
        vac = self.vacancies_.iloc[vi].to_dict()
        flags = vacancy_flags(vac, None if np.isnan(F.woff[vi]) else float(F.woff[vi]), bool(F.expired[vi]),
                              self.settings)
        og, oa = outside_window(self._gender[pool], self._age[pool], vac)
        excl = og | oa
        prio = F.priority[pool]
        in_top = np.isin(pool, chosen)
        return {
            "vacancy_id": str(F.vacancy_ids[vi]),
            "flags": flags,
            "expired": bool(expired),
            "candidates_considered": int(len(pool)),
            "returned": int(len(chosen)),
            "priority_in_list": int(F.priority[chosen].sum()) if len(chosen) else 0,
            "would_exclude": int(excl.sum()),
            "would_exclude_priority": int((excl & prio).sum()),
            "would_exclude_in_list": int((excl & in_top).sum()),
            "would_exclude_priority_in_list": int((excl & prio & in_top).sum()),
            "fair_ranking": bool(self.settings.priority.enabled and self.settings.priority.fair_ranking),
            "promoted": int(n_promoted),
        }

    def for_vacancy_summary(self, vacancy_id: str, k: int | None = None) -> dict[str, Any]:
        """Compliance summary of a vacancy's candidate list (runs :meth:`for_vacancy`).

        Keys: ``vacancy_id``, ``flags`` (compliance flags), ``expired``,
        ``candidates_considered``, ``returned``, ``priority_in_list``,
        ``would_exclude`` / ``would_exclude_priority`` (seekers in the whole
        pool outside the posted gender requirement or age window — i.e. whom the
        posting would have excluded had it been applied as a filter — and how
        many of them are in a priority group), the same two counts ``_in_list``
        for the returned list, ``fair_ranking`` and ``promoted``.
        """
        self.for_vacancy(vacancy_id, k)
        return dict(self.last_vacancy_summary or {})

    def explain(self, seeker_id: str, vacancy_id: str) -> Match:
        """The explained record of one pair; ``rank`` is its place in the seeker's full list
        (None when the vacancy is expired and excluded)."""
        F = self._check()
        si, vi = self._spos(seeker_id), self._vpos(vacancy_id)
        ok = self._vacancy_ok()
        row = score_grid(F, self.settings, Grid(np.array([si]), np.flatnonzero(ok))).score.ravel()
        gs = _flat(score_grid(F, self.settings, Grid(np.array([si]), np.array([vi]))))
        rank = None
        if ok[vi]:
            b = np.flatnonzero(ok)
            key = np.round(row, 12)
            me = np.round(gs.score[0], 12)
            better = (key > me) | ((key == me) & (F.vacancy_id_rank[b] < F.vacancy_id_rank[vi]))
            rank = int(better.sum()) + 1
        return self.explainer_.build(si, vi, rank, gs, 0)

    # ---------------------------------------------------------------- batch
    def score_block(self, seeker_idx: np.ndarray, vacancy_idx: np.ndarray | None = None) -> np.ndarray:
        """Dense scores, rows = ``seeker_idx`` positions, columns = ``vacancy_idx`` (default all).

        Expired vacancies score ``-inf`` when ``exclude_expired``.
        """
        F = self._check()
        a = np.asarray(seeker_idx, dtype=np.int64)
        b = np.arange(F.n_vacancies) if vacancy_idx is None else np.asarray(vacancy_idx, dtype=np.int64)
        s = score_grid(F, self.settings, Grid(a, b)).score.copy()
        if self.settings.hard_constraints.exclude_expired:
            s[:, F.expired[b]] = -np.inf
        return s

    def top_k_block(self, seeker_idx: np.ndarray, k: int, *,
                    blocking: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per-seeker top-k vacancy positions and scores (score desc, id asc).

        Uses candidate generation when ``blocking`` (default
        ``settings.blocking.enabled``); seekers with fewer than k candidates
        are scored exhaustively. Shapes ``(len(seeker_idx), k)``; rows are
        padded with -1 / ``-inf`` when fewer than k vacancies are open.
        """
        F = self._check()
        a = np.asarray(seeker_idx, dtype=np.int64)
        k = int(k)
        use = self.settings.blocking.enabled if blocking is None else bool(blocking)
        idx = np.full((len(a), k), -1, dtype=np.int64)
        sc = np.full((len(a), k), -np.inf)
        if len(a) == 0 or k <= 0:
            return idx, sc
        ok = self._vacancy_ok()
        n_open = int(ok.sum())
        exhaustive = np.ones(len(a), dtype=bool)
        if use:
            C = candidate_matrix(F, self.settings, a).tocoo()
            counts = np.bincount(C.row, minlength=len(a))
            enough = counts >= min(k, n_open)
            keep = enough[C.row]
            rows, cols = C.row[keep], C.col[keep]
            if len(rows):
                gs = score_grid(F, self.settings, Grid(a, np.arange(F.n_vacancies), rows, cols))
                key = np.round(gs.score, 12)
                o = np.lexsort((F.vacancy_id_rank[cols], -key, rows))
                rows_o, cols_o, s_o = rows[o], cols[o], gs.score[o]
                start = np.searchsorted(rows_o, np.arange(len(a)))
                pos = np.arange(len(rows_o)) - start[rows_o]
                sel = pos < k
                idx[rows_o[sel], pos[sel]] = cols_o[sel]
                sc[rows_o[sel], pos[sel]] = s_o[sel]
            exhaustive = ~enough
        ex = np.flatnonzero(exhaustive)
        if len(ex):
            b = np.flatnonzero(ok)
            s = score_grid(F, self.settings, Grid(a[ex], b)).score
            key = np.round(s, 12)
            o = np.lexsort((np.broadcast_to(F.vacancy_id_rank[b], s.shape), -key), axis=-1)[:, :k]
            m = o.shape[1]
            idx[ex, :m] = b[o]
            sc[ex, :m] = np.take_along_axis(s, o, axis=1)
        return idx, sc

    def blocking_recall(self, seeker_idx: np.ndarray | None = None, k: int = 10) -> dict[str, Any]:
        """Recall of blocked vs exhaustive top-k (see :func:`matcher.core.blocking.blocking_recall`)."""
        self._check()
        return blocking_recall(self, seeker_idx, k)
