"""Smoke run of the unit-speed benchmark (the timings the unit tests no longer assert) so it cannot rot."""
from benchmarks.unit_speed import LIMITS, main


def test_unit_speed_smoke(tmp_path):
    out = tmp_path / "u.json"
    res = main(["--smoke", "--json", str(out)])
    assert out.exists()
    assert [r["case"] for r in res["rows"]] == ["parse_dates_100k", "derive_groups_100k"]
    for r in res["rows"]:
        assert r["best_seconds"] > 0 and r["old_test_limit_seconds"] == LIMITS[r["case"]]
    assert res["machine"]["cores"]
