"""Profile and post text: tokens, a TF-IDF over distinct texts, LSA embeddings and the raw text similarity.

:func:`build_text` gives every seeker a field-weighted word TF-IDF vector
(titles: experience weighted by years, desired titles; summary; skills) and
every vacancy one (title; description; skills), plus LSA embeddings of both (a
truncated SVD fitted on the vacancy vectors). :func:`raw_text_similarity` is
the one similarity of two such sides, used by the comparisons and by the
calibration of the [floor, ceiling] map (:func:`text_calibration`).
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from typing import Any, Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from threadpoolctl import threadpool_limits

from matcher.core.cells import as_experience, as_list, cell_text, column
from matcher.core.fitted import Features
from matcher.core.settings import MatchSettings


def fold(text: str) -> str:
    """Key used to deduplicate item texts: NFKC, stripped, lower-case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())


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


def l2_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return (sp.diags(inv) @ m).tocsr()



def prune_rows(m: sp.csr_matrix, keep: int) -> sp.csr_matrix:
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
    return l2_rows(m)


#: vacancies the LSA basis is fitted on at most (a fixed random sample beyond that)
_SVD_ROWS = 6000
#: a vector whose norm is at most this share of its source's norm is empty (rounding noise, not a direction)
EMPTY_EPS = 1e-6


def lsa_embeddings(s_text: sp.csr_matrix, v_text: sp.csr_matrix, dims: int) -> tuple[np.ndarray, np.ndarray] | None:
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


class DedupTfidf:
    """TF-IDF over :func:`analyse` tokens (sublinear tf, smooth idf), analysing each distinct text once.

    Equal to scikit-learn's ``TfidfVectorizer(analyzer=analyse, sublinear_tf=True, norm=None)``
    followed by L2 normalisation of the rows, but markets repeat texts
    (the same skill list, the same summary sentence), so tokenising distinct
    texts only keeps ``fit`` fast.
    """

    def fit(self, docs: list[str]) -> DedupTfidf:
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
        m = l2_rows((m @ sp.diags(self.idf_)).tocsr())
        return m[np.asarray(inv).ravel()]


def years_weighting(settings: MatchSettings) -> Callable[[float | None], float]:
    """Weight of an experience title by its years (unknown: midway), see ``occupation.years_*``."""
    o = settings.occupation

    def years_weight(y: float | None) -> float:
        if y is None:
            return o.years_base + (1 - o.years_base) * 0.5
        return o.years_base + (1 - o.years_base) * min(max(y, 0.0), o.years_full) / o.years_full

    return years_weight


def build_text(seekers: pd.DataFrame, vacancies: pd.DataFrame, s_skills: list[list[str]],
               s_certs: list[list[str]], v_req: list[list[str]], v_pref: list[list[str]],
               v_cert: list[list[str]], settings: MatchSettings) -> dict[str, Any]:
    """Text vectors and LSA embeddings of both sides (see the module docstring), as a dict of named parts."""
    ns, nv = len(seekers), len(vacancies)
    o = settings.occupation
    years_weight = years_weighting(settings)
    exps = [as_experience(x) for x in column(seekers, "experience").tolist()]
    desired = [as_list(x) for x in column(seekers, "desired_titles").tolist()]
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
    v_titles = [cell_text(x) for x in column(vacancies, "title").tolist()]
    for t in v_titles:
        if t:
            _tid(t)
    s_summary = [cell_text(a) for a in column(seekers, "summary").tolist()]
    s_skilltext = ["; ".join(b + c) for b, c in zip(s_skills, s_certs)]
    v_desc = [cell_text(a) for a in column(vacancies, "description").tolist()]
    v_skilltext = ["; ".join(b + c + d) for b, c, d in zip(v_req, v_pref, v_cert)]
    vec = DedupTfidf()
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
        s_title = l2_rows(W @ T)
        rows = [i for i, j in enumerate(v_title_idx) if j >= 0]
        sel = sp.csr_matrix((np.ones(len(rows)), (rows, [v_title_idx[i] for i in rows])),
                            shape=(nv, len(title_display)))
        v_title = l2_rows(sel @ T)
        tr = lambda docs: l2_rows(vec.transform(docs))  # noqa: E731
        s_text = l2_rows(o.title_field_weight * s_title + o.body_field_weight * tr(s_summary)
                         + o.skills_field_weight * tr(s_skilltext))
        v_text = l2_rows(o.title_field_weight * v_title + o.body_field_weight * tr(v_desc)
                         + o.skills_field_weight * tr(v_skilltext))
        if o.semantic_weight > 0:
            semantic = lsa_embeddings(s_text, v_text, o.semantic_dims)
        s_text = prune_rows(s_text, o.max_terms)
        v_text = prune_rows(v_text, o.max_terms)
        fitted_vec: DedupTfidf | None = vec
        # occupation evidence needs an experience / desired title or a profile text: a bare skill list is
        # the skills dimension's evidence and must not count twice
        seeker_has_text = (np.asarray(s_text.getnnz(axis=1)).ravel() > 0) \
            & ((np.diff(W.indptr) > 0) | np.array([bool(t) for t in s_summary], dtype=bool))
    else:
        fitted_vec = None
        s_title, v_title = sp.csr_matrix((ns, 1)), sp.csr_matrix((nv, 1))
        s_text, v_text = s_title.copy(), v_title.copy()
        seeker_has_text = np.zeros(ns, dtype=bool)
    return {"exps": exps, "desired": desired, "v_titles": v_titles, "seeker_titles": seeker_titles,
            "s_text": s_text, "v_text": v_text, "s_title": s_title, "v_title": v_title,
            "seeker_has_text": seeker_has_text, "semantic": semantic, "vectorizer": fitted_vec, "T": T,
            "title_index": [np.array([title_vocab[fold(t)] for t in names], dtype=np.int64)
                            for names in seeker_titles],
            "v_title_idx": v_title_idx, "years_weight": years_weight}

def text_calibration(F: Features, st: MatchSettings) -> tuple[float, float]:
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
