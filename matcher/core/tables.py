"""Scoring tables of the scalar dimensions: education, wage, place and conditions.

Each table holds the dimension's score per (seeker key, vacancy key) with NaN
where the pair has no evidence, so a block of pairs is one gather
(:mod:`matcher.core.compare`). :func:`build_scalars` reads the scalar columns
(education levels, wages, district codes with the relation table,
shift/lodging/insurance flags, expiry, public welfare, priority groups).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher import vocab
from matcher.core.cells import as_list, cell_text, column, flag_column, number_column
from matcher.core.fitted import Features, Resources
from matcher.core.settings import MatchSettings

RELATIONS: tuple[str, ...] = vocab.RELATIONS


def wage_curve(rel_gap: np.ndarray, st: MatchSettings) -> np.ndarray:
    """Score of a relative gap (offered - expected) / expected: 1 at >= 0, logistic below."""
    w = st.wage
    with np.errstate(over="ignore", invalid="ignore"):
        raw = 1.0 / (1.0 + np.exp(-(rel_gap - w.midpoint) / w.slope))
        at0 = 1.0 / (1.0 + np.exp(w.midpoint / w.slope))
        return np.where(rel_gap >= 0, 1.0, np.clip(raw / at0, 0.0, 1.0))


def offer_at_basis(omin: np.ndarray, omax: np.ndarray, basis: str) -> np.ndarray:
    """The offered wage compared with the expectation (``wage.basis``): the bottom of the range (what the post
    reliably pays), its middle or its top; a post stating one end only offers that end."""
    omin, omax = np.asarray(omin, dtype=float), np.asarray(omax, dtype=float)
    lo = np.where(np.isnan(omin), omax, omin)
    hi = np.where(np.isnan(omax), omin, omax)
    if basis == "bottom":
        return lo
    if basis == "top":
        return hi
    return (lo + hi) / 2.0


def relation_scores(st: MatchSettings) -> np.ndarray:
    """Score per relation in :data:`RELATIONS` order (unknown = NaN)."""
    p = st.place
    return np.array([p.same, p.adjacent, p.city, p.outside, np.nan])


def key_index(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique finite values (sorted) and each value's index into them; NaN gets the index len(unique)."""
    finite = ~np.isnan(values)
    uniq = np.unique(values[finite])
    idx = np.full(len(values), len(uniq), dtype=np.int64)
    idx[finite] = np.searchsorted(uniq, values[finite])
    return uniq, idx



def build_scalars(seekers: pd.DataFrame, vacancies: pd.DataFrame, settings: MatchSettings,
                  res: Resources) -> dict[str, Any]:
    """The scalar columns of both sides (education, wages, districts, expiry, priority), as named arrays."""
    ns = len(seekers)
    edu_s = number_column(seekers, "education_level")
    edu_v = number_column(vacancies, "education_min_level")
    wmin, wmax = number_column(seekers, "expected_wage_min"), number_column(seekers, "expected_wage_max")
    s_neg = flag_column(seekers, "expected_wage_negotiable")
    wexp = np.where(np.isnan(wmin), wmax, wmin)
    wexp = np.where(s_neg | ~(wexp > 0), np.nan, wexp)
    omin, omax = number_column(vacancies, "wage_min"), number_column(vacancies, "wage_max")
    v_neg = flag_column(vacancies, "wage_negotiable")
    woff = offer_at_basis(omin, omax, settings.wage.basis)
    woff = np.where(v_neg | ~(woff > 0), np.nan, woff)

    d_vocab: dict[str, int] = {}
    d_names: list[str] = []

    def _did(x: object) -> int:
        t = cell_text(x)
        if not t:
            return -1
        j = d_vocab.get(t)
        if j is None:
            j = d_vocab[t] = len(d_names)
            d_names.append(t)
        return j

    dist_s = np.array([_did(x) for x in column(seekers, "district").tolist()], dtype=np.int64)
    dist_v = np.array([_did(x) for x in column(vacancies, "district").tolist()], dtype=np.int64)
    pr, pc = [], []
    for i, cell in enumerate(column(seekers, "preferred_districts").tolist()):
        for d in as_list(cell):
            pr.append(i)
            pc.append(_did(d))
    nd = len(d_names)
    pref_d = sp.csr_matrix((np.ones(len(pr)), (pr, pc)), shape=(ns, nd))
    pref_d.data[:] = 1.0
    rel = np.full((nd + 1, nd + 1), RELATIONS.index("unknown"), dtype=np.int64)
    for a in range(nd):
        for b in range(nd):
            r = res.district_relation(d_names[a], d_names[b])
            rel[a, b] = RELATIONS.index(r) if r in RELATIONS else RELATIONS.index("unknown")

    ref = pd.Timestamp(settings.reference_day())
    exp_on = pd.to_datetime(column(vacancies, "expires_on"), errors="coerce")
    expired = (exp_on.notna() & (exp_on < ref)).to_numpy(dtype=bool)
    groups = set(settings.priority.groups)
    priority = np.array([bool(groups.intersection(as_list(g))) for g in column(seekers, "priority_groups").tolist()],
                        dtype=bool)
    return {"edu_s": edu_s, "edu_v": edu_v, "wexp": wexp, "wexp_min": wmin, "wexp_max": wmax,
            "s_negotiable": s_neg, "woff": woff, "woff_min": omin, "woff_max": omax, "v_negotiable": v_neg,
            "district_names": d_names, "dist_s": dist_s, "dist_v": dist_v, "pref_d": pref_d.tocsr(), "rel": rel,
            "expired": expired, "priority": priority}


