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
from matcher.outcomes.features import PAIR_FEATURES

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
    assert e["reason"].startswith("在类似岗位，条件相近的求职者 180 天仍在岗约") and e["reason"].endswith("%")
    assert abs(e["expected_lasting_hire"] - e["p_hire"] * e["p_stay180"]) < 1e-12
    feats = [r["feature"] for r in e["risks"]]
    assert set(feats) <= {"wage_short_k", "shift_conflict", "no_insurance", "rel_outside", "rel_city",
                          "post_early_leave", "employer_early_leave"}
