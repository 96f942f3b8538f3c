"""Ranking with outcomes on the one route: settings, the outcome contribution, lists, saved markets, batch, report."""
from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from matcher.core import Matcher
from matcher.core.settings import MatchSettings
from matcher.errors import SettingsError
from matcher.generate import generate_city, write_city
from matcher.history import generate_history
from matcher.io.loader import load_outcomes, load_seekers, load_vacancies
from matcher.market import StaleMarketError, build_market, load_market
from matcher.outcomes import ModelError, OutcomeModel
from matcher.outcomes.rank import NO_MODEL, OutcomeMatch, OutcomeMatcher
from matcher.render.reasons import render_reason

SETTINGS = {"occupation": {"use_codes": False}, "reference_date": "2026-11-15"}
K = 8


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    city = generate_city(700, 180, seed=11, dirty=False)
    paths = write_city(city, out)
    s = load_seekers(paths["seekers"], city.as_of).frame
    v = load_vacancies(paths["vacancies"]).frame
    m = Matcher(SETTINGS).fit(s, v)
    hist = generate_history(city, 12, matcher=m)
    hist.events.to_csv(out / "outcomes.csv", index=False, encoding="utf-8-sig")
    ev = load_outcomes(out / "outcomes.csv", s["seeker_id"], v["vacancy_id"]).frame
    model = OutcomeModel.fit(m, ev, until=city.as_of)
    model.save(out / "model")
    files = {"seekers": paths["seekers"], "vacancies": paths["vacancies"], "outcomes": out / "outcomes.csv"}
    plain = build_market(files["seekers"], files["vacancies"], settings=SETTINGS, outcomes=files["outcomes"])
    with_model = build_market(files["seekers"], files["vacancies"], settings=SETTINGS, outcomes=files["outcomes"],
                              model=out / "model")
    return {"out": out, "files": files, "s": s, "v": v, "m": m, "model": model, "events": ev, "plain": plain,
            "mk": with_model, "model_dir": out / "model"}


def _ids(matches, side="vacancy_id"):
    return [getattr(x, side) for x in matches]


# ------------------------------------------------------------------ settings
def test_outcome_settings_are_validated_and_unknown_keys_rejected():
    st = MatchSettings.from_path_or_dict(None)
    assert (st.outcomes.model, st.outcomes.weight, st.outcomes.rank_by) == (None, 1.0, "score")
    ok = MatchSettings.from_path_or_dict({"outcomes": {"model": "m", "weight": 2, "rank_by": "lasting_hire"}})
    assert ok.outcomes.weight == 2.0 and ok.outcomes.rank_by == "lasting_hire"
    for bad, msg in (({"rank_by": "elh"}, "outcomes.rank_by"), ({"weight": -0.5}, "outcomes.weight"),
                     ({"weight": "high"}, "outcomes.weight"), ({"pool": 0}, "outcomes.pool"),
                     ({"model": 5}, "outcomes.model"), ({"modle": "x"}, "outcomes.modle")):
        with pytest.raises(SettingsError, match=msg):
            MatchSettings.from_path_or_dict({"outcomes": bad})


# ------------------------------------------------------------------ no model
def test_without_a_model_scores_and_lists_are_the_core_s(world):
    plain = world["plain"]
    m = Matcher(SETTINGS).fit(world["s"], world["v"], hired=plain.matcher.hired_)   # the core alone
    assert type(plain.matcher) is Matcher and plain.outcome is None and plain.outcome_model is None
    for sid in world["s"]["seeker_id"].iloc[:15]:
        a, b = plain.matcher.for_seeker(sid, K), m.for_seeker(sid, K)
        assert _ids(a) == _ids(b) and [x.score for x in a] == [x.score for x in b]
        assert all("outcome" not in x.contributions for x in a)
    # the outcomes section at its defaults changes nothing either
    st = MatchSettings.from_path_or_dict({**SETTINGS, "outcomes": {"weight": 3.0, "rank_by": "lasting_hire"}})
    m2 = Matcher(st).fit(world["s"], world["v"], hired=plain.matcher.hired_)
    sid = world["s"]["seeker_id"].iloc[3]
    assert [x.score for x in m2.for_seeker(sid, K)] == [x.score for x in m.for_seeker(sid, K)]


# ------------------------------------------------------------------ with a model
def test_a_model_adds_a_visible_outcome_contribution_that_sums_to_the_score(world):
    mk = world["mk"]
    assert isinstance(mk.matcher, OutcomeMatcher)
    assert mk.outcome["sha256"] == hashlib.sha256((world["model_dir"] / "model.json").read_bytes()).hexdigest()
    assert mk.outcome["window"]["until"] == "2026-11-15" and mk.settings.outcomes.model == str(world["model_dir"])
    sid = world["s"]["seeker_id"].iloc[5]
    base = {x.vacancy_id: x.score for x in world["plain"].matcher.for_seeker(sid, 200)}
    got = mk.matcher.for_seeker(sid, K)
    assert len(got) == K and all(isinstance(x, OutcomeMatch) for x in got)
    for x in got:
        o = x.outcome
        assert abs(sum(x.contributions.values()) - x.score) < 1e-9
        assert x.contributions["outcome"] == pytest.approx(o["weight"] * o["p_hire"] * o["p_stay180"], abs=1e-5)
        assert x.score == pytest.approx(base[x.vacancy_id] + x.contributions["outcome"], abs=1e-9)
        codes = [r["code"] for r in x.reasons["fits"] + x.reasons["gaps"]]
        assert "outcome_stay" in codes
        assert x.to_dict()["outcome"]["expected_lasting_hire"] == pytest.approx(o["p_hire"] * o["p_stay180"], abs=1e-6)
    scores = [x.score for x in got]
    assert scores == sorted(scores, reverse=True)                     # rank_by = score: the new score orders
    for x in mk.matcher.for_vacancy(got[0].vacancy_id, K):
        assert abs(sum(x.contributions.values()) - x.score) < 1e-9
    e = mk.matcher.explain(sid, got[2].vacancy_id)
    assert e.rank == 3 and e.score == pytest.approx(got[2].score, abs=1e-12)


def test_rank_by_lasting_hire_orders_by_expected_lasting_hire(world):
    mk = build_market(world["files"]["seekers"], world["files"]["vacancies"],
                      settings={**SETTINGS, "outcomes": {"rank_by": "lasting_hire"}}, model=world["model_dir"])
    sid = world["s"]["seeker_id"].iloc[7]
    got = mk.matcher.for_seeker(sid, K)
    elh = [x.outcome["expected_lasting_hire"] for x in got]
    assert elh == sorted(elh, reverse=True)
    assert _ids(got) != _ids(world["plain"].matcher.for_seeker(sid, K))


def test_the_outcome_reason_renders_in_both_languages(world):
    x = world["mk"].matcher.for_seeker(world["s"]["seeker_id"].iloc[1], 1)[0]
    rec = next(r for r in x.reasons["fits"] + x.reasons["gaps"] if r["code"] == "outcome_stay")
    assert rec["share"] % 5 == 0 and 0 <= rec["share"] <= 100
    assert rec["basis"] in ("occupation", "conditions") and rec["n_similar"] >= 30     # a 12-month history
    assert rec["n_similar"] < world["model"].params["sizes"]["spells"]               # the similar ones, not all
    assert x.outcome["n_similar"] == rec["n_similar"] and x.outcome["similar_basis"] == rec["basis"]
    assert f"180 天仍在岗约 {rec['share']}%（依据 {rec['n_similar']} 段就业记录）" in render_reason(rec, "zh")
    assert f"about {rec['share']}% of cases (from {rec['n_similar']} recorded jobs)" in render_reason(rec, "en")
    assert "negotiate the wage" in render_reason({"code": "outcome_risk", "risk": "wage_short_k"}, "en")


def test_protected_flips_change_nothing_with_a_model(world):
    s = world["s"].copy()
    flipped = s.copy()
    flipped["gender"] = s["gender"].map({"F": "M", "M": "F"})
    flipped["age"] = 70 - pd.to_numeric(s["age"], errors="coerce")
    flipped["hukou"] = s["hukou"].iloc[::-1].to_numpy()
    if "ethnicity" in s.columns:
        flipped["ethnicity"] = s["ethnicity"].iloc[::-1].to_numpy()
    assert (flipped["gender"] != s["gender"]).sum() > 100 and (flipped["hukou"] != s["hukou"]).sum() > 10
    mk2 = build_market(flipped, world["v"], settings=SETTINGS, outcomes=world["events"], model=world["model"])
    for sid in s["seeker_id"].iloc[:12]:
        a, b = world["mk"].matcher.for_seeker(sid, K), mk2.matcher.for_seeker(sid, K)
        assert _ids(a) == _ids(b) and [x.score for x in a] == [x.score for x in b]
    # priority groups may move the (visible) priority boost, never the learned chances
    prio = s.copy()
    prio["priority_groups"] = [[] if len(g) else ["4045"] for g in s["priority_groups"]]
    mk3 = build_market(prio, world["v"], settings=SETTINGS, outcomes=world["events"], model=world["model"])
    a = np.arange(40)
    b = np.arange(40) % len(world["v"])
    np.testing.assert_array_equal(world["model"].predict(world["mk"].matcher, a, b),
                                  world["model"].predict(mk3.matcher, a, b))


def test_post_lists_keep_the_priority_seekers_the_rules_gave_them(world):
    mk, plain = world["mk"], world["plain"]
    F = plain.matcher.features_
    prio = dict(zip(F.seeker_ids, np.asarray(F.priority, bool)))
    for vid in np.asarray(F.vacancy_ids)[plain.open_mask][:40]:
        a = plain.matcher.for_vacancy(vid, K)
        b = mk.matcher.for_vacancy(vid, K)
        assert sum(prio[x.seeker_id] for x in b) >= sum(prio[x.seeker_id] for x in a)
        summ = mk.matcher.for_vacancy_summary(vid, K)
        assert summ["priority_in_list"] >= summ["priority_in_list_without_model"]
        assert summ["outcome_model"]["sha256"] == mk.outcome["sha256"]


