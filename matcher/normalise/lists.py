"""List cells (``焊工；电工、叉车``) and work-experience lists (``炼钢工:20; 保安:2``).

Also home of the two tiny cell helpers every normaliser shares:
:func:`is_missing` (what counts as an empty cell) and :func:`to_text` (a cell
as NFKC-normalised, stripped text).

Separators (:data:`SEPARATORS`; :func:`split_list` is the one list splitter:
every reader of list cells — loader, core, web — calls it)
    ``;`` ``；`` ``|`` ``｜`` newline, ``\\r`` and tab are *strong* separators;
    ``、`` and the Chinese comma ``，`` always separate items too. The ASCII
    comma ``,`` and the slash ``/`` (or ``／``) separate items as well, with one
    exception: when a cell already uses a strong separator, a comma or slash
    inside a purely Latin-script item is part of that item. This keeps English
    terms such as ``HMI/SCADA`` or ``Sales Representatives, Wholesale`` whole in
    cells like ``Welding; HMI/SCADA; Excel`` while ``焊工/电工`` and
    ``welding, cutting`` still split.

Items are NFKC-normalised (full-width letters, digits and brackets become
half-width), inner whitespace runs collapse to one space, surrounding spaces
and a trailing ``。`` are stripped, empty items dropped, and duplicates
(compared case-insensitively) removed keeping the first spelling and order.

Bad input never raises: anything that is not text, a number or a sequence is
turned into text with ``str``.
"""
from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

__all__ = ["is_missing", "to_text", "split_list", "parse_experience", "parse_years", "SEPARATORS"]

#: Cell texts that mean "nothing entered" (compared after NFKC, strip, lower-case).
MISSING_TOKENS = frozenset({
    "", "nan", "none", "null", "nat", "<na>", "n/a", "na", "#n/a", "-", "--", "---",
    "—", "——", "/", "\\", "?", "？", "未填", "未填写", "暂无",
})

_CACHE_SIZE = 65536


def is_missing(cell: object) -> bool:
    """True for None, NaN, ``pd.NA``/``NaT``, and blank or placeholder text.

    Placeholder texts are listed in :data:`MISSING_TOKENS` (``nan``, ``-``,
    ``/``, ``暂无`` ...). Sequences are never missing here (an empty list is a
    valid empty list).
    """
    if cell is None:
        return True
    if isinstance(cell, str):
        return _text_missing(cell)
    if isinstance(cell, float):
        return math.isnan(cell)
    name = type(cell).__name__
    if name in ("NAType", "NaTType"):
        return True
    if isinstance(cell, (list, tuple, set, frozenset, dict)) or name in _CONTAINERS:
        return False
    try:  # NaN of any float type (numpy float32, Decimal) is the only value != itself
        return bool(cell != cell)  # noqa: PLR0124
    except (TypeError, ValueError):
        return False


_CONTAINERS = frozenset({"ndarray", "Series", "Index", "DataFrame"})


