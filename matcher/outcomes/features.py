"""Pair features for the outcome models: comparison parts and gaps, and the post's own history.

Only what a pair *is* enters: the matcher's comparison components (skills,
occupation, education, wage, place, conditions — never the priority boost),
the gaps behind them (wage shortfall in yuan, education levels missing,
district relation, shift work not accepted, no social insurance) and the
post's and employer's own record of early leavers. Never gender, age,
ethnicity, household registration or priority groups: none of them is read
here (``tests/test_outcomes.py`` flips them and checks that predictions stay
identical).

History features are smoothed early-leaver rates: of the spells at a post (at
an employer) whose 90-day status is known before the cut date, the share that
ended within 90 days, shrunk toward the overall rate with a prior weight of
:data:`PRIOR_WEIGHT` spells. A spell still running and younger than 90 days is
censored and counts in neither the numerator nor the denominator. For a
training pair the pair's own spell is left out (no target leakage).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: the comparison dimensions used (never ``priority``)
COMPONENTS = ("skills", "occupation", "education", "wage", "place", "conditions")
#: pair features, in model order
PAIR_FEATURES = (
    *(f"c_{c}" for c in COMPONENTS),
    "wage_short_k",       # expected minimum − offered maximum, thousand yuan/month, ≥ 0 (0 when unknown)
    "wage_surplus_k",     # offered maximum − expected minimum, thousand yuan/month, ≥ 0, capped at 3
    "wage_unknown",
    "edu_gap",            # education levels missing, ≥ 0
    "rel_same", "rel_adjacent", "rel_city", "rel_outside",   # district relation (unknown = all 0)
    "shift_conflict",     # the post has shift work the seeker does not accept
    "no_insurance",       # the post pays no social insurance
    "insurance_unknown",
    "post_early_leave",   # smoothed early-leaver rate of the post
    "employer_early_leave",
)
EARLY_DAYS = 90
PRIOR_WEIGHT = 5.0
_RELATIONS = ("same", "adjacent", "city", "outside", "unknown")


@dataclass
class History:
    """Early-leaver counts per post and employer, from spells before a cut date."""

    overall: float = 0.2
    post: dict[str, tuple[float, float]] = field(default_factory=dict)       # vacancy_id -> (leavers, known)
    employer: dict[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def from_spells(cls, spells: pd.DataFrame, employer_of: dict[str, str]) -> History:
        """Counts from ``spells`` (:func:`matcher.outcomes.events.job_spells` at the cut date)."""
        if len(spells) == 0:
            return cls()
        known = spells["left"] | (spells["duration"] >= EARLY_DAYS)
        early = spells["left"] & (spells["duration"] < EARLY_DAYS)
        k = spells.loc[known]
        e = early[known].astype(float)
        overall = float(e.mean()) if len(k) else 0.2
        post = {v: (float(a), float(b)) for v, a, b in
                zip(*_sums(k["vacancy_id"], e))}
        emp = k["vacancy_id"].map(lambda v: employer_of.get(v, ""))
        employer = {x: (float(a), float(b)) for x, a, b in zip(*_sums(emp, e)) if x}
        return cls(overall, post, employer)

    def rates(self, vacancy_ids: np.ndarray, employers: np.ndarray,
              own_early: np.ndarray | None = None, own_known: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Smoothed early-leaver rates per pair; ``own_*`` (0/1 per pair) are subtracted (leave-one-out)."""
        n = len(vacancy_ids)
        oe = np.zeros(n) if own_early is None else np.asarray(own_early, float)
        ok = np.zeros(n) if own_known is None else np.asarray(own_known, float)
        out = []
        for table, keys in ((self.post, vacancy_ids), (self.employer, employers)):
            a = np.array([table.get(k, (0.0, 0.0))[0] for k in keys]) - oe
            b = np.array([table.get(k, (0.0, 0.0))[1] for k in keys]) - ok
            a, b = np.maximum(a, 0), np.maximum(b, 0)
            out.append((a + PRIOR_WEIGHT * self.overall) / (b + PRIOR_WEIGHT))
        return out[0], out[1]

    def to_dict(self) -> dict:
        return {"overall": self.overall, "post": {k: list(v) for k, v in self.post.items()},
                "employer": {k: list(v) for k, v in self.employer.items()}}

    @classmethod
    def from_dict(cls, d: dict) -> History:
        return cls(float(d["overall"]), {k: tuple(v) for k, v in d["post"].items()},
                   {k: tuple(v) for k, v in d["employer"].items()})


