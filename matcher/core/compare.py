"""Compare: one vectorised comparison per dimension, and their weighted combination.

Every comparison works on a :class:`Grid` — either the dense block
``seekers[a] × vacancies[b]`` or a list of pairs inside it — and returns a
score in [0, 1] plus an *evidence* mask (False where one side lacks the data
the dimension needs). :func:`score_grid` combines them::

    contribution_d = w_d · e_d · s_d / Σ_d' w_d' · e_d'      (0 when nothing is known)
    score          = Σ_d contribution_d + priority

so a dimension without evidence (面议, an unknown district, a seeker who did
not state an education level facing a requirement …) is left out of the mean:
it neither helps nor hurts. ``priority`` is the visible policy boost (see
:mod:`matcher.core.fairness`). Contributions are added in the fixed order of
:data:`DIMENSIONS` then ``priority``, so summing a match's contributions in
that order reproduces its score bit for bit.

Dimensions
    skills      p-norm soft coverage: vacancy side (required, preferred,
                certificates covered by the seeker's items) blended with the
                seeker side (seeker items used by the vacancy).
    occupation  field-weighted TF-IDF cosine of titles/profile vs title/
                description, mapped from [floor, ceiling] to [0, 1], blended
                with occupation-code proximity when both sides are coded.
    education   meets / over / one_short / far_short / none_required.
    wage        logistic in the relative gap, 1 at or above expectation.
    place       district relation (home or preferred), lodging softens.
    conditions  shift work vs acceptance; social insurance.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from matcher.core.features import RELATIONS, Features
from matcher.core.settings import DIMENSIONS, MatchSettings

PRIORITY = "priority"

#: education status codes (index into this tuple)
EDU_STATUS: tuple[str, ...] = ("meets", "one_short", "far_short", "over", "unknown", "none_required")
#: wage status codes
WAGE_STATUS: tuple[str, ...] = ("meets", "below", "negotiable", "unknown")


def _is_full(idx: np.ndarray, n: int) -> bool:
    """True when ``idx`` is exactly ``0..n-1`` (then slicing can be skipped)."""
    return len(idx) == n and (n == 0 or (idx[0] == 0 and idx[-1] == n - 1 and bool(np.all(np.diff(idx) == 1))))


def _cols(m: sp.spmatrix, b: np.ndarray) -> sp.spmatrix:
    """Columns ``b`` of a matrix (no copy when ``b`` is every column in order)."""
    return m if _is_full(b, m.shape[1]) else m[:, b]


@dataclass
class Grid:
    """A block ``a × b`` of seeker and vacancy positions, dense or as pairs (rows, cols local)."""

    a: np.ndarray
    b: np.ndarray
    rows: np.ndarray | None = None
    cols: np.ndarray | None = None

    @property
    def dense(self) -> bool:
        return self.rows is None

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.a), len(self.b)) if self.dense else (len(self.rows),)

    def s(self, arr: np.ndarray) -> np.ndarray:
        """A per-seeker array laid out on the grid (broadcastable)."""
        x = arr[self.a]
        return x[:, None] if self.dense else x[self.rows]

    def v(self, arr: np.ndarray) -> np.ndarray:
        """A per-vacancy array laid out on the grid (broadcastable)."""
        x = arr[self.b]
        return x[None, :] if self.dense else x[self.cols]

    def rows_of(self, m: sp.spmatrix, n: int) -> sp.spmatrix:
        """Rows ``a`` of a per-seeker sparse matrix (no copy when ``a`` is every seeker in order)."""
        return m if _is_full(self.a, n) else m[self.a]

    def vb(self, x: np.ndarray) -> np.ndarray:
        """An array already indexed by ``b`` laid out on the grid."""
        return x[None, :] if self.dense else x[self.cols]

    def take(self, m: sp.spmatrix) -> np.ndarray:
        """Values of a sparse ``len(a) × len(b)`` matrix on the grid."""
        if self.dense:
            return m.toarray()
        if len(self.rows) == 0:
            return np.zeros(0)
        return np.asarray(sp.csr_matrix(m)[self.rows, self.cols]).ravel()


# ------------------------------------------------------------------ skills
def _pnorm(m: sp.csr_matrix, p: float) -> sp.csr_matrix:
    m = m.tocsr()
    m.data = np.minimum(1.0, np.power(np.maximum(m.data, 0.0), 1.0 / p))
    return m


def skill_parts(F: Features, st: MatchSettings, g: Grid) -> dict[str, np.ndarray]:
    """Vacancy-side and seeker-side skill coverage on the grid, plus evidence.

    Coverage of vacancy item r by seeker s is ``min(1, (Σ_u S[s,u]·sim[u,r]^p)^(1/p))``
    (a soft maximum over the seeker's items); the vacancy side averages it over
    the vacancy's required / preferred / certificate items (weights renormalised
    over the kinds the vacancy lists). The seeker side averages, over the
    seeker's items, the soft maximum similarity to any of the vacancy's items.
    """
    k = st.skills
    p = k.softmax_power
    a, b = g.a, g.b
    Sa = g.rows_of(F.S, F.n_seekers)
    full_b = _is_full(b, F.n_vacancies)
    if full_b:
        vall_b = F.vall
        cov = _pnorm(Sa @ F.simp, p)                                   # n_a × n_items
    else:
        vall_b_csc = F.extra["vall_csc"][:, b]
        items_b = np.unique(vall_b_csc.indices)
        vall_b = vall_b_csc.tocsr()
        cov = _pnorm(Sa @ F.extra["simp_csc"][:, items_b], p)      # n_a × |items_b|

    def kind(mean: sp.csr_matrix) -> sp.csr_matrix:
        return (cov @ mean).tocsr() if full_b else (cov @ mean[items_b][:, b]).tocsr()

    wr = k.required_weight * F.has_req[b]
    wp = k.preferred_weight * F.has_pref[b]
    wc = k.certificate_weight * F.has_cert[b]
    den = wr + wp + wc
    inv = np.divide(1.0, den, out=np.zeros_like(den, dtype=float), where=den > 0)
    vac_side = (kind(F.req_mean) @ sp.diags(wr * inv) + kind(F.pref_mean) @ sp.diags(wp * inv)
                + kind(F.cert_mean) @ sp.diags(wc * inv))
    if _is_full(a, F.n_seekers):
        X = _pnorm(F.simp @ vall_b, p)                              # n_items × n_b
        seeker_side = F.S_mean @ (X.toarray() if len(b) <= 16 else X)
    else:
        items_a = np.unique(Sa.indices)
        X = _pnorm(F.simp[items_a] @ vall_b, p)                     # |items_a| × n_b
        sel = sp.csr_matrix((np.ones(len(items_a)), (items_a, np.arange(len(items_a)))),
                            shape=(F.S.shape[1], len(items_a)))
        seeker_side = g.rows_of(F.S_mean, F.n_seekers) @ (sel @ X)
    if not sp.issparse(seeker_side):
        seeker_side = sp.csr_matrix(seeker_side)
    ev = g.s(F.seeker_has_items) & g.vb(den > 0)
    return {"vacancy_side": g.take(vac_side), "seeker_side": g.take(seeker_side), "evidence": ev}


def compare_skills(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Skills score and evidence (see :func:`skill_parts`)."""
    parts = skill_parts(F, st, g)
    share = st.skills.vacancy_side_share
    score = share * parts["vacancy_side"] + (1 - share) * parts["seeker_side"]
    ev = np.broadcast_to(parts["evidence"], score.shape)
    return np.where(ev, np.clip(score, 0, 1), 0.0), ev


