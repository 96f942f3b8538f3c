"""Fit-time features of seekers and vacancies: computed once, read by every query.

:func:`build_features` turns the two NORMALISED frames (see
:mod:`matcher.schema`) into arrays and sparse matrices:

* **items** — every seeker skill/certificate text and every vacancy
  required/preferred/certificate text, deduplicated (case- and width-folded),
  with incidence matrices (seeker × item, item × vacancy), the item × item
  similarity from the skill normaliser (certificate levels applied) and its
  p-th power for the soft maximum;
* **text** — a field-weighted character n-gram TF-IDF vector per seeker
  (titles: experience weighted by years, desired titles; body: summary,
  skills, certificates) and per vacancy (title; description and skills);
* **occupation codes** — per vacancy (given ``csco_code`` or coded from the
  title) and per seeker (coded experience and desired titles, with weights),
  plus the proximity matrix between them;
* **scalars** — education levels, wages, district codes with the relation
  table, shift/lodging/insurance flags, expiry, public-welfare and
  priority-group membership.

Missing columns are treated as empty (so thin benchmark frames work); a frame
without its id column raises :class:`matcher.errors.InputFileError`.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from matcher.core.settings import MatchSettings
from matcher.errors import InputFileError

RELATIONS: tuple[str, ...] = ("same", "adjacent", "city", "outside", "unknown")
_SPLIT = re.compile(r"[;；、|\n]+")
_CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
#: certificate level words, most specific first -> ordinal (1 初级 .. 5 高级技师)
_CERT_LEVELS: tuple[tuple[str, int], ...] = (
    ("高级技师", 5), ("一级", 5), ("技师", 4), ("二级", 4), ("高级", 3), ("三级", 3),
    ("中级", 2), ("四级", 2), ("初级", 1), ("五级", 1),
)


class SkillNormaliserLike(Protocol):
    """What the core needs from :class:`matcher.skills.normaliser.SkillNormaliser`."""

    def normalise_many(self, texts: list[str]) -> list[list[Any]]: ...
    def similarity_matrix(self, texts_a: list[str], texts_b: list[str]) -> sp.csr_matrix: ...
    def courses_for(self, skill_ids: list[str]) -> list[str]: ...


@dataclass
class Resources:
    """The collaborators of the core (injected for tests, built from the real modules otherwise)."""

    skill_normaliser: Any
    occupation_coder: Any | None
    occupation_proximity: Any | None
    district_relation: Callable[[str, str], str]


@dataclass
class Features:
    """Everything :mod:`matcher.core.compare` reads. Positional order = frame order."""

    n_seekers: int
    n_vacancies: int
    seeker_ids: np.ndarray
    vacancy_ids: np.ndarray
    seeker_id_rank: np.ndarray       # rank of each id in sorted order (deterministic ties)
    vacancy_id_rank: np.ndarray
    # items
    seeker_items: list[str]
    vacancy_items: list[str]
    seeker_item_ids: list[str | None]
    vacancy_item_ids: list[str | None]
    S: sp.csr_matrix                 # seekers × seeker items (0/1)
    S_mean: sp.csr_matrix            # rows sum to 1 (or 0)
    req: sp.csr_matrix               # vacancy items × vacancies (0/1)
    pref: sp.csr_matrix
    cert: sp.csr_matrix
    vall: sp.csr_matrix              # union of the three
    req_mean: sp.csr_matrix          # columns sum to 1 (or 0)
    pref_mean: sp.csr_matrix
    cert_mean: sp.csr_matrix
    sim: sp.csr_matrix               # seeker items × vacancy items, in [0, 1]
    simp: sp.csr_matrix              # sim ** p
    simp_t: sp.csr_matrix            # transpose of simp, CSR
    has_req: np.ndarray
    has_pref: np.ndarray
    has_cert: np.ndarray
    seeker_has_items: np.ndarray
    # text
    seeker_text: sp.csr_matrix       # L2-normalised field-weighted vectors
    vacancy_text: sp.csr_matrix
    seeker_title_text: sp.csr_matrix
    vacancy_title_text: sp.csr_matrix
    seeker_has_text: np.ndarray
    vacancy_has_text: np.ndarray
    seeker_titles: list[list[str]]   # experience + desired titles per seeker (for explanations)
    # occupation codes
    seeker_codes: np.ndarray         # (n_s, m) index into seeker code list, -1 pad
    seeker_code_w: np.ndarray        # (n_s, m) weights
    vacancy_code: np.ndarray         # (n_v,) index into vacancy code list, -1 unknown
    code_prox: np.ndarray            # (n_seeker_codes + 1, n_vacancy_codes + 1); last row/col = unknown (0)
    seeker_code_list: list[str]
    vacancy_code_list: list[str]
    seeker_minor: sp.csr_matrix      # seekers × minor groups (0/1)
    vacancy_minor: sp.csr_matrix     # minor groups × vacancies (0/1)
    # scalars
    edu_s: np.ndarray                # float, NaN unknown
    edu_v: np.ndarray                # float, NaN none required
    wexp: np.ndarray                 # expected (bottom of range), NaN unknown/negotiable
    wexp_min: np.ndarray
    wexp_max: np.ndarray
    s_negotiable: np.ndarray
    woff: np.ndarray                 # offered (top of range), NaN unknown/negotiable
    woff_min: np.ndarray
    woff_max: np.ndarray
    v_negotiable: np.ndarray
    district_names: list[str]
    dist_s: np.ndarray               # int code, -1 unknown
    dist_v: np.ndarray
    pref_d: sp.csr_matrix            # seekers × districts (preferred)
    rel: np.ndarray                  # (n_d + 1, n_d + 1) relation index into RELATIONS; last = unknown
    accepts_shift: np.ndarray        # float 1/0/NaN
    shift: np.ndarray
    lodging: np.ndarray
    insurance: np.ndarray
    public_welfare: np.ndarray       # bool
    expired: np.ndarray              # bool
    priority: np.ndarray             # bool: seeker in one of the policy's groups
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- helpers
def fold(text: str) -> str:
    """Key used to deduplicate item texts: NFKC, stripped, lower-case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())


