"""The input format as a person reads it, generated from :mod:`matcher.schema`.

:func:`describe` lists, for one file kind (``seekers``, ``vacancies``,
``outcomes``), every column the loader knows: its English name, the Chinese
headers accepted for it, whether it is required and its type. :func:`types_used`
explains each type: what a cell may hold and a few example cells, each shown
with what the engine's own normaliser reads from it. The examples are parsed
when the help is built, so the help shows what the code does today and cannot
drift from it. ``matcher schema`` prints this; ``docs/input-format.md`` is the
long form.

Everything here is text in Chinese (``lang="zh"``) or English (``"en"``);
nothing reads or writes files.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matcher.normalise import dates, districts, education, lists, people, wages, yesno
from matcher.schema import OUTCOME_ZH, OUTCOMES, TABLES, Column

__all__ = ["KINDS", "LANGS", "ColumnHelp", "TypeHelp", "describe", "types_used", "render_text",
           "render_markdown", "as_json"]

KINDS: tuple[str, ...] = tuple(TABLES)
LANGS: tuple[str, ...] = ("zh", "en")

TABLE_LABEL = {
    "seekers": {"zh": "求职者", "en": "jobseekers"},
    "vacancies": {"zh": "岗位", "en": "vacancies (posts)"},
    "outcomes": {"zh": "推荐结果（事件记录）", "en": "referral outcomes (event log)"},
}

TYPE_LABEL = {
    "id": ("编号", "id"), "text": ("文本", "text"), "personal": ("个人信息", "personal data"),
    "gender": ("性别", "gender"), "date": ("日期", "date"), "age": ("年龄", "age"),
    "district": ("区县", "district"), "districts": ("区县列表", "district list"),
    "hukou": ("户籍", "household registration"), "education": ("学历", "education"),
    "list": ("列表", "list"), "experience": ("工作经历", "experience"), "wage": ("薪资", "wage"),
    "yesno": ("是/否", "yes/no"), "groups": ("重点群体", "priority groups"), "int": ("整数", "whole number"),
    "outcome": ("结果", "outcome"),
}

_SEPARATORS = "; ； 、 , ， | /"


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# ---------------------------------------------------------------- rendering parse results
def _yuan(v: float | None) -> str:
    return "" if v is None else f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _show_wage(cell: str, lang: str) -> str:
    p = wages.parse_wage(cell)
    if p.negotiable and p.min is None and p.max is None:
        return _t(lang, "面议（薪资未知，不扣分）", "negotiable (wage unknown, no penalty)")
    if p.min is None and p.max is None:
        return _t(lang, "无法识别（警告）", "not understood (warning)")
    if p.min is not None and p.max is not None:
        amount = _yuan(p.min) if p.min == p.max else f"{_yuan(p.min)}–{_yuan(p.max)}"
    elif p.min is not None:
        amount = f"≥ {_yuan(p.min)}"
    else:
        amount = f"≤ {_yuan(p.max)}"
    text = amount + _t(lang, " 元/月", " yuan/month")
    period = next((f for f in p.flags if f.startswith("per_") and f != "per_month"), None)
    if period:
        factor = wages.WAGE_FACTORS[period]
        factor_s = f"÷ {1 / factor:g}" if factor < 1 else f"× {factor:g}"
        text += f" ({factor_s})"
    if "commission" in p.flags:
        text += _t(lang, "（底薪，提成不计）", " (base pay; commission not counted)")
    return text


def _show_education(cell: str, lang: str) -> str:
    p = education.parse_education(cell)
    if p.status == "missing":
        return _t(lang, "无要求", "no requirement")
    if p.level is None:
        return _t(lang, "无法识别（警告）", "not understood (warning)")
    return f"{p.level} {education.education_label(p.level, lang)}"


def _show_date(cell: str, lang: str) -> str:
    day, status = dates.parse_date(cell)
    return day.isoformat() if day is not None else _t(lang, "不是日期（警告）", "not a date (warning)")


def _show_age(cell: str, lang: str) -> str:
    age, _ = dates.parse_age(cell)
    return _t(lang, f"{age} 岁", f"{age} years") if age is not None else _t(lang, "无法识别", "not understood")


def _district_text(p: districts.DistrictParse, lang: str) -> str:
    if p.klass == "outside":
        return _t(lang, "市外", "outside the city")
    if p.klass == "unknown":
        return _t(lang, "无法识别（警告）", "not recognised (warning)")
    if p.name is None:
        return _t(lang, "市内，区县不明", "in the city, district not given")
    return p.name if lang == "zh" else f"{p.name} ({districts.DISTRICTS_EN.get(p.name, p.name)})"


def _show_district(cell: str, lang: str) -> str:
    return _district_text(districts.parse_district(cell), lang)


def _show_districts(cell: str, lang: str) -> str:
    return " | ".join(_district_text(districts.parse_district(x), lang) for x in lists.split_list(cell))


def _show_list(cell: str, lang: str) -> str:
    return " | ".join(lists.split_list(cell))


def _show_experience(cell: str, lang: str) -> str:
    items, _ = lists.parse_experience(cell)
    out = []
    for title, years in items:
        if years is None:
            out.append(title)
        else:
            out.append(f"{title} ({years:g} " + _t(lang, "年)", "years)"))
    return " | ".join(out)


def _show_yesno(cell: str, lang: str) -> str:
    value, _ = yesno.parse_yesno(cell)
    if value is None:
        return _t(lang, "无法识别（警告）", "not understood (warning)")
    return (_t(lang, "是", "yes") if value else _t(lang, "否", "no"))


def _show_gender(cell: str, lang: str) -> str:
    code, _ = people.parse_gender(cell)
    return {"F": _t(lang, "女", "female"), "M": _t(lang, "男", "male")}.get(
        code or "", _t(lang, "不识别（不猜测）", "not recognised (not guessed)"))


def _show_hukou(cell: str, lang: str) -> str:
    code, _ = people.parse_hukou(cell)
    return {"urban": _t(lang, "城镇", "urban"), "rural": _t(lang, "农村", "rural")}.get(
        code or "", _t(lang, "无法识别", "not recognised"))


def _group_label(code: str, lang: str) -> str:
    table = people.PRIORITY_LABELS_ZH if lang == "zh" else people.PRIORITY_LABELS_EN
    return f"{code} ({table.get(code, code)})"


def _show_groups(cell: str, lang: str) -> str:
    codes, unknown = people.parse_priority_groups(cell)
    shown = [_group_label(c, lang) for c in codes]
    shown += [_t(lang, f"{u}：无法识别", f"{u}: not recognised") for u in unknown]
    return " | ".join(shown)


def _show_outcome(cell: str, lang: str) -> str:
    value = OUTCOME_ZH.get(cell, cell.lower())
    return value if value in OUTCOMES else _t(lang, "无法识别（拒收）", "not understood (rejected)")


def _show_age_requirement(cell: str, lang: str) -> str:
    lo, hi = people.parse_age_requirement(cell)
    if lo is None and hi is None:
        return _t(lang, "无年龄要求", "no age window")
    return f"{lo if lo is not None else '…'}–{hi if hi is not None else '…'}" + _t(lang, " 岁", " years")


def _show_gender_requirement(cell: str, lang: str) -> str:
    code = people.parse_gender_requirement(cell)
    if code is None:
        return _t(lang, "无限制", "no restriction")
    return _t(lang, f"要求{'女性' if code == 'F' else '男性'}（提示工作人员：合规问题）",
              f"asks for {'women' if code == 'F' else 'men'} (flagged to staff as a compliance issue)")


# ---------------------------------------------------------------- type descriptions
@dataclass(frozen=True)
class TypeHelp:
    """One column type: what a cell may hold, and example cells with their reading."""

    kind: str
    label: str
    accepts: str
    examples: tuple[tuple[str, str], ...]  # (cell as written, what the engine reads)


def _examples(cells: Sequence[str], show: Callable[[str, str], str], lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((c, show(c, lang)) for c in cells)


def _towns_sample() -> str:
    """The first distinctive town of each division, from the normaliser's table."""
    first: dict[str, str] = {}
    for town, (district, generic) in districts.TOWNS.items():
        if not generic and district not in first:
            first[district] = town
    return "、".join(first[d] for d in districts.DISTRICTS if d in first)


