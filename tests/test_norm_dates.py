"""Dates, ages and the vectorised date parser."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from matcher.normalise.dates import age_from_birth, parse_age, parse_date, parse_dates

D = dt.date


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("2024-03-05", D(2024, 3, 5)),
        ("2024-3-5", D(2024, 3, 5)),
        ("2024/3/5", D(2024, 3, 5)),
        ("2024/03/05", D(2024, 3, 5)),
        ("2024.3.5", D(2024, 3, 5)),
        ("2024年3月5日", D(2024, 3, 5)),
        ("2024年03月05日", D(2024, 3, 5)),
        ("2024年3月5号", D(2024, 3, 5)),
        ("20240305", D(2024, 3, 5)),
        ("2024-03", D(2024, 3, 1)),
        ("2024年3月", D(2024, 3, 1)),
        ("2024.03", D(2024, 3, 1)),
        ("2024-03-05 10:00", D(2024, 3, 5)),
        ("2024-03-05T10:00:00", D(2024, 3, 5)),
        ("2024/3/5 8:05:00", D(2024, 3, 5)),
        (" ２０２４－０３－０５ ", D(2024, 3, 5)),
        ("1965-12-31", D(1965, 12, 31)),
        ("2024-02-29", D(2024, 2, 29)),
        (45000, D(2023, 3, 15)),
        (45000.75, D(2023, 3, 15)),
        ("45000", D(2023, 3, 15)),
        (25569, D(1970, 1, 1)),
        (np.int64(45000), D(2023, 3, 15)),
        (pd.Timestamp("2020-01-02 13:00"), D(2020, 1, 2)),
        (dt.datetime(2020, 1, 2, 5), D(2020, 1, 2)),
        (D(2020, 1, 2), D(2020, 1, 2)),
        (np.datetime64("2021-05-06"), D(2021, 5, 6)),
    ],
)
def test_dates(cell: object, date: dt.date) -> None:
    assert parse_date(cell) == (date, "ok")


@pytest.mark.parametrize(
    "cell",
    ["2023-02-30", "2024-13-01", "2023年2月30日", "1975", "abc", "3/5/2024", "1800-01-01", "2300-01-01",
     123, 19999, 80001, 1e20, math.inf, True, "20241305"],
)
def test_bad_dates_are_unknown(cell: object) -> None:
    assert parse_date(cell) == (None, "unknown")


@pytest.mark.parametrize("cell", [None, "", "  ", math.nan, pd.NaT, pd.NA, np.nan])
def test_missing_dates(cell: object) -> None:
    assert parse_date(cell) == (None, "missing")


def test_parse_dates_mixed_object_series() -> None:
    s = pd.Series(["2024-03-05", "2024/3/5", None, "x", "2023-02-30", 45000, "1800-01-01", "",
                   pd.Timestamp("2020-01-01"), "2024年3月"], index=[5, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    values, status = parse_dates(s)
    assert values.dtype == "datetime64[ns]"
    assert list(values.index) == list(s.index)
    assert status.tolist() == ["ok", "ok", "missing", "unknown", "unknown", "ok", "unknown", "missing",
                               "ok", "ok"]
    assert values.iloc[0] == values.iloc[1] == pd.Timestamp("2024-03-05")
    assert values.iloc[5] == pd.Timestamp("2023-03-15")
    assert values.iloc[9] == pd.Timestamp("2024-03-01")
    assert values[status != "ok"].isna().all()


def test_parse_dates_numeric_and_datetime_series() -> None:
    values, status = parse_dates(pd.Series([45000, np.nan, 3.0]))
    assert status.tolist() == ["ok", "missing", "unknown"]
    assert values.iloc[0] == pd.Timestamp("2023-03-15")
    dts = pd.to_datetime(pd.Series(["2020-01-01 10:00", None]))
    values, status = parse_dates(dts)
    assert values.iloc[0] == pd.Timestamp("2020-01-01")
    assert status.tolist() == ["ok", "missing"]
    values, status = parse_dates(pd.Series([], dtype=object))
    assert len(values) == 0 and len(status) == 0


def test_parse_dates_agrees_with_parse_date() -> None:
    cells = ["2024-03-05", "2024/3/5", "20240305", "2023-02-30", "", None, "2024-03", 45000, "junk", "1999.12.31"]
    values, status = parse_dates(pd.Series(cells, dtype=object))
    for cell, v, s in zip(cells, values, status):
        day, stat = parse_date(cell)
        assert stat == s
        assert (pd.isna(v) and day is None) or v.date() == day


def test_parse_dates_100k_rows() -> None:
    # its speed is measured in benchmarks/unit_speed.py (same cells), not asserted here
    from benchmarks.unit_speed import date_cells

    series = date_cells(100_000)
    values, status = parse_dates(series)
    assert (status == "ok").sum() == 98_000
    assert (status == "missing").sum() == 2_000 and values.isna().sum() == 2_000


@pytest.mark.parametrize(
    ("cell", "age"),
    [("45", 45), ("45岁", 45), ("45周岁", 45), ("45.0", 45), ("４５", 45), (45, 45), (45.0, 45), (45.7, 45),
     (np.int64(30), 30), ("年龄45", 45), ("14", 14), ("100", 100), (" 33 岁", 33)],
)
def test_age(cell: object, age: int) -> None:
    assert parse_age(cell) == (age, "ok")


@pytest.mark.parametrize("cell", ["13", "101", "200", -3, "abc", "四十五", True, math.inf, "45-50"])
def test_age_unknown(cell: object) -> None:
    assert parse_age(cell) == (None, "unknown")


@pytest.mark.parametrize("cell", [None, "", math.nan])
def test_age_missing(cell: object) -> None:
    assert parse_age(cell) == (None, "missing")


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [(D(1980, 3, 5), D(2024, 3, 4), 43), (D(1980, 3, 5), D(2024, 3, 5), 44), (D(2000, 2, 29), D(2021, 2, 28), 20),
     (D(2000, 2, 29), D(2021, 3, 1), 21), (dt.datetime(1980, 3, 5, 12), dt.datetime(2024, 3, 5), 44)],
)
def test_age_from_birth(birth: dt.date, on: dt.date, age: int) -> None:
    assert age_from_birth(birth, on) == age


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats(), st.dates(), st.datetimes()))
def test_parse_date_never_raises(cell: object) -> None:
    day, status = parse_date(cell)
    assert status in ("ok", "missing", "unknown")
    assert (day is not None) == (status == "ok")
    assert day is None or (isinstance(day, dt.date) and not isinstance(day, dt.datetime))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats()))
def test_parse_age_never_raises(cell: object) -> None:
    age, status = parse_age(cell)
    assert status in ("ok", "missing", "unknown")
    assert age is None or (type(age) is int and 14 <= age <= 100)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), st.none(), st.integers(), st.floats()), max_size=20))
def test_parse_dates_never_raises(cells: list[object]) -> None:
    values, status = parse_dates(pd.Series(cells, dtype=object))
    assert len(values) == len(status) == len(cells)
    assert set(status) <= {"ok", "missing", "unknown"}
    assert ((status == "ok") == values.notna()).all()
