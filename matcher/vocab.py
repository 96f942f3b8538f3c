"""The one vocabulary: every code the engine knows, with its Chinese and English label.

Normalisers, the generator, the matching core, the batch, the report and the
web UI all import their codes and labels from here, so a district, a priority
group, an education level or an outcome is named the same way everywhere.
This module is the bottom layer: it imports nothing from ``matcher`` and
reads no files.

Kinds (the first argument of :func:`label`, :func:`codes` and :func:`code_of`)

============  ==========================================================  ============================
kind          codes                                                       tables
============  ==========================================================  ============================
district      the five divisions of Panzhihua (东区 ... 盐边县); the code  :data:`DISTRICTS`,
              is the canonical Chinese name as it is stored in the data    :data:`DISTRICTS_EN`
relation      how two places relate, nearest first: same, adjacent,        :data:`RELATIONS`
              city, outside, unknown
group         priority groups: 4045, zero_employment_family,               :data:`PRIORITY_GROUPS`
              rural_migrant, graduate, disabled, veteran
education     education levels 0..6 (0 小学及以下 ... 6 博士)               :data:`EDUCATION_LEVELS`
outcome       referral events: referred, interviewed, hired, rejected,     :data:`OUTCOMES`
              declined, and the follow-ups employed and left
leave_reason  why a person left a job (``reason`` of a ``left`` event):    :data:`LEAVE_REASONS`
              wage, commute, shifts, health, conditions, dismissed,
              contract_end, other
list_shown    which list staff used when referring: plain, capacity,      :data:`LISTS_SHOWN`
              search
dimension     scored dimensions: skills, occupation, education, wage,      :data:`DIMENSIONS`
              place, conditions, and the priority boost
stay_gap      condition gaps that make job spells similar in the outcome   :data:`STAY_GAPS`
              reason: wage_short, long_commute, shift_conflict,
              no_insurance
============  ==========================================================  ============================

Places
    :data:`TOWNS` maps the main towns, townships and urban sub-districts (街道)
    of each division (early 2020s) to their division; ``generic=True`` marks
    names that are also common words or frequent elsewhere (平地, 白马 ...),
    which the district reader matches only as a whole cell. :data:`ADJACENT`
    lists the division pairs that share a border: the urban core 东区, 西区 and
    仁和区 lie along the Jinsha river and all border each other; 盐边县 wraps
    round the north and west of the core (bordering all three) and meets
    米易县 in the north-east; 米易县 borders 仁和区 and 盐边县 only. Both come
    from general geographic knowledge; edit them here to correct or extend.

Labels
    ``label(kind, code, lang)`` gives the label in ``"zh"`` or ``"en"``; an
    unknown code (or kind) comes back unchanged, as text, so a face never
    fails on a value the vocabulary does not know. English labels are written
    for staff screens and reports (sentence case).

Spellings
    :func:`code_of` reads a code back from the code itself, either label, or an
    accepted spelling of the kinds people type by hand (outcomes, leave reasons,
    priority groups: :data:`OUTCOME_ALIASES`, :data:`LEAVE_REASON_ALIASES`,
    :data:`GROUP_ALIASES`). Text is compared after NFKC, lower-casing and
    removing spaces. Free-text readers with more rules (districts, education)
    live in :mod:`matcher.normalise`.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping

__all__ = [
    "CITY", "CITY_EN", "DISTRICTS", "DISTRICTS_EN", "DISTRICT_STEMS", "TOWNS", "ADJACENT",
    "RELATIONS", "RELATION_LABELS_ZH", "RELATION_LABELS_EN",
    "PRIORITY_GROUPS", "PRIORITY_LABELS_ZH", "PRIORITY_LABELS_EN", "GROUP_ALIASES",
    "EDUCATION_LEVELS", "EDUCATION_LEVELS_EN",
    "OUTCOMES", "OUTCOME_LABELS_ZH", "OUTCOME_LABELS_EN", "OUTCOME_ALIASES",
    "LEAVE_REASONS", "LEAVE_REASON_LABELS_ZH", "LEAVE_REASON_LABELS_EN", "LEAVE_REASON_ALIASES",
    "LISTS_SHOWN", "LIST_SHOWN_LABELS_ZH", "LIST_SHOWN_LABELS_EN",
    "DIMENSIONS", "DIMENSION_LABELS_ZH", "DIMENSION_LABELS_EN",
    "LANGS", "KINDS", "label", "labels", "codes", "code_of", "spelling_key",
]

#: Languages every label exists in.
LANGS: tuple[str, ...] = ("zh", "en")

# ------------------------------------------------------------------- places
CITY = "攀枝花"
CITY_EN = "Panzhihua"

#: The five county-level divisions of Panzhihua, canonical names (the stored codes).
DISTRICTS: tuple[str, ...] = ("东区", "西区", "仁和区", "米易县", "盐边县")
DISTRICTS_EN: dict[str, str] = {
    "东区": "Dong District", "西区": "Xi District", "仁和区": "Renhe District",
    "米易县": "Miyi County", "盐边县": "Yanbian County",
}
#: The shortest word that names each division unambiguously inside longer text:
#: the name without 区/县 when two characters remain (仁和, 米易, 盐边), else the name (东区, 西区).
DISTRICT_STEMS: dict[str, str] = {d: d[:-1] if len(d) > 2 else d for d in DISTRICTS}

#: Main towns / townships / sub-districts -> (division, generic). A generic name
#: only counts as a place when it is the whole cell (see the module docstring).
TOWNS: dict[str, tuple[str, bool]] = {
    # 东区: sub-districts and the one town
    "炳草岗": ("东区", False), "大渡口": ("东区", False), "瓜子坪": ("东区", False),
    "东华": ("东区", True), "弄弄坪": ("东区", False), "向阳村": ("东区", False),
    "银江": ("东区", False), "密地": ("东区", False), "倮果": ("东区", False),
    "南山": ("东区", True),
    # 西区
    "清香坪": ("西区", False), "河门口": ("西区", False), "格里坪": ("西区", False),
    "玉泉": ("西区", True), "大宝鼎": ("西区", False), "陶家渡": ("西区", False),
    "摩梭河": ("西区", False),
    # 仁和区
    "仁和镇": ("仁和区", False), "金江": ("仁和区", False), "大河中路": ("仁和区", False),
    "总发": ("仁和区", False), "平地": ("仁和区", True), "布德": ("仁和区", False),
    "前进": ("仁和区", True), "同德": ("仁和区", True), "大田": ("仁和区", True),
    "福田": ("仁和区", True), "务本": ("仁和区", False), "中坝": ("仁和区", True),
    "啊喇": ("仁和区", False), "太平": ("仁和区", True), "大龙潭": ("仁和区", False),
    # 米易县
    "攀莲": ("米易县", False), "丙谷": ("米易县", False), "撒莲": ("米易县", False),
    "白马": ("米易县", True), "垭口": ("米易县", True), "草场": ("米易县", True),
    "得石": ("米易县", False), "普威": ("米易县", False), "湾丘": ("米易县", False),
    "麻陇": ("米易县", False), "新山": ("米易县", True), "白坡": ("米易县", True),
    # 盐边县
    "桐子林": ("盐边县", False), "渔门": ("盐边县", False), "红格": ("盐边县", False),
    "新九": ("盐边县", False), "永兴": ("盐边县", True), "惠民": ("盐边县", True),
    "益民": ("盐边县", True), "国胜": ("盐边县", False), "红宝": ("盐边县", False),
    "格萨拉": ("盐边县", False), "箐河": ("盐边县", False), "鳡鱼": ("盐边县", False),
    "温泉": ("盐边县", True), "和爱": ("盐边县", True),
}

#: Division pairs that share a border (see the module docstring).
ADJACENT: frozenset[frozenset[str]] = frozenset(
    frozenset(pair) for pair in (
        ("东区", "西区"), ("东区", "仁和区"), ("西区", "仁和区"),
        ("东区", "盐边县"), ("西区", "盐边县"), ("仁和区", "盐边县"),
        ("仁和区", "米易县"), ("米易县", "盐边县"),
    )
)

#: How two places relate, nearest first (``unknown`` last).
RELATIONS: tuple[str, ...] = ("same", "adjacent", "city", "outside", "unknown")
RELATION_LABELS_ZH: dict[str, str] = {
    "same": "同区县", "adjacent": "邻近区县", "city": "市内其他区县", "outside": "市外", "unknown": "地点未知",
}
RELATION_LABELS_EN: dict[str, str] = {
    "same": "Same district", "adjacent": "Neighbouring district", "city": "Elsewhere in the city",
    "outside": "Outside the city", "unknown": "Location unknown",
}

# ---------------------------------------------------------- priority groups
#: Canonical priority-group codes (policy groups; they may raise a score, never lower it).
PRIORITY_GROUPS: tuple[str, ...] = (
    "4045", "zero_employment_family", "rural_migrant", "graduate", "disabled", "veteran",
)
PRIORITY_LABELS_ZH: dict[str, str] = {
    "4045": "4045人员", "zero_employment_family": "零就业家庭", "rural_migrant": "农民工",
    "graduate": "高校毕业生", "disabled": "残疾人", "veteran": "退役军人",
}
PRIORITY_LABELS_EN: dict[str, str] = {
    "4045": "4045 person", "zero_employment_family": "Zero-employment family",
    "rural_migrant": "Rural migrant worker", "graduate": "College graduate",
    "disabled": "Person with a disability", "veteran": "Veteran",
}

# ---------------------------------------------------------------- education
#: Ordered education levels; the index is the level stored in the data (0..6).
EDUCATION_LEVELS: tuple[str, ...] = ("小学及以下", "初中", "高中/中专/技校/职高", "大专", "本科", "硕士", "博士")
EDUCATION_LEVELS_EN: tuple[str, ...] = (
    "Primary school or below", "Junior middle school", "Senior high / technical secondary",
    "Junior college", "Bachelor", "Master", "Doctorate",
)

# ----------------------------------------------------------------- outcomes
#: Events of the outcome log, in the order a referral goes through them.
#: ``employed`` is a follow-up that found the person still in the job;
#: ``left`` ends a job spell (its ``reason`` is one of :data:`LEAVE_REASONS`).
OUTCOMES: tuple[str, ...] = ("referred", "interviewed", "hired", "rejected", "declined", "employed", "left")
OUTCOME_LABELS_ZH: dict[str, str] = {
    "referred": "已推荐", "interviewed": "已面试", "hired": "已录用", "rejected": "未录用",
    "declined": "本人放弃", "employed": "回访在岗", "left": "已离职",
}
OUTCOME_LABELS_EN: dict[str, str] = {
    "referred": "Referred", "interviewed": "Interviewed", "hired": "Hired",
    "rejected": "Rejected by employer", "declined": "Declined by seeker",
    "employed": "Still in the job (follow-up)", "left": "Left the job",
}

#: Why a person left a job.
LEAVE_REASONS: tuple[str, ...] = (
    "wage", "commute", "shifts", "health", "conditions", "dismissed", "contract_end", "other",
)
LEAVE_REASON_LABELS_ZH: dict[str, str] = {
    "wage": "工资低", "commute": "路远", "shifts": "倒班", "health": "身体", "conditions": "工作环境",
    "dismissed": "辞退", "contract_end": "合同到期", "other": "其他",
}
LEAVE_REASON_LABELS_EN: dict[str, str] = {
    "wage": "Pay too low", "commute": "Commute too long", "shifts": "Shift work", "health": "Health",
    "conditions": "Working conditions", "dismissed": "Dismissed", "contract_end": "Contract ended",
    "other": "Other",
}

#: Which list the post (or person) was found in when staff referred.
LISTS_SHOWN: tuple[str, ...] = ("plain", "capacity", "search")
LIST_SHOWN_LABELS_ZH: dict[str, str] = {"plain": "推荐列表", "capacity": "按名额推荐列表", "search": "搜索"}
LIST_SHOWN_LABELS_EN: dict[str, str] = {
    "plain": "Ranked list", "capacity": "Capacity-aware list", "search": "Search",
}

# --------------------------------------------------------------- dimensions
#: Scored dimensions in contribution order, then the priority boost.
DIMENSIONS: tuple[str, ...] = ("skills", "occupation", "education", "wage", "place", "conditions", "priority")
DIMENSION_LABELS_ZH: dict[str, str] = {
    "skills": "技能", "occupation": "经历/职业", "education": "学历", "wage": "薪资", "place": "地点",
    "conditions": "工作条件", "priority": "优先政策",
}
DIMENSION_LABELS_EN: dict[str, str] = {
    "skills": "Skills", "occupation": "Experience / occupation", "education": "Education", "wage": "Wage",
    "place": "Location", "conditions": "Working conditions", "priority": "Priority policy",
}


# ----------------------------------------------------------------- spellings
def spelling_key(text: str) -> str:
    """How hand-typed spellings are compared: NFKC, lower case, no white space."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def _aliases(codes: tuple[str, ...], zh: Mapping[str, str], en: Mapping[str, str],
             extra: Mapping[str, str]) -> dict[str, str]:
    """Spelling key -> code: each code, both labels, then the extra spellings."""
    out: dict[str, str] = {}
    for code in codes:
        for text in (code, zh[code], en[code]):
            out.setdefault(spelling_key(text), code)
    for text, code in extra.items():
        if code not in codes:
            raise ValueError(f"alias {text!r} names unknown code {code!r}")
        out.setdefault(spelling_key(text), code)
    return out


