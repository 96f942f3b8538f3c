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
    assert list(frame.columns) == ["input", "rank", "code", "name", "score", "confidence", "decision", "source"]
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


def test_office_codes_code_identical_titles_when_two_or_more_agree(coder):
    office = "4-07-02-01"
    taught = coder.with_office_codes(["储备干部", "储备干部（急招）", "夜班小工", "夜班小工", "看场子", "看场子"],
                                     [office, office, "6-18-02-04", "", "4-07-05-01", "4-07-02-01"])
    c, once, mixed = taught.code(["储备干部 包住", "夜班小工", "看场子"])
    # two consistent copies: the office's code, with the measured precision of such titles as confidence
    assert (c.code, c.decision, c.source, c.confirmed) == (office, "auto", "office", False)
    cal = load_calibration()
    assert c.confidence == pytest.approx(cal.office_confidence(2)) and 0.9 <= c.confidence < 1.0
    assert c.suggestions[0] == (office, c.confidence) and len(c.suggestions) == 5
    # one copy (the empty code does not count) and inconsistent copies: the model decides
    assert once.source == "model" and mixed.source == "model"
    assert once.confidence == pytest.approx(coder.code(["夜班小工"])[0].confidence, abs=1e-6)
    # predict follows the same rule (the other codes share the rest); the original coder is untouched
    assert sum(p for _, p in c.suggestions) <= 1.0 + 1e-6
    five = taught.predict(["储备干部 包住"], 5)[0]
    assert [code for code, _ in five] == [code for code, _ in c.suggestions]
    assert [p for _, p in five] == pytest.approx([p for _, p in c.suggestions], abs=1e-5)
    assert coder.code(["储备干部 包住"])[0].source == "model"
    # staff confirmation beats the office's file
    both = taught.with_confirmed({"储备干部": "1-01-00-00"})
    assert both.code(["储备干部"])[0].code == "1-01-00-00" and both.code(["储备干部"])[0].source == "confirmed"
    with pytest.raises(InputFileError, match="9-99"):
        coder.with_office_codes(["x"], ["9-99-99-99"])
    with pytest.raises(ValueError):
        coder.with_office_codes(["x", "y"], ["4-07-02-01"])
    # skip_unknown: an unknown code counts like an empty one (callers that report it elsewhere)
    lenient = coder.with_office_codes(["看场子", "看场子", "看场子"], ["9-99-99-99", "4-07-05-01", "4-07-05-01"],
                                      skip_unknown=True)
    assert lenient.code(["看场子"])[0].source == "office"


def test_office_rule_measured_leave_one_out():
    from matcher.occupations.confidence import office_agreement

    titles = ["焊工", "焊工 急招", "焊工(包住)", "保安", "保安员", "保安", "厨师", "厨师"]
    codes = ["A", "A", "B", "X", "Y", "X", "C", "C"]
    got = office_agreement(titles, codes, target=0.5, min_rows=1, max_count=2)
    # 焊工 x3 (A, A, B): the B row sees {A} consistent (wrong); each A row sees {A, B} (not counted)
    # 保安 x2 (X, X): each sees X (right, 1 copy); 厨师 x2: right, 1 copy each
    assert got["rows"] == {"1": 4, "2": 1}
    assert got["precision"] == {"1": 1.0, "2": 0.0}
    assert got["min_count"] is None          # the top bucket fails, so no count qualifies
    assert office_agreement(titles[3:], codes[3:], target=0.9, min_rows=1)["min_count"] == 1
    cal = load_calibration()
    assert cal.office["min_count"] == 2 and cal.office_confidence(1) is None
    assert cal.office_confidence(50) == cal.office["precision"]["3"]


def test_identical_titles_are_scored_once_and_agree(coder):
    titles = ["电焊工", "电焊工（急招）", "保洁员", "电焊工"]
    out = coder.code(titles)
    assert [c.title for c in out] == titles
    assert out[0].suggestions == out[1].suggestions == out[3].suggestions
    assert out[0].suggestions is not out[3].suggestions
    preds = coder.predict(titles, 3)
    assert preds[0] == preds[3]
    alone = coder.predict(["电焊工"], 3)[0]   # float32 sums may differ in the last bits by batch
    assert [c for c, _ in preds[0]] == [c for c, _ in alone]
    assert [p for _, p in preds[0]] == pytest.approx([p for _, p in alone], rel=1e-4)


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
