"""Skill and certificate items: incidence matrices, similarities and the means the skills comparison reads.

Every seeker skill/certificate text and every vacancy required/preferred/
certificate text is deduplicated (case- and width-folded); :func:`build_items`
gives the incidence matrices (seeker × item, item × vacancy), the item × item
similarity from the skill normaliser (certificate levels applied) and its
p-th power for the soft maximum, IDF-weighted means, the vacancy-side weights
in one matrix (``vmix``) and each seeker item's best match per vacancy
(``seek_best``), so a block costs two sparse products.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from matcher.core.certificates import cert_level, names_certificate, permit_category, permit_satisfied
from matcher.core.settings import MatchSettings
from matcher.core.text import fold


#: key prefix of a seeker's certificate whose text does not name a certificate (``初级会计`` listed under
#: certificates): kept apart from the same text listed as a skill, since only certificates satisfy a permit
CERT_KEY = "\x1fcert "


def incidence(lists: list[list[Any]], vocab: dict[str, int], display: list[str],
              transpose: bool = False) -> sp.csr_matrix:
    """Rows × distinct items (0/1). An item is a text (key: its :func:`fold`) or a ``(prefix, text)`` pair
    (key: prefix + fold); ``vocab`` maps keys to columns and ``display`` holds each column's first text."""
    rows, cols = [], []
    for i, items in enumerate(lists):
        seen = set()
        for item in items:
            if isinstance(item, tuple):
                prefix, t = item
                k = fold(t)
                k = prefix + k if k else k
            else:
                t = item
                k = fold(t)
            if not k or k in seen:
                continue
            seen.add(k)
            j = vocab.get(k)
            if j is None:
                j = vocab[k] = len(display)
                display.append(t)
            rows.append(i)
            cols.append(j)
    data = np.ones(len(rows))
    m = sp.csr_matrix((data, (rows, cols)), shape=(len(lists), max(len(display), 0)))
    return m


def row_mean(m: sp.csr_matrix) -> sp.csr_matrix:
    n = np.asarray(m.sum(axis=1)).ravel()
    inv = np.divide(1.0, n, out=np.zeros_like(n), where=n > 0)
    return sp.diags(inv) @ m


def col_mean(m: sp.csr_matrix) -> sp.csr_matrix:
    n = np.asarray(m.sum(axis=0)).ravel()
    inv = np.divide(1.0, n, out=np.zeros_like(n), where=n > 0)
    return (m @ sp.diags(inv)).tocsr()


def l2_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return (sp.diags(inv) @ m).tocsr()


def first_skill_id(matches: list[Any]) -> str | None:
    for mt in matches or []:
        sid = getattr(mt, "skill_id", None)
        if sid:
            return str(sid)
    return None


def as_shape(m: sp.spmatrix, shape: tuple[int, int]) -> sp.csr_matrix:
    m = sp.csr_matrix(m, dtype=float)
    if m.shape != shape:
        raise ValueError(f"similarity_matrix returned shape {m.shape}, expected {shape}")
    return m


def pnorm_rows(m: sp.csr_matrix, p: float) -> sp.csr_matrix:
    """Entry-wise ``min(1, x ** (1/p))`` of a sparse matrix (the p-norm soft maximum's last step)."""
    m = sp.csr_matrix(m, dtype=np.float64)
    m.data = np.minimum(1.0, np.power(np.maximum(m.data, 0.0), 1.0 / p))
    return m



def permit_rule(sim: sp.csr_matrix, s_display: list[str], seeker_cert: np.ndarray, v_display: list[str],
                vacancy_cert: np.ndarray, level_shortfall: float = 1.0) -> sp.csr_matrix:
    """Item similarities with the permit rule applied (:mod:`matcher.core.certificates`).

    A vacancy certificate (permit) is matched only by seeker certificates: the
    similarity of a seeker skill to it is 0. For a special-operation permit
    the category decides: 1 for a seeker certificate of the same category (a
    covering class for driving licences; times ``level_shortfall`` when it
    states a lower level than asked), 0 for any other, whatever the text
    similarity.
    """
    if not vacancy_cert.any():
        return sim
    coo = sim.tocoo()
    keep = ~(vacancy_cert[coo.col] & ~seeker_cert[coo.row])
    rows, cols, vals = coo.row[keep], coo.col[keep], coo.data[keep]
    v_cat = {j: permit_category(v_display[j]) for j in np.flatnonzero(vacancy_cert).tolist()}
    special = {j for j, c in v_cat.items() if c}
    if special:
        s_cat = {u: permit_category(s_display[u]) for u in np.flatnonzero(seeker_cert).tolist()}
        ruled = {(u, r): permit_satisfied(s_display[u], v_display[r]) for u, cu in s_cat.items() if cu
                 for r in special if v_cat[r] == cu}
        on_special = np.fromiter((c in special for c in cols.tolist()), dtype=bool, count=len(cols))
        rows, cols, vals = rows[~on_special], cols[~on_special], vals[~on_special]
        add = [(u, r) for (u, r), ok in ruled.items() if ok]
        if add:
            rows = np.concatenate([rows, np.array([u for u, _ in add], dtype=rows.dtype)])
            cols = np.concatenate([cols, np.array([r for _, r in add], dtype=cols.dtype)])
            lv = [(cert_level(s_display[u]), cert_level(v_display[r])) for u, r in add]
            vals = np.concatenate([vals, np.array([level_shortfall if 0 < a < b else 1.0 for a, b in lv])])
    out = sp.csr_matrix((vals, (rows, cols)), shape=sim.shape)
    out.sum_duplicates()
    out.eliminate_zeros()
    return out


