"""Gender, hukou, priority groups, 4045 derivation and posted age requirements."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from matcher.normalise.people import (
    AGE_4045_FEMALE,
    AGE_4045_MALE,
    PRIORITY_GROUPS,
    PRIORITY_LABELS_EN,
    PRIORITY_LABELS_ZH,
    derive_groups,
    derive_groups_frame,
    parse_age_requirement,
    parse_gender,
    parse_gender_requirement,
    parse_hukou,
    parse_priority_groups,
)


@pytest.mark.parametrize(
    ("cell", "code"),
    [("F", "F"), ("f", "F"), ("女", "F"), ("female", "F"), ("Female", "F"), ("woman", "F"), ("女性", "F"),
     ("Ｆ", "F"), (" 女 ", "F"), ("M", "M"), ("m", "M"), ("男", "M"), ("male", "M"), ("MALE", "M"), ("man", "M"),
     ("男性", "M")],
)
def test_gender(cell: str, code: str) -> None:
    assert parse_gender(cell) == (code, "ok")


@pytest.mark.parametrize(("cell", "status"), [(None, "missing"), ("", "missing"), (math.nan, "missing"),
                                              ("1", "unknown"), (2, "unknown"), ("未知", "unknown"), ("男女", "unknown")])
def test_gender_not_read(cell: object, status: str) -> None:
    assert parse_gender(cell) == (None, status)


@pytest.mark.parametrize(
    ("cell", "code"),
    [("限女", "F"), ("女性", "F"), ("女", "F"), ("限女性", "F"), ("女性优先", "F"), ("women only", "F"),
     ("female", "F"), ("仅限男性", "M"), ("男", "M"), ("限男", "M"), ("男性", "M"), ("male only", "M"),
     ("men", "M"), ("男女不限", None), ("不限", None), ("性别不限", None), ("男女均可", None), ("男/女", None),
     ("", None), (None, None), ("any", None), ("看情况", None)],
)
def test_gender_requirement(cell: object, code: str | None) -> None:
    assert parse_gender_requirement(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("urban", "urban"), ("Urban", "urban"), ("城镇", "urban"), ("非农业", "urban"), ("非农", "urban"),
     ("城市", "urban"), ("非农业户口", "urban"), ("城镇户口", "urban"), ("non-agricultural", "urban"),
     ("rural", "rural"), ("RURAL", "rural"), ("农村", "rural"), ("农业", "rural"), ("农业户口", "rural"),
     ("农村户口", "rural"), ("agricultural", "rural")],
)
def test_hukou(cell: str, code: str) -> None:
    assert parse_hukou(cell) == (code, "ok")


@pytest.mark.parametrize(("cell", "status"), [(None, "missing"), ("", "missing"), ("外籍", "unknown"),
                                              ("城镇/农村", "unknown"), ("1", "unknown")])
def test_hukou_not_read(cell: object, status: str) -> None:
    assert parse_hukou(cell) == (None, status)


@pytest.mark.parametrize(
    ("cell", "groups", "unknown"),
    [
        ("4045", ["4045"], []), ("4045人员", ["4045"], []), ("4050人员", ["4045"], []), ("40/50人员", ["4045"], []),
        ("零就业家庭", ["zero_employment_family"], []), ("农民工", ["rural_migrant"], []),
        ("进城务工人员", ["rural_migrant"], []), ("农村劳动力", ["rural_migrant"], []),
        ("高校毕业生", ["graduate"], []), ("应届毕业生", ["graduate"], []), ("残疾人", ["disabled"], []),
        ("退役军人", ["veteran"], []), ("复员军人", ["veteran"], []),
        ("4045人员；零就业家庭", ["4045", "zero_employment_family"], []),
        ("农民工、高校毕业生", ["rural_migrant", "graduate"], []),
        ("残疾人, 退役军人", ["disabled", "veteran"], []),
        ("graduate; disabled; zero_employment_family", ["graduate", "disabled", "zero_employment_family"], []),
        ("Rural Migrant", ["rural_migrant"], []), ("4045, 4045人员", ["4045"], []),
        ("4045; 低保户", ["4045"], ["低保户"]), ("blah", [], ["blah"]), ("", [], []), (None, [], []),
        (["4045人员", "残疾人"], ["4045", "disabled"], []),
    ],
)
def test_priority_groups(cell: object, groups: list[str], unknown: list[str]) -> None:
    assert parse_priority_groups(cell) == (groups, unknown)


def test_group_tables() -> None:
    assert PRIORITY_GROUPS == ("4045", "zero_employment_family", "rural_migrant", "graduate", "disabled", "veteran")
    assert set(PRIORITY_LABELS_ZH) == set(PRIORITY_LABELS_EN) == set(PRIORITY_GROUPS)
    for code, label in PRIORITY_LABELS_ZH.items():
        assert parse_priority_groups(label) == ([code], [])


@pytest.mark.parametrize(
    ("gender", "age", "hukou", "declared", "reg", "expected"),
    [
        ("F", 40, "urban", [], True, ["4045"]),
        ("F", 39, "urban", [], True, []),
        ("F", 45, "urban", [], False, []),
        ("M", 50, None, [], True, ["4045"]),
        ("M", 49, None, [], True, []),
        ("M", 45, None, ["4045"], False, ["4045"]),
        (None, 55, None, [], True, []),
        ("F", None, None, [], True, []),
        ("F", 42, "rural", ["graduate"], True, ["4045", "rural_migrant", "graduate"]),
        ("M", 30, "rural", [], False, ["rural_migrant"]),
        ("M", 30, "urban", ["rural_migrant", "veteran", "bogus"], False, ["rural_migrant", "veteran"]),
        ("F", 41, None, [], pd.NA, []),
    ],
)
def test_derive_groups(gender, age, hukou, declared, reg, expected) -> None:  # noqa: ANN001
    assert derive_groups(gender, age, hukou, declared, reg) == expected


def test_thresholds() -> None:
    assert (AGE_4045_FEMALE, AGE_4045_MALE) == (40, 50)


def test_derive_groups_frame_matches_scalar() -> None:
    # its speed (100,000 rows) is measured in benchmarks/unit_speed.py (same rows), not asserted here
    from benchmarks.unit_speed import seeker_people

    df = seeker_people(100_000)
    out = derive_groups_frame(df)
    assert list(out.index) == list(df.index)
    sample = df.sample(2000, random_state=0)
    for idx, row in sample.iterrows():
        age = None if pd.isna(row["age"]) else int(row["age"])
        assert out[idx] == derive_groups(row["gender"], age, row["hukou"], row["priority_groups"],
                                         row["registered_unemployed"])


def test_derive_groups_frame_missing_columns() -> None:
    df = pd.DataFrame({"gender": ["F", "M"], "age": [45, 55]})
    assert derive_groups_frame(df).tolist() == [[], []]
    df["registered_unemployed"] = [True, pd.NA]
    assert derive_groups_frame(df).tolist() == [["4045"], []]
    df["hukou"] = ["rural", None]
    df["priority_groups"] = [None, ["veteran"]]
    assert derive_groups_frame(df).tolist() == [["4045", "rural_migrant"], ["veteran"]]


@pytest.mark.parametrize(
    ("cell", "bounds"),
    [
        ("18-45岁", (18, 45)), ("18~45周岁", (18, 45)), ("18至45岁", (18, 45)), ("18到45", (18, 45)),
        ("45岁以下", (None, 45)), ("35周岁以内", (None, 35)), ("不超过45岁", (None, 45)), ("未满35周岁", (None, 35)),
        ("20岁以上", (20, None)), ("年满18周岁", (18, None)), ("不低于18岁", (18, None)), ("18岁及以上", (18, None)),
        ("18周岁以上45周岁以下", (18, 45)), ("满18岁不超过50岁", (18, 50)), ("年龄：１８－４５岁", (18, 45)),
        ("45岁以下(4045人员可放宽)", (None, 45)), ("45-18", (18, 45)), ("up to 45", (None, 45)),
        ("18 to 35", (18, 35)), ("不限", (None, None)), ("年龄不限", (None, None)), ("30岁", (None, None)),
        ("", (None, None)), (None, (None, None)), (45, (None, None)), ("5-8岁", (None, None)),
        ("18-150岁", (18, None)),
    ],
)
def test_age_requirement(cell: object, bounds: tuple[int | None, int | None]) -> None:
    assert parse_age_requirement(cell) == bounds


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats()))
def test_never_raises(cell: object) -> None:
    g, gs = parse_gender(cell)
    assert g in (None, "F", "M") and gs in ("ok", "missing", "unknown")
    assert parse_gender_requirement(cell) in (None, "F", "M")
    h, hs = parse_hukou(cell)
    assert h in (None, "urban", "rural") and hs in ("ok", "missing", "unknown")
    groups, unknown = parse_priority_groups(cell)
    assert set(groups) <= set(PRIORITY_GROUPS) and all(isinstance(u, str) for u in unknown)
    lo, hi = parse_age_requirement(cell)
    assert lo is None or 14 <= lo <= 100
    assert hi is None or 14 <= hi <= 100
    if lo is not None and hi is not None:
        assert lo <= hi


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["F", "M", None, "x"]), st.one_of(st.none(), st.integers(-5, 120)),
       st.sampled_from(["urban", "rural", None]), st.lists(st.sampled_from([*PRIORITY_GROUPS, "zzz"])),
       st.booleans())
def test_derive_groups_properties(gender, age, hukou, declared, reg) -> None:  # noqa: ANN001
    out = derive_groups(gender, age, hukou, declared, reg)
    assert out == [g for g in PRIORITY_GROUPS if g in out]  # canonical order, no duplicates
    assert set(d for d in declared if d in PRIORITY_GROUPS) <= set(out)
    assert ("rural_migrant" in out) == ("rural_migrant" in declared or hukou == "rural")
