"""End-to-end tests of ``matcher batch``: files, run.json, determinism, crash safety, lock, dask."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matcher.batch import BatchConfig, run_batch
from matcher.batch.atomic import BatchLockedError, RunLock, current_run

ROOT = Path(__file__).resolve().parents[1]
MATCH_FILES = [f"{stem}.{ext}" for stem in ("seeker_matches", "vacancy_matches", "seeker_matches_capacity",
                                             "vacancy_matches_capacity") for ext in ("parquet", "csv")]
SETTINGS = {"occupation": {"use_codes": False}, "reference_date": "2024-06-01"}
TOP_K = 5


def digest(folder: Path) -> dict[str, str]:
    return {f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in MATCH_FILES + ["rejects.csv",
                                                                                             "warnings.csv"]}


@pytest.fixture(scope="module")
def market(tmp_path_factory) -> dict[str, Path]:
    from matcher.generate import generate_city, write_city

    return write_city(generate_city(200, 80, seed=11), tmp_path_factory.mktemp("market"))


@pytest.fixture(scope="module")
def baseline(market, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("runs") / "nightly"
    rec = run_batch(BatchConfig(market["seekers"], market["vacancies"], out, top_k=TOP_K, settings=SETTINGS))
    return out, rec


def test_files_and_columns(baseline) -> None:
    out, _rec = baseline
    for f in MATCH_FILES + ["rejects.csv", "warnings.csv", "run.json"]:
        assert (out / f).is_file(), f
    sm = pd.read_parquet(out / "seeker_matches.parquet")
    dims = [c for c in sm.columns if c.startswith("c_")]
    assert dims[:6] == ["c_skills", "c_occupation", "c_education", "c_wage", "c_place", "c_conditions"]
    assert list(sm.columns[:4]) == ["seeker_id", "rank", "vacancy_id", "score"]
    # contributions add up to the score (both rounded to 6 decimals)
    assert np.allclose(sm[dims].sum(axis=1), sm["score"], atol=1e-5)
    assert (sm.groupby("seeker_id")["rank"].max() == TOP_K).all()
    assert (sm.groupby("seeker_id")["score"].apply(lambda s: s.is_monotonic_decreasing)).all()
    assert sm["reason"].str.len().gt(0).mean() > 0.9
    vm = pd.read_parquet(out / "vacancy_matches.parquet")
    assert {"vacancy_id", "rank", "seeker_id", "score", "priority_group", "priority_groups", "feasible"} <= set(vm.columns)
    csv = pd.read_csv(out / "seeker_matches.csv", encoding="utf-8-sig", dtype={"seeker_id": str, "vacancy_id": str})
    assert list(csv.columns) == list(sm.columns) and len(csv) == len(sm)


def test_seeker_lists_equal_core_ranking(baseline, market) -> None:
    """The batch's exhaustive lists are the core's own top-k (score desc, id asc)."""
    from matcher.core import Matcher
    from matcher.io.loader import load_seekers, load_vacancies

    out, _ = baseline
    m = Matcher(SETTINGS).fit(load_seekers(market["seekers"]).frame, load_vacancies(market["vacancies"]).frame)
    idx, sc = m.top_k_block(np.arange(len(m.seekers_)), TOP_K, blocking=False)
    sm = pd.read_parquet(out / "seeker_matches.parquet")
    got = sm.groupby("seeker_id")["vacancy_id"].apply(list).to_dict()
    vids = m.vacancies_["vacancy_id"].astype(str).to_numpy()
    for i, sid in enumerate(m.seekers_["seeker_id"].astype(str)):
        assert got[sid] == [vids[j] for j in idx[i] if j >= 0]


def test_blocking_lists_never_beat_exhaustive(baseline, market, tmp_path) -> None:
    out, _ = baseline
    rec = run_batch(BatchConfig(market["seekers"], market["vacancies"], tmp_path / "b", top_k=TOP_K,
                                settings=SETTINGS, blocking=True))
    assert rec["batch"]["blocking"] is True
    assert rec["counts"]["pairs_scored"] <= rec["counts"]["pairs_possible"]
    ex = pd.read_parquet(out / "seeker_matches.parquet").set_index(["seeker_id", "rank"])["score"]
    bl = pd.read_parquet(tmp_path / "b" / "seeker_matches.parquet").set_index(["seeker_id", "rank"])["score"]
    assert (bl <= ex.reindex(bl.index) + 1e-9).all()
    assert (bl == ex.reindex(bl.index)).mean() > 0.8


def test_run_json_content(baseline, market) -> None:
    out, rec = baseline
    on_disk = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert on_disk["run_id"] == rec["run_id"]
    import matcher

    assert on_disk["engine_version"] == matcher.__version__
    seekers = on_disk["inputs"]["seekers"]
    assert seekers["sha256"] == hashlib.sha256(market["seekers"].read_bytes()).hexdigest()
    assert seekers["counts"]["read"] == seekers["counts"]["accepted"] + seekers["counts"]["rejected"]
    assert on_disk["settings"]["occupation"]["use_codes"] is False
    assert {"load", "fit", "score", "capacity", "explain", "write"} <= set(on_disk["timings_seconds"])
    c = on_disk["counts"]
    sm = pd.read_parquet(out / "seeker_matches.parquet")
    best = sm[sm["rank"] == 1].set_index("seeker_id")["score"]
    assert c["seekers_without_feasible_match"] == int((best < on_disk["batch"]["feasible_threshold"]).sum())
    assert on_disk["batch"]["feasible_threshold"] == 0.5
    assert set(c["seekers_without_feasible_match_by_group"]) >= {"4045", "rural_migrant"}
    for variant in ("pure", "capacity"):
        g = on_disk["congestion"][variant]
        assert {"coverage", "gini_exposure", "top1pct_share", "mean_score_loss"} <= set(g)
        assert 0 <= g["coverage"] <= 1 and 0 <= g["gini_exposure"] <= 1
    assert on_disk["congestion"]["pure"]["mean_score_loss"] == 0
    assert on_disk["files"]["seeker_matches.parquet"]["sha256"] == digest(out)["seeker_matches.parquet"]


def test_capacity_lists_respect_bounds(baseline, market) -> None:
    from matcher.io.loader import load_vacancies

    out, rec = baseline
    capl = pd.read_parquet(out / "seeker_matches_capacity.parquet")
    pure = pd.read_parquet(out / "seeker_matches.parquet")
    vac = load_vacancies(market["vacancies"]).frame.set_index("vacancy_id")
    open_ids = pd.read_parquet(out / "vacancy_matches.parquet")["vacancy_id"].unique()
    openings = vac.loc[open_ids, "openings"].astype(float)
    alpha = rec["batch"]["capacity"]["alpha"]
    slots = len(pure)
    caps = np.ceil(alpha * openings * slots / openings.sum() - 1e-9)
    expo = capl["vacancy_id"].value_counts().reindex(open_ids, fill_value=0)
    assert (expo <= caps.reindex(expo.index)).all()
    pure_expo = pure["vacancy_id"].value_counts()
    assert (pure_expo > caps.reindex(pure_expo.index)).any(), "market too small: no post was congested"
    # every capacity recommendation is one of the seeker's own candidates, never a duplicate
    assert not capl.duplicated(["seeker_id", "vacancy_id"]).any()
    assert capl.groupby("seeker_id")["rank"].max().le(TOP_K).all()
    g = rec["congestion"]
    assert g["capacity"]["gini_exposure_per_opening"] < g["pure"]["gini_exposure_per_opening"]
    assert g["capacity"]["coverage"] >= g["pure"]["coverage"]
    # the vacancy view of the capacity lists holds the same pairs
    vcap = pd.read_parquet(out / "vacancy_matches_capacity.parquet")
    assert set(zip(vcap.seeker_id, vcap.vacancy_id)) == set(zip(capl.seeker_id, capl.vacancy_id))


def test_determinism_identical_bytes(baseline, market, tmp_path) -> None:
    out, _ = baseline
    other = tmp_path / "again"
    run_batch(BatchConfig(market["seekers"], market["vacancies"], other, top_k=TOP_K, settings=SETTINGS,
                          block_size=37, workers=2))  # other blocks, two threads: same bytes
    assert digest(other) == digest(out)


def test_second_run_refused_while_locked(market, tmp_path) -> None:
    out = tmp_path / "nightly"
    with RunLock(out):
        with pytest.raises(BatchLockedError, match="refusing to start a second one"):
            run_batch(BatchConfig(market["seekers"], market["vacancies"], out, top_k=TOP_K, settings=SETTINGS))
    assert not out.exists()


def _spawn(market: dict, out: Path, pause: str, top_k: int) -> subprocess.Popen:
    env = dict(os.environ, MATCHER_BATCH_PAUSE_AFTER=pause, PYTHONPATH=str(ROOT))
    code = "import sys; from matcher.commands.batch import command; command.main(sys.argv[1:])"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--seekers", str(market["seekers"]), "--vacancies", str(market["vacancies"]),
         "--out", str(out), "--top-k", str(top_k), "--settings", json.dumps(SETTINGS)],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT)


@pytest.mark.parametrize("pause", ["write", "staged"])
def test_killed_run_leaves_previous_results_intact(baseline, market, tmp_path, pause) -> None:
    src, _ = baseline
    out = tmp_path / "nightly"
    # a copy of yesterday's complete results, in the batch's own layout
    import shutil

    shutil.copytree(current_run(src), tmp_path / "nightly.runs" / "yesterday")
    os.symlink(Path("nightly.runs") / "yesterday", out)
    before = digest(out)
    proc = _spawn(market, out, pause, top_k=3)
    deadline = time.time() + 90
    seen = ""
    while time.time() < deadline:
        line = proc.stderr.readline()
        seen += line
        if f"paused after {pause}" in line or (not line and proc.poll() is not None):
            break
    assert f"paused after {pause}" in seen, seen[-2000:]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert digest(out) == before
    assert current_run(out).name == "yesterday"
    assert len(pd.read_parquet(out / "seeker_matches.parquet")) > 0
    assert (tmp_path / "nightly.lock").exists()  # left behind by the killed run
    if pause != "write":
        return
    # the next run takes over the stale lock, clears the half-written folder and publishes new results
    assert list((tmp_path / "nightly.runs").glob(".tmp-*"))
    msgs: list[str] = []
    from matcher.batch.progress import Progress

    class Capture(Progress):
        def line(self, text: str) -> None:
            msgs.append(text)

    run_batch(BatchConfig(market["seekers"], market["vacancies"], out, top_k=3, settings=SETTINGS),
              progress=Capture(tty=False))
    assert any("stale lock" in m for m in msgs)
    assert pd.read_parquet(out / "seeker_matches.parquet")["rank"].max() == 3
    assert not list((tmp_path / "nightly.runs").glob(".tmp-*"))
    assert all(not m.count("S0") for m in msgs), "ids must not appear in logs"


def test_dask_backend_gives_identical_files(baseline, market, tmp_path) -> None:
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    from matcher.batch.backends import DaskBackend

    out, _ = baseline
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        with DaskBackend(client=client) as backend:
            rec = run_batch(BatchConfig(market["seekers"], market["vacancies"], tmp_path / "d", top_k=TOP_K,
                                        settings=SETTINGS, block_size=50), backend=backend)
    assert rec["batch"]["backend"] == "dask" and rec["batch"]["workers"] == 2
    assert digest(tmp_path / "d") == digest(out)


def test_payload_survives_pickling_for_remote_workers(market) -> None:
    """Workers in other processes/hosts get the payload pickled: same block result after a round trip."""
    import pickle

    from matcher.batch.blocks import ScorePlan, score_task
    from matcher.core import Matcher
    from matcher.io.loader import load_seekers, load_vacancies

    m = Matcher(SETTINGS).fit(load_seekers(market["seekers"]).frame, load_vacancies(market["vacancies"]).frame)
    F = m.features_
    plan = ScorePlan(np.argsort(F.seeker_id_rank).astype(np.int64), np.argsort(F.vacancy_id_rank).astype(np.int64),
                     TOP_K, 3 * TOP_K, False)
    here = score_task((m, plan), (0, 60))
    there = score_task(pickle.loads(pickle.dumps((m, plan))), (0, 60))
    np.testing.assert_array_equal(here.wide_cols, there.wide_cols)
    np.testing.assert_array_equal(here.vac_vals, there.vac_vals)


def test_missing_input_is_a_clear_error(tmp_path) -> None:
    from matcher.errors import InputFileError

    with pytest.raises(InputFileError, match="does not exist"):
        run_batch(BatchConfig(tmp_path / "nope.csv", tmp_path / "nope2.csv", tmp_path / "o", settings=SETTINGS))
    assert not (tmp_path / "o").exists() and not (tmp_path / "o.lock").exists()
