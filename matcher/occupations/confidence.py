"""Confident or ask: a calibrated probability that the coder's first code is right.

:func:`confidence_features` turns the coder's evidence for each title into a
small feature vector (margins, softmax probability, agreement of the linear
classifier and of the nearest names / labelled titles / word-vector
neighbours with the final choice, exact-name hit, ...). A logistic
regression over these features, fitted on **cross-validated** coder output
for the shipped labelled titles (the development half), maps them to
``P(first code is right)``. The shipped calibration
(``data/calibration.json``) also holds the default threshold: the lowest
confidence at which titles coded automatically are right at least 90 % of the
time in cross-validation, so that as many titles as possible are coded
without a person (``decision == "auto"``) and every other title goes to the
review queue with its top-5 suggestions (``decision == "review"``).

Regenerate the shipped file (about 2 minutes on 2 cores)::

    python -m matcher.occupations.calibrate --out matcher/occupations/data/calibration.json

How it is computed (:func:`calibrate`): the default coder is fitted 5 times
(KFold, shuffle, seed 0) on the taxonomy plus the training titles outside one
fold (every training row whose title occurs in the fold is removed) and
scores that fold. The features of all out-of-fold titles and whether the
first code was right train the logistic regression; its own out-of-fold
probabilities (a second 5-fold split) give the coverage–precision curve and
the threshold, so the threshold is not chosen on probabilities the
calibrator was fitted to. The final calibrator is then fitted on all titles.
The file is plain JSON (coefficients, threshold, curve) — no pickle.

The office's own vocabulary (:func:`office_agreement`, stored under
``office``): posts of the same input that already carry a code are labelled
data of this office. How far they can be trusted is measured leave-one-out on
the same training titles: a title coded like its identical titles (after
cleaning; all of one code) is right 83 % of the time with one such title and
93-97 % with two or more, so the coder applies the rule from two on
(``office.min_count``) and uses the measured precision as the confidence
(:meth:`Calibration.office_confidence`).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["FEATURES", "Calibration", "confidence_features", "iter_confidence_blocks", "load_calibration",
           "calibrate", "coverage_precision", "threshold_for_precision", "office_agreement"]

#: Names of the confidence features, in column order.
FEATURES = (
    "top_probability",      # softmax probability of the first code
    "margin",               # blended score of first minus second code
    "margin_log",           # log(1 + 10 x margin)
    "classifier_margin",    # linear classifier: first minus second score
    "classifier_agrees",    # the classifier alone picks the same first code
    "names_agree",          # best-matching name/alias belongs to the first code
    "titles_agree",         # nearest labelled title carries the first code
    "vector_agree",         # word-vector nearest neighbour carries the first code
    "names_at_top",         # cosine of the title to the first code's names
    "titles_at_top",        # cosine to the first code's nearest labelled title
    "vector_at_top",        # word-vector cosine to the first code's nearest name/title
    "exact_name",           # the cleaned title equals a name/alias of the first code
    "known_words",          # the title has words the vocabulary knows
    "title_length",         # characters in the cleaned title (capped at 20) / 20
    "detailed_level",       # the first code is a detailed (level-4) code
)


def iter_confidence_blocks(coder, texts: Sequence[str]):
    """Yield ``(start, scores, features)`` per block of ``coder.batch_size`` *cleaned* titles:
    raw scores (block, n_codes) and features (block, len(FEATURES)). Bounded memory."""
    step = int(coder.batch_size)
    levels = coder.levels_
    for start in range(0, len(texts), step):
        block = list(texts[start:start + step])
        parts: dict = {}
        scores = coder._score_block(block, parts)
        top = parts["top"]
        rows = np.arange(len(block))
        top_score = scores[rows, top]
        # softmax probability of the first code without materialising the whole softmax
        p_top = 1.0 / np.exp((scores - top_score[:, None]) / float(coder.temperature)).sum(axis=1)
        two = -np.partition(-scores, 1, axis=1)[:, :2]
        margin = two[:, 0] - two[:, 1]

        def agree(name: str) -> np.ndarray:
            got = parts.get(f"{name}_top")
            return np.zeros(len(block)) if got is None else (got == top).astype(float)

        def value(name: str) -> np.ndarray:
            got = parts.get(name)
            return np.zeros(len(block)) if got is None else np.asarray(got, dtype=float)

        feats = np.column_stack([
            p_top,
            margin,
            np.log1p(10 * np.maximum(margin, 0)),
            value("classifier_margin"),
            (parts["classifier_top"] == top).astype(float),
            agree("names"),
            agree("titles"),
            agree("vector"),
            value("names_at_top"),
            value("titles_at_top"),
            value("vector_at_top"),
            value("exact_name"),
            value("known_words"),
            np.array([min(len(t), 20) / 20 for t in block]),
            (levels[top] == 4).astype(float),
        ])
        feats[value("empty") > 0] = 0.0
        yield start, scores, feats


def confidence_features(coder, titles: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(raw scores (n, n_codes), features (n, len(FEATURES))) for ``titles`` from a fitted coder."""
    from matcher.occupations.titles import clean_title

    texts = [clean_title(t) for t in titles]
    all_scores, all_feats = [], []
    for _, scores, feats in iter_confidence_blocks(coder, texts):
        all_scores.append(scores)
        all_feats.append(feats)
    if not all_scores:
        return np.zeros((0, len(coder.codes_))), np.zeros((0, len(FEATURES)))
    return np.vstack(all_scores), np.vstack(all_feats)


