"""Fit-time features of seekers and vacancies: computed once, read by every query.

:func:`build_features` turns the two NORMALISED frames (see
:mod:`matcher.schema`) into arrays and sparse matrices:

* **items** — every seeker skill/certificate text and every vacancy
  required/preferred/certificate text, deduplicated (case- and width-folded),
  with incidence matrices (seeker × item, item × vacancy), the item × item
  similarity from the skill normaliser (certificate levels applied) and its
  p-th power for the soft maximum; IDF-weighted means, the vacancy-side
  weights in one matrix (``extra["vmix"]``) and each seeker item's best match
  per vacancy (``extra["seek_best"]``), so a block costs two sparse products;
* **text** — a field-weighted word TF-IDF vector per seeker (titles:
  experience weighted by years, desired titles; summary; skills) and per
  vacancy (title; description; skills), plus LSA embeddings of both (a
  truncated SVD fitted on the vacancy vectors);
* **occupation codes** — per vacancy (given ``csco_code`` or coded from the
  title) and per seeker (coded experience and desired titles, with weights),
  plus the proximity matrix between them;
* **scalars** — education levels, wages, district codes with the relation
  table, shift/lodging/insurance flags, expiry, public-welfare and
  priority-group membership, and small lookup tables (seeker key × vacancy
  key → score, NaN = no evidence) for education, wage, place and conditions.

Sparse products and embeddings are float64 and rounded to float32 once per
pair, so a pair gets the same score in any block or pair list.

Missing columns are treated as empty (so thin benchmark frames work); a frame
without its id column raises :class:`matcher.errors.InputFileError`.
"""
from __future__ import annotations

import math
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from threadpoolctl import threadpool_limits

from matcher import vocab
from matcher.core.settings import MatchSettings
from matcher.normalise.lists import split_list
from matcher.errors import InputFileError

RELATIONS: tuple[str, ...] = vocab.RELATIONS
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
    """A list cell as a list of non-empty strings (lists, tuples, arrays, or text split by the one
    list rule, :func:`matcher.normalise.lists.split_list`)."""
    if cell is None:
        return []
    if isinstance(cell, str):
        return split_list(cell)
    if isinstance(cell, (list, tuple, np.ndarray, pd.Series)):
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
        cell = split_list(cell)
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


_SUFFIX = re.compile(r"(ations?|ments?|ings?|ers?|ors?|ies|ed|es|s)$")


def stem(word: str) -> str:
    """A light English suffix stripper (``operators`` / ``operating`` -> ``operat``); other words unchanged.

    Words of five characters or fewer, and stems that would be shorter than
    four characters, are kept as they are. Deterministic, no dictionary.
    """
    if len(word) > 5 and word.isascii():
        s = _SUFFIX.sub("", word)
        if len(s) >= 4:
            return s
    return word


def analyse(text: str) -> list[str]:
    """Tokens for the profile/post TF-IDF, for Chinese and English alike.

    Latin words (lower-cased, English stop words dropped, light suffix
    stemming by :func:`stem`) plus adjacent-word bigrams; Chinese runs as character bigrams and
    trigrams (single characters only for one-character runs), since Chinese
    is written without spaces.
    """
    t = unicodedata.normalize("NFKC", text).lower()
    words = [stem(w) for w in _LATIN.findall(t) if w not in ENGLISH_STOP_WORDS]
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
def _pnorm_rows(m: sp.csr_matrix, p: float) -> sp.csr_matrix:
    """Entry-wise ``min(1, x ** (1/p))`` of a sparse matrix (the p-norm soft maximum's last step)."""
    m = sp.csr_matrix(m, dtype=np.float64)
    m.data = np.minimum(1.0, np.power(np.maximum(m.data, 0.0), 1.0 / p))
    return m


