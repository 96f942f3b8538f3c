"""Reading the cells of the normalised frames: lists, experience pairs, text, numbers, yes/no, ids.

A missing column reads as empty (so thin benchmark frames work); a frame
without its id column raises :class:`matcher.errors.InputFileError`.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from matcher.errors import InputFileError
from matcher.normalise.lists import split_list


def as_list(cell: object) -> list[str]:
    """A list cell as a list of non-empty strings (lists, tuples, arrays, or text split by the one
    list rule, :func:`matcher.normalise.lists.split_list`)."""
    if cell is None:
        return []
    if isinstance(cell, str):
        return split_list(cell)
    if isinstance(cell, (list, tuple, np.ndarray, pd.Series)):
        items = cell
    else:
        try:
            if pd.isna(cell):
                return []
        except (TypeError, ValueError):
            pass
        items = [cell]
    out = []
    for x in items:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            continue
        s = str(x).strip()
        if s:
            out.append(s)
    return out


def as_experience(cell: object) -> list[tuple[str, float | None]]:
    """``experience`` as (title, years) pairs; accepts tuples or ``title:years`` strings."""
    out: list[tuple[str, float | None]] = []
    if isinstance(cell, str):
        cell = split_list(cell)
    if cell is None or not isinstance(cell, (list, tuple, np.ndarray, pd.Series)):
        return out
    for item in cell:
        if isinstance(item, (tuple, list)) and item:
            title = str(item[0]).strip()
            yrs = item[1] if len(item) > 1 else None
        elif isinstance(item, str):
            title, _, y = item.partition(":") if ":" in item else item.partition("：")
            title = title.strip()
            yrs = y.strip() or None
        else:
            continue
        try:
            years = float(yrs) if yrs is not None and not (isinstance(yrs, float) and math.isnan(yrs)) else None
        except (TypeError, ValueError):
            years = None
        if title:
            out.append((title, years))
    return out


def cell_text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    try:
        if pd.isna(cell):
            return ""
    except (TypeError, ValueError):
        pass
    return str(cell).strip()


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def number_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(column(frame, name), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def yes_no_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A yes/no column as float 1/0, NaN when unknown."""
    out = np.full(len(frame), np.nan)
    for i, v in enumerate(column(frame, name).tolist()):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, (bool, np.bool_, int, np.integer, float)):
            out[i] = 1.0 if bool(v) else 0.0
        elif isinstance(v, str) and v.strip().lower() in {"yes", "y", "true", "1", "是", "有"}:
            out[i] = 1.0
        elif isinstance(v, str) and v.strip().lower() in {"no", "n", "false", "0", "否", "无"}:
            out[i] = 0.0
    return out


def flag_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return np.nan_to_num(yes_no_column(frame, name), nan=0.0) > 0.5


def id_column(frame: pd.DataFrame, col: str, what: str) -> np.ndarray:
    if col not in frame.columns:
        raise InputFileError(f"The {what} frame has no '{col}' column; columns seen: {list(frame.columns)[:12]}.")
    ids = frame[col].astype(str).to_numpy()
    dup = pd.Index(ids).duplicated()
    if dup.any():
        raise InputFileError(f"Duplicate {col} '{ids[dup][0]}' in the {what} frame; ids must be unique.")
    return ids


def id_rank(ids: np.ndarray) -> np.ndarray:
    order = np.argsort(ids, kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank
