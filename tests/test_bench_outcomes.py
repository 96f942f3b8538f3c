"""Smoke run of benchmarks/outcomes.py: every figure is produced and the basic ones hold."""
from __future__ import annotations

import json

import numpy as np

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
