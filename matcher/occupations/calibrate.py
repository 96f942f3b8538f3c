"""Regenerate the coder's confidence calibration (``data/calibration.json``).

The method is described in :mod:`matcher.occupations.confidence`; this module
fits the coder in cross-validation (it imports the coder, which the
confidence module must not: the coder reads the calibration)::

    python -m matcher.occupations.calibrate --out matcher/occupations/data/calibration.json
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from matcher.occupations.confidence import FEATURES, calibrate, confidence_features, office_agreement


def cross_validated_features(frame, params: dict | None = None, folds: int = 5, seed: int = 0):
    """Out-of-fold (features, correct, top-5 hit, scores) of the coder on a labelled ``frame``
    (``job_name, expected_code``) that is also its training data: each fold is scored by a coder
    fitted on the taxonomy plus the rows whose title is not in the fold."""
    from sklearn.model_selection import KFold

    from matcher.occupations.coder import OccupationCoder

    n = len(frame)
    feats = np.zeros((n, len(FEATURES)))
    correct = np.zeros(n, bool)
    top5 = np.zeros(n, bool)
    ranks = np.zeros((n, 10), dtype=np.int64)
    coder = None
    for _, test in KFold(folds, shuffle=True, random_state=seed).split(np.arange(n)):
        held = set(frame["job_name"].iloc[test])
        coder = OccupationCoder(**(params or {})).fit(frame[~frame["job_name"].isin(held)])
        scores, f = confidence_features(coder, frame["job_name"].iloc[test].tolist())
        index = {c: i for i, c in enumerate(coder.codes_)}
        labels = np.array([index[c] for c in frame["expected_code"].iloc[test]])
        order = np.argsort(-scores, axis=1, kind="stable")[:, :10]
        feats[test] = f
        correct[test] = order[:, 0] == labels
        top5[test] = (order[:, :5] == labels[:, None]).any(axis=1)
        ranks[test] = order
    return feats, correct, top5, ranks, coder


def main(argv: list[str] | None = None) -> int:
    from matcher.occupations.coder import load_training_titles

    ap = argparse.ArgumentParser(prog="python -m matcher.occupations.calibrate",
                                 description="Regenerate the coder's confidence calibration from the shipped titles.")
    ap.add_argument("--out", type=Path, required=True, help="where to write calibration.json")
    ap.add_argument("--target", type=float, default=0.9, help="top-1 precision of auto-coded titles")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    frame = load_training_titles()
    feats, correct, top5, _, _ = cross_validated_features(frame, folds=args.folds)
    info = {"computed_from": "matcher/occupations/data/titles_train.csv (development half), "
                             f"{args.folds}-fold cross-validated default coder, KFold seed 0",
            "cv_recall@5": round(float(top5.mean()), 4)}
    cal, _ = calibrate(feats, correct, target=args.target, folds=args.folds, info=info)
    office = office_agreement(frame["job_name"], frame["expected_code"], target=args.target)
    office["computed_from"] = ("leave-one-out over the same titles: a row is coded with the one code that all "
                               "other rows of the same cleaned title carry")
    cal = replace(cal, office=office)
    args.out.write_text(json.dumps(cal.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"top-1 {correct.mean():.3f}, recall@5 {top5.mean():.3f}; threshold {cal.threshold:.4f} auto-codes "
          f"{cal.info['auto_coverage']:.1%} at precision {cal.info['auto_precision']:.1%}; office codes from "
          f"{office['min_count']} identical titles on (precision {office['precision']}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
