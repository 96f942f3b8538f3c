"""A simulated Panzhihua labour market: seekers, vacancies and referral outcomes.

:func:`generate_city` draws a synthetic city that looks like the reference city
of ``docs/domain.md`` (the 2009 survey of the city's labour bureau) and
returns the three input tables as *raw text cells*, exactly as they are written
to CSV in the input format of ``docs/input-format.md`` (``matcher schema``);
:func:`write_city` writes them.

What is simulated
    * The five districts and counties of :mod:`matcher.vocab`,
      population-weighted (东区 0.30, 西区 0.13, 仁和区 0.22, 米易县 0.18,
      盐边县 0.17) plus a few seekers from outside the city (凉山州会理,
      云南华坪 ...), written in varied forms.
    * A hand-written trade catalogue (``generate_data/trades.json``): 64 trades
      of steel and vanadium-titanium, mining, chemicals, construction,
      transport, services, care work, mango farming, e-commerce, office and
      community posts, each with its 2022 classification code (CSCO), employer
      and everyday skill wording, certificates, minimum education, wage range
      (yuan per month, 2020s Panzhihua levels), shift, lodging and insurance
      likelihoods.
    * Seeker groups (shares of all seekers): ``4045`` 17 % (women 40-54, men
      50-59, registered unemployed, one state-enterprise trade for 15-30
      years), rural migrants 30 % (hukou rural; education drawn from the
      survey: 95.8 % junior-middle or less, 0.4 % college), graduates 12 %,
      other urban 41 %; overlays zero-employment families 3 %, disabled 2 %,
      veterans 2 %. Expected wages follow the wage of the wanted trade, the
      group and education; about 12 % ask far more than the market pays (the
      survey's "attitude" mismatch).
    * Vacancies with real occupation titles and employer-style noisy titles,
      all wage/education/yes-no spellings, about 5 % public-welfare posts,
      about 5 % with a gender restriction and about 25 % with an age window,
      some expired at ``as_of``.
    * Referral outcomes between existing ids, more often for good fits, with
      ``hired`` likelier when trade, wage and education fit.

Dirty rows
    With ``dirty=True`` a few rows are planted (about 0.2 % of each file, at
    least three per file): rows with no id, a second row re-using an id,
    a vacancy with an empty title, outcomes that reference an unknown seeker or
    vacancy (all *rejects*, inserted as extra rows, so the ``n_seekers`` /
    ``n_vacancies`` / outcome rows asked for stay intact), and seekers with an
    unreadable birth date or a nonsense expected wage (*warnings*: the row is
    kept, the cell is broken). Every planted row is listed in
    :attr:`City.planted_rejects`. ``dirty=False`` plants nothing and uses only
    education spellings a reader is expected to know.

The same ``seed`` (and ``as_of``) always gives byte-identical files. The work is
vectorised with numpy; light per-row string joins remain (100,000 seekers and
20,000 vacancies take a few seconds).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from matcher.core.settings import MatchSettings
from matcher.errors import SettingsError
from matcher.normalise.people import AGE_4045_FEMALE, AGE_4045_MALE
from matcher.schema import OUTCOME_COLUMNS, SEEKER_COLUMNS
from matcher.vocab import DISTRICTS, EDUCATION_LEVELS, PRIORITY_GROUPS, PRIORITY_LABELS_ZH

__all__ = [
    "City",
    "DEFAULT_AS_OF",
    "DISTRICTS",
    "EDUCATION_LEVELS",
    "EDUCATION_SPELLINGS",
    "GROUP_SHARES",
    "MIN_WAGE",
    "Trade",
    "generate_city",
    "load_trades",
    "write_city",
]

#: The date the simulated city is observed on (ages, expiries and registration
#: dates are relative to it). Fixed so that files are reproducible.
DEFAULT_AS_OF = date(2026, 11, 15)

#: Monthly minimum wage (yuan per month), the floor of posted wages: the matching
#: settings' default, so the simulated market and the engine agree.
MIN_WAGE = int(round(MatchSettings().minimum_wage))

#: Population weights of the districts and counties (:data:`DISTRICTS`, from
#: :mod:`matcher.vocab`, as are :data:`EDUCATION_LEVELS`).
DISTRICT_POP = np.array([{"东区": 0.30, "西区": 0.13, "仁和区": 0.22, "米易县": 0.18, "盐边县": 0.17}[d]
                         for d in DISTRICTS])
_N_DISTRICTS = len(DISTRICTS)

#: How each level is written in real files, with relative weights.
EDUCATION_SPELLINGS: dict[int, tuple[tuple[str, float], ...]] = {
    0: (("小学", 0.45), ("小学及以下", 0.25), ("小学文化", 0.15), ("文盲", 0.05), ("primary school", 0.10)),
    1: (("初中", 0.55), ("初级中学", 0.15), ("初中文化", 0.10), ("初中毕业", 0.10), ("junior high school", 0.10)),
    2: (("高中", 0.30), ("中专", 0.18), ("职高", 0.12), ("技校", 0.12), ("中职", 0.08), ("高中/中专", 0.08),
        ("high school", 0.07), ("技工学校", 0.05)),
    3: (("大专", 0.50), ("专科", 0.20), ("高职", 0.12), ("大学专科", 0.10), ("college", 0.08)),
    4: (("本科", 0.53), ("大学本科", 0.25), ("学士", 0.08), ("bachelor", 0.11), ("大學", 0.03)),
    5: (("研究生", 0.45), ("硕士", 0.35), ("硕士研究生", 0.10), ("master", 0.10)),
    6: (("博士", 0.8), ("博士研究生", 0.2)),
}
#: Spellings no reader should guess, as they name a way of study rather than a
#: level (planted only when ``dirty``, each listed as a warning).
UNKNOWN_EDUCATION = ("夜大", "自学", "函授", "电大")

#: Seeker groups and their shares (exact counts are drawn).
GROUP_SHARES: dict[str, float] = {"4045": 0.17, "rural_migrant": 0.30, "graduate": 0.12, "other": 0.41}
OVERLAY_SHARES: dict[str, float] = {"zero_employment_family": 0.03, "disabled": 0.02, "veteran": 0.02}

_GROUPS = tuple(GROUP_SHARES)
_EDU_P = {  # education level distribution per group
    "4045": [0.10, 0.50, 0.37, 0.03, 0.0, 0.0, 0.0],
    # survey: 95.82 % junior middle or less, 0.38 % college or more
    "rural_migrant": [0.300, 0.658, 0.038, 0.003, 0.001, 0.0, 0.0],
    "graduate": [0.0, 0.0, 0.0, 0.55, 0.42, 0.03, 0.0],
    "other": [0.03, 0.32, 0.42, 0.15, 0.07, 0.01, 0.0],
}
_FEMALE_P = {"4045": 0.55, "rural_migrant": 0.40, "graduate": 0.52, "other": 0.50}
_HAS_SKILLS_P = {"4045": 0.95, "rural_migrant": 0.55, "graduate": 0.60, "other": 0.85}
_CERT_P = {"4045": 0.45, "rural_migrant": 0.12, "graduate": 0.20, "other": 0.35}
_SHIFT_P = {"4045": 0.70, "rural_migrant": 0.60, "graduate": 0.30, "other": 0.50}
_WAGE_FACTOR = {"4045": 0.95, "rural_migrant": 0.88, "graduate": 1.15, "other": 0.97}
_DECLARE_P = {"4045": 0.75, "rural_migrant": 0.55, "graduate": 0.70, "zero_employment_family": 0.85,
              "disabled": 0.90, "veteran": 0.90}
#: priority_groups spellings: the code, and its Chinese name
_GROUP_NAMES = {g: (g, PRIORITY_LABELS_ZH[g]) for g in PRIORITY_GROUPS}
#: Where 4045 persons look for work when their own trade has few posts.
_TRANSITION = {"security": 3.0, "cleaner": 2.5, "warehouse": 1.5, "forklift": 1.0, "greening": 1.0,
               "community": 1.5, "loader": 0.8, "elderly_care": 1.2, "domestic": 1.0, "cashier": 0.6,
               "hospital_aide": 0.6, "grid": 0.5}

_DISTRICT_FORMS: dict[int, tuple[tuple[str, float], ...]] = {
    0: (("东区", 0.55), ("攀枝花市东区", 0.25), ("攀枝花东区", 0.08), ("东区炳草岗街道", 0.06), ("东区大渡口街道", 0.06)),
    1: (("西区", 0.55), ("攀枝花市西区", 0.25), ("西区格里坪镇", 0.1), ("西区清香坪街道", 0.1)),
    2: (("仁和区", 0.45), ("仁和", 0.25), ("攀枝花市仁和区", 0.15), ("仁和区大田镇", 0.08), ("仁和区平地镇", 0.07)),
    3: (("米易县", 0.45), ("米易", 0.30), ("攀枝花市米易县", 0.12), ("米易县攀莲镇", 0.08), ("米易县撒莲镇", 0.05)),
    4: (("盐边县", 0.45), ("盐边", 0.30), ("攀枝花市盐边县", 0.12), ("盐边县桐子林镇", 0.08), ("盐边县红格镇", 0.05)),
}
_OUTSIDE_FORMS = (("凉山州会理", 0.25), ("凉山州会理市", 0.15), ("云南华坪", 0.2), ("云南省丽江市华坪县", 0.1),
                  ("凉山州盐源县", 0.1), ("凉山州德昌县", 0.1), ("云南永仁县", 0.1))
_SECTOR_DISTRICT_P = {
    "steel": [0.45, 0.35, 0.15, 0.0, 0.05], "mining": [0.05, 0.20, 0.15, 0.30, 0.30],
    "chemicals": [0.30, 0.10, 0.30, 0.05, 0.25], "construction": [0.32, 0.13, 0.25, 0.15, 0.15],
    "transport": [0.35, 0.15, 0.30, 0.10, 0.10], "services": [0.45, 0.15, 0.20, 0.10, 0.10],
    "care": [0.45, 0.15, 0.20, 0.10, 0.10], "agriculture": [0.0, 0.0, 0.40, 0.35, 0.25],
    "ecommerce": [0.50, 0.10, 0.25, 0.10, 0.05], "office": [0.55, 0.15, 0.20, 0.05, 0.05],
    "public": [0.30, 0.13, 0.22, 0.18, 0.17],
}
_SECTOR_EMPLOYER_SUFFIX = {
    "steel": ("钢铁有限公司", "钒钛科技有限公司", "冶金有限责任公司", "钛业有限公司", "钒业有限公司", "特钢有限公司",
              "冶金集团炼钢分公司", "冶金集团轧钢分公司"),
    "mining": ("矿业有限责任公司", "矿产开发有限公司", "钒钛磁铁矿选矿厂", "矿业集团采矿分公司"),
    "chemicals": ("化工有限公司", "钛白粉有限公司", "新材料有限公司", "化工集团硫酸分厂"),
    "construction": ("建筑劳务有限公司", "建筑工程有限公司", "装饰工程有限公司", "建设集团有限公司", "钢结构工程有限公司"),
    "transport": ("物流有限公司", "运输有限公司", "货运有限公司", "速运有限公司", "公交有限公司"),
    "services": ("餐饮管理有限公司", "酒店有限公司", "商贸有限公司", "超市有限公司", "物业管理有限公司",
                 "保安服务有限公司", "汽车服务有限公司", "美容美发店"),
    "care": ("家政服务有限公司", "养老服务中心", "康养服务有限公司", "托育服务有限公司", "医院"),
    "agriculture": ("芒果种植专业合作社", "农业开发有限公司", "果业有限公司"),
    "ecommerce": ("电子商务有限公司", "网络科技有限公司", "农产品电商有限公司"),
    "office": ("科技有限公司", "会计服务有限公司", "人力资源服务有限公司", "工程咨询有限公司", "实业有限公司"),
    "public": ("街道办事处", "社区居民委员会", "镇人民政府"),
}
_TRADE_EMPLOYER_SUFFIX = {
    "nurse": ("医院", "社区卫生服务中心", "中医医院"), "preschool_teacher": ("幼儿园", "双语幼儿园"),
    "security": ("保安服务有限公司", "物业管理有限公司"), "cleaner": ("物业管理有限公司", "保洁服务有限公司", "酒店有限公司"),
    "cook": ("餐饮管理有限公司", "酒店有限公司", "火锅店"), "waiter": ("餐饮管理有限公司", "火锅店", "酒店有限公司"),
    "room_attendant": ("酒店有限公司", "宾馆"), "hairdresser": ("美容美发店", "美发工作室"),
    "auto_repair": ("汽车服务有限公司", "汽车销售服务有限公司"), "massage": ("保健按摩中心", "足浴店"),
    "greening": ("园林绿化有限公司", "物业管理有限公司"), "hospital_aide": ("医院", "护理服务有限公司"),
    "bus_driver": ("公交有限公司", "客运有限公司"), "courier": ("速运有限公司", "快递服务有限公司"),
    "delivery_rider": ("同城配送服务有限公司", "网络科技有限公司"), "software": ("软件有限公司", "信息技术有限公司"),
}
_BRAND_A = tuple("金华宏瑞兴恒鑫攀顺昌泰盛丰达通宝安康隆源德嘉瀚锦鼎辉祥新利永和众诚凯")
_BRAND_B = tuple("江城山海峰阳光川远发茂晟森林达泰祥旺润宇博创联晨骏峻盈福荣鹏信益")
_EMPLOYER_PREFIX = ("攀枝花市", "攀枝花", "攀西", "四川", "攀枝花市", "")
_STREETS = (("炳草岗", "大渡口", "东华", "弄弄坪", "瓜子坪", "银江"), ("清香坪", "格里坪", "玉泉", "河门口", "陶家渡"),
            ("仁和", "大河中路", "大田", "平地", "金江"), ("攀莲", "丙谷", "撒莲"), ("桐子林", "红格", "新九"))

_SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
                  "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_GIVEN_F = tuple("秀英华丽敏静燕芳玲娟红霞梅兰琴云萍婷雪慧洁琳倩颖丹莉凤桂珍春艳菊")
_GIVEN_M = tuple("伟强军勇杰涛明刚平辉斌超鹏华建国志林海波峰磊亮成东文德兵俊龙飞")
_GIVEN_ANY = tuple("子宇晓文佳思欣浩天一嘉雨俊小永学金")
_YI_NAMES_M = ("阿木", "吉克", "沙马", "阿苏", "曲比", "马黑")
_YI_NAMES_F = ("阿依", "吉克", "沙马", "阿果", "曲比", "海来")
_YI_GIVEN = ("拉则", "石布", "阿呷", "尔古", "日哈", "木呷", "伍各", "阿支")

_YES = (("是", 0.35), ("Y", 0.1), ("yes", 0.08), ("1", 0.12), ("有", 0.05), ("接受", 0.15), ("y", 0.05),
        ("true", 0.02), ("YES", 0.03), ("是的", 0.05))
_NO = (("否", 0.4), ("N", 0.1), ("no", 0.1), ("0", 0.12), ("无", 0.05), ("不接受", 0.13), ("n", 0.05), ("false", 0.02),
       ("NO", 0.03))
_YES_V = tuple((w, p) for w, p in _YES if w not in ("接受", "是的"))
_NO_V = tuple((w, p) for w, p in _NO if w != "不接受")
_SEPARATORS = (("；", 0.25), ("、", 0.25), ("; ", 0.15), (",", 0.1), ("，", 0.1), ("|", 0.05), ("/", 0.05), ("\n", 0.02),
               (" / ", 0.03))
_GENERIC_SKILLS = ("吃苦耐劳", "能吃苦", "会开车", "会用电脑", "服从安排", "身体好")
_OUTCOME_ZH = {"referred": ("推荐", "已推荐"), "interviewed": ("面试", "已面试"), "hired": ("录用", "已录用"),
               "rejected": ("未录用", "拒绝"), "declined": ("本人放弃", "放弃")}
_AGE_WINDOWS = ((18, 35), (18, 40), (18, 45), (20, 50), (18, 55), (18, 60), (22, 40), (25, 45), (30, 55), (16, 50),
                (None, 45), (None, 50), (None, 35), (20, None))
_BAD_BIRTH_DATES = ("1975-13-45", "19七五年", "0000-00-00", "1968-02-30", "生日不详")
_BAD_WAGES = ("很多", "越多越好", "abc元", "#VALUE!", "工资高点")

SEEKER_COLUMN_ORDER = tuple(c.name for c in SEEKER_COLUMNS)
VACANCY_COLUMN_ORDER = ("vacancy_id", "employer", "title", "description", "csco_code", "required_skills",
                        "preferred_skills", "certificates_required", "education_min", "wage", "openings",
                        "district", "shift_work", "lodging", "social_insurance", "age_min", "age_max",
                        "gender_requirement", "public_welfare", "posted_on", "expires_on")
OUTCOME_COLUMN_ORDER = tuple(c.name for c in OUTCOME_COLUMNS)


@dataclass(frozen=True)
class Trade:
    """One trade of the catalogue (see ``generate_data/trades.json``); wages in yuan per month."""

    key: str
    sector: str
    csco: str
    seeker_titles: tuple[str, ...]
    posting_titles: tuple[str, ...]
    skills: tuple[tuple[str, str], ...]  # (employer wording, seeker's everyday wording)
    certificates: tuple[str, ...]
    cert_p: float
    edu: int
    wage: tuple[int, int]
    pay: str
    shift: float
    lodging: float
    insurance: float
    demand: float
    supply: float
    rural: float
    grad: float
    legacy: float
    female: float
    gender: str
    duties: str
    welfare: bool = False


@lru_cache(maxsize=1)
def load_trades() -> tuple[Trade, ...]:
    """The trade catalogue shipped in ``matcher/generate_data/trades.json``.

    Raises :class:`~matcher.errors.SettingsError` when the file is malformed
    (a missing field names the trade and the field).
    """
    path = Path(__file__).resolve().with_name("generate_data") / "trades.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"Cannot read the trade catalogue {path}: {exc}. Reinstall the package.") from exc
    trades = []
    for item in raw["trades"]:
        try:
            trades.append(Trade(
                key=item["key"], sector=item["sector"], csco=item["csco"],
                seeker_titles=tuple(item["seeker_titles"]), posting_titles=tuple(item["posting_titles"]),
                skills=tuple((a, b) for a, b in item["skills"]), certificates=tuple(item["certificates"]),
                cert_p=float(item["cert_p"]), edu=int(item["edu"]), wage=(int(item["wage"][0]), int(item["wage"][1])),
                pay=item["pay"], shift=float(item["shift"]), lodging=float(item["lodging"]),
                insurance=float(item["insurance"]), demand=float(item["demand"]), supply=float(item["supply"]),
                rural=float(item["rural"]), grad=float(item["grad"]), legacy=float(item["legacy"]),
                female=float(item["female"]), gender=item["gender"], duties=item["duties"],
                welfare=bool(item.get("welfare", False)),
            ))
        except (KeyError, TypeError, ValueError) as exc:
            raise SettingsError(
                f"Trade {item.get('key', '?')!r} in generate_data/trades.json is malformed ({exc!r}); "
                "every trade needs the fields listed in the file's _about note."
            ) from exc
    return tuple(trades)


@dataclass
class City:
    """A generated city.

    ``seekers``, ``vacancies`` and ``outcomes`` hold raw text cells (str, ``""``
    for an empty cell) in file order, exactly as :func:`write_city` writes
    them, planted rows included. ``planted_rejects`` lists every planted row:
    ``{"file", "kind" ("reject"|"warning"), "reason", "row" (as seen in Excel,
    header = row 1), "column", "id" (the row's id, None when missing),
    "value"}``.

    ``seeker_truth`` / ``vacancy_truth`` hold the simulation's hidden truth per
    clean row, in the clean order, for benchmarks (not written to the files).
    Seekers: ``group`` (4045/rural_migrant/graduate/other), overlay flags,
    ``qualifies_4045`` (gender, age and registration make them 4045),
    ``age`` at ``as_of``, ``district`` (canonical or ``outside``),
    ``education_level`` 0-6, ``trade``/``desired_trade`` (catalogue keys),
    ``expected_wage_min/max`` (yuan per month, NaN when not stated).
    Vacancies: ``trade``, ``csco_code`` (always), ``wage_min/max`` (what the
    text states, yuan per month), ``true_wage_min/max`` (what the post pays),
    ``education_min_level`` (-1 = none), ``district``, ``public_welfare``,
    ``gender_restricted``, ``expired`` (at ``as_of``).
    """

    seekers: pd.DataFrame
    vacancies: pd.DataFrame
    outcomes: pd.DataFrame
    planted_rejects: list[dict[str, Any]]
    seeker_truth: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    vacancy_truth: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    seed: int = 0
    as_of: date = DEFAULT_AS_OF


# ----------------------------------------------------------------------------- helpers


def _exact_labels(rng: np.random.Generator, n: int, shares: list[float]) -> np.ndarray:
    """Labels 0..k-1 in random order with counts as close as possible to ``shares * n``."""
    shares_a = np.asarray(shares, dtype=float)
    raw = shares_a / shares_a.sum() * n
    counts = np.floor(raw).astype(int)
    rest = n - counts.sum()
    if rest > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:rest]] += 1
    return rng.permutation(np.repeat(np.arange(len(shares_a)), counts))


def _choose_text(rng: np.random.Generator, n: int, forms: tuple[tuple[str, float], ...]) -> np.ndarray:
    """``n`` spellings drawn from weighted ``forms`` (object array)."""
    words = np.array([w for w, _ in forms], dtype=object)
    p = np.array([p for _, p in forms], dtype=float)
    return words[rng.choice(len(words), size=n, p=p / p.sum())]


def _pick_from_lists(rng: np.random.Generator, idx: np.ndarray, table: list[tuple[Any, ...]]) -> np.ndarray:
    """For each row ``i`` one item of ``table[idx[i]]`` (uniform); ``""`` where the list is empty."""
    lengths = np.array([len(t) for t in table])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    flat = np.array([x for t in table for x in t] + [""], dtype=object)
    ln = lengths[idx]
    pos = offsets[idx] + np.floor(rng.random(len(idx)) * np.maximum(ln, 1)).astype(int)
    pos = np.where(ln > 0, pos, len(flat) - 1)
    return flat[pos]


def _join_cells(parts: list[np.ndarray], seps: np.ndarray) -> np.ndarray:
    """Join per-row items (``""`` = absent, repeats dropped) with each row's separator."""
    parts = [np.asarray(p, dtype=object) for p in parts]
    seps = np.asarray(seps, dtype=object)
    out = parts[0].copy()
    for i, part in enumerate(parts[1:], start=1):
        keep = part != ""
        for earlier in parts[:i]:
            keep &= part != earlier
        both = keep & (out != "")
        out = np.where(both, out + seps + part, np.where(keep, part, out))
    return out


def _fmt_dates(rng: np.random.Generator, days: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Dates (numpy datetime64[D]) as text: ISO, ``2024/3/5``, ``2024.03.05``, ``20240305``, ``2024年3月5日``."""
    n = len(days)
    days = np.asarray(days, dtype="datetime64[D]")
    iso = np.datetime_as_string(days, unit="D").astype(object)  # YYYY-MM-DD
    style = rng.choice(5, size=n, p=np.asarray(shares) / sum(shares))
    out = iso.copy()
    other = np.flatnonzero(style > 0)
    if len(other):
        ts = pd.DatetimeIndex(days[other])
        y = ts.year.to_numpy().astype(str).astype(object)
        m = ts.month.to_numpy().astype(str).astype(object)
        d = ts.day.to_numpy().astype(str).astype(object)
        txt = iso[other]
        y4, m2, d2 = (np.array([t[a:b] for t in txt], dtype=object) for a, b in ((0, 4), (5, 7), (8, 10)))
        st = style[other]
        out[other] = np.select([st == 1, st == 2, st == 3],
                               [y + "/" + m + "/" + d, y4 + "." + m2 + "." + d2, y4 + m2 + d2],
                               y + "年" + m + "月" + d + "日")
    return out


def _yes_no(rng: np.random.Generator, truth: np.ndarray, empty_p: float, seeker: bool = True) -> np.ndarray:
    """Yes/no cells in varied spellings (a seeker may also write 接受/不接受); ``empty_p`` left empty."""
    n = len(truth)
    yes, no = (_YES, _NO) if seeker else (_YES_V, _NO_V)
    out = np.where(truth, _choose_text(rng, n, yes), _choose_text(rng, n, no)).astype(object)
    out[rng.random(n) < empty_p] = ""
    return out


_FULL_WIDTH = str.maketrans("0123456789-/.", "０１２３４５６７８９－／．")


def _thousands(x: np.ndarray) -> list[str]:
    """3000 → '3', 3500 → '3.5' (for ``3千`` and ``4K`` forms)."""
    return [f"{v / 1000:g}" for v in x]


def _round_to(x: np.ndarray, step: int) -> np.ndarray:
    return (np.round(x / step) * step).astype(int)


def _district_text(rng: np.random.Generator, district: np.ndarray) -> np.ndarray:
    """Canonical district index (0-4, or -1 = outside the city) → varied spelling."""
    out = np.empty(len(district), dtype=object)
    for k in range(-1, _N_DISTRICTS):
        sel = np.flatnonzero(district == k)
        if len(sel):
            out[sel] = _choose_text(rng, len(sel), _OUTSIDE_FORMS if k < 0 else _DISTRICT_FORMS[k])
    return out


def _edu_text(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    out = np.empty(len(level), dtype=object)
    for lv, forms in EDUCATION_SPELLINGS.items():
        sel = np.flatnonzero(level == lv)
        if len(sel):
            out[sel] = _choose_text(rng, len(sel), forms)
    return out


# ----------------------------------------------------------------------------- seekers


def _names(rng: np.random.Generator, female: np.ndarray, yi: np.ndarray) -> np.ndarray:
    n = len(female)
    sur = np.array(_SURNAMES, dtype=object)[rng.integers(0, len(_SURNAMES), n)]
    g1 = np.where(female, np.array(_GIVEN_F, dtype=object)[rng.integers(0, len(_GIVEN_F), n)],
                  np.array(_GIVEN_M, dtype=object)[rng.integers(0, len(_GIVEN_M), n)])
    g0 = np.array(_GIVEN_ANY, dtype=object)[rng.integers(0, len(_GIVEN_ANY), n)]
    two = rng.random(n) < 0.7
    names = sur + np.where(two, g0 + g1, g1)
    yi_sur = np.where(female, np.array(_YI_NAMES_F, dtype=object)[rng.integers(0, 6, n)],
                      np.array(_YI_NAMES_M, dtype=object)[rng.integers(0, 6, n)])
    yi_name = yi_sur + np.array(_YI_GIVEN, dtype=object)[rng.integers(0, len(_YI_GIVEN), n)]
    return np.where(yi, yi_name, names)


def _id_numbers(rng: np.random.Generator, birth: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Synthetic 18-character id numbers: 510400 (city-level code, never a person's) + birth date + serial + check."""
    n = len(birth)
    ts = pd.DatetimeIndex(birth)
    ymd = ts.year.to_numpy() * 10000 + ts.month.to_numpy() * 100 + ts.day.to_numpy()
    serial = rng.integers(0, 100, n) * 10 + np.where(female, rng.integers(0, 5, n) * 2, rng.integers(0, 5, n) * 2 + 1)
    body = np.int64(510400) * 10**11 + ymd.astype(np.int64) * 1000 + serial
    digits = (body[:, None] // (10 ** np.arange(16, -1, -1, dtype=np.int64))[None, :]) % 10
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"), dtype=object)[(digits * weights).sum(axis=1) % 11]
    return body.astype(str).astype(object) + check


def _phones(rng: np.random.Generator, n: int) -> np.ndarray:
    second = np.array(list("35789"), dtype=object)[rng.integers(0, 5, n)]
    rest = rng.integers(0, 10**9, n)
    return np.array([f"1{s}{r:09d}" for s, r in zip(second, rest)], dtype=object)


def _expected_wage_text(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seeker wage expectations as text; returns (text, negotiable-or-empty mask)."""
    n = len(lo)
    forms = rng.choice(11, size=n, p=[0.27, 0.20, 0.07, 0.07, 0.07, 0.05, 0.07, 0.05, 0.03, 0.05, 0.07])
    out = np.empty(n, dtype=object)
    spec = {
        0: lambda a, b: [f"{x}-{y}" for x, y in zip(a, b)],
        1: lambda a, b: [f"{x}" for x in a],
        2: lambda a, b: [f"{t}千以上" for t in _thousands(a)],
        3: lambda a, b: [f"{t}K" for t in _thousands(a)],
        4: lambda a, b: [f"{x}元以上" for x in a],
        5: lambda a, b: [f"{x}左右" for x in a],
        6: lambda a, b: ["面议"] * len(a),
        7: lambda a, b: [f"{s}千-{t}千" for s, t in zip(_thousands(a), _thousands(b))],
        8: lambda a, b: [f"{x}".translate(_FULL_WIDTH) for x in a],
        9: lambda a, b: [""] * len(a),
        10: lambda a, b: [f"{x}元/月" for x in a],
    }
    for k, fn in spec.items():
        sel = np.flatnonzero(forms == k)
        out[sel] = fn(lo[sel], hi[sel])
    return out, np.isin(forms, (6, 9))


def _seekers(rng: np.random.Generator, n: int, trades: tuple[Trade, ...], as_of: date, dirty: bool
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean seeker rows (raw text) and their hidden truth."""
    n_tr = len(trades)
    ids = np.array([f"S{i:07d}" for i in range(1, n + 1)], dtype=object)
    group = np.array(_GROUPS, dtype=object)[_exact_labels(rng, n, list(GROUP_SHARES.values()))]
    is_4045 = group == "4045"
    is_rural = group == "rural_migrant"
    is_grad = group == "graduate"
    is_other = group == "other"

    # overlays: zero-employment families among urban 4045/other, veterans among other, disabled anywhere
    zero = np.zeros(n, bool)
    veteran = np.zeros(n, bool)
    disabled = np.zeros(n, bool)
    k_zero, k_vet, k_dis = (int(round(OVERLAY_SHARES[k] * n)) for k in OVERLAY_SHARES)
    pool = np.flatnonzero(is_4045 | is_other)
    zero[rng.choice(pool, size=min(k_zero, len(pool)), replace=False)] = True
    pool = np.flatnonzero(is_other & ~zero)
    veteran[rng.choice(pool, size=min(k_vet, len(pool)), replace=False)] = True
    disabled[rng.choice(n, size=min(k_dis, n), replace=False)] = True

    female = rng.random(n) < np.vectorize(_FEMALE_P.get, otypes=[float])(group)
    female[veteran] = rng.random(int(veteran.sum())) < 0.1

    # ages
    age = np.clip(np.round(rng.normal(33, 9, n)), 18, 58).astype(int)  # other urban
    rural_age = np.clip(np.round(rng.normal(38, 11, n)), 18, 60).astype(int)
    age = np.where(is_rural, rural_age, age)
    age = np.where(is_grad, np.clip(np.round(rng.normal(23, 1.5, n)), 21, 28).astype(int), age)
    age = np.where(is_4045 & female, rng.integers(40, 55, n), age)
    age = np.where(is_4045 & ~female, rng.integers(50, 60, n), age)
    age = np.where(veteran, rng.integers(22, 41, n), age)

    # birth dates consistent with ages at as_of
    as_of64 = np.datetime64(as_of, "D")
    years_back = (age + rng.random(n)) * 365.2425
    birth = as_of64 - years_back.astype(np.int64).astype("timedelta64[D]")
    bts = pd.DatetimeIndex(birth)
    b_month, b_day = bts.month.to_numpy(), bts.day.to_numpy()
    before = (b_month > as_of.month) | ((b_month == as_of.month) & (b_day > as_of.day))
    age = as_of.year - bts.year.to_numpy() - before.astype(int)
    qualifies_4045 = (female & (age >= AGE_4045_FEMALE)) | (~female & (age >= AGE_4045_MALE))

    # hukou
    # hukou: only rural migrants are rural (the survey's education figures are for the rural labour force)
    urban = ~is_rural

    # districts (-1 = outside the city): rural migrants live in the counties or come from outside
    p_rural = np.array([0.06, 0.06, 0.30, 0.30, 0.28])
    p_urban = np.array([0.42, 0.20, 0.22, 0.08, 0.08])
    home = np.where(urban, rng.choice(_N_DISTRICTS, size=n, p=p_urban), rng.choice(_N_DISTRICTS, size=n, p=p_rural))
    outside = is_rural & (rng.random(n) < 0.12) | (is_grad & (rng.random(n) < 0.05))
    home = np.where(outside, -1, home)

    # education
    level = np.zeros(n, dtype=int)
    for g in _GROUPS:
        sel = np.flatnonzero(group == g)
        level[sel] = rng.choice(7, size=len(sel), p=_EDU_P[g])
    vet_sel = np.flatnonzero(veteran)
    level[vet_sel] = rng.choice(7, size=len(vet_sel), p=[0, 0.15, 0.6, 0.2, 0.05, 0, 0])
    edu_txt = _edu_text(rng, level)
    edu_txt[rng.random(n) < 0.03] = ""
    odd = np.zeros(n, bool)
    if dirty:
        odd = (level >= 3) & (rng.random(n) < 0.01)
        unknown = np.array(UNKNOWN_EDUCATION, dtype=object)
        edu_txt[odd] = unknown[rng.integers(0, len(unknown), int(odd.sum()))]

    # primary trade: per group weights, scaled by gender share of the trade
    fem_share = np.array([t.female for t in trades])
    weights = {"4045": np.array([t.legacy for t in trades]), "rural_migrant": np.array([t.rural for t in trades]),
               "graduate": np.array([t.grad for t in trades]), "other": np.array([t.supply for t in trades])}
    trade = np.zeros(n, dtype=int)
    for g in _GROUPS:
        for is_f in (True, False):
            sel = np.flatnonzero((group == g) & (female == is_f))
            w = weights[g] * (fem_share if is_f else 1 - fem_share) + 1e-9
            trade[sel] = rng.choice(n_tr, size=len(sel), p=w / w.sum())
    second = np.zeros(n, dtype=int)
    w_second = np.array([t.supply + t.rural for t in trades])
    for is_f in (True, False):
        sel = np.flatnonzero(female == is_f)
        w = w_second * (fem_share if is_f else 1 - fem_share) + 1e-9
        second[sel] = rng.choice(n_tr, size=len(sel), p=w / w.sum())
    has_second = (is_other | is_rural) & (rng.random(n) < 0.3)

    # desired trade: 4045 often look for transition jobs, others mostly their own trade
    keys = [t.key for t in trades]
    trans_w = np.array([_TRANSITION.get(k, 0.0) for k in keys])
    desired = trade.copy()
    for is_f in (True, False):
        sel = np.flatnonzero(is_4045 & (female == is_f) & (rng.random(n) < 0.6))
        w = trans_w * (fem_share if is_f else 1 - fem_share) + 1e-9
        desired[sel] = rng.choice(n_tr, size=len(sel), p=w / w.sum())
    switch = (is_other | is_rural) & (rng.random(n) < 0.25)
    desired = np.where(switch, second, desired)

    # skills in everyday words (educated seekers sometimes use the formal words)
    everyday = [tuple(s[1] for s in t.skills) for t in trades]
    formal = [tuple(s[0] for s in t.skills) for t in trades]
    has_skills = rng.random(n) < np.vectorize(_HAS_SKILLS_P.get, otypes=[float])(group)
    use_formal = (level >= 3) & (rng.random(n) < 0.3)
    s1 = np.where(use_formal, _pick_from_lists(rng, trade, formal), _pick_from_lists(rng, trade, everyday))
    s2 = np.where(rng.random(n) < 0.6, _pick_from_lists(rng, trade, everyday), "")
    s3 = np.where(has_second & ~is_4045, _pick_from_lists(rng, second, everyday), "")
    generic = np.array(_GENERIC_SKILLS, dtype=object)[rng.integers(0, len(_GENERIC_SKILLS), n)]
    s4 = np.where(rng.random(n) < 0.08, generic, "")
    seps = _choose_text(rng, n, _SEPARATORS)
    skills = _join_cells([s1, s2, s3, s4], seps)
    skills[~has_skills] = np.where(rng.random(int((~has_skills).sum())) < 0.15, "无", "")

    # certificates
    certs_tbl = [t.certificates for t in trades]
    has_cert = has_skills & (rng.random(n) < np.vectorize(_CERT_P.get, otypes=[float])(group)) & \
        (np.array([len(c) for c in certs_tbl])[trade] > 0)
    c1 = np.where(has_cert, _pick_from_lists(rng, trade, certs_tbl), "")
    c2 = np.where(rng.random(n) < 0.1, _choose_text(rng, n, (("C1驾驶证", 0.6), ("健康证", 0.3), ("计算机等级证书", 0.1))), "")
    certificates = _join_cells([c1, c2], _choose_text(rng, n, _SEPARATORS))

    # experience: title:years
    title_tbl = [t.seeker_titles for t in trades]
    t1 = _pick_from_lists(rng, trade, title_tbl)
    max_years = np.maximum(age - 18, 0)
    y1 = np.where(is_4045, np.minimum(rng.integers(15, 31, n), max_years),
                  np.floor(rng.random(n) * np.minimum(max_years, 15)) + 1)
    y1 = np.where(is_grad, 1, y1).astype(int)
    colon = np.where(rng.random(n) < 0.2, "：", ":")
    yr_suffix = np.where(rng.random(n) < 0.05, "年", "")
    exp1 = t1 + colon + y1.astype(str).astype(object) + yr_suffix
    exp1 = np.where(rng.random(n) < 0.07, t1, exp1)
    post_layoff = is_4045 & (rng.random(n) < 0.3)
    odd_job = _pick_from_lists(rng, np.full(n, 0), [("保安", "保洁", "打零工", "搬运工", "门卫")])
    exp2 = np.where(post_layoff, odd_job + ":" + rng.integers(1, 4, n).astype(str).astype(object), "")
    t2 = _pick_from_lists(rng, second, title_tbl)
    exp2 = np.where(has_second & ~is_4045, t2 + ":" + rng.integers(1, 6, n).astype(str).astype(object), exp2)
    no_trade = ~has_skills & is_rural
    farm = np.where(rng.random(n) < 0.6, "务农:", "建筑小工:") + rng.integers(1, 20, n).astype(str).astype(object)
    exp1 = np.where(no_trade, farm, exp1)
    exp1 = np.where(is_grad & (rng.random(n) < 0.6), "", np.where(is_grad, t1 + "实习:1", exp1))
    exp1 = np.where(~has_skills & ~is_rural, "", exp1)
    experience = _join_cells([exp1, exp2], _choose_text(rng, n, (("; ", 0.5), ("；", 0.3), ("、", 0.2))))

    # desired titles
    d1 = _pick_from_lists(rng, desired, title_tbl)
    d2 = np.where(rng.random(n) < 0.3, _pick_from_lists(rng, desired, title_tbl), "")
    desired_titles = _join_cells([d1, d2], _choose_text(rng, n, _SEPARATORS))
    r = rng.random(n)
    desired_titles[r < 0.08] = ""
    anything = (r >= 0.08) & (r < 0.11)
    desired_titles[anything] = np.where(rng.random(int(anything.sum())) < 0.5, "不限", "都可以")

    # expected wage: market wage of the wanted trade x group factor x education premium; some unrealistic
    mid = np.array([(t.wage[0] + t.wage[1]) / 2 for t in trades])[desired]
    trade_edu = np.array([t.edu for t in trades])[desired]
    factor = np.vectorize(_WAGE_FACTOR.get, otypes=[float])(group) * np.exp(rng.normal(0, 0.12, n))
    factor *= 1 + 0.06 * np.clip(level - trade_edu, -2, 3)
    unrealistic = rng.random(n) < 0.12
    factor = np.where(unrealistic, factor * rng.uniform(1.4, 1.9, n), factor)
    exp_lo = np.clip(_round_to(mid * factor * 0.9, 500), 2000, 20000)
    exp_hi = exp_lo + rng.choice([500, 1000, 1000, 1500, 2000], size=n)
    wage_txt, no_wage = _expected_wage_text(rng, exp_lo, exp_hi)

    # preferred districts: empty = anywhere; else home and maybe a neighbour
    pref_home = np.where(home < 0, rng.choice(_N_DISTRICTS, size=n, p=DISTRICT_POP), home)
    p1 = _district_text(rng, pref_home)
    p2 = np.where(rng.random(n) < 0.35, _district_text(rng, rng.choice(_N_DISTRICTS, size=n, p=DISTRICT_POP)), "")
    preferred = _join_cells([p1, p2], _choose_text(rng, n, _SEPARATORS))
    preferred[rng.random(n) < 0.35] = ""

    accepts_shift = _yes_no(rng, rng.random(n) < np.vectorize(_SHIFT_P.get, otypes=[float])(group), 0.08)

    # priority groups as declared (sometimes missing although the person qualifies)
    parts = []
    for g, member in (("4045", is_4045), ("rural_migrant", is_rural), ("graduate", is_grad),
                      ("zero_employment_family", zero), ("disabled", disabled), ("veteran", veteran)):
        declare = member & (rng.random(n) < _DECLARE_P[g])
        en, zh = _GROUP_NAMES[g]
        parts.append(np.where(declare, np.where(rng.random(n) < 0.6, zh, en), ""))
    priority = _join_cells(parts, _choose_text(rng, n, (("、", 0.4), ("；", 0.3), (",", 0.2), ("|", 0.1))))

    # registration of unemployment: all 4045 and zero-employment; others sometimes, never when
    # gender and age alone would make them 4045 (so the derived 4045 share equals the 4045 group)
    registered = is_4045 | zero | ((is_other | veteran | disabled) & (rng.random(n) < 0.6)) | \
        (is_rural & (rng.random(n) < 0.25)) | (is_grad & (rng.random(n) < 0.5))
    registered &= is_4045 | zero | ~qualifies_4045
    back = np.where(is_4045, rng.integers(0, 6 * 365, n), rng.integers(0, 2 * 365, n))
    reg_txt = _fmt_dates(rng, as_of64 - back.astype("timedelta64[D]"), (0.6, 0.2, 0.06, 0.06, 0.08))
    reg_txt[~registered] = ""

    # personal data and birth date / age mix
    yi = is_rural & (rng.random(n) < 0.06)
    names = _names(rng, female, yi)
    id_numbers = _id_numbers(rng, birth, female)
    id_numbers[rng.random(n) < 0.15] = ""
    phones = _phones(rng, n)
    phones[rng.random(n) < 0.08] = ""
    gender_txt = np.where(female, _choose_text(rng, n, (("女", 0.8), ("F", 0.15), ("f", 0.05))),
                          _choose_text(rng, n, (("男", 0.8), ("M", 0.15), ("m", 0.05))))
    form = rng.choice(3, size=n, p=[0.55, 0.30, 0.15])  # birth date only / age only / both
    birth_txt = _fmt_dates(rng, birth, (0.85, 0.1, 0.02, 0.02, 0.01))
    birth_txt[form == 1] = ""
    age_txt = age.astype(str).astype(object)
    age_txt[form == 0] = ""

    # a short summary in the seeker's words
    edu_word = np.array(("小学", "初中", "高中", "大专", "本科", "研究生", "博士"), dtype=object)[level]
    tname = np.array([t.seeker_titles[0] for t in trades], dtype=object)
    dname = tname[desired]
    tmpl = rng.integers(0, 3, n)
    s_4045 = ("原国企" + tname[trade] + "，干了" + y1.astype(str).astype(object) + "年，企业改制后下岗。"
              + edu_word + "文化，想找" + dname + "之类的稳定工作。")
    s_rural = np.where(has_skills, "农村出来打工，" + tname[trade] + "干过" + y1.astype(str).astype(object) + "年，能吃苦，",
                       "在家务农，没有专门技术，能吃苦，") + np.where(rng.random(n) < 0.5, "希望离家近一点。", "包吃住最好。")
    s_grad = edu_word + "应届毕业生，" + np.where(rng.random(n) < 0.5, "在校期间实习过", "熟悉办公软件") + \
        "，希望从事" + dname + "相关工作，有发展空间。"
    s_other = np.where(tmpl == 0, "做过" + tname[trade] + "，" + edu_word + "学历，想找" + dname + "的工作。",
                       np.where(tmpl == 1, "有" + tname[trade] + "经验，工作认真负责。", "求职" + dname + "，工资合适就行。"))
    summary = np.where(is_4045, s_4045, np.where(is_rural, s_rural, np.where(is_grad, s_grad, s_other)))
    summary = np.where(disabled & (rng.random(n) < 0.5), summary + "本人持有残疾证。", summary)
    summary = np.where(veteran & (rng.random(n) < 0.5), summary + "退役军人，服从安排。", summary)
    summary[rng.random(n) < 0.1] = ""

    frame = pd.DataFrame({
        "seeker_id": ids, "name": names, "id_number": id_numbers, "phone": phones, "gender": gender_txt,
        "birth_date": birth_txt, "age": age_txt, "district": _district_text(rng, home), "hukou":
        np.where(urban, _choose_text(rng, n, (("城镇", 0.7), ("urban", 0.12), ("城镇户口", 0.1), ("非农业", 0.08))),
                 _choose_text(rng, n, (("农村", 0.7), ("rural", 0.12), ("农村户口", 0.1), ("农业", 0.08)))),
        "education": edu_txt, "skills": skills, "certificates": certificates, "experience": experience,
        "summary": summary, "desired_titles": desired_titles, "expected_wage": wage_txt,
        "preferred_districts": preferred, "accepts_shift_work": accepts_shift, "priority_groups": priority,
        "registered_on": reg_txt,
    }, columns=list(SEEKER_COLUMN_ORDER))
    frame.loc[rng.random(n) < 0.05, "hukou"] = ""

    truth = pd.DataFrame({
        "seeker_id": ids, "group": group, "is_4045": is_4045, "qualifies_4045": qualifies_4045 & registered,
        "rural_migrant": is_rural, "graduate": is_grad, "zero_employment_family": zero, "disabled": disabled,
        "veteran": veteran, "female": female, "age": age, "urban": urban,
        "district": np.where(home < 0, "outside", np.array(DISTRICTS, dtype=object)[np.maximum(home, 0)]),
        "education_level": level, "trade": np.array(keys, dtype=object)[trade],
        "desired_trade": np.array(keys, dtype=object)[desired], "has_skills": has_skills,
        "expected_wage_min": np.where(no_wage, np.nan, exp_lo.astype(float)),
        "expected_wage_max": np.where(no_wage, np.nan, exp_hi.astype(float)),
        "unrealistic_wage": unrealistic, "unknown_education_text": odd,
    })
    return frame, truth


# ----------------------------------------------------------------------------- vacancies


def _employers(rng: np.random.Generator, sector: np.ndarray, trade_key: np.ndarray, m: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Employer names and their district (0-4), consistent per (brand, sector)."""
    n_brands = int(min(len(_BRAND_A) * len(_BRAND_B), max(20, m // 6)))
    combos = rng.permutation(len(_BRAND_A) * len(_BRAND_B))[:n_brands]
    brand_words = np.array([_BRAND_A[c // len(_BRAND_B)] + _BRAND_B[c % len(_BRAND_B)] for c in combos], dtype=object)
    prefix = np.array(_EMPLOYER_PREFIX, dtype=object)[rng.integers(0, len(_EMPLOYER_PREFIX), n_brands)]
    brand = np.floor(n_brands * rng.random(m) ** 1.6).astype(int)  # a few large employers post a lot
    sectors = sorted(_SECTOR_DISTRICT_P)
    sec_idx = np.searchsorted(np.array(sectors, dtype=object), sector)
    # each (brand, sector) employer gets one district and one suffix
    dist_tbl = np.stack([rng.choice(_N_DISTRICTS, size=n_brands, p=np.asarray(_SECTOR_DISTRICT_P[s]) / sum(_SECTOR_DISTRICT_P[s]))
                         for s in sectors])
    suffix_pick = rng.random(n_brands)
    district = dist_tbl[sec_idx, brand]
    names = np.empty(m, dtype=object)
    for key in np.unique(trade_key):
        sel = np.flatnonzero(trade_key == key)
        suffixes = _TRADE_EMPLOYER_SUFFIX.get(key) or _SECTOR_EMPLOYER_SUFFIX[sector[sel[0]]]
        suf = np.array(suffixes, dtype=object)[np.floor(suffix_pick[brand[sel]] * len(suffixes)).astype(int)]
        names[sel] = prefix[brand[sel]] + brand_words[brand[sel]] + suf
    public = sector == "public"
    if public.any():
        sel = np.flatnonzero(public)
        dist_names = np.array(DISTRICTS, dtype=object)[district[sel]]
        street = np.array([_STREETS[d][b % len(_STREETS[d])] for d, b in zip(district[sel], brand[sel])], dtype=object)
        kind = np.array(("街道办事处", "社区居民委员会", "社区服务中心"), dtype=object)[brand[sel] % 3]
        names[sel] = "攀枝花市" + dist_names + street + kind
    return names, district


def _vacancy_wage_text(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, pay: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posted wage text in all real-world forms.

    ``lo``/``hi`` are monthly yuan; ``pay`` the unit the trade often posts in.
    Returns (text, posted_min, posted_max): what the text states in yuan per
    month (NaN for 面议 and for the open upper end of ``X元以上``; day rates x
    21.75 and hourly rates x 174, the statutory paid days and hours per month;
    ``底薪X+提成`` states the base X only, as min and max).
    """
    m = len(lo)
    out = np.empty(m, dtype=object)
    p_lo, p_hi = lo.astype(float), hi.astype(float)
    form = rng.choice(10, size=m, p=[0.25, 0.15, 0.08, 0.08, 0.06, 0.06, 0.06, 0.04, 0.12, 0.10])
    unit_form = rng.random(m) < 0.5
    generic = {
        0: lambda a, b: [f"{x}-{y}元/月" for x, y in zip(a, b)],
        1: lambda a, b: [f"{x}-{y}" for x, y in zip(a, b)],
        2: lambda a, b: [f"{s}千-{t}千" for s, t in zip(_thousands(a), _thousands(b))],
        3: lambda a, b: [f"{s}K-{t}K" for s, t in zip(_thousands(a), _thousands(b))],
        4: lambda a, b: [f"{x}元以上" for x in a],
        5: lambda a, b: [f"{x}-{y}元" for x, y in zip(a, b)],
        6: lambda a, b: ["面议"] * len(a),
        7: lambda a, b: [f"{x}-{y}元/月".translate(_FULL_WIDTH) for x, y in zip(a, b)],
        8: lambda a, b: [f"{x}-{y}元/月" for x, y in zip(a, b)],
        9: lambda a, b: [(f"{x / 10000:g}万" if x >= 10000 else f"{x / 1000:g}千") + f"-{y / 10000:g}万"
                         if y >= 10000 else f"{x}-{y}元/月" for x, y in zip(a, b)],
    }
    for k, fn in generic.items():
        sel = np.flatnonzero(form == k)
        out[sel] = fn(lo[sel], hi[sel])
    p_hi[form == 4] = np.nan
    p_lo[form == 6] = np.nan
    p_hi[form == 6] = np.nan
    big = np.flatnonzero((hi >= 10000) & (form == 4))  # 月薪过万: "1.2万"
    out[big] = [f"{y / 10000:g}万" for y in hi[big]]
    p_lo[big] = p_hi[big] = hi[big]
    for unit in ("day", "hour", "year", "commission"):
        sel = np.flatnonzero((pay == unit) & unit_form & (form != 6))
        if not len(sel):
            continue
        a, b = lo[sel], hi[sel]
        if unit == "day":
            d1, d2 = _round_to(a / 21.75, 10), _round_to(b / 21.75, 10)
            single = rng.random(len(sel)) < 0.5
            out[sel] = np.where(single, [f"{x}元/天" for x in d1], [f"{x}-{y}元/天" for x, y in zip(d1, d2)])
            p_lo[sel], p_hi[sel] = d1 * 21.75, np.where(single, d1, d2) * 21.75
        elif unit == "hour":
            h = _round_to(a / 174, 1)
            out[sel] = [f"{x}元/小时" for x in h]
            p_lo[sel] = p_hi[sel] = h * 174.0
        elif unit == "year":
            y = np.maximum(_round_to((a + b) / 2 * 12, 10000), 10000)
            out[sel] = [f"年薪{x / 10000:g}万" for x in y]
            p_lo[sel] = p_hi[sel] = y / 12
        else:
            base = _round_to(np.maximum(MIN_WAGE, a * 0.55), 100)
            out[sel] = [f"底薪{x}+提成" for x in base]
            p_lo[sel] = p_hi[sel] = base
    return out, p_lo, p_hi


def _vacancies(rng: np.random.Generator, m: int, trades: tuple[Trade, ...], as_of: date
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean vacancy rows (raw text) and their hidden truth."""
    keys = np.array([t.key for t in trades], dtype=object)
    ids = np.array([f"V{i:06d}" for i in range(1, m + 1)], dtype=object)
    demand = np.array([t.demand for t in trades])
    trade = rng.choice(len(trades), size=m, p=demand / demand.sum())
    # about 5 % public-welfare posts for the hard-to-employ
    welfare_tr = np.flatnonzero([t.welfare for t in trades])
    public_welfare = np.zeros(m, bool)
    k_w = int(round(0.05 * m))
    if k_w and len(welfare_tr):
        sel = rng.choice(m, size=k_w, replace=False)
        public_welfare[sel] = True
        trade[sel] = welfare_tr[rng.integers(0, len(welfare_tr), k_w)]
    tr = [trades[i] for i in range(len(trades))]
    sector = np.array([t.sector for t in tr], dtype=object)[trade]
    sector = np.where(public_welfare, "public", sector)

    employer, district = _employers(rng, sector, keys[trade], m)

    # titles: official classification names or employer-style titles
    tax_name = _official_names(trades)
    official = rng.random(m) < 0.35
    posting = _pick_from_lists(rng, trade, [t.posting_titles for t in trades])
    deco = rng.random(m) < 0.3
    pre = _choose_text(rng, m, (("急招", 0.3), ("诚聘", 0.2), ("高薪招聘", 0.15), ("长期招聘", 0.15), ("", 0.2)))
    post = _choose_text(rng, m, ((" 包吃住", 0.25), ("（五险）", 0.25), (" 待遇优厚", 0.2), ("+宿舍", 0.1), ("", 0.2)))
    title = np.where(official, np.where(deco, pre + tax_name[trade] + post, tax_name[trade]), posting)
    title = np.where(public_welfare, np.where(rng.random(m) < 0.5, "公益性岗位-" + tax_name[trade], posting), title)
    csco = np.array([t.csco for t in trades], dtype=object)[trade]
    csco_txt = np.where(rng.random(m) < 0.5, csco, "")

    # skills and certificates in formal words
    formal = [tuple(s[0] for s in t.skills) for t in trades]
    n_req = rng.choice([1, 2, 3], size=m, p=[0.3, 0.45, 0.25])
    perm_keys = rng.random((m, 4))
    req_parts, pref_parts = [], []
    n_sk = np.array([len(f) for f in formal])[trade]
    order = np.argsort(np.where(np.arange(4)[None, :] < n_sk[:, None], perm_keys, 2.0), axis=1)
    for k in range(4):
        item = np.array([formal[t][o] if o < len(formal[t]) else "" for t, o in zip(trade, order[:, k])], dtype=object)
        req_parts.append(np.where(k < n_req, item, ""))
        pref_parts.append(np.where((k >= n_req) & (k < n_req + 1), item, ""))
    generic_pref = _choose_text(rng, m, (("办公软件操作", 0.3), ("有相关工作经验", 0.4), ("C1驾驶证", 0.3)))
    pref_parts.append(np.where(rng.random(m) < 0.15, generic_pref, ""))
    seps = _choose_text(rng, m, _SEPARATORS)
    required_skills = _join_cells(req_parts, seps)
    preferred_skills = _join_cells(pref_parts, seps)
    preferred_skills[rng.random(m) < 0.4] = ""
    cert_p = np.array([t.cert_p for t in trades])[trade]
    certs_tbl = [t.certificates for t in trades]
    needs_cert = rng.random(m) < cert_p
    c1 = np.where(needs_cert, _pick_from_lists(rng, trade, [c[:2] for c in certs_tbl]), "")
    food = np.isin(keys[trade], ("cook", "waiter", "room_attendant", "elderly_care", "infant_care"))
    c2 = np.where(food & (rng.random(m) < 0.6), "健康证", "")
    certificates_required = _join_cells([c1, c2], _choose_text(rng, m, _SEPARATORS))

    # minimum education: often none; sometimes above or below the trade's typical level
    t_edu = np.array([t.edu for t in trades])[trade]
    shift = rng.choice([-1, 0, 1], size=m, p=[0.15, 0.75, 0.10])
    edu_min = np.clip(t_edu + shift, 0, 6)
    none_req = (rng.random(m) < np.where(t_edu >= 3, 0.1, 0.3)) | (edu_min == 0)
    edu_base = _edu_text(rng, edu_min)
    # "high school" style English spellings read oddly with 及以上; keep those bare
    latin = np.array([bool(e) and e[0].isascii() for e in edu_base], dtype=bool)
    suffix = _choose_text(rng, m, (("及以上", 0.5), ("以上", 0.3), ("及以上学历", 0.2)))
    edu_txt = np.where((rng.random(m) < 0.4) & ~latin, edu_base + suffix, edu_base)
    edu_txt = np.where(none_req, np.where(rng.random(m) < 0.2, "不限", ""), edu_txt)
    edu_level_truth = np.where(none_req, -1, edu_min)

    # wages (yuan per month, truth) and their posted text
    lo_t = np.array([t.wage[0] for t in trades])[trade]
    hi_t = np.array([t.wage[1] for t in trades])[trade]
    f = np.exp(rng.normal(0, 0.1, m))
    w_lo = np.maximum(_round_to(lo_t * f, 100), MIN_WAGE + 30)
    w_hi = np.maximum(_round_to(hi_t * f, 500), w_lo + 300)
    pw = np.flatnonzero(public_welfare)
    w_lo[pw] = np.maximum(_round_to(rng.uniform(MIN_WAGE, MIN_WAGE + 300, len(pw)), 50), MIN_WAGE)
    w_hi[pw] = w_lo[pw] + _round_to(rng.uniform(0, 400, len(pw)), 100)
    pay = np.array([t.pay for t in trades], dtype=object)[trade]
    pay[pw] = "month"
    wage_txt, posted_lo, posted_hi = _vacancy_wage_text(rng, w_lo, w_hi, pay)

    labour = np.isin(sector, ("construction", "mining", "services", "transport"))
    openings = np.where(labour, rng.zipf(1.9, m), rng.zipf(2.6, m))
    openings = np.where(openings > 20, rng.integers(5, 21, m), openings)  # a long tail, capped at 20
    openings_txt = openings.astype(str).astype(object)
    openings_txt[rng.random(m) < 0.05] = ""

    shift_p = np.array([t.shift for t in trades])[trade]
    lodging_p = np.array([t.lodging for t in trades])[trade]
    ins_p = np.where(public_welfare, 1.0, np.array([t.insurance for t in trades])[trade])
    shift_truth = rng.random(m) < shift_p
    lodging_truth = rng.random(m) < lodging_p
    ins_truth = rng.random(m) < ins_p

    # age windows (about 25 %) and gender restrictions (about 5 %): compliance flags for staff
    has_window = rng.random(m) < 0.25
    win = rng.integers(0, len(_AGE_WINDOWS), m)
    age_min = np.array(["" if w[0] is None else str(w[0]) for w in _AGE_WINDOWS], dtype=object)[win]
    age_max = np.array(["" if w[1] is None else str(w[1]) for w in _AGE_WINDOWS], dtype=object)[win]
    age_min[~has_window] = ""
    age_max[~has_window] = ""
    g_req = np.array([t.gender for t in trades], dtype=object)[trade]
    restrict = (g_req != "") & (rng.random(m) < 0.11) & ~public_welfare
    g_txt = np.where(g_req == "M", _choose_text(rng, m, (("限男", 0.4), ("男", 0.4), ("男性", 0.2))),
                     _choose_text(rng, m, (("限女", 0.3), ("女", 0.5), ("女性", 0.2))))
    g_txt = np.where(restrict, g_txt, "")

    welfare_txt = np.where(public_welfare, _choose_text(rng, m, (("是", 0.7), ("Y", 0.1), ("1", 0.1), ("yes", 0.1))),
                           np.where(rng.random(m) < 0.6, "", _choose_text(rng, m, _NO_V)))

    # posting and expiry dates: some have expired by as_of
    as_of64 = np.datetime64(as_of, "D")
    age_days = np.minimum(np.floor(rng.exponential(40, m)), 150).astype(int)
    posted = as_of64 - age_days.astype("timedelta64[D]")
    valid = rng.choice([30, 60, 90, 180], size=m, p=[0.15, 0.35, 0.3, 0.2])
    expires = posted + valid.astype("timedelta64[D]")
    expired = expires < as_of64
    posted_txt = _fmt_dates(rng, posted, (0.8, 0.15, 0.0, 0.0, 0.05))
    expires_txt = _fmt_dates(rng, expires, (0.8, 0.15, 0.0, 0.0, 0.05))
    expires_txt[rng.random(m) < 0.08] = ""

    # description: duties, requirements, conditions
    tr_duties = np.array([t.duties for t in trades], dtype=object)[trade]
    req_flat = np.array([s.replace("\n", "、") for s in required_skills], dtype=object)
    req_sentence = np.where(required_skills != "", "要求：" + req_flat + "。", "")
    cert_sentence = np.where(c1 != "", "须持" + c1 + "上岗。", "")
    perks = (np.where(lodging_truth, "提供食宿，", "") + np.where(ins_truth, "购买五险，", "")
             + np.where(shift_truth, "需倒班，", "") + "试用期1-3个月。")
    description = tr_duties + "。" + req_sentence + cert_sentence + perks
    description = np.where(public_welfare, description + "本岗位为公益性岗位，优先安置就业困难人员。", description)
    description[rng.random(m) < 0.05] = ""

    frame = pd.DataFrame({
        "vacancy_id": ids, "employer": employer, "title": title, "description": description, "csco_code": csco_txt,
        "required_skills": required_skills, "preferred_skills": preferred_skills,
        "certificates_required": certificates_required, "education_min": edu_txt, "wage": wage_txt,
        "openings": openings_txt, "district": _district_text(rng, district),
        "shift_work": _yes_no(rng, shift_truth, 0.1, False),
        "lodging": _yes_no(rng, lodging_truth, 0.1, False), "social_insurance": _yes_no(rng, ins_truth, 0.1, False),
        "age_min": age_min, "age_max": age_max,
        "gender_requirement": g_txt, "public_welfare": welfare_txt, "posted_on": posted_txt, "expires_on": expires_txt,
    }, columns=list(VACANCY_COLUMN_ORDER))
    truth = pd.DataFrame({
        "vacancy_id": ids, "trade": keys[trade], "csco_code": csco, "sector": sector,
        "wage_min": posted_lo, "wage_max": posted_hi,
        "true_wage_min": w_lo, "true_wage_max": w_hi, "education_min_level": edu_level_truth,
        "district": np.array(DISTRICTS, dtype=object)[district], "public_welfare": public_welfare,
        "gender_restricted": restrict, "expired": expired, "openings": np.maximum(openings, 1),
        "posted_on": posted, "expires_on": expires,
    })
    return frame, truth


@lru_cache(maxsize=1)
def _official_names_cached(codes: tuple[str, ...]) -> tuple[str, ...]:
    from matcher.occupations.taxonomy import load_taxonomy

    tax = load_taxonomy()
    lookup = dict(zip(tax["code"], tax["name"]))
    missing = [c for c in codes if c not in lookup]
    if missing:
        raise SettingsError(
            f"Trade catalogue codes {missing} are not in the 2022 classification "
            "(matcher/occupations/data/csco22.csv); fix generate_data/trades.json."
        )
    return tuple(lookup[c] for c in codes)


def _official_names(trades: tuple[Trade, ...]) -> np.ndarray:
    return np.array(_official_names_cached(tuple(t.csco for t in trades)), dtype=object)


# ----------------------------------------------------------------------------- outcomes


def _outcomes(rng: np.random.Generator, k: int, seekers: pd.DataFrame, s_truth: pd.DataFrame,
              vacancies: pd.DataFrame, v_truth: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Referral outcomes between existing ids; good fits are referred and hired more often."""
    n, m = len(s_truth), len(v_truth)
    if k <= 0 or n == 0 or m == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OUTCOME_COLUMN_ORDER})
    draw = int(math.ceil(k * 1.3)) + 5
    s_idx = rng.choice(n, size=draw, replace=draw > n)
    # good fits: a vacancy of the trade the seeker wants
    v_trade = v_truth["trade"].to_numpy()
    order = np.argsort(v_trade, kind="stable")
    sorted_tr = v_trade[order]
    want = s_truth["desired_trade"].to_numpy()[s_idx]
    left = np.searchsorted(sorted_tr, want, side="left")
    right = np.searchsorted(sorted_tr, want, side="right")
    count = right - left
    pos = left + np.floor(rng.random(draw) * np.maximum(count, 1)).astype(int)
    good = (rng.random(draw) < 0.65) & (count > 0)
    v_idx = np.where(good, order[np.minimum(pos, m - 1)], rng.integers(0, m, draw))
    pairs = pd.DataFrame({"s": s_idx, "v": v_idx}).drop_duplicates().head(k)
    s_idx, v_idx = pairs["s"].to_numpy(), pairs["v"].to_numpy()
    k = len(pairs)

    same = s_truth["desired_trade"].to_numpy()[s_idx] == v_trade[v_idx]
    exp_min = s_truth["expected_wage_min"].to_numpy()[s_idx]
    wage_ok = ~(exp_min > v_truth["true_wage_max"].to_numpy()[v_idx])
    edu_ok = s_truth["education_level"].to_numpy()[s_idx] >= v_truth["education_min_level"].to_numpy()[v_idx]
    fit = same.astype(int) + wage_ok.astype(int) + edu_ok.astype(int)  # 0..3
    probs = np.array([  # referred, interviewed, hired, rejected, declined
        [0.30, 0.15, 0.03, 0.37, 0.15],
        [0.30, 0.20, 0.07, 0.28, 0.15],
        [0.25, 0.25, 0.18, 0.17, 0.15],
        [0.20, 0.25, 0.35, 0.10, 0.10],
    ])
    cum = probs.cumsum(axis=1)[fit]
    outcome_i = (rng.random(k)[:, None] > cum).sum(axis=1)
    outcome_i = np.minimum(outcome_i, 4)
    labels = np.array(("referred", "interviewed", "hired", "rejected", "declined"), dtype=object)
    outcome = labels[outcome_i]
    zh = rng.random(k) < 0.1
    zh_words = np.array([_OUTCOME_ZH[o][j] for o, j in zip(outcome, rng.integers(0, 2, k))], dtype=object)
    outcome_txt = np.where(zh, zh_words, outcome)

    as_of64 = np.datetime64(as_of, "D")
    posted = v_truth["posted_on"].to_numpy().astype("datetime64[D]")[v_idx]
    span = np.maximum((as_of64 - posted).astype(int), 1)
    day = posted + np.floor(rng.random(k) * span).astype(int).astype("timedelta64[D]")
    date_txt = _fmt_dates(rng, day, (0.9, 0.1, 0.0, 0.0, 0.0))
    frame = pd.DataFrame({
        "seeker_id": seekers["seeker_id"].to_numpy()[s_idx], "vacancy_id": vacancies["vacancy_id"].to_numpy()[v_idx],
        "date": date_txt, "outcome": outcome_txt, "_sort": day,
    })
    frame = frame.sort_values(["_sort", "seeker_id", "vacancy_id"], kind="stable").drop(columns="_sort")
    return frame.reset_index(drop=True)


# ----------------------------------------------------------------------------- dirty rows


def _insert_rows(frame: pd.DataFrame, extra: pd.DataFrame, after: np.ndarray
                 ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Insert ``extra`` rows, row ``j`` right after clean row ``after[j]`` (-1 = first).

    Returns the combined frame, the Excel row number (header = 1) of each extra
    row and the new Excel row number of each original row.
    """
    key = np.concatenate([np.arange(len(frame), dtype=float), after.astype(float) + 0.5 + np.arange(len(extra)) * 1e-6])
    both = pd.concat([frame, extra], ignore_index=True)
    order = np.argsort(key, kind="stable")
    combined = both.iloc[order].reset_index(drop=True)
    position = np.empty(len(key), dtype=int)
    position[order] = np.arange(len(key))
    return combined, position[len(frame):] + 2, position[:len(frame)] + 2


def _plant_count(n_rows: int, n_kinds: int) -> int:
    return max(3, n_kinds, int(math.ceil(0.002 * n_rows)))


def _plant(rng: np.random.Generator, seekers: pd.DataFrame, vacancies: pd.DataFrame, outcomes: pd.DataFrame,
           odd_education: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """Plant broken rows; return the three frames and the list describing every planted row.

    ``odd_education`` marks clean seeker rows whose education was written in a
    spelling no reader should guess (``大學``); they are listed as warnings too.
    """
    planted: list[dict[str, Any]] = []
    n, m = len(seekers), len(vacancies)

    # seekers: warnings edit existing rows in place (the row stays usable) ...
    s_kinds = ("missing_id", "duplicate_id", "bad_birth_date", "bad_expected_wage")
    k = _plant_count(n, len(s_kinds)) if n else 0
    kinds = [s_kinds[i % len(s_kinds)] for i in range(k)]
    warn_kinds = [x for x in kinds if x.startswith("bad_")]
    warn_rows = rng.choice(n, size=min(len(warn_kinds), n), replace=False) if n else np.array([], int)
    seekers = seekers.copy()
    warn_records = []
    for kind, row in zip(warn_kinds, warn_rows):
        if kind == "bad_birth_date":
            col, value = "birth_date", _BAD_BIRTH_DATES[int(rng.integers(0, len(_BAD_BIRTH_DATES)))]
            seekers.iat[row, seekers.columns.get_loc("age")] = ""
        else:
            col, value = "expected_wage", _BAD_WAGES[int(rng.integers(0, len(_BAD_WAGES)))]
        seekers.iat[row, seekers.columns.get_loc(col)] = value
        warn_records.append((row, kind, col, value, seekers.iat[row, 0]))
    edu_col = seekers.columns.get_loc("education")
    for row in np.flatnonzero(odd_education):
        warn_records.append((int(row), "unknown_education", "education", seekers.iat[row, edu_col],
                             seekers.iat[row, 0]))
    # copies for reject rows come from rows without planted warnings, so each broken row has one reason
    sources = np.setdiff1d(np.arange(n), np.concatenate([warn_rows, np.flatnonzero(odd_education)]).astype(int))
    # ... rejects are extra rows: a copy of another person's cells with no id or a re-used id
    rej_kinds = [x for x in kinds if not x.startswith("bad_")]
    extra_rows, after, rej_records = [], [], []
    for kind in rej_kinds:
        if n < 2:
            break
        src = int(sources[rng.integers(0, len(sources))]) if len(sources) else int(rng.integers(0, n))
        row = seekers.iloc[src].copy()
        if kind == "missing_id":
            pos = int(rng.integers(0, n))
            row["seeker_id"] = ""
            rej_records.append((kind, "seeker_id", "", None))
        else:
            pos = int(rng.integers(1, n))
            dup = seekers.iat[int(rng.integers(0, pos)), 0]  # the first copy comes earlier in the file
            row["seeker_id"] = dup
            rej_records.append((kind, "seeker_id", dup, dup))
        extra_rows.append(row)
        after.append(pos)
    if extra_rows:
        seekers, rows, clean_rows = _insert_rows(seekers, pd.DataFrame(extra_rows), np.array(after))
    else:
        rows, clean_rows = np.array([], int), np.arange(n) + 2
    for row, kind, col, value, sid in warn_records:
        planted.append({"file": "seekers.csv", "kind": "warning", "reason": kind, "row": int(clean_rows[row]),
                        "column": col, "id": sid, "value": value})
    for (kind, col, value, sid), r in zip(rej_records, rows):
        planted.append({"file": "seekers.csv", "kind": "reject", "reason": kind, "row": int(r), "column": col,
                        "id": sid, "value": value})

    # vacancies: all rejects, as extra rows
    v_kinds = ("missing_id", "duplicate_id", "empty_title")
    k = _plant_count(m, len(v_kinds)) if m >= 2 else 0
    extra_rows, after, rej_records = [], [], []
    for i in range(k):
        kind = v_kinds[i % len(v_kinds)]
        row = vacancies.iloc[int(rng.integers(0, m))].copy()
        pos = int(rng.integers(1, m))
        if kind == "missing_id":
            row["vacancy_id"] = ""
            rej_records.append((kind, "vacancy_id", "", None))
        elif kind == "duplicate_id":
            dup = vacancies.iat[int(rng.integers(0, pos)), 0]
            row["vacancy_id"] = dup
            rej_records.append((kind, "vacancy_id", dup, dup))
        else:
            new_id = f"V{m + 1 + i:06d}"
            row["vacancy_id"] = new_id
            row["title"] = ""
            rej_records.append((kind, "title", "", new_id))
        extra_rows.append(row)
        after.append(pos)
    if extra_rows:
        vacancies, rows, _ = _insert_rows(vacancies, pd.DataFrame(extra_rows), np.array(after))
        for (kind, col, value, vid), r in zip(rej_records, rows):
            planted.append({"file": "vacancies.csv", "kind": "reject", "reason": kind, "row": int(r), "column": col,
                            "id": vid, "value": value})

    # outcomes: references to a seeker or vacancy that does not exist
    o_kinds = ("unknown_seeker", "unknown_vacancy")
    n_o = len(outcomes)
    if n_o and n and m:
        k = _plant_count(n_o, len(o_kinds))
        extra_rows, after, rej_records = [], [], []
        for i in range(k):
            kind = o_kinds[i % len(o_kinds)]
            row = outcomes.iloc[int(rng.integers(0, n_o))].copy()
            if kind == "unknown_seeker":
                row["seeker_id"] = f"S{n + 5000 + i:07d}"
                rej_records.append((kind, "seeker_id", row["seeker_id"], row["seeker_id"]))
            else:
                row["vacancy_id"] = f"V{m + 5000 + i:06d}"
                rej_records.append((kind, "vacancy_id", row["vacancy_id"], row["vacancy_id"]))
            extra_rows.append(row)
            after.append(int(rng.integers(0, n_o)))
        outcomes, rows, _ = _insert_rows(outcomes, pd.DataFrame(extra_rows), np.array(after))
        for (kind, col, value, ref), r in zip(rej_records, rows):
            planted.append({"file": "outcomes.csv", "kind": "reject", "reason": kind, "row": int(r), "column": col,
                            "id": ref, "value": value})
    return seekers, vacancies, outcomes, planted


# ----------------------------------------------------------------------------- public API


def generate_city(n_seekers: int, n_vacancies: int, seed: int = 0, n_outcomes: int | None = None,
                  dirty: bool = True, as_of: date = DEFAULT_AS_OF) -> City:
    """Draw a synthetic Panzhihua-like labour market.

    ``n_seekers`` and ``n_vacancies`` are the numbers of usable rows (planted
    reject rows come on top); ``n_outcomes`` referral rows (default: one per
    ten seekers; fewer when there are not enough distinct pairs). ``seed``
    fixes every draw: the same arguments give identical frames and files.
    ``as_of`` is the observation date (ages, registration and expiry dates).
    ``dirty`` plants broken rows (see the module docstring).

    Raises :class:`~matcher.errors.SettingsError` for negative counts.
    """
    for label, value in (("n_seekers", n_seekers), ("n_vacancies", n_vacancies)):
        if not isinstance(value, (int, np.integer)) or value < 0:
            raise SettingsError(f"{label} must be a whole number >= 0, got {value!r}.")
    if n_outcomes is not None and (not isinstance(n_outcomes, (int, np.integer)) or n_outcomes < 0):
        raise SettingsError(f"n_outcomes must be a whole number >= 0 or None, got {n_outcomes!r}.")
    trades = load_trades()
    seed_seq = np.random.SeedSequence(int(seed))
    rs, rv, ro, rp = (np.random.default_rng(s) for s in seed_seq.spawn(4))
    seekers, s_truth = _seekers(rs, int(n_seekers), trades, as_of, dirty)
    vacancies, v_truth = _vacancies(rv, int(n_vacancies), trades, as_of)
    k = int(round(0.1 * n_seekers)) if n_outcomes is None else int(n_outcomes)
    outcomes = _outcomes(ro, k, seekers, s_truth, vacancies, v_truth, as_of)
    planted: list[dict[str, Any]] = []
    if dirty:
        seekers, vacancies, outcomes, planted = _plant(rp, seekers, vacancies, outcomes,
                                                       s_truth["unknown_education_text"].to_numpy())
        file_order = {"seekers.csv": 0, "vacancies.csv": 1, "outcomes.csv": 2}
        planted.sort(key=lambda p: (file_order[p["file"]], p["row"], p["column"]))
    return City(seekers=seekers.reset_index(drop=True), vacancies=vacancies.reset_index(drop=True),
                outcomes=outcomes.reset_index(drop=True), planted_rejects=planted, seeker_truth=s_truth,
                vacancy_truth=v_truth, seed=int(seed), as_of=as_of)


def chinese_headers(frame: pd.DataFrame, table: str = "seekers") -> pd.DataFrame:
    """``frame`` with the first Chinese header of each column (from :mod:`matcher.schema`)."""
    from matcher.schema import TABLES

    zh = {c.name: c.zh[0] for c in TABLES[table] if c.zh}
    return frame.rename(columns=zh)


def write_city(city: City, out_dir: str | Path) -> dict[str, Path]:
    """Write the city's files into ``out_dir`` (created if missing).

    Files: ``seekers.csv``, ``vacancies.csv``, ``outcomes.csv`` (UTF-8 with
    BOM, English headers), ``seekers_gb18030.csv`` (GB18030, Chinese headers,
    CRLF line ends, as Chinese office software exports) and
    ``planted_rows.csv`` (the planted rows, for checking a validator).
    Returns ``{"seekers": path, "vacancies": ..., "outcomes": ...,
    "seekers_gb18030": ..., "planted": ...}``. Existing files are overwritten.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "seekers": out / "seekers.csv", "vacancies": out / "vacancies.csv", "outcomes": out / "outcomes.csv",
        "seekers_gb18030": out / "seekers_gb18030.csv", "planted": out / "planted_rows.csv",
    }
    city.seekers.to_csv(paths["seekers"], index=False, encoding="utf-8-sig", lineterminator="\n")
    city.vacancies.to_csv(paths["vacancies"], index=False, encoding="utf-8-sig", lineterminator="\n")
    city.outcomes.to_csv(paths["outcomes"], index=False, encoding="utf-8-sig", lineterminator="\n")
    chinese_headers(city.seekers, "seekers").to_csv(paths["seekers_gb18030"], index=False, encoding="gb18030",
                                                    lineterminator="\r\n")
    planted = pd.DataFrame(city.planted_rejects, columns=["file", "row", "kind", "reason", "column", "id", "value"])
    planted.to_csv(paths["planted"], index=False, encoding="utf-8-sig", lineterminator="\n")
    return paths
