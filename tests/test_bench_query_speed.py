"""Smoke run of the query-speed benchmark so it cannot rot."""
from benchmarks.query_speed import main


def test_query_speed_smoke(tmp_path):
    out = tmp_path / "q.json"
    res = main(["--smoke", "--json", str(out)])
    assert out.exists()
    assert res["for_seeker_top20_ms"]["n"] == 10 and res["for_seeker_top20_ms"]["median"] > 0
    assert res["for_vacancy_top50_ms"]["n"] >= 1