#: Accepted priority-group spellings (spelling key -> code), labels included.
GROUP_ALIASES: dict[str, str] = _aliases(PRIORITY_GROUPS, PRIORITY_LABELS_ZH, PRIORITY_LABELS_EN, {
    # 4045
    "4050": "4045", "4050人员": "4045", "4045对象": "4045", "4050对象": "4045", "大龄失业人员": "4045",
    "40/50": "4045", "40-50": "4045", "40、50人员": "4045", "4045persons": "4045",
    # zero-employment family
    "零就业": "zero_employment_family", "零就业家庭成员": "zero_employment_family",
    "zeroemploymentfamily": "zero_employment_family",
    # rural migrants / rural labour
    "进城务工人员": "rural_migrant", "农村劳动力": "rural_migrant", "农村转移劳动力": "rural_migrant",
    "农村富余劳动力": "rural_migrant", "外来务工人员": "rural_migrant", "农村劳动者": "rural_migrant",
    "务工人员": "rural_migrant", "ruralmigrant": "rural_migrant", "migrantworker": "rural_migrant",
    # graduates
    "应届毕业生": "graduate", "应届生": "graduate", "毕业生": "graduate", "大学毕业生": "graduate",
    "离校未就业高校毕业生": "graduate", "大中专毕业生": "graduate", "往届毕业生": "graduate",
    "graduates": "graduate",
    # disabled
    "残疾": "disabled", "残疾人员": "disabled", "残障人士": "disabled", "disability": "disabled",
    "personwithdisability": "disabled", "disabledperson": "disabled",
    # veterans
    "复员军人": "veteran", "退伍军人": "veteran", "转业军人": "veteran", "退役士兵": "veteran",
    "军转干部": "veteran", "veterans": "veteran",
})

