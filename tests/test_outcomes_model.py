"""The outcome models on a small generated city with history: fit, persistence, protected flips, position bias."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from matcher.core import Matcher
from matcher.generate import generate_city, write_city
from matcher.history import generate_history
from matcher.io.loader import load_outcomes, load_seekers, load_vacancies
from matcher.outcomes import ModelError, NotEnoughOutcomes, OutcomeModel
from matcher.outcomes.card import write_card
from matcher.outcomes.features import PAIR_FEATURES, pair_features

SETTINGS = {"occupation": {"use_codes": False}}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    city = generate_city(900, 220, seed=7, dirty=False)
    paths = write_city(city, out)
    s = load_seekers(paths["seekers"], city.as_of).frame
    v = load_vacancies(paths["vacancies"]).frame
    m = Matcher(SETTINGS).fit(s, v)
    hist = generate_history(city, 12, matcher=m)
    hist.events.to_csv(out / "outcomes.csv", index=False, encoding="utf-8-sig")
    ev = load_outcomes(out / "outcomes.csv", s["seeker_id"], v["vacancy_id"])
    assert ev.n_rejected == 0
    model = OutcomeModel.fit(m, ev.frame, until=city.as_of)
    return {"city": city, "paths": paths, "out": out, "s": s, "v": v, "m": m, "hist": hist, "events": ev.frame,
            "model": model}


def _pairs(world, n=400):
    t = world["hist"].truth.head(n)
    m = world["m"]
    return t["seeker_id"].map(m._seeker_pos).to_numpy(), t["vacancy_id"].map(m._vacancy_pos).to_numpy()


def test_predictions_are_probabilities_and_elh_is_their_product(world) -> None:
    a, b = _pairs(world)
    ph, ps = world["model"].predict(world["m"], a, b)
    assert ph.shape == ps.shape == (len(a),)
    assert ((ph >= 0) & (ph <= 1) & (ps >= 0) & (ps <= 1)).all()
    np.testing.assert_allclose(world["model"].expected_lasting_hire(world["m"], a, b), ph * ps)
    assert ph.std() > 0.02 and ps.std() > 0.02          # it does tell pairs apart


def test_stay_model_tracks_the_hidden_truth(world) -> None:
    t = world["hist"].truth
    a, b = _pairs(world, len(t))
    _, ps = world["model"].predict(world["m"], a, b)
    assert np.corrcoef(ps, t["p_stay180"])[0, 1] > 0.4


def test_protected_attributes_never_change_a_prediction(world) -> None:
    s = world["s"].copy()
    s["gender"] = s["gender"].map({"F": "M", "M": "F"}).where(s["gender"].notna(), "F")
    s["age"] = pd.to_numeric(s["age"], errors="coerce").fillna(30) + 17
    s["birth_date"] = pd.NaT
    s["hukou"] = s["hukou"].map({"urban": "rural", "rural": "urban"}).fillna("rural") if "hukou" in s else "rural"
    s["ethnicity"] = "彝族"
    groups = [[] if len(g) else ["4045", "rural_migrant", "disabled"] for g in s["priority_groups"]]
    s["priority_groups"] = groups
    s["is_4045"] = ~s["is_4045"].astype(bool)
    s["is_rural_migrant"] = ~s["is_rural_migrant"].astype(bool)
    m2 = Matcher(SETTINGS).fit(s, world["v"])
    a, b = _pairs(world)
    ph, ps = world["model"].predict(world["m"], a, b)
    ph2, ps2 = world["model"].predict(m2, a, b)
    np.testing.assert_array_equal(ph, ph2)
    np.testing.assert_array_equal(ps, ps2)
    # and learning on the flipped data gives the very same model
    refit = OutcomeModel.fit(m2, world["events"], until=world["city"].as_of)
    assert refit.params == world["model"].params


def test_save_load_round_trip_is_plain_json(world, tmp_path) -> None:
    p = world["model"].save(tmp_path / "model")
    json.loads(p.read_text(encoding="utf-8"))          # no pickle: plain JSON
    loaded = OutcomeModel.load(tmp_path / "model")
    a, b = _pairs(world)
    for x, y in zip(world["model"].predict(world["m"], a, b), loaded.predict(world["m"], a, b)):
        np.testing.assert_array_equal(x, y)


def test_model_from_another_engine_version_or_feature_list_is_refused(world, tmp_path) -> None:
    p = world["model"].save(tmp_path / "m")
    d = json.loads(p.read_text(encoding="utf-8"))
    d["engine_version"] = "0.0.9"
    p.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(ModelError, match=r"engine version 0\.0\.9.*learn it again"):
        OutcomeModel.load(tmp_path / "m")
    d = json.loads(world["model"].save(tmp_path / "n").read_text(encoding="utf-8"))
    d["features"] = [*PAIR_FEATURES[:-1], "gender"]
    (tmp_path / "n" / "model.json").write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(ModelError, match="another feature list.*gender"):
        OutcomeModel.load(tmp_path / "n")
    with pytest.raises(ModelError, match="No outcome model"):
        OutcomeModel.load(tmp_path / "missing")


def test_too_few_outcomes_learns_nothing(world) -> None:
    first = world["events"]["date"].min() + pd.Timedelta(days=40)
    with pytest.raises(NotEnoughOutcomes, match="Too few outcomes.*No model was written"):
        OutcomeModel.fit(world["m"], world["events"], until=first.date())


def test_rank_correction_recovers_the_hire_chance_at_the_top_better_than_ignoring_rank(world) -> None:
    t = world["hist"].truth
    a, b = _pairs(world, len(t))
    ignore = OutcomeModel.fit(world["m"], world["events"], until=world["city"].as_of, position="ignore")
    err_rank = np.abs(world["model"].predict(world["m"], a, b)[0] - t["p_hire_top"]).mean()
    err_ignore = np.abs(ignore.predict(world["m"], a, b)[0] - t["p_hire_top"]).mean()
    assert err_rank < 0.8 * err_ignore
    coef = world["model"].params["hire"]["coef"]
    assert coef[len(PAIR_FEATURES)] < 0                 # lower in the list, fewer hires


def test_events_after_the_cut_date_change_nothing(world) -> None:
    cut = (pd.Timestamp(world["city"].as_of) - pd.Timedelta(days=120)).date()
    with_later = OutcomeModel.fit(world["m"], world["events"], until=cut)
    only_before = OutcomeModel.fit(world["m"], world["events"][world["events"]["date"] <= pd.Timestamp(cut)],
                                   until=cut)
    assert with_later.params == only_before.params
    assert with_later.params["window"]["until"] == str(cut)


def test_model_card_reports_sizes_metrics_and_groups(world, tmp_path) -> None:
    paths = write_card(world["model"], world["s"], tmp_path)
    card = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert card["sizes"]["spells"] == card["sizes"]["left"] + card["sizes"]["censored"]
    assert card["hire"]["brier"] < card["hire"]["brier_constant"]
    assert "4045" in card["per_group"] and "none" in card["per_group"]
    md = paths["md"].read_text(encoding="utf-8")
    assert "reporting only" in md and "censored" in md
    cells = world["model"].params["similar"]["cells"]
    assert cells and f"{len(cells) - sum(not k.startswith('*|') for k in cells)} all-post cells" in md


def test_learn_command_writes_model_and_card_or_nothing(world, tmp_path, capsys) -> None:
    from matcher.cli import main

    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps(SETTINGS), encoding="utf-8")
    p, o = world["paths"], world["out"] / "outcomes.csv"
    args = ["learn", "--seekers", str(p["seekers"]), "--vacancies", str(p["vacancies"]), "--outcomes", str(o),
            "--settings", str(settings)]
    assert main([*args, "--out", str(tmp_path / "model")]) == 0
    assert {f.name for f in (tmp_path / "model").iterdir()} >= {"model.json", "model_card.md", "model_card.json"}
    assert "Learned from" in capsys.readouterr().out
    OutcomeModel.load(tmp_path / "model")
    assert main([*args, "--out", str(tmp_path / "none"), "--until", "2025-12-01"]) != 0
    assert "Too few outcomes" in capsys.readouterr().err
    assert not (tmp_path / "none" / "model.json").exists()


def test_explain_gives_staff_a_reason_and_actionable_risks(world) -> None:
    m, model = world["m"], world["model"]
    t = world["hist"].truth
    row = t[t["t_no_insurance"] & t["t_wage_short"]].iloc[0]
    e = model.explain(m, m._seeker_pos[row["seeker_id"]], m._vacancy_pos[row["vacancy_id"]])
    from matcher.vocab import label

    sim = e["similar"]          # the similar spells the reason speaks of (or the model's estimate, said so)
    assert sim["basis"] in ("occupation", "conditions", "model")
    if sim["basis"] == "model":
        assert "模型估计此岗位 180 天仍在岗约" in e["reason"]
    else:
        assert f"180 天仍在岗约 {int(round(sim['stay'] * 20) * 5)}%（依据 {sim['n']} 段就业记录）" in e["reason"]
        assert sim["n"] >= 30 and all(label("stay_gap", g, "zh") in e["reason"] for g in sim["gaps"])
    assert abs(e["expected_lasting_hire"] - e["p_hire"] * e["p_stay180"]) < 1e-12
    feats = [r["feature"] for r in e["risks"]]
    assert set(feats) <= {"wage_short_k", "shift_conflict", "no_insurance", "rel_outside", "rel_city",
                          "post_early_leave", "employer_early_leave"}


# ------------------------------------------------------------ the reason's similar spells
def test_kaplan_meier_stay_share_counts_censored_spells_as_at_risk_only() -> None:
    from matcher.outcomes.model import km_stay, similar_cells

    # 10 leave on day 20, 6 censored on day 60, 24 observed past 180 days: KM 30/40 = 0.75
    d = np.array([20] * 10 + [60] * 6 + [300] * 24, float)
    left = np.array([True] * 10 + [False] * 30)
    assert km_stay(d, left) == pytest.approx(0.75)
    assert np.isnan(km_stay(np.zeros(0), np.zeros(0, bool)))
    # a second group of 12 spells with the same gaps, all leaving on day 10
    d2, l2 = np.r_[d, [10] * 12], np.r_[left, [True] * 12]
    g = np.array(["6-18"] * 40 + ["4-02"] * 12, object)
    cells = similar_cells(g, np.array(["1000"] * 52, object), d2, l2)
    assert cells["6-18|1000"] == [40, 34, 0.75]                    # 6 censored at 60 days: status unknown
    assert cells["*|1000"] == [52, 46, pytest.approx(40 / 52 * 0.75, abs=1e-6)]
    assert "4-02|1000" not in cells                                 # 12 spells: below the minimum, not stored
    # too few with a known 180-day status: not stored either (30 spells, 25 censored young)
    few = similar_cells(np.array(["6-18"] * 30, object), np.array(["0000"] * 30, object),
                        np.array([5] * 5 + [40] * 25, float), np.array([True] * 5 + [False] * 25))
    assert few == {}
    # IPC weights when no spell is censored (a validation slice of old hires): all known, weight 1
    from matcher.outcomes.model import ipcw_known
    known, stay, wts = ipcw_known(np.array([10.0, 200.0, 30.0]), np.array([True, False, True]) | True)
    assert known.all() and (wts == 1).all() and stay.tolist() == [0, 1, 0]


@pytest.fixture(scope="module")
def hand_world(tmp_path_factory):
    """A generated market with a HAND-BUILT event log: chosen pairs, chosen hire and departure dates."""
    from matcher.outcomes.model import condition_gaps, occupation_groups

    out = tmp_path_factory.mktemp("hand")
    city = generate_city(400, 120, seed=21, dirty=False)
    paths = write_city(city, out)
    s = load_seekers(paths["seekers"], city.as_of).frame
    v = load_vacancies(paths["vacancies"]).frame
    m = Matcher(SETTINGS).fit(s, v)
    F = m.features_
    a = np.repeat(np.arange(F.n_seekers), F.n_vacancies)
    b = np.tile(np.arange(F.n_vacancies), F.n_seekers)
    gaps = condition_gaps(pair_features(m, a, b))
    groups = occupation_groups(m, b)
    cells = pd.DataFrame({"a": a, "b": b, "g": groups, "x": gaps})
    coded = cells[cells["g"] != ""]
    size = coded.groupby(["x", "g"]).size().sort_values(ascending=False)
    # the profile P whose biggest group G has >= 40 pairs and whose second group has >= 12
    pick = next((x, gg.index[0][1], gg.index[1][1]) for x, gg in
                ((x, size.xs(x, level=0, drop_level=False)) for x in size.index.get_level_values(0).unique())
                if len(gg) > 1 and gg.iloc[0] >= 40 and gg.iloc[1] >= 12)
    P, G, G2 = pick
    P3 = next(x for x in size.index.get_level_values(0).unique() if x != P and (cells["x"] == x).sum() >= 5)
    rng = np.random.default_rng(0)

    def take(mask: pd.Series, k: int) -> pd.DataFrame:
        return cells[mask].sample(k, random_state=int(rng.integers(1 << 30)))

    main = take((cells["x"] == P) & (cells["g"] == G), 40)
    other = take((cells["x"] == P) & (cells["g"] == G2), 12)
    sparse = take(cells["x"] == P3, 5)
    used = set(zip(pd.concat([main, other, sparse])["a"], pd.concat([main, other, sparse])["b"]))
    rest = cells[[(x, y) not in used for x, y in zip(cells["a"], cells["b"])]].sample(200, random_state=1)
    sid, vid = np.asarray(F.seeker_ids), np.asarray(F.vacancy_ids)
    rows = []

    def spell(r, hired: str, left: str | None, reason: str = "wage") -> None:
        h = pd.Timestamp(hired)
        rows.append((sid[r.a], vid[r.b], (h - pd.Timedelta(days=10)).strftime("%Y-%m-%d"), "referred", ""))
        rows.append((sid[r.a], vid[r.b], hired, "hired", ""))
        if left:
            rows.append((sid[r.a], vid[r.b], left, "left", reason))

    for i, r in enumerate(main.itertuples()):
        if i < 10:
            spell(r, "2026-02-01", "2026-02-21")          # left after 20 days
        elif i < 16:
            spell(r, "2026-09-16", None)                  # censored at the extraction date, 60 days in
        else:
            spell(r, "2026-01-10", None)                  # still in the job after 309 days
    for r in other.itertuples():
        spell(r, "2026-03-01", "2026-03-11")              # left after 10 days
    for r in sparse.itertuples():
        spell(r, "2026-04-01", "2026-04-06", "commute")
    for j, r in enumerate(rest.itertuples()):
        day = (pd.Timestamp("2026-01-05") + pd.Timedelta(days=int(j))).strftime("%Y-%m-%d")
        rows.append((sid[r.a], vid[r.b], day, "referred", ""))
        rows.append((sid[r.a], vid[r.b], (pd.Timestamp(day) + pd.Timedelta(days=7)).strftime("%Y-%m-%d"),
                     "rejected", ""))
    log = pd.DataFrame(rows, columns=["seeker_id", "vacancy_id", "date", "outcome", "reason"])
    log.to_csv(out / "outcomes.csv", index=False, encoding="utf-8-sig")
    ev = load_outcomes(out / "outcomes.csv", s["seeker_id"], v["vacancy_id"])
    assert ev.n_rejected == 0
    model = OutcomeModel.fit(m, ev.frame, until=city.as_of)
    model.save(out / "model")
    return {"m": m, "model": model, "P": P, "G": G, "G2": G2, "P3": P3, "cells": cells, "paths": paths,
            "out": out, "main": main, "sparse": sparse}


def test_the_outcome_reason_speaks_of_similar_spells_on_a_hand_built_log(hand_world) -> None:
    from matcher.market import build_market
    from matcher.outcomes.model import SIMILAR_MIN_SPELLS
    from matcher.render.reasons import render_reason

    w = hand_world
    P, G, G2, P3 = w["P"], w["G"], w["G2"], w["P3"]
    sim = w["model"].params["similar"]
    assert sim["min_spells"] == SIMILAR_MIN_SPELLS and sim["cells"][f"{G}|{P}"] == [40, 34, 0.75]
    assert sim["cells"][f"*|{P}"][:2] == [52, 46] and f"{G2}|{P}" not in sim["cells"]
    assert not any(k.endswith(f"|{P3}") for k in sim["cells"])
    assert w["model"].params["sizes"]["spells"] == 57                # the old reason's n: every spell

    mk = build_market(w["paths"]["seekers"], w["paths"]["vacancies"], settings=SETTINGS, model=w["out"] / "model")
    F = mk.matcher.features_
    sid, vid = np.asarray(F.seeker_ids), np.asarray(F.vacancy_ids)
    cells = w["cells"]

    def reason(row) -> dict:
        x = mk.matcher.explain(str(sid[row.a]), str(vid[row.b]))
        recs = [r for r in x.reasons["fits"] + x.reasons["gaps"] if r["code"] == "outcome_stay"]
        assert len(recs) == 1 and x.outcome["n_similar"] == recs[0]["n_similar"]
        return recs[0]

    # same occupation group, same gaps: 40 spells, Kaplan-Meier 75 % (not 24/40 = 60 %, nor 24/34 = 71 %)
    r = reason(w["main"].iloc[0])
    assert (r["basis"], r["share"], r["n_similar"], r["group"]) == ("occupation", 75, 40, G)
    assert r in mk.matcher.explain(str(sid[w["main"].iloc[0].a]), str(vid[w["main"].iloc[0].b])).reasons["fits"]
    zh, en = render_reason(r, "zh"), render_reason(r, "en")
    assert "180 天仍在岗约 75%（依据 40 段就业记录）" in zh and "在同类岗位（" in zh
    assert f"same occupation group ({G})" in en and "about 75% of cases (from 40 recorded jobs)" in en
    # another group with the same gaps (its own 12 spells are too few): all posts with those gaps, 52 spells
    row = cells[(cells["x"] == P) & (cells["g"] != G)].iloc[0]
    r = reason(row)
    assert (r["basis"], r["n_similar"], r["share"]) == ("conditions", 52, 60)     # 40/52 × 0.75 = 57.7 %
    assert "在各类岗位中" in render_reason(r, "zh") and "（依据 52 段就业记录）" in render_reason(r, "zh")
    # gaps with only 5 spells: the model's estimate, said as such
    row = w["sparse"].iloc[0]
    r = reason(row)
    assert r["basis"] == "model" and r["share"] == r["model_share"]
    assert f"类似的就业记录不足 {SIMILAR_MIN_SPELLS} 段，模型估计" in render_reason(r, "zh")
    assert render_reason(r, "en").startswith(f"Fewer than {SIMILAR_MIN_SPELLS} similar recorded jobs")
    # the gaps named are the pair's own
    from matcher.vocab import STAY_GAPS
    assert r["gaps"] == [g for g, f in zip(STAY_GAPS, P3) if f == "1"]