def build_items(s_skills: list[list[str]], s_certs: list[list[str]], v_req: list[list[str]],
                v_pref: list[list[str]], v_cert: list[list[str]], settings: MatchSettings,
                normaliser: Any) -> dict[str, Any]:
    """Item matrices of ``ns`` seekers and ``nv`` vacancies (see the module docstring), as a dict of named parts."""
    ns, nv = len(s_skills), len(v_req)
    k = settings.skills
    s_vocab: dict[str, int] = {}
    s_display: list[str] = []
    S = incidence([a + [c if names_certificate(c) else (CERT_KEY, c) for c in b] for a, b in zip(s_skills, s_certs)],
                  s_vocab, s_display)
    v_vocab: dict[str, int] = {}
    v_display: list[str] = []
    req = incidence(v_req, v_vocab, v_display)
    pref = incidence(v_pref, v_vocab, v_display)
    cert = incidence(v_cert, v_vocab, v_display)
    nu, nr = len(s_display), len(v_display)
    # certificates: a seeker item listed as a certificate or naming one; a vacancy item some post lists under
    # certificates_required or naming a certificate (a permit: only a certificate satisfies it)
    seeker_cert = np.zeros(nu, dtype=bool)
    for key, j in s_vocab.items():
        seeker_cert[j] = key.startswith(CERT_KEY) or names_certificate(s_display[j])
    listed_cert = np.zeros(nr, dtype=bool)
    if cert.nnz:
        listed_cert[np.unique(cert.indices)] = True
    vacancy_cert = listed_cert | np.array([names_certificate(t) for t in v_display], dtype=bool)
    S.resize((ns, nu))
    req.resize((nv, nr))
    pref.resize((nv, nr))
    cert.resize((nv, nr))
    req, pref, cert = req.T.tocsr(), pref.T.tocsr(), cert.T.tocsr()
    # an item listed both as required and preferred counts as required
    pref = (pref - pref.multiply(req > 0)).tocsr()
    pref.eliminate_zeros()
    vall = ((req + pref + cert) > 0).astype(float).tocsr()

    norm = normaliser
    if nu and nr:
        sim = as_shape(norm.similarity_matrix(s_display, v_display), (nu, nr))
        sim.data = np.clip(np.nan_to_num(sim.data), 0.0, 1.0)
        sim.eliminate_zeros()
        # certificate levels: a lower level than asked counts only partly
        lv_u = np.array([cert_level(t) for t in s_display])
        lv_r = np.array([cert_level(t) for t in v_display])
        coo = sim.tocoo()
        short = (lv_u[coo.row] > 0) & (lv_r[coo.col] > 0) & (lv_u[coo.row] < lv_r[coo.col])
        coo.data[short] *= k.certificate_level_shortfall
        sim = coo.tocsr()
        sim = permit_rule(sim, s_display, seeker_cert, v_display, vacancy_cert, k.certificate_level_shortfall)
        s_ids = [first_skill_id(m) for m in norm.normalise_many(s_display)]
        v_ids = [first_skill_id(m) for m in norm.normalise_many(v_display)]
    else:
        sim = sp.csr_matrix((nu, nr))
        s_ids = [None] * nu
        v_ids = [None] * nr
    p = k.softmax_power
    simp = sim.copy()
    simp.data = simp.data ** p
    # rarity weights: an item every posting lists (沟通能力, Critical Thinking) counts less than a trade skill
    if k.idf_weighting:
        df_s = np.asarray((S > 0).sum(axis=0)).ravel()
        df_v = np.asarray((vall > 0).sum(axis=1)).ravel()
        s_idf = np.log((1.0 + ns) / (1.0 + df_s)) + 1.0
        v_idf = np.log((1.0 + nv) / (1.0 + df_v)) + 1.0
    else:
        s_idf, v_idf = np.ones(nu), np.ones(nr)
    has_req = np.asarray(req.sum(axis=0)).ravel() > 0
    has_pref = np.asarray(pref.sum(axis=0)).ravel() > 0
    has_cert = np.asarray(cert.sum(axis=0)).ravel() > 0
    req_mean = col_mean(sp.diags(v_idf) @ req)
    pref_mean = col_mean(sp.diags(v_idf) @ pref)
    cert_mean = col_mean(sp.diags(v_idf) @ cert)
    # vacancy side in one matrix: kind weights renormalised per vacancy over the kinds it lists
    wr, wp, wc = k.required_weight * has_req, k.preferred_weight * has_pref, k.certificate_weight * has_cert
    den = wr + wp + wc
    inv = np.divide(1.0, den, out=np.zeros_like(den, dtype=float), where=den > 0)
    vmix = (req_mean @ sp.diags(wr * inv) + pref_mean @ sp.diags(wp * inv)
            + cert_mean @ sp.diags(wc * inv)).tocsr()
    # seeker side: each seeker item's soft-maximum similarity to the vacancy's items (preferred items discounted)
    target = (req + cert + pref * (k.preferred_target_weight ** p)).tocsr()
    seek_best = pnorm_rows(simp @ target, p) if nu and nr else sp.csr_matrix((nu, nv))
    S_mean = row_mean(S @ sp.diags(s_idf)).tocsr()
    return {"S": S, "S_mean": S_mean, "req": req, "pref": pref, "cert": cert, "vall": vall,
            "req_mean": req_mean, "pref_mean": pref_mean, "cert_mean": cert_mean,
            "sim": sim, "simp": simp, "has_req": has_req, "has_pref": has_pref, "has_cert": has_cert,
            "s_display": s_display, "v_display": v_display, "s_ids": s_ids, "v_ids": v_ids,
            "vmix": vmix, "seek_best": seek_best, "seeker_item_cert": seeker_cert,
            "vacancy_item_permit": vacancy_cert}