#: Accepted outcome spellings (spelling key -> code), labels included.
OUTCOME_ALIASES: dict[str, str] = _aliases(OUTCOMES, OUTCOME_LABELS_ZH, OUTCOME_LABELS_EN, {
    "推荐": "referred", "面试": "interviewed", "录用": "hired", "拒绝": "rejected",
    "放弃": "declined", "回访在职": "employed", "在岗": "employed", "在职": "employed",
    "离职": "left",
})

#: Accepted leave-reason spellings (spelling key -> code), labels included.
LEAVE_REASON_ALIASES: dict[str, str] = _aliases(
    LEAVE_REASONS, LEAVE_REASON_LABELS_ZH, LEAVE_REASON_LABELS_EN, {
        "工资太低": "wage", "薪资低": "wage", "待遇低": "wage", "工资": "wage",
        "太远": "commute", "路太远": "commute", "通勤": "commute", "交通不便": "commute",
        "夜班": "shifts", "上夜班": "shifts", "不愿倒班": "shifts",
        "身体原因": "health", "健康": "health", "生病": "health",
        "环境差": "conditions", "工作环境差": "conditions", "太累": "conditions",
        "被辞退": "dismissed", "开除": "dismissed", "解雇": "dismissed",
        "合同期满": "contract_end", "合同结束": "contract_end", "其它": "other",
    })

