"""The input contract (documented for users in ``docs/input-format.md`` and
printed by ``matcher schema``) and the normalised frames.

Input columns may be given by their English name or their Chinese header;
matching is case-insensitive and ignores surrounding spaces. Columns not
listed here are kept and passed through untouched.

Normalised frames (what :mod:`matcher.io.loader` returns and what the
matching core consumes) have these columns; list cells are Python lists,
missing scalars are ``None`` / ``NaN`` / ``pd.NA``.

Seekers
    ``seeker_id`` str; ``name``, ``id_number``, ``phone`` str or None
    (personal data: never logged); ``gender`` ``"F"``/``"M"``/None;
    ``age`` Int64 (years, from ``age`` or ``birth_date``); ``birth_date``
    datetime64; ``district`` canonical district name or the raw text;
    ``district_class`` ``"city"``/``"outside"``/``"unknown"``; ``hukou``
    ``"urban"``/``"rural"``/None; ``education_level`` Int64 0..6 (see
    :data:`matcher.normalise.education.LEVELS`) or <NA>; ``education_raw``
    str; ``skills``, ``certificates``, ``desired_titles`` list[str];
    ``experience`` list[tuple[str, float | None]] (title, years);
    ``summary`` str; ``expected_wage_min``/``expected_wage_max`` float
    yuan/month (NaN when unknown); ``expected_wage_negotiable`` bool;
    ``preferred_districts`` list[str] (canonical; empty = anywhere);
    ``accepts_shift_work`` boolean (<NA> = unknown);
    ``priority_groups`` list[str] of canonical codes (declared plus derived);
    ``is_4045``, ``is_rural_migrant`` bool; ``registered_on`` datetime64;
    ``source_row`` int (row number as the user sees it in Excel).

Vacancies
    ``vacancy_id``, ``employer``, ``title``, ``description`` str;
    ``csco_code`` str or None; ``required_skills``, ``preferred_skills``,
    ``certificates_required`` list[str]; ``education_min_level`` Int64 or
    <NA> (none required); ``education_raw`` str; ``wage_min``/``wage_max``
    float yuan/month (NaN when unknown); ``wage_negotiable`` bool;
    ``wage_raw`` str; ``openings`` int >= 1; ``district``/``district_class``
    as for seekers; ``shift_work``, ``lodging``, ``social_insurance``,
    ``public_welfare`` boolean; ``age_min``/``age_max`` Int64;
    ``gender_requirement`` ``"F"``/``"M"``/None; ``gender_requirement_raw``
    str; ``posted_on``/``expires_on`` datetime64; ``source_row`` int.

Outcomes
    ``seeker_id``, ``vacancy_id`` str; ``date`` datetime64; ``outcome`` one of
    :data:`OUTCOMES`; ``reason`` str (for ``left``: a code of
    :data:`LEFT_REASONS` when recognised, else the text as written);
    ``rank_shown`` Int64 (<NA> when found by search or not recorded);
    ``list_shown`` one of :data:`LISTS_SHOWN` or ``""``; ``staff`` str;
    ``source_row`` int. Events out of order for one pair are rejected (see
    :func:`matcher.outcomes.events.check_order`).

Codes and their labels (districts, priority groups, education levels,
outcomes, leave reasons) come from the one vocabulary, :mod:`matcher.vocab`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from matcher import vocab


@dataclass(frozen=True)
class Column:
    """One input column: English name, Chinese header(s), kind, required."""

    name: str
    zh: tuple[str, ...]
    kind: str  # id|text|personal|gender|date|age|district|hukou|education|list|experience|wage|districts|yesno|groups|int|outcome
    required: bool = False
    aliases: tuple[str, ...] = field(default=())


SEEKER_COLUMNS: tuple[Column, ...] = (
    Column("seeker_id", ("求职者编号", "编号", "求职者ID"), "id", True),
    Column("name", ("姓名",), "personal"),
    Column("id_number", ("身份证号", "身份证号码"), "personal"),
    Column("phone", ("电话", "联系电话", "手机", "手机号"), "personal"),
    Column("gender", ("性别",), "gender"),
    Column("birth_date", ("出生日期",), "date"),
    Column("age", ("年龄",), "age"),
    Column("district", ("所在区县", "居住区县", "区县"), "district"),
    Column("hukou", ("户籍", "户口性质", "户籍性质"), "hukou"),
    Column("education", ("学历", "文化程度"), "education"),
    Column("skills", ("技能", "技能特长"), "list"),
    Column("certificates", ("证书", "职业资格证书"), "list"),
    Column("experience", ("工作经历",), "experience"),
    Column("summary", ("个人简介", "简介"), "text"),
    Column("desired_titles", ("求职意向", "意向岗位"), "list"),
    Column("expected_wage", ("期望薪资", "期望工资", "期望月薪"), "wage"),
    Column("preferred_districts", ("意向区县", "意向工作地点"), "districts"),
    Column("accepts_shift_work", ("接受倒班",), "yesno"),
    Column("priority_groups", ("重点群体", "人员类别"), "groups"),
    Column("registered_on", ("登记日期", "失业登记日期"), "date"),
)

VACANCY_COLUMNS: tuple[Column, ...] = (
    Column("vacancy_id", ("岗位编号", "职位编号", "岗位ID"), "id", True),
    Column("employer", ("用人单位", "招聘单位", "企业名称"), "text"),
    Column("title", ("岗位名称", "职位名称", "招聘岗位"), "text", True),
    Column("description", ("岗位描述", "岗位职责", "职位描述"), "text"),
    Column("csco_code", ("职业代码",), "text"),
    Column("required_skills", ("技能要求",), "list"),
    Column("preferred_skills", ("优先技能",), "list"),
    Column("certificates_required", ("证书要求",), "list"),
    Column("education_min", ("学历要求",), "education"),
    Column("wage", ("薪资", "薪酬", "工资待遇", "月薪"), "wage"),
    Column("wage_min", ("最低薪资", "薪资下限"), "wage"),
    Column("wage_max", ("最高薪资", "薪资上限"), "wage"),
    Column("openings", ("招聘人数",), "int"),
    Column("district", ("工作地点", "工作区县"), "district"),
    Column("shift_work", ("倒班",), "yesno"),
    Column("lodging", ("包吃住",), "yesno"),
    Column("social_insurance", ("五险", "社会保险", "五险一金"), "yesno"),
    Column("age_min", ("最低年龄",), "age"),
    Column("age_max", ("最高年龄",), "age"),
    Column("age_requirement", ("年龄要求",), "text"),
    Column("gender_requirement", ("性别要求",), "text"),
    Column("public_welfare", ("公益性岗位",), "yesno"),
    Column("posted_on", ("发布日期",), "date"),
    Column("expires_on", ("截止日期", "有效期至"), "date"),
)

OUTCOME_COLUMNS: tuple[Column, ...] = (
    Column("seeker_id", ("求职者编号",), "id", True),
    Column("vacancy_id", ("岗位编号",), "id", True),
    Column("date", ("日期",), "date", True),
    Column("outcome", ("结果",), "outcome", True),
    Column("reason", ("原因", "离职原因"), "text"),
    Column("rank_shown", ("推荐位次",), "int"),
    Column("list_shown", ("推荐列表",), "text"),
    Column("staff", ("经办人",), "text"),
)

#: Outcome codes of the event log (see :mod:`matcher.vocab`).
OUTCOMES: tuple[str, ...] = vocab.OUTCOMES
#: Accepted outcome spellings (codes, Chinese and English labels, variants such as
#: 录用/已录用) keyed as :func:`matcher.vocab.spelling_key` writes them -> code.
OUTCOME_ZH: dict[str, str] = vocab.OUTCOME_ALIASES
#: Reasons for leaving (``left`` events): code -> accepted spellings (see :mod:`matcher.vocab`).
LEFT_REASONS: dict[str, tuple[str, ...]] = {
    code: tuple(k for k, c in vocab.LEAVE_REASON_ALIASES.items() if c == code) for code in vocab.LEAVE_REASONS}
#: ``list_shown`` values: the staff list a referral was made from.
LISTS_SHOWN: tuple[str, ...] = vocab.LISTS_SHOWN

#: Personal-data columns: masked in the UI and never logged.
PERSONAL_COLUMNS = ("name", "id_number", "phone")

TABLES = {"seekers": SEEKER_COLUMNS, "vacancies": VACANCY_COLUMNS, "outcomes": OUTCOME_COLUMNS}
