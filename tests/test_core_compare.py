"""Each comparison of the matching core on hand-worked cases."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core_factories import make_matcher, seeker, vacancy
from matcher.core.compare import COMPARISONS, Grid, skill_parts, wage_curve

NO_IDF = {"skills": {"idf_weighting": False}}


def comp(m, dim, si=0, vi=0):
    s, e = COMPARISONS[dim](m.features_, m.settings, Grid(np.array([si]), np.array([vi])))
    return float(np.asarray(s).ravel()[0]), bool(np.asarray(e).ravel()[0])


# ------------------------------------------------------------------ education
@pytest.mark.parametrize("level, req, score, status", [
    (3, 3, 1.0, "meets"), (4, 3, 1.0, "meets"), (6, 3, 0.85, "over"), (2, 3, 0.5, "one_short"),
    (0, 3, 0.1, "far_short"), (1, pd.NA, 1.0, "none_required"), (pd.NA, pd.NA, 1.0, "none_required"),
])
def test_education_cases(level, req, score, status):
    m = make_matcher([seeker("S1", education_level=level)], [vacancy("V1", education_min_level=req)])
    assert comp(m, "education") == (pytest.approx(score), True)
    assert m.explain("S1", "V1").education["status"] == status


def test_missing_education_is_neutral_not_zero():
    m = make_matcher([seeker("S1", education_level=pd.NA)],
                     [vacancy("V1", education_min_level=4), vacancy("V2", education_min_level=4)])
    s, ev = comp(m, "education")
    assert ev is False
    x = m.explain("S1", "V1")
    assert x.education == {"required": 4, "seeker": None, "gap": None, "status": "unknown"}
    assert x.components["education"] is None and x.contributions["education"] == 0.0
    assert {"code": "education_record", "dim": "education"} in x.reasons["fixes"]


# ----------------------------------------------------------------------- wage
def test_wage_curve_values():
    raw = 1 / (1 + math.exp(-(-0.1 + 0.15) / 0.06))
    at0 = 1 / (1 + math.exp(-0.15 / 0.06))
    from matcher.core import MatchSettings
    got = wage_curve(np.array([0.2, 0.0, -0.1, -0.3]), MatchSettings())
    assert got[0] == 1.0 and got[1] == pytest.approx(1.0)
    assert got[2] == pytest.approx(raw / at0)        # ≈ 0.754: a gentle slope
    assert got[3] < 0.1


def test_wage_meets_below_and_gap_in_yuan():
    m = make_matcher([seeker("S1", expected_wage_min=4000.0, expected_wage_max=5000.0)],
                     [vacancy("V1", wage_min=3600.0, wage_max=4200.0), vacancy("V2", wage_min=4000.0, wage_max=6000.0)])
    s1, e1 = comp(m, "wage", 0, 0)
    assert e1 and s1 == pytest.approx(wage_curve(np.array([-0.1]), m.settings)[0])
    assert comp(m, "wage", 0, 1) == (1.0, True)
    w = m.explain("S1", "V1").wage
    assert w["gap"] == -400.0 and w["status"] == "below" and w["below_minimum"] is False
    x = m.explain("S1", "V1")   # 10% below scores 0.754: the wage fits (>= fit_at 0.75), shown as close
    assert x.verdicts["fit"].count("wage") == 1
    assert {"code": "wage_close", "dim": "wage", "gap_yuan": 400, "offered_min": 3600, "offered_max": 4200,
            "expected": 4000, "basis": "bottom"} in x.reasons["fits"]      # the bottom of the range is compared
    assert not [r for r in x.reasons["gaps"] + x.reasons["fixes"] if r.get("dim") == "wage"]
    y = make_matcher([seeker("S1", expected_wage_min=4000.0, expected_wage_max=5000.0)],
                     [vacancy("V1", wage_min=3400.0, wage_max=3800.0)]).explain("S1", "V1")  # 15% below
    assert "wage" not in y.verdicts["fit"]
    assert {"code": "wage_below", "dim": "wage", "gap_yuan": 600, "offered_min": 3400, "offered_max": 3800,
            "expected": 4000, "basis": "bottom"} in y.reasons["gaps"]
    assert {"code": "wage_talk", "dim": "wage", "gap_yuan": 600} in y.reasons["fixes"]


def test_negotiable_wage_is_neutral_and_shown_as_such():
    m = make_matcher([seeker("S1", expected_wage_min=4000.0)],
                     [vacancy("V1", wage_negotiable=True, wage_raw="面议")])
    assert comp(m, "wage") == (0.0, False)
    w = m.explain("S1", "V1").wage
    assert w["status"] == "negotiable" and w["gap"] is None


def test_unknown_expectation_and_minimum_wage_flag():
    m = make_matcher([seeker("S1")], [vacancy("V1", wage_min=1500.0, wage_max=1800.0)])
    assert comp(m, "wage")[1] is False
    x = m.explain("S1", "V1")
    assert x.wage["status"] == "unknown" and x.wage["below_minimum"] is True
    assert "below_minimum_wage" in [f["code"] for f in x.flags]


# --------------------------------------------------------------------- skills
def test_skill_coverage_hand_worked():
    # required 焊接 (same skill as 会电焊, sim 1) and 读图 (related, sim 0.3); p-norm of one item = the item
    m = make_matcher([seeker("S1", skills=["会电焊"])],
                     [vacancy("V1", required_skills=["焊接", "读图"])], NO_IDF)
    parts = skill_parts(m.features_, m.settings, Grid(np.array([0]), np.array([0])))
    assert parts["vacancy_side"][0, 0] == pytest.approx((1.0 + 0.3) / 2)
    assert parts["seeker_side"][0, 0] == pytest.approx(1.0)
    share = m.settings.skills.vacancy_side_share
    assert comp(m, "skills") == (pytest.approx(share * 0.65 + (1 - share) * 1.0), True)
    x = m.explain("S1", "V1")
    assert x.matched_skills[0] == {"required": "焊接", "matched_by": "会电焊", "similarity": 1.0, "kind": "required"}
    assert x.missing_skills == [{"skill": "读图", "course": "机械识图培训", "kind": "required", "permit": False}]
    # skills score 0.88 >= fit_at: the dimension fits, so the record lists what is covered (the missing
    # skill stays in missing_skills); a course is suggested only by the training counterfactual
    assert "skills" in x.verdicts["fit"]
    assert {"code": "skills_matched", "dim": "skills", "items": [{"skill": "焊接", "matched_by": "会电焊"}]} \
        in x.reasons["fits"]


def test_unknown_skill_scores_zero_with_free_text_gap():
    m = make_matcher([seeker("S1", skills=["弹钢琴"])], [vacancy("V1", required_skills=["焊接", "水下考古"])], NO_IDF)
    assert comp(m, "skills") == (0.0, True)
    missing = m.explain("S1", "V1").missing_skills
    assert missing == [{"skill": "焊接", "course": "焊工培训", "kind": "required", "permit": False},
                       {"skill": "水下考古", "course": None, "kind": "required", "permit": False}]


def test_skills_without_requirements_have_no_evidence():
    m = make_matcher([seeker("S1", skills=["电焊"]), seeker("S2")],
                     [vacancy("V1"), vacancy("V2", required_skills=["焊接"]), vacancy("V3", preferred_skills=["焊接"])],
                     NO_IDF)
    assert comp(m, "skills", 0, 0)[1] is False
    assert comp(m, "skills", 1, 0)[1] is False
    assert comp(m, "skills", 0, 1) == (1.0, True)
    assert comp(m, "skills", 1, 2)[1] is False        # only preferred skills, seeker lists none: nothing to compare


def test_seeker_without_skills_facing_required_skills_scores_zero_not_neutral():
    # bug: a seeker with no listed skills scored 1.00 on a post requiring 薪酬社保办理 (skills left out as "no evidence")
    rows = [seeker("S1", experience=[("人事专员", 3.0)]), seeker("S2", skills=["薪酬社保办理"], experience=[("人事专员", 3.0)])]
    m = make_matcher(rows, [vacancy("V1", title="人事专员", required_skills=["薪酬社保办理"]),
                            vacancy("V2", title="中式面点师", required_skills=["烹饪"]),
                            vacancy("V3", title="叉车司机", required_skills=["叉车"])], NO_IDF)
    assert comp(m, "skills", 0, 0) == (0.0, True)
    x = m.explain("S1", "V1")
    assert x.evidence["skills"] is True and x.components["skills"] == 0.0
    assert x.missing_skills == [{"skill": "薪酬社保办理", "course": None, "kind": "required", "permit": False}]
    assert x.score < 1.0 and x.components["occupation"] is not None and x.contributions["occupation"] > 0
    assert m.explain("S2", "V1").score > x.score


def test_preferred_and_certificates_weigh_less_and_levels_count():
    rows = [seeker("S1", skills=["电焊"], certificates=["焊工证(初级)"]), seeker("S2", skills=["电焊"], certificates=["焊工证(中级)"])]
    m = make_matcher(rows, [vacancy("V1", required_skills=["焊接"], certificates_required=["焊工证(中级)"])], NO_IDF)
    low, high = comp(m, "skills", 0, 0)[0], comp(m, "skills", 1, 0)[0]
    assert high > low                     # a lower certificate level counts only partly
    m2 = make_matcher([seeker("S1", skills=["电焊"])],
                      [vacancy("V1", required_skills=["焊接"], preferred_skills=["叉车"]),
                       vacancy("V2", required_skills=["叉车"], preferred_skills=["焊接"])], NO_IDF)
    assert comp(m2, "skills", 0, 0)[0] > comp(m2, "skills", 0, 1)[0]


# ---------------------------------------------------------------------- place
@pytest.mark.parametrize("vd, lodging, score, rel", [
    ("东区", pd.NA, 1.0, "same"), ("西区", pd.NA, 0.75, "adjacent"), ("米易县", pd.NA, 0.5, "city"),
    ("米易县", True, 0.75, "city"), ("成都市", pd.NA, 0.2, "outside"),
])
def test_place_cases(vd, lodging, score, rel):
    m = make_matcher([seeker("S1", district="东区")], [vacancy("V1", district=vd, lodging=lodging)])
    assert comp(m, "place") == (pytest.approx(score), True)
    assert m.explain("S1", "V1").distance == rel


def test_preferred_district_and_unknown_place():
    m = make_matcher([seeker("S1", district="东区", preferred_districts=["米易县"]), seeker("S2")],
                     [vacancy("V1", district="米易县")])
    assert comp(m, "place", 0, 0) == (1.0, True)
    assert comp(m, "place", 1, 0)[1] is False
    assert m.explain("S2", "V1").distance == "unknown"


# ----------------------------------------------------------------- conditions
def test_conditions_cases():
    rows = [seeker("S1", accepts_shift_work=False), seeker("S2", accepts_shift_work=True), seeker("S3")]
    m = make_matcher(rows, [vacancy("V1", shift_work=True, social_insurance=True), vacancy("V2", shift_work=False)])
    assert comp(m, "conditions", 0, 0) == (pytest.approx(0.6 * 0.1 + 0.4 * 1.0), True)
    assert comp(m, "conditions", 1, 0) == (pytest.approx(1.0), True)
    assert comp(m, "conditions", 2, 0) == (pytest.approx(1.0), True)     # only insurance is known
    assert comp(m, "conditions", 0, 1) == (pytest.approx(1.0), True)
    x = m.explain("S1", "V1")
    assert x.conditions["shift_status"] == "conflict" and {"code": "shift_conflict", "dim": "conditions"} in x.reasons["gaps"]


# ----------------------------------------------------------------- occupation
def test_experience_title_and_code_proximity_raise_occupation():
    rows = [seeker("S1", experience=[("电焊工", 12.0)]), seeker("S2", experience=[("厨师", 12.0)])]
    m = make_matcher(rows, [vacancy("V1", title="焊工", csco_code="6-18-02-04"), vacancy("V2", title="中式面点师")])
    assert comp(m, "occupation", 0, 0)[0] > comp(m, "occupation", 1, 0)[0]
    assert comp(m, "occupation", 0, 0)[1] is True
    assert m.features_.vacancy_code_list == ["6-18-02-04"]
