"""Reasons are data: the one verdict rule, the reason records, their zh/en rendering, the batch column."""
from __future__ import annotations

import json
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core_factories import make_matcher, seeker, vacancy
from matcher.batch.outputs import reason_texts
from matcher.core.reasons import CODES, FIT_AT, GAP_AT, decode_verdicts, pair_verdicts, place, thresholds, verdict_codes
from matcher.render.reasons import TEMPLATES, labels, render_reason, render_reasons, render_summary
from matcher.render.table import format_table

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z]")

#: One example record per code; every data item (skill, title, course) is Chinese on purpose, and
#: every vocabulary value is a canonical one that the renderer translates.
EXAMPLES: dict[str, dict] = {
    "skills_matched": {"items": [{"skill": "焊接", "matched_by": "会电焊"}, {"skill": "读图", "matched_by": "读图"}]},
    "skills_preferred": {"skills": ["叉车", "电工"]},
    "occupation_title": {"title": "电焊工"},
    "occupation_text": {},
    "education_none_required": {},
    "education_meets": {"required": "初中", "have": "大专"},
    "wage_meets": {"offered": 5000, "expected": 4500, "offered_min": 5000, "offered_max": 6500, "basis": "bottom"},
    "wage_close": {"gap_yuan": 300, "offered_min": 4200, "offered_max": 4200, "expected": 4500, "basis": "bottom"},
    "place_same": {"district": "东区"},
    "place_adjacent": {"district": "西区"},
    "lodging": {},
    "shift_accepted": {},
    "insurance": {},
    "priority_boost": {"groups": ["4045", "rural_migrant"], "boost": 0.05},
    "fair_promoted": {},
    "dim_fit": {"dim": "occupation"},
    "permit_missing": {"permit": "低压电工作业证", "course": "电工作业培训", "severity": "blocker"},
    "skill_missing": {"skill": "焊接", "course": "焊工"},
    "education_one_short": {"required": "大专", "have": "高中/中专/技校/职高"},
    "education_far_short": {"required": "本科", "have": "初中", "levels": 3},
    "education_unknown": {"required": "本科"},
    "wage_below": {"gap_yuan": 520, "offered_min": 2900, "offered_max": 6000, "expected": 3420, "basis": "bottom"},
    "wage_negotiable": {},
    "wage_below_minimum": {"minimum": 2100},
    "place_far": {"district": "米易县", "relation": "city"},
    "shift_conflict": {},
    "no_insurance": {},
    "dim_gap": {"dim": "conditions"},
    "skill_learn": {"skill": "焊接"},
    "education_up": {"level": "大专"},
    "education_record": {},
    "wage_talk": {"gap_yuan": 520},
    "lodging_ask": {},
    "shift_talk": {},
    "course": {"skill": "焊接", "course": "焊工", "score_after": 0.7312},
    "outcome_stay": {"share": 70, "p_hire": 0.31, "n_similar": 98, "basis": "occupation", "group": "6-18",
                     "group_name": "机械制造基础加工人员", "gaps": ["wage_short"], "min_similar": 30,
                     "model_share": 65},
    "outcome_risk": {"risk": "wage_short_k"},
}
DATA_ITEMS = ("会电焊", "焊接", "读图", "叉车", "电工", "电焊工", "焊工", "低压电工作业证", "电工作业培训")


def _record(code: str) -> dict:
    return {"code": code, "dim": "skills", **EXAMPLES[code]}


def test_every_code_has_an_example_and_a_template_in_both_languages():
    assert set(EXAMPLES) == set(CODES)
    for lang in ("zh", "en"):
        assert set(TEMPLATES[lang]) == set(CODES), lang
    for code, (_lst, params) in CODES.items():
        assert set(params) <= set(EXAMPLES[code]) | {"dim"}, code


@pytest.mark.parametrize("code", sorted(CODES))
def test_english_reads_as_english(code):
    text = render_reason(_record(code), "en")
    rest = text
    for item in sorted(DATA_ITEMS, key=len, reverse=True):   # item names stay as the data wrote them
        rest = rest.replace(item, "")
    assert text and not CJK.search(rest), text
    assert "{" not in text and "None" not in text


