"""The skill lexicon: canonical skills, their synonyms and the occupations that use them.

The lexicon is a plain CSV file that staff can open and extend in Excel
(``data/skills.csv``, UTF-8 with BOM; the columns are described in
``data/README.md``). :func:`load_lexicon` reads it, checks it and builds the
lookup tables the normaliser and the occupation proximity need.

Occupation links come from two places:

* **curated** — the ``occupations`` column, written by hand;
* **derived** — at load time, from the 2022 classification itself, using the
  skill's Chinese synonyms (names included; English ones cannot occur in the
  Chinese text). A detailed occupation is linked when

  - one of its *name or aliases* equals a synonym or starts with it
    (``叉车`` → ``叉车司机``), or contains a synonym of three or more
    characters (``炼铁工`` → ``高炉炼铁工``); or
  - its *definition or tasks* contain a synonym of three or more characters
    (two-character words are too often parts of longer words: ``护工``
    inside ``养护工``);

  and, in every case, that synonym is found in at most ``max_task_hits``
  occupations (a word found in more is too general to say anything, e.g.
  ``销售``).

Curated links win: they are always kept and listed first; derived links are
only appended for codes not already curated, so staff can see and override
the hand-made part without it being drowned.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from matcher.errors import SettingsError
from matcher.occupations.taxonomy import detailed_occupations, load_taxonomy

COLUMNS: tuple[str, ...] = (
    "skill_id",
    "name_zh",
    "name_en",
    "synonyms",
    "category",
    "occupations",
    "course",
    "related",
)
"""Required columns of the lexicon file, in file order."""

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LIST_SPLIT = re.compile(r"[;；]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACE_NEAR_CJK = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+|\s+(?=[\u3400-\u9fff\uf900-\ufaff])")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = " \t\r\n.,;:!?'\"()[]{}<>-_/\\|*#~`、，。；：！？“”‘’（）【】《》·…"

DEFAULT_MAX_TASK_HITS = 15
"""A synonym found in more occupations than this is not used to derive links."""


def normalise_key(text: str) -> str:
    """Canonical form used to compare skill words.

    Unicode NFKC (full-width letters and digits become ASCII), lower case,
    whitespace around Chinese characters removed, other runs of whitespace
    collapsed to one space, punctuation stripped from both ends. Never
    raises on a string; returns ``""`` for text with no content.
    """
    key = unicodedata.normalize("NFKC", text).lower()
    key = _SPACE_NEAR_CJK.sub("", key)
    key = _SPACES.sub(" ", key)
    return key.strip(_EDGE_PUNCT)


def has_cjk(text: str) -> bool:
    """True when ``text`` contains at least one Chinese character."""
    return bool(_CJK.search(text))


@dataclass(frozen=True)
class Lexicon:
    """Canonical skills and their lookup tables (read-only after loading).

    ``ids`` keeps file order. ``synonyms`` maps each :func:`normalise_key`-ed
    synonym (including the Chinese and English names) to its skill id; a
    synonym belongs to exactly one skill. ``occupations`` holds curated codes
    first, then derived ones (see the module docstring); ``curated_occupations``
    only the former. ``related`` is symmetric: if a lists b, b also relates
    to a.
    """

    source: str
    ids: tuple[str, ...]
    name_zh: dict[str, str]
    name_en: dict[str, str]
    category: dict[str, str]
    course: dict[str, str]
    occupations: dict[str, tuple[str, ...]]
    curated_occupations: dict[str, tuple[str, ...]]
    related: dict[str, frozenset[str]]
    synonyms: dict[str, str]
    synonyms_of: dict[str, tuple[str, ...]] = field(repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, skill_id: object) -> bool:
        return skill_id in self.name_zh

    def index(self) -> dict[str, int]:
        """Position of each skill id in :attr:`ids` (for building matrices)."""
        return {sid: i for i, sid in enumerate(self.ids)}

    def skills_of_occupation(self) -> dict[str, tuple[str, ...]]:
        """Inverse of :attr:`occupations`: code → skill ids linked to it."""
        out: dict[str, list[str]] = {}
        for sid in self.ids:
            for code in self.occupations[sid]:
                out.setdefault(code, []).append(sid)
        return {code: tuple(sids) for code, sids in out.items()}


def _split_list(cell: str) -> list[str]:
    return [p.strip() for p in _LIST_SPLIT.split(cell) if p.strip()]


def _fail(source: str, row: int, column: str, value: str, why: str) -> SettingsError:
    return SettingsError(
        f"{why} in row {row}, column '{column}' of {source}: value {value!r}"
    )


def derive_occupation_links(
    synonyms_of: dict[str, tuple[str, ...]],
    max_task_hits: int = DEFAULT_MAX_TASK_HITS,
) -> dict[str, list[str]]:
    """Links skill → detailed occupation codes found in the classification text.

    ``synonyms_of`` maps a skill id to its normalised synonyms; only synonyms
    with Chinese characters and at least two characters are used. Returns,
    for each skill id, codes in classification order. The rule is in the
    module docstring.
    """
    occ = detailed_occupations().drop_duplicates("code")
    codes = occ["code"].to_numpy()
    # every alias is wrapped in \x02 … \x03 so "starts with" is a substring test
    names = ["".join(f"\x02{normalise_key(a)}\x03" for a in al) for al in occ["aliases"]]
    tasks = [normalise_key(f"{d} {t}") for d, t in zip(occ["definition"], occ["tasks"])]
    name_index = _BigramIndex(names)
    task_index = _BigramIndex(tasks)

    out: dict[str, list[str]] = {}
    for sid, syns in synonyms_of.items():
        rows: set[int] = set()
        for syn in syns:
            if len(syn) < 2 or not has_cjk(syn):
                continue
            long_word = len(syn) >= 3
            in_names = name_index.rows_containing(syn if long_word else "\x02" + syn)
            if len(in_names) <= max_task_hits:
                rows |= in_names
            if long_word:
                in_tasks = task_index.rows_containing(syn)
                if len(in_tasks) <= max_task_hits:
                    rows |= in_tasks
        out[sid] = [str(codes[r]) for r in sorted(rows)]
    return out


class _BigramIndex:
    """Which texts contain a word: candidate rows by character bigrams, then checked."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.rows: dict[str, set[int]] = {}
        for i, text in enumerate(texts):
            for gram in {text[j : j + 2] for j in range(len(text) - 1)}:
                self.rows.setdefault(gram, set()).add(i)

    def rows_containing(self, word: str) -> set[int]:
        grams = {word[j : j + 2] for j in range(len(word) - 1)}
        candidates: set[int] | None = None
        for gram in sorted(grams, key=lambda g: len(self.rows.get(g, ()))):
            hit = self.rows.get(gram)
            if not hit:
                return set()
            candidates = set(hit) if candidates is None else candidates & hit
            if not candidates:
                return set()
        return {i for i in (candidates or ()) if word in self.texts[i]}


