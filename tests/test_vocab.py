"""The one vocabulary: complete tables, labels that read back, and every face using it."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from matcher import vocab
from matcher.normalise.districts import parse_district
from matcher.normalise.education import parse_education
from matcher.normalise.lists import SEPARATORS, split_list
from matcher.normalise.people import parse_priority_groups

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


# ------------------------------------------------------------------ tables
@pytest.mark.parametrize("kind", vocab.KINDS)
def test_every_code_has_a_label_in_both_languages(kind: str) -> None:
    codes = vocab.codes(kind)
    assert codes and len(set(codes)) == len(codes)
    zh, en = vocab.labels(kind, "zh"), vocab.labels(kind, "en")
    assert list(zh) == list(en) == list(codes)
    for code in codes:
        assert CJK.search(zh[code]), f"{kind} {code}: zh label {zh[code]!r} has no Chinese"
        assert not CJK.search(en[code]), f"{kind} {code}: en label {en[code]!r} is not English"
        assert en[code][:1].isupper() or en[code][:1].isdigit(), f"{kind} {code}: {en[code]!r} not sentence case"
    assert len(set(zh.values())) == len(codes) and len(set(en.values())) == len(codes)


def test_label_examples_and_unknown_codes() -> None:
    assert vocab.label("group", "4045") == "4045人员"
    assert vocab.label("group", "4045", "en") == "4045 person"
    assert vocab.label("district", "米易县", "en") == "Miyi County"
    assert vocab.label("outcome", "left") == "已离职"
    assert vocab.label("outcome", "employed", "en") == "Still in the job (follow-up)"
    assert vocab.label("leave_reason", "commute") == "路远"
    assert vocab.label("relation", "adjacent", "en") == "Neighbouring district"
    # education levels come as ints, numpy ints or floats from frames
    assert vocab.label("education", 3) == vocab.label("education", np.int64(3)) == vocab.label("education", 3.0) == "大专"
    assert vocab.label("education", 6, "en") == "Doctorate"
    # unknown codes, kinds and languages come back unchanged
    assert vocab.label("district", "成都", "en") == "成都"
    assert vocab.label("group", "hard_to_employ") == "hard_to_employ"
    assert vocab.label("education", 9) == "9"
    assert vocab.label("no_such_kind", "x") == "x"
    assert vocab.label("group", "4045", "fr") == "4045"
    assert vocab.label("group", None) == ""
    assert vocab.label("education", float("nan")) == vocab.label("education", pd.NA) == ""
    assert vocab.code_of("outcome", pd.NA) is None


def test_codes_and_labels_reject_unknown_kinds_and_languages() -> None:
    with pytest.raises(ValueError, match="unknown vocabulary kind"):
        vocab.codes("colour")
    with pytest.raises(ValueError, match="unknown language"):
        vocab.labels("group", "fr")


def test_places_hang_together() -> None:
    assert vocab.DISTRICTS == ("东区", "西区", "仁和区", "米易县", "盐边县")
    assert set(vocab.DISTRICTS_EN) == set(vocab.DISTRICTS)
    assert {d for d, _ in vocab.TOWNS.values()} == set(vocab.DISTRICTS)
    assert all(len(p) == 2 and p <= set(vocab.DISTRICTS) for p in vocab.ADJACENT)
    # every division borders at least one other; 米易县 does not border the urban 东区/西区
    assert all(any(d in p for p in vocab.ADJACENT) for d in vocab.DISTRICTS)
    assert frozenset(("米易县", "东区")) not in vocab.ADJACENT
    assert vocab.RELATIONS[-1] == "unknown"


# ------------------------------------------------------- labels read back
@pytest.mark.parametrize("lang", vocab.LANGS)
def test_district_labels_read_back(lang: str) -> None:
    for d in vocab.DISTRICTS:
        assert parse_district(vocab.label("district", d, lang)).name == d
        assert parse_district(vocab.DISTRICT_STEMS[d]).name == d
    for town, (d, _generic) in vocab.TOWNS.items():
        assert parse_district(town).name == d, town


@pytest.mark.parametrize("lang", vocab.LANGS)
def test_education_labels_read_back(lang: str) -> None:
    for level in range(len(vocab.EDUCATION_LEVELS)):
        assert parse_education(vocab.label("education", level, lang)).level == level


@pytest.mark.parametrize("lang", vocab.LANGS)
def test_group_labels_read_back(lang: str) -> None:
    for code in vocab.PRIORITY_GROUPS:
        assert parse_priority_groups(vocab.label("group", code, lang)) == ([code], [])
        assert vocab.code_of("group", vocab.label("group", code, lang)) == code


@pytest.mark.parametrize("kind", ["outcome", "leave_reason", "list_shown", "dimension", "relation", "district"])
def test_code_of_reads_codes_and_both_labels(kind: str) -> None:
    for code in vocab.codes(kind):
        for text in (code, vocab.label(kind, code, "zh"), vocab.label(kind, code, "en"),
                     f"  {vocab.label(kind, code, 'en').upper()} "):
            assert vocab.code_of(kind, text) == code, text
    assert vocab.code_of(kind, "no such thing") is None
    assert vocab.code_of(kind, None) is None


@pytest.mark.parametrize(("text", "code"), [
    # the event log's spellings (docs/input-format.md, outcome table)
    ("referred", "referred"), ("已推荐", "referred"), ("推荐", "referred"), ("已面试", "interviewed"),
    ("录用", "hired"), ("已录用", "hired"), ("未录用", "rejected"), ("拒绝", "rejected"),
    ("本人放弃", "declined"), ("放弃", "declined"), ("回访在岗", "employed"), ("在岗", "employed"),
    ("已离职", "left"), ("离职", "left"), ("ＬＥＦＴ", "left"),
])
def test_outcome_spellings(text: str, code: str) -> None:
    assert vocab.code_of("outcome", text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("wage", "wage"), ("工资低", "wage"), ("commute", "commute"), ("路远", "commute"), ("shifts", "shifts"),
    ("倒班", "shifts"), ("health", "health"), ("身体", "health"), ("身体原因", "health"),
    ("conditions", "conditions"), ("工作环境", "conditions"), ("dismissed", "dismissed"), ("辞退", "dismissed"),
    ("被辞退", "dismissed"), ("contract_end", "contract_end"), ("合同到期", "contract_end"),
    ("other", "other"), ("其他", "other"), ("其它", "other"),
])
def test_leave_reason_spellings(text: str, code: str) -> None:
    assert vocab.code_of("leave_reason", text) == code


# ------------------------------------------------ every face uses the vocab
def test_normalisers_reexport_the_vocabulary() -> None:
    from matcher.normalise import districts, education, people

    assert districts.DISTRICTS is vocab.DISTRICTS and districts.TOWNS is vocab.TOWNS
    assert districts.ADJACENT is vocab.ADJACENT and districts.DISTRICTS_EN is vocab.DISTRICTS_EN
    assert districts.RELATIONS is vocab.RELATIONS and districts.CITY == vocab.CITY
    assert education.LEVELS is vocab.EDUCATION_LEVELS and education.LEVELS_EN is vocab.EDUCATION_LEVELS_EN
    assert people.PRIORITY_GROUPS is vocab.PRIORITY_GROUPS and people.GROUP_ALIASES is vocab.GROUP_ALIASES
    assert people.PRIORITY_LABELS_ZH is vocab.PRIORITY_LABELS_ZH
    assert people.PRIORITY_LABELS_EN is vocab.PRIORITY_LABELS_EN


def test_schema_outcomes_are_the_vocabulary() -> None:
    from matcher import schema

    assert schema.OUTCOMES is vocab.OUTCOMES
    assert {"employed", "left"} <= set(schema.OUTCOMES)


def test_core_tables_are_the_vocabulary() -> None:
    """The core holds codes only, and they are the vocabulary's; labels live in matcher.render."""
    from matcher.core import features, settings
    from matcher.render.reasons import labels

    assert settings.PRIORITY_GROUPS is vocab.PRIORITY_GROUPS
    assert features.RELATIONS is vocab.RELATIONS
    assert settings.DIMENSIONS == vocab.DIMENSIONS[:len(settings.DIMENSIONS)]
    for lang in vocab.LANGS:
        assert set(labels(lang)["groups"]) == set(vocab.PRIORITY_GROUPS)
        assert set(labels(lang)["relations"]) == set(vocab.RELATIONS)
    assert labels("zh")["groups"] == vocab.PRIORITY_LABELS_ZH
    assert labels("zh")["dims"] == vocab.DIMENSION_LABELS_ZH


