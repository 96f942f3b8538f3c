"""Unit tests of the batch's building blocks: top-k, capacity-aware lists, metrics, lock, swap."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from matcher.batch.atomic import BatchLockedError, OutputFolderError, RunFolder, RunLock, current_run
from matcher.batch.capacity import CapacitySettings, capacity_lists, congestion_metrics, exposure_caps, gini
from matcher.batch.topk import PAD, empty_top, merge_topk, topk_rows, topk_sparse


def brute_topk(s: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    cols, vals = [], []
    for row in s:
        order = sorted(range(len(row)), key=lambda j: (-row[j], j))[:k]
        cols.append(order)
        vals.append([row[j] for j in order])
    return np.array(cols), np.array(vals)


@pytest.mark.parametrize("k", [1, 3, 7, 12])
def test_topk_rows_matches_brute_force_with_heavy_ties(k: int) -> None:
    rng = np.random.default_rng(k)
    s = rng.integers(0, 4, size=(40, 12)).astype(float) / 4  # many ties at every cut
    s[3, :] = 0.5  # a row that is all ties
    cols, vals = topk_rows(s, k)
    bc, bv = brute_topk(s, k)
    np.testing.assert_array_equal(cols, bc)
    np.testing.assert_array_equal(vals, bv)


def test_topk_rows_treats_nan_as_unrankable() -> None:
    s = np.array([[np.nan, 0.2, 0.9, np.nan]])
    cols, vals = topk_rows(s, 3)
    assert cols[0, :2].tolist() == [2, 1]
    assert np.isneginf(vals[0, 2])


def test_merge_is_independent_of_block_order() -> None:
    rng = np.random.default_rng(0)
    s = np.round(rng.random((30, 50)) * 5) / 5
    full_c, full_v = topk_rows(s.T, 6)  # per column top-6 over all 30 rows
    acc = empty_top(50, 6)
    for start in (20, 0, 10):  # blocks in a scrambled order
        c, v = topk_rows(s[start:start + 10].T, 6)
        acc = merge_topk(acc[0], acc[1], c + start, v, 6)
    np.testing.assert_array_equal(acc[0], full_c)
    np.testing.assert_array_equal(acc[1], full_v)


def test_topk_sparse_matches_dense() -> None:
    rng = np.random.default_rng(1)
    s = np.round(rng.random((8, 9)) * 4) / 4
    r, c = np.nonzero(np.ones_like(s))
    cols, vals = topk_sparse(r, c, s.ravel(), 8, 4)
    dc, dv = topk_rows(s, 4)
    np.testing.assert_array_equal(cols, dc)
    np.testing.assert_array_equal(vals, dv)
    cols, vals = topk_sparse(np.array([0]), np.array([2]), np.array([0.3]), 2, 2)
    assert cols.tolist() == [[2, PAD], [PAD, PAD]] and np.isneginf(vals[1]).all()


def test_gini_hand_values() -> None:
    assert gini(np.array([1, 1, 1, 1])) == pytest.approx(0.0)
    assert gini(np.array([0, 0, 0, 4])) == pytest.approx(0.75)
    assert gini(np.array([0, 0])) == 0.0


def test_congestion_metrics_by_hand() -> None:
    # 3 seekers x 2 slots over 4 posts; post 0 gets 3 slots, post 1 two, post 2 one, post 3 none
    cols = np.array([[0, 1], [0, 2], [0, 1]])
    scores = np.array([[0.9, 0.8], [0.9, 0.5], [0.9, 0.7]])
    ref = np.array([[0.9, 0.9], [0.9, 0.9], [0.9, 0.9]])
    m = congestion_metrics(cols, scores, 4, ref)
    assert m["coverage"] == pytest.approx(0.75)
    assert m["top1pct_share"] == pytest.approx(3 / 6)
    assert m["gini_exposure"] == pytest.approx(gini(np.array([3, 2, 1, 0])), abs=1e-6)
    assert m["mean_score_loss"] == pytest.approx(np.mean([0.05, 0.2, 0.1]), abs=1e-6)
    assert m["slots"] == 6 and m["max_exposure"] == 3


def test_capacity_lists_respect_caps_and_spread_exposure() -> None:
    # 60 seekers all rank post 0 first; post 0 has 1 opening, the others 3 each
    n, posts, k = 60, 10, 2
    rng = np.random.default_rng(5)
    scores = np.sort(rng.uniform(0.4, 0.6, size=(n, posts)), axis=1)[:, ::-1].copy()
    scores[:, 0] = 0.95
    cols = np.tile(np.arange(posts), (n, 1))
    order = np.lexsort((cols, -scores), axis=-1)
    cols, scores = np.take_along_axis(cols, order, 1), np.take_along_axis(scores, order, 1)
    openings = np.array([1] + [3] * (posts - 1), float)
    res = capacity_lists(cols.astype(np.int32), scores, openings, k, CapacitySettings(alpha=1.2))
    expo = np.bincount(res.cols[res.cols >= 0], minlength=posts)
    assert (expo <= res.caps).all()
    assert res.caps[0] == exposure_caps(openings, n * k, 1.2)[0] == int(np.ceil(1.2 * 1 * 120 / 28))
    assert 1 <= expo[0] <= res.caps[0] < n  # everyone's favourite: from all 60 lists down to its cap
    assert res.price[0] > 0 and res.price[0] == res.price.max()
    pure = congestion_metrics(cols[:, :k], scores[:, :k], posts)
    capm = congestion_metrics(res.cols, res.scores, posts, scores[:, :k])
    assert capm["gini_exposure"] < pure["gini_exposure"]
    assert capm["coverage"] >= pure["coverage"]
    assert capm["mean_score_loss"] > 0
    # every listed post comes from the seeker's own candidates, at the recorded pure rank
    rows, slots = np.nonzero(res.cols >= 0)
    assert (cols[rows, res.source[rows, slots]] == res.cols[rows, slots]).all()


def test_capacity_lists_deterministic() -> None:
    rng = np.random.default_rng(9)
    scores = np.round(rng.random((50, 12)), 2)
    cols = np.tile(np.arange(12), (50, 1))
    o = np.lexsort((cols, -scores), axis=-1)
    cols, scores = np.take_along_axis(cols, o, 1).astype(np.int32), np.take_along_axis(scores, o, 1)
    openings = rng.integers(1, 5, 12).astype(float)
    a = capacity_lists(cols, scores, openings, 4)
    b = capacity_lists(cols.copy(), scores.copy(), openings.copy(), 4)
    np.testing.assert_array_equal(a.cols, b.cols)
    np.testing.assert_array_equal(a.adjusted, b.adjusted)


def test_capacity_settings_validation() -> None:
    from matcher.errors import SettingsError

    with pytest.raises(SettingsError, match="alpha"):
        CapacitySettings(alpha=0.5)
    with pytest.raises(SettingsError, match="tau"):
        CapacitySettings(tau=0)


# ------------------------------------------------------------------ lock / swap
def test_lock_refuses_second_holder(tmp_path) -> None:
    out = tmp_path / "nightly"
    with RunLock(out):
        info = json.loads((tmp_path / "nightly.lock").read_text())
        assert info["pid"] > 0
        with pytest.raises(BatchLockedError, match="Another batch run is writing"):
            RunLock(out).acquire()
    assert not (tmp_path / "nightly.lock").exists()
    with RunLock(out):  # free again
        pass


def test_stale_lock_from_dead_pid_is_taken_over(tmp_path) -> None:
    import socket

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "nightly.lock").write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(),
                                                       "started": "2024-01-01T02:00:00"}))
    msgs: list[str] = []
    with RunLock(tmp_path / "nightly", on_message=msgs.append):
        assert json.loads((tmp_path / "nightly.lock").read_text())["pid"] != dead.pid
    assert len(msgs) == 1 and f"pid {dead.pid}" in msgs[0] and "no longer running" in msgs[0]


def test_run_folder_swap_and_prune(tmp_path) -> None:
    out = tmp_path / "nightly"
    for i in range(3):
        f = RunFolder(out, f"2024010{i}", keep=1)
        d = f.stage()
        (d / "x.txt").write_text(str(i))
        f.commit()
        assert (out / "x.txt").read_text() == str(i)
        assert current_run(out) == (tmp_path / "nightly.runs" / f"2024010{i}").resolve()
    assert sorted(p.name for p in (tmp_path / "nightly.runs").iterdir()) == ["20240101", "20240102"]


def test_run_folder_refuses_plain_folder(tmp_path) -> None:
    out = tmp_path / "nightly"
    out.mkdir()
    (out / "precious.csv").write_text("x")
    with pytest.raises(OutputFolderError, match="plain folder"):
        RunFolder(out, "r1").stage()
    assert (out / "precious.csv").exists()
