"""Compare: one vectorised comparison per dimension, and their weighted combination.

Every comparison works on a :class:`Grid` — either the dense block
``seekers[a] × vacancies[b]`` or a list of pairs inside it — and returns a
score in [0, 1] plus an *evidence* mask (False where one side lacks the data
the dimension needs). :func:`score_grid` combines them::

    contribution_d = w_d · e_d · s_d / Σ_d' w_d' · e_d'      (0 when nothing is known)
    score          = Σ_d contribution_d + priority

so a dimension without evidence (面议, an unknown district, a seeker who did
not state an education level facing a requirement …) is left out of the mean:
it neither helps nor hurts. A vacancy that lists required skills or
certificates always gives the skills dimension evidence: a seeker who lists
no skills then covers none of them (score 0), shown as missing skills.
``priority`` is the visible policy boost (see :mod:`matcher.core.fairness`).
Contributions are float32 and added in the fixed order of :data:`DIMENSIONS`
then ``priority``; every path (dense block, pairs, explanations) uses the
same order, so the contributions of a pair add up to its score.

Dimensions
    skills      p-norm soft coverage: vacancy side (required, preferred,
                certificates covered by the seeker's items, IDF-weighted)
                blended with the seeker side (each seeker item's best match
                among the vacancy's items, IDF-weighted mean).
    occupation  field-weighted TF-IDF cosine blended with an LSA cosine, of
                titles/summary/skills vs title/description/skills, mapped from
                [floor, ceiling] to [0, 1], blended with occupation-code
                proximity when both sides are confidently coded.
    education   meets / over / one_short / far_short / none_required.
    wage        logistic in the relative gap, 1 at or above expectation.
    place       district relation (home or preferred), lodging softens.
    conditions  shift work vs acceptance; social insurance.

Speed: everything that depends on one side only is precomputed at fit
(:mod:`matcher.core.features`); a dense block costs two sparse products for
skills, one sparse product and one dense product for text, and one table
gather per other dimension, all in float32.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from matcher.core.fitted import Features
from matcher.core.tables import RELATIONS, relation_scores, wage_curve
from matcher.core.text import blend_text, raw_text_similarity
from matcher.core.settings import DIMENSIONS, MatchSettings

PRIORITY = "priority"

#: education status codes (index into this tuple)
EDU_STATUS: tuple[str, ...] = ("meets", "one_short", "far_short", "over", "unknown", "none_required")
#: wage status codes
WAGE_STATUS: tuple[str, ...] = ("meets", "below", "negotiable", "unknown")

_F32 = np.float32


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

    def pair_positions(self) -> tuple[np.ndarray, np.ndarray]:
        """Fitted seeker and vacancy positions of every pair (pairs grids only)."""
        return self.a[self.rows], self.b[self.cols]

    def gather(self, table: np.ndarray, s_key: np.ndarray, v_key: np.ndarray) -> np.ndarray:
        """``table[s_key[seeker], v_key[vacancy]]`` on the grid (one gather)."""
        if self.dense:
            return np.take(table[s_key[self.a]], v_key[self.b], axis=1, mode="clip")
        ps, pv = self.pair_positions()
        return table[s_key[ps], v_key[pv]]


def _rowdot(A: sp.csr_matrix, B: sp.csr_matrix) -> np.ndarray:
    """Row-wise dot products of two sparse matrices of the same shape (float64 sums, rounded to float32)."""
    if A.shape[0] == 0:
        return np.zeros(0, _F32)
    return np.asarray(A.multiply(B).sum(axis=1), dtype=np.float64).ravel().astype(_F32)


def _dense(m: sp.spmatrix) -> np.ndarray:
    """A float64 sparse product result as a dense float32 array (one rounding)."""
    return np.asarray(m.toarray(), dtype=np.float64).astype(_F32)


# ------------------------------------------------------------------ skills
def _pnorm(m: sp.csr_matrix, p: float) -> sp.csr_matrix:
    m = sp.csr_matrix(m, dtype=np.float64)
    m.data = np.minimum(1.0, np.power(np.maximum(m.data, 0.0), 1.0 / p))
    return m


def skill_parts(F: Features, st: MatchSettings, g: Grid) -> dict[str, np.ndarray]:
    """Vacancy-side and seeker-side skill coverage on the grid, plus evidence.

    Coverage of vacancy item r by seeker s is ``min(1, (Σ_u S[s,u]·sim[u,r]^p)^(1/p))``
    (a soft maximum over the seeker's items); the vacancy side averages it over
    the vacancy's required / preferred / certificate items (IDF-weighted;
    kind weights renormalised over the kinds the vacancy lists). The seeker
    side averages, over the seeker's items (IDF-weighted), the soft maximum
    similarity to the vacancy's items (preferred items discounted by
    ``preferred_target_weight``). Evidence: the vacancy lists required items
    or certificates, or it lists preferred items and the seeker lists items.
    """
    p = st.skills.softmax_power
    x = F.extra
    Sa = g.rows_of(F.S, F.n_seekers)
    cov = _pnorm(Sa @ F.simp, p)                                            # n_a × vacancy items
    if g.dense:
        vac_side = _dense(cov @ _cols(x["vmix"], g.b))
        seeker_side = _dense(g.rows_of(F.S_mean, F.n_seekers) @ _cols(x["seek_best"], g.b))
    else:
        ps, pv = g.pair_positions()
        vac_side = _rowdot(cov[g.rows], x["vmix_t"][pv])
        seeker_side = _rowdot(F.S_mean[ps], x["seek_best_t"][pv])
    ev = g.vb(x["vacancy_has_skills"][g.b]) | (g.s(F.seeker_has_items) & g.vb(x["vacancy_has_items"][g.b]))
    return {"vacancy_side": vac_side, "seeker_side": seeker_side, "evidence": ev}


def compare_skills(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Skills score and evidence (see :func:`skill_parts`)."""
    parts = skill_parts(F, st, g)
    share = _F32(st.skills.vacancy_side_share)
    score = share * parts["vacancy_side"] + (_F32(1) - share) * parts["seeker_side"]
    ev = np.broadcast_to(parts["evidence"], score.shape)
    return np.where(ev, np.clip(score, 0, 1), _F32(0)).astype(_F32, copy=False), ev