def test_a_model_from_another_engine_version_is_refused(world, tmp_path, capsys):
    d = tmp_path / "old"
    shutil.copytree(world["model_dir"], d)
    p = json.loads((d / "model.json").read_text(encoding="utf-8"))
    p["engine_version"] = "0.0.1"
    (d / "model.json").write_text(json.dumps(p), encoding="utf-8")
    with pytest.raises(ModelError, match=r"engine version 0\.0\.1.*learn it again"):
        build_market(world["files"]["seekers"], world["files"]["vacancies"], settings=SETTINGS, model=d)
    with pytest.raises(ModelError, match="No outcome model"):
        build_market(world["files"]["seekers"], world["files"]["vacancies"],
                     settings={**SETTINGS, "outcomes": {"model": str(tmp_path / "nowhere")}})
    from matcher.cli import main

    capsys.readouterr()
    code = main(["match", "--seekers", str(world["files"]["seekers"]), "--vacancies",
                 str(world["files"]["vacancies"]), "--settings", json.dumps(SETTINGS),
                 "--seeker", str(world["s"]["seeker_id"].iloc[0]), "--model", str(d)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code != 0 and "engine version 0.0.1" in text and "Traceback" not in text


def test_saved_market_carries_its_model_and_refuses_a_changed_one(world, tmp_path):
    folder = world["mk"].save(tmp_path / "market")
    assert (folder / "outcome_model" / "model.json").is_file()
    back = load_market(folder)
    assert isinstance(back.matcher, OutcomeMatcher) and back.outcome["sha256"] == world["mk"].outcome["sha256"]
    sid = world["s"]["seeker_id"].iloc[9]
    a, b = world["mk"].matcher.for_seeker(sid, K), back.matcher.for_seeker(sid, K)
    assert _ids(a) == _ids(b) and [x.score for x in a] == [x.score for x in b]
    plain_back = load_market(world["plain"].save(tmp_path / "plain"))
    assert plain_back.outcome is None and type(plain_back.matcher) is Matcher
    # `matcher match --market DIR --model M`: a model given at load time ranks the saved market
    given = load_market(tmp_path / "plain", model=world["model_dir"])
    assert isinstance(given.matcher, OutcomeMatcher) and given.settings.outcomes.model == str(world["model_dir"])
    assert [x.score for x in given.matcher.for_seeker(sid, K)] == [x.score for x in a]
    p = folder / "outcome_model" / "model.json"
    p.write_text(p.read_text(encoding="utf-8").replace('"weight"', '"weight" ', 1) + " ", encoding="utf-8")
    with pytest.raises(StaleMarketError, match="outcome_model/model.json"):
        load_market(folder)


def test_match_command_says_which_model_or_none(world, capsys):
    from matcher.cli import main

    def run(*extra):
        capsys.readouterr()
        code = main(args + list(extra))
        out = capsys.readouterr()
        assert code == 0, out.err
        return out.out, out.err

    args = ["match", "--seekers", str(world["files"]["seekers"]), "--vacancies", str(world["files"]["vacancies"]),
            "--settings", json.dumps(SETTINGS), "--seeker", str(world["s"]["seeker_id"].iloc[0]), "-k", "3"]
    assert NO_MODEL in run("--lang", "en")[0]
    assert all(rec["outcome_model"] is None for rec in json.loads(run("--json")[0]))
    out, err = run("--model", str(world["model_dir"]))
    assert "结果模型" in out and "180 天仍在岗约" in out and "outcomes.model" in err and "--model" in err
    recs = json.loads(run("--model", str(world["model_dir"]), "--json")[0])
    assert recs[0]["outcome_model"]["sha256"] == world["mk"].outcome["sha256"] and "outcome" in recs[0]["contributions"]


# ------------------------------------------------------------------ batch
def test_batch_with_a_model_writes_outcome_columns_and_records_the_model(world, tmp_path):
    from matcher.batch import BatchConfig, run_batch

    f = world["files"]
    cfg = dict(top_k=K, settings=SETTINGS, outcomes=f["outcomes"], model=world["model_dir"])
    rec = run_batch(BatchConfig(f["seekers"], f["vacancies"], tmp_path / "b1", **cfg))
    om = rec["outcome_model"]
    assert om["sha256"] == world["mk"].outcome["sha256"] and om["window"]["until"] == "2026-11-15"
    assert om["engine_version"] and om["path"].endswith("model.json") and rec["outcome_note"] is None
    assert rec["overrides"]["outcomes.model"]["from"] == "--model"
    run = json.loads((tmp_path / "b1" / "run.json").read_text(encoding="utf-8"))
    assert run["outcome_model"]["sha256"] == om["sha256"]
    sm = pd.read_parquet(tmp_path / "b1" / "seeker_matches.parquet")
    for c in ("c_outcome", "p_hire", "p_stay180", "expected_lasting_hire"):
        assert c in sm.columns
    parts = [c for c in sm.columns if c.startswith("c_")]
    assert np.allclose(sm[parts].sum(axis=1), sm["score"], atol=1e-5)
    # the batch ranks as a query on the market does (same pool, same key)
    sid = sm["seeker_id"].iloc[0]
    q = world["mk"].matcher.for_seeker(sid, K)
    assert sm.loc[sm["seeker_id"] == sid, "vacancy_id"].tolist() == _ids(q)
    # byte-identical rerun
    run_batch(BatchConfig(f["seekers"], f["vacancies"], tmp_path / "b2", **cfg))
    for name in ("seeker_matches.csv", "vacancy_matches.csv", "seeker_matches_capacity.csv"):
        assert (tmp_path / "b1" / name).read_bytes() == (tmp_path / "b2" / name).read_bytes(), name
    # the saved market keeps the model for `match --market`
    assert isinstance(load_market(tmp_path / "b1").matcher, OutcomeMatcher)
    # without a model: no outcome columns, and run.json says so
    rec0 = run_batch(BatchConfig(f["seekers"], f["vacancies"], tmp_path / "b0", top_k=K, settings=SETTINGS,
                                 outcomes=f["outcomes"]))
    assert rec0["outcome_model"] is None and rec0["outcome_note"] == NO_MODEL
    s0 = pd.read_parquet(tmp_path / "b0" / "seeker_matches.parquet")
    assert not {"c_outcome", "p_hire", "p_stay180"} & set(s0.columns)
    vm0 = pd.read_parquet(tmp_path / "b0" / "vacancy_matches.parquet")
    vm1 = pd.read_parquet(tmp_path / "b1" / "vacancy_matches.parquet")
    assert vm1.groupby("vacancy_id")["priority_group"].sum().reindex(
        vm0["vacancy_id"].unique(), fill_value=0).ge(vm0.groupby("vacancy_id")["priority_group"].sum()).all()


BATCH_FILES = [f"{stem}.{ext}" for stem in ("seeker_matches", "vacancy_matches", "seeker_matches_capacity",
                                             "vacancy_matches_capacity") for ext in ("parquet", "csv")] + [
    "rejects.csv", "warnings.csv"]


def _same_batch_files(a, b) -> None:
    for name in BATCH_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_dask_batch_with_a_model_gives_the_local_backend_s_files(world, tmp_path):
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    from matcher.batch import BatchConfig, run_batch
    from matcher.batch.backends import DaskBackend

    f = world["files"]
    cfg = dict(top_k=K, settings=SETTINGS, outcomes=f["outcomes"], model=world["model_dir"], block_size=60)
    rec_l = run_batch(BatchConfig(f["seekers"], f["vacancies"], tmp_path / "local", **cfg))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client, DaskBackend(client=client) as backend:
        rec_d = run_batch(BatchConfig(f["seekers"], f["vacancies"], tmp_path / "dask", backend="dask", **cfg),
                          backend=backend)
    assert rec_d["batch"]["backend"] == "dask" and rec_d["batch"]["workers"] == 2
    assert rec_d["outcome_model"] == rec_l["outcome_model"] and rec_d["outcome_model"]["sha256"]
    assert rec_d["counts"] == rec_l["counts"] and "outcome" in rec_d["timings_seconds"]
    _same_batch_files(tmp_path / "local", tmp_path / "dask")
    sm = pd.read_parquet(tmp_path / "dask" / "seeker_matches.parquet")
    assert sm["c_outcome"].gt(0).any() and sm["p_stay180"].between(0, 1).all()


def test_a_payload_with_a_model_survives_pickling_for_remote_workers(world):
    """Dask workers in other processes or hosts get the payload (matcher + its outcome model) pickled."""
    import pickle

    from matcher.batch.blocks import ScorePlan, outcome_task, score_task

    m = world["mk"].matcher
    F = m.features_
    plan = ScorePlan(np.argsort(F.seeker_id_rank).astype(np.int64), np.argsort(F.vacancy_id_rank).astype(np.int64),
                     K, 50, False, k_vac=50)
    there = pickle.loads(pickle.dumps((m, plan)))
    assert isinstance(there[0], OutcomeMatcher)
    a = np.repeat(np.arange(40), 5)
    b = np.tile(np.arange(5), 40) * 7 % F.n_vacancies
    here_o, there_o = outcome_task((m, plan), (a, b)), outcome_task(there, (a, b))
    for key in ("p_hire", "p_stay180", "risk"):
        np.testing.assert_array_equal(here_o[key], there_o[key])
    assert here_o["p_hire"].std() > 0
    np.testing.assert_array_equal(score_task((m, plan), (0, 40)).wide_cols, score_task(there, (0, 40)).wide_cols)


@pytest.mark.slow
def test_batch_command_with_dask_worker_processes_and_a_model(world, tmp_path):
    """`matcher batch --backend dask --workers 2 --model DIR`: its own LocalCluster of worker processes."""
    pytest.importorskip("distributed")
    from matcher.cli import main

    f = world["files"]
    (tmp_path / "settings.json").write_text(json.dumps(SETTINGS), encoding="utf-8")
    args = ["batch", "--seekers", str(f["seekers"]), "--vacancies", str(f["vacancies"]), "--outcomes",
            str(f["outcomes"]), "--settings", str(tmp_path / "settings.json"), "--top-k", str(K),
            "--block-size", "100", "--model", str(world["model_dir"]), "--no-market"]
    assert main(args + ["--out", str(tmp_path / "local")]) == 0
    assert main(args + ["--out", str(tmp_path / "dask"), "--backend", "dask", "--workers", "2"]) == 0
    run = json.loads((tmp_path / "dask" / "run.json").read_text(encoding="utf-8"))
    assert run["batch"]["backend"] == "dask" and run["outcome_model"]["sha256"] == world["mk"].outcome["sha256"]
    _same_batch_files(tmp_path / "local", tmp_path / "dask")


# ------------------------------------------------------------------ report
def test_kaplan_meier_handles_censoring_on_a_hand_built_log():
    from matcher.report.retention import kaplan_meier

    # departures on days 10, 20, 40; spells censored on days 20 and 200
    km = kaplan_meier(np.array([10, 20, 20, 40, 200]), np.array([True, False, True, True, False]))
    assert km["S"][30] == pytest.approx(0.8 * 0.75)          # day 20: 4 at risk (the censored one too), 1 left
    assert km["S"][90] == pytest.approx(0.6 * 0.5)           # day 40: 2 at risk, 1 left
    assert km["S"][180] == pytest.approx(0.3) and km["followed"][180] == 1
    only_short = kaplan_meier(np.array([5, 30]), np.array([False, False]))
    assert np.isnan(only_short["S"][180]) and only_short["S"][30] == 1.0   # never extrapolated


def test_report_section_renders_in_both_languages(world):
    from matcher.report.assemble import ReportOptions, build_report
    from matcher.report.render import render_html

    opts = ReportOptions(training_sample=0, charts=False)
    rep = build_report(world["plain"].matcher, opts, outcomes=world["events"])
    ret = rep["retention"]
    assert ret["n_spells"] > 50 and {"4045", "none"} <= set(ret["by_group"]["key"])
    assert 0 < ret["overall"]["stay_180"] < ret["overall"]["stay_90"] < ret["overall"]["stay_30"] <= 1
    assert set(ret["negotiate"]["lever"]) == {"wage", "shifts", "insurance"}
    assert len(ret["quick_posts"]) and all(r for r in ret["quick_posts"]["reasons"]) is not None
    zh, en = render_html(rep, "zh"), render_html(rep, "en")
    assert "就业不稳定" in zh and "可与单位协商的条件" in zh and "未使用结果模型" in zh
    assert "Unstable re-employment" in en and "What staff can negotiate" in en and "no outcome model in use" in en
    rep2 = build_report(world["mk"].matcher, opts)
    assert "retention" not in rep2 and rep2["meta"]["outcome_model"]["sha256"] == world["mk"].outcome["sha256"]
    assert "结果模型" in render_html(rep2, "zh")