def _read(path: Path | None) -> tuple[pd.DataFrame, str]:
    if path is None:
        ref = resources.files("matcher.skills").joinpath("data/skills.csv")
        with ref.open("rb") as fh:
            raw = fh.read()
        source = "skills.csv (packaged lexicon)"
    else:
        path = Path(path)
        source = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SettingsError(f"Cannot read skill lexicon {source}: {exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise SettingsError(
                f"Skill lexicon {source} is neither UTF-8 nor GB18030; save it as 'CSV UTF-8'"
            ) from exc
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SettingsError(f"Skill lexicon {source} is not a readable CSV file: {exc}") from exc
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise SettingsError(
            f"Skill lexicon {source} lacks column(s) {', '.join(missing)}; "
            f"expected the columns {', '.join(COLUMNS)}"
        )
    return df, source


def load_lexicon(
    path: str | Path | None = None,
    derive_links: bool = True,
    max_task_hits: int = DEFAULT_MAX_TASK_HITS,
) -> Lexicon:
    """Read, check and index a skill lexicon CSV.

    ``path`` None reads the packaged ``matcher/skills/data/skills.csv``.
    Encoding: UTF-8 (with or without BOM), GB18030 accepted as a fallback.
    Row numbers in errors are as Excel shows them (header = row 1).

    Raises :class:`~matcher.errors.SettingsError` when a column is missing,
    a ``skill_id`` is empty, not an ASCII slug or repeated, ``name_zh`` is
    empty, an occupation code is not in the 2022 classification, a related
    id is unknown, or a synonym already belongs to another skill. The result
    for the packaged file is cached; treat it as read-only.
    """
    if path is None:
        return _load_cached(None, derive_links, max_task_hits)
    return _load_cached(str(Path(path).resolve()), derive_links, max_task_hits)


