"""The batch's output tables: columns, the reason column, deterministic files.

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

from matcher.core.reasons import FIT_AT as _FIT_AT
from matcher.core.reasons import GAP_AT as _GAP_AT
from matcher.core.reasons import decode_verdicts, thresholds, verdict_codes
from matcher.render.reasons import render_summary

#: Decimals written for scores and contributions.
DECIMALS = 6
#: Default component thresholds of the reason rule (``settings.reasons.fit_at`` / ``gap_at``).
FIT_AT = _FIT_AT
GAP_BELOW = _GAP_AT


def reason_texts(components: dict[str, np.ndarray], evidence: dict[str, np.ndarray],
                 contributions: dict[str, np.ndarray], lang: str = "zh", settings: object = None) -> np.ndarray:
    """The ``reason`` column: each pair's verdicts as one line, e.g. ``优势：技能、学历；不足：薪资；优先政策加分``.

    The verdicts come from the core's one rule
    (:func:`matcher.core.reasons.verdict_codes`, thresholds from
    ``settings.reasons`` — 0.75 and 0.5 by default), the same rule that
    places an explained match's reason records; the text is
    :func:`matcher.render.reasons.render_summary` in ``lang`` (``zh`` or
    ``en``). Vectorised: each distinct verdict code is rendered once.
    Returns an object array of str.
    """
    fit_at, gap_at = thresholds(settings)
    code = verdict_codes(components, evidence, contributions, fit_at, gap_at)
    if not len(code):
        return np.zeros(0, dtype=object)
    uniq, inv = np.unique(code, return_inverse=True)
    texts = [render_summary(decode_verdicts(u), lang) for u in uniq.tolist()]
    return np.asarray(texts, dtype=object)[inv.reshape(-1)]


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
    ``c_<dim>`` per contribution (``c_outcome`` with an outcome model), with a
    model ``p_hire``, ``p_stay180``, ``expected_lasting_hire`` and
    ``outcome_risks`` (``;``-joined features), ``feasible`` (rule-based score,
    i.e. without the outcome contribution, >= threshold), ``reason``.
    """
    cols: dict[str, object] = {owner_col: owner_ids.astype(str), "rank": ranks.astype(np.int32),
                               other_col: other_ids.astype(str), "score": np.round(scores, DECIMALS)}
    for k, v in (extra or {}).items():
        cols[k] = np.round(v, DECIMALS) if np.asarray(v).dtype.kind == "f" else v
    for d, v in details["contributions"].items():
        cols[f"c_{d}"] = np.round(v, DECIMALS)
    for c, v in (details.get("outcome") or {}).items():      # an outcome model is in use
        cols[c] = np.round(v, DECIMALS) if np.asarray(v).dtype.kind == "f" else v
    # feasibility is a property of the rule-based score: the outcome contribution does not count
    if "outcome" in details["contributions"]:
        cols["feasible"] = np.round(scores - details["contributions"]["outcome"], 9) >= threshold
    else:
        cols["feasible"] = scores >= threshold
    cols["reason"] = details["reason"]
    return pd.DataFrame(cols)
