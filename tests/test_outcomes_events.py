"""The outcome event log: order checks in the loader, referrals and censored job spells (hand-built logs)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.io.loader import load_outcomes
from matcher.outcomes.events import check_order, job_spells, referrals
from matcher.outcomes.model import HORIZON, _person_periods, fit_stay, ipcw_known, stay_probability


def log(rows: list[tuple]) -> pd.DataFrame:
    rows = [tuple(r) + ("",) * (5 - len(r)) for r in rows]
    f = pd.DataFrame(rows, columns=["seeker_id", "vacancy_id", "date", "outcome", "reason"])
    f["date"] = pd.to_datetime(f["date"])
    return f


def test_check_order_names_each_out_of_order_event() -> None:
    f = log([
        ("S1", "V1", "2026-01-10", "referred"),
        ("S1", "V1", "2026-01-05", "hired"),        # before the referral
        ("S2", "V1", "2026-02-01", "left"),         # left with no hire (left before hired)
        ("S2", "V1", "2026-02-03", "hired"),
        ("S3", "V2", "2026-01-01", "hired"),
        ("S3", "V2", "2026-03-01", "left"),
        ("S3", "V2", "2026-04-01", "employed"),     # follow-up after the person left
        ("S4", "V2", "2026-01-01", "employed"),     # follow-up without a hire
        ("S5", "V3", "2026-01-01", "hired"),
        ("S5", "V3", "2026-02-01", "hired"),        # second hire while still in the job
        ("S6", "V3", "2026-01-01", "hired"),
        ("S6", "V3", "2026-01-01", "left"),         # same day: hired comes first -> fine (0-day spell)
    ])
    bad = check_order(f)
    assert sorted(bad) == [1, 2, 6, 7, 9]
    assert "before the referral" in bad[1] and "2026-01-10" in bad[1]
    assert "without a hire" in bad[2]
    assert "after the person left on 2026-03-01" in bad[6]
    assert "without a hire" in bad[7]
    assert "still running" in bad[9]


def test_loader_rejects_out_of_order_rows_and_loses_nothing_else(tmp_path) -> None:
    p = tmp_path / "outcomes.csv"
    p.write_text(
        "求职者编号,岗位编号,日期,结果,原因,推荐位次,推荐列表,经办人\n"
        "S1,V1,2026-01-10,已推荐,,3,plain,zhangli\n"
        "S1,V1,2026-01-20,已录用,,,,zhangli\n"
        "S1,V1,2026-02-20,回访在岗,,,,zhangli\n"
        "S1,V1,2026-03-01,已离职,工资低,,,zhangli\n"
        "S1,V1,2026-03-05,employed,,,,zhangli\n"          # follow-up after left -> reject
        "S2,V1,2026-01-03,left,路远,,,wangfang\n"          # left before hired -> reject
        "S2,V1,2026-01-04,hired,,,,wangfang\n"
        "S3,V2,2026-01-04,referred,,第二位,search,wangfang\n"  # unreadable rank -> warning only
        "S3,V2,2026-01-09,rejected,,,,wangfang\n"
        "S4,V2,2026-01-09,hired,,,,wangfang\n", encoding="utf-8")
    r = load_outcomes(p, ["S1", "S2", "S3", "S4"], ["V1", "V2"])
    c = r.counts
    assert c["read"] == 10 == c["accepted"] + c["rejected"] and c["rejected"] == 2
    rej = r.rejects.set_index("row")
    assert list(rej.index) == [6, 7]
    assert rej.loc[6, "column"] == "outcome" and rej.loc[6, "value"] == "employed"
    assert "after the person left on 2026-03-01" in rej.loc[6, "reason"]
    assert rej.loc[7, "value"] == "left" and "without a hire" in rej.loc[7, "reason"]
    assert (rej["file"] == "outcomes.csv").all()
    fr = r.frame
    assert fr.loc[fr["outcome"] == "left", "reason"].tolist() == ["wage"]
    assert fr["rank_shown"].iloc[0] == 3 and pd.isna(fr.loc[fr["seeker_id"] == "S3", "rank_shown"]).all()
    assert list(r.warnings["column"]) == ["rank_shown"] and list(r.warnings["row"]) == [9]
    assert set(fr["outcome"]) <= {"referred", "hired", "employed", "left", "rejected"}


def test_job_spells_hand_built_log_with_censoring() -> None:
    f = log([
        ("A", "V1", "2026-01-01", "referred"),
        ("A", "V1", "2026-01-10", "hired"),
        ("A", "V1", "2026-02-09", "employed"),
        ("A", "V1", "2026-03-01", "left", "wage"),      # 50 days, ended
        ("B", "V1", "2026-01-01", "hired"),
        ("B", "V1", "2026-02-01", "employed"),           # still running: censored
        ("C", "V2", "2026-05-01", "hired"),
        ("C", "V2", "2026-07-01", "left", "commute"),    # after the cut date below
    ])
    s = job_spells(f, "2026-06-30").set_index("seeker_id")
    assert s.loc["A", "duration"] == 50 and s.loc["A", "left"] and not s.loc["A", "censored"]
    assert s.loc["A", "reason"] == "wage"
    # B: right-censored at the extraction date, never a stay or a departure
    assert s.loc["B", "censored"] and not s.loc["B", "left"]
    assert s.loc["B", "duration"] == (pd.Timestamp("2026-06-30") - pd.Timestamp("2026-01-01")).days
    assert s.loc["C", "left"] and s.loc["C", "duration"] == 61     # extraction date is only a default
    cut = job_spells(f, until="2026-06-01").set_index("seeker_id")
    assert cut.loc["C", "censored"] and cut.loc["C", "duration"] == 31     # the departure is not known yet
    last = job_spells(f, "2026-06-30", censor_at="last_contact").set_index("seeker_id")
    assert last.loc["B", "censored"] and last.loc["B", "duration"] == 31


def test_censored_spells_add_exposure_but_never_a_departure() -> None:
    X = np.zeros((3, 1))
    dur = np.array([20.0, 100.0, 45.0])
    left = np.array([True, False, False])
    P, per, expo, ev = _person_periods(X, dur, left)
    # spell 0 leaves in period 0; spell 1 is at risk in all three periods; spell 2 (censored at 45) in two
    assert list(per) == [0, 0, 0, 1, 1, 2]
    assert list(expo) == [20, 30, 30, 60, 15, 10]
    assert ev.sum() == 1 and ev[0] == 1
    known, stay, w = ipcw_known(dur, left)
    assert list(known) == [True, False, False]      # censored before 180 days: status unknown


def test_survival_fit_recovers_the_stay_chance_under_heavy_censoring() -> None:
    rng = np.random.default_rng(1)
    n = 6000
    x = rng.integers(0, 2, n).astype(float)
    rate = np.where(x == 1, 0.006, 0.0015)                      # constant daily hazards
    t = rng.exponential(1 / rate)
    c = rng.uniform(0, 300, n)                                  # extraction comes at random times
    dur, left = np.floor(np.minimum(t, c)), t <= c
    fit = fit_stay(((x - x.mean()) / x.std())[:, None], dur, left, alpha=0.0)
    z = (np.array([0.0, 1.0]) - x.mean()) / x.std()
    got = stay_probability(fit, z[:, None])
    truth = np.exp(-np.array([0.0015, 0.006]) * HORIZON)
    assert np.abs(got - truth).max() < 0.03
    # dropping the censored spells (a naive "known outcome" rate) is badly biased toward leaving
    naive = [(dur[(x == g) & (left | (dur >= HORIZON))] >= HORIZON).mean() for g in (0, 1)]
    err_naive = max(abs(naive[g] - truth[g]) for g in (0, 1))
    assert err_naive > 0.06 and err_naive > 3 * np.abs(got - truth).max()


def test_referrals_one_row_per_pair_with_rank_and_pending_left_out() -> None:
    f = log([
        ("A", "V1", "2026-01-01", "referred"), ("A", "V1", "2026-01-10", "hired"),
        ("B", "V1", "2026-01-01", "referred"), ("B", "V1", "2026-01-05", "rejected"),
        ("C", "V2", "2026-03-25", "referred"),            # 6 days old at the cut, no answer: pending
        ("D", "V2", "2026-01-01", "referred"),            # old and unanswered: not hired
    ])
    f["rank_shown"] = [2, np.nan, 7, np.nan, 1, np.nan]
    f["list_shown"] = ["plain", "", "capacity", "", "plain", "search"]
    r = referrals(f, until="2026-03-31").set_index("seeker_id")
    assert list(r.index) == ["A", "B", "D"]
    assert r.loc["A", "hired"] and not r.loc["B", "hired"] and not r.loc["D", "hired"]
    assert r.loc["A", "rank_shown"] == 2 and r.loc["B", "rank_shown"] == 7 and r.loc["B", "list_shown"] == "capacity"
    assert pd.isna(r.loc["D", "rank_shown"])


@pytest.mark.parametrize("outcome", ["employed", "回访在岗", "left", "已离职"])
def test_new_outcomes_are_recognised(tmp_path, outcome) -> None:
    p = tmp_path / "o.csv"
    p.write_text(f"seeker_id,vacancy_id,date,outcome\nS1,V1,2026-01-01,hired\nS1,V1,2026-02-01,{outcome}\n",
                 encoding="utf-8")
    r = load_outcomes(p)
    assert r.counts["accepted"] == 2 and r.frame["outcome"].iloc[1] in ("employed", "left")


def test_rerank_keeps_the_priority_floor_and_key_order() -> None:
    from matcher.outcomes.ranking import outcome_key, rerank

    score = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])          # engine order
    elh = np.array([0.0, 0.0, 0.5, 0.5, 0.8, 0.0])
    prio = np.array([True, False, False, False, False, True])
    key = outcome_key(score, elh, 1.0)
    np.testing.assert_allclose(key - score, elh)               # the outcome part is visible and adds up
    assert list(rerank(key, 3)) == [4, 2, 3]
    # the engine's top 3 held one priority seeker: the model may reorder but not drop below one
    got = rerank(key, 3, prio)
    assert int(prio[got].sum()) == 1 and list(got) == [4, 2, 0]
    assert list(rerank(key, 3, prio, floor=0)) == [4, 2, 3]
    assert list(rerank(elh, 2)) == [4, 2] and list(rerank(outcome_key(score, elh, by="elh"), 2)) == [4, 2]
