"""Facts about people: gender, household registration (户籍), priority groups,
the derived "4045" group, and posted age requirements.

Gender and hukou are read so that policy groups can be *derived* and audits
run; the matching engine must never score on them (就业促进法, see
``docs/domain.md``). A vacancy's gender requirement is read only so that it can
be flagged to staff as a compliance issue.

Priority groups (:data:`PRIORITY_GROUPS`) are canonical codes of the one
vocabulary, :mod:`matcher.vocab`, re-exported here with their labels and
accepted spellings (:data:`GROUP_ALIASES`: codes, Chinese and English names
and common variants). :func:`derive_groups` adds groups that follow from the data: ``4045`` for registered-unemployed
women aged :data:`AGE_4045_FEMALE`\\ + and men aged :data:`AGE_4045_MALE`\\ +
(the 4045 policy: 女40周岁、男50周岁以上), and ``rural_migrant`` for
rural hukou. Declared groups are always kept.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from matcher.normalise.lists import is_missing, split_list, to_text
from matcher.normalise.yesno import parse_yesno
from matcher.vocab import GROUP_ALIASES, PRIORITY_GROUPS, PRIORITY_LABELS_EN, PRIORITY_LABELS_ZH, spelling_key

__all__ = [
    "PRIORITY_GROUPS", "PRIORITY_LABELS_ZH", "PRIORITY_LABELS_EN", "GROUP_ALIASES",
    "AGE_4045_FEMALE", "AGE_4045_MALE", "MIN_WORK_AGE", "MAX_WORK_AGE",
    "parse_gender", "parse_gender_requirement", "parse_hukou", "parse_priority_groups",
    "derive_groups", "derive_groups_frame", "parse_age_requirement",
]

#: A registered-unemployed woman of this age or older is in the 4045 group, years.
AGE_4045_FEMALE = 40
#: A registered-unemployed man of this age or older is in the 4045 group, years.
AGE_4045_MALE = 50
#: Plausible bounds of a posted age requirement, years.
MIN_WORK_AGE = 14
MAX_WORK_AGE = 100

_key = spelling_key


# ------------------------------------------------------------------- gender
_GENDER = {
    "f": "F", "female": "F", "woman": "F", "women": "F", "女": "F", "女性": "F", "女士": "F",
    "妇女": "F", "girl": "F",
    "m": "M", "male": "M", "man": "M", "men": "M", "男": "M", "男性": "M", "男士": "M",
    "boy": "M",
}


@lru_cache(maxsize=256)
def _gender_text(text: str) -> tuple[str | None, str]:
    k = _key(text).strip(".。")
    if k in _GENDER:
        return _GENDER[k], "ok"
    return None, "unknown"


def parse_gender(cell: object) -> tuple[str | None, str]:
    """``"F"``/``"M"`` from ``F/M/女/男/female/male/woman/man/女性/男性``.

    Returns ``(code, status)``; status ``missing`` for empty cells and
    ``unknown`` (code None) for anything else, e.g. ``1``/``2`` codes, which
    differ between systems and are not guessed.
    """
    if is_missing(cell):
        return None, "missing"
    return _gender_text(to_text(cell))


_NO_GENDER_REQ = re.compile(r"不限|均可|皆可|都可|无要求|无限制|不要求|any|either|both|none")
_ONLY_F = re.compile(r"女|female|wom[ae]n")
_ONLY_M = re.compile(r"男|(?<!fe)male|\bm[ae]n\b")


@lru_cache(maxsize=1024)
def _gender_req_text(text: str) -> str | None:
    k = _key(text)
    if not k or _NO_GENDER_REQ.search(k):
        return None
    spaced = unicodedata.normalize("NFKC", text).lower()
    f = bool(_ONLY_F.search(k)) or k == "f"
    m = bool(_ONLY_M.search(spaced)) or bool(re.search(r"男", k)) or k == "m"
    if f and not m:
        return "F"
    if m and not f:
        return "M"
    return None


def parse_gender_requirement(cell: object) -> str | None:
    """A vacancy's posted gender restriction: ``"F"``, ``"M"`` or None.

    ``限女``/``女性``/``女``/``女性优先`` -> ``"F"``; ``仅限男性``/``男``/``限男``
    -> ``"M"``; ``男女不限``/``不限``/both sexes named/empty/unreadable -> None.
    A stated *preference* (``女性优先``) counts as a restriction: both are
    flagged to staff as compliance issues, never used to exclude anyone.
    """
    if is_missing(cell):
        return None
    return _gender_req_text(to_text(cell))


# -------------------------------------------------------------------- hukou
@lru_cache(maxsize=256)
def _hukou_text(text: str) -> tuple[str | None, str]:
    k = _key(text)
    if re.search(r"非农|non-?agricultur|城镇|城市|城区|urban|居民户口|town", k):
        if re.search(r"农村|rural", k):
            return None, "unknown"
        return "urban", "ok"
    if re.search(r"农业|农村|农民|rural|agricultur|乡村|村", k):
        return "rural", "ok"
    return None, "unknown"


def parse_hukou(cell: object) -> tuple[str | None, str]:
    """``"urban"``/``"rural"`` from ``urban/rural/城镇/农村/非农业/农业/非农/城市/...户口``.

    ``非农`` is checked before ``农`` so ``非农业户口`` is urban. A cell naming
    both kinds is ``unknown``. Returns ``(code, status)``.
    """
    if is_missing(cell):
        return None, "missing"
    return _hukou_text(to_text(cell))


# ---------------------------------------------------------- priority groups
_PRE_SPLIT = (
    (re.compile(r"40\s*[/、,，\-]\s*50"), "4050"),
    (re.compile(r"40\s*[/、,，\-]\s*45"), "4045"),
)


@lru_cache(maxsize=4096)
def _groups_text(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    for pat, repl in _PRE_SPLIT:
        text = pat.sub(repl, text)
    groups: list[str] = []
    unknown: list[str] = []
    for item in split_list(text):
        code = GROUP_ALIASES.get(_key(item))
        if code is None:
            code = GROUP_ALIASES.get(_key(item).replace("_", ""))
        if code is None:
            unknown.append(item)
        elif code not in groups:
            groups.append(code)
    return tuple(groups), tuple(unknown)


def parse_priority_groups(cell: object) -> tuple[list[str], list[str]]:
    """Read a priority-group list cell: ``(canonical codes, unknown items)``.

    Items are split like any list cell; each is looked up in
    :data:`GROUP_ALIASES` (``4045人员``, ``4050人员``, ``零就业家庭``,
    ``农民工``, ``高校毕业生``, ``残疾人``, ``退役军人``, the codes themselves).
    Codes come back de-duplicated in the order given; unrecognised items are
    returned, not guessed.
    """
    if is_missing(cell):
        return [], []
    if isinstance(cell, (list, tuple, set, frozenset)) or type(cell).__name__ == "ndarray":
        groups: list[str] = []
        unknown: list[str] = []
        for x in cell:  # type: ignore[union-attr]
            g, u = parse_priority_groups(x)
            groups.extend(c for c in g if c not in groups)
            unknown.extend(u)
        return groups, unknown
    g, u = _groups_text(to_text(cell))
    return list(g), list(u)


def _order(codes: set[str]) -> list[str]:
    return [c for c in PRIORITY_GROUPS if c in codes]


def derive_groups(
    gender: str | None,
    age: int | None,
    hukou: str | None,
    declared: list[str],
    registered_unemployed: bool,
) -> list[str]:
    """Declared groups plus derived ones, in :data:`PRIORITY_GROUPS` order.

    ``4045`` is added when declared, or when ``registered_unemployed`` and
    (``gender == "F"`` and ``age >= AGE_4045_FEMALE`` or ``gender == "M"``
    and ``age >= AGE_4045_MALE``). ``rural_migrant`` is added when declared or
    ``hukou == "rural"``. Declared items that are not canonical codes are
    dropped (parse them with :func:`parse_priority_groups` first). Missing
    age/gender simply derive nothing.
    """
    codes = {c for c in (declared or []) if c in PRIORITY_GROUPS}
    reg = registered_unemployed
    if isinstance(reg, str):
        reg = parse_yesno(reg)[0]
    if not is_missing(reg) and bool(reg):
        if not is_missing(age) and gender in ("F", "M"):
            threshold = AGE_4045_FEMALE if gender == "F" else AGE_4045_MALE
            if float(age) >= threshold:  # type: ignore[arg-type]
                codes.add("4045")
    if hukou == "rural":
        codes.add("rural_migrant")
    return _order(codes)


def derive_groups_frame(df: pd.DataFrame) -> pd.Series:
    """Vectorised :func:`derive_groups` over a frame; a Series of lists.

    Reads columns ``gender``, ``age``, ``hukou``, ``priority_groups`` (lists of
    codes) and ``registered_unemployed`` (bool); a missing column counts as
    all-missing (all-False for ``registered_unemployed``). Same index as
    ``df``.
    """
    n = len(df)
    none = np.zeros(n, dtype=bool)
    age = pd.to_numeric(df["age"], errors="coerce") if "age" in df else pd.Series(np.nan, index=df.index)
    age_np = age.to_numpy(dtype=float, na_value=np.nan)
    is_f = df["gender"].isin(["F"]).to_numpy(dtype=bool) if "gender" in df else none
    is_m = df["gender"].isin(["M"]).to_numpy(dtype=bool) if "gender" in df else none
    rural = df["hukou"].isin(["rural"]).to_numpy(dtype=bool) if "hukou" in df else none
    if "registered_unemployed" in df:
        col = df["registered_unemployed"]
        try:
            reg = col.astype("boolean").fillna(False).to_numpy(dtype=bool)
        except (TypeError, ValueError):  # text such as 是/否: read like any yes/no cell
            reg = np.fromiter((parse_yesno(x)[0] is True for x in col), dtype=bool, count=n)
    else:
        reg = none
    with np.errstate(invalid="ignore"):
        derived_4045 = reg & ((is_f & (age_np >= AGE_4045_FEMALE)) | (is_m & (age_np >= AGE_4045_MALE)))
    declared = df["priority_groups"].to_numpy() if "priority_groups" in df else [None] * n

    out: list[list[str]] = []
    for decl, d4045, rur in zip(declared, derived_4045, rural):
        if isinstance(decl, (list, tuple, set, frozenset, np.ndarray)) and len(decl):
            codes = {c for c in decl if c in PRIORITY_GROUPS}
        else:
            codes = set()
        if d4045:
            codes.add("4045")
        if rur:
            codes.add("rural_migrant")
        out.append(_order(codes) if codes else [])
    return pd.Series(out, index=df.index, dtype=object)


# ------------------------------------------------------------ age requirement
_NUM = r"(?<!\d)(\d{1,3})(?!\d)"
_RANGE = re.compile(rf"{_NUM}\s*(?:周岁|岁)?\s*(?:-|~|至|到|—|–|to)\s*{_NUM}")
_UPPER = re.compile(
    rf"(?:(?:不超过|不大于|不高于|未满|(?<!不)低于|(?<!不)小于|最高|最大|≤|<=|<|under|below|upto|max(?:imum)?)\s*{_NUM})"
    rf"|(?:{_NUM}\s*(?:周岁|岁|years?)?\s*(?:以下|以内|之内|及以下|或以下|内|orunder|orbelow|orless|andunder))"
)
_LOWER = re.compile(
    rf"(?:(?:不低于|不小于|不少于|年满|(?<!未)满|(?<!不)超过|(?<!不)大于|最低|最小|≥|>=|>|over|above|atleast|min(?:imum)?)\s*{_NUM})"
    rf"|(?:{_NUM}\s*(?:周岁|岁|years?)?\s*(?:以上|及以上|或以上|\+|orover|orolder|andabove|andover))"
)


def _age_ok(v: int | None) -> int | None:
    return v if v is not None and MIN_WORK_AGE <= v <= MAX_WORK_AGE else None


@lru_cache(maxsize=4096)
def _age_req_text(text: str) -> tuple[int | None, int | None]:
    k = _key(text)
    lo: int | None = None
    hi: int | None = None
    m = _RANGE.search(k)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
    else:
        mu = _UPPER.search(k)
        ml = _LOWER.search(k)
        if mu:
            hi = int(mu.group(1) or mu.group(2))
        if ml:
            lo = int(ml.group(1) or ml.group(2))
    lo, hi = _age_ok(lo), _age_ok(hi)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return lo, hi


def parse_age_requirement(cell: object) -> tuple[int | None, int | None]:
    """``(age_min, age_max)`` in years from a posted age requirement.

    ``18-45岁`` -> (18, 45); ``45岁以下``/``35周岁以内``/``不超过45岁`` ->
    (None, 45); ``20岁以上``/``年满18周岁`` -> (20, None);
    ``18周岁以上45周岁以下`` -> (18, 45); ``不限``, a bare number or unreadable
    text -> (None, None). Bounds outside :data:`MIN_WORK_AGE`..
    :data:`MAX_WORK_AGE` are dropped; reversed bounds are swapped.
    """
    if is_missing(cell) or not isinstance(cell, str):
        return None, None
    return _age_req_text(cell)
