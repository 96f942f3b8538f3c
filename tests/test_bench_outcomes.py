"""Smoke run of benchmarks/outcomes.py: every figure is produced and the basic ones hold."""
from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.outcomes import main


def test_outcomes_benchmark_smoke(tmp_path) -> None:
    out = tmp_path / "outcomes.json"
    res = main(["--smoke", "--json", str(out)])
    assert json.loads(out.read_text(encoding="utf-8"))["smoke"] is True
    assert res["data"]["rejected_events"] == 0 and res["data"]["test_hires"] > 20
    names = list(res["ranking"])
    assert names[0] == "rule-based engine" and any(n.startswith("learned") for n in names)
    for r in res["ranking"].values():
        for k in ("recall@10 hires", "ndcg@10 hires", "recall@10 lasting", "ndcg@10 lasting"):
            assert 0.0 <= r[k] <= 1.0
    # the oracle ranks the same pool by the hidden truth: no ranking may beat it on the true figure
    oracle = res["ranking"]["oracle (hidden truth, same pool)"]["true expected lasting hires in top 10"]
    assert all(r["true expected lasting hires in top 10"] <= oracle + 1e-9 for r in res["ranking"].values())
    assert res["calibration"]["hire"]["brier"] < res["calibration"]["hire"]["brier_constant"]
    rel = res["calibration"]["stay180"]["reliability"]
    assert sum(r["n"] for r in rel) == res["calibration"]["stay180"]["n"]
    assert res["position_bias"]["log_rank_coefficient"] < 0
    # off-policy: exploration referrals of the test months judge every ranking (product route for the learned ones)
    ex = res["exploration"]
    assert ex["referrals"] > 0 and set(ex["rankings"]) == set(res["ranking"])
    assert all(0 <= r["referrals in top 10"] <= ex["referrals"] for r in ex["rankings"].values())
    assert res["config"]["route"].startswith("build_market")
    assert np.isfinite(res["priority_share"]["with model"]) and set(res["targets"]) >= {
        "recall@10 lasting ≥ 1.3 × rule-based", "Brier better than constant (hire)", "priority share not lower"}


def test_small_groups_are_reported_apart_with_an_interval_not_judged() -> None:
    from benchmarks.outcomes import GROUP_MIN_SEEKERS, group_figures, group_targets, wilson

    # 40 seekers without a group (recall 0.75), 30 rural migrants (0.7), 8 veterans (4 of 8 found: 0.5)
    groups = [["none"]] * 40 + [["rural_migrant"]] * 30 + [["veteran"]] * 8
    learn = np.r_[[1.0] * 30 + [0.0] * 10, [1.0] * 21 + [0.0] * 9, [1.0] * 4 + [0.0] * 4]
    rule = np.r_[[1.0] * 30 + [0.0] * 10, [1.0] * 21 + [0.0] * 9, [1.0] * 5 + [0.0] * 3]
    learn_nan = np.r_[learn, np.nan]                      # a seeker without a lasting hire has no recall
    pg = group_figures(groups + [["veteran"]], np.r_[rule, np.nan], learn_nan)
    overall = 55 / 78
    v = pg["veteran"]
    assert v["seekers"] == 8 < GROUP_MIN_SEEKERS and v["small"] and not pg["rural_migrant"]["small"]
    assert v["ratio to overall"] == pytest.approx(0.5 / overall)
    lo, hi = wilson(0.5, 8)
    assert (lo, hi) == pytest.approx((0.2152, 0.7848), abs=1e-3)           # the textbook Wilson interval
    assert v["ci95 ratio"] == pytest.approx([lo / overall, hi / overall])
    t = group_targets(pg)
    judged = next(x for k, x in t.items() if k.startswith("every priority group"))
    apart = next(x for k, x in t.items() if "reported separately" in k)
    assert judged["met"] is True and judged["group"] == "rural_migrant"    # 0.7 / 0.705 ≥ 0.9; veterans not judged
    assert apart["met"] is None and apart["group"] == "veteran" and apart["groups"]["veteran"]["ci95 reaches 0.9"]
    assert "none" not in {judged["group"], apart["group"]}
    # a large group below 0.9 × overall fails the target
    pg2 = group_figures(groups[:70] + [["veteran"]] * 30, np.zeros(100), np.r_[learn[:70], [0.2] * 30])
    assert next(x for k, x in group_targets(pg2).items() if k.startswith("every"))["met"] is False
    # no group large enough: the target is not judged (never "met" by default)
    pg3 = group_figures([["veteran"]] * 5 + [["none"]] * 5, np.ones(10), np.ones(10))
    assert next(x for k, x in group_targets(pg3).items() if k.startswith("every"))["met"] is None


def test_paired_ratio_interval_is_tight_when_rankings_share_their_hits() -> None:
    from benchmarks.outcomes import paired_ratio_ci

    rng = np.random.default_rng(3)
    base = (rng.random(60) < 0.4).astype(float)
    assert paired_ratio_ci(base, base) == [1.0, 1.0]                  # the same ranking: exactly 1
    assert paired_ratio_ci(2 * base, base) == pytest.approx([2.0, 2.0])
    # a ranking that finds the rules' hits plus 3 more: paired interval above 1, narrower than unpaired
    other = base.copy()
    other[np.flatnonzero(base == 0)[:3]] = 1.0
    lo, hi = paired_ratio_ci(other, base)
    assert 1.0 <= lo < (other.sum() / base.sum()) < hi
    shuffled = rng.permutation(other)                                  # same means, pairing broken
    ulo, uhi = paired_ratio_ci(shuffled, base)
    assert (hi - lo) < 0.5 * (uhi - ulo)
    assert all(np.isnan(paired_ratio_ci(np.ones(1), np.ones(1))))
