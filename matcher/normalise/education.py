"""Education levels: free text (``大专及以上学历``, ``中专``, ``bachelor's``) -> ordinal 0..6.

The ordinal scale is :data:`LEVELS` (index = level)::

    0 小学及以下  1 初中  2 高中/中专/技校/职高  3 大专  4 本科  5 硕士  6 博士

How text is read
    The cell is NFKC-normalised (full-width letters, digits and brackets become
    half-width), lower-cased and stripped of spaces. Texts meaning "nothing" or
    "no requirement" (``无``, ``不限``, ``学历不限``, ``无要求`` ...) are
    ``missing``: for a vacancy's ``education_min`` that means *no requirement*.
    Otherwise the text is scanned for known level words, longest first (so
    ``博士研究生`` is a doctorate, not a master's ``研究生``). If several
    levels appear (``大专或本科``, ``高中/中专``) the lowest is returned: a
    requirement means its minimum, and for a seeker the lower reading is the
    conservative one. Qualifiers ``及以上``/``以上`` (minimum) and
    ``及以下``/``以下`` are read as the level they qualify (``初中及以下`` ->
    初中, ``小学及以下`` -> 小学及以下).

Colloquial and edge choices (documented, deliberate)
    * ``大学`` alone is 本科 (everyday usage); ``大学专科`` is 大专.
    * ``高职``/``高专`` (higher vocational college) are 大专; ``职高``/``中职``/
      ``职中`` (vocational *secondary* school) are level 2.
    * English ``college`` alone is 大专 (the common translation of 大专 in
      Chinese documents); ``university``/``degree`` are 本科.
    * Traditional characters: only unambiguous ones are folded (學->学,
      專->专, 碩->硕, 歷->历), so ``大學`` -> 本科, ``碩士`` -> 硕士. Taiwanese
      ``高職`` (a *secondary* vocational school) is deliberately not folded and
      stays unknown, as does ``國中``.

Unknown text is never guessed: status ``unknown``, level None, raw kept.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from matcher.normalise.lists import is_missing, to_text
from matcher.vocab import EDUCATION_LEVELS, EDUCATION_LEVELS_EN

__all__ = ["LEVELS", "LEVELS_EN", "EducationParse", "parse_education", "education_label"]

#: The level labels (index = level), from the one vocabulary :mod:`matcher.vocab`.
LEVELS: tuple[str, ...] = EDUCATION_LEVELS
LEVELS_EN: tuple[str, ...] = EDUCATION_LEVELS_EN


@dataclass(frozen=True)
class EducationParse:
    """Result of :func:`parse_education`.

    ``level`` is the ordinal index into :data:`LEVELS` or None; ``status`` is
    ``"ok"``, ``"missing"`` (empty or "no requirement") or ``"unknown"``
    (text present but not recognised); ``raw`` is the cell as text.
    """

    level: int | None
    raw: str
    status: str


#: Texts meaning "none given" / "no requirement" (after normalisation, spaces removed).
NO_REQUIREMENT = frozenset({
    "无", "不限", "无要求", "学历不限", "不限学历", "文化不限", "学历无要求", "无学历要求",
    "不要求", "无限制", "没有要求", "没有", "均可", "无学历", "any", "none", "notrequired",
    "norequirement", "noeducationrequired", "n/a", "na", "unlimited", "不详", "其他", "其它",
})

# Chinese keywords -> level. Scanned longest first.
_ZH: dict[str, int] = {
    # 0 primary or less
    "小学及以下": 0, "小学以下": 0, "小学": 0, "文盲": 0, "半文盲": 0, "未上学": 0,
    "未上过学": 0, "没上过学": 0, "不识字": 0, "扫盲": 0, "学前": 0, "初小": 0, "高小": 0,
    # 1 junior middle school
    "初中": 1, "初级中学": 1, "九年义务": 1, "九年制义务教育": 1, "初中毕业": 1, "初三": 1,
    # 2 senior secondary
    "高中": 2, "普高": 2, "中专": 2, "中职": 2, "职高": 2, "技校": 2, "技工学校": 2,
    "技工": 2, "中技": 2, "职中": 2, "中等专业学校": 2, "中等职业": 2, "职业高中": 2,
    "高级中学": 2, "技师学院": 2, "高中以上": 2,
    # 3 college (dazhuan)
    "大专": 3, "专科": 3, "高职": 3, "大学专科": 3, "高等专科": 3, "高专": 3, "专科生": 3,
    "高等职业": 3, "职业技术学院": 3,
    # 4 bachelor
    "本科": 4, "大学本科": 4, "大学": 4, "学士": 4, "统招本科": 4, "本科生": 4, "大本": 4,
    # 5 master
    "硕士": 5, "研究生": 5, "硕士研究生": 5, "硕士生": 5, "在职研究生": 5,
    # 6 doctorate
    "博士": 6, "博士研究生": 6, "博士后": 6, "博士生": 6,
}

# English phrases -> level, matched on word boundaries in lower-cased text.
_EN: dict[str, int] = {
    "primary": 0, "primary school": 0, "elementary": 0, "elementary school": 0,
    "illiterate": 0, "no formal education": 0, "no schooling": 0,
    "junior high": 1, "junior high school": 1, "middle school": 1, "junior middle school": 1,
    "junior secondary": 1, "lower secondary": 1,
    "high school": 2, "senior high": 2, "senior high school": 2, "secondary": 2,
    "secondary school": 2, "senior secondary": 2, "upper secondary": 2,
    "vocational school": 2, "vocational high school": 2, "technical school": 2,
    "secondary vocational": 2, "technical secondary school": 2, "vocational": 2,
    "associate": 3, "associate's": 3, "associates": 3, "associate degree": 3,
    "college diploma": 3, "junior college": 3, "dazhuan": 3, "higher vocational": 3,
    "college": 3, "diploma": 3,
    "bachelor": 4, "bachelors": 4, "bachelor's": 4, "undergraduate": 4, "ba": 4, "bsc": 4,
    "b.sc": 4, "b.sc.": 4, "bs": 4, "b.s.": 4, "b.a.": 4, "beng": 4, "b.eng": 4,
    "university": 4, "university degree": 4, "benke": 4, "first degree": 4,
    "master": 5, "masters": 5, "master's": 5, "msc": 5, "m.sc": 5, "m.sc.": 5, "ma": 5,
    "m.a.": 5, "meng": 5, "mba": 5, "mpa": 5, "emba": 5, "postgraduate": 5,
    "post-graduate": 5, "graduate degree": 5,
    "phd": 6, "ph.d": 6, "ph.d.": 6, "doctorate": 6, "doctoral": 6, "doctor": 6,
    "dphil": 6, "postdoc": 6, "postdoctoral": 6,
}

# Latin words also accepted inside Chinese text (``MBA``).
_ZH.update({"mba": 5, "mpa": 5, "emba": 5, "phd": 6})

_TRAD = str.maketrans({"學": "学", "專": "专", "碩": "硕", "歷": "历", "職": "\ufffd"})
# 職 is mapped to U+FFFD so that 高職 (Taiwan: vocational *secondary*) cannot match 高职.

_ZH_RE = re.compile("|".join(re.escape(k) for k in sorted(_ZH, key=len, reverse=True)))
_EN_RE = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(re.escape(k) for k in sorted(_EN, key=len, reverse=True))
    + r")(?![a-z0-9])"
)
_STRIP_RE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def _parse_text(raw: str) -> EducationParse:
    text = unicodedata.normalize("NFKC", raw).lower().translate(_TRAD)
    compact = _STRIP_RE.sub("", text)
    if not compact or compact in NO_REQUIREMENT or compact.strip(".。,") in NO_REQUIREMENT:
        return EducationParse(None, raw, "missing")
    levels = [_ZH[m.group(0)] for m in _ZH_RE.finditer(compact)]
    spaced = _STRIP_RE.sub(" ", text).strip()
    levels += [_EN[m.group(0)] for m in _EN_RE.finditer(spaced)]
    if not levels:
        return EducationParse(None, raw, "unknown")
    return EducationParse(min(levels), raw, "ok")


def parse_education(text: object) -> EducationParse:
    """Read an education level from a cell (see the module docstring).

    ``None``/NaN/empty and "no requirement" texts give status ``missing``;
    unrecognised text gives status ``unknown`` with level None; never raises.
    Bare numbers are ``unknown``: exports use incompatible numeric codes
    (years of schooling, GB/T 4658 codes such as ``20`` = 大学本科), so a number
    is never guessed into a level.
    """
    if is_missing(text):
        return EducationParse(None, text if isinstance(text, str) else "", "missing")
    if not isinstance(text, str):
        return EducationParse(None, to_text(text), "unknown")
    return _parse_text(text.strip())


def education_label(level: int | None, lang: str = "zh") -> str:
    """The label of an ordinal level in ``"zh"`` or ``"en"``; ``""`` for None.

    Raises ValueError for a level outside 0..6 or an unknown language.
    """
    if level is None or is_missing(level):
        return ""
    if lang not in ("zh", "en"):
        raise ValueError(f"Unknown language {lang!r} for education labels; expected 'zh' or 'en'")
    idx = int(level)
    if not 0 <= idx < len(LEVELS):
        raise ValueError(f"Education level {level!r} is outside 0..{len(LEVELS) - 1}")
    return (LEVELS if lang == "zh" else LEVELS_EN)[idx]
