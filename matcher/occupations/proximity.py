"""How close two occupations are: the transfer paths between trades.

A worker whose trade has gone (a steel-plant operator, ``炼钢工``) carries
experience that counts, partly, toward related posts. The proximity of two
codes of the 2022 classification blends three components, each in [0, 1]:

* **hierarchy** — how far up the four-level tree the two codes part:
  identical 1.0, same minor group 0.7, same middle group 0.45, same major
  group 0.15, else 0. Codes of levels 2 and 3 compare at their own level
  (a minor-group code and one of its detailed occupations share the minor
  group: 0.7).
* **skills** — Jaccard overlap of the lexicon skills linked to each code
  (a group code gets the union of its descendants' skills). When either code
  has no linked skill, this component is left out and the other weights are
  rescaled, so an occupation the lexicon does not cover is not penalised.
* **text** — cosine of character 1-2-gram TF-IDF vectors (sublinear tf)
  over name, aliases, definition and tasks; for Chinese, character bigrams
  carry nearly all of the word information and keep ``fit`` fast.

``similarity = (w_hierarchy*H + w_skills*S + w_text*T) / (sum of weights in
use)``; 1.0 on the diagonal. Everything is precomputed at ``fit`` as dense
matrices over all codes of the classification (about 2,000 x 2,000).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.errors import NotFittedError, SettingsError, UnknownIdError
from matcher.occupations.taxonomy import load_taxonomy
from matcher.skills.lexicon import Lexicon, load_lexicon

HIERARCHY_WEIGHTS: dict[int, float] = {3: 0.7, 2: 0.45, 1: 0.15, 0: 0.0}
"""Hierarchy similarity by the deepest shared level (3 minor, 2 middle, 1 major, 0 none)."""


class OccupationProximity:
    """Similarity between occupation codes in [0, 1]; see the module docstring.

    Parameters are the component weights (non-negative, not all zero).
    ``fit(taxonomy=None, lexicon=None)`` uses the packaged classification and
    skill lexicon when not given.
    """

    def __init__(self, w_hierarchy: float = 0.4, w_skills: float = 0.3, w_text: float = 0.3) -> None:
        self.w_hierarchy = w_hierarchy
        self.w_skills = w_skills
        self.w_text = w_text

    def fit(
        self, taxonomy: pd.DataFrame | None = None, lexicon: Lexicon | None = None
    ) -> "OccupationProximity":
        """Precompute the similarity of every pair of codes. Takes a few seconds.

        Raises :class:`SettingsError` for negative weights or all weights zero.
        """
        weights = np.array([self.w_hierarchy, self.w_skills, self.w_text], dtype=float)
        if (weights < 0).any() or not np.isfinite(weights).all() or weights.sum() == 0:
            raise SettingsError(
                "Occupation proximity weights must be non-negative and not all zero; got "
                f"w_hierarchy={self.w_hierarchy!r}, w_skills={self.w_skills!r}, w_text={self.w_text!r}"
            )
        tax = (load_taxonomy() if taxonomy is None else taxonomy).drop_duplicates("code")
        tax = tax.reset_index(drop=True)
        lex = load_lexicon() if lexicon is None else lexicon
        codes = tax["code"].tolist()
        self.codes_ = codes
        self.index_ = {c: i for i, c in enumerate(codes)}
        self.levels_ = tax["level"].to_numpy(dtype=np.int64)
        self.names_ = tax["name"].tolist()

        hierarchy = self._hierarchy(codes, self.levels_)
        skills, has_skills = self._skill_jaccard(codes, self.levels_, lex)
        text = self._text_cosine(tax)

        w_h, w_s, w_t = weights
        both = np.outer(has_skills, has_skills)
        numerator = w_h * hierarchy + w_t * text + np.where(both, w_s * skills, 0.0)
        denominator = np.where(both, w_h + w_s + w_t, w_h + w_t)
        with np.errstate(invalid="ignore", divide="ignore"):
            sim = np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), 0.0)
        np.fill_diagonal(sim, 1.0)
        self.matrix_ = np.clip(sim, 0.0, 1.0).astype(np.float32)
        self.detailed_ = np.flatnonzero(self.levels_ == 4)
        return self

    @staticmethod
    def _hierarchy(codes: list[str], levels: np.ndarray) -> np.ndarray:
        parts = np.array([c.split("-") for c in codes])
        n = len(codes)
        shared = np.zeros((n, n), dtype=np.int8)
        same_so_far = np.ones((n, n), dtype=bool)
        min_level = np.minimum.outer(levels, levels)
        for level in (1, 2, 3):
            col = pd.factorize(parts[:, level - 1])[0]
            same_so_far &= col[:, None] == col[None, :]
            shared[same_so_far & (min_level >= level)] = level
        table = np.array([HIERARCHY_WEIGHTS[k] for k in range(4)])
        return table[shared]

    @staticmethod
    def _skill_jaccard(
        codes: list[str], levels: np.ndarray, lex: Lexicon
    ) -> tuple[np.ndarray, np.ndarray]:
        n, k = len(codes), len(lex.ids)
        index = {c: i for i, c in enumerate(codes)}
        incidence = np.zeros((n, k), dtype=np.float64)
        for j, sid in enumerate(lex.ids):
            for code in lex.occupations[sid]:
                i = index.get(code)
                if i is not None:
                    incidence[i, j] = 1.0
        # a group code carries the union of its descendants' skills
        parts = [c.split("-") for c in codes]
        for level in (1, 2, 3):
            keys = np.array(["-".join(p[:level]) for p in parts])
            group_rows = np.flatnonzero(levels == level)
            for g in group_rows:
                members = np.flatnonzero((keys == keys[g]) & (levels > level))
                if len(members):
                    incidence[g] = np.maximum(incidence[g], incidence[members].max(axis=0))
        inter = incidence @ incidence.T
        sizes = incidence.sum(axis=1)
        union = sizes[:, None] + sizes[None, :] - inter
        with np.errstate(invalid="ignore", divide="ignore"):
            jac = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
        return jac, sizes > 0

    @staticmethod
    def _text_cosine(tax: pd.DataFrame) -> np.ndarray:
        docs = [
            " ".join([name, " ".join(aliases), definition, tasks])
            for name, aliases, definition, tasks in zip(
                tax["name"], tax["aliases"], tax["definition"], tax["tasks"]
            )
        ]
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2)
        x = vec.fit_transform(docs)
        return np.asarray((x @ x.T).todense())

    # ------------------------------------------------------------- queries
    def _check_fitted(self) -> None:
        if not hasattr(self, "matrix_"):
            raise NotFittedError("OccupationProximity is not fitted; call fit() first")

    def _row(self, code: str) -> int:
        i = self.index_.get(code.strip() if isinstance(code, str) else code)
        if i is None:
            raise UnknownIdError(
                f"Unknown occupation code {code!r}; expected a code of the 2022 classification "
                "such as 6-17-02-02"
            )
        return i

    def similarity(self, code_a: str, code_b: str) -> float:
        """Proximity of two codes in [0, 1] (1.0 when identical).

        Raises :class:`~matcher.errors.UnknownIdError` for a code not in the classification.
        """
        self._check_fitted()
        return float(self.matrix_[self._row(code_a), self._row(code_b)])

    def matrix(self, codes_a: Sequence[str | None], codes_b: Sequence[str | None]) -> np.ndarray:
        """Proximity for every pair, shape ``(len(codes_a), len(codes_b))``, float32.

        Missing codes (None, NaN, empty string: an uncoded title) give a row or
        column of zeros; an unknown non-empty code raises
        :class:`~matcher.errors.UnknownIdError`.
        """
        self._check_fitted()

        def rows(codes: Sequence[str | None]) -> np.ndarray:
            out = np.full(len(codes), -1, dtype=np.int64)
            for k, code in enumerate(codes):
                if isinstance(code, str) and code.strip():
                    out[k] = self._row(code)
            return out

        ra, rb = rows(codes_a), rows(codes_b)
        result = self.matrix_[np.ix_(np.maximum(ra, 0), np.maximum(rb, 0))].copy()
        result[ra < 0, :] = 0.0
        result[:, rb < 0] = 0.0
        return result

    def related(self, code: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` detailed occupations closest to ``code`` (itself excluded), best first."""
        self._check_fitted()
        i = self._row(code)
        candidates = self.detailed_[self.detailed_ != i]
        scores = self.matrix_[i, candidates]
        k = max(0, min(k, len(candidates)))
        top = np.argpartition(-scores, k - 1)[:k] if k else np.array([], dtype=np.int64)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.codes_[candidates[j]], float(scores[j])) for j in top]
