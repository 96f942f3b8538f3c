"""Yes/no cells."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from matcher.normalise.yesno import parse_yesno


@pytest.mark.parametrize(
    "cell",
    ["yes", "Yes", "YES", "y", "Y", "true", "True", "TRUE", "1", "1.0", 1, 1.0, True, np.bool_(True), np.int64(1),
     "是", "是的", "有", "包", "接受", "能", "提供", "✓", "✔", "√", "ＹＥＳ", "是。", " 是 ", "是(每周轮换)",
     "包吃住", "五险一金", "接受倒班", "可以", "三班倒", "提供住宿"],
)
def test_yes(cell: object) -> None:
    assert parse_yesno(cell) == (True, "ok")


@pytest.mark.parametrize(
    "cell",
    ["no", "No", "NO", "n", "N", "false", "False", "0", "0.0", 0, 0.0, False, np.bool_(False), "否", "无", "没有",
     "不包", "不接受", "不能", "不提供", "✗", "✘", "×", "否！", "不接受倒班", "不包吃住", "长白班", "无社保"],
)
def test_no(cell: object) -> None:
    assert parse_yesno(cell) == (False, "ok")


@pytest.mark.parametrize("cell", [None, "", "   ", math.nan, pd.NA, "-", "/", "nan"])
def test_missing(cell: object) -> None:
    assert parse_yesno(cell) == (None, "missing")


@pytest.mark.parametrize("cell", ["maybe", "看情况", "2", 2, -1, 0.5, "yes no", "是否", "倒班？不一定"])
def test_unknown(cell: object) -> None:
    assert parse_yesno(cell) == (None, "unknown")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats(), st.booleans()))
def test_never_raises(cell: object) -> None:
    value, status = parse_yesno(cell)
    assert status in ("ok", "missing", "unknown")
    assert (value is None) == (status != "ok")
    assert value is None or type(value) is bool
