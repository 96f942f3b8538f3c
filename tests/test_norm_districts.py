"""Districts of Panzhihua and how two places relate."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from matcher.normalise.districts import (
    ADJACENT,
    CITY,
    DISTRICTS,
    RELATIONS,
    TOWNS,
    DistrictParse,
    district_relation,
    parse_district,
)


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("东", "东区"), ("东区", "东区"), ("攀枝花市东区", "东区"), ("攀枝花东区", "东区"), ("四川省攀枝花市东区", "东区"),
        ("西", "西区"), ("西区", "西区"), ("攀枝花市西区河门口", "西区"),
        ("仁和", "仁和区"), ("仁和区", "仁和区"), ("米易", "米易县"), ("米易县", "米易县"), ("米易县城", "米易县"),
        ("盐边", "盐边县"), ("盐边县城", "盐边县"), ("盐边县", "盐边县"),
        ("Dong District", "东区"), ("dongqu", "东区"), ("East District", "东区"), ("Xiqu", "西区"),
        ("Xi District", "西区"), ("Renhe", "仁和区"), ("Renhe District", "仁和区"), ("Miyi", "米易县"),
        ("Miyi County", "米易县"), ("Yanbian", "盐边县"), ("Panzhihua East District", "东区"),
        ("Bingcaogang", "东区"),
        # towns and sub-districts
        ("炳草岗", "东区"), ("炳草岗街道", "东区"), ("大渡口", "东区"), ("瓜子坪", "东区"), ("东华街道", "东区"),
        ("弄弄坪", "东区"), ("银江镇", "东区"), ("清香坪", "西区"), ("河门口", "西区"), ("格里坪镇", "西区"),
        ("玉泉街道", "西区"), ("仁和镇", "仁和区"), ("金江镇", "仁和区"), ("大河中路街道", "仁和区"),
        ("总发乡", "仁和区"), ("平地镇", "仁和区"), ("布德镇", "仁和区"), ("攀莲镇", "米易县"), ("丙谷", "米易县"),
        ("撒莲镇", "米易县"), ("白马镇", "米易县"), ("桐子林", "盐边县"), ("渔门镇", "盐边县"), ("红格", "盐边县"),
        ("新九镇", "盐边县"),
        ("攀枝花市东区炳草岗街道", "东区"), ("四川省攀枝花市仁和区大河中路街道", "仁和区"), ("东区 ", "东区"),
        ("ＤＯＮＧ ＤＩＳＴＲＩＣＴ", "东区"),
    ],
)
def test_city_districts(cell: str, name: str) -> None:
    res = parse_district(cell)
    assert res == DistrictParse(name, "city", cell.strip())


@pytest.mark.parametrize("cell", ["攀枝花", "攀枝花市", "市区", "本市", "四川省攀枝花市", "Panzhihua", "东区/西区",
                                  "炳草岗清香坪", "全市范围"])
def test_city_without_district(cell: str) -> None:
    res = parse_district(cell)
    assert (res.name, res.klass) == (None, "city")


@pytest.mark.parametrize(
    "cell",
    ["成都", "成都市", "凉山", "凉山州", "西昌", "西昌市", "昆明", "重庆", "外省", "省外", "外地", "会理县", "华坪县",
     "深圳市福田区", "云南省丽江市", "某某县", "Chengdu", "Kunming", "Xi'an", "Chongqing", "山东", "广东省广州市"],
)
def test_outside(cell: str) -> None:
    res = parse_district(cell)
    assert (res.name, res.klass) == (None, "outside")


@pytest.mark.parametrize("cell", ["", None, math.nan, "abc", "四川", "四川省", "高新区", "附近", "不知道", "中国"])
def test_unknown(cell: object) -> None:
    res = parse_district(cell)
    assert (res.name, res.klass) == (None, "unknown")


def test_generic_town_names_need_whole_cell() -> None:
    assert parse_district("平地").name == "仁和区"
    assert parse_district("平地镇").name == "仁和区"
    # a generic name inside other text does not decide the district
    assert parse_district("白马寺附近").klass == "unknown"


def test_tables_are_consistent() -> None:
    assert CITY == "攀枝花"
    assert DISTRICTS == ("东区", "西区", "仁和区", "米易县", "盐边县")
    assert all(d in DISTRICTS for d, _ in TOWNS.values())
    assert all(len(p) == 2 and p <= set(DISTRICTS) for p in ADJACENT)
    for town, (district, _generic) in TOWNS.items():
        assert parse_district(town).name == district, town


@pytest.mark.parametrize(
    ("a", "b", "rel"),
    [
        ("东区", "东区", "same"), ("炳草岗", "东区", "same"), ("东区", "西区", "adjacent"),
        ("东区", "仁和区", "adjacent"), ("仁和区", "米易县", "adjacent"), ("米易", "盐边", "adjacent"),
        ("东区", "米易县", "city"), ("西区", "米易县", "city"), ("攀枝花", "东区", "city"),
        ("成都", "东区", "outside"), ("东区", "外省", "outside"), (None, "东区", "unknown"),
        ("东区", "abc", "unknown"), ("", "", "unknown"),
    ],
)
def test_relation(a: str | None, b: str | None, rel: str) -> None:
    assert district_relation(a, b) == rel
    assert district_relation(b, a) == rel
    assert rel in RELATIONS


def test_relation_adjacency_is_configurable() -> None:
    assert district_relation("东区", "西区", adjacent=frozenset()) == "city"
    custom = frozenset({frozenset({"东区", "米易县"})})
    assert district_relation("东区", "米易县", adjacent=custom) == "adjacent"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats()))
def test_never_raises(cell: object) -> None:
    res = parse_district(cell)
    assert isinstance(res, DistrictParse)
    assert res.klass in ("city", "outside", "unknown")
    assert res.name is None or (res.name in DISTRICTS and res.klass == "city")
    assert isinstance(res.raw, str)
    assert district_relation(cell if isinstance(cell, str) else None, "东区") in RELATIONS