# -------------------------------------------------------------- occupation
def _rowdot(A: sp.csr_matrix, B: sp.csr_matrix) -> np.ndarray:
    return np.asarray(A.multiply(B).sum(axis=1)).ravel()


def text_cosine(F: Features, g: Grid, seeker_m: sp.csr_matrix, vacancy_m: sp.csr_matrix) -> np.ndarray:
    """Cosine of L2-normalised sparse rows on the grid."""
    if g.dense:
        sm = g.rows_of(seeker_m, F.n_seekers)
        vt = F.extra["vacancy_text_T"] if vacancy_m is F.vacancy_text else vacancy_m.T.tocsr()
        vb = _cols(vt, g.b)
        if len(g.b) <= 16:                      # sparse × dense is far cheaper for a few columns
            return np.asarray(sm @ vb.toarray())
        return (sm @ vb).toarray()
    return _rowdot(seeker_m[g.a[g.rows]], vacancy_m[g.b[g.cols]])


def code_proximity(F: Features, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Best weighted proximity of the seeker's codes to the vacancy's code, and evidence."""
    codes = F.seeker_codes[g.a]
    w = F.seeker_code_w[g.a]
    vc = F.vacancy_code[g.b]
    if g.dense:
        prox = (F.code_prox[codes[:, :, None], vc[None, None, :]] * w[:, :, None]).max(axis=1)
    else:
        prox = (F.code_prox[codes[g.rows], vc[g.cols][:, None]] * w[g.rows]).max(axis=1)
    s_has = (F.seeker_code_w > 0).any(axis=1)
    v_has = F.vacancy_code < len(F.vacancy_code_list)
    return prox, g.s(s_has) & g.v(v_has)


def compare_occupation(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Occupation / experience score and evidence."""
    o = st.occupation
    cos = text_cosine(F, g, F.seeker_text, F.vacancy_text)
    lo, hi = F.extra.get("text_floor", o.text_floor), F.extra.get("text_ceiling", o.text_ceiling)
    text = np.clip((cos - lo) / (hi - lo), 0.0, 1.0)
    t_ev = g.s(F.seeker_has_text) & g.v(F.vacancy_has_text)
    prox, c_ev = code_proximity(F, g)
    t_ev, c_ev = np.broadcast_to(t_ev, text.shape), np.broadcast_to(c_ev, text.shape)
    both = t_ev & c_ev
    score = np.where(both, (1 - o.code_weight) * text + o.code_weight * prox,
                     np.where(c_ev, prox, np.where(t_ev, text, 0.0)))
    return score, t_ev | c_ev


# --------------------------------------------------------------- education
def education_status(F: Features, st: MatchSettings, g: Grid) -> np.ndarray:
    """Status code (index into :data:`EDU_STATUS`) on the grid."""
    lv, req = g.s(F.edu_s), g.v(F.edu_v)
    gap = lv - req
    e = st.education
    status = np.select(
        [np.isnan(req) & np.ones_like(lv, dtype=bool), np.isnan(lv), gap > e.over_tolerance, gap >= 0, gap >= -1],
        [EDU_STATUS.index("none_required"), EDU_STATUS.index("unknown"), EDU_STATUS.index("over"),
         EDU_STATUS.index("meets"), EDU_STATUS.index("one_short")],
        EDU_STATUS.index("far_short"))
    return status


def compare_education(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Education score and evidence: an unknown seeker level facing a requirement has no evidence."""
    e = st.education
    table = np.array([e.meets, e.one_short, e.far_short, e.over, 0.0, e.none_required])
    status = education_status(F, st, g)
    return table[status], status != EDU_STATUS.index("unknown")


# -------------------------------------------------------------------- wage
def wage_curve(rel_gap: np.ndarray, st: MatchSettings) -> np.ndarray:
    """Score of a relative gap (offered - expected) / expected: 1 at >= 0, logistic below."""
    w = st.wage
    with np.errstate(over="ignore", invalid="ignore"):
        raw = 1.0 / (1.0 + np.exp(-(rel_gap - w.midpoint) / w.slope))
        at0 = 1.0 / (1.0 + np.exp(w.midpoint / w.slope))
        return np.where(rel_gap >= 0, 1.0, np.clip(raw / at0, 0.0, 1.0))


def compare_wage(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Wage score and evidence (面议 / unknown on either side: no evidence)."""
    off, exp = g.v(F.woff), g.s(F.wexp)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = (off - exp) / exp
    ev = ~np.isnan(rel)
    return np.where(ev, wage_curve(np.nan_to_num(rel, nan=0.0), st), 0.0), ev


# ------------------------------------------------------------------- place
def relation_scores(st: MatchSettings) -> np.ndarray:
    """Score per relation in :data:`RELATIONS` order (unknown = NaN)."""
    p = st.place
    return np.array([p.same, p.adjacent, p.city, p.outside, np.nan])


def compare_place(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Place score and evidence: best of home and preferred districts; lodging softens distance."""
    rs = relation_scores(st)
    nd = len(F.district_names)
    ds = np.where(F.dist_s < 0, nd, F.dist_s)
    dv = np.where(F.dist_v < 0, nd, F.dist_v)
    home = rs[F.rel[g.s(ds), g.v(dv)]]
    # preferred: per seeker in a, best relation score to each vacancy district code
    P = g.rows_of(F.pref_d, F.n_seekers).toarray() > 0                                   # n_a × nd
    if nd and P.any():
        table = np.where(np.isnan(rs[F.rel[:nd, :]]), -1.0, rs[F.rel[:nd, :]])   # nd × (nd+1)
        best = np.where(P[:, :, None], table[None, :, :], -1.0).max(axis=1)      # n_a × (nd+1)
        best = np.where(best < 0, np.nan, best)
        pref = best[:, dv[g.b]] if g.dense else best[g.rows, dv[g.b][g.cols]]
    else:
        pref = np.full(np.broadcast(home, g.v(dv)).shape, np.nan)
    score = np.fmax(home, pref)
    ev = ~np.isnan(score)
    lod = g.v(F.lodging) == 1.0
    score = np.where(lod, score + (1 - score) * st.place.lodging_softening, score)
    return np.where(ev, score, 0.0), ev


# -------------------------------------------------------------- conditions
def compare_conditions(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Shift work vs acceptance and social insurance, averaged over the known parts."""
    c = st.conditions
    shift, acc = g.v(F.shift), g.s(F.accepts_shift)
    shift_known = (shift == 0.0) | ((shift == 1.0) & ~np.isnan(acc))
    shift_s = np.where(shift == 0.0, 1.0, np.where(acc == 1.0, 1.0, c.shift_conflict))
    ins = g.v(F.insurance)
    ins_known = ~np.isnan(ins)
    ins_s = np.where(ins == 1.0, 1.0, c.no_insurance)
    ws = c.shift_weight * shift_known
    wi = c.insurance_weight * ins_known
    den = ws + wi
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(den > 0, (ws * shift_s + wi * ins_s) / np.where(den > 0, den, 1.0), 0.0)
    ev = np.broadcast_to(den > 0, score.shape)
    return score, ev


COMPARISONS = {
    "skills": compare_skills,
    "occupation": compare_occupation,
    "education": compare_education,
    "wage": compare_wage,
    "place": compare_place,
    "conditions": compare_conditions,
}


@dataclass
class GridScores:
    """Scores on a grid: total, per-dimension contributions, raw components and evidence."""

    score: np.ndarray
    contributions: dict[str, np.ndarray]
    components: dict[str, np.ndarray]
    evidence: dict[str, np.ndarray]


def priority_boost(F: Features, st: MatchSettings, g: Grid) -> np.ndarray:
    """The explicit priority contribution: boost for priority-group seekers on public-welfare posts."""
    pr = st.priority
    if not pr.enabled or pr.public_welfare_boost == 0:
        return np.zeros(g.shape)
    return np.broadcast_to(g.s(F.priority) & g.v(F.public_welfare), g.shape) * pr.public_welfare_boost


def score_grid(F: Features, st: MatchSettings, g: Grid) -> GridScores:
    """Combine all dimensions on the grid (see the module docstring for the formula)."""
    comps: dict[str, np.ndarray] = {}
    evs: dict[str, np.ndarray] = {}
    for d in DIMENSIONS:
        w = st.weights.get(d, 0.0)
        if w <= 0:
            comps[d] = np.zeros(g.shape)
            evs[d] = np.zeros(g.shape, dtype=bool)
            continue
        s, e = COMPARISONS[d](F, st, g)
        comps[d] = np.broadcast_to(s, g.shape).astype(float)
        evs[d] = np.broadcast_to(e, g.shape)
    den = np.zeros(g.shape)
    for d in DIMENSIONS:
        den = den + st.weights.get(d, 0.0) * evs[d]
    inv = np.divide(1.0, den, out=np.zeros_like(den), where=den > 0)
    contribs: dict[str, np.ndarray] = {}
    total = np.zeros(g.shape)
    for d in DIMENSIONS:
        c = st.weights.get(d, 0.0) * evs[d] * comps[d] * inv
        contribs[d] = c
        total = total + c
    boost = priority_boost(F, st, g)
    contribs[PRIORITY] = boost
    total = total + boost
    return GridScores(score=total, contributions=contribs, components=comps, evidence=evs)


__all__ = ["Grid", "GridScores", "score_grid", "COMPARISONS", "EDU_STATUS", "WAGE_STATUS", "RELATIONS",
           "PRIORITY", "education_status", "wage_curve", "relation_scores", "skill_parts"]
