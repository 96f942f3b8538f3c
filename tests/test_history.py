"""The generator with history: a valid event log, censored spells, a position effect and truth kept apart."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.core import Matcher
from matcher.generate import generate_city, write_city
from matcher.history import HISTORY_COLUMNS, generate_history
from matcher.io.loader import load_outcomes, load_seekers, load_vacancies
from matcher.outcomes import job_spells


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("hist")
    city = generate_city(500, 150, seed=11, dirty=False)
    paths = write_city(city, out)
    s = load_seekers(paths["seekers"], city.as_of).frame
    v = load_vacancies(paths["vacancies"]).frame
    m = Matcher({"occupation": {"use_codes": False}}).fit(s, v)
    return city, m, out, s, v


def test_same_seed_same_log_and_truth_is_not_in_the_file(made) -> None:
    city, m, *_ = made
    h1 = generate_history(city, 8, matcher=m)
    h2 = generate_history(city, 8, matcher=m)
    pd.testing.assert_frame_equal(h1.events, h2.events)
    assert tuple(h1.events.columns) == HISTORY_COLUMNS
    assert not {"p_hire_top", "p_stay180", "duration"} & set(h1.events.columns)
    assert len(h1.truth) == h1.events["outcome"].isin(["referred", "已推荐"]).sum()


def test_log_loads_clean_and_spells_are_censored_at_the_extraction_date(made) -> None:
    city, m, out, s, v = made
    h = generate_history(city, 10, matcher=m)
    p = out / "clean.csv"
    h.events.to_csv(p, index=False)
    r = load_outcomes(p, s["seeker_id"], v["vacancy_id"])
    assert r.n_rejected == 0 and r.counts["accepted"] == len(h.events)
    sp = job_spells(r.frame, city.as_of)
    assert sp["censored"].any() and sp["left"].any()
    assert (sp.loc[sp["censored"], "end_on"] == pd.Timestamp(city.as_of)).all()
    assert r.frame["date"].max() <= pd.Timestamp(city.as_of)
    left = r.frame[r.frame["outcome"] == "left"]
    assert set(left["reason"]) <= {"wage", "commute", "shifts", "conditions", "health", "dismissed",
                                   "contract_end", "other"}
    ranks = r.frame.loc[r.frame["outcome"] == "referred", "rank_shown"]
    assert ranks.notna().mean() > 0.6 and ranks.dropna().between(1, 20).all()


def test_planted_out_of_order_events_are_exactly_the_loaders_rejects(made) -> None:
    city, m, out, s, v = made
    h = generate_history(city, 8, matcher=m, dirty=True)
    p = out / "dirty.csv"
    h.events.to_csv(p, index=False)
    r = load_outcomes(p, s["seeker_id"], v["vacancy_id"])
    assert sorted(r.rejects["row"]) == sorted(x["row"] for x in h.planted_rejects) and len(h.planted_rejects) == 3
    assert r.counts["read"] == len(h.events) == r.counts["accepted"] + r.counts["rejected"]


def test_position_effect_and_staying_drivers_are_in_the_truth(made) -> None:
    city, m, *_ = made
    t = generate_history(city, 12, matcher=m).truth
    shown = t[t["rank_shown"].notna()]
    top = shown[shown["rank_shown"] <= 2]
    low = shown[shown["rank_shown"] >= 10]
    # same propensity at the top of a list, lower chance once shown lower down
    assert (low["p_hire_shown"] / low["p_hire_top"]).mean() < 0.75 * (top["p_hire_shown"] / top["p_hire_top"]).mean()
    # things staff believe: each shortens jobs
    for term in ("t_wage_short", "t_long_commute", "t_shift_conflict", "t_no_insurance"):
        assert t.loc[t[term], "p_stay180"].mean() < t.loc[~t[term], "p_stay180"].mean()
    # 4045 workers mind a missing insurance more than others
    from matcher.history import HAZARD_TERMS
    assert HAZARD_TERMS["g4045_no_insurance"] > 0 and t["t_g4045_no_insurance"].any()


@pytest.mark.slow
def test_generate_command_writes_history(tmp_path) -> None:
    from matcher.cli import main

    assert main(["generate", "--seekers", "300", "--vacancies", "80", "--out", str(tmp_path), "--history", "6"]) == 0
    f = pd.read_csv(tmp_path / "outcomes.csv", dtype=str, keep_default_na=False)
    assert {"rank_shown", "list_shown", "staff", "reason"} <= set(f.columns)
    planted = pd.read_csv(tmp_path / "planted_rows.csv", dtype=str)
    assert (planted["file"] == "outcomes.csv").sum() == 3


def test_exploration_visits_draw_uniformly_from_the_pool_in_random_order(made) -> None:
    from matcher.history import EXPLORE_POOL

    city, m, *_ = made
    h0 = generate_history(city, 6, matcher=m)
    hx = generate_history(city, 6, matcher=m, explore=0.5)
    assert not h0.truth["explore"].any() and hx.params["explore"] == 0.5
    tx = hx.truth[hx.truth["explore"]]
    assert 0.3 < len(tx) / len(hx.truth) < 0.7 and (tx["list_shown"] == "plain").all()
    # the referred posts are in the seeker's best EXPLORE_POOL by score; the rank shown is their shuffled place
    wide, _ = m.top_k_block(np.arange(m.features_.n_seekers), EXPLORE_POOL)
    sp, vp = m._seeker_pos, m._vacancy_pos
    assert all(vp[v] in set(wide[sp[s]].tolist()) for s, v in zip(tx["seeker_id"], tx["vacancy_id"]))
    assert tx["rank_shown"].between(1, EXPLORE_POOL).all()
    # random order: the rank shown does not follow the engine's score (rank correlation near zero)
    place = np.array([list(wide[sp[s]]).index(vp[v]) for s, v in zip(tx["seeker_id"], tx["vacancy_id"])])
    assert abs(np.corrcoef(place, tx["rank_shown"])[0, 1]) < 0.2
    with pytest.raises(ValueError, match="explore"):
        generate_history(city, 2, matcher=m, explore=1.5)


@pytest.mark.slow
def test_generate_command_explore_share_is_in_the_written_log_and_zero_changes_nothing(tmp_path) -> None:
    from click.testing import CliRunner

    from matcher.commands.generate import command
    from matcher.history import EXPLORE_POOL, LIST_LENGTH

    base = ["--seekers", "400", "--vacancies", "100", "--seed", "3", "--history", "8", "--clean"]
    runs = {}
    for name, extra in (("none", []), ("zero", ["--explore", "0"]), ("half", ["--explore", "0.5"])):
        res = CliRunner().invoke(command, base + ["--out", str(tmp_path / name)] + extra)
        assert res.exit_code == 0, res.output
        runs[name] = res.output
    # --explore 0 writes exactly the log written without the flag
    assert (tmp_path / "zero" / "outcomes.csv").read_bytes() == (tmp_path / "none" / "outcomes.csv").read_bytes()
    assert "exploration visits 0 (0.0%)" in runs["zero"]

    def referred(name: str) -> pd.DataFrame:
        f = pd.read_csv(tmp_path / name / "outcomes.csv", dtype=str, keep_default_na=False)
        return f[f["outcome"].isin(["referred", "已推荐"])]

    ranks0 = pd.to_numeric(referred("none")["rank_shown"], errors="coerce")
    assert ranks0.dropna().between(1, LIST_LENGTH).all()
    # the written log is generate_history's with that share; its truth says which visits explored
    city = generate_city(400, 100, seed=3, dirty=False)
    h = generate_history(city, 8, explore=0.5)
    written = pd.read_csv(tmp_path / "half" / "outcomes.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(written, h.events.reset_index(drop=True), check_dtype=False)
    t = h.truth
    visits = t[["seeker_id", "referred_on"]].drop_duplicates()
    x_visits = t.loc[t["explore"], ["seeker_id", "referred_on"]].drop_duplicates()
    share = len(x_visits) / len(visits)
    assert abs(share - 0.5) < 4 * (0.25 / len(visits)) ** 0.5, share
    assert f"exploration visits {len(x_visits)} ({share:.1%})" in runs["half"]
    # visible in the log itself: staff lists stop at LIST_LENGTH, an exploration list's shuffled place is uniform
    # over EXPLORE_POOL, so (EXPLORE_POOL - LIST_LENGTH) / EXPLORE_POOL of exploration referrals sit below it
    n_x = int(t["explore"].sum())
    deep = int((pd.to_numeric(referred("half")["rank_shown"], errors="coerce") > LIST_LENGTH).sum())
    p = (EXPLORE_POOL - LIST_LENGTH) / EXPLORE_POOL
    assert n_x > 100 and abs(deep - p * n_x) < 4 * (n_x * p * (1 - p)) ** 0.5, (deep, n_x)


def test_generate_command_refuses_a_bad_explore_share(tmp_path) -> None:
    from click.testing import CliRunner

    from matcher.commands.generate import command

    base = ["--seekers", "20", "--vacancies", "5", "--out", str(tmp_path)]
    for bad in ("1.5", "-0.1", "abc", "nan", "150%"):
        res = CliRunner().invoke(command, base + ["--history", "2", "--explore", bad])
        assert res.exit_code == 2 and "a number from 0 to 1" in res.output and repr(bad) in res.output, res.output
    res = CliRunner().invoke(command, base + ["--explore", "0.3"])
    assert res.exit_code == 2 and "--explore needs --history" in res.output
    assert not (tmp_path / "outcomes.csv").exists()
    assert "exploration visits" in CliRunner().invoke(command, ["--help"]).output
