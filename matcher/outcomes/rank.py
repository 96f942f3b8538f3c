"""Ranking with a learned outcome model, on the one route to a fitted market.

A market built with a model (:func:`matcher.market.build_market` /
:func:`~matcher.market.load_market` with ``model=``, or the settings'
``outcomes.model``) answers with an :class:`OutcomeMatcher`: the core's
:class:`~matcher.core.Matcher` whose lists and explanations carry the
outcome term. Every face that asks ``market.matcher`` (``matcher match``,
the web pages, the report) therefore ranks the same way; the nightly batch
applies the same functions (:func:`outcome_contribution`, :func:`decorate`)
to its candidate lists.

The outcome term (a documented *additive* contribution, not a dimension of
the weighted mean, so the rule-based part of a score keeps its meaning):

* ``expected lasting hire`` (ELH) = P(hire | referral) × P(still in the job
  at 180 days | hire), both from :class:`~matcher.outcomes.model.OutcomeModel`
  at the top of a list (the rank a referral was shown at is a training-only
  feature);
* the pair's ``outcome`` contribution = ``outcomes.weight`` × ELH, added to
  the contributions, so they still add up to the score;
* lists: the best ``max(k, outcomes.pool)`` candidates by the rule-based score
  are re-ordered by the new score (``outcomes.rank_by = "score"``) or by ELH
  alone (``"lasting_hire"``), ties by id. Candidates beyond that pool keep the
  rule-based order after it (a two-stage ranker: the model never promotes a
  pair the rules rank below the pool);
* a post's seeker list keeps at least as many priority-group seekers as the
  list without the model (:func:`matcher.outcomes.ranking.rerank`'s floor),
  or the FA*IR minimum when ``priority.fair_ranking`` is on.

Every explained pair gains ``outcome`` (chances, ELH, weight, risks) and the
reason record ``outcome_stay`` (:func:`matcher.outcomes.model.stay_reason`:
``share`` — the share of *similar* job spells still running at 180 days, in
per cent rounded to 5, and ``n_similar`` — how many there are; similar = the
same occupation group and condition gaps, else the same gaps over all posts;
with fewer than ``SIMILAR_MIN_SPELLS`` the model's estimate, said as such),
rendered "在同类岗位（…），薪资、通勤、倒班、保险均无差距的求职者 180 天仍在岗约 70%（依据
98 段就业记录）";
a high-risk factor staff can act on is an ``outcome_risk`` record (``risk``:
the feature, e.g. ``wage_short_k``). Without a model nothing changes and faces
say :data:`NO_MODEL`.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from matcher.core.compare import Grid, score_grid
from matcher.core.explain import Match
from matcher.core.fairness import fair_min_counts, fair_rerank
from matcher.core.matcher import _FEW_POSTS, Matcher
from matcher.core.ranking import top_k
from matcher.outcomes.features import PAIR_FEATURES, pair_features
from matcher.outcomes.model import (HORIZON, RISK_WORDS, ModelError, OutcomeModel, condition_gaps,
                                    occupation_groups, stay_reason, stay_share)
from matcher.outcomes.ranking import outcome_key, rerank

#: what every face says when no outcome model is in use
NO_MODEL = "no outcome model in use"
NO_MODEL_ZH = "未使用结果模型"
#: a 180-day share shown below this puts ``outcome_stay`` among the gaps (a risk), otherwise among the fits
STAY_FIT_AT = 0.5
#: a feature's push on the departure hazard (coefficient × standardised value) above this is named as a risk
RISK_MIN = 0.05
MODEL_FILE = "model.json"


@dataclass
class OutcomeMatch(Match):
    """A :class:`~matcher.core.Match` with the outcome model's view of the pair (``outcome``)."""

    outcome: dict[str, Any] | None = None


# ---------------------------------------------------------------- model files
def model_file(path: str | Path) -> Path:
    """``model.json`` of a model folder (or the file itself)."""
    p = Path(path)
    return p / MODEL_FILE if p.is_dir() or not p.suffix else p


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def model_info(model: OutcomeModel, path: str | Path | None, sha256: str | None, settings: Any) -> dict[str, Any]:
    """What a run records about the model it used (run.json, saved market, report, --json)."""
    p = model.params
    return {"path": None if path is None else str(Path(path)), "sha256": sha256,
            "engine_version": p.get("engine_version"), "format_version": p.get("format_version"),
            "window": dict(p.get("window") or {}), "sizes": dict(p.get("sizes") or {}),
            "weight": float(settings.outcomes.weight), "rank_by": settings.outcomes.rank_by,
            "pool": int(settings.outcomes.pool)}