def office_agreement(titles: Sequence[str], codes: Sequence[str], target: float = 0.9, min_rows: int = 50,
                     max_count: int = 3) -> dict:
    """How far a title can be coded like the office's identical titles: leave-one-out on labelled rows.

    For every row whose cleaned title also occurs on ``c`` other rows that all carry one code (a
    consistent office code), is that code the row's own? Returns ``{"min_count", "precision",
    "rows", "target"}``: ``precision[str(c)]`` is the precision over rows with exactly ``c`` such
    rows (the last bucket, ``max_count``, holds ``c >= max_count``), ``rows[str(c)]`` their number,
    and ``min_count`` the smallest ``c`` from which every bucket reaches ``target`` and the rows
    from ``c`` on number at least ``min_rows`` (``None``: never). Rows whose other copies disagree
    on the code are not counted (the rule does not apply to them).
    """
    from matcher.occupations.titles import clean_title

    groups: dict[str, list[str]] = {}
    for title, code in zip(titles, codes):
        text = clean_title(title) if isinstance(title, str) else ""
        if text:
            groups.setdefault(text, []).append(str(code).strip())
    hits = np.zeros(max_count + 1)
    rows = np.zeros(max_count + 1)
    for group in groups.values():
        if len(group) < 2:
            continue
        for i, code in enumerate(group):
            others = group[:i] + group[i + 1:]
            if len(set(others)) == 1:
                c = min(len(others), max_count)
                rows[c] += 1
                hits[c] += others[0] == code
    precision = {str(c): round(float(hits[c] / rows[c]), 4) if rows[c] else 0.0 for c in range(1, max_count + 1)}
    counts = {str(c): int(rows[c]) for c in range(1, max_count + 1)}
    min_count = None
    for c in range(max_count, 0, -1):
        if not rows[c]:
            continue  # no evidence either way for this count
        if precision[str(c)] < target:
            break
        if rows[c:].sum() >= min_rows:
            min_count = c
    return {"min_count": min_count, "precision": precision, "rows": counts, "target": target}