def _prune_rows(m: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Keep the ``keep`` largest entries of every row (0 = keep all); rows are re-L2-normalised."""
    m = sp.csr_matrix(m)
    if keep <= 0:
        return m
    lens = np.diff(m.indptr)
    if lens.max(initial=0) <= keep:
        return m
    mask = np.ones(m.nnz, dtype=bool)
    for i in np.flatnonzero(lens > keep):
        lo, hi = m.indptr[i], m.indptr[i + 1]
        order = np.argsort(-m.data[lo:hi], kind="stable")
        mask[lo + order[keep:]] = False
    m.data = np.where(mask, m.data, 0.0).astype(m.data.dtype)
    m.eliminate_zeros()
    return _l2(m)


#: vacancies the LSA basis is fitted on at most (a fixed random sample beyond that)
_SVD_ROWS = 6000
#: a vector whose norm is at most this share of its source's norm is empty (rounding noise, not a direction)
EMPTY_EPS = 1e-6


def _semantic(s_text: sp.csr_matrix, v_text: sp.csr_matrix, dims: int) -> tuple[np.ndarray, np.ndarray] | None:
    """LSA: a truncated SVD fitted on the vacancy vectors; L2-normalised float64 embeddings of both sides.

    None when the market is too small for ``dims`` >= 2 components.
    """
    from sklearn.decomposition import TruncatedSVD

    nv, nf = v_text.shape
    k = min(int(dims), nv - 1, nf - 1)
    if k < 2 or v_text.nnz == 0:
        return None
    svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=4, random_state=0)
    fit_rows = v_text
    if nv > _SVD_ROWS:                                  # a fixed sample keeps fit time flat in market size
        fit_rows = v_text[np.sort(np.random.default_rng(0).choice(nv, _SVD_ROWS, replace=False))]
    # one BLAS thread: LAPACK/BLAS results (QR, SVD, dense products) change in the last digits with the thread
    # count, and the basis must be the same whatever machine or backend fits the market
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"), \
            threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore", RuntimeWarning)      # explained-variance ratio of a degenerate market
        svd.fit(fit_rows.astype(np.float64))
    comp = svd.components_.T                                        # features × k

    def emb(m: sp.csr_matrix) -> np.ndarray:
        m = sp.csr_matrix(m, dtype=np.float64)
        e = np.asarray(m @ comp, dtype=np.float64)                  # sparse × dense: scipy, single-threaded
        n = np.linalg.norm(e, axis=1, keepdims=True)
        # a text outside the basis projects to rounding noise (about 1e-15 of its own norm); normalising that
        # noise would give a random direction, so such a text has no LSA embedding (cosine 0)
        own = np.sqrt(np.asarray(m.multiply(m).sum(axis=1))).reshape(-1, 1)
        empty = n <= EMPTY_EPS * own
        return np.divide(e, n, out=np.zeros_like(e), where=~empty & (n > 0))

    return emb(s_text), emb(v_text)


class _DedupTfidf:
    """TF-IDF over :func:`analyse` tokens (sublinear tf, smooth idf), analysing each distinct text once.

    Equal to scikit-learn's ``TfidfVectorizer(analyzer=analyse, sublinear_tf=True, norm=None)``
    followed by L2 normalisation of the rows, but markets repeat texts
    (the same skill list, the same summary sentence), so tokenising distinct
    texts only keeps ``fit`` fast.
    """

    def fit(self, docs: list[str]) -> _DedupTfidf:
        uniq, inv = np.unique(np.asarray(docs, dtype=object), return_inverse=True)
        self.vocabulary_: dict[str, int] = {}
        counts = self._counts(list(uniq), grow=True)
        reps = np.bincount(np.asarray(inv).ravel(), minlength=len(uniq)).astype(float)
        df = np.asarray((counts > 0).astype(float).T @ reps).ravel()     # document frequency over all docs
        n = float(len(docs))
        self.idf_ = np.log((1.0 + n) / (1.0 + df)) + 1.0
        return self

    def _counts(self, docs: list[str], grow: bool = False) -> sp.csr_matrix:
        vocab = self.vocabulary_
        indptr, indices, data = [0], [], []
        for d in docs:
            c: dict[int, int] = {}
            for tok in analyse(d):
                j = vocab.get(tok)
                if j is None:
                    if not grow:
                        continue
                    j = vocab[tok] = len(vocab)
                c[j] = c.get(j, 0) + 1
            indices.extend(c.keys())
            data.extend(c.values())
            indptr.append(len(indices))
        m = sp.csr_matrix((np.asarray(data, dtype=float), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
                          shape=(len(docs), len(vocab)))
        m.sort_indices()
        return m

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        """L2-normalised TF-IDF rows of ``docs`` (unknown tokens ignored; empty text gives a zero row)."""
        if not len(docs):
            return sp.csr_matrix((0, len(self.vocabulary_)))
        uniq, inv = np.unique(np.asarray(docs, dtype=object), return_inverse=True)
        m = self._counts(list(uniq))
        m.data = 1.0 + np.log(m.data)
        m = _l2((m @ sp.diags(self.idf_)).tocsr())
        return m[np.asarray(inv).ravel()]


def _key_index(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique finite values (sorted) and each value's index into them; NaN gets the index len(unique)."""
    finite = ~np.isnan(values)
    uniq = np.unique(values[finite])
    idx = np.full(len(values), len(uniq), dtype=np.int64)
    idx[finite] = np.searchsorted(uniq, values[finite])
    return uniq, idx


def build_features(seekers: pd.DataFrame, vacancies: pd.DataFrame, settings: MatchSettings,
                   res: Resources) -> Features:
    """Compute all features. See the module docstring. Raises InputFileError on missing ids."""
    seekers = seekers.reset_index(drop=True)
    vacancies = vacancies.reset_index(drop=True)
    sid = _ids(seekers, "seeker_id", "seekers")
    vid = _ids(vacancies, "vacancy_id", "vacancies")
    ns, nv = len(seekers), len(vacancies)
    k = settings.skills

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
    # an item listed both as required and preferred counts as required
    pref = (pref - pref.multiply(req > 0)).tocsr()
    pref.eliminate_zeros()
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
        coo.data[short] *= k.certificate_level_shortfall
        sim = coo.tocsr()
        s_ids = [_first_id(m) for m in norm.normalise_many(s_display)]
        v_ids = [_first_id(m) for m in norm.normalise_many(v_display)]
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
    req_mean = _col_mean(sp.diags(v_idf) @ req)
    pref_mean = _col_mean(sp.diags(v_idf) @ pref)
    cert_mean = _col_mean(sp.diags(v_idf) @ cert)
    # vacancy side in one matrix: kind weights renormalised per vacancy over the kinds it lists
    wr, wp, wc = k.required_weight * has_req, k.preferred_weight * has_pref, k.certificate_weight * has_cert
    den = wr + wp + wc
    inv = np.divide(1.0, den, out=np.zeros_like(den, dtype=float), where=den > 0)
    vmix = (req_mean @ sp.diags(wr * inv) + pref_mean @ sp.diags(wp * inv)
            + cert_mean @ sp.diags(wc * inv)).tocsr()
    # seeker side: each seeker item's soft-maximum similarity to the vacancy's items (preferred items discounted)
    target = (req + cert + pref * (k.preferred_target_weight ** p)).tocsr()
    seek_best = _pnorm_rows(simp @ target, p) if nu and nr else sp.csr_matrix((nu, nv))
    S_mean = _row_mean(S @ sp.diags(s_idf)).tocsr()

    # ---- text
    o = settings.occupation
    exps = [as_experience(x) for x in _col(seekers, "experience").tolist()]
    desired = [as_list(x) for x in _col(seekers, "desired_titles").tolist()]
    title_vocab: dict[str, int] = {}
    title_display: list[str] = []
    w_rows, w_cols, w_data = [], [], []
    seeker_titles: list[list[str]] = []

    def _tid(t: str) -> int:
        key = fold(t)
        j = title_vocab.get(key)
        if j is None:
            j = title_vocab[key] = len(title_display)
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
    s_summary = [_text(a) for a in _col(seekers, "summary").tolist()]
    s_skilltext = ["; ".join(b + c) for b, c in zip(s_skills, s_certs)]
    v_desc = [_text(a) for a in _col(vacancies, "description").tolist()]
    v_skilltext = ["; ".join(b + c + d) for b, c, d in zip(v_req, v_pref, v_cert)]
    vec = _DedupTfidf()
    corpus = [c for c in title_display + s_summary + s_skilltext + v_desc + v_skilltext if c.strip()]
    v_title_idx = [title_vocab[fold(t)] if t else -1 for t in v_titles]
    semantic = None
    T = None
    if corpus:
        vec.fit(corpus)
        nf = len(vec.vocabulary_)
        T = vec.transform(title_display) if title_display else sp.csr_matrix((0, nf))
        W = sp.csr_matrix((w_data, (w_rows, w_cols)), shape=(ns, len(title_display)))
        W.eliminate_zeros()
        s_title = _l2(W @ T)
        rows = [i for i, j in enumerate(v_title_idx) if j >= 0]
        sel = sp.csr_matrix((np.ones(len(rows)), (rows, [v_title_idx[i] for i in rows])),
                            shape=(nv, len(title_display)))
        v_title = _l2(sel @ T)
        tr = lambda docs: _l2(vec.transform(docs))  # noqa: E731
        s_text = _l2(o.title_field_weight * s_title + o.body_field_weight * tr(s_summary)
                     + o.skills_field_weight * tr(s_skilltext))
        v_text = _l2(o.title_field_weight * v_title + o.body_field_weight * tr(v_desc)
                     + o.skills_field_weight * tr(v_skilltext))
        if o.semantic_weight > 0:
            semantic = _semantic(s_text, v_text, o.semantic_dims)
        s_text = _prune_rows(s_text, o.max_terms)
        v_text = _prune_rows(v_text, o.max_terms)
        fitted_vec: _DedupTfidf | None = vec
    else:
        fitted_vec = None
        s_title, v_title = sp.csr_matrix((ns, 1)), sp.csr_matrix((nv, 1))
        s_text, v_text = s_title.copy(), v_title.copy()

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
        S=S.tocsr(), S_mean=S_mean, req=req, pref=pref, cert=cert, vall=vall,
        req_mean=req_mean, pref_mean=pref_mean, cert_mean=cert_mean,
        sim=sim, simp=simp, simp_t=simp.T.tocsr(),
        has_req=has_req, has_pref=has_pref, has_cert=has_cert,
        seeker_has_items=np.asarray(S.sum(axis=1)).ravel() > 0,
        seeker_text=s_text, vacancy_text=v_text, seeker_title_text=s_title.tocsr(),
        vacancy_title_text=v_title.tocsr(),
        # occupation evidence needs an experience / desired title or a profile text: a bare skill list is
        # the skills dimension's evidence and must not count twice
        seeker_has_text=(np.asarray(s_text.getnnz(axis=1)).ravel() > 0)
        & ((np.diff(W.indptr) > 0) | np.array([bool(t) for t in s_summary], dtype=bool)) if corpus
        else np.zeros(ns, dtype=bool),
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
    x = feats.extra
    x["vall_csc"] = vall.tocsc()
    x["vmix"] = vmix
    x["vmix_t"] = vmix.T.tocsr()
    x["seek_best"] = seek_best.tocsr()
    x["seek_best_t"] = seek_best.T.tocsr()
    x["vacancy_has_skills"] = has_req | has_cert            # required items: evidence even without seeker items
    x["vacancy_has_items"] = has_req | has_cert | has_pref
    x["vectorizer"] = fitted_vec
    x["vacancy_text_T"] = v_text.T.tocsr()
    if semantic is not None:
        x["seeker_sem"], x["vacancy_sem"] = semantic
        x["vacancy_sem_T"] = np.ascontiguousarray(semantic[1].T)
    if fitted_vec is not None and T is not None:
        x["title_vecs"] = T.tocsr()
        x["seeker_title_idx"] = [np.array([_tid(t) for t in names], dtype=np.int64) for names in seeker_titles]
        x["vacancy_title_idx"] = np.array(v_title_idx, dtype=np.int64)
    # code proximity per distinct seeker code profile (pairs answered by one gather)
    prof_keys: dict[tuple, int] = {}
    prof_idx = np.empty(ns, dtype=np.int64)
    prof_rows: list[int] = []
    for i in range(ns):
        key = (tuple(codes["seeker_codes"][i].tolist()), tuple(np.round(codes["seeker_code_w"][i], 9).tolist()))
        j = prof_keys.get(key)
        if j is None:
            j = prof_keys[key] = len(prof_rows)
            prof_rows.append(i)
        prof_idx[i] = j
    pc_codes = codes["seeker_codes"][prof_rows] if prof_rows else codes["seeker_codes"][:0]
    pc_w = codes["seeker_code_w"][prof_rows] if prof_rows else codes["seeker_code_w"][:0]
    x["code_profile"] = prof_idx
    x["code_profile_prox"] = (codes["prox"][pc_codes] * pc_w[:, :, None]).max(axis=1).astype(np.float32) \
        if len(prof_rows) else np.zeros((0, codes["prox"].shape[1]), np.float32)
    x["seeker_has_code"] = (codes["seeker_code_w"] > 0).any(axis=1)
    x["vacancy_has_code"] = codes["vacancy_code"] < len(codes["vacancy_code_list"])
    x["text_floor"], x["text_ceiling"] = _text_calibration(feats, settings)
    _scalar_tables(feats, settings)
    return feats


def _scalar_tables(F: Features, st: MatchSettings) -> None:
    """Keys and small lookup tables for education, wage, place and conditions (see compare.score_grid).

    Each table holds the dimension's score per (seeker key, vacancy key) with
    NaN where the pair has no evidence, so a block of pairs is one gather.
    """
    x = F.extra
    # education: seeker level (or unknown) × required level (or none)
    lv_s, ki_s = _key_index(F.edu_s)
    lv_v, ki_v = _key_index(F.edu_v)
    e = st.education
    gap = (np.append(lv_s, np.nan)[:, None] - np.append(lv_v, np.nan)[None, :])
    t = np.select([gap > e.over_tolerance, gap >= 0, gap >= -1], [e.over, e.meets, e.one_short], e.far_short)
    t = t.astype(float)
    t[-1, :] = np.nan                    # seeker level unknown facing a requirement: no evidence
    t[:, -1] = e.none_required           # no requirement
    x["edu_key"] = (ki_s, ki_v, t.astype(np.float32))
    # wage: distinct expected × distinct offered (NaN = unknown / negotiable)
    ue, ke = _key_index(F.wexp)
    uo, ko = _key_index(F.woff)
    if len(ue) * len(uo) <= 4_000_000:
        from matcher.core.compare import wage_curve
        with np.errstate(divide="ignore", invalid="ignore"):
            relg = (uo[None, :] - ue[:, None]) / ue[:, None]
        tw = np.full((len(ue) + 1, len(uo) + 1), np.nan)
        tw[:-1, :-1] = wage_curve(relg, st)
        x["wage_key"] = (ke, ko, tw.astype(np.float32))
        x["wage_source"] = (F.wexp, F.woff)    # tables are valid for these arrays only (see compare)
    # place: per seeker, best relation score to each vacancy district, then lodging
    from matcher.core.compare import relation_scores
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


def _text_calibration(F: Features, st: MatchSettings) -> tuple[float, float]:
    """Floor and ceiling of the raw text similarity → [0, 1] map.

    With ``occupation.auto_calibrate_text`` they are read off the market (a
    fixed sample of up to 300 seekers with text against every vacancy): the
    floor is the median raw similarity of all sampled pairs (a typical
    unrelated pair scores 0) and the ceiling the 90th percentile over seekers
    of their best (only the strongest matches reach 1, so the top of a list
    keeps its order). Otherwise, and whenever the sample is degenerate, the
    fixed ``text_floor`` / ``text_ceiling`` are used.
    """
    o = st.occupation
    if not o.auto_calibrate_text:
        return o.text_floor, o.text_ceiling
    rows = np.flatnonzero(F.seeker_text.getnnz(axis=1) > 0)
    if len(rows) == 0 or F.n_vacancies == 0:
        return o.text_floor, o.text_ceiling
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(rows, size=min(300, len(rows)), replace=False))
    raw = raw_text_similarity(F, st, sample, np.arange(F.n_vacancies))
    floor = float(np.median(raw))
    ceiling = float(np.quantile(raw.max(axis=1), 0.9))
    if not ceiling > floor + 1e-6:
        return o.text_floor, o.text_ceiling
    return floor, ceiling