@pytest.mark.parametrize("code", sorted(CODES))
def test_chinese_has_no_latin_template_words(code):
    text = render_reason(_record(code), "zh")
    assert text and not LATIN.search(text), text
    assert "{" not in text and "None" not in text


def test_vocabulary_is_translated_and_parameters_show():
    en = render_reason({"code": "education_one_short", "dim": "education", "required": "大专",
                        "have": "高中/中专/技校/职高"}, "en")
    assert en == "Education one level short: junior college required, has senior high / technical secondary"
    assert render_reason({"code": "wage_below", "dim": "wage", "gap_yuan": 520}, "en") == \
        "Pay 520 yuan/month below the expectation"
    assert render_reason({"code": "wage_below", "dim": "wage", "gap_yuan": 520}, "zh") == "薪资比期望低520元/月"
    assert render_reason({"code": "place_adjacent", "dim": "place", "district": "西区"}, "en") == \
        "Neighbouring district (Xi District)"
    assert render_reason({"code": "priority_boost", "groups": ["4045"], "boost": 0.05}, "zh") == \
        "公益性岗位优先安置（4045人员）：+0.05"
    assert render_reason({"code": "skill_missing", "skill": "焊接", "course": None}, "en") == "Missing skill: 焊接"
    assert labels("en")["districts"]["盐边县"] == "Yanbian County"


def test_unknown_code_old_strings_and_bad_language():
    assert render_reason({"code": "brand_new", "x": 1}, "en") == "brand_new (x=1)"
    assert render_reason("already text", "en") == "already text"
    assert render_reasons(None, "zh") == {"fits": [], "gaps": [], "fixes": []}
    with pytest.raises(ValueError, match="lang"):
        render_reason({"code": "lodging"}, "fr")


# ------------------------------------------------------------------ the rule
def _arrays(comp: dict, ev: dict | None = None, prio=None):
    n = len(next(iter(comp.values())))
    components = {d: np.asarray(v, float) for d, v in comp.items()}
    evidence = {d: np.asarray(ev[d] if ev and d in ev else [True] * n) for d in comp}
    contributions = {d: np.zeros(n) for d in comp}
    contributions["priority"] = np.asarray(prio if prio is not None else [0.0] * n)
    return components, evidence, contributions


def test_verdict_rule_boundaries():
    c, e, p = _arrays({"skills": [0.75, 0.7499, 0.5, 0.4999, 0.9, np.nan]},
                      {"skills": [True, True, True, True, False, True]}, [0.05, 0, 0, 0, 0, 0])
    got = [decode_verdicts(x) for x in verdict_codes(c, e, p)]
    assert [g["fit"] for g in got] == [["skills"], [], [], [], [], []]
    assert [g["gap"] for g in got] == [[], [], [], ["skills"], [], []]
    assert [g["priority"] for g in got] == [True] + [False] * 5
    # thresholds come from settings.reasons, with the defaults when the settings have no such key
    assert thresholds(SimpleNamespace()) == (FIT_AT, GAP_AT) == (0.75, 0.5)
    st = SimpleNamespace(reasons=SimpleNamespace(fit_at=0.9, gap_at=0.6))
    assert thresholds(st) == (0.9, 0.6)
    assert pair_verdicts({"skills": 0.8}, {"skills": True}, {"priority": 0.0}, st)["fit"] == []
    assert pair_verdicts({"skills": 0.55}, {"skills": True}, {"priority": 0.0}, st)["gap"] == ["skills"]
    assert pair_verdicts({"skills": None}, {"skills": False}, {}, st) == {"fit": [], "gap": [], "priority": False}