def as_list(cell: object) -> list[str]:
    """A list cell as a list of non-empty strings (lists, tuples, arrays or ``;``-separated text)."""
    if cell is None:
        return []
    if isinstance(cell, str):
        items: Iterable[object] = _SPLIT.split(cell)
    elif isinstance(cell, (list, tuple, np.ndarray, pd.Series)):
        items = cell
    else:
        try:
            if pd.isna(cell):
                return []
        except (TypeError, ValueError):
            pass
        items = [cell]
    out = []
    for x in items:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            continue
        s = str(x).strip()
        if s:
            out.append(s)
    return out


def as_experience(cell: object) -> list[tuple[str, float | None]]:
    """``experience`` as (title, years) pairs; accepts tuples or ``title:years`` strings."""
    out: list[tuple[str, float | None]] = []
    if isinstance(cell, str):
        cell = _SPLIT.split(cell)
    if cell is None or not isinstance(cell, (list, tuple, np.ndarray, pd.Series)):
        return out
    for item in cell:
        if isinstance(item, (tuple, list)) and item:
            title = str(item[0]).strip()
            yrs = item[1] if len(item) > 1 else None
        elif isinstance(item, str):
            title, _, y = item.partition(":") if ":" in item else item.partition("：")
            title = title.strip()
            yrs = y.strip() or None
        else:
            continue
        try:
            years = float(yrs) if yrs is not None and not (isinstance(yrs, float) and math.isnan(yrs)) else None
        except (TypeError, ValueError):
            years = None
        if title:
            out.append((title, years))
    return out