def load_model(path: str | Path) -> tuple[OutcomeModel, Path, str]:
    """(model, model.json path, its sha256); :class:`ModelError` with the reason when unusable."""
    f = model_file(path)
    if not f.is_file():
        raise ModelError(f"No outcome model at {path}: {f.name} is missing (run `matcher learn ... --out {path}`).")
    model = OutcomeModel.load(f)
    return model, f, sha256_of(f)


def resolve_model(settings: Any, model: Any = None) -> tuple[Any, OutcomeModel | None, dict[str, Any] | None]:
    """The model a market uses: ``model`` (a path or an :class:`OutcomeModel`), else ``settings.outcomes.model``.

    Returns ``(settings, model or None, info or None)``; a path given here is
    written into the settings' ``outcomes.model`` (so the run records it).
    """
    if model is None and settings.outcomes.model is None:
        return settings, None, None
    if isinstance(model, OutcomeModel):
        return settings, model, model_info(model, None, None, settings)
    src = settings.outcomes.model if model is None else str(model)
    m, f, sha = load_model(src)
    if model is not None:
        settings = settings.with_values(outcomes={"model": str(model)})
    return settings, m, model_info(m, f, sha, settings)


# --------------------------------------------------------------- the outcome term
def outcome_parts(model: OutcomeModel, matcher: Any, seeker_idx: np.ndarray, vacancy_idx: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p_hire, p_stay180, features) of position pairs (features: :data:`PAIR_FEATURES` columns)."""
    a = np.asarray(seeker_idx, np.int64).ravel()
    b = np.asarray(vacancy_idx, np.int64).ravel()
    X = pair_features(matcher, a, b, model.history)
    if len(a) == 0:
        return np.zeros(0), np.zeros(0), X
    ph, ps = model.predict_features(X)
    return np.asarray(ph, float), np.asarray(ps, float), X


def outcome_contribution(p_hire: np.ndarray, p_stay: np.ndarray, settings: Any) -> np.ndarray:
    """The ``outcome`` contribution: ``outcomes.weight`` × expected lasting hire."""
    return float(settings.outcomes.weight) * np.asarray(p_hire, float) * np.asarray(p_stay, float)


def ranking_key(score: np.ndarray, p_hire: np.ndarray, p_stay: np.ndarray, settings: Any) -> np.ndarray:
    """The list order with a model: score + outcome contribution, or the expected lasting hire alone."""
    by = "elh" if settings.outcomes.rank_by == "lasting_hire" else "score"
    return outcome_key(np.asarray(score, np.float64), np.asarray(p_hire) * np.asarray(p_stay),
                       settings.outcomes.weight, by)


def risks(model: OutcomeModel, X: np.ndarray) -> list[list[str]]:
    """Per pair, the features staff can see or act on that shorten jobs like it, strongest first."""
    X = np.atleast_2d(np.asarray(X, float))
    if len(X) == 0:
        return []
    Z = model._z(X)
    coef = np.asarray(model.params["stay"]["coef"], float)
    names = list(PAIR_FEATURES)
    out = []
    for i in range(len(X)):
        found = []
        for n in RISK_WORDS:
            j = names.index(n)
            c = float(coef[j] * Z[i, j])
            if X[i, j] > 0 and c > RISK_MIN:
                found.append((c, n))
        out.append([n for _c, n in sorted(found, reverse=True)])
    return out


def outcome_record(model: OutcomeModel, p_hire: float, p_stay: float, risk: list[str], settings: Any,
                   similar: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``outcome`` entry of an explained pair (``similar``: its :meth:`OutcomeModel.similar` entry)."""
    elh = float(p_hire) * float(p_stay)
    return {"p_hire": round(float(p_hire), 6), "p_stay180": round(float(p_stay), 6),
            "expected_lasting_hire": round(elh, 6), "weight": float(settings.outcomes.weight),
            "contribution": float(settings.outcomes.weight) * elh, "rank_by": settings.outcomes.rank_by,
            "horizon_days": HORIZON, "risks": list(risk),
            "n_similar": int(similar["n"]) if similar else 0,
            "similar_basis": similar["basis"] if similar else None}


