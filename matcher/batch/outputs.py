"""The batch's output tables: columns, short reason texts, deterministic files.

Every match table is written twice, as Parquet (zstd, fixed writer options)
and as CSV (UTF-8 with BOM so Excel opens Chinese text; scores rounded to 6
decimals, booleans as ``true``/``false``). Rows are sorted by (list owner id, rank); nothing time-dependent is
written, so identical inputs and settings give byte-identical files. The
columns are documented in ``matcher/batch/README.md``.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

#: Decimals written for scores and contributions.
DECIMALS = 6
#: Component thresholds (raw per-dimension score in [0, 1]) for the reason text.
FIT_AT = 0.75
GAP_BELOW = 0.5

DIM_ZH = {"skills": "技能", "occupation": "经历/职业", "education": "学历", "wage": "薪资", "place": "地点",
          "conditions": "工作条件", "priority": "优先政策"}


def reason_texts(components: dict[str, np.ndarray], evidence: dict[str, np.ndarray],
                 contributions: dict[str, np.ndarray]) -> np.ndarray:
    """Short Chinese reason per pair, e.g. ``优势：技能、学历；不足：薪资；优先政策加分``.

    A dimension *fits* when its raw score is >= 0.75 and is a *gap* when it
    is below 0.5 (only dimensions with evidence count; see the core's
    explanation for details). Vectorised: pairs are coded as bit masks and
    each distinct mask is formatted once. Returns an object array of str.
    """
    dims = [d for d in components if d in evidence]
    n = len(next(iter(contributions.values()))) if contributions else 0
    code = np.zeros(n, np.int64)
    for i, d in enumerate(dims):
        c = np.nan_to_num(np.asarray(components[d], np.float64), nan=0.0)
        e = np.asarray(evidence[d], bool)
        code |= ((e & (c >= FIT_AT)).astype(np.int64) << i)
        code |= ((e & (c < GAP_BELOW)).astype(np.int64) << (i + len(dims)))
    if "priority" in contributions:
        code |= (np.asarray(contributions["priority"]) > 0).astype(np.int64) << (2 * len(dims))
    uniq, inv = np.unique(code, return_inverse=True)
    texts = []
    for u in uniq.tolist():
        fits = [DIM_ZH.get(d, d) for i, d in enumerate(dims) if u >> i & 1]
        gaps = [DIM_ZH.get(d, d) for i, d in enumerate(dims) if u >> (i + len(dims)) & 1]
        parts = []
        if fits:
            parts.append("优势：" + "、".join(fits))
        if gaps:
            parts.append("不足：" + "、".join(gaps))
        if u >> (2 * len(dims)) & 1:
            parts.append("优先政策加分")
        texts.append("；".join(parts))
    return np.asarray(texts, dtype=object)[inv] if n else np.zeros(0, dtype=object)


def write_table(frame: pd.DataFrame, folder: Path, stem: str) -> dict[str, dict[str, object]]:
    """Write ``<stem>.parquet`` and ``<stem>.csv`` deterministically; returns {file name: {rows, sha256}}."""
    pq_path, csv_path = folder / f"{stem}.parquet", folder / f"{stem}.csv"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, pq_path, compression="zstd", compression_level=3, use_dictionary=True,
                   write_statistics=True, version="2.6", row_group_size=1_000_000)
    with open(csv_path, "wb") as fh:  # Arrow's C++ writer: ~50x faster than DataFrame.to_csv here
        fh.write(b"\xef\xbb\xbf")
        pacsv.write_csv(table, fh)
    return {p.name: {"rows": int(len(frame)), "sha256": sha256_file(p)} for p in (pq_path, csv_path)}


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            b = fh.read(chunk)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def match_frame(owner_col: str, owner_ids: np.ndarray, other_col: str, other_ids: np.ndarray,
                ranks: np.ndarray, scores: np.ndarray, details: dict[str, np.ndarray],
                extra: dict[str, np.ndarray] | None = None, threshold: float = 0.5) -> pd.DataFrame:
    """Assemble one match table (rows already in output order).

    Columns: owner id, ``rank`` (1-based), other id, ``score``, extra columns,
    ``c_<dim>`` per contribution, ``feasible`` (score >= threshold),
    ``reason``.
    """
    cols: dict[str, object] = {owner_col: owner_ids.astype(str), "rank": ranks.astype(np.int32),
                               other_col: other_ids.astype(str), "score": np.round(scores, DECIMALS)}
    for k, v in (extra or {}).items():
        cols[k] = np.round(v, DECIMALS) if np.asarray(v).dtype.kind == "f" else v
    for d, v in details["contributions"].items():
        cols[f"c_{d}"] = np.round(v, DECIMALS)
    cols["feasible"] = scores >= threshold
    cols["reason"] = details["reason"]
    return pd.DataFrame(cols)
