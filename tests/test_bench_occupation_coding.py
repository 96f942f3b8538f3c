"""Smoke run of benchmarks/occupation_coding.py on 200 development titles."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import occupation_coding
from benchmarks.occupation_coding import METRICS, evaluate

TITLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "csco22" / "titles_dev.csv"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "vacancies.csv"


def test_evaluate_hand_computed() -> None:
    predicted = [
        ["6-18-02-04", "6-18-02-01"],  # hit at rank 1
        ["6-18-02-01", "6-18-02-04"],  # hit at rank 2; same minor group at rank 1
        ["4-07-05-01"],  # miss everywhere
    ]
    expected = ["6-18-02-04", "6-18-02-04", "6-18-02-04"]
    got = evaluate(predicted, expected)
    assert got["top1"] == pytest.approx(1 / 3)
    assert got["recall@5"] == pytest.approx(2 / 3)
    assert got["mrr"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert got["minor_top1"] == pytest.approx(2 / 3)
    assert got["minor_mrr"] == pytest.approx(2 / 3)


@pytest.mark.skipif(not TITLES.is_file(), reason="../shared/data is not available")
def test_smoke_run_writes_json_and_beats_wratio(tmp_path: Path) -> None:
    out = tmp_path / "occ.json"
    occupation_coding.main(["--titles", str(TITLES), "--smoke", "200", "--json", str(out), "--sample", str(SAMPLE)])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["n"] == 200
    assert set(data) >= {"engine", "baselines", "n", "seconds"}
    assert set(data["baselines"]) == {"wratio_names", "tfidf_char13_name_alias"}
    engine = data["engine"]
    assert engine["cross_validated"] is True and engine["folds"] == 2
    for block in [engine, *data["baselines"].values()]:
        for metric in METRICS:
            assert 0.0 <= block[metric] <= 1.0
        assert block["top1"] <= block["recall@5"]
    assert engine["code_10k_seconds"] > 0 and engine["fit_seconds"] > 0
    assert engine["top1"] > data["baselines"]["wratio_names"]["top1"] + 0.1
    assert engine["recall@5"] > data["baselines"]["wratio_names"]["recall@5"]
    office = engine["confident_or_ask"]["office_rule"]
    assert set(office) >= {"min_count", "precision", "rows"}
    sample = data["sample"]
    assert sample["posts"] == sample["given"] + sample["auto_coded"] + sample["to_review"]
    assert sample["auto_coded"] == sample["auto_office"] + sample["auto_model"]
    # the office's own coded posts only add codes: never fewer posts coded than the model alone
    assert sample["share_with_code"] >= sample["model_only_share_with_code"]
    assert sample["auto_office"] > 0
    # checks against the file's own codes are reported and are fractions
    assert 0.0 <= sample["model_auto_on_coded_posts"]["agreement"] <= 1.0
    assert set(sample["office_rule_on_coded_posts"]["rows"]) == {"1", "2", "3"}