def _sums(keys: pd.Series, early: pd.Series) -> tuple[list, list, list]:
    g = pd.DataFrame({"k": keys.to_numpy(), "e": early.to_numpy()}).groupby("k")["e"]
    s, c = g.sum(), g.count()
    return list(s.index), list(s.to_numpy()), list(c.to_numpy())


def pair_features(matcher, seeker_idx: np.ndarray, vacancy_idx: np.ndarray, history: History | None = None, *,
                  own_early: np.ndarray | None = None, own_known: np.ndarray | None = None) -> np.ndarray:
    """Feature matrix (pairs × :data:`PAIR_FEATURES`) of fitted positions, from ``matcher.score_pairs``."""
    a = np.asarray(seeker_idx, dtype=np.int64).ravel()
    b = np.asarray(vacancy_idx, dtype=np.int64).ravel()
    n = len(a)
    X = np.zeros((n, len(PAIR_FEATURES)))
    if n == 0:
        return X
    gs = matcher.score_pairs(a, b)
    F = matcher.features_
    col = {f: i for i, f in enumerate(PAIR_FEATURES)}
    for c in COMPONENTS:
        comp = np.asarray(gs.components[c], dtype=float)
        ev = np.asarray(gs.evidence.get(c, np.ones(n, bool)), dtype=bool)
        X[:, col[f"c_{c}"]] = np.where(ev & np.isfinite(comp), comp, 0.5)
    wmin = np.asarray(F.wexp_min, float)[a]
    omax = np.asarray(F.woff_max, float)[b]
    known = np.isfinite(wmin) & np.isfinite(omax)
    diff = np.where(known, omax - wmin, 0.0) / 1000.0
    X[:, col["wage_short_k"]] = np.maximum(-diff, 0)
    X[:, col["wage_surplus_k"]] = np.minimum(np.maximum(diff, 0), 3)
    X[:, col["wage_unknown"]] = ~known
    es, evv = np.asarray(F.edu_s, float)[a], np.asarray(F.edu_v, float)[b]
    X[:, col["edu_gap"]] = np.where(np.isfinite(es) & np.isfinite(evv), np.maximum(evv - es, 0), 0)
    nd = F.rel.shape[0] - 1
    ds = np.where(F.dist_s[a] < 0, nd, F.dist_s[a])
    dv = np.where(F.dist_v[b] < 0, nd, F.dist_v[b])
    rel = F.rel[ds, dv]
    for r in ("same", "adjacent", "city", "outside"):
        X[:, col[f"rel_{r}"]] = rel == _RELATIONS.index(r)
    shift = np.asarray(F.shift, float)[b]
    acc = np.asarray(F.accepts_shift, float)[a]
    X[:, col["shift_conflict"]] = (shift == 1) & (acc == 0)
    ins = np.asarray(F.insurance, float)[b]
    X[:, col["no_insurance"]] = ins == 0
    X[:, col["insurance_unknown"]] = ~np.isfinite(ins)
    h = history or History()
    vids = np.asarray(F.vacancy_ids)[b]
    emp_all = matcher.vacancies_["employer"].astype(str).to_numpy() if "employer" in matcher.vacancies_.columns \
        else np.full(F.n_vacancies, "", dtype=object)
    X[:, col["post_early_leave"]], X[:, col["employer_early_leave"]] = h.rates(vids, emp_all[b], own_early, own_known)
    return X


def employer_map(matcher) -> dict[str, str]:
    """vacancy_id -> employer of a fitted matcher's vacancies."""
    v = matcher.vacancies_
    if "employer" not in v.columns:
        return {}
    return dict(zip(v["vacancy_id"].astype(str), v["employer"].fillna("").astype(str)))