def decorate(match: Match, model: OutcomeModel, p_hire: float, p_stay: float, risk: list[str], settings: Any,
             rank: int | None = None, similar: dict[str, Any] | None = None) -> OutcomeMatch:
    """``match`` with the outcome contribution, the ``outcome`` entry and its reason records.

    ``similar``: the pair's :meth:`OutcomeModel.similar` entry (None: none known, the model's estimate)."""
    if similar is None:
        similar = {"basis": "model", "group": None, "gaps": [], "n": 0, "stay": float(p_stay)}
    rec = outcome_record(model, p_hire, p_stay, risk, settings, similar)
    contributions = {**match.contributions, "outcome": rec["contribution"]}
    score = 0.0
    for v in contributions.values():          # the contributions add up to the score, in their order
        score = score + v
    reason = stay_reason(similar, p_hire, p_stay)
    reasons = {k: list(v) for k, v in match.reasons.items()}
    reasons["fits" if similar["stay"] >= STAY_FIT_AT else "gaps"].append(reason)
    reasons["gaps"].extend({"code": "outcome_risk", "dim": "outcome", "risk": r} for r in risk)
    fields = {f.name: getattr(match, f.name) for f in dataclasses.fields(Match)}
    fields.update(score=score, contributions=contributions, reasons=reasons,
                  rank=match.rank if rank is None else rank)
    return OutcomeMatch(**fields, outcome=rec)


