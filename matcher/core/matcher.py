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

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Callable

import numpy as np
import pandas as pd

from matcher.core.blocking import candidate_matrix
from matcher.core.compare import Grid, GridScores, prepare_fast_path, score_grid
from matcher.core.explain import Explainer, Match
from matcher.core.fairness import fair_min_counts, fair_rerank, outside_window, vacancy_flags
from matcher.core.cells import as_list
from matcher.core.features import build_features, vacancy_certificates
from matcher.core.fitted import Features, Resources
from matcher.core.ranking import id_order, rank_key, top_k, top_k_rows, top_k_sparse
from matcher.core.settings import MatchSettings
from matcher.errors import MatcherError, NotFittedError, UnknownIdError


#: for_seeker scores at most this many posts in one pass with their parts (explanations come from
#: the same pass); wider masks get a score-only pass and explanations for the top k only
_FEW_POSTS = 512


_key = rank_key  # the one ranking key (matcher.core.ranking)


def open_posts(vacancies: pd.DataFrame, reference_date: _dt.date, *, exclude_expired: bool = True,
               hired: Mapping[str, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """THE rule of an open post, used by every face: ``(open mask, openings left)`` over ``vacancies`` rows.

    A post is open when it has not expired (``expires_on`` before
    ``reference_date``; no date = open; ignored when ``exclude_expired`` is
    false) and it has openings left: ``openings`` (default 1) minus the hires
    recorded for it in ``hired`` (vacancy_id -> number of referrals whose
    latest outcome is a hire; None = no outcomes known). ``openings left`` is
    0 for posts that are not open.
    """
    n = len(vacancies)
    ok = np.ones(n, dtype=bool)
    if exclude_expired and "expires_on" in vacancies.columns:
        exp = pd.to_datetime(vacancies["expires_on"], errors="coerce")
        ok &= ~(exp.notna() & (exp < pd.Timestamp(reference_date))).to_numpy(dtype=bool)
    if "openings" in vacancies.columns:
        op = pd.to_numeric(vacancies["openings"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        op = np.where(np.isfinite(op) & (op >= 1), op, 1.0)
    else:
        op = np.ones(n)
    if hired:
        ids = vacancies["vacancy_id"].astype(str).tolist()
        op = op - np.array([float(hired.get(v, 0) or 0) for v in ids])
    ok &= op > 0
    return ok, np.where(ok, op, 0.0).astype(np.int64)


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
        :class:`MatchSettings`, a (partial) dict for :meth:`MatchSettings.from_dict`,
        or None for the defaults. The core reads no files: read a settings file
        with :func:`matcher.io.settings.read_settings`.
    skill_normaliser, occupation_coder, occupation_proximity, district_relation:
        collaborators; None builds the package's own
        (:class:`matcher.skills.normaliser.SkillNormaliser`, fitted on the
        market's item texts; :func:`matcher.occupations.coder.default_coder`;
        a fresh :class:`matcher.occupations.proximity.OccupationProximity`
        fitted for this matcher (the core keeps no process-wide cache: the
        market layer, :mod:`matcher.market`, shares one and passes it in);
        :func:`matcher.normalise.districts.district_relation`). Injected
        objects are used as given (already fitted).

    Attributes after ``fit``: ``seekers_``, ``vacancies_`` (the frames, in
    positional order), ``features_``, ``open_`` / ``openings_left_`` (the
    open-post rule, :func:`open_posts`). Queries never change the fitted
    object, so one matcher may serve many threads.
    """

    def __init__(self, settings: MatchSettings | dict | None = None, *,
                 skill_normaliser: Any = None, occupation_coder: Any = None,
                 occupation_proximity: Any = None,
                 district_relation: Callable[[str, str], str] | None = None) -> None:
        self.settings = MatchSettings.from_dict(settings)
        self.skill_normaliser = skill_normaliser
        self.occupation_coder = occupation_coder
        self.occupation_proximity = occupation_proximity
        self.district_relation = district_relation

    # ------------------------------------------------------------------ fit
    def _resources(self, seekers: pd.DataFrame, vacancies: pd.DataFrame) -> Resources:
        norm = self.skill_normaliser
        if norm is None:
            from matcher.skills.normaliser import SkillNormaliser
            terms: set[str] = set()
            for frame, cols in ((seekers, ("skills", "certificates")),
                                (vacancies, ("required_skills", "preferred_skills"))):
                for c in cols:
                    if c in frame.columns:
                        for cell in frame[c].tolist():
                            terms.update(as_list(cell))
            for certs in vacancy_certificates(vacancies):      # listed and required in the post's text
                terms.update(certs)
            norm = SkillNormaliser()
            norm.fit(extra_terms=sorted(terms))
        coder, prox = self.occupation_coder, self.occupation_proximity
        if self.settings.occupation.use_codes:
            if coder is None:
                from matcher.occupations.coder import default_coder
                coder = default_coder()
            if prox is None:
                from matcher.occupations.proximity import OccupationProximity
                prox = OccupationProximity().fit()
        rel = self.district_relation
        if rel is None:
            from matcher.normalise.districts import district_relation as rel
        return Resources(skill_normaliser=norm, occupation_coder=coder, occupation_proximity=prox,
                         district_relation=rel)

    def fit(self, seekers: pd.DataFrame, vacancies: pd.DataFrame, *,
            hired: Mapping[str, int] | None = None) -> Matcher:
        """Precompute features of normalised seeker and vacancy frames (see :mod:`matcher.schema`).

        ``hired`` (vacancy_id -> recorded hires) closes posts whose openings
        are all filled (see :func:`open_posts`). Raises
        :class:`matcher.errors.InputFileError` when an id column is missing or
        ids repeat.
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
        prepare_fast_path(F)
        self.hired_ = {str(k): int(v) for k, v in (hired or {}).items() if v}
        self._finish()
        return self

    def _finish(self) -> None:
        """Derived query state of a fitted (or restored, see :mod:`matcher.market`) matcher."""
        F = self.features_
        self._seeker_pos = {s: i for i, s in enumerate(F.seeker_ids)}
        self._vacancy_pos = {v: i for i, v in enumerate(F.vacancy_ids)}
        self.open_, self.openings_left_ = open_posts(
            self.vacancies_, self.settings.reference_day(),
            exclude_expired=self.settings.hard_constraints.exclude_expired, hired=self.hired_)
        self.explainer_ = Explainer(F, self.settings, self.seekers_, self.vacancies_,
                                    self.resources_.skill_normaliser)
        gender = self.seekers_["gender"] if "gender" in self.seekers_.columns else pd.Series([None] * F.n_seekers)
        self._gender = np.array([g if isinstance(g, str) else None for g in gender.tolist()], dtype=object)
        age = self.seekers_["age"] if "age" in self.seekers_.columns else pd.Series([np.nan] * F.n_seekers)
        self._age = pd.to_numeric(age, errors="coerce").to_numpy(dtype=float, na_value=np.nan)

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
        """The open posts (:func:`open_posts`): the only ones ever ranked."""
        return self.open_

    @staticmethod
    def _order(scores: np.ndarray, id_rank: np.ndarray, k: int) -> np.ndarray:
        """Positions of the best k: the one rank rule (:func:`matcher.core.ranking.top_k`)."""
        return top_k(scores, id_rank, k)

    # -------------------------------------------------------------- queries
    def _seeker_row(self, si: int, b: np.ndarray) -> np.ndarray:
        """Scores of seeker position ``si`` against vacancy positions ``b`` (sorted), flat float32.

        When ``b`` covers more than a quarter of the posts the whole row is
        scored and indexed: slicing every per-vacancy matrix down to ``b``
        costs more than scoring the posts left out. Otherwise the posts are
        scored as explicit pairs (a few dozen candidates from the nightly
        batch: about 3× faster than a sliced dense block). Pair values do not
        depend on the block or route they are computed in, so every route
        gives the same scores bit for bit.
        """
        F = self.features_
        if 4 * len(b) > F.n_vacancies:
            full = score_grid(F, self.settings, Grid(np.array([si]), np.arange(F.n_vacancies)), score_only=True)
            return full.score.ravel()[b]
        g = Grid(np.array([si]), b, np.zeros(len(b), dtype=np.int64), np.arange(len(b), dtype=np.int64))
        return score_grid(F, self.settings, g, score_only=True).score.ravel()

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
        if len(b) <= _FEW_POSTS:  # e.g. the nightly batch's candidates: score them once, with their parts
            gs = self.score_pairs(np.full(len(b), si), b)
            top = self._order(gs.score, F.vacancy_id_rank[b], k)
            return [self.explainer_.build(si, int(b[j]), r + 1, gs, int(j)) for r, j in enumerate(top)]
        s = self._seeker_row(si, b)
        top = self._order(s, F.vacancy_id_rank[b], k)
        # the row's scores of the chosen posts are the pairs' ranking scores bit for bit (no second scoring)
        gs = self.score_pairs(np.full(len(top), si), b[top], score=s[top])
        return [self.explainer_.build(si, int(b[j]), r + 1, gs, r) for r, j in enumerate(top)]

    def for_vacancy(self, vacancy_id: str, k: int | None = None, *,
                    seeker_mask: np.ndarray | None = None) -> list[Match]:
        """Best k seekers for a vacancy (default ``settings.top_k``), explained.

        With ``priority.fair_ranking`` the list is re-ranked so that every
        prefix holds at least the FA*IR minimum of priority-group candidates.
        A post that is not open (expired, or all openings filled) returns an
        empty list. See :meth:`for_vacancy_summary` for the compliance summary.
        """
        return self._for_vacancy(vacancy_id, k, seeker_mask)[0]

    def _for_vacancy(self, vacancy_id: str, k: int | None,
                     seeker_mask: np.ndarray | None) -> tuple[list[Match], dict[str, Any]]:
        F = self._check()
        vi = self._vpos(vacancy_id)
        k = self.settings.top_k if k is None else int(k)
        ok = self._mask(seeker_mask, F.n_seekers, "seeker_mask")
        a = np.flatnonzero(ok)
        if not self.open_[vi]:
            expired = bool(F.expired[vi] and self.settings.hard_constraints.exclude_expired)
            return [], self._summary(vi, a, np.zeros(0, dtype=np.int64), 0, expired=expired, closed=True)
        score = score_grid(F, self.settings, Grid(a, np.array([vi])), score_only=True).score.ravel()
        pr = self.settings.priority
        fair = pr.enabled and pr.fair_ranking
        promoted = np.zeros(0, dtype=bool)
        if fair:
            prot = F.priority[a]
            tp = np.flatnonzero(prot)
            to = np.flatnonzero(~prot)
            best_p = tp[self._order(score[tp], F.seeker_id_rank[a][tp], k)]
            best_o = to[self._order(score[to], F.seeker_id_rank[a][to], k)]
            pool = np.concatenate([best_p, best_o])
            pool = pool[np.lexsort((F.seeker_id_rank[a][pool], -_key(score[pool])))]
            top, promoted = fair_rerank(pool, F.priority[a][pool], k, fair_min_counts(k, pr.min_share, pr.alpha))
        else:
            top = self._order(score, F.seeker_id_rank[a], k)
        gs = self.score_pairs(a[top], np.full(len(top), vi))
        out = []
        for r, j in enumerate(top):
            flag = {"applied": bool(fair), "promoted": bool(promoted[r]) if fair else False}
            out.append(self.explainer_.build(int(a[j]), vi, r + 1, gs, r, fair=flag))
        return out, self._summary(vi, a, a[top], int(promoted.sum()) if fair else 0)

    def _summary(self, vi: int, pool: np.ndarray, chosen: np.ndarray, n_promoted: int,
                 expired: bool = False, closed: bool = False) -> dict[str, Any]:
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
            "open": not closed,
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

    def for_vacancy_summary(self, vacancy_id: str, k: int | None = None, *,
                            seeker_mask: np.ndarray | None = None) -> dict[str, Any]:
        """Compliance summary of a vacancy's candidate list (ranks it as :meth:`for_vacancy` does).

        Keys: ``vacancy_id``, ``flags`` (compliance flags), ``expired``, ``open``,
        ``candidates_considered``, ``returned``, ``priority_in_list``,
        ``would_exclude`` / ``would_exclude_priority`` (seekers in the whole
        pool outside the posted gender requirement or age window — i.e. whom the
        posting would have excluded had it been applied as a filter — and how
        many of them are in a priority group), the same two counts ``_in_list``
        for the returned list, ``fair_ranking`` and ``promoted``.
        """
        return self._for_vacancy(vacancy_id, k, seeker_mask)[1]

    def explain(self, seeker_id: str, vacancy_id: str) -> Match:
        """The explained record of one pair; ``rank`` is its place in the seeker's full list
        (None when the vacancy is expired and excluded)."""
        F = self._check()
        si, vi = self._spos(seeker_id), self._vpos(vacancy_id)
        ok = self._vacancy_ok()
        b = np.flatnonzero(ok)
        row = self._seeker_row(si, b)
        gs = _flat(score_grid(F, self.settings, Grid(np.array([si]), np.array([vi]))))
        rank = None
        if ok[vi]:
            key = _key(row)
            me = key[np.searchsorted(b, vi)]
            better = (key > me) | ((key == me) & (F.vacancy_id_rank[b] < F.vacancy_id_rank[vi]))
            rank = int(better.sum()) + 1
        return self.explainer_.build(si, vi, rank, gs, 0)

    # ---------------------------------------------------------------- batch
    def score_block(self, seeker_idx: np.ndarray, vacancy_idx: np.ndarray | None = None) -> np.ndarray:
        """Dense scores, rows = ``seeker_idx`` positions, columns = ``vacancy_idx`` (default all).

        Posts that are not open (:func:`open_posts`) score ``-inf``.
        """
        F = self._check()
        a = np.asarray(seeker_idx, dtype=np.int64)
        b = np.arange(F.n_vacancies) if vacancy_idx is None else np.asarray(vacancy_idx, dtype=np.int64)
        s = score_grid(F, self.settings, Grid(a, b), score_only=True).score
        s[:, ~self.open_[b]] = -np.inf
        return s

    def score_pairs(self, seeker_idx: np.ndarray, vacancy_idx: np.ndarray, *,
                    score: np.ndarray | None = None) -> GridScores:
        """Scores of arbitrary (seeker, vacancy) position pairs, with per-dimension parts.

        ``seeker_idx`` and ``vacancy_idx`` are equal-length arrays of fitted
        positions; pair i is ``(seeker_idx[i], vacancy_idx[i])``. Returns a
        :class:`~matcher.core.compare.GridScores` of flat float32 arrays
        (``score``, ``contributions`` per dimension and ``priority``, raw
        ``components`` and boolean ``evidence``), the same values the dense
        block gives (``score`` bit for bit; contributions add up to it within
        float32 rounding, about 1e-7). Expired vacancies are scored
        like any other (filtering is the caller's). ``score``: the pairs'
        ranking scores when the caller already has them from a dense row or
        block (the same values bit for bit; saves scoring the pairs twice). Raises
        :class:`MatcherError` on unequal lengths or positions out of range.
        """
        F = self._check()
        s = np.asarray(seeker_idx, dtype=np.int64).ravel()
        v = np.asarray(vacancy_idx, dtype=np.int64).ravel()
        if s.shape != v.shape:
            raise MatcherError(f"score_pairs needs equal-length arrays, got {s.shape[0]} seekers and {v.shape[0]} vacancies.")
        if len(s) and (s.min() < 0 or s.max() >= F.n_seekers or v.min() < 0 or v.max() >= F.n_vacancies):
            raise MatcherError(f"score_pairs positions out of range (seekers 0..{F.n_seekers - 1}, "
                               f"vacancies 0..{F.n_vacancies - 1}).")
        a, rows = np.unique(s, return_inverse=True)
        b, cols = np.unique(v, return_inverse=True)
        g = Grid(a, b, rows.astype(np.int64).ravel(), cols.astype(np.int64).ravel())
        gs = score_grid(F, self.settings, g)
        # the ranking score of the dense route, bit for bit (contributions add up to it within float32 rounding)
        if score is not None:
            gs.score = np.asarray(score, dtype=gs.score.dtype).reshape(gs.score.shape)
        else:
            gs.score = score_grid(F, self.settings, g, score_only=True).score
        return gs

    def top_k_block(self, seeker_idx: np.ndarray, k: int, *,
                    blocking: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per-seeker top-k vacancy positions and scores (score desc, id asc).

        Uses candidate generation when ``blocking`` (default
        ``settings.blocking.enabled``); seekers with fewer than
        ``blocking.min_candidates_factor`` × k candidates are scored exhaustively. Shapes ``(len(seeker_idx), k)``; rows are
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
            keep_c = ok[C.col]
            crow, ccol = C.row[keep_c], C.col[keep_c]
            counts = np.bincount(crow, minlength=len(a))
            enough = counts >= min(self.settings.blocking.min_candidates_factor * k, n_open)
            keep = enough[crow]
            rows, cols = crow[keep].astype(np.int64), ccol[keep].astype(np.int64)
            if len(rows):
                s = self._score_candidates(a, rows, cols)
                by_rank = np.argsort(F.vacancy_id_rank, kind="stable")      # id rank -> position
                rc, rv = top_k_sparse(rows, F.vacancy_id_rank[cols], _key(s), len(a), k)
                got = np.isfinite(rv)
                idx[got] = by_rank[rc[got]]
                # the float32 scores themselves, read back per pair
                pk = rows * F.n_vacancies + cols
                o = np.argsort(pk, kind="stable")
                r_i, c_i = np.nonzero(got)
                sc[r_i, c_i] = s[o[np.searchsorted(pk[o], r_i * F.n_vacancies + idx[r_i, c_i])]]
            exhaustive = ~enough
        ex = np.flatnonzero(exhaustive)
        if len(ex) and n_open:
            b = id_order(F.vacancy_id_rank, np.flatnonzero(ok))          # columns in id order: ties by position
            for lo in range(0, len(ex), 512):
                part = ex[lo:lo + 512]
                s = score_grid(F, self.settings, Grid(a[part], b), score_only=True).score
                cols, _ = top_k_rows(_key(s), k)
                kk = cols.shape[1]
                idx[part, :kk] = b[cols]
                sc[part, :kk] = np.take_along_axis(s, cols.astype(np.int64), 1)
        return idx, sc

    def score_candidates(self, seeker_idx: np.ndarray, vacancy_idx: np.ndarray) -> np.ndarray:
        """Scores only (float32) of many (seeker, vacancy) position pairs, e.g. blocked candidates.

        Equal to :meth:`score_block` bit for bit and much faster than
        :meth:`score_pairs` for large candidate sets (dense sub-blocks over
        each group's candidate union); use :meth:`score_pairs` when the
        per-dimension contributions are needed. Raises :class:`MatcherError`
        on unequal lengths or positions out of range.
        """
        F = self._check()
        s = np.asarray(seeker_idx, dtype=np.int64).ravel()
        v = np.asarray(vacancy_idx, dtype=np.int64).ravel()
        if s.shape != v.shape:
            raise MatcherError(f"score_candidates needs equal-length arrays, got {s.shape[0]} and {v.shape[0]}.")
        if len(s) and (s.min() < 0 or s.max() >= F.n_seekers or v.min() < 0 or v.max() >= F.n_vacancies):
            raise MatcherError("score_candidates positions out of range.")
        if len(s) == 0:
            return np.zeros(0, dtype=np.float32)
        a, rows = np.unique(s, return_inverse=True)
        return self._score_candidates(a, np.asarray(rows, dtype=np.int64).ravel(), v)

    def _score_candidates(self, a: np.ndarray, rows: np.ndarray, cols: np.ndarray, group: int = 128) -> np.ndarray:
        """Scores of candidate pairs (``a[rows]``, ``cols``), computed as dense sub-blocks.

        Seekers are grouped (similar occupation-code profiles together, so
        their candidate sets overlap) and each group is scored densely
        against the union of its candidates — far cheaper per pair than
        gathering sparse rows pair by pair — then the pairs are read off.
        Values equal :meth:`score_block` bit for bit.
        """
        F = self.features_
        out = np.empty(len(rows), dtype=np.float32)
        ur = np.unique(rows)
        ur = ur[np.lexsort((F.seeker_id_rank[a[ur]], F.extra["code_profile"][a[ur]]))]
        order = np.argsort(rows, kind="stable")
        starts = np.searchsorted(rows[order], np.arange(len(a) + 1))
        local = np.zeros(len(a), dtype=np.int64)
        for lo in range(0, len(ur), group):
            g_rows = ur[lo:lo + group]
            sel = np.concatenate([order[starts[r]:starts[r + 1]] for r in g_rows])
            ub, ci = np.unique(cols[sel], return_inverse=True)
            local[g_rows] = np.arange(len(g_rows))
            ri = local[rows[sel]]
            block = score_grid(F, self.settings, Grid(a[g_rows], ub), score_only=True).score
            out[sel] = block[ri, np.asarray(ci).ravel()]
        return out

    def blocking_recall(self, seeker_idx: np.ndarray | None = None, k: int = 10) -> dict[str, Any]:
        """Recall of blocked top-k against exhaustive top-k on the fitted market.

        Returns ``{"k", "seekers", "recall" (share of exhaustive top-k pairs kept),
        "mean_candidates" (per seeker), "pair_share" (candidates / all pairs)}``.
        ``seeker_idx`` defaults to every seeker.
        """
        F = self._check()
        a = np.arange(F.n_seekers) if seeker_idx is None else np.asarray(seeker_idx, dtype=np.int64)
        ex_idx, _ = self.top_k_block(a, k, blocking=False)
        bl_idx, _ = self.top_k_block(a, k, blocking=True)
        hit = total = 0
        for e_row, b_row in zip(ex_idx, bl_idx):
            e = set(e_row[e_row >= 0].tolist())
            total += len(e)
            hit += len(e & set(b_row[b_row >= 0].tolist()))
        C = candidate_matrix(F, self.settings, a)
        return {"k": k, "seekers": int(len(a)), "recall": hit / total if total else 1.0,
                "mean_candidates": float(C.nnz / max(len(a), 1)),
                "pair_share": float(C.nnz / max(len(a) * F.n_vacancies, 1))}
