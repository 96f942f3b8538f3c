"""Two outcome models learned from the office's own records, saved as plain JSON.

(a) **P(hire | referral)**: logistic regression on the pair features of
:mod:`matcher.outcomes.features`. *Position bias*: a post shown at the top of
a staff list is hired into partly *because* it was on top. The rank shown
enters training as a feature (``log rank`` and a "found by search" flag) and
is set to the reference rank 1 (top of a list) at prediction, so the fit
features are not credited with the rank's effect. (Inverse-propensity weights
would need the click curve of every list; the rank feature needs only the
rank the log already holds and is the same correction when the rank effect is
additive on the logit scale, as the generated history assumes.) ``position=
"ignore"`` fits without it, for comparison (``benchmarks/outcomes.py``).

(b) **P(still in the job at 180 days | hire)**: a piecewise-exponential
survival model (periods 0-30, 30-90, 90-180 days, the follow-up call
schedule), fitted as a Poisson regression of departures on days at risk
(``sklearn.linear_model.PoissonRegressor`` with the exposure as sample
weight: the maximum-likelihood fit of the piecewise-constant hazard). A
censored spell contributes exactly the days it was observed at risk and no
departure: it is never counted as a stay or as a departure.
``P(stay 180) = exp(-Σ hazard_k × length_k)``.

Both are calibrated (isotonic regression on a slice of at least
:data:`ISOTONIC_MIN` cases, Platt scaling on smaller ones) on a time-later
validation slice held out of the fit: the last fifth of referrals by date; for the stay
model, the latest 30 % of the hires whose 180-day status could be seen by the
cut date (hires later still than that train the hazard with the days they
were observed). The stay calibration weights each spell whose 180-day status
is known by the inverse probability of not being censored before then
(Kaplan-Meier of the censoring times), so censored spells still count as
neither outcome. Too small a slice leaves a model uncalibrated, and the model
card says so.

**Similar job spells** (the staff reason "在类似岗位，条件相近的求职者 180 天仍在岗约
70%（依据 N 段就业记录）"): the reason speaks of spells like the pair's, so its
figure and N are theirs, not the model's. A pair's *condition gaps* are the
four things staff see and can negotiate — pay below the seeker's
expectation, a long commute (another part of the city or outside it), shift
work the seeker does not accept, no social insurance — and its *occupation
group* is the post's middle group of the 2022 classification (``6-18``; posts
without a code have none). The fit keeps, for every (group, gaps) and every
gaps profile over all posts, the number of spells up to the cut date, how
many have a known 180-day status and the Kaplan-Meier share still in the job
at 180 days (censored spells count as at risk while observed, never as stays
or departures) — only cells with at least :data:`SIMILAR_MIN_SPELLS` spells of
which :data:`SIMILAR_MIN_KNOWN` have a known status (smaller cells are not
stored). :meth:`OutcomeModel.similar` picks the pair's own group and gaps,
else the same gaps over all posts, else says there are too few (``basis``
``model``: the reason then gives the model's estimate and says so).

Saved as ``model.json`` (coefficients, scalers, isotonic breakpoints, the
post/employer history counts, the similar-spell cells: counts and shares,
no ids) — loading runs no code. A model from another
engine version or feature list is refused with a clear message.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from matcher import __version__, vocab
from matcher.errors import MatcherError
from matcher.outcomes.events import job_spells, referrals
from matcher.outcomes.features import EARLY_DAYS, PAIR_FEATURES, History, employer_map, pair_features

FORMAT = "matcher-outcome-model"
FORMAT_VERSION = 2      # 2: similar-spell cells for the staff reason
PERIODS = (0, 30, 90, 180)
HORIZON = 180
REFERENCE_RANK = 1
#: minimum data to learn anything worth shipping
MIN_REFERRALS, MIN_HIRES, MIN_SPELLS, MIN_LEFT = 200, 30, 30, 10
#: a validation slice this large is calibrated with isotonic regression; smaller ones with Platt scaling
ISOTONIC_MIN = 1000
#: the outcome reason speaks of similar spells only when there are at least this many (module doc) ...
SIMILAR_MIN_SPELLS = 30
#: ... of which at least this many have a known 180-day status (left before it, or observed to it)
SIMILAR_MIN_KNOWN = 20
#: the condition gaps that make spells "similar" (in this order in a cell key)
CONDITION_GAPS = vocab.STAY_GAPS


#: features staff can act on -> how a risk is worded to them (one table: matcher.vocab)
RISK_WORDS = vocab.labels("outcome_risk", "zh")


class ModelError(MatcherError):
    """A model file that cannot be used (other engine version, other features, unreadable)."""


class NotEnoughOutcomes(MatcherError):
    """Too few recorded outcomes to learn from."""


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass
class Calibrator:
    """A monotone map of raw probabilities, fitted on the validation slice.

    ``kind`` ``"isotonic"`` (breakpoints ``x``/``y``, used when the slice has at
    least :data:`ISOTONIC_MIN` cases), ``"platt"`` (``y = sigmoid(a·logit(p) + b)``,
    ``x = [a, b]``; smoother for smaller slices) or ``"identity"`` (slice too
    small or one-sided: the model is left uncalibrated and the card says so).
    """

    x: list[float]
    y: list[float]
    kind: str = "identity"

    def __call__(self, p: np.ndarray) -> np.ndarray:
        p = np.asarray(p, float)
        if self.kind == "isotonic":
            return np.interp(p, self.x, self.y)
        if self.kind == "platt":
            return _sigmoid(self.x[0] * _logit(p) + self.x[1])
        return p

    @classmethod
    def fit(cls, p: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> Calibrator:
        p, y = np.asarray(p, float), np.asarray(y, float)
        if len(p) < 30 or len(np.unique(y)) < 2:
            return cls([], [], "identity")
        if len(p) >= ISOTONIC_MIN:
            from sklearn.isotonic import IsotonicRegression

            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y, sample_weight=w)
            return cls([float(v) for v in iso.X_thresholds_], [float(v) for v in iso.y_thresholds_], "isotonic")
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1e6, max_iter=1000).fit(_logit(p)[:, None], y.astype(int), sample_weight=w)
        return cls([float(lr.coef_[0, 0]), float(lr.intercept_[0])], [], "platt")


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def km_censoring(duration: np.ndarray, censored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier of the censoring distribution G(t) = P(not censored by t): (times, G after each)."""
    t = np.asarray(duration, float)
    c = np.asarray(censored, bool)
    times = np.unique(t[c])
    g, surv = 1.0, []
    for u in times:
        at_risk = (t >= u).sum()
        d = ((t == u) & c).sum()
        g *= 1 - d / at_risk if at_risk else 1
        surv.append(g)
    return times, np.array(surv)


