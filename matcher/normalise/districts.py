"""Districts of Panzhihua: ``攀枝花市东区炳草岗`` -> 东区; ``成都`` -> outside.

The city has five county-level divisions, :data:`DISTRICTS`. A cell is read
into a :class:`DistrictParse` with ``klass``:

* ``"city"`` — in Panzhihua. ``name`` is the canonical district, or None
  when only the city is named (``攀枝花``, ``攀枝花市``, ``市区``, ``本市``).
* ``"outside"`` — recognisably elsewhere: another city, prefecture, county or
  province (``成都``, ``凉山``, ``西昌``, ``会理``, ``昆明``, ``重庆``), a word
  for "elsewhere" (``外省``, ``省外``, ``外地``), or any other text naming a
  市/省/州/县/自治区 that is not Panzhihua's.
* ``"unknown"`` — empty, or not recognised (never guessed).

How a cell is read
    NFKC, lower-case, spaces removed. (1) Exact forms: canonical names, short
    forms (``东``, ``东区``, ``仁和``, ``米易``), the towns and sub-districts
    in :data:`TOWNS`, pinyin/English (``Dong District``, ``Xiqu``, ``Renhe``,
    ``Miyi County``, ``Bingcaogang``) — after stripping ``四川省``/``攀枝花市``
    prefixes and ``镇/乡/街道/社区/县城/城区`` suffixes. (2) If the text names
    another place and does not name 攀枝花, it is outside. (3) Otherwise a
    distinctive district or town name anywhere in the text decides
    (``攀枝花东区炳草岗街道``); a district named outranks a town's district;
    two different divisions in one cell (``东区/西区``) give ``city`` with
    name None. ``四川``/``四川省`` alone is ``unknown`` (the province includes
    Panzhihua). Generic town names that are also common
    words or frequent elsewhere (平地, 前进, 白马, 永兴, 福田 ...) only match
    as a whole cell, alone or with 镇/乡.

The places themselves — :data:`DISTRICTS` with their English names, the town
table :data:`TOWNS` and the adjacency :data:`ADJACENT` — belong to the one
vocabulary, :mod:`matcher.vocab` (edit them there); they are re-exported here.
Pass your own set to :func:`district_relation` (``adjacent=``) to override the
adjacency.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from matcher.normalise.lists import is_missing, to_text
from matcher.vocab import ADJACENT, CITY, DISTRICT_STEMS, DISTRICTS, DISTRICTS_EN, RELATIONS, TOWNS

__all__ = [
    "CITY", "DISTRICTS", "DISTRICTS_EN", "TOWNS", "ADJACENT", "RELATIONS",
    "DistrictParse", "parse_district", "district_relation",
]

#: Exact short forms: each name and its name without 区/县 (东, 仁和, 米易 ...).
_SHORT: dict[str, str] = {form: d for d in DISTRICTS for form in (d, d[:-1])}
#: Distinctive district words searched anywhere in a cell, longest first.
_DISTRICT_WORDS: tuple[tuple[str, str], ...] = tuple(sorted(
    {(form, d) for d in DISTRICTS for form in (d, DISTRICT_STEMS[d])}, key=lambda p: (-len(p[0]), DISTRICTS.index(p[1]))))
_CITY_WIDE = frozenset({
    "攀枝花", "攀枝花市", "市区", "本市", "市内", "全市", "城区", "主城区", "市中心", "本地",
    "攀市", "四川攀枝花", "四川省攀枝花市", "四川省攀枝花", "panzhihua", "panzhihuacity",
    "pzh", "市辖区", "不限区县",
})

_LATIN: dict[str, str | None] = {
    "dong": "东区", "dongqu": "东区", "east": "东区", "eastdistrict": "东区",
    "xi": "西区", "xiqu": "西区", "west": "西区", "westdistrict": "西区",
    "renhe": "仁和区", "renhequ": "仁和区", "miyi": "米易县", "miyixian": "米易县",
    "yanbian": "盐边县", "yanbianxian": "盐边县",
    "bingcaogang": "东区", "dadukou": "东区", "guaziping": "东区", "donghua": "东区",
    "nongnongping": "东区", "yinjiang": "东区", "midi": "东区",
    "qingxiangping": "西区", "hemenkou": "西区", "geliping": "西区", "yuquan": "西区",
    "dabaoding": "西区", "taojiadu": "西区",
    "jinjiang": "仁和区", "zongfa": "仁和区", "pingdi": "仁和区", "bude": "仁和区",
    "panlian": "米易县", "binggu": "米易县", "salian": "米易县", "baima": "米易县",
    "tongzilin": "盐边县", "yumen": "盐边县", "hongge": "盐边县", "xinjiu": "盐边县",
}
_LATIN_SUFFIXES = ("district", "county", "city", "town", "township", "subdistrict", "street",
                   "qu", "xian", "zhen", "xiang", "jiedao", "shi")

#: Places outside Panzhihua that appear in local data (Sichuan prefectures,
#: neighbouring Liangshan and Yunnan counties, provinces, big cities).
OUTSIDE_PLACES: tuple[str, ...] = (
    # other Sichuan prefectures and nearby counties
    "成都", "自贡", "泸州", "德阳", "绵阳", "广元", "遂宁", "内江", "乐山", "南充", "眉山",
    "宜宾", "广安", "达州", "雅安", "巴中", "资阳", "阿坝", "甘孜", "凉山", "西昌", "会理",
    "会东", "德昌", "盐源", "宁南", "冕宁", "普格", "布拖", "金阳", "昭觉", "喜德", "越西",
    "甘洛", "美姑", "雷波", "木里",
    # neighbouring Yunnan
    "云南", "昆明", "丽江", "楚雄", "华坪", "永仁", "元谋", "大理", "宁蒗", "永胜", "曲靖",
    "昭通", "玉溪",
    # provinces, municipalities, big cities
    "重庆", "北京", "上海", "天津", "贵州", "贵阳", "西藏", "拉萨", "广东", "广州", "深圳",
    "东莞", "佛山", "浙江", "杭州", "宁波", "温州", "江苏", "南京", "苏州", "无锡", "福建",
    "福州", "厦门", "湖南", "长沙", "湖北", "武汉", "河南", "郑州", "河北", "石家庄", "山东",
    "济南", "青岛", "山西", "太原", "陕西", "西安", "甘肃", "兰州", "青海", "西宁", "宁夏",
    "银川", "新疆", "乌鲁木齐", "内蒙古", "呼和浩特", "辽宁", "沈阳", "大连", "吉林",
    "长春", "黑龙江", "哈尔滨", "安徽", "合肥", "江西", "南昌", "广西", "南宁", "海南",
    "海口", "三亚", "香港", "澳门", "台湾",
    # "elsewhere"
    "外省", "省外", "市外", "外市", "外地", "异地", "外县", "外埠", "国外", "境外", "海外",
)
_OUTSIDE_LATIN = frozenset({
    "chengdu", "chongqing", "kunming", "xichang", "liangshan", "huili", "beijing", "shanghai",
    "guangzhou", "shenzhen", "yunnan", "guizhou", "xian", "lijiang", "leshan", "yibin",
    "mianyang", "deyang", "zigong", "luzhou", "outside", "otherprovince", "othercity", "othercounty",
    "elsewhere", "abroad",
})

_PREFIX = re.compile(r"^(?:中国)?(?:四川省|四川)?(?:攀枝花市|攀枝花|攀市)?")
_SUFFIX = re.compile(
    r"(?:彝族傈僳族乡|傈僳族乡|彝族乡|街道办事处|街道办|街道|社区|片区|县城|城区|城|镇|乡|村|附近|一带|周边)$"
)
#: Areas that contain Panzhihua: neither city nor outside.
_TOO_BROAD = frozenset({"市", "县", "省", "州", "四川", "四川省", "川", "中国", "国内", "全国", "全省", "省内"})
_CITY_WORDS = re.compile(r"攀枝花|panzhihua|本市|全市|市内|市区|市辖区|主城区|攀市")
_PLACE_MARK = re.compile(r"[市省州县]|自治区|地区|盟")
_OUTSIDE_RE = re.compile("|".join(sorted(OUTSIDE_PLACES, key=len, reverse=True)))
_STRONG_TOWNS = sorted((t for t, (_, g) in TOWNS.items() if not g), key=len, reverse=True)
_TOWN_RE = re.compile("|".join(_STRONG_TOWNS))
_DISTRICT_RE = re.compile("|".join(w for w, _ in _DISTRICT_WORDS))
_DISTRICT_WORD = dict(_DISTRICT_WORDS)


@dataclass(frozen=True)
class DistrictParse:
    """Result of :func:`parse_district`: canonical ``name`` (or None), ``klass``
    ``"city"``/``"outside"``/``"unknown"``, and the ``raw`` cell text."""

    name: str | None
    klass: str
    raw: str


def _exact(t: str) -> str | None | bool:
    """Canonical name for an exact form, ``True`` for city-wide, None if not exact."""
    if t in _CITY_WIDE:
        return True
    if t in _SHORT:
        return _SHORT[t]
    if t in TOWNS:
        return TOWNS[t][0]
    return None


def _latin(t: str) -> DistrictParse | None:
    key = re.sub(r"[^a-z]", "", t)
    if not key:
        return None
    candidates = [key]
    for _ in range(2):  # "renhedistrict", "miyixiancounty"
        for suf in _LATIN_SUFFIXES:
            if candidates[-1].endswith(suf) and len(candidates[-1]) > len(suf):
                candidates.append(candidates[-1][: -len(suf)])
                break
    for cand in candidates:
        if cand in _OUTSIDE_LATIN:
            return DistrictParse(None, "outside", "")
        if cand in _CITY_WIDE:
            return DistrictParse(None, "city", "")
        if cand in _LATIN:
            return DistrictParse(_LATIN[cand], "city", "")
    if key.startswith("panzhihua"):
        rest = _latin(key[len("panzhihua"):])
        return rest if rest is not None and rest.klass == "city" else DistrictParse(None, "city", "")
    return None


@lru_cache(maxsize=16384)
def _parse_text(raw: str) -> DistrictParse:
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw).lower())
    t = t.strip("()[]{}<>.,;:、。")
    if not t or t in _TOO_BROAD:
        return DistrictParse(None, "unknown", raw)
    if t.isascii():
        res = _latin(t)
        if res is not None:
            return DistrictParse(res.name, res.klass, raw)
    # (1) exact forms, with and without decorations
    found = _exact(t)
    if found is None:
        core = _PREFIX.sub("", t)
        for _ in range(2):
            found = _exact(core)
            if found is not None or not core:
                break
            core = _SUFFIX.sub("", core)
        if found is None and not core and "攀" in t:
            found = True  # only a prefix such as 四川省攀枝花市
    if found is True:
        return DistrictParse(None, "city", raw)
    if isinstance(found, str):
        return DistrictParse(found, "city", raw)
    names_city = _CITY_WORDS.search(t) is not None
    # (2) another place named, and Panzhihua not named
    if not names_city and _OUTSIDE_RE.search(t):
        return DistrictParse(None, "outside", raw)
    # (3) a district or distinctive town name anywhere
    named = {_DISTRICT_WORD[w] for w in _DISTRICT_RE.findall(t)}
    if not named:
        named = {TOWNS[w][0] for w in _TOWN_RE.findall(t)}
    if len(named) == 1:
        return DistrictParse(named.pop(), "city", raw)
    if named:  # "东区/西区": somewhere in the city, division ambiguous
        return DistrictParse(None, "city", raw)
    if names_city:
        return DistrictParse(None, "city", raw)
    if _PLACE_MARK.search(t) and t not in _TOO_BROAD:
        return DistrictParse(None, "outside", raw)
    return DistrictParse(None, "unknown", raw)


def parse_district(cell: object) -> DistrictParse:
    """Read a district cell (see module docstring). Never raises."""
    if is_missing(cell):
        return DistrictParse(None, "unknown", cell if isinstance(cell, str) else "")
    raw = cell if isinstance(cell, str) else to_text(cell)
    return _parse_text(raw.strip())


def district_relation(
    a: str | None,
    b: str | None,
    adjacent: frozenset[frozenset[str]] = ADJACENT,
) -> str:
    """How two places relate: ``"same"``, ``"adjacent"``, ``"city"``,
    ``"outside"`` or ``"unknown"``.

    ``a`` and ``b`` may be canonical names, any text :func:`parse_district`
    reads, or None. ``unknown`` if either is unknown/None; ``outside`` if
    either is outside Panzhihua; ``city`` if both are in the city but not the
    same or adjacent division (or one names only the city); ``adjacent`` per
    ``adjacent`` (default :data:`ADJACENT`).
    """
    pa, pb = parse_district(a), parse_district(b)
    if pa.klass == "unknown" or pb.klass == "unknown":
        return "unknown"
    if pa.klass == "outside" or pb.klass == "outside":
        return "outside"
    if pa.name is None or pb.name is None:
        return "city"
    if pa.name == pb.name:
        return "same"
    if frozenset((pa.name, pb.name)) in adjacent:
        return "adjacent"
    return "city"