@lru_cache(maxsize=8)
def _load_cached(path: str | None, derive_links: bool, max_task_hits: int) -> Lexicon:
    df, source = _read(Path(path) if path is not None else None)
    known_codes = set(load_taxonomy()["code"])

    ids: list[str] = []
    name_zh: dict[str, str] = {}
    name_en: dict[str, str] = {}
    category: dict[str, str] = {}
    course: dict[str, str] = {}
    curated: dict[str, tuple[str, ...]] = {}
    related_raw: dict[str, list[tuple[str, int]]] = {}
    synonyms: dict[str, str] = {}
    syn_row: dict[str, int] = {}
    synonyms_of: dict[str, tuple[str, ...]] = {}

    for i, rec in enumerate(df.to_dict("records")):
        row = i + 2
        sid = rec["skill_id"].strip()
        if not sid:
            raise _fail(source, row, "skill_id", sid, "Empty skill id")
        if not _ID_RE.match(sid):
            raise _fail(
                source, row, "skill_id", sid,
                "Skill id must be lower-case ASCII letters, digits and '_' starting with a letter",
            )
        if sid in name_zh:
            first = ids.index(sid) + 2
            raise _fail(source, row, "skill_id", sid, f"Duplicate skill id (first in row {first})")
        zh = rec["name_zh"].strip()
        if not zh:
            raise _fail(source, row, "name_zh", zh, "Empty Chinese name")
        codes = _split_list(rec["occupations"])
        for code in codes:
            if code not in known_codes:
                raise _fail(
                    source, row, "occupations", code,
                    "Occupation code not in the 2022 classification (form 6-18-02-04)",
                )
        ids.append(sid)
        name_zh[sid] = zh
        name_en[sid] = rec["name_en"].strip()
        category[sid] = rec["category"].strip()
        course[sid] = rec["course"].strip()
        curated[sid] = tuple(dict.fromkeys(codes))
        related_raw[sid] = [(r, row) for r in _split_list(rec["related"])]
        keys: list[str] = []
        for column, values in (
            ("name_zh", [zh]),
            ("name_en", [name_en[sid]] if name_en[sid] else []),
            ("synonyms", _split_list(rec["synonyms"])),
        ):
            for value in values:
                key = normalise_key(value)
                if not key:
                    continue
                owner = synonyms.get(key)
                if owner is not None and owner != sid:
                    raise _fail(
                        source, row, column, value,
                        f"Synonym already belongs to skill '{owner}' (row {syn_row[key]}); "
                        "a synonym may name one skill only",
                    )
                if owner is None:
                    synonyms[key] = sid
                    syn_row[key] = row
                    keys.append(key)
        synonyms_of[sid] = tuple(keys)

    related: dict[str, set[str]] = {sid: set() for sid in ids}
    for sid, items in related_raw.items():
        for other, row in items:
            if other not in name_zh:
                raise _fail(source, row, "related", other, "Unknown related skill id")
            if other != sid:
                related[sid].add(other)
                related[other].add(sid)

    derived = derive_occupation_links(synonyms_of, max_task_hits) if derive_links else {}
    occupations = {
        sid: tuple(dict.fromkeys(list(curated[sid]) + derived.get(sid, []))) for sid in ids
    }
    return Lexicon(
        source=source,
        ids=tuple(ids),
        name_zh=name_zh,
        name_en=name_en,
        category=category,
        course=course,
        occupations=occupations,
        curated_occupations=curated,
        related={sid: frozenset(v) for sid, v in related.items()},
        synonyms=synonyms,
        synonyms_of=synonyms_of,
    )
