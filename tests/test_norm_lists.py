"""List cells and work-experience lists."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from matcher.normalise.lists import is_missing, parse_experience, parse_years, split_list, to_text


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("焊工；电工、叉车", ["焊工", "电工", "叉车"]),
        ("焊工;电工;叉车", ["焊工", "电工", "叉车"]),
        ("焊工,电工，叉车", ["焊工", "电工", "叉车"]),
        ("焊工|电工｜叉车", ["焊工", "电工", "叉车"]),
        ("焊工/电工／叉车", ["焊工", "电工", "叉车"]),
        ("焊工\n电工\r\n叉车\t钳工", ["焊工", "电工", "叉车", "钳工"]),
        ("  焊工 ; ; 电工 ;", ["焊工", "电工"]),
        ("焊工；焊工；电工", ["焊工", "电工"]),
        ("Welding; welding; WELDING", ["Welding"]),
        ("焊工(四级)；电工证", ["焊工(四级)", "电工证"]),
        ("焊工（四级）", ["焊工(四级)"]),
        ("ＣＡＤ制图，Ｅｘｃｅｌ", ["CAD制图", "Excel"]),
        ("welding, cutting, grinding", ["welding", "cutting", "grinding"]),
        ("Welding; HMI/SCADA; Stat/Transfer", ["Welding", "HMI/SCADA", "Stat/Transfer"]),
        ("Sales Representatives, Wholesale; Excel", ["Sales Representatives, Wholesale", "Excel"]),
        ("电工; 焊工/钳工", ["电工", "焊工", "钳工"]),
        ("叉车证。", ["叉车证"]),
        ("a   b", ["a b"]),
        ("电工、、焊工", ["电工", "焊工"]),
        ("焊工;-;电工", ["焊工", "电工"]),
        (12.0, ["12"]),
        (7, ["7"]),
    ],
)
def test_split(cell: object, items: list[str]) -> None:
    assert split_list(cell) == items


@pytest.mark.parametrize("cell", [None, math.nan, np.nan, "", "   ", pd.NA, "nan", "-", ";;"])
def test_split_empty(cell: object) -> None:
    assert split_list(cell) == []


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        (["焊工", " 焊工 ", None, "ＣＡＤ", "", math.nan], ["焊工", "CAD"]),
        (("a", "b"), ["a", "b"]),
        (np.array(["x", "y", "x"], dtype=object), ["x", "y"]),
        (["a;b"], ["a;b"]),
        ([], []),
    ],
)
def test_split_sequences(cell: object, items: list[str]) -> None:
    assert split_list(cell) == items


def test_split_result_is_a_fresh_list() -> None:
    first = split_list("焊工;电工")
    first.append("changed")
    assert split_list("焊工;电工") == ["焊工", "电工"]


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("炼钢工:20; 保安:2", [("炼钢工", 20.0), ("保安", 2.0)]),
        ("炼钢工：20；保安：2", [("炼钢工", 20.0), ("保安", 2.0)]),
        ("炼钢工:20, 保安:2", [("炼钢工", 20.0), ("保安", 2.0)]),
        ("炼钢工：20，保安：2", [("炼钢工", 20.0), ("保安", 2.0)]),
        ("炼钢工 20年", [("炼钢工", 20.0)]),
        ("炼钢工20年", [("炼钢工", 20.0)]),
        ("电工(20年)", [("电工", 20.0)]),
        ("电工（20年）", [("电工", 20.0)]),
        ("Welder:20 years", [("Welder", 20.0)]),
        ("Welder: 3 yrs", [("Welder", 3.0)]),
        ("炼钢工:二十年", [("炼钢工", 20.0)]),
        ("炼钢工:十年", [("炼钢工", 10.0)]),
        ("保安:半年", [("保安", 0.5)]),
        ("保安:一年半", [("保安", 1.5)]),
        ("保安:两年半", [("保安", 2.5)]),
        ("保安:6个月", [("保安", 0.5)]),
        ("保安:3-5年", [("保安", 4.0)]),
        ("保安:20多年", [("保安", 20.0)]),
        ("保安:2.5", [("保安", 2.5)]),
        ("保安", [("保安", None)]),
        ("焊工(四级)", [("焊工(四级)", None)]),
        ("电工,焊工", [("电工", None), ("焊工", None)]),
        ("Transportation, Storage, and Distribution Managers:8",
         [("Transportation, Storage, and Distribution Managers", 8.0)]),
        ("Computer Systems Engineers/Architects:8", [("Computer Systems Engineers/Architects", 8.0)]),
        ("A, B:8/C:3", [("A, B", 8.0), ("C", 3.0)]),
        ("炼钢工:20; 炼钢工:20", [("炼钢工", 20.0)]),
    ],
)
def test_experience(cell: str, items: list[tuple[str, float | None]]) -> None:
    found, problems = parse_experience(cell)
    assert found == items
    assert problems == []


@pytest.mark.parametrize(
    ("cell", "title"),
    [("司机:很久", "司机"), ("炼钢工:100年", "炼钢工"), ("保安:abc", "保安"), ("电工：多年", "电工")],
)
def test_experience_problem_keeps_title(cell: str, title: str) -> None:
    found, problems = parse_experience(cell)
    assert found == [(title, None)]
    assert len(problems) == 1 and title in problems[0]


def test_experience_empty_and_lists() -> None:
    assert parse_experience(None) == ([], [])
    assert parse_experience("") == ([], [])
    assert parse_experience(["炼钢工:20", ("保安", 2)]) == ([("炼钢工", 20.0), ("保安", 2.0)], [])
    found, problems = parse_experience(":5")
    assert found == [] and problems


@pytest.mark.parametrize(
    ("cell", "years"),
    [("20", 20.0), ("20年", 20.0), (20, 20.0), (2.5, 2.5), ("3个月", 0.25), ("半年", 0.5), ("", None),
     (None, None), ("-1", None), (-1, None), (True, None), ("2 years", 2.0), ("十五年", 15.0)],
)
def test_parse_years(cell: object, years: float | None) -> None:
    assert parse_years(cell) == years


@pytest.mark.parametrize(
    ("cell", "missing"),
    [(None, True), (math.nan, True), (pd.NA, True), (pd.NaT, True), ("", True), (" ", True),
     ("N/A", True), ("暂无", True), ("０", False), (0, False), ("x", False), ([], False)],
)
def test_is_missing(cell: object, missing: bool) -> None:
    assert is_missing(cell) is missing


def test_to_text() -> None:
    assert to_text(45.0) == "45"
    assert to_text("  ＡＢＣ ") == "ABC"
    assert to_text(None) == ""


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats(), st.lists(st.one_of(st.text(), st.none()))))
def test_split_never_raises(cell: object) -> None:
    items = split_list(cell)
    assert isinstance(items, list)
    assert all(isinstance(x, str) and x and x == x.strip() for x in items)
    assert len({x.casefold() for x in items}) == len(items)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="炼钢工保安:：;；,，/()年个月半0123456789 "), st.none(), st.integers()))
def test_experience_never_raises(cell: object) -> None:
    items, problems = parse_experience(cell)
    assert isinstance(items, list) and isinstance(problems, list)
    for title, years in items:
        assert isinstance(title, str) and title
        assert years is None or (isinstance(years, float) and 0 <= years <= 60)
    assert all(isinstance(p, str) for p in problems)