def ipcw_known(duration: np.ndarray, left: np.ndarray, horizon: int = HORIZON
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spells whose ``horizon`` status is known, their label (1 = still in the job) and IPC weights."""
    d = np.asarray(duration, float)
    lf = np.asarray(left, bool)
    known = (lf & (d < horizon)) | (d >= horizon)
    stay = (d >= horizon).astype(float)
    times, g = km_censoring(d, ~lf)

    def G(t: np.ndarray) -> np.ndarray:
        if len(times) == 0:                              # no spell censored: nobody needs re-weighting
            return np.ones(len(t))
        i = np.searchsorted(times, t, side="left")      # censoring strictly before t
        return np.where(i > 0, g[np.maximum(i - 1, 0)], 1.0)
    at = np.where(d >= horizon, horizon, d)
    w = 1.0 / np.maximum(G(at), 0.05)
    return known, stay, w


def km_stay(duration: np.ndarray, left: np.ndarray, horizon: int = HORIZON) -> float:
    """Kaplan-Meier share still in the job at ``horizon`` days (departures before it; censored spells are at
    risk until their last observed day). NaN when there are no spells."""
    d = np.asarray(duration, float)
    lf = np.asarray(left, bool)
    if len(d) == 0:
        return math.nan
    s = 1.0
    for t in np.unique(d[lf & (d < horizon)]):
        s *= 1.0 - ((d == t) & lf).sum() / (d >= t).sum()
    return float(s)


def condition_gaps(X: np.ndarray) -> np.ndarray:
    """Per pair, its :data:`CONDITION_GAPS` as a key of 0/1 digits (``"1001"``: pay short, no insurance)."""
    X = np.atleast_2d(np.asarray(X, float))
    col = {f: i for i, f in enumerate(PAIR_FEATURES)}
    flags = np.column_stack([X[:, col["wage_short_k"]] > 0,
                             (X[:, col["rel_city"]] > 0) | (X[:, col["rel_outside"]] > 0),
                             X[:, col["shift_conflict"]] > 0, X[:, col["no_insurance"]] > 0])
    return np.array(["".join("1" if f else "0" for f in row) for row in flags], dtype=object)


def occupation_groups(matcher, vacancy_idx: np.ndarray) -> np.ndarray:
    """The middle group (``6-18``) of each post's occupation code in the fitted matcher, ``""`` when uncoded."""
    F = matcher.features_
    codes = list(getattr(F, "vacancy_code_list", []) or [])
    idx = np.asarray(getattr(F, "vacancy_code", np.full(F.n_vacancies, len(codes))), np.int64)
    b = np.asarray(vacancy_idx, np.int64).ravel()
    table = np.array(["-".join(c.split("-")[:2]) for c in codes] + [""], dtype=object)
    return table[np.where((idx[b] >= 0) & (idx[b] < len(codes)), idx[b], len(codes))]


def similar_cells(groups: np.ndarray, gaps: np.ndarray, duration: np.ndarray, left: np.ndarray
                  ) -> dict[str, list[float]]:
    """``{"group|gaps" or "*|gaps": [spells, known, KM share at 180]}`` for cells large enough (module doc)."""
    d = np.asarray(duration, float)
    lf = np.asarray(left, bool)
    known = (lf & (d < HORIZON)) | (d >= HORIZON)
    keys = pd.DataFrame({"g": np.asarray(groups, object), "x": np.asarray(gaps, object)})
    out: dict[str, list[float]] = {}
    for level in ("group", "all"):
        by = keys["x"] if level == "all" else keys["g"] + "|" + keys["x"]
        for key, ix in by.groupby(by).groups.items():
            ix = np.asarray(ix)
            if level == "group" and str(key).startswith("|"):       # no occupation code: no group cell
                continue
            n, k = len(ix), int(known[ix].sum())
            if n >= SIMILAR_MIN_SPELLS and k >= SIMILAR_MIN_KNOWN:
                out[("*|" + str(key)) if level == "all" else str(key)] = [int(n), k, round(km_stay(d[ix], lf[ix]), 6)]
    return dict(sorted(out.items()))


def _person_periods(X: np.ndarray, duration: np.ndarray, left: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of (spell, period) at risk: features, period index, days exposed, departure in the period."""
    rows, per, expo, ev = [], [], [], []
    for k in range(len(PERIODS) - 1):
        lo, hi = PERIODS[k], PERIODS[k + 1]                # periods are (lo, hi] days; the first is [0, hi]
        idx = np.flatnonzero(duration > lo) if k else np.arange(len(duration))
        d = duration[idx]
        rows.append(idx)
        per.append(np.full(len(idx), k))
        expo.append(np.maximum(np.minimum(d, hi) - lo, 0.5))  # a same-day departure is half a day at risk
        ev.append((left[idx] & (d <= hi)).astype(float))
    r = np.concatenate(rows)
    return X[r], np.concatenate(per), np.concatenate(expo), np.concatenate(ev)


def fit_stay(Z: np.ndarray, duration: np.ndarray, left: np.ndarray, alpha: float = 1e-3) -> dict[str, Any]:
    """Piecewise-exponential hazard fit (Poisson on days at risk); censored spells add exposure, no event."""
    from sklearn.linear_model import PoissonRegressor

    P, per, expo, evs = _person_periods(np.asarray(Z, float), np.asarray(duration, float), np.asarray(left, bool))
    pr = PoissonRegressor(alpha=alpha, max_iter=3000).fit(_period_design(P, per), evs / expo, sample_weight=expo)
    return {"periods": list(PERIODS), "horizon": HORIZON, "period_coef": pr.coef_[:len(PERIODS) - 2].tolist(),
            "coef": pr.coef_[len(PERIODS) - 2:].tolist(), "intercept": float(pr.intercept_),
            "person_periods": int(len(per))}


def stay_probability(stay: dict[str, Any], Z: np.ndarray) -> np.ndarray:
    """P(no departure by the horizon) of a fitted :func:`fit_stay` for standardised features ``Z``."""
    Z = np.asarray(Z, float)
    eta = float(stay["intercept"]) + Z @ np.asarray(stay["coef"], float)
    offs = [0.0, *stay["period_coef"]]
    cum = np.zeros(len(Z))
    for k in range(len(PERIODS) - 1):
        cum += np.exp(eta + offs[k]) * (PERIODS[k + 1] - PERIODS[k])
    return np.exp(-cum)


def _period_design(Xs: np.ndarray, per: np.ndarray) -> np.ndarray:
    D = np.zeros((len(per), len(PERIODS) - 2))
    for k in range(1, len(PERIODS) - 1):
        D[:, k - 1] = per == k
    return np.hstack([D, Xs])


class OutcomeModel:
    """P(hire | referral) and P(in the job at 180 days | hire) for (seeker, vacancy) pairs.

    ``OutcomeModel.fit(matcher, events, until=...)`` learns from an accepted
    event log (:func:`matcher.io.loader.load_outcomes`) against a fitted
    :class:`matcher.core.Matcher`; ``save(dir)`` / ``load(dir)``;
    ``predict(matcher, seeker_idx, vacancy_idx) -> (p_hire, p_stay180)``;
    ``expected_lasting_hire(...) = p_hire × p_stay180``.
    """

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.history = History.from_dict(params["history"])
        self._hire_cal = Calibrator(**params["hire"]["calibration"])
        self._stay_cal = Calibrator(**params["stay"]["calibration"])

    # ------------------------------------------------------------------ fit
    @classmethod
    def fit(cls, matcher, events: pd.DataFrame, *, until: _dt.date | str | None = None,
            position: str = "rank_feature", seed: int = 0) -> OutcomeModel:
        """Learn both models from events on or before ``until`` (default: the log's last date).

        Raises :class:`NotEnoughOutcomes` when there is too little to learn from.
        """
        from sklearn.linear_model import LogisticRegression

        if position not in ("rank_feature", "ignore"):
            raise MatcherError(f"position must be 'rank_feature' or 'ignore', got {position!r}")
        cut = pd.Timestamp(until).normalize() if until is not None else pd.Timestamp(events["date"].max()).normalize()
        ev = events[events["date"] <= cut]
        spos = {s: i for i, s in enumerate(matcher.features_.seeker_ids)}
        vpos = {v: i for i, v in enumerate(matcher.features_.vacancy_ids)}
        refs = referrals(ev, until=cut)
        refs = refs[refs["seeker_id"].isin(spos) & refs["vacancy_id"].isin(vpos)].reset_index(drop=True)
        spells = job_spells(ev, until=cut)
        spells = spells[spells["seeker_id"].isin(spos) & spells["vacancy_id"].isin(vpos)].reset_index(drop=True)
        n_hires, n_left = int(refs["hired"].sum()), int(spells["left"].sum()) if len(spells) else 0
        if len(refs) < MIN_REFERRALS or n_hires < MIN_HIRES or len(spells) < MIN_SPELLS or n_left < MIN_LEFT:
            raise NotEnoughOutcomes(
                f"Too few outcomes to learn from (up to {cut.date()}): {len(refs)} referrals with an answer "
                f"(need {MIN_REFERRALS}), {n_hires} hires (need {MIN_HIRES}), {len(spells)} job spells "
                f"(need {MIN_SPELLS}) of which {n_left} ended (need {MIN_LEFT}). No model was written; "
                "record more referrals, hires and follow-up calls and try again.")
        emp = employer_map(matcher)
        history = History.from_spells(spells, emp)
        # ---- (a) hire
        sp = spells.assign(known=spells["left"] | (spells["duration"] >= EARLY_DAYS),
                           early=spells["left"] & (spells["duration"] < EARLY_DAYS))
        own = sp.groupby(["seeker_id", "vacancy_id"])[["known", "early"]].sum()
        key = pd.MultiIndex.from_frame(refs[["seeker_id", "vacancy_id"]])
        o = own.reindex(key).fillna(0)
        a = refs["seeker_id"].map(spos).to_numpy()
        b = refs["vacancy_id"].map(vpos).to_numpy()
        X = pair_features(matcher, a, b, history, own_early=o["early"].to_numpy(), own_known=o["known"].to_numpy())
        y = refs["hired"].to_numpy().astype(int)
        rank = refs["rank_shown"].to_numpy(dtype=float)
        R = _rank_design(rank) if position == "rank_feature" else np.zeros((len(refs), 0))
        t_split = refs["referred_on"].quantile(0.8)
        tr = (refs["referred_on"] < t_split).to_numpy()
        if tr.sum() < MIN_REFERRALS // 2 or len(np.unique(y[tr])) < 2:
            tr = np.ones(len(refs), bool)
        mu, sd = X[tr].mean(0), X[tr].std(0)
        sd = np.where(sd > 1e-9, sd, 1.0)
        Z = np.hstack([(X - mu) / sd, R])
        lr = LogisticRegression(C=1.0, max_iter=2000).fit(Z[tr], y[tr])
        va = ~tr
        raw_va = lr.predict_proba(Z[va])[:, 1]
        hire_cal = Calibrator.fit(raw_va, y[va])
        # ---- (b) stay
        sa = spells["seeker_id"].map(spos).to_numpy()
        sb = spells["vacancy_id"].map(vpos).to_numpy()
        Xs = pair_features(matcher, sa, sb, history, own_early=sp["early"].to_numpy().astype(float),
                           own_known=sp["known"].to_numpy().astype(float))
        dur = spells["duration"].to_numpy(dtype=float)
        lft = spells["left"].to_numpy(dtype=bool)
        # validation: the latest 30 % of the hires whose 180-day status could be seen by the cut date
        observable = spells["hired_on"] <= cut - pd.Timedelta(days=HORIZON)
        s_split = spells.loc[observable, "hired_on"].quantile(0.7) if observable.any() else cut
        str_ = ~(observable & (spells["hired_on"] >= s_split)).to_numpy()
        if str_.sum() < MIN_SPELLS or lft[str_].sum() < MIN_LEFT:
            str_ = np.ones(len(spells), bool)
        Zs = (Xs - mu) / sd
        stay_fit = fit_stay(Zs[str_], dur[str_], lft[str_])
        similar = similar_cells(occupation_groups(matcher, sb), condition_gaps(Xs), dur, lft)
        params: dict[str, Any] = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "engine_version": __version__,
            "features": list(PAIR_FEATURES), "position": position, "reference_rank": REFERENCE_RANK,
            "scaler": {"mean": mu.tolist(), "scale": sd.tolist()},
            "hire": {"coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0]),
                     "rank_terms": ["log_rank", "from_search"] if position == "rank_feature" else [],
                     "calibration": {"x": [], "y": []}},
            "stay": {**stay_fit, "calibration": {"x": [], "y": []}},
            "history": history.to_dict(),
            "similar": {"min_spells": SIMILAR_MIN_SPELLS, "min_known": SIMILAR_MIN_KNOWN,
                        "gaps": list(CONDITION_GAPS), "group_level": "middle", "cells": similar},
            "window": {"first": str(ev["date"].min().date()), "until": str(cut.date()),
                       "hire_validation_from": str(pd.Timestamp(t_split).date()),
                       "stay_validation_from": str(pd.Timestamp(s_split).date())},
            "sizes": {"events": int(len(ev)), "referrals": int(len(refs)), "hires": n_hires,
                      "spells": int(len(spells)), "left": n_left, "censored": int((~lft).sum()),
                      "person_periods": int(stay_fit["person_periods"]), "hire_train": int(tr.sum()), "hire_validation": int(va.sum()),
                      "stay_train": int(str_.sum()), "stay_validation": int((~str_).sum())},
        }
        model = cls(params)
        model._hire_cal = hire_cal
        params["hire"]["calibration"] = {"x": hire_cal.x, "y": hire_cal.y, "kind": hire_cal.kind}
        # stay calibration: IPCW isotonic on the later hires whose 180-day status is known
        vs = ~str_
        raw_s = model._stay_raw(Zs[vs])
        known, stay, w = ipcw_known(dur[vs], lft[vs])
        stay_cal = Calibrator.fit(raw_s[known], stay[known], w[known])
        model._stay_cal = stay_cal
        params["stay"]["calibration"] = {"x": stay_cal.x, "y": stay_cal.y, "kind": stay_cal.kind}
        # evaluation data for the model card (validation slices)
        model.validation_ = {
            "hire": {"p": model._hire_cal(raw_va), "raw": raw_va, "y": y[va],
                     "seeker_id": refs.loc[va, "seeker_id"].to_numpy()},
            "stay": {"p": model._stay_cal(raw_s), "raw": raw_s, "duration": dur[vs], "left": lft[vs],
                     "seeker_id": spells.loc[vs, "seeker_id"].to_numpy()},
        }
        return model

    # ------------------------------------------------------------ predict
    def _stay_raw(self, Zs: np.ndarray) -> np.ndarray:
        return stay_probability(self.params["stay"], Zs)

    def _z(self, X: np.ndarray) -> np.ndarray:
        sc = self.params["scaler"]
        return (X - np.asarray(sc["mean"], float)) / np.asarray(sc["scale"], float)

    def predict_features(self, X: np.ndarray, rank: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(p_hire, p_stay180) from a feature matrix; ``rank`` None = the reference rank (top of a list)."""
        Z = self._z(np.asarray(X, float))
        h = self.params["hire"]
        coef = np.asarray(h["coef"], float)
        nf = len(self.params["features"])
        z = float(h["intercept"]) + Z @ coef[:nf]
        if h["rank_terms"]:
            r = np.full(len(Z), float(self.params["reference_rank"])) if rank is None else np.asarray(rank, float)
            z = z + _rank_design(r) @ coef[nf:]
        return self._hire_cal(_sigmoid(z)), self._stay_cal(self._stay_raw(Z))

    def predict(self, matcher, seeker_idx: np.ndarray, vacancy_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(p_hire, p_stay180) per (seeker, vacancy) position pair of a fitted matcher, at the top of a list."""
        X = pair_features(matcher, seeker_idx, vacancy_idx, self.history)
        return self.predict_features(X)

    def expected_lasting_hire(self, matcher, seeker_idx: np.ndarray, vacancy_idx: np.ndarray) -> np.ndarray:
        """P(hire) × P(still in the job at 180 days): the expected lasting hire of each pair."""
        ph, ps = self.predict(matcher, seeker_idx, vacancy_idx)
        return ph * ps

    def similar(self, groups: np.ndarray, gaps: np.ndarray, p_stay: np.ndarray) -> list[dict[str, Any]]:
        """What the staff reason says per pair: the similar spells' 180-day share and their number.

        ``basis`` ``"occupation"`` (same occupation group and condition gaps), ``"conditions"`` (same gaps,
        all posts) or ``"model"`` (fewer than :data:`SIMILAR_MIN_SPELLS` similar spells: ``stay`` is the
        model's ``p_stay``, ``n`` the similar spells there are, possibly 0). Also ``group`` and ``gaps``
        (the :data:`CONDITION_GAPS` names present).
        """
        sim = self.params.get("similar") or {}
        cells = sim.get("cells") or {}
        out = []
        for g, x, p in zip(groups, gaps, np.asarray(p_stay, float)):
            names = [c for c, f in zip(CONDITION_GAPS, str(x)) if f == "1"]
            own, every = cells.get(f"{g}|{x}") if g else None, cells.get(f"*|{x}")
            if own is not None:
                out.append({"basis": "occupation", "group": str(g), "gaps": names, "n": int(own[0]),
                            "stay": float(own[2])})
            elif every is not None:
                out.append({"basis": "conditions", "group": str(g) or None, "gaps": names, "n": int(every[0]),
                            "stay": float(every[2])})
            else:
                out.append({"basis": "model", "group": str(g) or None, "gaps": names, "n": 0, "stay": float(p)})
        return out

    def explain(self, matcher, seeker_idx: int, vacancy_idx: int) -> dict[str, Any]:
        """One pair in words staff understand: the two chances, the expected lasting hire, a reason line
        (:func:`stay_reason` rendered, e.g. "在类似岗位（…），条件相近的求职者 180 天仍在岗约 70%（依据 N 段就业记录）",
        and the similar spells it speaks of: ``similar``) and what shortens jobs like this one, most
        first (only things staff can see or negotiate: wage, commute, shifts, insurance, the post's record)."""
        from matcher.render.reasons import render_reason

        X = pair_features(matcher, np.array([seeker_idx]), np.array([vacancy_idx]), self.history)
        ph, ps = self.predict_features(X)
        Z = self._z(X)[0]
        coef = np.asarray(self.params["stay"]["coef"], float)
        names = self.params["features"]
        contrib = {n: float(coef[i] * Z[i]) for i, n in enumerate(names)}
        risks = [(contrib[n], n) for n in RISK_WORDS if n in contrib and X[0, names.index(n)] > 0 and contrib[n] > 0.05]
        risks.sort(reverse=True)
        sim = self.similar(occupation_groups(matcher, np.array([vacancy_idx])), condition_gaps(X), ps)[0]
        reason = render_reason(stay_reason(sim, float(ph[0]), float(ps[0])), "zh")
        return {"p_hire": float(ph[0]), "p_stay180": float(ps[0]), "expected_lasting_hire": float(ph[0] * ps[0]),
                "similar": sim, "reason": reason,
                "risks": [{"feature": n, "text": RISK_WORDS[n]} for _, n in risks]}

    # -------------------------------------------------------- persistence
    def save(self, out_dir: str | Path) -> Path:
        """Write ``model.json`` into ``out_dir`` (created). Returns its path."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        p = out / "model.json"
        tmp = p.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.params, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(p)
        return p

    @classmethod
    def load(cls, model_dir: str | Path) -> OutcomeModel:
        """Read a saved model (JSON only: no code runs). Raises :class:`ModelError` with the reason."""
        d = Path(model_dir)
        p = d / "model.json" if d.is_dir() else d
        try:
            params = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"No outcome model at {p}: run `matcher learn ... --out {d}` first.") from None
        except (OSError, ValueError) as exc:
            raise ModelError(f"The outcome model {p} cannot be read ({exc}); learn it again with `matcher learn`.") from None
        if not isinstance(params, dict) or params.get("format") != FORMAT:
            raise ModelError(f"{p} is not an outcome model written by `matcher learn`.")
        if params.get("format_version") != FORMAT_VERSION or params.get("engine_version") != __version__:
            raise ModelError(
                f"The outcome model {p} was learned by engine version {params.get('engine_version')} "
                f"(model format {params.get('format_version')}); this is engine version {__version__} "
                f"(format {FORMAT_VERSION}). Its features may mean something else now: learn it again with "
                "`matcher learn`.")
        if params.get("features") != list(PAIR_FEATURES):
            theirs, ours = params.get("features") or [], list(PAIR_FEATURES)
            diff = sorted(set(theirs) ^ set(ours)) or ["(same names, other order)"]
            raise ModelError(f"The outcome model {p} uses another feature list than this engine "
                             f"(differing: {', '.join(map(str, diff))}); learn it again with `matcher learn`.")
        return cls(params)


def stay_share(p_stay: float) -> int:
    """A 180-day share in per cent, rounded to 5 (what staff are told)."""
    return int(round(float(p_stay) * 100 / 5) * 5)


@lru_cache(maxsize=None)
def _group_name(group: str) -> str | None:
    from matcher.occupations.taxonomy import name_of

    parts = group.split("-")
    return name_of("-".join(parts + ["00"] * (4 - len(parts)))) if 1 <= len(parts) <= 2 else None


def stay_reason(similar: dict[str, Any], p_hire: float, p_stay: float) -> dict[str, Any]:
    """The ``outcome_stay`` reason record of a pair from :meth:`OutcomeModel.similar`'s entry.

    ``share`` (per cent, rounded to 5) and ``n_similar`` describe the similar spells named by ``basis``
    (``occupation``: same occupation ``group`` and ``gaps``; ``conditions``: same ``gaps``, all posts); with
    ``basis`` ``model`` there were fewer than ``min_similar`` of them and ``share`` is the model's estimate.
    ``model_share`` is always the model's estimate for this pair, ``p_hire`` its chance of a hire.
    """
    g = similar.get("group")
    return {"code": "outcome_stay", "dim": "outcome", "share": stay_share(similar["stay"]),
            "p_hire": round(float(p_hire), 3), "n_similar": int(similar["n"]), "basis": similar["basis"],
            "group": g, "group_name": _group_name(g) if g else None, "gaps": list(similar["gaps"]),
            "min_similar": SIMILAR_MIN_SPELLS, "model_share": stay_share(p_stay)}


def _rank_design(rank: np.ndarray) -> np.ndarray:
    """Training-only position terms: log rank (lists) and a flag for referrals found by search (no rank)."""
    r = np.asarray(rank, float)
    search = ~np.isfinite(r)
    return np.column_stack([np.where(search, 0.0, np.log(np.maximum(np.where(search, 1, r), 1))), search])


def brier(p: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> float:
    return float(np.average((np.asarray(p, float) - np.asarray(y, float)) ** 2, weights=w))


def reliability(p: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, bins: int = 5) -> list[dict[str, float]]:
    """Reliability table: predicted vs observed by equal-count bins of prediction."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    w = np.ones(len(p)) if w is None else np.asarray(w, float)
    if len(p) == 0:
        return []
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(len(edges) - 2, 0))
    out = []
    for k in np.unique(idx):
        m = idx == k
        out.append({"from": float(p[m].min()), "to": float(p[m].max()), "n": int(m.sum()),
                    "predicted": float(np.average(p[m], weights=w[m])),
                    "observed": float(np.average(y[m], weights=w[m]))})
    return out


def auc(p: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y)
    return float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else math.nan
