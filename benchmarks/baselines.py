"""Honest baselines the engine is measured against.

* :class:`TfidfAllCells` — the reference baseline of ``../shared/bench``:
  every cell of a row (all columns but the id, empty cells skipped) joined
  with spaces into one document; scikit-learn ``TfidfVectorizer`` with
  ``sublinear_tf=True`` fitted on vacancy and seeker documents together;
  cosine similarity. With the default word analyser it reproduces the figures
  of ``../shared/bench/README.md`` to within 0.002 (onet_dev NDCG@10 0.544 vs
  0.545, MAP@100 0.421; esco_dev NDCG@10 0.600, mrr-l2 0.757 vs 0.755).
  Chinese text has no spaces, so ``analyzer="auto"`` switches to character
  1-2-grams when most letters of the corpus are CJK.
* :func:`rapidfuzz_scores` — the obvious approach a programmer would write
  first: fuzzy string similarity (rapidfuzz ``WRatio``, 0-100 scaled to
  0-1) between what the seeker says they do/want (desired titles,
  experience titles, skills) and the post's title and required skills,
  computed for every pair with ``rapidfuzz.process.cdist`` (C, multi-threaded).

Both take *raw text* frames (the cells as written in the files), never the
engine's normalised frames, and know nothing of the engine's lexicons.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.schema import TABLES

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_EXP_YEARS = re.compile(r"[:：]\s*\d+(\.\d+)?\s*年?")


def _norm_header(h: str) -> str:
    return str(h).strip().lower()


def find_column(frame: pd.DataFrame, table: str, name: str) -> str | None:
    """The header of ``frame`` that holds canonical column ``name`` of ``table`` (English or Chinese header)."""
    col = next((c for c in TABLES[table] if c.name == name), None)
    if col is None:
        raise KeyError(f"{name!r} is not a column of the {table} table.")
    wanted = {_norm_header(col.name), *(_norm_header(z) for z in col.zh), *(_norm_header(a) for a in col.aliases)}
    for h in frame.columns:
        if _norm_header(h) in wanted:
            return h
    return None


def read_raw(path: str | Path) -> pd.DataFrame:
    """Raw text cells of a seekers/vacancies file (CSV, XLSX or Parquet) via the engine's reader."""
    from matcher.io.readers import ROW, read_table

    frame = read_table(path).frame
    return frame.drop(columns=[c for c in (ROW,) if c in frame.columns]).fillna("").astype(str)


def row_documents(frame: pd.DataFrame, id_column: str | None) -> list[str]:
    """One document per row: all non-empty cells except ``id_column``, joined with spaces, in column order."""
    cols = [c for c in frame.columns if c != id_column]
    if not cols:
        return [""] * len(frame)
    vals = frame[cols].fillna("").astype(str).to_numpy()
    return [" ".join(v for v in row if v.strip()) for row in vals]


def _choose_analyzer(docs: Sequence[str]) -> dict:
    sample = "".join(docs[: min(len(docs), 2000)])
    cjk, latin = len(_CJK.findall(sample)), len(_LATIN.findall(sample))
    if cjk > latin:
        return {"analyzer": "char_wb", "ngram_range": (1, 2)}
    return {"analyzer": "word"}


class TfidfAllCells:
    """TF-IDF cosine between whole-row documents (the reference baseline).

    ``analyzer``: ``"word"`` (the reference setting), ``"char"`` (character
    1-2-grams, for Chinese text) or ``"auto"`` (char when the corpus is mostly
    CJK). ``fit`` takes the raw seeker and vacancy frames (text cells);
    ``score_block`` returns dense cosine similarities in [0, 1].
    """

    def __init__(self, analyzer: str = "auto", sublinear_tf: bool = True) -> None:
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf

    def fit(self, seekers: pd.DataFrame, vacancies: pd.DataFrame) -> TfidfAllCells:
        """Build documents and vectors. Raises ``KeyError``-free: frames without an id column use every cell."""
        s_id = find_column(seekers, "seekers", "seeker_id")
        v_id = find_column(vacancies, "vacancies", "vacancy_id")
        s_docs, v_docs = row_documents(seekers, s_id), row_documents(vacancies, v_id)
        if self.analyzer == "auto":
            kw = _choose_analyzer(v_docs + s_docs)
        elif self.analyzer == "char":
            kw = {"analyzer": "char_wb", "ngram_range": (1, 2)}
        elif self.analyzer == "word":
            kw = {"analyzer": "word"}
        else:
            raise ValueError(f"Unknown analyzer {self.analyzer!r}; expected 'auto', 'word' or 'char'.")
        self.vectorizer_ = TfidfVectorizer(sublinear_tf=self.sublinear_tf, **kw)
        self.vectorizer_.fit(v_docs + s_docs)
        self.S_ = self.vectorizer_.transform(s_docs).tocsr()
        self.V_ = self.vectorizer_.transform(v_docs).tocsr()
        self.seeker_ids_ = (seekers[s_id].astype(str).str.strip().tolist() if s_id else [str(i) for i in range(len(seekers))])
        self.vacancy_ids_ = (vacancies[v_id].astype(str).str.strip().tolist() if v_id else [str(i) for i in range(len(vacancies))])
        return self

    def score_block(self, seeker_idx: np.ndarray, vacancy_idx: np.ndarray | None = None) -> np.ndarray:
        """Cosine similarities, rows = seeker positions, columns = vacancy positions (default all)."""
        V = self.V_ if vacancy_idx is None else self.V_[np.asarray(vacancy_idx)]
        out = self.S_[np.asarray(seeker_idx)] @ V.T
        return out.toarray() if sp.issparse(out) else np.asarray(out)


def _cells(frame: pd.DataFrame, table: str, names: Sequence[str]) -> list[str]:
    parts = []
    for n in names:
        h = find_column(frame, table, n)
        if h is not None:
            col = frame[h].fillna("").astype(str)
            if n == "experience":
                col = col.map(lambda s: _EXP_YEARS.sub("", s))
            parts.append(col.tolist())
    if not parts:
        return [""] * len(frame)
    return [" ".join(p for p in row if p.strip()) for row in zip(*parts)]


def seeker_query_text(seekers: pd.DataFrame) -> list[str]:
    """What a seeker says they do and want: desired titles, experience titles (years removed), skills."""
    return _cells(seekers, "seekers", ("desired_titles", "experience", "skills"))


def vacancy_query_text(vacancies: pd.DataFrame) -> list[str]:
    """What a post asks for: title and required skills."""
    return _cells(vacancies, "vacancies", ("title", "required_skills"))


def rapidfuzz_scores(seeker_texts: Sequence[str], vacancy_texts: Sequence[str], workers: int = -1) -> np.ndarray:
    """Fuzzy similarity (rapidfuzz ``WRatio`` / 100) for every seeker x vacancy pair; empty text scores 0."""
    from rapidfuzz import fuzz, process

    out = process.cdist(list(seeker_texts), list(vacancy_texts), scorer=fuzz.WRatio, dtype=np.float32,
                        workers=workers, processor=str.lower)
    return out.astype(np.float64) / 100.0
