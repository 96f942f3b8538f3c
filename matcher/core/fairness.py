"""Fairness: compliance flags, the priority policy, and FA*IR-style prefix guarantees.

By construction gender, age, ethnicity and household registration (hukou)
never enter a score: :mod:`matcher.core.features` does not read them. They
are read here only to *report* — which candidates a vacancy's posted gender
requirement or narrow age window would have excluded — never to filter.

Compliance flags (vacancy level, shown on every match with that vacancy)
    ``gender_requirement``   the post states a gender (就业促进法 第二十七条)
    ``narrow_age_window``    age_max - age_min < ``narrow_age_span`` or
                             age_max < ``narrow_age_max`` (就业促进法 第三条;
                             it would shut out 4045 persons)
    ``below_minimum_wage``   the top of the offered range is below
                             ``minimum_wage`` (最低工资规定 第十二条)
    ``expired``              ``expires_on`` is before ``reference_date``
Pair-level flags (``for_vacancy`` / ``explain``) say when *this* candidate is
outside the posted window: ``outside_gender_requirement``,
``outside_age_window``.

FA*IR (Zehlike et al. 2017): the minimum number of protected candidates in
the first i positions is ``binom.ppf(alpha, i, p)``; :func:`fair_rerank`
fills each position greedily with the best remaining candidate unless the
protected count would fall below the table, in which case the best remaining
protected candidate is taken. Deterministic given a deterministic input order.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binom

from matcher.core.settings import MatchSettings

LAW_GENDER = "《就业促进法》第二十七条：不得以性别为由拒绝录用妇女或者提高对妇女的录用标准"
LAW_AGE = "《就业促进法》第三条：劳动者依法享有平等就业的权利，不因年龄等因素受歧视（窄年龄窗口会排斥4045人员）"
LAW_WAGE = "《最低工资规定》第十二条：用人单位支付的工资不得低于当地最低工资标准"
RULE_EXPIRED = "hard_constraints.exclude_expired：截止日期早于参考日期的岗位不参与排序"


def _num(x: Any) -> float | None:
    try:
        if x is None or pd.isna(x):
            return None
        return float(x)
    except (TypeError, ValueError):
        return None


def narrow_age_window(age_min: Any, age_max: Any, st: MatchSettings) -> bool:
    """True when the posted window is narrow by the settings (missing bounds never narrow)."""
    lo, hi = _num(age_min), _num(age_max)
    c = st.compliance
    if hi is not None and hi < c.narrow_age_max:
        return True
    return lo is not None and hi is not None and (hi - lo) < c.narrow_age_span


def vacancy_flags(vac: dict[str, Any], offered_top: float | None, expired: bool, st: MatchSettings) -> list[dict]:
    """Compliance flags of one vacancy (``vac`` is its normalised row as a dict)."""
    flags: list[dict] = []
    g = vac.get("gender_requirement")
    if isinstance(g, str) and g:
        who = {"F": "女性", "M": "男性"}.get(g, g)
        raw = vac.get("gender_requirement_raw") or f"仅限{who}"
        flags.append({"code": "gender_requirement",
                      "message_zh": f"岗位注明性别要求（{raw}）：不作筛选，请与用人单位核实",
                      "message_en": f"The post states a gender requirement ({raw}); not applied as a filter — check with the employer",
                      "rule": LAW_GENDER})
    lo, hi = _num(vac.get("age_min")), _num(vac.get("age_max"))
    if narrow_age_window(lo, hi, st):
        span = f"{'' if lo is None else int(lo)}-{'' if hi is None else int(hi)}岁"
        flags.append({"code": "narrow_age_window",
                      "message_zh": f"岗位年龄要求过窄（{span}）：不作筛选，可能排斥4045人员",
                      "message_en": f"Narrow posted age window ({span}); not applied as a filter, it would exclude 4045 persons",
                      "rule": LAW_AGE})
    if offered_top is not None and not math.isnan(offered_top) and offered_top < st.minimum_wage:
        flags.append({"code": "below_minimum_wage",
                      "message_zh": f"薪资上限{offered_top:.0f}元/月低于当地最低工资{st.minimum_wage:.0f}元/月",
                      "message_en": f"Offered wage {offered_top:.0f} yuan/month is below the local minimum {st.minimum_wage:.0f}",
                      "rule": LAW_WAGE})
    if expired:
        flags.append({"code": "expired",
                      "message_zh": f"岗位已过截止日期（{vac.get('expires_on')}）",
                      "message_en": f"The vacancy expired on {vac.get('expires_on')}",
                      "rule": RULE_EXPIRED})
    return flags


def outside_window(gender: np.ndarray, age: np.ndarray, vac: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Masks of seekers outside the posted gender requirement / age window (unknown = inside).

    ``gender`` is an object array of ``"F"``/``"M"``/None, ``age`` float years (NaN unknown).
    """
    g = vac.get("gender_requirement")
    gender = np.asarray(gender, dtype=object)
    out_g = np.zeros(len(gender), dtype=bool)
    if isinstance(g, str) and g in ("F", "M"):
        out_g = np.array([isinstance(x, str) and x in ("F", "M") and x != g for x in gender], dtype=bool)
    age = np.asarray(age, dtype=float)
    lo, hi = _num(vac.get("age_min")), _num(vac.get("age_max"))
    out_a = np.zeros(len(age), dtype=bool)
    with np.errstate(invalid="ignore"):
        if lo is not None:
            out_a |= age < lo
        if hi is not None:
            out_a |= age > hi
    return out_g, out_a


def fair_min_counts(k: int, p: float, alpha: float) -> np.ndarray:
    """FA*IR minimum protected counts for prefixes 1..k: ``binom.ppf(alpha, i, p)``."""
    if k <= 0 or p <= 0:
        return np.zeros(max(k, 0), dtype=np.int64)
    i = np.arange(1, k + 1)
    return np.nan_to_num(binom.ppf(alpha, i, p), nan=0.0).astype(np.int64)


def fair_rerank(order: np.ndarray, protected: np.ndarray, k: int, min_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Greedy FA*IR re-rank of the first k of ``order`` (best first).

    ``protected`` is aligned with ``order``. Returns (chosen positions into
    ``order``'s elements, i.e. the re-ranked items, and a bool mask of which
    were promoted ahead of their score rank). When too few protected
    candidates exist the table is met as far as possible.
    """
    order = np.asarray(order)
    protected = np.asarray(protected, dtype=bool)
    prot = list(order[protected])
    other = list(order[~protected])
    out: list = []
    promoted: list[bool] = []
    pi = oi = 0
    n_prot = 0
    base_rank = {x: r for r, x in enumerate(order)}
    for pos in range(min(k, len(order))):
        need = min_counts[pos] if pos < len(min_counts) else 0
        take_prot = pi < len(prot) and (n_prot < need or oi >= len(other)
                                        or base_rank[prot[pi]] < base_rank[other[oi]])
        if take_prot:
            x = prot[pi]
            pi += 1
            n_prot += 1
        else:
            x = other[oi]
            oi += 1
        out.append(x)
        promoted.append(bool(take_prot and oi < len(other) and base_rank[x] > base_rank[other[oi]]))
    return np.array(out, dtype=order.dtype), np.array(promoted, dtype=bool)