@lru_cache(maxsize=_CACHE_SIZE)
def _text_missing(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().lower() in MISSING_TOKENS


def to_text(cell: object) -> str:
    """The cell as NFKC-normalised text with surrounding whitespace stripped.

    Missing cells give ``""``. Integral floats lose their ``.0`` (``45.0`` ->
    ``"45"``) because spreadsheets turn whole numbers into floats.
    """
    if is_missing(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if not isinstance(cell, str):
        cell = str(cell)
    return unicodedata.normalize("NFKC", cell).strip()


# ---------------------------------------------------------------- split_list
#: Characters that separate the items of a list cell: the one rule every list
#: reader follows (see the module docstring for the Latin-item exception).
#: Strong separators always split.
STRONG_SEPARATORS = ";；|｜\n\r\t\u2028\u2029"
#: The enumeration comma (and its half-width form) and the Chinese comma always split.
CJK_SEPARATORS = "、\uff64，"
#: The ASCII comma and the slashes split unless a strong separator is present and
#: the item is purely Latin-script (``HMI/SCADA`` in ``Welding; HMI/SCADA``).
WEAK_SEPARATORS = ",/／"
#: Every separator, for documentation and for writers of list cells.
SEPARATORS = STRONG_SEPARATORS + CJK_SEPARATORS + WEAK_SEPARATORS

# Full-width forms are mapped before NFKC so that the Chinese comma keeps its
# "always separates" meaning (NFKC would turn it into an ASCII comma).
_PRE_NFKC = str.maketrans({"，": "、", "；": ";", "｜": "|", "／": "/", "\uff64": "、"})
_STRONG_SEP = re.compile("[" + re.escape(STRONG_SEPARATORS.translate(_PRE_NFKC)) + "]+")
_CJK_SEP = re.compile("[" + re.escape(CJK_SEPARATORS.translate(_PRE_NFKC)) + "]+")
_WEAK_SEP = re.compile("[" + re.escape(WEAK_SEPARATORS.translate(_PRE_NFKC)) + "]+")
_HAS_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SPACES = re.compile(r"\s+")


def _clean_item(item: str) -> str:
    item = _SPACES.sub(" ", item).strip()
    return item.rstrip("。").strip()


def _split_text(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text.translate(_PRE_NFKC))
    strong = _STRONG_SEP.search(text) is not None
    out: list[str] = []
    for piece in _STRONG_SEP.split(text):
        for part in _CJK_SEP.split(piece):
            if strong and not _HAS_CJK.search(part):
                out.append(part)
            else:
                out.extend(_WEAK_SEP.split(part))
    return out


def _dedupe(items: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for raw in items:
        item = _clean_item(raw)
        if not item or item.lower() in MISSING_TOKENS:
            continue
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


@lru_cache(maxsize=_CACHE_SIZE)
def _split_cached(text: str) -> tuple[str, ...]:
    return _dedupe(_split_text(text))


def _is_sequence(cell: object) -> bool:
    if isinstance(cell, (list, tuple, set, frozenset)):
        return True
    return type(cell).__name__ in ("ndarray", "Series", "Index")


def split_list(cell: object) -> list[str]:
    """Split a list cell into clean, de-duplicated items (see module docstring).

    ``None``/NaN/``""`` give ``[]``. A cell that is already a list (or tuple,
    set, numpy array, pandas Series) is cleaned item by item but not split
    further. Numbers become their text (``12.0`` -> ``["12"]``).
    """
    if _is_sequence(cell):
        items = [to_text(x) for x in cell]  # type: ignore[union-attr]
        return list(_dedupe([x for x in items if x]))
    if is_missing(cell):
        return []
    if isinstance(cell, float) and cell.is_integer():
        cell = str(int(cell))
    text = cell if isinstance(cell, str) else str(cell)
    return list(_split_cached(text))


# ---------------------------------------------------------------- experience
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}

#: Longest credible single-job experience, years; longer values are reported as problems.
MAX_YEARS = 60.0

_NUM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]+)"
_YEARS_RE = re.compile(
    rf"^(?:约|大约|近|将近|超过|有)?\s*{_NUM}\s*(?:[-~至到]\s*{_NUM}\s*)?"
    r"(?P<more>多|余|来)?\s*(?P<unit>个半月|个月|月|年半|年|周年|years?|yrs?|y|months?|mos?|m)?"
    r"\s*(?:多|余|以上|左右|\+)?$",
    re.IGNORECASE,
)
_YEARS_MARKER = re.compile(
    r"(?:[:：]\s*[\d零〇一二两三四五六七八九十半]|\d\s*(?:年|个月|years?\b|yrs?\b))",
    re.IGNORECASE,
)


def _cn_small(tok: str) -> float | None:
    """Small Chinese numerals for years: 三 -> 3, 十 -> 10, 二十 -> 20, 十五 -> 15."""
    if re.fullmatch(r"\d+(?:\.\d+)?", tok):
        return float(tok)
    if "十" in tok:
        head, _, tail = tok.partition("十")
        tens = _CN_DIGITS.get(head, None) if head else 1
        ones = _CN_DIGITS.get(tail, None) if tail else 0
        if tens is None or ones is None:
            return None
        return float(tens * 10 + ones)
    if len(tok) == 1 and tok in _CN_DIGITS:
        return float(_CN_DIGITS[tok])
    return None


def parse_years(cell: object) -> float | None:
    """Years of experience from text: ``20``, ``20年``, ``3个月``, ``半年``, ``一年半``,
    ``20多年``, ``3-5年`` (mid-point), ``2 years``, ``十年``.

    Months are divided by 12. ``多``/``余``/``以上``/``+`` give the stated lower
    bound. Returns None for anything unreadable or outside 0..:data:`MAX_YEARS`.
    """
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)) and not is_missing(cell):
        value = float(cell)
        return round(value, 3) if 0.0 <= value <= MAX_YEARS else None
    return _parse_years_text(to_text(cell))


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_years_text(text: str) -> float | None:
    t = text.lower()
    if not t:
        return None
    if t in ("半年", "半", "0.5年"):
        return 0.5
    if t in ("一年半", "1年半"):
        return 1.5
    m = _YEARS_RE.match(t)
    if not m:
        return None
    lo = _cn_small(m.group(1))
    hi = _cn_small(m.group(2)) if m.group(2) else lo
    if lo is None or hi is None:
        return None
    value = (lo + hi) / 2.0
    unit = (m.group("unit") or "").lower()
    if unit.endswith("年半"):
        value += 0.5
    elif unit in ("个月", "月", "month", "months", "mo", "mos", "m"):
        value /= 12.0
    elif unit == "个半月":
        value = (value + 0.5) / 12.0
    if not 0.0 <= value <= MAX_YEARS:
        return None
    return round(value, 3)