def scalar_tables(F: Features, st: MatchSettings) -> None:
    """Keys and small lookup tables for education, wage, place and conditions (see compare.score_grid).

    Each table holds the dimension's score per (seeker key, vacancy key) with
    NaN where the pair has no evidence, so a block of pairs is one gather.
    """
    x = F.extra
    # education: seeker level (or unknown) × required level (or none)
    lv_s, ki_s = key_index(F.edu_s)
    lv_v, ki_v = key_index(F.edu_v)
    e = st.education
    gap = (np.append(lv_s, np.nan)[:, None] - np.append(lv_v, np.nan)[None, :])
    t = np.select([gap > e.over_tolerance, gap >= 0, gap >= -1], [e.over, e.meets, e.one_short], e.far_short)
    t = t.astype(float)
    t[-1, :] = np.nan                    # seeker level unknown facing a requirement: no evidence
    t[:, -1] = e.none_required           # no requirement
    x["edu_key"] = (ki_s, ki_v, t.astype(np.float32))
    # wage: distinct expected × distinct offered (NaN = unknown / negotiable)
    ue, ke = key_index(F.wexp)
    uo, ko = key_index(F.woff)
    if len(ue) * len(uo) <= 4_000_000:
        with np.errstate(divide="ignore", invalid="ignore"):
            relg = (uo[None, :] - ue[:, None]) / ue[:, None]
        tw = np.full((len(ue) + 1, len(uo) + 1), np.nan)
        tw[:-1, :-1] = wage_curve(relg, st)
        x["wage_key"] = (ke, ko, tw.astype(np.float32))
        x["wage_source"] = (F.wexp, F.woff)    # tables are valid for these arrays only (see compare)
    # place: per seeker, best relation score to each vacancy district, then lodging
    rs = relation_scores(st)
    nd = len(F.district_names)
    ds = np.where(F.dist_s < 0, nd, F.dist_s)
    home = rs[F.rel[ds]]                                                   # n_s × (nd+1), NaN unknown
    P = F.pref_d.tocsr()
    if P.nnz:
        table = rs[F.rel[:nd, :]]                                          # nd × (nd+1)
        rows = np.repeat(np.arange(P.shape[0]), np.diff(P.indptr))
        best = np.full(home.shape, -1.0)
        np.maximum.at(best, rows, np.nan_to_num(table[P.indices], nan=-1.0))
        best = np.where(best < 0, np.nan, best)
        home = np.fmax(home, best)
    lod = st.place.lodging_softening
    pl = np.stack([home, home + (1 - home) * lod], axis=2).reshape(len(ds), -1)   # key = district*2 + lodging
    dv = np.where(F.dist_v < 0, nd, F.dist_v)
    x["place_key"] = (dv * 2 + (F.lodging == 1.0), pl.astype(np.float32))
    # conditions: acceptance (no, yes, unknown) × (shift no/yes/unknown, insurance no/yes/unknown)
    c = st.conditions
    acc = np.where(np.isnan(F.accepts_shift), 2, F.accepts_shift).astype(np.int64)
    sh = np.where(np.isnan(F.shift), 2, F.shift).astype(np.int64)
    ins = np.where(np.isnan(F.insurance), 2, F.insurance).astype(np.int64)
    tc = np.full((3, 9), np.nan)
    for a in range(3):
        for s_ in range(3):
            for i_ in range(3):
                shift_known = s_ == 0 or (s_ == 1 and a != 2)
                shift_s = 1.0 if (s_ == 0 or a == 1) else c.shift_conflict
                ws = c.shift_weight * shift_known
                wi = c.insurance_weight * (i_ != 2)
                if ws + wi > 0:
                    tc[a, s_ * 3 + i_] = (ws * shift_s + wi * (1.0 if i_ == 1 else c.no_insurance)) / (ws + wi)
    x["cond_key"] = (acc, sh * 3 + ins, tc.astype(np.float32))