@dataclass(frozen=True)
class Calibration:
    """A fitted logistic calibrator over :data:`FEATURES` and its auto-code threshold."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    target_precision: float
    info: dict = field(default_factory=dict)
    office: dict = field(default_factory=dict)

    def office_confidence(self, count: int) -> float | None:
        """Confidence for a title that ``count`` rows of the same input coded alike (one code, no
        conflict): the leave-one-out precision of such titles in :attr:`office`, or ``None`` when
        ``count`` is below its ``min_count`` (then the title is not coded by this rule)."""
        need = self.office.get("min_count")
        if need is None or count < need:
            return None
        prec, rows = self.office["precision"], self.office.get("rows", {})
        c = min(int(count), max(int(c) for c in prec))
        while c > need and not rows.get(str(c), 1):
            c -= 1  # no rows measured at this count: the nearest count below that has some
        return float(prec[str(c)])

    def probability(self, feats: np.ndarray) -> np.ndarray:
        """P(first code right) for rows of features (0 for an empty title)."""
        feats = np.asarray(feats, dtype=float)
        if feats.shape[1] != len(self.features):
            raise ValueError(f"expected {len(self.features)} features, got {feats.shape[1]}")
        z = ((feats - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept, "threshold": self.threshold,
                "target_precision": self.target_precision, "info": self.info, "office": self.office}

    @classmethod
    def from_dict(cls, data: dict) -> Calibration:
        feats = tuple(data["features"])
        if feats != FEATURES:
            raise ValueError(f"calibration features {feats} do not match this version's {FEATURES}; "
                             "regenerate it with python -m matcher.occupations.calibrate")
        return cls(features=feats, mean=np.asarray(data["mean"], float), scale=np.asarray(data["scale"], float),
                   coef=np.asarray(data["coef"], float), intercept=float(data["intercept"]),
                   threshold=float(data["threshold"]), target_precision=float(data["target_precision"]),
                   info=dict(data.get("info", {})), office=dict(data.get("office", {})))


@lru_cache(maxsize=1)
def load_calibration() -> Calibration:
    """The shipped calibration (``data/calibration.json``)."""
    path = resources.files("matcher.occupations").joinpath("data/calibration.json")
    with path.open("r", encoding="utf-8") as fh:
        return Calibration.from_dict(json.load(fh))


def coverage_precision(prob: np.ndarray, correct: np.ndarray) -> list[dict]:
    """Coverage–precision curve: for thresholds from high to low, the share of
    titles at or above it (coverage) and their top-1 precision."""
    prob = np.asarray(prob, float)
    correct = np.asarray(correct, bool)
    order = np.argsort(-prob, kind="stable")
    hits = np.cumsum(correct[order])
    n = len(prob)
    out = []
    for cov in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        m = max(1, int(round(cov * n)))
        out.append({"coverage": round(m / n, 3), "precision": round(float(hits[m - 1] / m), 4),
                    "threshold": round(float(prob[order[m - 1]]), 4)})
    return out


def threshold_for_precision(prob: np.ndarray, correct: np.ndarray, target: float = 0.9,
                            min_count: int = 50) -> tuple[float, float, float]:
    """(threshold, coverage, precision): the lowest threshold whose auto-coded set
    (prob >= threshold) is right at least ``target`` of the time, i.e. maximum coverage.
    Sets smaller than ``min_count`` titles are not trusted; returns (1.0, 0, 0) when none qualifies."""
    prob = np.asarray(prob, float)
    correct = np.asarray(correct, bool)
    order = np.argsort(-prob, kind="stable")
    p_sorted = prob[order]
    prec = np.cumsum(correct[order]) / np.arange(1, len(prob) + 1)
    best = None
    for m in range(len(prob), min_count - 1, -1):
        # only cut between distinct probabilities
        if m < len(prob) and p_sorted[m] == p_sorted[m - 1]:
            continue
        if prec[m - 1] >= target:
            best = m
            break
    if best is None:
        return 1.0, 0.0, 0.0
    return float(p_sorted[best - 1]), best / len(prob), float(prec[best - 1])


def _fit_logistic(x: np.ndarray, y: np.ndarray, C: float = 1.0):
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000).fit((x - mean) / scale, y)
    return mean, scale, model.coef_.ravel(), float(model.intercept_[0])


def calibrate(features: np.ndarray, correct: np.ndarray, target: float = 0.9, folds: int = 5,
              seed: int = 0, info: dict | None = None) -> tuple[Calibration, np.ndarray]:
    """Fit the calibrator on (out-of-fold coder) ``features`` and whether the first code was
    ``correct``; choose the threshold on the calibrator's own out-of-fold probabilities.
    Returns (calibration fitted on all rows, out-of-fold probabilities)."""
    from sklearn.model_selection import StratifiedKFold

    x = np.asarray(features, float)
    y = np.asarray(correct, bool).astype(int)
    oof = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        mean, scale, coef, icpt = _fit_logistic(x[train], y[train])
        oof[test] = 1.0 / (1.0 + np.exp(-(((x[test] - mean) / scale) @ coef + icpt)))
    thr, cov, prec = threshold_for_precision(oof, y.astype(bool), target)
    mean, scale, coef, icpt = _fit_logistic(x, y)
    meta = dict(info or {})
    meta.update({"n": int(len(y)), "top1": round(float(y.mean()), 4), "auto_coverage": round(cov, 4),
                 "auto_precision": round(prec, 4), "curve": coverage_precision(oof, y.astype(bool))})
    return Calibration(FEATURES, mean, scale, coef, icpt, float(thr), float(target), meta), oof
