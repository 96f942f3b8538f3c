"""Education levels: real-world spellings -> ordinal 0..6."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from matcher.normalise.education import (
    LEVELS,
    LEVELS_EN,
    EducationParse,
    education_label,
    parse_education,
)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # 0 primary or less
        ("小学", 0), ("小学以下", 0), ("小学及以下", 0), ("文盲", 0), ("半文盲", 0), ("未上学", 0),
        ("primary", 0), ("Elementary school", 0),
        # 1 junior middle
        ("初中", 1), ("初级中学", 1), ("初中及以下", 1), ("九年义务教育", 1), ("初中文化", 1),
        ("junior high", 1), ("Junior High School", 1), ("middle school", 1), ("junior middle school", 1),
        # 2 senior secondary
        ("高中", 2), ("普高", 2), ("中专", 2), ("中职", 2), ("职高", 2), ("技校", 2), ("技工学校", 2),
        ("中技", 2), ("职中", 2), ("高中及以上", 2), ("高中/中专", 2), ("中专或高中", 2),
        ("高中（中专）", 2), ("high school", 2), ("secondary", 2), ("vocational school", 2),
        ("technical school", 2), ("HIGH SCHOOL", 2),
        # 3 dazhuan
        ("大专", 3), ("专科", 3), ("高职", 3), ("大学专科", 3), ("高等专科", 3), ("大专及以上", 3),
        ("大专以上学历", 3), ("大专或本科", 3), ("associate", 3), ("Associate's", 3),
        ("college diploma", 3), ("junior college", 3),
        # 4 bachelor
        ("本科", 4), ("大学本科", 4), ("大学", 4), ("学士", 4), ("统招本科", 4), ("本科及以上", 4),
        ("全日制统招本科及以上学历", 4), ("bachelor", 4), ("Bachelor's degree", 4), ("undergraduate", 4),
        ("BA", 4), ("BSc", 4), ("大學", 4),
        # 5 master
        ("硕士", 5), ("研究生", 5), ("硕士研究生", 5), ("MBA", 5), ("ＭＢＡ", 5), ("master", 5),
        ("Master's degree", 5), ("MSc", 5), ("postgraduate", 5), ("碩士", 5), ("硕士及以上", 5),
        # 6 doctorate
        ("博士", 6), ("博士研究生", 6), ("博士后", 6), ("PhD", 6), ("Ph.D.", 6), ("doctorate", 6),
        ("doctoral", 6),
        # decorations, full-width, spaces
        ("  本科  ", 4), ("大 专", 3), ("ｈｉｇｈ ｓｃｈｏｏｌ", 2),
    ],
)
def test_known_spellings(text: str, level: int) -> None:
    res = parse_education(text)
    assert res == EducationParse(level, text.strip(), "ok")


@pytest.mark.parametrize("text", ["", "  ", None, math.nan, "无", "不限", "无要求", "学历不限", "不限学历", "-"])
def test_missing_and_no_requirement(text: object) -> None:
    res = parse_education(text)
    assert res.status == "missing"
    assert res.level is None


@pytest.mark.parametrize("text", ["看情况", "abc", "高職", "國中", "3", "20", "good", "能吃苦"])
def test_unknown_is_not_guessed(text: str) -> None:
    res = parse_education(text)
    assert res.status == "unknown"
    assert res.level is None
    assert res.raw == text


@pytest.mark.parametrize("value", [3, 3.0, 20, True])
def test_numbers_are_unknown(value: object) -> None:
    res = parse_education(value)
    assert (res.level, res.status) == (None, "unknown")
    assert res.raw


def test_doctoral_student_is_not_a_master() -> None:
    assert parse_education("博士研究生").level == 6
    assert parse_education("硕士研究生").level == 5


def test_levels_and_labels() -> None:
    assert len(LEVELS) == len(LEVELS_EN) == 7
    assert LEVELS[2] == "高中/中专/技校/职高"
    assert education_label(3) == "大专"
    assert education_label(3, "en") == "Junior college"
    assert education_label(None) == ""
    assert [parse_education(lbl).level for lbl in LEVELS] == list(range(7))
    assert [parse_education(lbl).level for lbl in LEVELS_EN] == list(range(7))
    with pytest.raises(ValueError):
        education_label(7)
    with pytest.raises(ValueError):
        education_label(1, "fr")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats()))
def test_never_raises(value: object) -> None:
    res = parse_education(value)
    assert isinstance(res, EducationParse)
    assert res.status in ("ok", "missing", "unknown")
    assert isinstance(res.raw, str)
    assert (res.level is None) == (res.status != "ok")
    if res.level is not None:
        assert 0 <= res.level < len(LEVELS)
