"""Wages: posting text (``3000-5000元/月``, ``4K-6K``, ``150元/天``, ``面议``) -> yuan per month.

Every result is in **yuan per month**. Conversion factors (:data:`WAGE_FACTORS`):

* per day  x 21.75 — the statutory number of paid days per month
  (月计薪天数 = (365 - 104 weekend days) / 12, 劳社部发〔2008〕3号);
* per hour x 174 = 21.75 x 8 hours;
* per week x 4.348 = 52.18 weeks / 12 months;
* per year / 12 (a 13th-month salary is not modelled);
* per month x 1 (the default when no period is written).

Multipliers inside numbers: ``千``/``k`` x 1,000, ``万``/``w`` x 10,000,
``百`` x 100; ``3千5`` = 3,500, ``1万2`` = 12,000; small Chinese numerals
(``三千至五千``, ``一万二``) are read too. In a range the second number's unit
applies to a bare first number below 100 (``1-1.5万`` = 10,000-15,000,
``5-8千`` = 5,000-8,000) but not to a full number (``3000-5千``).

Flags (``WageParse.flags``)
    ``missing`` empty cell; ``negotiable`` ``面议``; ``open_upper`` minimum only
    (``3000以上``, ``3000+``, ``8千起``); ``open_lower`` maximum only
    (``5000以下``, ``最高5000``); ``per_day``/``per_hour``/``per_week``/
    ``per_year`` converted; ``commission`` base pay plus commission
    (``底薪2000+提成`` -> min = max = base); ``swapped`` min and max were given in
    reverse; ``multiple_values`` several unrelated numbers, the first was used;
    ``unparsed`` text with no readable wage (``看能力``); ``implausible`` a
    monthly value outside [:data:`MIN_PLAUSIBLE`, :data:`MAX_PLAUSIBLE`]
    yuan — min and max are then None and the raw text is kept.

Bad input never raises.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from matcher.normalise.lists import is_missing, to_text

__all__ = [
    "WAGE_FACTORS", "MIN_PLAUSIBLE", "MAX_PLAUSIBLE", "WageParse", "parse_wage", "parse_wage_pair",
]

DAYS_PER_MONTH = 21.75
HOURS_PER_DAY = 8.0
WEEKS_PER_MONTH = 4.348

#: Multiply a wage quoted per period by this factor to get yuan per month.
WAGE_FACTORS: dict[str, float] = {
    "per_month": 1.0,
    "per_day": DAYS_PER_MONTH,
    "per_hour": DAYS_PER_MONTH * HOURS_PER_DAY,
    "per_week": WEEKS_PER_MONTH,
    "per_year": 1.0 / 12.0,
}

#: Plausible monthly wage range in yuan; values outside are flagged ``implausible``.
MIN_PLAUSIBLE = 300.0
MAX_PLAUSIBLE = 200_000.0


@dataclass(frozen=True)
class WageParse:
    """A parsed wage in yuan per month. ``min``/``max`` None when unknown or open."""

    min: float | None
    max: float | None
    negotiable: bool
    flags: tuple[str, ...]
    raw: str


# ----------------------------------------------------------------- text prep
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
_CN_TRAIL = re.compile(r"(\d)([万千])([一二两三四五六七八九])(?![十百千万\d])")
_AR_TRAIL = re.compile(r"(\d+(?:\.\d+)?)([万千wk])(\d)(?![\d.])")


def _cn_number(run: str) -> int | None:
    """Chinese numeral run -> int (``三千五`` 3500, ``一万二`` 12000, ``十五`` 15)."""
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 0
    zero_seen = False
    for ch in run:
        if ch in _CN_DIGIT:
            if _CN_DIGIT[ch] == 0:
                zero_seen = True
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            section += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
            zero_seen = False
        else:  # 万
            section += digit or 0
            total += section * 10000
            section = 0
            digit = None
            last_unit = 10000
            zero_seen = False
    if digit is not None:
        if last_unit >= 100 and not zero_seen:
            section += digit * last_unit // 10  # 三千五 = 3500, 一万二 = 12000
        else:
            section += digit
    return total + section


def _replace_cn_runs(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        run = m.group(0)
        start = m.start()
        if start > 0 and text[start - 1].isdigit():
            return run  # "3千" is an Arabic number with a unit, handled later
        if not any(c in "十百千万" for c in run) or not any(c in _CN_DIGIT or c == "十" for c in run):
            return run  # "一天", "每一", "千" alone: not a number
        value = _cn_number(run)
        return run if value is None else str(value)

    return _CN_RUN.sub(repl, text)


def _prepare(raw: str) -> str:
    t = unicodedata.normalize("NFKC", raw).lower()
    t = t.replace("—", "-").replace("–", "-").replace("−", "-").replace("〜", "~")
    t = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", t)  # thousands separators: 3,000
    t = re.sub(r"\s+", " ", t).strip()
    t = _CN_TRAIL.sub(lambda m: m.group(1) + m.group(2) + str(_CN_DIGIT[m.group(3)]), t)
    t = _replace_cn_runs(t)
    t = _AR_TRAIL.sub(_expand_trailing_digit, t)
    t = re.sub(r"[¥￥$]|rmb|cny|人民币", "", t)
    t = re.sub(r"\byuan\b|块钱|块", "元", t)
    return t


def _expand_trailing_digit(m: re.Match[str]) -> str:
    """``3千5`` -> 3500, ``1万2`` -> 12000, ``2k5`` -> 2500."""
    base = float(m.group(1))
    unit = 10000.0 if m.group(2) in ("万", "w") else 1000.0  # 千 / k
    value = base * unit + int(m.group(3)) * unit / 10.0
    return _fmt(value)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ------------------------------------------------------------------ patterns
_UNIT = r"(万|w(?![a-z])|千|k(?![a-z])|百)?"
_NUM = rf"(\d+(?:\.\d+)?)\s*{_UNIT}\s*(?:元)?"
_SEP = r"\s*(?:-|~|至|到|to)\s*"
_RANGE_RE = re.compile(rf"{_NUM}{_SEP}{_NUM}")
_SINGLE_RE = re.compile(_NUM)
_ANY_NUM = re.compile(r"\d+(?:\.\d+)?")
_UNIT_MULT = {"万": 10000.0, "w": 10000.0, "千": 1000.0, "k": 1000.0, "百": 100.0}

_NEGOTIABLE = re.compile(r"面议|面谈|议薪|商议|协商|待遇优厚|negotiable|to be discussed|tbd|\bdoe\b")
_COMMISSION = re.compile(r"提成|绩效|计件|奖金|分红|佣金|commission|bonus|piece ?rate")
_BASE_PREFIX = re.compile(r"(底薪|保底|基本工资|基本薪资|基薪|基础工资|base pay|base salary|base)\s*:?\s*$")

_PREFIX_PERIOD = (
    ("per_year", re.compile(r"年薪|年收入|年工资|年包|annual|yearly|per year|a year")),
    ("per_month", re.compile(r"月薪|月工资|月收入|每月|monthly|per month|a month")),
    ("per_week", re.compile(r"周薪|每周|weekly|per week|a week")),
    ("per_day", re.compile(r"日薪|日结|天薪|每天|一天|日工资|daily|per day|a day")),
    ("per_hour", re.compile(r"时薪|小时工资|每小时|hourly|per hour|an hour")),
)
_TAIL_PERIOD = (
    ("per_month", re.compile(r"^\s*(?:元)?\s*(?:/|每|一|一个|per|a)?\s*(?:个)?\s*(?:月|month|mo\b|mon\b)")),
    ("per_year", re.compile(r"^\s*(?:元)?\s*(?:/|每|一|per|a)?\s*(?:年|year|yr|annum)")),
    ("per_week", re.compile(r"^\s*(?:元)?\s*(?:/|每|一|per|a)?\s*(?:周|星期|礼拜|week|wk)")),
    ("per_day", re.compile(r"^\s*(?:元)?\s*(?:/|每|一|per|a)?\s*(?:天|日|day|d\b)")),
    ("per_hour", re.compile(r"^\s*(?:元)?\s*(?:/|每|一|一个|per|an|a)?\s*(?:个)?\s*(?:小时|时|钟|hour|hr|h\b)")),
)
_OPEN_UPPER_TAIL = re.compile(r"^\s*(?:元)?\s*(?:/\s*(?:月|天|日|小时|时|年|周)\s*)?(?:及以上|以上|起|\+|或以上|上不封顶|plus|and above|or more)")
_OPEN_LOWER_TAIL = re.compile(r"^\s*(?:元)?\s*(?:/\s*(?:月|天|日|小时|时|年|周)\s*)?(?:及以下|以下|以内|之内|封顶)")
_OPEN_UPPER_PREFIX = re.compile(r"(不低于|至少|最低|起薪|保底|≥|>=|>|from|at least|min(?:imum)?|above|over)\s*:?\s*$")
_OPEN_LOWER_PREFIX = re.compile(r"(不超过|最高|最多|至多|≤|<=|<|up to|max(?:imum)?|below|under)\s*:?\s*$")


def _value(num: str, unit: str | None) -> float:
    return float(num) * _UNIT_MULT.get(unit or "", 1.0)


def _plausible(v: float | None) -> bool:
    return v is None or (MIN_PLAUSIBLE <= v <= MAX_PLAUSIBLE)


def _finish(lo: float | None, hi: float | None, negotiable: bool, flags: list[str], raw: str) -> WageParse:
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
        flags.append("swapped")
    for v in (lo, hi):
        if v is not None and not math.isfinite(v):
            lo = hi = None
            flags.append("implausible")
            break
    if not (_plausible(lo) and _plausible(hi)):
        lo = hi = None
        flags.append("implausible")
    if lo is not None:
        lo = round(lo, 2)
    if hi is not None:
        hi = round(hi, 2)
    return WageParse(lo, hi, negotiable, tuple(dict.fromkeys(flags)), raw)


@lru_cache(maxsize=65536)
def _parse_text(raw: str) -> WageParse:
    t = _prepare(raw)
    if not t or t in ("无", "none", "nan", "-", "/"):
        return WageParse(None, None, False, ("missing",), raw)
    flags: list[str] = []
    negotiable = bool(_NEGOTIABLE.search(t))
    if negotiable:
        flags.append("negotiable")

    m = _RANGE_RE.search(t)
    if m is not None:
        a, ua, b, ub = m.group(1), m.group(2), m.group(3), m.group(4)
        lo_v = _value(a, ua if ua else (ub if float(a) < 100 else None))
        hi_v = _value(b, ub)
        lo: float | None = lo_v
        hi: float | None = hi_v
    else:
        m = _SINGLE_RE.search(t)
        if m is None:
            if negotiable:
                return WageParse(None, None, True, tuple(flags), raw)
            return WageParse(None, None, False, ("unparsed",), raw)
        lo = hi = _value(m.group(1), m.group(2))
    prefix, tail = t[: m.start()], t[m.end():]
    if len(_ANY_NUM.findall(t)) > len(_ANY_NUM.findall(m.group(0))) and not _COMMISSION.search(t):
        flags.append("multiple_values")

    # Period: a keyword before the number wins, else a marker right after it.
    period = "per_month"
    for name, pat in _PREFIX_PERIOD:
        if pat.search(prefix):
            period = name
            break
    else:
        for name, pat in _TAIL_PERIOD:
            if pat.match(tail):
                period = name
                break

    commission = bool(_COMMISSION.search(t)) and (
        bool(_BASE_PREFIX.search(prefix)) or bool(re.match(r"^\s*(?:元)?\s*(?:/\s*月\s*)?\+", tail))
    )
    if commission:
        flags.append("commission")  # the number is the base pay: min = max = base
    elif _OPEN_UPPER_TAIL.match(tail) or _OPEN_UPPER_PREFIX.search(prefix) or _BASE_PREFIX.search(prefix):
        if lo == hi:
            hi = None
            flags.append("open_upper")
    elif _OPEN_LOWER_TAIL.match(tail) or _OPEN_LOWER_PREFIX.search(prefix):
        if lo == hi:
            lo = None
            flags.append("open_lower")

    if period != "per_month":
        factor = WAGE_FACTORS[period]
        lo = None if lo is None else lo * factor
        hi = None if hi is None else hi * factor
        flags.append(period)
    return _finish(lo, hi, negotiable, flags, raw)


def parse_wage(text: object) -> WageParse:
    """Parse one wage cell into yuan per month (see the module docstring).

    Numbers (int/float) are already yuan per month: ``4000`` -> min = max =
    4000. Empty cells give all-None with flag ``missing``; unreadable text
    gives flag ``unparsed``; out-of-range values give ``implausible``.
    Never raises.
    """
    if is_missing(text):
        return WageParse(None, None, False, ("missing",), text if isinstance(text, str) else "")
    if isinstance(text, bool):
        return WageParse(None, None, False, ("unparsed",), str(text))
    if isinstance(text, (int, float)) or type(text).__module__ == "numpy":
        try:
            value = float(text)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return WageParse(None, None, False, ("unparsed",), to_text(text))
        return _finish(value, value, False, [], to_text(text))
    raw = text if isinstance(text, str) else str(text)
    return _parse_text(raw.strip())


def parse_wage_pair(min_text: object, max_text: object) -> WageParse:
    """Combine separate ``wage_min`` / ``wage_max`` cells into one monthly range.

    Each cell is read by :func:`parse_wage` (so ``3千`` or ``150/天`` work);
    the minimum comes from the first cell (its lower bound, else its upper),
    the maximum from the second (its upper bound, else its lower). Flags are
    merged; ``negotiable`` if either says so; both empty gives ``missing``;
    one empty gives an open range (``open_upper`` / ``open_lower``).
    """
    a, b = parse_wage(min_text), parse_wage(max_text)
    lo = a.min if a.min is not None else a.max
    hi = b.max if b.max is not None else b.min
    raw = f"{a.raw}-{b.raw}" if a.raw and b.raw else (a.raw or b.raw)
    flags = [f for f in a.flags + b.flags if f not in ("missing", "open_upper", "open_lower")]
    negotiable = a.negotiable or b.negotiable
    if "missing" in a.flags and "missing" in b.flags:
        return WageParse(None, None, False, ("missing",), raw)
    if lo is None and hi is not None and "missing" in a.flags:
        flags.append("open_lower")
    if hi is None and lo is not None and "missing" in b.flags:
        flags.append("open_upper")
    if "implausible" in flags:
        lo = hi = None
    return _finish(lo, hi, negotiable, flags, raw)