def test_batch_and_report_labels_agree_with_the_vocabulary() -> None:
    from matcher.report import render

    for code in vocab.PRIORITY_GROUPS:
        assert render.GROUP_ZH[code] == vocab.label("group", code, "zh")
        assert render.GROUP_EN[code] == vocab.label("group", code, "en")


def test_simulation_reads_districts_from_the_vocabulary() -> None:
    from benchmarks import simulate

    assert simulate._DISTRICT_STEMS == tuple(vocab.DISTRICT_STEMS[d] for d in vocab.DISTRICTS)
    assert simulate.DISTRICT_KM.shape == (len(vocab.DISTRICTS), len(vocab.DISTRICTS))


def test_loader_accepts_the_follow_up_outcomes(tmp_path) -> None:
    from matcher.io.loader import load_outcomes

    path = tmp_path / "outcomes.csv"
    pd.DataFrame({
        "seeker_id": ["S1"] * 6, "vacancy_id": ["V1"] * 6,
        "date": ["2026-01-0%d" % i for i in range(1, 7)],
        "outcome": ["已推荐", "hired", "回访在岗", "employed", "已离职", "跳槽了"],
    }).to_csv(path, index=False)
    res = load_outcomes(path, ["S1"], ["V1"])
    assert list(res.frame["outcome"]) == ["referred", "hired", "employed", "employed", "left"]
    assert res.counts["rejected"] == 1 and list(res.rejects["value"]) == ["跳槽了"]


