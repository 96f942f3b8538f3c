"""The simulated market: its behaviour model, the expected-hires formula and a smoke run."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from benchmarks.ranking import load_set
from benchmarks.simulate import (
    GROUPS,
    expected_hires,
    export_period,
    format_report,
    hidden_scores,
    main,
    simulate_market,
)
from matcher.generate import generate_city


@pytest.fixture(scope="module")
def city():
    return generate_city(300, 90, seed=5, dirty=False, n_outcomes=0)


@pytest.fixture(scope="module")
def market(city):
    return simulate_market(city, weeks=4, seed=5)


def test_hidden_model_prefers_own_trade_and_near_posts(city):
    u, a, group = hidden_scores(city, np.random.default_rng(0))
    st, vt = city.seeker_truth, city.vacancy_truth
    same = st["trade"].to_numpy()[:, None] == vt["trade"].to_numpy()[None, :]
    skilled = st["has_skills"].to_numpy()[:, None] & np.ones_like(same)
    # employers accept people of their own trade more readily; seekers like their own trade more
    assert a[same & skilled].mean() > a[~same & skilled].mean() + 0.3
    assert u[same].mean() > u[~same].mean() + 0.3
    # 4045 persons dislike far posts more than rural migrants do
    far = (vt["district"].isin(["米易县"]).to_numpy()[None, :]) & st["district"].eq("东区").to_numpy()[:, None]
    near = (vt["district"].eq("东区").to_numpy()[None, :]) & st["district"].eq("东区").to_numpy()[:, None]
    gap = {g: (u[near & (group == g)[:, None]].mean() - u[far & (group == g)[:, None]].mean()) for g in ("4045", "rural_migrant")}
    assert gap["4045"] > gap["rural_migrant"]
    assert set(np.unique(group)) <= set(GROUPS)


def test_market_respects_openings_and_time(market, city):
    h = market.hires
    assert len(h) > 0 and h["seeker"].is_unique
    per_post = h.groupby("vacancy").size()
    openings = city.vacancy_truth["openings"].to_numpy()
    assert (per_post <= openings[per_post.index]).all()
    assert market.open_vac[h["vacancy"]].all()  # never hired into an expired post
    # every hire followed an application in the same week
    apps = set(zip(market.applications["seeker"], market.applications["vacancy"], market.applications["week"]))
    assert all(t in apps for t in zip(h["seeker"], h["vacancy"], h["week"]))
    seek, vac, late = market.period("late")
    assert not set(h.loc[h["week"] < market.split, "seeker"]) & set(seek)
    assert set(late["vacancy"]) <= set(vac)


def test_expected_hires_by_hand():
    p = np.array([[0.5, 0.8], [0.6, 0.1], [0.9, 0.9]])
    openings = np.array([1.0, 3.0])
    # seeker 0 sees both (0.5 + 0.8 = 1.3 > 1: scaled to 0.385, 0.615); 1 sees post 0; 2 sees post 1
    lists = np.array([[0, 1], [0, -1], [1, -1]])
    want = min(1.0, 0.5 / 1.3 + 0.6) + min(3.0, 0.8 / 1.3 + 0.9)
    assert expected_hires(lists, p, openings) == pytest.approx(want)
    assert expected_hires(np.full((3, 2), -1), p, openings) == 0.0


def test_export_is_a_set_folder(market, tmp_path):
    out = export_period(market, "late", tmp_path / "late")
    bset = load_set(out)
    v = pd.read_csv(out / "vacancies.csv", dtype=str, keep_default_na=False)
    assert len(bset.qrels) == len(market.period("late")[2])
    assert set(d for q in bset.qrels.values() for d in q) <= set(v["vacancy_id"])
    assert (v["expires_on"] == "").all()


def test_smoke_run_json(tmp_path):
    out = tmp_path / "sim.json"
    res = main(["--smoke", "--json", str(out)])
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["market"]["hires"] == res["market"]["hires"] > 0
    for which in ("early", "late"):
        per = saved["periods"][which]
        for method in ("engine", "tfidf", "rapidfuzz"):
            assert set(per[method]) == {"overall", *GROUPS}
            for g, vals in per[method].items():
                for m in ("ndcg@10", "recall@10", "mrr"):
                    v = vals[m]
                    assert (0.0 <= v <= 1.0) or (vals["n"] == 0 and v != v)
    eh = saved["expected_hires"]
    for name in ("engine", "tfidf", "rapidfuzz", "oracle", "random"):
        assert 0 <= eh[name] <= eh["openings"]
    if "engine_capacity" in eh:
        c = saved["congestion"]["engine_capacity"]
        assert 0 <= c["coverage"] <= 1 and 0 <= c["gini_exposure"] <= 1 and 0 <= c["top1pct_share"] <= 1
    assert "expected hires" in format_report(res)
