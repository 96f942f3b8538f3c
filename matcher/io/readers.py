"""Read a seeker, vacancy or outcome file into a frame of raw text cells.

Supported: CSV in UTF-8, UTF-8 with BOM, or GB18030/GBK (what Chinese office
software exports), XLSX and Parquet. Every cell comes back as a ``str`` (empty
string for an empty cell) or, for Parquet list columns, a list; the caller
normalises them. Each row keeps the row number a user sees in Excel (header
is row 1) in the ``__row__`` column.

A CSV row with more fields than the header cannot be trusted; it is returned
separately as a *broken row* so that it can be quarantined, never dropped.
A file that cannot be read at all raises :class:`~matcher.errors.InputFileError`.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from matcher.errors import InputFileError

ROW = "__row__"
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class RawTable:
    """Raw text cells plus rows that could not be split into columns."""

    path: Path
    frame: pd.DataFrame
    encoding: str | None
    broken_rows: list[dict] = field(default_factory=list)  # {"row": int, "value": str, "reason": str}


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - library failure is treated as "unknown"
        best = None
    if best is not None and best.encoding:
        return str(best), best.encoding
    raise InputFileError(
        f"Cannot read {path.name}: its text is neither UTF-8 nor GB18030/GBK and no other "
        "encoding could be recognised. Save it from Excel or WPS as 'CSV UTF-8' and try again."
    )


def _csv_fallback(path: Path, text: str) -> tuple[pd.DataFrame, list[dict]]:
    """Split CSV text with the csv module, keeping rows with too many fields aside."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return pd.DataFrame(), []
    except csv.Error as exc:
        raise InputFileError(f"Cannot read the header line of {path.name}: {exc}.") from exc
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    broken: list[dict] = []
    record = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            record += 1
            broken.append({"row": record + 1, "value": "", "reason": f"行无法解析 unreadable CSV line: {exc}"})
            continue
        record += 1
        if not fields or all(not f.strip() for f in fields):
            if not fields:
                continue
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            broken.append(
                {
                    "row": record + 1,
                    "value": ",".join(fields)[:200],
                    "reason": f"列数不符 row has {len(fields)} fields but the header has {width}",
                }
            )
            continue
        fields = (fields + [""] * width)[:width]
        rows.append(fields)
        numbers.append(record + 1)
    frame = pd.DataFrame(rows, columns=_dedupe_header(header), dtype=object)
    frame[ROW] = numbers
    return frame, broken


def _dedupe_header(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        h = str(h)
        if h in seen:
            seen[h] += 1
            out.append(f"{h}.{seen[h]}")
        else:
            seen[h] = 0
            out.append(h)
    return out


def _read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(f"{path.name} is empty: expected a header line and data rows.")
    text, enc = _decode(path, data)
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
            skip_blank_lines=True, engine="c",
        )
        # pandas does not say which line each record came from, so the Excel row
        # numbers are only trusted when every non-blank line is one record;
        # otherwise (cells spanning lines) take the careful path.
        blank = _blank_line_numbers(text)
        n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        if n_lines - len(blank) != len(frame) + 1:
            raise ValueError("records span lines")
        frame.columns = _dedupe_header(list(frame.columns))
        frame[ROW] = _row_numbers(len(frame), blank)
        return RawTable(path, frame.astype({c: object for c in frame.columns if c != ROW}), enc)
    except (pd.errors.ParserError, ValueError, csv.Error, UnicodeError):
        frame, broken = _csv_fallback(path, text)
        return RawTable(path, frame, enc, broken)
    except pd.errors.EmptyDataError as exc:
        raise InputFileError(f"{path.name} has no header line: expected column names on line 1.") from exc


def _blank_line_numbers(text: str) -> list[int]:
    """1-based numbers of the empty lines (pandas skips them)."""
    return [i + 1 for i, line in enumerate(text.split("\n")) if not line.strip("\r")]


def _row_numbers(n: int, blank_lines: list[int]) -> list[int]:
    """Line numbers of n data records when no record spans lines (blank lines skipped)."""
    blanks = set(blank_lines)
    out = []
    line = 1
    while len(out) < n:
        line += 1
        if line in blanks:
            continue
        out.append(line)
    return out


def _read_xlsx(path: Path) -> RawTable:
    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except Exception as exc:
        raise InputFileError(f"Cannot open {path.name} as an Excel workbook: {exc}.") from exc
    frame.columns = _dedupe_header([str(c) for c in frame.columns])
    frame = frame.map(_cell_text)
    keep = ~(frame == "").all(axis=1)
    frame[ROW] = range(2, len(frame) + 2)
    return RawTable(path, frame[keep].reset_index(drop=True), None)


def _cell_text(v: object) -> object:
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:
            return ""
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if hasattr(v, "isoformat") and not isinstance(v, str):
        return v.isoformat()[:10]
    if isinstance(v, (list, tuple)):
        return list(v)
    if hasattr(v, "tolist") and not isinstance(v, str):
        return list(v.tolist())
    return str(v)


def _read_parquet(path: Path) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise InputFileError(f"Cannot open {path.name} as a Parquet file: {exc}.") from exc
    frame.columns = _dedupe_header([str(c) for c in frame.columns])
    frame = frame.astype(object).map(_cell_text)
    frame[ROW] = range(2, len(frame) + 2)
    return RawTable(path, frame, None)


def read_table(path: str | Path) -> RawTable:
    """Read ``path`` (CSV, XLSX or Parquet, by extension) into raw text cells.

    Raises :class:`InputFileError` when the file is missing, empty, or cannot be
    decoded or parsed at all.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"File not found: {path}. Check the path and try again.")
    if path.is_dir():
        raise InputFileError(f"{path} is a folder, not a file.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".parquet", ".pq"):
        return _read_parquet(path)
    if suffix == ".xls":
        raise InputFileError(
            f"{path.name} is an old-style .xls workbook. Save it as .xlsx or CSV (UTF-8) and try again."
        )
    return _read_csv(path)