def blend_text(cos: np.ndarray, sem: np.ndarray | None, lam: float) -> np.ndarray:
    """``(1 - λ)·cos + λ·max(0, sem)`` in float32, the same operations for blocks and pairs (in place on cos)."""
    if sem is None or lam <= 0:
        return cos
    np.maximum(sem, np.float32(0), out=sem)
    sem *= np.float32(lam)
    cos *= np.float32(1.0 - lam)
    cos += sem
    return cos


def raw_text_similarity(F: Features, st: MatchSettings, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense ``len(a) × len(b)`` raw text similarity: TF-IDF cosine blended with the LSA cosine (float32).

    Products run in float64 and are rounded to float32 once, so a pair gets
    the same value whatever block it is computed in.
    """
    lam = st.occupation.semantic_weight if "seeker_sem" in F.extra else 0.0
    sm = F.seeker_text[a]
    every = len(b) == F.n_vacancies and np.array_equal(b, np.arange(F.n_vacancies))
    vt = F.extra["vacancy_text_T"]
    cos = (sm @ (vt if every else vt[:, b])).toarray().astype(np.float32)
    sem = None
    if lam > 0:
        vs = F.extra["vacancy_sem_T"]  # dense: a column slice would copy it (16 MB at 20,000 posts)
        sem = (F.extra["seeker_sem"][a] @ (vs if every else vs[:, b])).astype(np.float32)
    return blend_text(cos, sem, lam)


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
