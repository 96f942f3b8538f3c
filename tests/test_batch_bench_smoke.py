"""Smoke run of benchmarks/batch_speed.py so the benchmark cannot silently rot."""
from __future__ import annotations

import json

from benchmarks.batch_speed import main


def test_batch_speed_smoke(tmp_path) -> None:
    out = tmp_path / "bench.json"
    res = main(["--smoke", "--json", str(out), "--settings", '{"occupation": {"use_codes": false}}'])
    assert json.loads(out.read_text(encoding="utf-8")) == res
    row = res["scaling"][0]
    assert row["seekers"] == 300 and row["wall_seconds"] > 0 and row["peak_rss_gb"] > 0
    assert {"load", "fit", "score", "capacity", "explain", "write"} <= set(row["timings_seconds"])
    assert row["pairs_scored"] == 300 * row["open_vacancies"]
    naive = res["naive"]
    # the generated files hold a few deliberately bad rows, which the naive script does not drop
    assert naive["naive"]["pairs"] >= 300 * 100 and naive["naive"]["rows"] >= 300 * 5
    assert naive["ratio_naive_over_batch"] > 0