# ------------------------------------------------------------------ the matcher
class OutcomeMatcher(Matcher):
    """The core matcher with an outcome model: lists and explanations with the outcome term (module doc).

    Built by the market route (``build_market(..., model=...)``); everything
    but :meth:`for_seeker`, :meth:`for_vacancy` (and its summary) and
    :meth:`explain` is the core's.
    """

    def __init__(self, settings: Any = None, *, outcome_model: OutcomeModel,
                 outcome_info: dict[str, Any] | None = None, **collaborators: Any) -> None:
        super().__init__(settings, **collaborators)
        self.outcome_model = outcome_model
        self.outcome_info = outcome_info

    def _pool_size(self, k: int) -> int:
        return max(int(k), int(self.settings.outcomes.pool))

    def _decorated(self, si: np.ndarray, vi: np.ndarray, matches: list[Match], ph: np.ndarray, ps: np.ndarray,
                   X: np.ndarray) -> list[OutcomeMatch]:
        rk = risks(self.outcome_model, X)
        sim = self.outcome_model.similar(occupation_groups(self, vi), condition_gaps(X), ps)
        return [decorate(m, self.outcome_model, ph[i], ps[i], rk[i], self.settings, similar=sim[i])
                for i, m in enumerate(matches)]

    def for_seeker(self, seeker_id: str, k: int | None = None, *,
                   vacancy_mask: np.ndarray | None = None) -> list[Match]:
        """Best k posts for a seeker with the outcome term (module doc); explained."""
        F = self._check()
        si = self._spos(seeker_id)
        k = self.settings.top_k if k is None else int(k)
        ok = self._mask(vacancy_mask, F.n_vacancies, "vacancy_mask") & self._vacancy_ok()
        b = np.flatnonzero(ok)
        if len(b) == 0 or k <= 0:
            return []
        s = self.score_pairs(np.full(len(b), si), b).score if len(b) <= _FEW_POSTS else self._seeker_row(si, b)
        pool = top_k(s, F.vacancy_id_rank[b], self._pool_size(k))
        bp = b[pool]
        ph, ps, X = outcome_parts(self.outcome_model, self, np.full(len(bp), si), bp)
        sel = top_k(ranking_key(s[pool], ph, ps, self.settings), F.vacancy_id_rank[bp], k)
        chosen = bp[sel]
        gs = self.score_pairs(np.full(len(chosen), si), chosen)
        base = [self.explainer_.build(si, int(chosen[r]), r + 1, gs, r) for r in range(len(chosen))]
        return self._decorated(si, chosen, base, ph[sel], ps[sel], X[sel])

    def _for_vacancy(self, vacancy_id: str, k: int | None,
                     seeker_mask: np.ndarray | None) -> tuple[list[Match], dict[str, Any]]:
        F = self._check()
        vi = self._vpos(vacancy_id)
        k = self.settings.top_k if k is None else int(k)
        if not self.open_[vi]:
            out, summary = super()._for_vacancy(vacancy_id, k, seeker_mask)
            summary["outcome_model"] = self.outcome_info
            return out, summary
        a = np.flatnonzero(self._mask(seeker_mask, F.n_seekers, "seeker_mask"))
        score = score_grid(F, self.settings, Grid(a, np.array([vi])), score_only=True).score.ravel()
        pool = top_k(score, F.seeker_id_rank[a], self._pool_size(k))      # rule-based order
        ap = a[pool]
        ph, ps, X = outcome_parts(self.outcome_model, self, ap, np.full(len(ap), vi))
        key = ranking_key(score[pool], ph, ps, self.settings)
        order = top_k(key, F.seeker_id_rank[ap], len(ap))                 # pool by the new key, ties by id
        prio = np.asarray(F.priority, bool)[ap]
        pr = self.settings.priority
        fair = pr.enabled and pr.fair_ranking
        promoted = np.zeros(0, bool)
        if fair:
            top, promoted = fair_rerank(order, prio[order], k, fair_min_counts(k, pr.min_share, pr.alpha))
        else:
            # floor: as many priority-group seekers as the rule-based top k (the pool's first k)
            top = order[rerank(key[order], k, prio[order], floor=int(prio[:k].sum()))]
        top = np.asarray(top, np.int64)
        chosen = ap[top]
        gs = self.score_pairs(chosen, np.full(len(chosen), vi))
        base = []
        for r in range(len(chosen)):
            flag = {"applied": bool(fair), "promoted": bool(promoted[r]) if fair else False}
            base.append(self.explainer_.build(int(chosen[r]), vi, r + 1, gs, r, fair=flag))
        out = self._decorated(chosen, np.full(len(chosen), vi), base, ph[top], ps[top], X[top])
        summary = self._summary(vi, a, chosen, int(promoted.sum()) if fair else 0)
        summary["outcome_model"] = self.outcome_info
        summary["priority_in_list_without_model"] = int(prio[:k].sum())
        return out, summary

    def explain(self, seeker_id: str, vacancy_id: str) -> Match:
        """One pair with the outcome term; ``rank`` is its place in the seeker's list with the model
        (within the re-ranked pool; beyond it, the rule-based place)."""
        F = self._check()
        m = super().explain(seeker_id, vacancy_id)
        si, vi = self._spos(seeker_id), self._vpos(vacancy_id)
        ph, ps, X = outcome_parts(self.outcome_model, self, np.array([si]), np.array([vi]))
        rank = m.rank
        if rank is not None:
            b = np.flatnonzero(self._vacancy_ok())
            s = self._seeker_row(si, b)
            pool = top_k(s, F.vacancy_id_rank[b], self._pool_size(self.settings.top_k))
            bp = b[pool]
            if vi in set(bp.tolist()):
                h, t, _ = outcome_parts(self.outcome_model, self, np.full(len(bp), si), bp)
                order = top_k(ranking_key(s[pool], h, t, self.settings), F.vacancy_id_rank[bp], len(bp))
                rank = int(np.flatnonzero(bp[order] == vi)[0]) + 1
        sim = self.outcome_model.similar(occupation_groups(self, np.array([vi])), condition_gaps(X), ps)[0]
        return decorate(m, self.outcome_model, ph[0], ps[0], risks(self.outcome_model, X)[0], self.settings,
                        rank=rank, similar=sim)


def attached(matcher: Any) -> dict[str, Any] | None:
    """The model info of a market's matcher (None: no outcome model in use)."""
    return getattr(matcher, "outcome_info", None) if isinstance(matcher, OutcomeMatcher) else None


__all__ = ["NO_MODEL", "NO_MODEL_ZH", "OutcomeMatch", "OutcomeMatcher", "attached", "decorate", "load_model",
           "model_file", "model_info", "outcome_contribution", "outcome_parts", "ranking_key", "resolve_model",
           "risks", "stay_share"]
