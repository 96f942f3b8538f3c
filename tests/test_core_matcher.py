"""The Matcher end to end: contributions, fairness, ties, known answers, FA*IR, compliance, blocking."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core_factories import frames, make_matcher, random_market, seeker, vacancy
from matcher.core import Matcher
from matcher.core.fairness import fair_min_counts, fair_rerank
from matcher.errors import NotFittedError, UnknownIdError


@pytest.fixture(scope="module")
def market():
    return random_market(60, 40, seed=1)


@pytest.fixture(scope="module")
def fitted(market):
    return make_matcher(*market)


def test_contributions_sum_exactly_to_score(fitted):
    for sid in fitted.features_.seeker_ids[:15]:
        for mt in fitted.for_seeker(sid, 5):
            assert sum(mt.contributions.values()) == mt.score
            d = mt.to_dict()
            json.dumps(d, ensure_ascii=False, default=str)
            assert set(d["contributions"]) == {"skills", "occupation", "education", "wage", "place", "conditions", "priority"}
            assert all(v is None or 0.0 <= v <= 1.0 for v in d["components"].values())
    for mt in fitted.for_vacancy(fitted.features_.vacancy_ids[0], 10):
        assert sum(mt.contributions.values()) == mt.score


def test_api_scores_agree(fitted):
    F = fitted.features_
    block = fitted.score_block(np.arange(5))
    for i in range(5):
        top = fitted.for_seeker(F.seeker_ids[i], 3)
        for mt in top:
            j = fitted._vacancy_pos[mt.vacancy_id]
            assert mt.score == pytest.approx(block[i, j], abs=1e-6)
            assert fitted.explain(mt.seeker_id, mt.vacancy_id).rank == mt.rank
    idx, sc = fitted.top_k_block(np.arange(5), 3, blocking=False)
    for i in range(5):
        assert [F.vacancy_ids[j] for j in idx[i]] == [m.vacancy_id for m in fitted.for_seeker(F.seeker_ids[i], 3)]


@pytest.mark.parametrize("column, flip", [
    ("gender", lambda s: s.map({"F": "M", "M": "F"})),
    ("age", lambda s: (100 - s.astype(float)).astype("Int64")),
    ("hukou", lambda s: s.map({"urban": "rural", "rural": "urban"})),
    ("ethnicity", lambda s: s.map(lambda e: "汉族" if e != "汉族" else "彝族")),
])
def test_protected_attributes_never_change_scores(market, fitted, column, flip):
    s, v = frames(*market)
    s2 = s.copy()
    s2[column] = flip(s2[column])
    assert not s2[column].equals(s[column])
    m2 = Matcher(fitted.settings, skill_normaliser=fitted.resources_.skill_normaliser,
                 occupation_coder=fitted.resources_.occupation_coder,
                 occupation_proximity=fitted.resources_.occupation_proximity,
                 district_relation=fitted.resources_.district_relation).fit(s2, v)
    a = np.arange(len(s))
    np.testing.assert_array_equal(fitted.score_block(a), m2.score_block(a))


def test_deterministic_ties_by_id():
    rows = [vacancy(f"V{c}", title="焊工", required_skills=["焊接"]) for c in "DBCA"]
    m = make_matcher([seeker("S1", skills=["电焊"])], rows)
    ranked = [x.vacancy_id for x in m.for_seeker("S1", 4)]
    assert ranked == ["VA", "VB", "VC", "VD"]
    assert len({x.score for x in m.for_seeker("S1", 4)}) == 1
    m2 = make_matcher([seeker("S1", skills=["电焊"])], rows[::-1])
    assert [x.vacancy_id for x in m2.for_seeker("S1", 4)] == ranked
    idx, _ = m.top_k_block(np.array([0]), 2)
    assert list(m.features_.vacancy_ids[idx[0]]) == ["VA", "VB"]


def test_known_answer_market_planted_best_ranks_first():
    trades = [  # seeker words, employer words, title, district
        (["会电焊"], ["焊接"], "焊工", "东区"), (["开叉车"], ["叉车驾驶"], "叉车司机", "西区"),
        (["看大门"], ["安保"], "保安员", "仁和区"), (["做饭"], ["中式烹调"], "厨师", "米易县"),
        (["打扫卫生"], ["保洁"], "保洁员", "盐边县"), (["做账"], ["会计"], "会计", "东区"),
    ]
    seekers, vacancies = [], []
    for i, (sw, vw, title, d) in enumerate(trades):
        seekers.append(seeker(f"S{i}", skills=sw, district=d, expected_wage_min=3000.0, education_level=2,
                              accepts_shift_work=True))
        # the planted best: right skill, right place, pays enough
        vacancies.append(vacancy(f"V{i}best", title=title, required_skills=vw, district=d, wage_min=3200.0,
                                 wage_max=4000.0, education_min_level=2))
        # decoys: right skill but far, underpaid and above education; wrong skill but perfect terms
        vacancies.append(vacancy(f"V{i}far", title=title, required_skills=vw, district="成都市", wage_min=2000.0,
                                 wage_max=2200.0, education_min_level=4))
        vacancies.append(vacancy(f"V{i}wrong", title="普工", required_skills=["维修电工"], district=d,
                                 wage_min=4000.0, wage_max=5000.0))
    m = make_matcher(seekers, vacancies)
    for i in range(len(trades)):
        top = m.for_seeker(f"S{i}", 3)
        assert top[0].vacancy_id == f"V{i}best", (i, [(t.vacancy_id, t.score) for t in top])
        assert top[0].rank == 1
        best = m.for_vacancy(f"V{i}best", 1)[0]
        assert best.seeker_id == f"S{i}"


def test_expired_is_the_hard_constraint():
    rows = [vacancy("V1", required_skills=["焊接"], expires_on=pd.Timestamp("2024-01-01")),
            vacancy("V2", required_skills=["焊接"])]
    m = make_matcher([seeker("S1", skills=["电焊"])], rows)
    assert [x.vacancy_id for x in m.for_seeker("S1", 5)] == ["V2"]
    assert m.for_vacancy("V1") == [] and m.for_vacancy_summary("V1")["expired"] is True
    assert m.for_vacancy_summary("V1")["open"] is False
    x = m.explain("S1", "V1")
    assert x.rank is None and "expired" in [f["code"] for f in x.flags]
    assert np.isneginf(m.score_block(np.array([0]))[0, 0])
    m2 = make_matcher([seeker("S1", skills=["电焊"])], rows, {"hard_constraints": {"exclude_expired": False}})
    assert len(m2.for_seeker("S1", 5)) == 2


def test_compliance_flags_and_would_exclude_counts():
    rows = [seeker("S1", gender="F", age=48, skills=["电焊"], priority_groups=["4045"]),
            seeker("S2", gender="M", age=30, skills=["电焊"]),
            seeker("S3", gender="F", age=25, skills=["电焊"])]
    m = make_matcher(rows, [vacancy("V1", required_skills=["焊接"], gender_requirement="M",
                                    gender_requirement_raw="限男性", age_min=20, age_max=35)])
    got = m.for_vacancy("V1", 3)
    assert {x.seeker_id for x in got} == {"S1", "S2", "S3"}          # nobody filtered out
    codes = {f["code"] for f in got[0].flags}
    assert {"gender_requirement", "narrow_age_window"} <= codes
    assert all(f["rule"] and f["message_zh"] and f["message_en"] for f in got[0].flags)
    s = m.for_vacancy_summary("V1", 3)
    assert not hasattr(m, "last_vacancy_summary")                    # queries leave no state behind
    assert s["would_exclude"] == 2 and s["would_exclude_priority"] == 1 and s["would_exclude_priority_in_list"] == 1
    s1 = next(x for x in got if x.seeker_id == "S1")
    assert {"outside_gender_requirement", "outside_age_window"} <= {f["code"] for f in s1.flags}
    assert m.for_vacancy_summary("V1", 3) == s


def test_priority_boost_on_public_welfare_posts_is_visible():
    rows = [seeker("S1", skills=["看大门"], priority_groups=["4045"]), seeker("S2", skills=["看大门"])]
    vac = [vacancy("V1", title="门卫", required_skills=["门卫"], public_welfare=True)]
    m = make_matcher(rows, vac)
    top = m.for_vacancy("V1", 2)
    assert top[0].seeker_id == "S1"
    assert top[0].contributions["priority"] == pytest.approx(m.settings.priority.public_welfare_boost)
    assert {"code": "priority_boost", "dim": "priority", "groups": ["4045"],
            "boost": pytest.approx(m.settings.priority.public_welfare_boost)} in top[0].reasons["fits"]
    assert top[0].verdicts["priority"] is True
    assert top[1].contributions["priority"] == 0.0
    off = make_matcher(rows, vac, {"priority": {"enabled": False}})
    assert [x.contributions["priority"] for x in off.for_vacancy("V1", 2)] == [0.0, 0.0]


def test_fair_min_counts_and_rerank_unit():
    mt = fair_min_counts(10, 0.5, 0.1)
    assert list(mt) == [int(x) for x in mt] and mt[-1] >= 2 and all(np.diff(mt) >= 0)
    order = np.arange(10)
    prot = np.array([False] * 6 + [True] * 4)
    out, promoted = fair_rerank(order, prot, 10, mt)
    assert sorted(out.tolist()) == list(range(10))
    for i in range(10):
        assert prot[out[: i + 1]].sum() >= min(mt[i], 4)
    assert promoted.any()
    same, none = fair_rerank(order, prot, 10, np.zeros(10, dtype=np.int64))
    assert same.tolist() == list(range(10)) and not none.any()


def test_fair_ranking_prefix_guarantee_in_for_vacancy():
    rows = [seeker(f"S{i:02d}", skills=["电焊"] if i < 12 else ["电焊", "读图"], experience=[("焊工", float(i))],
                   priority_groups=["4045"] if i < 6 else []) for i in range(20)]
    vac = [vacancy("V1", title="焊工", required_skills=["焊接", "读图"])]
    plain = make_matcher(rows, vac)
    base = plain.for_vacancy("V1", 10)
    assert sum(bool(x.priority_groups) for x in base[:5]) == 0
    s = {"priority": {"fair_ranking": True, "min_share": 0.5, "alpha": 0.1}}
    m = make_matcher(rows, vac, s)
    got = m.for_vacancy("V1", 10)
    table = fair_min_counts(10, 0.5, 0.1)
    prot = [bool(x.priority_groups) for x in got]
    for i in range(10):
        assert sum(prot[: i + 1]) >= table[i]
    assert any(x.fair_ranking["promoted"] for x in got) and all(x.fair_ranking["applied"] for x in got)
    assert m.for_vacancy_summary("V1", 10)["promoted"] >= 1
    assert [x.rank for x in got] == list(range(1, 11))
    assert got == m.for_vacancy("V1", 10)           # deterministic


def test_errors_unknown_ids_masks_and_not_fitted(fitted):
    with pytest.raises(NotFittedError):
        Matcher().for_seeker("S1")
    with pytest.raises(UnknownIdError, match="nobody"):
        fitted.for_seeker("nobody")
    with pytest.raises(UnknownIdError):
        fitted.for_vacancy("nothing")
    F = fitted.features_
    mask = np.zeros(F.n_vacancies, dtype=bool)
    mask[[3, 5]] = True
    got = fitted.for_seeker(F.seeker_ids[0], 10, vacancy_mask=mask)
    assert {x.vacancy_id for x in got} <= {F.vacancy_ids[3], F.vacancy_ids[5]}
    assert len(fitted.for_seeker(F.seeker_ids[0])) == fitted.settings.top_k


def test_missing_columns_are_neutral():
    s = pd.DataFrame({"seeker_id": ["a", "b"], "skills": [["电焊"], ["做饭"]]})
    v = pd.DataFrame({"vacancy_id": ["x", "y"], "title": ["焊工", "厨师"], "required_skills": [["焊接"], ["烹饪"]]})
    from core_factories import FakeCoder, FakeProximity, FakeSkillNormaliser, district_relation
    m = Matcher({"reference_date": "2024-06-01"}, skill_normaliser=FakeSkillNormaliser(), occupation_coder=FakeCoder(),
                occupation_proximity=FakeProximity(), district_relation=district_relation).fit(s, v)
    assert m.for_seeker("a", 1)[0].vacancy_id == "x" and m.for_seeker("b", 1)[0].vacancy_id == "y"
    x = m.explain("a", "x")
    assert x.evidence["wage"] is False and x.wage["status"] == "unknown"


def test_blocking_recall_and_top_k_block_shapes(fitted):
    F = fitted.features_
    idx, sc = fitted.top_k_block(np.arange(F.n_seekers), 5)
    assert idx.shape == (F.n_seekers, 5) and (idx >= 0).all()
    assert (np.diff(sc, axis=1) <= 1e-12).all()
    rec = fitted.blocking_recall(k=5)
    assert rec["recall"] >= 0.9 and 0 < rec["pair_share"] <= 1


@pytest.mark.parametrize("share", [0.1, 0.24, 0.26, 0.6, 1.0])
def test_masked_for_seeker_equals_scoring_only_the_masked_posts(fitted, share):
    """for_seeker scores the whole row when the mask is wide; the scores and the
    order must be exactly those of scoring the masked posts alone."""
    from matcher.core.compare import Grid, score_grid

    F = fitted.features_
    rng = np.random.default_rng(int(share * 100))
    mask = rng.random(F.n_vacancies) < share
    ok = mask & fitted._vacancy_ok()
    b = np.flatnonzero(ok)
    for si in range(0, F.n_seekers, 7):
        sliced = score_grid(F, fitted.settings, Grid(np.array([si]), b), score_only=True).score.ravel()
        assert np.array_equal(fitted._seeker_row(si, b), sliced)
        want = b[fitted._order(sliced, F.vacancy_id_rank[b], 5)]
        got = [m.vacancy_id for m in fitted.for_seeker(F.seeker_ids[si], 5, vacancy_mask=mask)]
        assert got == [F.vacancy_ids[j] for j in want]


def test_for_seeker_routes_give_identical_records(fitted, monkeypatch):
    """Few posts are scored once with their parts; many get a score-only pass first.
    Both routes must return the same records, field for field."""
    import matcher.core.matcher as core_matcher

    F = fitted.features_
    rng = np.random.default_rng(3)
    masks = [None, rng.random(F.n_vacancies) < 0.5, rng.random(F.n_vacancies) < 0.1]
    few = {}
    for si in range(0, F.n_seekers, 5):
        for mi, mask in enumerate(masks):
            few[si, mi] = [m.to_dict() for m in fitted.for_seeker(F.seeker_ids[si], 6, vacancy_mask=mask)]
    monkeypatch.setattr(core_matcher, "_FEW_POSTS", 0)
    for (si, mi), want in few.items():
        got = [m.to_dict() for m in fitted.for_seeker(F.seeker_ids[si], 6, vacancy_mask=masks[mi])]
        assert got == want
    assert sum(len(v) for v in few.values()) > 50
