"""Wages: posting text -> yuan per month."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from matcher.normalise.wages import (
    MAX_PLAUSIBLE,
    MIN_PLAUSIBLE,
    WAGE_FACTORS,
    WageParse,
    parse_wage,
    parse_wage_pair,
)

DAY = 21.75
HOUR = 21.75 * 8


@pytest.mark.parametrize(
    ("text", "lo", "hi", "flags"),
    [
        ("3000-5000元/月", 3000, 5000, ()),
        ("3000~5000", 3000, 5000, ()),
        ("3000～5000", 3000, 5000, ()),
        ("3000至5000", 3000, 5000, ()),
        ("3000到5000元", 3000, 5000, ()),
        ("3000元-5000元", 3000, 5000, ()),
        ("3000—5000", 3000, 5000, ()),
        ("3千-5千", 3000, 5000, ()),
        ("3千-5千元", 3000, 5000, ()),
        ("3-5千", 3000, 5000, ()),
        ("4K-6K", 4000, 6000, ()),
        ("4k-6k/月", 4000, 6000, ()),
        ("4k", 4000, 4000, ()),
        ("1.2万", 12000, 12000, ()),
        ("1.5w", 15000, 15000, ()),
        ("1-1.5万", 10000, 15000, ()),
        ("1万-1.5万/月", 10000, 15000, ()),
        ("0.5-1万", 5000, 10000, ()),
        ("3000-5千", 3000, 5000, ()),
        ("3千5", 3500, 3500, ()),
        ("1万2", 12000, 12000, ()),
        ("三千至五千", 3000, 5000, ()),
        ("两千五", 2500, 2500, ()),
        ("一万二", 12000, 12000, ()),
        ("月薪4000", 4000, 4000, ()),
        ("4000元/月", 4000, 4000, ()),
        ("４０００", 4000, 4000, ()),
        ("３０００－５０００", 3000, 5000, ()),
        ("￥3000", 3000, 3000, ()),
        ("¥3000-4000", 3000, 4000, ()),
        ("RMB 3000", 3000, 3000, ()),
        ("3,000", 3000, 3000, ()),
        ("3,000-5,000", 3000, 5000, ()),
        ("3000 to 5000 yuan", 3000, 5000, ()),
        ("4000", 4000, 4000, ()),
        ("8千以上", 8000, None, ("open_upper",)),
        ("3000以上", 3000, None, ("open_upper",)),
        ("3000+", 3000, None, ("open_upper",)),
        ("3500元/月起", 3500, None, ("open_upper",)),
        ("不低于3000", 3000, None, ("open_upper",)),
        ("5000以下", None, 5000, ("open_lower",)),
        ("最高5000", None, 5000, ("open_lower",)),
        ("150元/天", 150 * DAY, 150 * DAY, ("per_day",)),
        ("150/天", 150 * DAY, 150 * DAY, ("per_day",)),
        ("日薪150", 150 * DAY, 150 * DAY, ("per_day",)),
        ("150-200元/天", 150 * DAY, 200 * DAY, ("per_day",)),
        ("一天150元", 150 * DAY, 150 * DAY, ("per_day",)),
        ("20元/小时", 20 * HOUR, 20 * HOUR, ("per_hour",)),
        ("时薪20", 20 * HOUR, 20 * HOUR, ("per_hour",)),
        ("20/h", 20 * HOUR, 20 * HOUR, ("per_hour",)),
        ("年薪6万", 5000, 5000, ("per_year",)),
        ("6-8万/年", 5000, 80000 / 12, ("per_year",)),
        ("年薪10-15万", 100000 / 12, 150000 / 12, ("per_year",)),
        ("周薪1000", 4348, 4348, ("per_week",)),
        ("1000元/周", 4348, 4348, ("per_week",)),
        ("底薪2000+提成", 2000, 2000, ("commission",)),
        ("保底3000+绩效", 3000, 3000, ("commission",)),
        ("3000+提成", 3000, 3000, ("commission",)),
        ("3000-5000元/月+提成", 3000, 5000, ("commission",)),
        ("5000-3000", 3000, 5000, ("swapped",)),
        ("4000元/月 8小时", 4000, 4000, ("multiple_values",)),
    ],
)
def test_real_spellings(text: str, lo: float | None, hi: float | None, flags: tuple[str, ...]) -> None:
    res = parse_wage(text)
    assert res.raw == text
    assert res.negotiable is False
    assert res.min == (None if lo is None else pytest.approx(lo, abs=0.01))
    assert res.max == (None if hi is None else pytest.approx(hi, abs=0.01))
    assert res.flags == flags


@pytest.mark.parametrize("text", ["面议", "薪资面议", "Negotiable", "待遇面议", "工资面谈"])
def test_negotiable(text: str) -> None:
    res = parse_wage(text)
    assert res == WageParse(None, None, True, ("negotiable",), text)


def test_negotiable_with_numbers_keeps_them() -> None:
    res = parse_wage("3000-5000 面议")
    assert (res.min, res.max, res.negotiable) == (3000, 5000, True)
    assert "negotiable" in res.flags


@pytest.mark.parametrize("value", ["", "   ", None, math.nan, np.nan, "-", "nan"])
def test_missing(value: object) -> None:
    res = parse_wage(value)
    assert (res.min, res.max, res.negotiable, res.flags) == (None, None, False, ("missing",))


@pytest.mark.parametrize(
    ("text", "flag"),
    [("好", "unparsed"), ("看能力", "unparsed"), ("上不封顶", "unparsed"), ("-5", "implausible"),
     ("99999999", "implausible"), ("150", "implausible"), ("0", "implausible"), ("30万", "implausible")],
)
def test_nonsense_is_flagged_not_guessed(text: str, flag: str) -> None:
    res = parse_wage(text)
    assert res.min is None and res.max is None
    assert flag in res.flags
    assert res.raw == text


@pytest.mark.parametrize(("value", "expected"), [(4000, 4000.0), (4500.0, 4500.0), (np.int64(3000), 3000.0)])
def test_numbers_are_monthly_yuan(value: object, expected: float) -> None:
    res = parse_wage(value)
    assert (res.min, res.max, res.flags) == (expected, expected, ())


@pytest.mark.parametrize("value", [-5, 99999999, 1e300, math.inf, True])
def test_bad_numbers(value: object) -> None:
    res = parse_wage(value)
    assert res.min is None and res.max is None
    assert set(res.flags) & {"implausible", "unparsed"}


def test_factors_documented_values() -> None:
    assert WAGE_FACTORS["per_day"] == 21.75
    assert WAGE_FACTORS["per_hour"] == pytest.approx(174.0)
    assert WAGE_FACTORS["per_week"] == pytest.approx(4.348)
    assert WAGE_FACTORS["per_year"] == pytest.approx(1 / 12)
    assert WAGE_FACTORS["per_month"] == 1.0


@pytest.mark.parametrize(
    ("a", "b", "lo", "hi", "flags"),
    [
        (3000, 5000, 3000, 5000, ()),
        ("3千", "5千", 3000, 5000, ()),
        ("3000", None, 3000, None, ("open_upper",)),
        (None, 6000, None, 6000, ("open_lower",)),
        (6000, 3000, 3000, 6000, ("swapped",)),
        ("150/天", "200/天", 150 * DAY, 200 * DAY, ("per_day",)),
        (3000, "99999999", None, None, ("implausible",)),
    ],
)
def test_pair(a: object, b: object, lo: float | None, hi: float | None, flags: tuple[str, ...]) -> None:
    res = parse_wage_pair(a, b)
    assert res.min == (None if lo is None else pytest.approx(lo))
    assert res.max == (None if hi is None else pytest.approx(hi))
    assert res.flags == flags


def test_pair_missing_and_negotiable() -> None:
    assert parse_wage_pair(None, "").flags == ("missing",)
    res = parse_wage_pair("面议", None)
    assert res.negotiable and res.min is None and res.max is None


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789.-~千万kK元/天月年小时以上下+面议底薪提成 "),
                 st.none(), st.integers(), st.floats()))
def test_never_raises(value: object) -> None:
    res = parse_wage(value)
    assert isinstance(res, WageParse)
    assert isinstance(res.negotiable, bool)
    assert isinstance(res.flags, tuple) and all(isinstance(f, str) for f in res.flags)
    assert isinstance(res.raw, str)
    for v in (res.min, res.max):
        assert v is None or (isinstance(v, float) and MIN_PLAUSIBLE <= v <= MAX_PLAUSIBLE)
    if res.min is not None and res.max is not None:
        assert res.min <= res.max


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers()), st.one_of(st.text(), st.none(), st.floats()))
def test_pair_never_raises(a: object, b: object) -> None:
    res = parse_wage_pair(a, b)
    assert isinstance(res, WageParse)
    if res.min is not None and res.max is not None:
        assert res.min <= res.max