# ------------------------------------------------------- outcome risks
#: Pair features the outcome model reports as risks of leaving early, with what staff can negotiate
#: (``outcome_risk`` reason records; matcher.outcomes.model picks them, matcher.render words them).
OUTCOME_RISKS: tuple[str, ...] = ("wage_short_k", "shift_conflict", "no_insurance", "rel_outside", "rel_city",
                                  "post_early_leave", "employer_early_leave")
OUTCOME_RISK_LABELS_ZH: Mapping[str, str] = {
    "wage_short_k": "工资低于本人期望（可与单位协商工资）",
    "shift_conflict": "需要倒班，本人不接受（可协商班次）",
    "no_insurance": "不缴纳五险（可与单位协商参保）",
    "rel_outside": "离家远（市外）",
    "rel_city": "离家较远（跨区县）",
    "post_early_leave": "该岗位以往早期离职较多",
    "employer_early_leave": "该单位以往早期离职较多",
}

OUTCOME_RISK_LABELS_EN: Mapping[str, str] = {
    "wage_short_k": "Pay below the seeker's expectation (negotiate the wage with the employer)",
    "shift_conflict": "Shift work the seeker does not accept (negotiate the shifts)",
    "no_insurance": "No social insurance (negotiate insurance with the employer)",
    "rel_outside": "Far from home (outside the city)",
    "rel_city": "Rather far from home (another district)",
    "post_early_leave": "Many early leavers at this post before",
    "employer_early_leave": "Many early leavers at this employer before",
}