# ------------------------------------------------------------- generator
def test_generator_minimum_wage_is_the_settings_default() -> None:
    from matcher.core.settings import MatchSettings
    from matcher.generate import MIN_WAGE

    assert MIN_WAGE == MatchSettings().minimum_wage == MatchSettings.from_dict(None).minimum_wage


def test_generated_posts_pay_at_least_the_minimum_wage() -> None:
    from matcher.generate import MIN_WAGE, generate_city

    city = generate_city(300, 400, seed=3, dirty=False, n_outcomes=0)
    truth = city.vacancy_truth
    assert truth["public_welfare"].any()
    assert (truth["true_wage_min"] >= MIN_WAGE).all()


def test_generator_spellings_read_back_through_the_vocabulary() -> None:
    from matcher import generate as g

    assert g.DISTRICTS is vocab.DISTRICTS and g.EDUCATION_LEVELS is vocab.EDUCATION_LEVELS
    for k, forms in g._DISTRICT_FORMS.items():
        assert {parse_district(text).name for text, _ in forms} == {vocab.DISTRICTS[k]}
    for k, streets in enumerate(g._STREETS):
        assert {parse_district(s).name for s in streets} == {vocab.DISTRICTS[k]}
    for text, _ in g._OUTSIDE_FORMS:
        assert parse_district(text).klass == "outside", text
    for code, words in g._OUTCOME_ZH.items():
        assert {vocab.code_of("outcome", w) for w in words} == {code}
    for code, spellings in g._GROUP_NAMES.items():
        assert {vocab.code_of("group", s) for s in spellings} == {code}


# ------------------------------------------------------------ list splitter
#: Cells with every separator; what :func:`split_list` makes of them.
SEPARATOR_TABLE = [(f"焊工{sep}电工", ["焊工", "电工"]) for sep in SEPARATORS] + [
    ("焊工；电工、叉车", ["焊工", "电工", "叉车"]),
    ("焊工 / 电工", ["焊工", "电工"]),
    ("welding, cutting", ["welding", "cutting"]),
    ("Welding; HMI/SCADA; Excel", ["Welding", "HMI/SCADA", "Excel"]),
    ("焊工\r\n电工\n", ["焊工", "电工"]),
    ("焊工", ["焊工"]),
    ("", []),
]


@pytest.mark.parametrize(("cell", "items"), SEPARATOR_TABLE)
def test_split_list_separator_table(cell: str, items: list[str]) -> None:
    assert split_list(cell) == items


def test_documented_and_generated_separators_all_split() -> None:
    from matcher import generate as g

    # the separators the input format documents for a list cell
    for sep in ["; ", "；", "、", ",", "，", "|", "/", "\n"]:
        assert split_list(f"保安{sep}保洁") == ["保安", "保洁"], repr(sep)
    # every separator the generator writes
    for sep, _ in g._SEPARATORS:
        assert split_list(f"保安{sep}保洁") == ["保安", "保洁"], repr(sep)


def test_core_as_list_follows_the_list_rule() -> None:
    from matcher.core.features import as_list

    for cell, items in SEPARATOR_TABLE:
        assert as_list(cell) == items, repr(cell)