def test_placement_rule():
    recs = {"fits": [{"code": "skills_matched", "dim": "skills", "items": []}, {"code": "lodging", "dim": "place"}],
            "gaps": [{"code": "skill_missing", "dim": "skills", "skill": "x", "course": None},
                     {"code": "place_far", "dim": "place", "district": "东区", "relation": "city"},
                     {"code": "wage_below_minimum", "minimum": 2100}],
            "fixes": [{"code": "skill_learn", "dim": "skills", "skill": "x"}, {"code": "lodging_ask", "dim": "place"}]}
    out = place(recs, {"fit": ["skills", "wage"], "gap": ["place", "occupation"], "priority": False})
    assert [r["code"] for r in out["fits"]] == ["skills_matched", "dim_fit"]     # wage fits with no record
    assert out["fits"][1]["dim"] == "wage"
    assert [r["code"] for r in out["gaps"]] == ["place_far", "wage_below_minimum", "dim_gap"]
    assert out["gaps"][2]["dim"] == "occupation"
    assert [r["code"] for r in out["fixes"]] == ["lodging_ask"]
    mid = place(recs, {"fit": [], "gap": [], "priority": False})     # in between: both sides shown
    assert len(mid["fits"]) == 2 and len(mid["gaps"]) == 3 and len(mid["fixes"]) == 2


# ------------------------------------------------------------- on a market
@pytest.fixture(scope="module")
def small():
    seekers = [seeker("S1", skills=["会电焊"], expected_wage_min=4000.0, district="东区", priority_groups=["4045"]),
               seeker("S2", skills=["做饭"], education_level=1, expected_wage_min=6000.0, district="米易县",
                      accepts_shift_work=False),
               seeker("S3", skills=[], education_level=None, district="西区"),
               seeker("S4", skills=["叉车", "电工"], expected_wage_min=3000.0, district="仁和区")]
    vacs = [vacancy("V1", title="电焊工", required_skills=["焊接", "读图"], wage_min=4000.0, wage_max=5000.0,
                    district="东区", public_welfare=True),
            vacancy("V2", title="厨师", required_skills=["烹饪"], education_min_level=3, wage_min=3000.0,
                    wage_max=4000.0, district="西区", shift_work=True, social_insurance=False),
            vacancy("V3", title="叉车司机", required_skills=["叉车"], preferred_skills=["电工"], wage_min=3500.0,
                    wage_max=3800.0, district="盐边县", lodging=True, social_insurance=True)]
    return make_matcher(seekers, vacs)


def _all_matches(m):
    return [m.explain(s, v) for s in ("S1", "S2", "S3", "S4") for v in ("V1", "V2", "V3")]


def test_core_records_are_data_and_follow_the_verdicts(small):
    for x in _all_matches(small):
        d = x.to_dict()
        assert json.loads(json.dumps(d, ensure_ascii=False))["reasons"] == d["reasons"]   # JSON keeps the codes
        v = pair_verdicts(d["components"], d["evidence"], d["contributions"], small.settings)
        assert d["verdicts"] == v
        for key in ("fits", "gaps", "fixes"):
            for r in d["reasons"][key]:
                assert isinstance(r, dict) and r["code"] in CODES and CODES[r["code"]][0] == key, r
                assert not any(isinstance(p, str) and CJK.search(p) and p not in _data_values(x)
                               for k, p in r.items() if k not in ("code", "dim")), r
        dims_of = {k: {r.get("dim") for r in d["reasons"][k]} for k in ("fits", "gaps", "fixes")}
        for dim in v["fit"]:
            assert dim in dims_of["fits"] and dim not in dims_of["gaps"] and dim not in dims_of["fixes"]
        for dim in v["gap"]:
            assert dim in dims_of["gaps"] and dim not in dims_of["fits"]
        assert v["priority"] == ("priority_boost" in {r["code"] for r in d["reasons"]["fits"]})


def _data_values(x) -> set:
    """Strings a record may carry in Chinese: data items and canonical vocabulary values."""
    out = {s["required"] for s in x.matched_skills} | {s["matched_by"] for s in x.matched_skills}
    out |= {s["skill"] for s in x.missing_skills} | {s["course"] for s in x.missing_skills if s["course"]}
    out |= set(labels("zh")["levels"]) | set(labels("zh")["districts"])
    return out


def test_expected_records_on_the_small_market(small):
    x = small.explain("S1", "V1")
    assert x.verdicts["priority"] and "priority_boost" in [r["code"] for r in x.reasons["fits"]]
    assert {"code": "place_same", "dim": "place", "district": "东区"} in x.reasons["fits"]
    y = small.explain("S2", "V2").to_dict()
    codes = {r["code"] for k in ("fits", "gaps", "fixes") for r in y["reasons"][k]}
    assert {"shift_conflict", "education_far_short", "no_insurance"} <= codes
    en = render_reasons(y["reasons"], "en")
    assert "The post has shifts and the seeker does not accept shift work" in en["gaps"]
    assert all(not CJK.search(t.replace("烹饪", "").replace("做饭", "")) for k in en for t in en[k])


