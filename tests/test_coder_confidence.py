"""Offline semantics, calibrated confidence and the auto/review decision of the coder."""
from __future__ import annotations

import json
import socket

import numpy as np
import pandas as pd
import pytest

from matcher.errors import InputFileError
from matcher.occupations import semantics
from matcher.occupations.coder import OccupationCoder, default_coder
from matcher.occupations.confidence import (FEATURES, Calibration, calibrate, coverage_precision,
                                            load_calibration, threshold_for_precision)


@pytest.fixture(scope="module")
def coder() -> OccupationCoder:
    return default_coder()


# ---- vendored semantics ------------------------------------------------------------------
def test_semantics_load_from_the_package_without_pickle():
    sem = semantics.load_semantics()
    assert sem.vectors.shape == (len(sem.words), semantics.DIM)
    assert len(sem.words) > 100_000 and len(sem.sets) > 20_000
    norms = np.linalg.norm(sem.vectors[:1000], axis=1)
    assert np.allclose(norms, 1.0, atol=1e-2)


@pytest.mark.parametrize("word, near", [("焊工", "电焊工"), ("厨师", "主厨"), ("保洁", "保洁员"), ("仓库", "库房")])
def test_word_vectors_carry_meaning(word, near):
    sem = semantics.load_semantics()
    v = sem.vectors
    sims = v @ v[sem.index[word]]
    rank = int((sims > sims[sem.index[near]]).sum())
    assert rank <= 10, f"{near} is only the {rank}th neighbour of {word}"
    assert sims[sem.index[near]] > np.median(sims) + 0.3


def test_segmentation_and_synonyms():
    assert semantics.segment("开叉车的") == ["开", "叉车", "的"]
    assert semantics.segment("烧烤师傅 8k") == ["烧烤", "师傅"]
    assert "铲车" in semantics.synonyms("叉车")
    assert semantics.text_vector("").sum() == 0


def test_coder_runs_with_the_network_disabled(monkeypatch):
    """Nothing is downloaded at run time: fit and code with sockets refused."""
    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    semantics.load_semantics.cache_clear()
    load_calibration.cache_clear()
    train = pd.DataFrame({"job_name": ["电焊工", "烧电焊", "叉车工", "保洁阿姨"],
                          "expected_code": ["6-18-02-04", "6-18-02-04", "6-30-05-01", "4-09-08-01"]})
    c = OccupationCoder().fit(train)
    out = c.code(["焊工师傅"])
    assert out[0].code == "6-18-02-04"


# ---- calibration -------------------------------------------------------------------------
def test_shipped_calibration_is_computed_not_placeholder():
    cal = load_calibration()
    assert cal.features == FEATURES
    assert 0.0 < cal.threshold < 1.0
    assert cal.target_precision == 0.9
    info = cal.info
    assert info["n"] > 2000 and "titles_train.csv" in info["computed_from"]
    assert info["auto_precision"] >= 0.9 and info["auto_coverage"] > 0.3
    curve = info["curve"]
    precisions = [p["precision"] for p in curve]
    assert precisions[0] > precisions[-1]                       # confident titles are right more often
    assert abs(curve[-1]["precision"] - info["top1"]) < 1e-3    # full coverage = plain top-1


def test_threshold_for_precision_picks_maximum_coverage():
    rng = np.random.default_rng(0)
    prob = rng.random(1000)
    correct = rng.random(1000) < prob      # calibrated by construction
    thr, cov, prec = threshold_for_precision(prob, correct, 0.9)
    assert prec >= 0.9
    auto = prob >= thr
    assert abs(auto.mean() - cov) < 1e-9 and correct[auto].mean() >= 0.9
    # any lower cut-off among the observed probabilities breaks the target
    lower = np.sort(prob[prob < thr])[-5:]
    for t in lower:
        assert correct[prob >= t].mean() < 0.9 or (prob >= t).sum() < 50


def test_calibrate_learns_from_informative_features():
    rng = np.random.default_rng(1)
    n = 3000
    x = rng.normal(size=(n, len(FEATURES)))
    correct = rng.random(n) < 1 / (1 + np.exp(-3 * x[:, 1]))   # only the margin matters
    cal, oof = calibrate(x, correct)
    assert np.argmax(np.abs(cal.coef)) == 1
    p = cal.probability(x)
    assert p[correct].mean() > p[~correct].mean() + 0.3
    again = Calibration.from_dict(json.loads(json.dumps(cal.to_dict())))
    assert np.allclose(again.probability(x), p)
    curve = coverage_precision(oof, correct)
    assert curve[-1]["coverage"] == 1.0


def test_calibration_file_must_match_the_features():
    data = load_calibration().to_dict()
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="regenerate"):
        Calibration.from_dict(data)


# ---- decisions ---------------------------------------------------------------------------
def test_clear_titles_are_auto_vague_ones_review(coder):
    out = coder.code(["电焊工", "保洁员", "收银员", "", "小工"], k=5)
    assert [c.decision for c in out[:3]] == ["auto", "auto", "auto"]
    assert out[0].code == "6-18-02-04"
    assert out[3].decision == "review" and out[3].confidence == 0.0
    assert out[4].decision == "review"          # 小工 (a helper of any trade) needs a person
    for c in out:
        assert len(c.suggestions) == 5 and c.suggestions[0][0] == c.code
        assert 0.0 <= c.confidence <= 1.0


def test_threshold_zero_and_one(coder):
    titles = ["电焊工", "储备干部"]
    assert {c.decision for c in coder.code(titles, threshold=0.0)} == {"auto"}
    assert {c.decision for c in coder.code(titles, threshold=1.0)} == {"review"}


def test_code_frame_repeats_the_decision(coder):
    frame = coder.code_frame(["电焊工", "储备干部"], k=3)
    assert list(frame.columns) == ["input", "rank", "code", "name", "score", "confidence", "decision"]
    assert len(frame) == 6
    assert frame.groupby("input")["decision"].nunique().eq(1).all()


def test_with_confirmed_is_certain_and_leaves_the_original_alone(coder):
    office = coder.with_confirmed({"储备干部": "4-07-02-01"})
    c = office.code(["储备干部（急招）"])[0]     # matched after cleaning
    assert (c.code, c.decision, c.confidence, c.confirmed) == ("4-07-02-01", "auto", 1.0, True)
    assert office.predict(["储备干部"], 1)[0][0] == ("4-07-02-01", 1.0)
    assert coder.code(["储备干部"])[0].confirmed is False
    with pytest.raises(InputFileError, match="9-99"):
        coder.with_confirmed({"x": "9-99-99-99"})


def test_confirmed_titles_become_training_rows():
    """The office's own word (攀钢 calls its station porters 小红帽) is learned from confirmed rows."""
    target = "4-02-05-01"  # 装卸搬运工
    base = OccupationCoder().fit(None)
    rows = pd.DataFrame({"job_name": ["小红帽", "小红帽专员", "车站小红帽"], "expected_code": [target] * 3})
    taught = OccupationCoder().fit(rows)
    assert base.predict(["火车站小红帽"], 1)[0][0][0] != target
    assert taught.predict(["火车站小红帽"], 1)[0][0][0] == target


def test_code_argument_errors(coder):
    with pytest.raises(TypeError):
        coder.code("电焊工")
    with pytest.raises(ValueError):
        coder.code(["电焊工"], k=0)
