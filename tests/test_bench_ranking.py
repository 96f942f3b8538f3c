"""Smoke runs of the ranking benchmark and hand-checked metrics (benchmarks/metrics.py)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks import metrics as M
from benchmarks.baselines import TfidfAllCells, rapidfuzz_scores, row_documents
from benchmarks.ranking import format_table, load_set, main, run_benchmark
from benchmarks.run_all import replace_block, table_ranking
from matcher.errors import InputFileError

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".." / "shared" / "bench"


# --------------------------------------------------------------------------- metrics by hand

QRELS = {"q1": {"a": 2, "b": 1}, "q2": {"c": 1}, "q3": {"d": 1}}
RUN = {
    "q1": {"b": 3.0, "a": 2.0, "x": 1.0},  # relevant at ranks 1 (grade 1) and 2 (grade 2)
    "q2": {"x": 3.0, "y": 2.0, "c": 1.0},  # relevant at rank 3
    "q3": {"x": 1.0},                      # never retrieved
}


def test_hand_computed_metrics():
    got = M.evaluate_run(QRELS, RUN, k=10)
    # ndcg (ranx: gain = grade, discount log2(rank+1))
    dcg1 = 1 / math.log2(2) + 2 / math.log2(3)
    idcg1 = 2 / math.log2(2) + 1 / math.log2(3)
    ndcg = (dcg1 / idcg1 + (1 / math.log2(4)) / 1 + 0.0) / 3
    assert got["ndcg@10"] == pytest.approx(ndcg, abs=1e-9)
    assert got["mrr"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert got["recall@10"] == pytest.approx((1 + 1 + 0) / 3)
    # map@100: q1 (1/1 + 2/2)/2 = 1, q2 1/3, q3 0
    assert got["map@100"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    # top grade: only q1 has a grade-2 item, found at rank 2
    assert got["mrr-l2"] == pytest.approx(0.5)
    assert got["hit_rate@10-l2"] == pytest.approx(1.0)


def test_missing_query_counts_as_empty_and_per_query_values():
    per = M.evaluate_run(QRELS, {"q1": RUN["q1"]}, k=10, per_query=True)
    assert per["mrr"] == pytest.approx({"q1": 1.0, "q2": 0.0, "q3": 0.0})
    assert set(per["mrr-l2"]) == {"q1"}


def test_bad_input_raises():
    with pytest.raises(ValueError):
        M.evaluate_run({}, RUN)
    with pytest.raises(ValueError):
        M.compare_runs(QRELS, {"a": RUN}, reference="b")
    with pytest.raises(ValueError):
        M.compare_runs(QRELS, {"a": RUN, "b": RUN}, reference="a", stat_test="wilcoxon-ish")


def test_compare_detects_a_better_run():
    qrels = {f"q{i}": {"good": 1} for i in range(40)}
    good = {q: {"good": 2.0, "bad": 1.0} for q in qrels}
    bad = {q: {"bad": 2.0, "x": 1.5, "good": 1.0} for q in qrels}
    p = M.compare_runs(qrels, {"base": bad, "new": good}, reference="base")["new"]
    assert p["mrr"] < 0.001 and p["ndcg@10"] < 0.001
    # one query better, one worse: no evidence of a difference
    mixed = dict(good)
    mixed["q0"], mixed["q1"] = bad["q0"], {"good": 3.0}
    near = M.compare_runs(qrels, {"base": good, "new": mixed}, reference="base")["new"]
    assert near["mrr"] > 0.05


def test_run_from_matrix_orders_and_excludes():
    s = np.array([[0.1, 0.9, 0.5, -np.inf], [0.3, 0.3, 0.2, 0.1]])
    run = M.run_from_matrix(s, ["q1", "q2"], ["a", "b", "c", "d"], depth=2, exclude={"q1": ["b"]})
    assert list(run["q1"]) == ["c", "a"]
    assert list(run["q2"]) == ["a", "b"]  # tie broken by column order


def test_run_from_topk_skips_padding_and_keeps_order():
    idx = np.array([[2, 0, -1], [1, 1, 0]])
    sc = np.array([[0.5, 0.5, -np.inf], [0.9, 0.9, 0.1]])
    run = M.run_from_topk(idx, sc, ["q1", "q2"], ["a", "b", "c"], depth=5, exclude={"q2": ["a"]})
    assert list(run["q1"]) == ["c", "a"] and run["q1"]["c"] > run["q1"]["a"]
    assert list(run["q2"]) == ["b"]


# --------------------------------------------------------------------------- baselines


def test_tfidf_baseline_prefers_the_matching_row_and_ignores_ids():
    seekers = pd.DataFrame({"seeker_id": ["S1", "S2"], "skills": ["welding steel pipes", "cooking noodles"]})
    vacancies = pd.DataFrame({"vacancy_id": ["S1", "V2"], "title": ["cook", "welder"],
                              "required_skills": ["cooking", "welding pipes"]})
    assert row_documents(vacancies, "vacancy_id") == ["cook cooking", "welder welding pipes"]
    b = TfidfAllCells(analyzer="word").fit(seekers, vacancies)
    s = b.score_block(np.array([0, 1]))
    assert s[0, 1] > s[0, 0] and s[1, 0] > s[1, 1]


def test_rapidfuzz_baseline_shape_and_range():
    s = rapidfuzz_scores(["焊工 电焊", ""], ["电焊工", "保洁员", "焊工"])
    assert s.shape == (2, 3) and (s >= 0).all() and (s <= 1).all()
    assert s[0, 2] > s[0, 1] and (s[1] == 0).all()


# --------------------------------------------------------------------------- the benchmark itself


def test_load_set_errors(tmp_path):
    with pytest.raises(InputFileError):
        load_set(tmp_path / "nope")
    (tmp_path / "qrels.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputFileError):
        load_set(tmp_path)
    (tmp_path / "qrels.json").write_text(json.dumps({"S1": {"V1": 1}}), encoding="utf-8")
    with pytest.raises(InputFileError, match="seekers"):
        load_set(tmp_path)


def _check_result(res: dict, n: int) -> None:
    assert res["n_queries"] == n
    names = M.report_names(10)
    for who in ("engine", "baseline"):
        assert list(res[who]) == names
        for v in res[who].values():
            assert 0.0 <= v <= 1.0
    for m in names:
        assert 0.0 <= res["tests"]["p_values"][m] <= 1.0 or math.isnan(res["tests"]["p_values"][m])
    assert res["queries_missing"] == []
    assert "engine" in format_table(res)


@pytest.mark.parametrize("name", ["onet_dev", "esco_dev"])
def test_smoke_run_on_real_set(name, tmp_path):
    folder = BENCH / name
    if not folder.exists():
        pytest.skip(f"{folder} not available")
    out = tmp_path / "r.json"
    res = main(["--set", str(folder), "--smoke", "30", "--json", str(out)])
    _check_result(res, 30)
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["engine"] == res["engine"] and saved["set"] == f"{name}[smoke 30]"
    # the baseline on this subset ranks the judged items far above chance
    assert res["baseline"]["mrr"] > 0.3
    block, ok = replace_block("a\n<!-- BEGIN ranking -->\nold\n<!-- END ranking -->\nz",
                              "ranking", table_ranking({f"ranking_{name}": res}))
    assert ok and "old" not in block and "| engine |" in block


def test_any_set_folder_in_schema_format(tmp_path):
    """A tiny hand-made set with Chinese headers and an exclusion runs unchanged."""
    pd.DataFrame({
        "求职者编号": ["S1", "S2"], "技能": ["电焊；氩弧焊", "做饭、炒菜"], "工作经历": ["电焊工:5", "厨师:3"],
        "学历": ["初中", "高中"],
    }).to_csv(tmp_path / "seekers.csv", index=False)
    pd.DataFrame({
        "岗位编号": ["V1", "V2", "V3", "V4"], "岗位名称": ["电焊工", "厨师", "焊工学徒", "保洁员"],
        "技能要求": ["电焊", "炒菜", "电焊；氩弧焊", "打扫卫生"], "招聘人数": [1, 2, 1, 3],
    }).to_csv(tmp_path / "vacancies.csv", index=False)
    (tmp_path / "qrels.json").write_text(json.dumps({"S1": {"V1": 2, "V3": 1}, "S2": {"V2": 2}}), encoding="utf-8")
    (tmp_path / "exclude.json").write_text(json.dumps({"S1": ["V3"]}), encoding="utf-8")
    res = run_benchmark(tmp_path)
    assert res["n_queries"] == 2 and res["n_vacancies"] == 4
    assert res["engine"]["mrr"] == pytest.approx(1.0)  # both seekers: their own trade first


def test_run_all_skips_a_missing_module(monkeypatch, tmp_path, capsys):
    import benchmarks.run_all as ra

    monkeypatch.setattr(ra, "_jobs", lambda quick: [("ghost", "no_such_benchmark", [])])
    status = ra.run_jobs(None, True, tmp_path)
    assert status == {"ghost": {"status": "missing"}}
    assert "no_such_benchmark.py does not exist" in capsys.readouterr().out
    assert ra.rewrite_readme(tmp_path / "README.md", {}) == []  # no README: nothing written
    assert not (tmp_path / "README.md").exists()
