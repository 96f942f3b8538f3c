"""`matcher validate` end to end: the shipped sample data and bad files."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from matcher.cli import main
from matcher.io.loader import load_market

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="module")
def market():
    return load_market(SAMPLE / "seekers.csv", SAMPLE / "vacancies.csv", SAMPLE / "outcomes.csv")


def test_sample_counts_reconcile(market):
    for r in market.results():
        c = r.counts
        assert c["read"] == c["accepted"] + c["rejected"]
    assert market.seekers.counts["accepted"] == 3000
    assert market.vacancies.counts["accepted"] == 1000


def test_every_planted_row_is_reported_with_a_readable_reason(market):
    planted = pd.read_csv(SAMPLE / "planted_rows.csv", encoding="utf-8-sig")
    rej = market.rejects()
    warn = market.warnings()
    for p in planted.itertuples(index=False):
        pool = rej if p.kind == "reject" else warn
        hit = pool[(pool["file"] == p.file) & (pool["row"] == p.row)]
        assert len(hit), f"planted {p.kind} {p.file} row {p.row} ({p.reason}) not reported"
        assert all(len(r) > 20 for r in hit["reason"])  # a sentence, not a code
    # and nothing is rejected that was not planted
    planted_rejects = set(zip(planted.loc[planted.kind == "reject", "file"], planted.loc[planted.kind == "reject", "row"]))
    assert set(zip(rej["file"], rej["row"])) == planted_rejects


def test_gb18030_copy_loads_the_same(market):
    from matcher.io.loader import load_seekers

    gb = load_seekers(SAMPLE / "seekers_gb18030.csv")
    assert gb.encoding == "gb18030"
    assert gb.counts == market.seekers.counts
    assert list(gb.frame["seeker_id"]) == list(market.seekers.frame["seeker_id"])


def test_validate_command_writes_files(tmp_path, capsys):
    code = main(["validate", str(SAMPLE / "seekers.csv"), str(SAMPLE / "vacancies.csv"),
                 "--outcomes", str(SAMPLE / "outcomes.csv"), "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "seekers.csv" in out and "3004" in out and "rejected" in out
    rej = pd.read_csv(tmp_path / "rejects.csv", encoding="utf-8-sig")
    assert list(rej.columns) == ["file", "row", "column", "value", "reason"]
    assert len(rej) == 10
    assert (tmp_path / "warnings.csv").exists()


def test_unreadable_file_is_one_paragraph_and_nonzero_exit(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "matcher.cli", "validate", str(bad), str(SAMPLE / "vacancies.csv"),
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "bad.csv" in proc.stderr and "seeker_id" in proc.stderr


def test_missing_file_is_a_clear_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "matcher.cli", "validate", str(tmp_path / "none.csv"),
                           str(SAMPLE / "vacancies.csv")], capture_output=True, text=True)
    assert proc.returncode == 2 and "not found" in proc.stderr and "Traceback" not in proc.stderr