def test_batch_column_is_the_rendered_core_verdicts(small):
    """reason_texts over the pair arrays == render_summary of each explained match's verdicts, zh and en."""
    F = small.features_
    s = np.repeat(np.arange(F.n_seekers), F.n_vacancies)
    v = np.tile(np.arange(F.n_vacancies), F.n_seekers)
    gs = small.score_pairs(s, v)
    for lang in ("zh", "en"):
        col = reason_texts(gs.components, gs.evidence, gs.contributions, lang=lang, settings=small.settings)
        want = [render_summary(small.explain(str(F.seeker_ids[a]), str(F.vacancy_ids[b])).verdicts, lang)
                for a, b in zip(s, v)]
        assert col.tolist() == want
    assert any("优势" in t for t in col.tolist()) is False  # en column has no Chinese
    assert reason_texts({}, {}, {}).tolist() == []


def test_summary_format_is_unchanged_in_chinese():
    v = {"fit": ["skills", "education"], "gap": ["wage"], "priority": True}
    assert render_summary(v, "zh") == "优势：技能、学历；不足：薪资；优先政策加分"
    assert render_summary(v, "en") == "Fits: skills, education; gaps: wage; priority boost"
    assert render_summary({"fit": [], "gap": ["place"], "priority": False}, "en") == "Gaps: location"
    assert render_summary(None, "zh") == ""


def test_cli_table_in_both_languages(small):
    recs = [x.to_dict() for x in small.for_seeker("S2", 3)]
    en = format_table(recs, "seeker", {"V2": "厨师"}, "en")
    zh = format_table(recs, "seeker", {"V2": "厨师"}, "zh")
    assert "The post has shifts" in en and "岗位需倒班" not in en
    assert "岗位需倒班，本人不接受倒班" in zh
    for line in en.splitlines():
        rest = line
        for item in sorted(("厨师", "烹饪", "做饭", "焊接", "读图", "叉车", "电工", "焊工培训", "机械识图培训",
                            "叉车司机培训", "电工培训"), key=len, reverse=True):
            rest = rest.replace(item, "")
        assert not CJK.search(rest), line


def test_nightly_batch_reason_column_matches_the_core(tmp_path):
    """The real batch's reason column == the rendered verdicts of the core's explanation, pair by pair."""
    from matcher.batch import BatchConfig, run_batch
    from matcher.core import Matcher
    from matcher.generate import generate_city, write_city
    from matcher.io.loader import load_seekers, load_vacancies

    settings = {"occupation": {"use_codes": False}, "reference_date": "2024-06-01"}
    files = write_city(generate_city(120, 50, seed=5), tmp_path / "market")
    run_batch(BatchConfig(files["seekers"], files["vacancies"], tmp_path / "out", top_k=4, settings=settings))
    sm = pd.read_parquet(tmp_path / "out" / "seeker_matches.parquet")
    m = Matcher(settings).fit(load_seekers(files["seekers"]).frame, load_vacancies(files["vacancies"]).frame)
    sample = sm.sample(n=min(60, len(sm)), random_state=0)
    for row in sample.itertuples(index=False):
        x = m.explain(row.seeker_id, row.vacancy_id)
        assert round(x.score, 6) == pytest.approx(row.score, abs=2e-6)
        assert row.reason == render_summary(x.verdicts, "zh"), (row.seeker_id, row.vacancy_id)


def test_summary_lines_read_back():
    from matcher.render.reasons import parse_summary
    for v in ({"fit": ["skills", "education"], "gap": ["wage"], "priority": True},
              {"fit": [], "gap": ["place", "conditions"], "priority": False},
              {"fit": ["occupation"], "gap": [], "priority": False},
              {"fit": [], "gap": [], "priority": True}, {"fit": [], "gap": [], "priority": False}):
        for lang in ("zh", "en"):
            assert parse_summary(render_summary(v, lang), lang) == v
    assert parse_summary("优势：月亮", "zh") is None and parse_summary("free text", "en") is None