def _type_help(kind: str, lang: str, table: str) -> TypeHelp:
    zh_label, en_label = TYPE_LABEL.get(kind, (kind, kind))
    label = _t(lang, zh_label, en_label)
    yes_words = [w for w in ("是", "有", "yes", "y", "true", "1", "✓", "包吃住", "五险一金", "倒班") if w in yesno.YES]
    no_words = [w for w in ("否", "无", "no", "n", "false", "0", "✗", "不包", "不倒班", "长白班") if w in yesno.NO]
    levels = "、".join(f"{i} {name}" for i, name in enumerate(education.LEVELS))
    levels_en = "; ".join(f"{i} {name}" for i, name in enumerate(education.LEVELS_EN))
    f = wages.WAGE_FACTORS
    spec: dict[str, tuple[str, str, Sequence[str], Callable[[str, str], str] | None]] = {
        "id": (("任意文本，须是求职者/岗位文件中已接收的编号；缺少或找不到编号的行被拒收。",
                "any text naming a seeker / vacancy accepted from those files; a row without one, or naming "
                "an unknown one, is rejected.", (), None) if table == "outcomes" else
               ("任意文本，在文件内唯一。缺少编号或与前面重复的行被拒收（重复时保留第一行）。",
                "any text, unique within the file. A row without an id, or repeating an earlier id, is "
                "rejected (the first copy is kept).", (), None)),
        "text": ("自由文本，原样保留。", "free text, kept as written.", (), None),
        "personal": ("自由文本。个人信息：界面中遮蔽，绝不写入日志。",
                     "free text. Personal data: masked in the web UI and never written to a log.", (), None),
        "gender": ("女/男、F/M、female/male、女性/男性。其他代码（如 1/2）各系统含义不同，不作猜测。"
                   "只用于推导“4045”群体和公平性检查，从不参与评分。",
                   "女/男, F/M, female/male, 女性/男性. Other codes (such as 1/2) differ between systems and "
                   "are not guessed. Used only to derive the 4045 group and for fairness audits; never scored.",
                   ("女", "M", "male", "女性", "1"), _show_gender),
        "date": ("年-月-日的常见写法、只有年月（取1日）、Excel 日期序号。只写年份不算日期。",
                 "the usual year-month-day spellings, year and month only (day 1), Excel serial numbers. "
                 "A year alone is not a date.",
                 ("2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "20240305", "2024-03", "45356", "1975"),
                 _show_date),
        "age": (f"整周岁 {dates.MIN_AGE}–{dates.MAX_AGE}，可带“岁/周岁”。有出生日期时按出生日期和参考日期计算。",
                f"whole years {dates.MIN_AGE}-{dates.MAX_AGE}, optionally with 岁/周岁. When a birth date "
                "is given the age is computed from it on the reference date.",
                ("45", "45岁", "45周岁", "200"), _show_age),
        "district": ("攀枝花的五个区县（" + "、".join(districts.DISTRICTS) + "）及简称、乡镇街道（如 "
                     + _towns_sample() + "）、拼音；带“四川省攀枝花市”前缀也可。其他城市（成都、西昌…）算作市外。",
                     "Panzhihua's five divisions (" + ", ".join(districts.DISTRICTS) + ") and their short forms, "
                     "their towns and sub-districts (e.g. " + _towns_sample() + "), pinyin; a 四川省攀枝花市 "
                     "prefix is fine. Other cities (成都, 西昌 …) count as outside the city.",
                     ("东区", "仁和", "炳草岗", "攀枝花市东区炳草岗街道", "Miyi County", "攀枝花", "成都", "火星"),
                     _show_district),
        "districts": ("区县列表（写法同“区县”，分隔符同列表）；空表示不限。",
                      "a list of districts (spelled as for district, separated as for lists); empty means "
                      "anywhere.", ("东区、仁和区", "米易;盐边县"), _show_districts),
        "hukou": ("城镇/农村、非农业/农业（户口）、urban/rural。只用于推导“农民工”群体，从不参与评分。",
                  "城镇/农村, 非农业/农业 (户口), urban/rural. Used only to derive the rural-migrant group; "
                  "never scored.", ("城镇", "农村", "非农业户口", "rural"), _show_hukou),
        "education": ("七个等级：" + levels + "。也认 专科、高职、中职、技校、大学本科、研究生 等写法和英文；"
                      "“不限/无”表示无要求；同时写几个等级取最低；认不出的保留原文并警告，不作猜测。",
                      "seven ordered levels: " + levels_en + ". Variants such as 专科, 高职, 中职, 技校, 大学本科, "
                      "研究生 and English words are read too; 不限/无 means no requirement; several levels in one "
                      "cell give the lowest; anything else is kept as written with a warning, never guessed.",
                      ("初中", "中专", "高职", "大专及以上", "大学本科", "研究生", "high school", "不限", "20"),
                      _show_education),
        "list": (f"多个条目，用 {_SEPARATORS} 或换行分隔；重复的只留一个。",
                 f"several items separated by {_SEPARATORS} or a new line; duplicates are dropped.",
                 ("焊工；电工、叉车", "welding, cutting", "Welding; HMI/SCADA; Excel"), _show_list),
        "experience": ("“岗位:年限”的列表（年限可省略），也认“岗位 20年”“岗位(20年)”；年限可写 20、20年、半年、"
                       "3个月、20多年、3-5年。",
                       "a list of title:years items (years optional); title 20年 and title(20年) are read too, and the "
                       "years may be 20, 20年, 半年, 3个月, 20多年, 3-5年 or 2 years.",
                       ("炼钢工:20; 保安:2", "炼钢工 20年、保洁(半年)", "保安:3个月", "Welders:2 years"),
                       _show_experience),
        "wage": (f"按月折算为元：日薪 × {f['per_day']:g}，时薪 × {f['per_hour']:g}，周薪 × {f['per_week']:g}，"
                 f"年薪 ÷ 12；千/K × 1000，万/W × 10000；“面议”为未知；“底薪+提成”只计底薪；"
                 f"月薪不在 {wages.MIN_PLAUSIBLE:,.0f}–{wages.MAX_PLAUSIBLE:,.0f} 元之间视为不可信（保留原文并警告）。",
                 f"read as yuan per month: per day × {f['per_day']:g}, per hour × {f['per_hour']:g}, per week × "
                 f"{f['per_week']:g}, per year ÷ 12; 千/K × 1,000, 万/W × 10,000; 面议 (negotiable) is unknown; "
                 f"底薪+提成 counts the base pay only; a monthly value outside {wages.MIN_PLAUSIBLE:,.0f}-"
                 f"{wages.MAX_PLAUSIBLE:,.0f} yuan is implausible (kept as written, with a warning).",
                 ("3000-5000元/月", "3千-5千", "4K-6K", "1.2万", "3000以上", "面议", "150元/天", "20元/小时",
                  "年薪6万", "底薪2000+提成", "看能力"), _show_wage),
        "yesno": ("是：" + "、".join(yes_words) + " 等；否：" + "、".join(no_words) + " 等。其他写法视为未知（警告）。",
                  "yes: " + ", ".join(yes_words) + " and more; no: " + ", ".join(no_words)
                  + " and more. Anything else is unknown (warning).",
                  ("是", "无", "1", "包吃住", "不接受倒班", "看情况"), _show_yesno),
        "groups": ("重点群体列表：" + "、".join(f"{c}（{people.PRIORITY_LABELS_ZH[c]}）" for c in people.PRIORITY_GROUPS)
                   + "。“4045”也会按性别、年龄和失业登记推导，“农民工”按农村户籍推导。",
                   "a list of priority groups: " + ", ".join(f"{c} ({people.PRIORITY_LABELS_ZH[c]})"
                                                            for c in people.PRIORITY_GROUPS)
                   + ". The 4045 group is also derived from gender, age and unemployment registration, the "
                   "rural-migrant group from a rural hukou.",
                   ("4045人员、农民工", "4050", "退役军人;残疾人", "低保户"), _show_groups),
        "int": ("正整数，可带“人/名”；读不出时按 1 计并警告。", "a whole number ≥ 1, optionally with 人/名; "
                "anything else counts as 1, with a warning.", (), None),
        "outcome": ("取值之一：" + "、".join(f"{o}（{_zh_outcome(o)}）" for o in OUTCOMES) + "。认不出的行被拒收。",
                    "one of: " + ", ".join(f"{o} ({_zh_outcome(o)})" for o in OUTCOMES)
                    + ". A row with any other value is rejected.",
                    tuple(_zh_outcome(o) for o in OUTCOMES[:2]) + (OUTCOMES[-1], "成功"), _show_outcome),
    }
    if kind not in spec:
        return TypeHelp(kind, label, _t(lang, "见 docs/input-format.md。", "see docs/input-format.md."), ())
    zh, en, cells, show = spec[kind]
    return TypeHelp(kind, label, _t(lang, zh, en), _examples(cells, show, lang) if show else ())


def _zh_outcome(code: str) -> str:
    """The longest Chinese spelling the loader accepts for an outcome code."""
    names = [zh for zh, c in OUTCOME_ZH.items() if c == code]
    return max(names, key=len) if names else code


# ---------------------------------------------------------------- columns
#: Remarks on single columns beyond their type: (table, column) -> (zh, en).
_NOTES: dict[tuple[str, str], tuple[str, str]] = {
    ("seekers", "birth_date"): ("或给“年龄”；都有时以出生日期为准。", "or give age; when both are given the birth date wins."),
    ("seekers", "registered_on"): ("有登记日期即视为登记失业（用于推导“4045”）。",
                                   "a date here means registered unemployed (used to derive 4045)."),
    ("seekers", "preferred_districts"): ("空表示不限。", "empty means anywhere."),
    ("vacancies", "title"): ("缺少岗位名称的行被拒收。", "a row without a title is rejected."),
    ("vacancies", "csco_code"): ("2022 年职业分类代码，形如 6-18-02-04；空或格式不对时按岗位名称编码。",
                                 "2022 classification code such as 6-18-02-04; coded from the title when empty "
                                 "or malformed."),
    ("vacancies", "education_min"): ("空或“不限”表示无要求。", "empty or 不限 means no requirement."),
    ("vacancies", "wage"): ("或分两列 wage_min / wage_max。", "or two columns wage_min / wage_max."),
    ("vacancies", "openings"): ("默认 1。", "default 1."),
    ("vacancies", "age_requirement"): ("如“18-45岁”“45岁以下”；过窄的年龄段提示工作人员，从不排除任何人。",
                                       "e.g. 18-45岁, 45岁以下; a narrow window is flagged to staff, never used "
                                       "to exclude anyone."),
    ("vacancies", "gender_requirement"): ("只作为合规问题提示工作人员，从不排除任何人。",
                                          "only flagged to staff as a compliance issue; never excludes anyone."),
    ("vacancies", "public_welfare"): ("公益性岗位：专为就业困难人员开发。", "a post reserved for hard-to-employ persons."),
    ("outcomes", "date"): ("缺少或无法识别的日期整行拒收。", "a row without a readable date is rejected."),
    ("vacancies", "expires_on"): ("截止日期已过的岗位不参与匹配。", "a post past this date is not matched."),
}

#: Example cells for single columns read by a parser other than their type's.
_COLUMN_EXAMPLES: dict[tuple[str, str], tuple[Sequence[str], Callable[[str, str], str]]] = {
    ("vacancies", "age_requirement"): (("18-45岁", "45岁以下", "年满18周岁", "不限"), _show_age_requirement),
    ("vacancies", "gender_requirement"): (("限女", "男性优先", "男女不限"), _show_gender_requirement),
}


@dataclass(frozen=True)
class ColumnHelp:
    """One input column as a person reads it."""

    name: str
    headers_zh: tuple[str, ...]
    required: bool
    kind: str
    type_label: str
    note: str
    examples: tuple[tuple[str, str], ...] = ()


def _check(kind: str, lang: str) -> None:
    if kind not in TABLES:
        raise ValueError(f"Unknown file kind {kind!r}; expected one of {', '.join(TABLES)}")
    if lang not in LANGS:
        raise ValueError(f"Unknown language {lang!r}; expected one of {', '.join(LANGS)}")


def describe(kind: str, lang: str = "zh") -> list[ColumnHelp]:
    """The columns of one file kind, in the order :mod:`matcher.schema` lists them."""
    _check(kind, lang)
    out = []
    for col in TABLES[kind]:
        out.append(_column(kind, col, lang))
    return out


def _column(kind: str, col: Column, lang: str) -> ColumnHelp:
    zh_label, en_label = TYPE_LABEL.get(col.kind, (col.kind, col.kind))
    note = _NOTES.get((kind, col.name))
    examples: tuple[tuple[str, str], ...] = ()
    if (kind, col.name) in _COLUMN_EXAMPLES:
        cells, show = _COLUMN_EXAMPLES[(kind, col.name)]
        examples = _examples(cells, show, lang)
    return ColumnHelp(col.name, tuple(col.zh) + tuple(col.aliases), col.required, col.kind,
                      _t(lang, zh_label, en_label), _t(lang, *note) if note else "", examples)


def types_used(kind: str, lang: str = "zh") -> list[TypeHelp]:
    """The types the columns of ``kind`` use, first use first, each explained once."""
    _check(kind, lang)
    seen: list[str] = []
    for col in TABLES[kind]:
        if col.kind not in seen:
            seen.append(col.kind)
    return [_type_help(k, lang, kind) for k in seen]


# ---------------------------------------------------------------- renderers
def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def render_text(kinds: Sequence[str], lang: str = "zh") -> str:
    """Plain-text help for the terminal (``matcher schema``)."""
    lines: list[str] = []
    for kind in kinds:
        cols = describe(kind, lang)
        title = TABLE_LABEL[kind][lang]
        lines.append(f"== {kind}: {title} ==")
        head = (_t(lang, "列名", "column"), _t(lang, "中文表头", "Chinese headers"),
                _t(lang, "必填", "required"), _t(lang, "类型", "type"))
        rows = [(c.name, " / ".join(c.headers_zh), _t(lang, "是", "yes") if c.required else "",
                 c.type_label) for c in cols]
        widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(3)]
        lines.append("  " + "  ".join(_pad(head[i], widths[i]) for i in range(3)) + "  " + head[3])
        for col, r in zip(cols, rows):
            lines.append("  " + "  ".join(_pad(r[i], widths[i]) for i in range(3)) + "  " + r[3])
            if col.note:
                lines.append("      " + col.note)
            for cell, reading in col.examples:
                lines.append(f"      {cell}  →  {reading}")
        lines.append("")
        lines.append(_t(lang, "-- 各类型的写法 --", "-- how each type may be written --"))
        for th in types_used(kind, lang):
            lines.append(f"[{th.label}] {th.accepts}")
            for cell, reading in th.examples:
                lines.append(f"    {cell}  →  {reading}")
        lines.append("")
    lines.append(_t(lang,
                    "列名可用英文名或任一中文表头，不区分大小写，忽略首尾空格；未列出的列原样保留。"
                    "文件：CSV（UTF-8、带 BOM 的 UTF-8、GB18030/GBK）、XLSX 或 Parquet。详见 docs/input-format.md。",
                    "Headers may be the English name or any Chinese header, case-insensitive, surrounding spaces "
                    "ignored; columns not listed are kept untouched. Files: CSV (UTF-8, UTF-8 with BOM, "
                    "GB18030/GBK), XLSX or Parquet. Full description: docs/input-format.md."))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(kinds: Sequence[str], lang: str = "zh") -> str:
    """The column tables as Markdown (for a help page or a document)."""
    out: list[str] = []
    for kind in kinds:
        out.append(f"### {kind}: {TABLE_LABEL[kind][lang]}\n")
        out.append("| " + " | ".join((_t(lang, "列名", "column"), _t(lang, "中文表头", "Chinese headers"),
                                      _t(lang, "必填", "required"), _t(lang, "类型", "type"),
                                      _t(lang, "说明", "notes"))) + " |")
        out.append("|---|---|---|---|---|")
        for c in describe(kind, lang):
            out.append(f"| `{c.name}` | {_md(' / '.join(c.headers_zh))} | "
                       f"{_t(lang, '是', 'yes') if c.required else ''} | {c.type_label} | {_md(c.note)} |")
        out.append("")
    return "\n".join(out)


def as_json(kinds: Sequence[str], lang: str = "zh") -> dict:
    """Everything above as plain data: ``{kind: {"columns": [...], "types": [...]}}``."""
    data: dict = {}
    for kind in kinds:
        data[kind] = {
            "label": TABLE_LABEL[kind][lang],
            "columns": [{"name": c.name, "headers_zh": list(c.headers_zh), "required": c.required,
                         "type": c.kind, "type_label": c.type_label, "note": c.note,
                         "examples": [list(e) for e in c.examples]} for c in describe(kind, lang)],
            "types": [{"type": t.kind, "label": t.label, "accepts": t.accepts,
                       "examples": [list(e) for e in t.examples]} for t in types_used(kind, lang)],
        }
    return data