_ITEM_COLON = re.compile(r"^(?P<title>.*?)\s*:\s*(?P<years>[^:]*)$")
_ITEM_PAREN = re.compile(r"^(?P<title>.*?)\s*[(\[]\s*(?P<years>[^()\[\]]*)\s*[)\]]$")
_ITEM_SUFFIX = re.compile(
    r"^(?P<title>.*?[^\d.\s-])\s*(?P<years>(?:\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*"
    r"(?:多|余)?\s*(?:年半|年|个月|years?|yrs?)(?:多|以上|左右)?)$",
    re.IGNORECASE,
)
_YEARISH = re.compile(r"^\s*\d+(?:\.\d+)?\s*$|年|个月|years?|yrs?|months?", re.IGNORECASE)


def _split_experience(text: str) -> list[str]:
    """Split an experience cell; commas/slashes only split between complete items."""
    text = unicodedata.normalize("NFKC", text.translate(_PRE_NFKC))
    pieces: list[str] = []
    for piece in _STRONG_SEP.split(text):
        for part in _CJK_SEP.split(piece):
            if len(_YEARS_MARKER.findall(part)) >= 2:
                # "炼钢工:20, 保安:2" or "A, B:8/C:3": cut only after a years value.
                tokens = re.split(r"([,/])", part)
                current = ""
                for tok in tokens:
                    if tok in (",", "/") and _YEARS_MARKER.search(current):
                        pieces.append(current)
                        current = ""
                    else:
                        current += tok
                pieces.append(current)
            elif _HAS_CJK.search(part) and not _YEARS_MARKER.search(part):
                pieces.extend(_WEAK_SEP.split(part))
            else:
                pieces.append(part)
    return pieces


@lru_cache(maxsize=_CACHE_SIZE)
def _experience_cached(text: str) -> tuple[tuple[tuple[str, float | None], ...], tuple[str, ...]]:
    items: list[tuple[str, float | None]] = []
    problems: list[str] = []
    seen: set[tuple[str, float | None]] = set()
    for raw in _split_experience(text):
        piece = _clean_item(raw)
        if not piece or piece.lower() in MISSING_TOKENS:
            continue
        title, years_text = piece, ""
        for pattern in (_ITEM_COLON, _ITEM_PAREN, _ITEM_SUFFIX):
            m = pattern.match(piece)
            if m and (pattern is not _ITEM_PAREN or _YEARISH.search(m.group("years"))):
                title, years_text = m.group("title").strip(), m.group("years").strip()
                break
        years: float | None = None
        if years_text:
            years = parse_years(years_text)
            if years is None:
                problems.append(f"could not read years '{years_text}' for '{title or piece}'")
        if not title:
            problems.append(f"experience item '{piece}' has no job title")
            continue
        key = (title, years)
        if key not in seen:
            seen.add(key)
            items.append(key)
    return tuple(items), tuple(problems)


def parse_experience(cell: object) -> tuple[list[tuple[str, float | None]], list[str]]:
    """Parse ``title[:years]`` items: ``炼钢工:20; 保安:2``.

    Accepted per item: ``title:years``, ``title：years``, ``title 20年``,
    ``title(20年)``, ``title:20 years``, ``title`` alone (years None). Years are
    read by :func:`parse_years` (float years). Returns ``(items, problems)``;
    an item whose years part cannot be read keeps its title with years None
    and adds a human-readable problem. Commas and slashes inside a title
    (``Water/Wastewater Engineers:8``) are kept when they do not separate two
    complete ``title:years`` items. Never raises.
    """
    if _is_sequence(cell):
        items: list[tuple[str, float | None]] = []
        problems: list[str] = []
        for x in cell:  # type: ignore[union-attr]
            if isinstance(x, tuple) and len(x) == 2:
                title = to_text(x[0])
                yrs = x[1]
                years = None if is_missing(yrs) else parse_years(to_text(yrs))
                if title:
                    items.append((title, years))
                continue
            sub_items, sub_problems = parse_experience(x)
            items.extend(sub_items)
            problems.extend(sub_problems)
        return items, problems
    if is_missing(cell):
        return [], []
    text = cell if isinstance(cell, str) else to_text(cell)
    found, probs = _experience_cached(text)
    return list(found), list(probs)