# -------------------------------------------------------------- occupation
def text_similarity(F: Features, st: MatchSettings, g: Grid) -> np.ndarray:
    """Raw text similarity on the grid: (1 - λ)·TF-IDF cosine + λ·max(0, LSA cosine), float32."""
    if g.dense:
        return raw_text_similarity(F, st, g.a, g.b)
    ps, pv = g.pair_positions()
    cos = _rowdot(F.seeker_text[ps], F.vacancy_text[pv])
    lam = st.occupation.semantic_weight if "seeker_sem" in F.extra else 0.0
    sem = None
    if lam > 0:
        sem = np.einsum("ij,ij->i", F.extra["seeker_sem"][ps], F.extra["vacancy_sem"][pv]).astype(_F32)
    return blend_text(cos, sem, lam)


def code_proximity(F: Features, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Best weighted proximity of the seeker's codes to the vacancy's code, and evidence."""
    x = F.extra
    prox = g.gather(x["code_profile_prox"], x["code_profile"], F.vacancy_code)
    return prox, g.s(x["seeker_has_code"]) & g.v(x["vacancy_has_code"])


def compare_occupation(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Occupation / experience score and evidence.

    text = clip((raw - floor) / (ceiling - floor), 0, 1); with both sides
    coded, score = (1 - code_weight)·text + code_weight·proximity; only
    codes: proximity; only text: text.
    """
    o = st.occupation
    raw = text_similarity(F, st, g)
    lo, hi = F.extra.get("text_floor", o.text_floor), F.extra.get("text_ceiling", o.text_ceiling)
    raw -= _F32(lo)
    raw *= _F32(1.0 / (hi - lo))
    text = np.clip(raw, _F32(0), _F32(1), out=raw)
    t_ev = g.s(F.seeker_has_text) & g.v(F.vacancy_has_text)
    c_ev = g.s(F.extra["seeker_has_code"]) & g.v(F.extra["vacancy_has_code"])
    if not t_ev.all():
        text *= t_ev
    if c_ev.any():
        prox, _ = code_proximity(F, g)
        cw = _F32(o.code_weight)
        # weight of the code part: code_weight with text evidence, 1 without; 0 without codes
        wc = (_F32(1) - (_F32(1) - cw) * t_ev) * c_ev
        prox -= text
        prox *= wc
        text += prox                   # text·(1 - wc) + prox·wc
    ev = np.broadcast_to(t_ev | c_ev, text.shape)
    return text, ev


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


def _from_table(F: Features, g: Grid, name: str) -> tuple[np.ndarray, np.ndarray]:
    ks, kv, table = F.extra[name]
    val = g.gather(table, ks, kv)
    ev = ~np.isnan(val)
    return np.where(ev, val, _F32(0)), ev


def compare_education(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Education score and evidence: an unknown seeker level facing a requirement has no evidence."""
    return _from_table(F, g, "edu_key")


# -------------------------------------------------------------------- wage
def _wage_table_current(F: Features) -> bool:
    """True when the fitted wage table belongs to these wage arrays (callers may re-score with
    ``dataclasses.replace(F, woff=..., wexp=...)`` for counterfactual wages)."""
    src = F.extra.get("wage_source")
    return "wage_key" in F.extra and src is not None and src[0] is F.wexp and src[1] is F.woff


def compare_wage(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Wage score and evidence (面议 / unknown on either side: no evidence)."""
    if _wage_table_current(F):
        return _from_table(F, g, "wage_key")
    off, exp = g.v(F.woff), g.s(F.wexp)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = (off - exp) / exp
    ev = ~np.isnan(rel)
    return np.where(ev, wage_curve(np.nan_to_num(rel, nan=0.0), st), 0.0).astype(_F32), ev


# ------------------------------------------------------------------- place
def compare_place(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Place score and evidence: best of home and preferred districts; lodging softens distance."""
    kv, table = F.extra["place_key"]
    if g.dense:
        val = table[g.a][:, kv[g.b]]
    else:
        ps, pv = g.pair_positions()
        val = table[ps, kv[pv]]
    ev = ~np.isnan(val)
    return np.where(ev, val, _F32(0)), ev


# -------------------------------------------------------------- conditions
def compare_conditions(F: Features, st: MatchSettings, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Shift work vs acceptance and social insurance, averaged over the known parts."""
    return _from_table(F, g, "cond_key")


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
        return np.zeros(g.shape, _F32)
    on = np.broadcast_to(g.s(F.priority) & g.v(F.public_welfare), g.shape)
    return on.astype(_F32) * _F32(pr.public_welfare_boost)


def _unique_rows(cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a non-negative int matrix and each row's index (mixed-radix code, one 1-D unique)."""
    if len(cols) == 0:
        return cols, np.zeros(0, np.int64)
    radix = cols.max(axis=0) + 1
    code = np.zeros(len(cols), dtype=np.int64)
    for j in range(cols.shape[1]):
        code = code * int(radix[j]) + cols[:, j]
    _, first, inv = np.unique(code, return_index=True, return_inverse=True)
    return cols[first], np.asarray(inv).reshape(-1)


def _evidence_keys(F: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-seeker and per-vacancy evidence keys and, for each dimension, its evidence per key pair.

    Every dimension's evidence is a function of a few facts of each side (has
    items, has text, has a code, education known, district …), so the
    denominator Σ w·e of a block is one gather from a tiny table. Built at fit by
    :func:`prepare_fast_path`; a query never writes into the fitted features (features
    without the table, e.g. hand-built ones, get it computed afresh on each call).
    """
    x = F.extra
    if "ev_keys" in x:
        return x["ev_keys"]
    return _build_evidence_keys(F)


def _build_evidence_keys(F: Features) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    x = F.extra
    # seeker facts
    _, pl = x["place_key"]
    nan_rows = np.isnan(pl)
    pat, s_place = np.unique(nan_rows, axis=0, return_inverse=True) if len(pl) else (np.zeros((0, pl.shape[1]), bool),
                                                                                     np.zeros(0, np.int64))
    ks_e, kv_e, te = x["edu_key"]
    ka, kvc, tc = x["cond_key"]
    s_facts = np.stack([F.seeker_has_items, F.seeker_has_text, x["seeker_has_code"], ks_e == te.shape[0] - 1,
                        ~np.isnan(F.wexp), ka == 2], axis=1).astype(np.int64)
    s_cols = np.column_stack([s_facts, np.asarray(s_place).reshape(-1)])
    s_uniq, s_key = _unique_rows(s_cols)
    kvp = x["place_key"][0]
    v_cols = np.column_stack([x["vacancy_has_skills"], x["vacancy_has_items"], F.vacancy_has_text,
                              x["vacancy_has_code"], kv_e, ~np.isnan(F.woff), kvc, kvp]).astype(np.int64)
    v_uniq, v_key = _unique_rows(v_cols)
    S, V = s_uniq[:, None, :], v_uniq[None, :, :]
    ev = {
        "skills": (V[..., 0] == 1) | ((S[..., 0] == 1) & (V[..., 1] == 1)),
        "occupation": ((S[..., 1] == 1) & (V[..., 2] == 1)) | ((S[..., 2] == 1) & (V[..., 3] == 1)),
        "education": ~np.isnan(te[np.where(S[..., 3] == 1, te.shape[0] - 1, 0), V[..., 4]]),
        "wage": (S[..., 4] == 1) & (V[..., 5] == 1),
        "place": ~pat[S[..., 6], V[..., 7]] if len(pat) else np.zeros((len(s_uniq), len(v_uniq)), bool),
        "conditions": ~np.isnan(tc[S[..., 5] * 2, V[..., 6]]),
    }
    return np.asarray(s_key).reshape(-1), np.asarray(v_key).reshape(-1), ev


def prepare_fast_path(F: Features) -> None:
    """Build the evidence keys of the fast path once (called at fit, the only write into ``F.extra`` here)."""
    F.extra["ev_keys"] = _build_evidence_keys(F)


def _score_fast(F: Features, st: MatchSettings, g: Grid) -> np.ndarray:
    """Total score only, equal to the full path up to float32 rounding.

    Numerator Σ w·s: skills and occupation computed as usual; education and
    conditions from one combined weighted table, wage and place from theirs
    (one gather each). Denominator Σ w·e: one gather from the evidence table
    (see :func:`_evidence_keys`).
    """
    w = {d: float(st.weights.get(d, 0.0)) for d in DIMENSIONS}
    x = F.extra
    if w["wage"] > 0 and not _wage_table_current(F):       # counterfactual wages: the general route
        return score_grid(F, st, g).score
    s_key, v_key, ev = _evidence_keys(F)
    den_t = sum(w[d] * ev[d] for d in DIMENSIONS).astype(_F32)
    den = g.gather(den_t, s_key, v_key)
    num = None
    if w["skills"] > 0:
        parts = skill_parts(F, st, g)
        share = st.skills.vacancy_side_share
        num = parts["vacancy_side"]
        num *= _F32(w["skills"] * share)
        sk = parts["seeker_side"]
        sk *= _F32(w["skills"] * (1 - share))
        num += sk                      # both sides are 0 where there is no evidence (no items on either side)
        ev_s = np.broadcast_to(parts["evidence"], num.shape)
        if not ev_s.all():
            num *= ev_s
    if w["occupation"] > 0:
        occ, _ = compare_occupation(F, st, g)
        occ *= _F32(w["occupation"])
        num = occ if num is None else np.add(num, occ, out=num)
    if num is None:
        num = np.zeros(g.shape, _F32)
    # education + conditions: one table over combined keys
    ks_e, kv_e, te = x["edu_key"]
    ka, kvc, tc = x["cond_key"]
    if w["education"] > 0 or w["conditions"] > 0:
        t = (w["education"] * np.nan_to_num(te)[:, None, :, None] + w["conditions"] * np.nan_to_num(tc)[None, :, None, :])
        t = t.reshape(te.shape[0] * tc.shape[0], te.shape[1] * tc.shape[1]).astype(_F32)
        num += g.gather(t, ks_e * tc.shape[0] + ka, kv_e * tc.shape[1] + kvc)
    if w["wage"] > 0:
        if _wage_table_current(F):
            ke, ko, tw = x["wage_key"]
            num += g.gather((w["wage"] * np.nan_to_num(tw)).astype(_F32), ke, ko)
        else:
            num += compare_wage(F, st, g)[0] * _F32(w["wage"])
    if w["place"] > 0:
        kvp, pl = x["place_key"]
        # the weighted table of this block's seekers only (weights are read per call; nothing is cached)
        if g.dense:
            t = (w["place"] * np.nan_to_num(pl[g.a])).astype(_F32)
            num += np.take(t, kvp[g.b], axis=1, mode="clip")
        else:
            ps, pv = g.pair_positions()
            num += (w["place"] * np.nan_to_num(pl[ps, kvp[pv]])).astype(_F32)
    total = np.divide(num, den, out=num, where=den > 0)
    total[den <= 0] = 0
    pr = st.priority
    if pr.enabled and pr.public_welfare_boost and F.public_welfare[g.b].any() and F.priority[g.a].any():
        total += priority_boost(F, st, g)
    return total


def score_grid(F: Features, st: MatchSettings, g: Grid, *, score_only: bool = False) -> GridScores:
    """Combine all dimensions on the grid (see the module docstring for the formula).

    With ``score_only`` only ``score`` is filled (the other dicts are empty) by
    a faster route (:func:`_score_fast`) equal to the full one up to float32
    rounding (about 1e-7). Weights are read from ``st`` on every call; the
    sub-settings of education, wage, place and conditions are read at fit
    (their lookup tables are built then).
    """
    if score_only:
        return GridScores(score=_score_fast(F, st, g), contributions={}, components={}, evidence={})
    comps: dict[str, np.ndarray] = {}
    evs: dict[str, np.ndarray] = {}
    den = np.zeros(g.shape, _F32)
    for d in DIMENSIONS:
        w = st.weights.get(d, 0.0)
        if w <= 0:
            comps[d] = np.zeros(g.shape, _F32)
            evs[d] = np.zeros(g.shape, dtype=bool)
            continue
        s, e = COMPARISONS[d](F, st, g)
        comps[d] = np.broadcast_to(s, g.shape)
        evs[d] = np.broadcast_to(e, g.shape)
        den += evs[d] * _F32(w)
    inv = np.divide(_F32(1), den, out=np.zeros_like(den), where=den > 0)
    contribs: dict[str, np.ndarray] = {}
    total = np.zeros(g.shape, _F32)
    for d in DIMENSIONS:
        w = st.weights.get(d, 0.0)
        # comparisons return 0 where there is no evidence; a zero weight contributes 0
        contribs[d] = comps[d] * _F32(w) * inv if w > 0 else np.zeros(g.shape, _F32)
        total += contribs[d]
    boost = priority_boost(F, st, g)
    total += boost
    contribs[PRIORITY] = boost
    comps = {d: np.asarray(v, dtype=_F32) for d, v in comps.items()}
    return GridScores(score=total, contributions=contribs, components=comps, evidence=evs)


__all__ = ["Grid", "GridScores", "score_grid", "COMPARISONS", "EDU_STATUS", "WAGE_STATUS", "RELATIONS",
           "PRIORITY", "prepare_fast_path", "education_status", "wage_curve", "relation_scores", "skill_parts", "text_similarity"]
