"""Smoke run of the saved-market query benchmark (refit per call vs --market) so it cannot rot."""
from benchmarks.market_query import main


def test_market_query_smoke(tmp_path):
    out = tmp_path / "mq.json"
    res = main(["--smoke", "--json", str(out)])
    assert out.exists()
    assert res["calls"] == 1 and res["answers_identical"]
    assert res["counts"]["seekers"] == 300 and res["counts"]["open_vacancies"] <= 100
    assert res["refit_per_call_seconds"] > 0 and res["saved_market_call_seconds"] > 0
    assert res["saved_market_call_cpu_seconds"] > 0