#: The condition gaps that make job spells "similar" in the outcome reason (matcher.outcomes.model.CONDITION_GAPS),
#: worded as what the similar seekers had in common.
STAY_GAPS: tuple[str, ...] = ("wage_short", "long_commute", "shift_conflict", "no_insurance")
STAY_GAP_LABELS_ZH: Mapping[str, str] = {
    "wage_short": "薪资低于期望", "long_commute": "路远", "shift_conflict": "需倒班而本人不接受倒班",
    "no_insurance": "单位不缴五险",
}
STAY_GAP_LABELS_EN: Mapping[str, str] = {
    "wage_short": "Pay below their expectation", "long_commute": "A long commute",
    "shift_conflict": "Shift work they do not accept", "no_insurance": "No social insurance",
}

# ------------------------------------------------------------------- lookup
_TABLES: dict[str, tuple[tuple[str, ...], Mapping[str, str], Mapping[str, str]]] = {
    "district": (DISTRICTS, {d: d for d in DISTRICTS}, DISTRICTS_EN),
    "relation": (RELATIONS, RELATION_LABELS_ZH, RELATION_LABELS_EN),
    "group": (PRIORITY_GROUPS, PRIORITY_LABELS_ZH, PRIORITY_LABELS_EN),
    "education": (tuple(str(i) for i in range(len(EDUCATION_LEVELS))),
                  {str(i): t for i, t in enumerate(EDUCATION_LEVELS)},
                  {str(i): t for i, t in enumerate(EDUCATION_LEVELS_EN)}),
    "outcome": (OUTCOMES, OUTCOME_LABELS_ZH, OUTCOME_LABELS_EN),
    "leave_reason": (LEAVE_REASONS, LEAVE_REASON_LABELS_ZH, LEAVE_REASON_LABELS_EN),
    "list_shown": (LISTS_SHOWN, LIST_SHOWN_LABELS_ZH, LIST_SHOWN_LABELS_EN),
    "dimension": (DIMENSIONS, DIMENSION_LABELS_ZH, DIMENSION_LABELS_EN),
    "outcome_risk": (OUTCOME_RISKS, OUTCOME_RISK_LABELS_ZH, OUTCOME_RISK_LABELS_EN),
    "stay_gap": (STAY_GAPS, STAY_GAP_LABELS_ZH, STAY_GAP_LABELS_EN),
}
_ALIASES: dict[str, Mapping[str, str]] = {
    "group": GROUP_ALIASES, "outcome": OUTCOME_ALIASES, "leave_reason": LEAVE_REASON_ALIASES,
}
for _kind, (_codes, _zh, _en) in _TABLES.items():  # the tables must agree: checked at import
    if _kind not in _ALIASES:
        _ALIASES[_kind] = _aliases(_codes, _zh, _en, {})
    if set(_zh) != set(_codes) or set(_en) != set(_codes):
        raise ValueError(f"vocabulary {_kind!r}: labels do not cover exactly its codes")
