"""Map free-text skills (a seeker's words, an employer's words) to canonical skills.

The normaliser looks like a scikit-learn estimator: ``__init__`` stores
parameters, :meth:`SkillNormaliser.fit` builds the search structures, and
using it unfitted raises :class:`~matcher.errors.NotFittedError`.

For each text (one list cell) it tries, in order, and stops at the first
step that finds something:

1. **exact** — the text, or the text with everyday wrappers removed
   (``会``, ``能``, ``熟练``, ``懂``, ``精通``, ``掌握``, ``可以``,
   ``有…经验``, ``持…证``, ``…都会``, years of experience …), is a synonym;
2. **contains** — synonyms found inside the text, leftmost-longest and not
   overlapping, so ``电焊氩弧焊都会`` gives two skills; they must cover at
   least ``min_coverage`` of the text (score 0.7 + 0.3 x coverage). When they
   do not cover it all, a fuzzy match with a higher score replaces them
   (``forklif driving`` is a typo of one synonym, not the word ``driving``);
3. **fuzzy** — rapidfuzz ``ratio`` against every synonym, on the characters
   and on their toneless pinyin (so the homophone typo ``电汗`` finds
   ``电焊``), best score at least ``fuzzy_threshold``;
4. **ngram** — cosine of character n-gram TF-IDF vectors, best at least
   ``ngram_threshold``;
5. **free** — nothing matched: the text is kept as free text,
   ``SkillMatch(None, text, 0.0, "free")``, never dropped.

Cells are first split on list separators (``; ； 、 , ， | / +`` and newlines);
a part that matches nothing is kept as free text beside the parts that did.
Nothing here is language-specific beyond the Chinese wrapper words and the
pinyin channel: English text goes through the same steps.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import HashingVectorizer

from matcher.errors import NotFittedError, SettingsError, UnknownIdError
from matcher.skills.lexicon import Lexicon, has_cjk, load_lexicon, normalise_key

Method = Literal["exact", "contains", "fuzzy", "ngram", "free"]

_SEPARATORS = re.compile(r"[;；、,，|/／+＋\n\r]+")
_YEARS = re.compile(r"(?:[0-9一二三四五六七八九十两几多]+|半)\s*(?:年|个月)(?:以上|多|左右)?(?:的)?")
_HAS_EXPERIENCE = re.compile(r"^(?:有|具有|具备)(.+?)(?:工作|从业|相关)?(?:经验|经历)$")
_HOLDS_CERT = re.compile(r"^(?:持有|持|有|具有|具备)(.+?证)(?:书)?$")
_BRACKETS = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*(?:[)\]】〕]|$)")
_PREFIXES = (
    "高级技师", "技师", "初级", "中级", "高级",
    "熟练掌握", "熟练使用", "熟练操作", "能够熟练", "熟练", "精通", "掌握", "熟悉", "擅长",
    "懂得", "懂", "会做", "会用", "会", "能够", "能", "可以", "可", "具备", "具有", "持有",
)
_SUFFIXES = (
    "都会", "都行", "都可以", "都能", "均可", "均会", "也会", "等", "工作经验", "经验", "经历",
    "技术", "技能", "方面", "相关工作", "工作", "优先", "证书", "资格",
    "五级", "四级", "三级", "二级", "一级", "初级", "中级", "高级", "高级技师", "技师",
)
_ASCII_ALNUM = re.compile(r"[0-9a-z]")
_PREFIX_RE = re.compile("^(?:" + "|".join(sorted(map(re.escape, _PREFIXES), key=len, reverse=True)) + ")")
_SUFFIX_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, _SUFFIXES), key=len, reverse=True)) + ")$")


@dataclass(frozen=True)
class SkillMatch:
    """One canonical skill found in a text, or the text kept as free text.

    ``skill_id`` is None for free text; ``label`` is the canonical Chinese
    name (or the original text when free); ``score`` in [0, 1] is the match
    confidence (1.0 exact, 0.0 free); ``method`` says which step matched.
    """

    skill_id: str | None
    label: str
    score: float
    method: Method


def _strip_wrappers(key: str, synonyms: dict[str, str] | frozenset[str] = frozenset()) -> str:
    """Remove everyday wrappers (会, 有…经验, 持…证, 都会, years) from a normalised key.

    Stops as soon as the text is a known synonym, and never cuts a prefix
    off a synonym that starts the text (``会计`` keeps its ``会``).
    """
    if key in synonyms:
        return key
    text = _BRACKETS.sub("", _YEARS.sub("", key)).strip() or key
    for _ in range(4):
        if text in synonyms:
            return text
        before = text
        m = _HAS_EXPERIENCE.match(text) or _HOLDS_CERT.match(text)
        if m and m.group(1) and m.group(1) != text:
            text = m.group(1)
            continue
        m = _PREFIX_RE.match(text)
        if m and m.end() < len(text):
            cut = m.end()
            # keep the prefix when a synonym starts the text (会计 is not 会 + 计)
            if not any(text[:k] in synonyms for k in range(cut + 1, len(text) + 1)):
                text = text[cut:]
        if text in synonyms:
            return text
        m = _SUFFIX_RE.search(text)
        if m and m.start() > 0:
            text = text[: m.start()]
        text = text.strip(" 的了和及与")
        if text == before or not text:
            break
    return text or key


_PINYIN_OF: dict[str, str] = {}


def _pinyin(text: str) -> str:
    """Toneless pinyin, character by character (first reading); other characters kept."""
    out = []
    for ch in text:
        py = _PINYIN_OF.get(ch)
        if py is None:
            py = lazy_pinyin(ch, style=Style.NORMAL, errors="default")[0] if has_cjk(ch) else ch
            _PINYIN_OF[ch] = py
        out.append(py)
    return "".join(out).replace(" ", "")


def _ascii_edge(ch: str) -> bool:
    return bool(_ASCII_ALNUM.match(ch))


class SkillNormaliser:
    """Canonical-skill lookup for free text; see the module docstring for the steps.

    Parameters
    ----------
    lexicon:
        A :class:`~matcher.skills.lexicon.Lexicon`; None loads the packaged one at ``fit``.
    fuzzy_threshold:
        Minimum rapidfuzz ``ratio`` (0-100) for a fuzzy match.
    ngram_threshold:
        Minimum character n-gram TF-IDF cosine (0-1) for an n-gram match.
    ngram_range:
        Character n-gram lengths of the TF-IDF vectors.
    related_weight:
        Similarity given to two texts whose skills are related canonical skills.
    min_similarity:
        Text-to-text cosines below this are dropped from :meth:`similarity_matrix`.
    min_coverage:
        Share of a text's characters that contained synonyms must cover.
    """

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        fuzzy_threshold: float = 85.0,
        ngram_threshold: float = 0.6,
        ngram_range: tuple[int, int] = (1, 3),
        related_weight: float = 0.5,
        min_similarity: float = 0.3,
        min_coverage: float = 0.34,
    ) -> None:
        self.lexicon = lexicon
        self.fuzzy_threshold = fuzzy_threshold
        self.ngram_threshold = ngram_threshold
        self.ngram_range = ngram_range
        self.related_weight = related_weight
        self.min_similarity = min_similarity
        self.min_coverage = min_coverage

    # ------------------------------------------------------------------ fit
    def fit(self, extra_terms: Iterable[str] = ()) -> "SkillNormaliser":
        """Build the search structures over all synonyms.

        ``extra_terms`` (e.g. every skill string of a market) only feed the
        IDF weights of the n-gram vectors, so rare words weigh more; they add
        no canonical skills. Raises :class:`SettingsError` on bad parameters.
        """
        if not 0 <= self.fuzzy_threshold <= 100:
            raise SettingsError(f"fuzzy_threshold must be in [0, 100], got {self.fuzzy_threshold!r}")
        for name in ("ngram_threshold", "related_weight", "min_similarity", "min_coverage"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise SettingsError(f"{name} must be in [0, 1], got {value!r}")
        lo, hi = self.ngram_range
        if not (1 <= lo <= hi):
            raise SettingsError(f"ngram_range must be (min, max) with 1 <= min <= max, got {self.ngram_range!r}")

        lex = self.lexicon if self.lexicon is not None else load_lexicon()
        self.lexicon_ = lex
        self.skill_index_ = lex.index()
        keys = list(lex.synonyms)
        self.choices_ = keys
        self.choice_skill_ = np.array([self.skill_index_[lex.synonyms[k]] for k in keys], dtype=np.int64)
        cjk = [k for k in keys if has_cjk(k)]
        self.pinyin_choices_ = [_pinyin(k) for k in cjk]
        self.pinyin_skill_ = np.array([self.skill_index_[lex.synonyms[k]] for k in cjk], dtype=np.int64)

        # leftmost-longest containment: synonyms by their first two characters
        by_prefix: dict[str, list[str]] = {}
        for key in keys:
            if len(key) >= 2:
                by_prefix.setdefault(key[:2], []).append(key)
        self.by_prefix_ = {p: sorted(v, key=len, reverse=True) for p, v in by_prefix.items()}

        self.hasher_ = HashingVectorizer(
            analyzer="char",
            ngram_range=self.ngram_range,
            n_features=2**20,
            alternate_sign=False,
            norm=None,
            lowercase=False,
        )
        corpus = keys + [normalise_key(t) for t in extra_terms if isinstance(t, str)]
        counts = self.hasher_.transform(corpus)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        n_docs = counts.shape[0]
        self.idf_ = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float64)
        self.choice_vectors_ = self._vectorise(keys)

        n = len(lex.ids)
        rows, cols = [], []
        for sid, others in lex.related.items():
            for other in others:
                rows.append(self.skill_index_[sid])
                cols.append(self.skill_index_[other])
        self.related_matrix_ = sp.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(n, n), dtype=np.float64
        )
        self.cache_: dict[str, tuple[SkillMatch, ...]] = {}
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "cache_"):
            raise NotFittedError("SkillNormaliser is not fitted; call fit() first")

    def _vectorise(self, keys: Sequence[str]) -> sp.csr_matrix:
        """L2-normalised character n-gram TF-IDF rows for normalised keys."""
        counts = self.hasher_.transform(keys).tocsr()
        counts.data = counts.data * self.idf_[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ counts)

    # ------------------------------------------------------------ matching
    def _match(self, sid: str, score: float, method: Method) -> SkillMatch:
        return SkillMatch(sid, self.lexicon_.name_zh[sid], float(round(score, 4)), method)

    def _contained(self, text: str) -> tuple[list[str], float]:
        """Leftmost-longest non-overlapping synonyms in ``text`` and the share they cover."""
        found: list[str] = []
        covered = 0
        i, n = 0, len(text)
        by_prefix = self.by_prefix_
        while i < n - 1:
            cands = by_prefix.get(text[i : i + 2])
            hit = None
            if cands:
                for key in cands:
                    if text.startswith(key, i):
                        end = i + len(key)
                        if _ascii_edge(key[0]) and i > 0 and _ascii_edge(text[i - 1]):
                            continue
                        if _ascii_edge(key[-1]) and end < n and _ascii_edge(text[end]):
                            continue
                        hit = key
                        break
            if hit is None:
                i += 1
                continue
            found.append(hit)
            covered += len(hit)
            i += len(hit)
        content = len(text.replace(" ", "")) or 1
        return found, covered / content

    def _direct(self, key: str, core: str) -> list[SkillMatch] | None:
        """Exact and containment steps; None when neither finds anything."""
        syn = self.lexicon_.synonyms
        for candidate in (key, core):
            sid = syn.get(candidate)
            if sid is not None:
                return [self._match(sid, 1.0, "exact")]
        found, coverage = self._contained(core)
        if found and coverage >= self.min_coverage:
            score = 0.7 + 0.3 * min(coverage, 1.0)
            ids = list(dict.fromkeys(syn[k] for k in found))
            return [self._match(sid, score, "contains") for sid in ids]
        return None

    def _approximate(self, cores: list[str]) -> list[SkillMatch | None]:
        """Fuzzy, then n-gram, step for texts the direct steps did not match (batched)."""
        out: list[SkillMatch | None] = [None] * len(cores)
        if not cores:
            return out
        skill_ids = self.lexicon_.ids
        best_score = np.zeros(len(cores))
        best_skill = np.full(len(cores), -1, dtype=np.int64)
        self._fuzzy_best(cores, np.arange(len(cores)), self.choices_, self.choice_skill_,
                         1.0, best_score, best_skill)
        cjk_rows = np.asarray([i for i, c in enumerate(cores) if has_cjk(c)], dtype=np.int64)
        if len(cjk_rows) and self.pinyin_choices_:
            # a homophone is slightly less sure than the same characters
            self._fuzzy_best([_pinyin(cores[i]) for i in cjk_rows], cjk_rows, self.pinyin_choices_,
                             self.pinyin_skill_, 0.95, best_score, best_skill)
        for i in np.flatnonzero(best_skill >= 0):
            out[i] = self._match(skill_ids[best_skill[i]], best_score[i] / 100.0, "fuzzy")

        rest = [i for i in range(len(cores)) if out[i] is None]
        for start in range(0, len(rest), 5000):
            idx = rest[start : start + 5000]
            sims = (self._vectorise([cores[i] for i in idx]) @ self.choice_vectors_.T).tocsr()
            for row, i in enumerate(idx):
                lo, hi = sims.indptr[row], sims.indptr[row + 1]
                if hi == lo:
                    continue
                j = int(np.argmax(sims.data[lo:hi]))
                value = float(sims.data[lo + j])
                if value >= self.ngram_threshold:
                    choice = sims.indices[lo + j]
                    out[i] = self._match(skill_ids[self.choice_skill_[choice]], min(value, 1.0), "ngram")
        return out

    def _fuzzy_best(
        self,
        queries: list[str],
        rows: np.ndarray,
        choices: list[str],
        choice_skill: np.ndarray,
        factor: float,
        best_score: np.ndarray,
        best_skill: np.ndarray,
    ) -> None:
        """Update ``best_score``/``best_skill`` at ``rows`` with the best rapidfuzz ratio.

        ``ratio`` >= t needs the longer string at most (200 - t) / t times the
        shorter, so each query length is compared only with choices in that
        length band (a long English phrase never meets a two-character word).
        """
        t = max(self.fuzzy_threshold, 1.0)
        stretch = (200.0 - t) / t
        q_len = np.fromiter((len(q) for q in queries), dtype=np.int64, count=len(queries))
        c_len = np.fromiter((len(c) for c in choices), dtype=np.int64, count=len(choices))
        for length in np.unique(q_len):
            band = np.flatnonzero((c_len <= length * stretch) & (c_len * stretch >= length))
            if not len(band):
                continue
            members = np.flatnonzero(q_len == length)
            band_choices = [choices[j] for j in band]
            for start in range(0, len(members), 2000):
                part = members[start : start + 2000]
                scores = process.cdist(
                    [queries[i] for i in part], band_choices, scorer=fuzz.ratio,
                    score_cutoff=self.fuzzy_threshold, dtype=np.uint8, workers=-1,
                )
                arg = scores.argmax(axis=1)
                val = scores[np.arange(len(part)), arg].astype(float) * factor
                target = rows[part]
                better = (val > 0) & (val > best_score[target])
                best_score[target[better]] = val[better]
                best_skill[target[better]] = choice_skill[band[arg[better]]]

    def normalise_many(self, texts: Sequence[str]) -> list[list[SkillMatch]]:
        """Normalise many texts; results align with ``texts``.

        Unique texts are computed once and cached on the normaliser, and the
        approximate steps run in batches. Non-string items (None, NaN) and
        blank strings give an empty list.
        """
        self._check_fitted()
        cache = self.cache_
        todo = list(dict.fromkeys(t for t in texts if isinstance(t, str) and t not in cache))
        if todo:
            self._compute(todo)
        return [list(cache.get(t, ())) if isinstance(t, str) else [] for t in texts]

    def _compute(self, texts: list[str]) -> None:
        parts_of: dict[str, list[str]] = {}
        for text in texts:
            parts_of[text] = [p for p in _SEPARATORS.split(text) if p.strip()]
        part_result: dict[str, list[SkillMatch] | None] = {}
        pending: list[str] = []
        pending_core: list[str] = []
        for parts in parts_of.values():
            for part in parts:
                if part in part_result:
                    continue
                key = normalise_key(part)
                if not key:
                    part_result[part] = []
                    continue
                core = _strip_wrappers(key, self.lexicon_.synonyms)
                direct = self._direct(key, core)
                part_result[part] = direct
                # a partial containment (some words unexplained) competes with a close typo
                if direct is None or direct[0].score < 1.0:
                    pending.append(part)
                    pending_core.append(core)
        for part, match in zip(pending, self._approximate(pending_core)):
            direct = part_result[part]
            if direct is None:
                part_result[part] = (
                    [match] if match is not None else [SkillMatch(None, part.strip(), 0.0, "free")]
                )
            elif match is not None and match.method == "fuzzy" and match.score > direct[0].score:
                part_result[part] = [match]
        for text, parts in parts_of.items():
            merged: list[SkillMatch] = []
            seen: set[str] = set()
            for part in parts:
                for m in part_result[part] or ():
                    if m.skill_id is not None:
                        if m.skill_id in seen:
                            continue
                        seen.add(m.skill_id)
                    merged.append(m)
            self.cache_[text] = tuple(merged)

    def normalise(self, text: str) -> list[SkillMatch]:
        """Canonical skills in one text (one list cell); see the module docstring.

        A text that matches nothing gives ``[SkillMatch(None, text, 0.0, "free")]``;
        a blank or non-string value gives ``[]``.
        """
        return self.normalise_many([text])[0]

    # ---------------------------------------------------------- similarity
    def _indicator(self, matches: list[list[SkillMatch]]) -> sp.csr_matrix:
        rows, cols = [], []
        for r, ms in enumerate(matches):
            for m in ms:
                if m.skill_id is not None:
                    rows.append(r)
                    cols.append(self.skill_index_[m.skill_id])
        return sp.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(matches), len(self.skill_index_))
        )

    def similarity_matrix(
        self, texts_a: Sequence[str], texts_b: Sequence[str]
    ) -> sp.csr_matrix:
        """Skill-to-skill similarity, shape ``(len(texts_a), len(texts_b))``, values in [0, 1].

        Entry (i, j) is the largest of: 1.0 when the two texts share a
        canonical skill; ``related_weight`` when they have related canonical
        skills; the character n-gram TF-IDF cosine of the two texts (wrappers
        such as ``会`` removed) when it is at least ``min_similarity``. Other
        entries are zero (not stored). Symmetric when ``texts_a == texts_b``.
        Works on any language: texts with no canonical skill use the cosine only.
        """
        self._check_fitted()
        ma = self.normalise_many(texts_a)
        mb = self.normalise_many(texts_b)
        a_ind, b_ind = self._indicator(ma), self._indicator(mb)
        same = (a_ind @ b_ind.T).tocsr()
        same.data = np.ones_like(same.data)
        related = (a_ind @ self.related_matrix_ @ b_ind.T).tocsr()
        related.data = np.full_like(related.data, self.related_weight)
        result = same.maximum(related)

        def cores(texts: Sequence[str]) -> list[str]:
            syn = self.lexicon_.synonyms
            return [_strip_wrappers(normalise_key(t), syn) if isinstance(t, str) else "" for t in texts]

        va = self._vectorise(cores(texts_a))
        vb_t = self._vectorise(cores(texts_b)).T.tocsc()
        blocks = []
        for start in range(0, va.shape[0], 1000):
            block = (va[start : start + 1000] @ vb_t).tocsr()
            block.data[block.data < self.min_similarity] = 0.0
            np.minimum(block.data, 1.0, out=block.data)
            block.eliminate_zeros()
            blocks.append(block)
        cos = sp.vstack(blocks).tocsr() if blocks else sp.csr_matrix((0, len(texts_b)))
        result = result.maximum(cos).tocsr()
        result.eliminate_zeros()
        return result

    def courses_for(self, skill_ids: Iterable[str | None]) -> list[str]:
        """Distinct non-empty training courses teaching ``skill_ids``, first-seen order.

        None entries (free text) are skipped; an id not in the lexicon raises
        :class:`~matcher.errors.UnknownIdError`.
        """
        self._check_fitted()
        courses: dict[str, None] = {}
        for sid in skill_ids:
            if sid is None:
                continue
            if sid not in self.lexicon_:
                raise UnknownIdError(f"Unknown skill id {sid!r}; not in lexicon {self.lexicon_.source}")
            course = self.lexicon_.course[sid]
            if course:
                courses[course] = None
        return list(courses)
