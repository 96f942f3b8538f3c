"""The README tables `make bench` rewrites: built from the committed results, curated text kept."""
from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks import run_all

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def test_custom_tables_show_the_measured_figures():
    res = run_all.load_results(RESULTS)
    web = run_all.table_web_load(res)
    assert web is not None
    p95 = f"{res['web_load']['p95_ms']:.0f}"
    assert f"/ {p95} /" in web and "no nightly batch" in web
    report = run_all.table_report_speed(res)
    assert report is not None and f"{res['report_speed']['unmatched']:,} seekers" in report
    batch = run_all.table_batch_speed(res)
    assert batch is not None
    assert batch.count("\n| `batch_speed") == sum(
        len(r.get("scaling", [])) + bool(r.get("small")) for k, r in res.items() if k.startswith("batch_speed"))
    assert run_all.table_web_load({}) is None and run_all.table_batch_speed({}) is None


def test_rewrite_is_idempotent_and_keeps_text_outside_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "benchmarks" / "README.md", readme)
    res = run_all.load_results(RESULTS)
    run_all.rewrite_readme(readme, res)
    once = readme.read_text(encoding="utf-8")
    run_all.rewrite_readme(readme, res)
    assert readme.read_text(encoding="utf-8") == once
    # the curated notes after the generated tables survive a rewrite
    assert "Target p95 < 300 ms" in once and "Naive approach a user might write" in once


def test_curated_blocks_survive_and_only_limits_the_rewrite(tmp_path):
    """The outcomes block is written by hand (two seeds side by side) and must not become a generic
    dump of outcomes.json; ``only`` rewrites just the named blocks."""
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "benchmarks" / "README.md", readme)
    before = readme.read_text(encoding="utf-8")
    res = run_all.load_results(RESULTS)
    assert "outcomes" in res
    done = run_all.rewrite_readme(readme, res)
    assert "outcomes" not in done
    block = lambda t, n: t.split(f"<!-- BEGIN {n} -->")[1].split(f"<!-- END {n} -->")[0]  # noqa: E731
    assert block(readme.read_text(encoding="utf-8"), "outcomes") == block(before, "outcomes")
    shutil.copy(ROOT / "benchmarks" / "README.md", readme)
    assert run_all.rewrite_readme(readme, res, only=["web_load"]) == ["machine", "web_load"]