del _kind, _codes, _zh, _en

#: The kinds :func:`label` knows.
KINDS: tuple[str, ...] = tuple(_TABLES)


def _is_missing(code: object) -> bool:
    """None, NaN, ``pd.NA``/``NaT``: no code at all."""
    if code is None:
        return True
    try:
        return bool(code != code)  # noqa: PLR0124 - NaN is the only value unequal to itself
    except (TypeError, ValueError):  # pd.NA refuses bool()
        return True


def _key(code: object) -> str:
    """The table key of a code: education levels may come as ints, floats or numpy ints."""
    if isinstance(code, str):
        return code
    if isinstance(code, float) and code.is_integer():
        return str(int(code))
    return str(code)


def codes(kind: str) -> tuple[str, ...]:
    """The codes of ``kind`` in their canonical order (education: ``"0"``..``"6"``)."""
    if kind not in _TABLES:
        raise ValueError(f"unknown vocabulary kind {kind!r}; expected one of {', '.join(KINDS)}")
    return _TABLES[kind][0]


def labels(kind: str, lang: str = "zh") -> dict[str, str]:
    """Code -> label for ``kind`` in ``lang``, in canonical order (a new dict)."""
    codes(kind)
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    all_codes, zh, en = _TABLES[kind]
    table = zh if lang == "zh" else en
    return {c: table[c] for c in all_codes}


def label(kind: str, code: object, lang: str = "zh") -> str:
    """The label of ``code`` in ``lang`` (``"zh"`` or ``"en"``).

    An unknown kind, code or language gives the code back unchanged (as text),
    so a face can show any stored value; a missing value (None, NaN, ``pd.NA``)
    gives ``""``.
    ``label("group", "4045", "en") == "4045 person"``;
    ``label("education", 3) == "大专"``; ``label("district", "成都") == "成都"``.
    """
    if _is_missing(code):
        return ""
    key = _key(code)
    table = _TABLES.get(kind)
    if table is None:
        return key
    text = (table[1] if lang == "zh" else table[2] if lang == "en" else {}).get(key)
    return key if text is None else text


def code_of(kind: str, text: object) -> str | None:
    """The code a hand-typed ``text`` names (a code, a label or an accepted spelling), else None.

    ``code_of("outcome", "已录用") == "hired"``; ``code_of("leave_reason", "路远") == "commute"``;
    ``code_of("group", "Rural migrant worker") == "rural_migrant"``. Districts accept
    only the canonical name and the English name here; free text (``攀枝花市东区炳草岗``)
    is read by :func:`matcher.normalise.districts.parse_district`.
    """
    codes(kind)
    if _is_missing(text):
        return None
    return _ALIASES[kind].get(spelling_key(_key(text)))