_LATIN = re.compile(r"[a-z][a-z0-9+#]*|[0-9]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def analyse(text: str) -> list[str]:
    """Tokens for the profile/post TF-IDF, for Chinese and English alike.

    Latin words (lower-cased, English stop words dropped, a plural ``s``
    trimmed) plus adjacent-word bigrams; Chinese runs as character bigrams and
    trigrams (single characters only for one-character runs), since Chinese
    is written without spaces.
    """
    t = unicodedata.normalize("NFKC", text).lower()
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
             for w in _LATIN.findall(t) if w not in ENGLISH_STOP_WORDS]
    out = list(words)
    out += [f"{a}_{b}" for a, b in zip(words, words[1:])]
    for run in _CJK_RUN.findall(t):
        if len(run) == 1:
            out.append(run)
            continue
        out += [run[i:i + 2] for i in range(len(run) - 1)]
        out += [run[i:i + 3] for i in range(len(run) - 2)]
    return out


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    try:
        if pd.isna(cell):
            return ""
    except (TypeError, ValueError):
        pass
    return str(cell).strip()


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _float(frame: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(_col(frame, name), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _tristate(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A yes/no column as float 1/0, NaN when unknown."""
    out = np.full(len(frame), np.nan)
    for i, v in enumerate(_col(frame, name).tolist()):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, (bool, np.bool_, int, np.integer, float)):
            out[i] = 1.0 if bool(v) else 0.0
        elif isinstance(v, str) and v.strip().lower() in {"yes", "y", "true", "1", "是", "有"}:
            out[i] = 1.0
        elif isinstance(v, str) and v.strip().lower() in {"no", "n", "false", "0", "否", "无"}:
            out[i] = 0.0
    return out


def _bool(frame: pd.DataFrame, name: str) -> np.ndarray:
    return np.nan_to_num(_tristate(frame, name), nan=0.0) > 0.5


def _ids(frame: pd.DataFrame, col: str, what: str) -> np.ndarray:
    if col not in frame.columns:
        raise InputFileError(f"The {what} frame has no '{col}' column; columns seen: {list(frame.columns)[:12]}.")
    ids = frame[col].astype(str).to_numpy()
    dup = pd.Index(ids).duplicated()
    if dup.any():
        raise InputFileError(f"Duplicate {col} '{ids[dup][0]}' in the {what} frame; ids must be unique.")
    return ids


def _id_rank(ids: np.ndarray) -> np.ndarray:
    order = np.argsort(ids, kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank


def cert_level(text: str) -> int:
    """Certificate level 1 (初级/五级) .. 5 (高级技师/一级), 0 when none is stated."""
    for word, lvl in _CERT_LEVELS:
        if word in text:
            return lvl
    return 0


def _incidence(lists: list[list[str]], vocab: dict[str, int], display: list[str],
               transpose: bool = False) -> sp.csr_matrix:
    rows, cols = [], []
    for i, items in enumerate(lists):
        seen = set()
        for t in items:
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


def _row_mean(m: sp.csr_matrix) -> sp.csr_matrix:
    n = np.asarray(m.sum(axis=1)).ravel()
    inv = np.divide(1.0, n, out=np.zeros_like(n), where=n > 0)
    return sp.diags(inv) @ m


def _col_mean(m: sp.csr_matrix) -> sp.csr_matrix:
    n = np.asarray(m.sum(axis=0)).ravel()
    inv = np.divide(1.0, n, out=np.zeros_like(n), where=n > 0)
    return (m @ sp.diags(inv)).tocsr()


def _l2(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return (sp.diags(inv) @ m).tocsr()


def _first_id(matches: list[Any]) -> str | None:
    for mt in matches or []:
        sid = getattr(mt, "skill_id", None)
        if sid:
            return str(sid)
    return None


def _resize(m: sp.spmatrix, shape: tuple[int, int]) -> sp.csr_matrix:
    m = sp.csr_matrix(m, dtype=float)
    if m.shape != shape:
        raise ValueError(f"similarity_matrix returned shape {m.shape}, expected {shape}")
    return m


# ---------------------------------------------------------------- builders
def build_features(seekers: pd.DataFrame, vacancies: pd.DataFrame, settings: MatchSettings,
                   res: Resources) -> Features:
    """Compute all features. See the module docstring. Raises InputFileError on missing ids."""
    seekers = seekers.reset_index(drop=True)
    vacancies = vacancies.reset_index(drop=True)
    sid = _ids(seekers, "seeker_id", "seekers")
    vid = _ids(vacancies, "vacancy_id", "vacancies")
    ns, nv = len(seekers), len(vacancies)

    # ---- items
    s_skills = [as_list(x) for x in _col(seekers, "skills").tolist()]
    s_certs = [as_list(x) for x in _col(seekers, "certificates").tolist()]
    v_req = [as_list(x) for x in _col(vacancies, "required_skills").tolist()]
    v_pref = [as_list(x) for x in _col(vacancies, "preferred_skills").tolist()]
    v_cert = [as_list(x) for x in _col(vacancies, "certificates_required").tolist()]
    s_vocab: dict[str, int] = {}
    s_display: list[str] = []
    S = _incidence([a + b for a, b in zip(s_skills, s_certs)], s_vocab, s_display)
    v_vocab: dict[str, int] = {}
    v_display: list[str] = []
    req = _incidence(v_req, v_vocab, v_display)
    pref = _incidence(v_pref, v_vocab, v_display)
    cert = _incidence(v_cert, v_vocab, v_display)
    nu, nr = len(s_display), len(v_display)
    S.resize((ns, nu))
    req.resize((nv, nr))
    pref.resize((nv, nr))
    cert.resize((nv, nr))
    req, pref, cert = req.T.tocsr(), pref.T.tocsr(), cert.T.tocsr()
    vall = ((req + pref + cert) > 0).astype(float).tocsr()

    norm = res.skill_normaliser
    if nu and nr:
        sim = _resize(norm.similarity_matrix(s_display, v_display), (nu, nr))
        sim.data = np.clip(np.nan_to_num(sim.data), 0.0, 1.0)
        sim.eliminate_zeros()
        # certificate levels: a lower level than asked counts only partly
        lv_u = np.array([cert_level(t) for t in s_display])
        lv_r = np.array([cert_level(t) for t in v_display])
        coo = sim.tocoo()
        short = (lv_u[coo.row] > 0) & (lv_r[coo.col] > 0) & (lv_u[coo.row] < lv_r[coo.col])
        coo.data[short] *= settings.skills.certificate_level_shortfall
        sim = coo.tocsr()
        s_ids = [_first_id(m) for m in norm.normalise_many(s_display)]
        v_ids = [_first_id(m) for m in norm.normalise_many(v_display)]
    else:
        sim = sp.csr_matrix((nu, nr))
        s_ids = [None] * nu
        v_ids = [None] * nr
    simp = sim.copy()
    simp.data = simp.data ** settings.skills.softmax_power
    # rarity weights: an item every posting lists (沟通能力) counts less than a trade skill
    if settings.skills.idf_weighting:
        df_s = np.asarray((S > 0).sum(axis=0)).ravel()
        df_v = np.asarray((vall > 0).sum(axis=1)).ravel()
        s_idf = np.log((1.0 + ns) / (1.0 + df_s)) + 1.0
        v_idf = np.log((1.0 + nv) / (1.0 + df_v)) + 1.0
    else:
        s_idf, v_idf = np.ones(nu), np.ones(nr)

    # ---- text
    o = settings.occupation
    exps = [as_experience(x) for x in _col(seekers, "experience").tolist()]
    desired = [as_list(x) for x in _col(seekers, "desired_titles").tolist()]
    title_vocab: dict[str, int] = {}
    title_display: list[str] = []
    w_rows, w_cols, w_data = [], [], []
    seeker_titles: list[list[str]] = []

    def _tid(t: str) -> int:
        k = fold(t)
        j = title_vocab.get(k)
        if j is None:
            j = title_vocab[k] = len(title_display)
            title_display.append(t)
        return j

    def years_weight(y: float | None) -> float:
        if y is None:
            return o.years_base + (1 - o.years_base) * 0.5
        return o.years_base + (1 - o.years_base) * min(max(y, 0.0), o.years_full) / o.years_full

    for i, (ex, de) in enumerate(zip(exps, desired)):
        seen: dict[int, float] = {}
        names = []
        for t, y in ex:
            j = _tid(t)
            seen[j] = max(seen.get(j, 0.0), years_weight(y))
            names.append(t)
        for t in de:
            j = _tid(t)
            seen[j] = max(seen.get(j, 0.0), 1.0)
            names.append(t)
        for j, w in seen.items():
            w_rows.append(i)
            w_cols.append(j)
            w_data.append(w)
        seeker_titles.append(names)
    v_titles = [_text(x) for x in _col(vacancies, "title").tolist()]
    for t in v_titles:
        if t:
            _tid(t)
    s_body = [" ".join([_text(a)] + b + c) for a, b, c in
              zip(_col(seekers, "summary").tolist(), s_skills, s_certs)]
    v_body = [" ".join([_text(a)] + b + c + d) for a, b, c, d in
              zip(_col(vacancies, "description").tolist(), v_req, v_pref, v_cert)]
    vec = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, min_df=1, dtype=np.float64)
    corpus = title_display + s_body + v_body
    if any(c.strip() for c in corpus):
        vec.fit([c for c in corpus if c.strip()] or ["-"])
        T = vec.transform(title_display) if title_display else sp.csr_matrix((0, len(vec.vocabulary_)))
        W = sp.csr_matrix((w_data, (w_rows, w_cols)), shape=(ns, len(title_display)))
        s_title = _l2(W @ T)
        v_title_idx = [title_vocab[fold(t)] if t else -1 for t in v_titles]
        rows = [i for i, j in enumerate(v_title_idx) if j >= 0]
        sel = sp.csr_matrix((np.ones(len(rows)), (rows, [v_title_idx[i] for i in rows])),
                            shape=(nv, len(title_display)))
        v_title = _l2(sel @ T)
        s_bodyv = _l2(vec.transform(s_body))
        v_bodyv = _l2(vec.transform(v_body))
        fitted_vec: TfidfVectorizer | None = vec
    else:
        fitted_vec = None
        dim = 1
        s_title, v_title = sp.csr_matrix((ns, dim)), sp.csr_matrix((nv, dim))
        s_bodyv, v_bodyv = sp.csr_matrix((ns, dim)), sp.csr_matrix((nv, dim))
    s_text = _l2(o.title_field_weight * s_title + o.body_field_weight * s_bodyv)
    v_text = _l2(o.title_field_weight * v_title + o.body_field_weight * v_bodyv)

    # ---- occupation codes
    codes = _occupation_codes(seekers, vacancies, exps, desired, v_titles, settings, res, years_weight)

    # ---- scalars
    edu_s = _float(seekers, "education_level")
    edu_v = _float(vacancies, "education_min_level")
    wmin, wmax = _float(seekers, "expected_wage_min"), _float(seekers, "expected_wage_max")
    s_neg = _bool(seekers, "expected_wage_negotiable")
    wexp = np.where(np.isnan(wmin), wmax, wmin)
    wexp = np.where(s_neg | ~(wexp > 0), np.nan, wexp)
    omin, omax = _float(vacancies, "wage_min"), _float(vacancies, "wage_max")
    v_neg = _bool(vacancies, "wage_negotiable")
    woff = np.where(np.isnan(omax), omin, omax)
    woff = np.where(v_neg | ~(woff > 0), np.nan, woff)

    d_vocab: dict[str, int] = {}
    d_names: list[str] = []

    def _did(x: object) -> int:
        t = _text(x)
        if not t:
            return -1
        j = d_vocab.get(t)
        if j is None:
            j = d_vocab[t] = len(d_names)
            d_names.append(t)
        return j

    dist_s = np.array([_did(x) for x in _col(seekers, "district").tolist()], dtype=np.int64)
    dist_v = np.array([_did(x) for x in _col(vacancies, "district").tolist()], dtype=np.int64)
    pr, pc = [], []
    for i, cell in enumerate(_col(seekers, "preferred_districts").tolist()):
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
    exp_on = pd.to_datetime(_col(vacancies, "expires_on"), errors="coerce")
    expired = (exp_on.notna() & (exp_on < ref)).to_numpy(dtype=bool)
    groups = set(settings.priority.groups)
    priority = np.array([bool(groups.intersection(as_list(g))) for g in _col(seekers, "priority_groups").tolist()],
                        dtype=bool)

    feats = Features(
        n_seekers=ns, n_vacancies=nv, seeker_ids=sid, vacancy_ids=vid,
        seeker_id_rank=_id_rank(sid), vacancy_id_rank=_id_rank(vid),
        seeker_items=s_display, vacancy_items=v_display, seeker_item_ids=s_ids, vacancy_item_ids=v_ids,
        S=S.tocsr(), S_mean=_row_mean(S @ sp.diags(s_idf)).tocsr(), req=req, pref=pref, cert=cert, vall=vall,
        req_mean=_col_mean(sp.diags(v_idf) @ req), pref_mean=_col_mean(sp.diags(v_idf) @ pref),
        cert_mean=_col_mean(sp.diags(v_idf) @ cert),
        sim=sim, simp=simp, simp_t=simp.T.tocsr(),
        has_req=np.asarray(req.sum(axis=0)).ravel() > 0, has_pref=np.asarray(pref.sum(axis=0)).ravel() > 0,
        has_cert=np.asarray(cert.sum(axis=0)).ravel() > 0,
        seeker_has_items=np.asarray(S.sum(axis=1)).ravel() > 0,
        seeker_text=s_text, vacancy_text=v_text, seeker_title_text=s_title, vacancy_title_text=v_title,
        seeker_has_text=np.asarray(s_text.getnnz(axis=1)).ravel() > 0,
        vacancy_has_text=np.asarray(v_text.getnnz(axis=1)).ravel() > 0,
        seeker_titles=seeker_titles,
        seeker_codes=codes["seeker_codes"], seeker_code_w=codes["seeker_code_w"],
        vacancy_code=codes["vacancy_code"], code_prox=codes["prox"],
        seeker_code_list=codes["seeker_code_list"], vacancy_code_list=codes["vacancy_code_list"],
        seeker_minor=codes["seeker_minor"], vacancy_minor=codes["vacancy_minor"],
        edu_s=edu_s, edu_v=edu_v, wexp=wexp, wexp_min=wmin, wexp_max=wmax, s_negotiable=s_neg,
        woff=woff, woff_min=omin, woff_max=omax, v_negotiable=v_neg,
        district_names=d_names, dist_s=dist_s, dist_v=dist_v, pref_d=pref_d.tocsr(), rel=rel,
        accepts_shift=_tristate(seekers, "accepts_shift_work"), shift=_tristate(vacancies, "shift_work"),
        lodging=_tristate(vacancies, "lodging"), insurance=_tristate(vacancies, "social_insurance"),
        public_welfare=_bool(vacancies, "public_welfare"), expired=expired, priority=priority,
    )
    feats.extra["vall_csc"] = vall.tocsc()
    feats.extra["simp_csc"] = simp.tocsc()
    feats.extra["vectorizer"] = fitted_vec
    feats.extra["vacancy_text_T"] = v_text.T.tocsr()
    if fitted_vec is not None:
        feats.extra["title_vecs"] = T.tocsr()
        feats.extra["seeker_title_idx"] = [np.array([_tid(t) for t in names], dtype=np.int64) for names in seeker_titles]
        feats.extra["vacancy_title_idx"] = np.array(v_title_idx, dtype=np.int64)
    feats.extra["text_floor"], feats.extra["text_ceiling"] = _text_calibration(s_text, v_text, settings)
    return feats


def _text_calibration(s_text: sp.csr_matrix, v_text: sp.csr_matrix, st: MatchSettings) -> tuple[float, float]:
    """Floor and ceiling of the cosine → [0, 1] map.

    With ``occupation.auto_calibrate_text`` they are read off the market (a
    fixed sample of up to 300 seekers with text against every vacancy): the
    floor is the median cosine of all sampled pairs (a typical unrelated pair
    scores 0) and the ceiling the median over seekers of their best cosine (a
    seeker's best post scores about 1). Otherwise, and whenever the sample is
    degenerate, the fixed ``text_floor`` / ``text_ceiling`` are used.
    """
    o = st.occupation
    if not o.auto_calibrate_text:
        return o.text_floor, o.text_ceiling
    rows = np.flatnonzero(s_text.getnnz(axis=1) > 0)
    if len(rows) == 0 or v_text.shape[0] == 0:
        return o.text_floor, o.text_ceiling
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(rows, size=min(300, len(rows)), replace=False))
    cos = (s_text[sample] @ v_text.T).toarray()
    floor = float(np.median(cos))
    ceiling = float(np.median(cos.max(axis=1)))
    if not ceiling > floor + 1e-6:
        return o.text_floor, o.text_ceiling
    return floor, ceiling


def _minor(code: str) -> str:
    p = code.split("-")
    return "-".join(p[:3] + ["00"])


def _occupation_codes(seekers: pd.DataFrame, vacancies: pd.DataFrame, exps: list, desired: list,
                      v_titles: list[str], settings: MatchSettings, res: Resources,
                      years_weight: Callable[[float | None], float]) -> dict[str, Any]:
    ns, nv = len(seekers), len(vacancies)
    o = settings.occupation
    coder = res.occupation_coder if o.use_codes else None
    prox_model = res.occupation_proximity if o.use_codes else None
    given = [(_text(c) if _CODE_RE.match(_text(c)) else "") for c in _col(vacancies, "csco_code").tolist()]
    v_code_str: list[str] = list(given)
    s_pairs: list[list[tuple[str, float]]] = [[] for _ in range(ns)]
    if coder is not None and prox_model is not None:
        titles = sorted({t for ex in exps for t, _ in ex} | {t for de in desired for t in de}
                        | {t for t, g in zip(v_titles, given) if not g and t})
        coded: dict[str, str] = {}
        if titles:
            for t, preds in zip(titles, coder.predict(titles, 1)):
                if preds and preds[0][1] >= o.min_code_score and _CODE_RE.match(str(preds[0][0])):
                    coded[t] = str(preds[0][0])
        v_code_str = [g or coded.get(t, "") for g, t in zip(given, v_titles)]
        for i, (ex, de) in enumerate(zip(exps, desired)):
            best: dict[str, float] = {}
            for t, y in ex:
                if t in coded:
                    best[coded[t]] = max(best.get(coded[t], 0.0), years_weight(y))
            for t in de:
                if t in coded:
                    best[coded[t]] = max(best.get(coded[t], 0.0), 1.0)
            s_pairs[i] = sorted(best.items())
    s_list = sorted({c for p in s_pairs for c, _ in p})
    v_list = sorted({c for c in v_code_str if c})
    s_idx = {c: i for i, c in enumerate(s_list)}
    v_idx = {c: i for i, c in enumerate(v_list)}
    m = max([len(p) for p in s_pairs] + [1])
    seeker_codes = np.full((ns, m), len(s_list), dtype=np.int64)   # pad -> the zero row
    seeker_code_w = np.zeros((ns, m))
    for i, p in enumerate(s_pairs):
        for j, (c, w) in enumerate(p):
            seeker_codes[i, j] = s_idx[c]
            seeker_code_w[i, j] = w
    vacancy_code = np.array([v_idx[c] if c else len(v_list) for c in v_code_str], dtype=np.int64)
    prox = np.zeros((len(s_list) + 1, len(v_list) + 1))
    if s_list and v_list and prox_model is not None:
        prox[:-1, :-1] = np.clip(np.asarray(prox_model.matrix(s_list, v_list), dtype=float), 0, 1)
    minors = sorted({_minor(c) for c in s_list} | {_minor(c) for c in v_list})
    mi = {c: i for i, c in enumerate(minors)}
    r, c = [], []
    for i, p in enumerate(s_pairs):
        for code, _ in p:
            r.append(i)
            c.append(mi[_minor(code)])
    seeker_minor = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(ns, len(minors)))
    r2 = [mi[_minor(code)] for code in v_code_str if code]
    c2 = [j for j, code in enumerate(v_code_str) if code]
    vacancy_minor = sp.csr_matrix((np.ones(len(r2)), (r2, c2)), shape=(len(minors), nv))
    return {"seeker_codes": seeker_codes, "seeker_code_w": seeker_code_w, "vacancy_code": vacancy_code,
            "prox": prox, "seeker_code_list": s_list, "vacancy_code_list": v_list,
            "seeker_minor": (seeker_minor > 0).astype(float).tocsr(),
            "vacancy_minor": (vacancy_minor > 0).astype(float).tocsr()}
