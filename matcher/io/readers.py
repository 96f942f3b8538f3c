"""Read a seeker, vacancy or outcome file into a frame of raw text cells.

Supported: CSV in UTF-8, UTF-8 with BOM, or GB18030/GBK (what Chinese office
software exports), XLSX and Parquet. Every cell comes back as a ``str`` (empty
string for an empty cell) or, for Parquet list columns, a list; the caller
normalises them. Each row keeps the row number a user sees in Excel (header
is row 1) in the ``__row__`` column.

Station exports often carry title rows above the header ("攀枝花市东区就业服务
站求职登记表", a date line): :func:`read_table` takes a ``find_header`` test and
uses the first of the top :data:`HEADER_SCAN` non-empty rows that passes it as
the header; row numbers stay the ones Excel shows. Rows whose cells are all
empty are skipped.

A CSV row with more fields than the header cannot be trusted; it is returned
separately as a *broken row* so that it can be quarantined, never dropped.
A file that cannot be read at all raises :class:`FileProblem` (an
:class:`~matcher.errors.InputFileError`) whose ``kind`` says which problem it
is (see :data:`PROBLEM_KINDS`), so that the web UI can say it in the user's
language; the message says what was found and what is expected.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from matcher.errors import InputFileError

ROW = "__row__"
ENCODINGS = ("utf-8-sig", "gb18030")
#: How many non-empty rows from the top are searched for the header row.
HEADER_SCAN = 20
#: File types accepted, by suffix.
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".parquet", ".pq")

#: ``FileProblem.kind`` values and their parameters.
PROBLEM_KINDS = {
    "not_found": (),            # the path does not exist
    "folder": (),               # the path is a folder
    "empty": (),                # no bytes / no cells at all
    "header_only": ("header",),  # a header row and no data rows
    "wrong_type": ("suffix",),  # a suffix that is not a table (.txt, .doc ...)
    "not_a_table": ("found",),  # the bytes are an image / PDF / archive, whatever the name says
    "old_xls": (),              # an old binary .xls (or an encrypted workbook)
    "corrupt_xlsx": ("detail",),  # named .xlsx but not a readable workbook
    "corrupt_parquet": ("detail",),
    "encoding": (),             # text in no recognisable encoding
    "wrong_columns": ("table", "missing", "found", "looks_like"),  # required columns absent
}


class FileProblem(InputFileError):
    """A file that cannot be read at all. ``kind`` is one of :data:`PROBLEM_KINDS`;
    ``params`` holds what was found (suffix, header, columns ...); ``file`` the file name."""

    def __init__(self, message: str, kind: str, file: str, **params: object) -> None:
        super().__init__(message)
        self.kind = kind
        self.file = file
        self.params = params


#: Magic numbers of files staff upload by mistake (a photo of the form, a PDF, an archive).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"BM", "BMP image"), (b"%PDF", "PDF document"), (b"Rar!", "RAR archive"), (b"7z\xbc\xaf", "7-Zip archive"),
    (b"\x1f\x8b", "gzip archive"), (b"RIFF", "RIFF media file"), (b"II*\x00", "TIFF image"), (b"MM\x00*", "TIFF image"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_PARQUET = b"PAR1"


def sniff(head: bytes) -> str | None:
    """What the first bytes of a file say it is: ``xlsx`` (a zip), ``ole2`` (old .xls/.doc or an
    encrypted workbook), ``parquet``, a description such as ``PNG image``, or None (text)."""
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE2):
        return "ole2"
    if head.startswith(_PARQUET):
        return "parquet"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if b"\x00" in head[:512] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary file"
    return None


@dataclass
class RawTable:
    """Raw text cells plus rows that could not be split into columns."""

    path: Path
    frame: pd.DataFrame
    encoding: str | None
    broken_rows: list[dict] = field(default_factory=list)  # {"row": int, "value": str, "reason": str}


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """``(text, encoding)`` of a text file's bytes: UTF-8 (with or without BOM), GB18030/GBK, else what
    charset_normalizer recognises. Raises :class:`FileProblem` (kind ``encoding``) naming ``name``."""
    return _decode(Path(name), data)


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
    raise FileProblem(
        f"Cannot read {path.name}: its text is neither UTF-8 nor GB18030/GBK and no other "
        "encoding could be recognised. Save it from Excel or WPS as 'CSV UTF-8' and try again.",
        "encoding", path.name)


def _csv_fallback(path: Path, text: str, offset: int = 0) -> tuple[pd.DataFrame, list[dict]]:
    """Split CSV text with the csv module, keeping rows with too many fields aside.

    ``offset`` lines were cut above ``text`` (title rows); row numbers count them."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return pd.DataFrame(), []
    except csv.Error as exc:
        raise FileProblem(f"Cannot read the header line of {path.name}: {exc}.", "encoding", path.name) from exc
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
            broken.append({"row": offset + record + 1, "value": "",
                           "reason": f"行无法解析 unreadable CSV line: {exc}"})
            continue
        record += 1
        if not fields or all(not f.strip() for f in fields):
            continue  # an empty row (also ",,,," as Excel writes it)
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            broken.append(
                {
                    "row": offset + record + 1,
                    "value": ",".join(fields)[:200],
                    "reason": f"列数不符 row has {len(fields)} fields but the header has {width}",
                }
            )
            continue
        fields = (fields + [""] * width)[:width]
        rows.append(fields)
        numbers.append(offset + record + 1)
    frame = pd.DataFrame(rows, columns=_dedupe_header(header), dtype=object)
    frame[ROW] = numbers
    return frame, broken


def _header_line(text: str, find_header: Callable[[list[str]], bool] | None) -> int:
    """0-based line where the header record starts: the first of the top :data:`HEADER_SCAN`
    non-empty records that ``find_header`` accepts, else the first non-empty record."""
    reader = csv.reader(io.StringIO(text, newline=""))
    first: int | None = None
    seen = 0
    start = 0
    while seen < HEADER_SCAN:
        try:
            fields = next(reader)
        except (StopIteration, csv.Error):
            break
        line, start = start, reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        seen += 1
        if first is None:
            first = line
        if find_header is None or find_header([f.strip() for f in fields]):
            return line
    return first or 0


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


def _read_csv(path: Path, find_header: Callable[[list[str]], bool] | None = None) -> RawTable:
    data = path.read_bytes()
    if not data.strip():
        raise FileProblem(f"{path.name} is empty: expected a header line and data rows.", "empty", path.name)
    text, enc = _decode(path, data)
    if text.startswith("\ufeff"):
        text = text[1:]
    offset = _header_line(text, find_header)
    if offset:
        text = "\n".join(text.split("\n")[offset:])
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
        frame[ROW] = [offset + n for n in _row_numbers(len(frame), blank)]
        frame = _drop_empty_rows(frame)
        return RawTable(path, frame.astype({c: object for c in frame.columns if c != ROW}), enc)
    except (pd.errors.ParserError, ValueError, csv.Error, UnicodeError):
        frame, broken = _csv_fallback(path, text, offset)
        return RawTable(path, frame, enc, broken)
    except pd.errors.EmptyDataError as exc:
        raise FileProblem(f"{path.name} is empty: expected a header line and data rows.", "empty",
                          path.name) from exc


def _drop_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with at least one non-empty cell (Excel exports end with rows of empty cells)."""
    cells = frame.drop(columns=[ROW])
    if cells.empty:
        return frame
    empty = cells.map(lambda v: isinstance(v, str) and not v.strip() or v is None).all(axis=1)
    return frame[~empty].reset_index(drop=True) if empty.any() else frame


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


def _read_xlsx(path: Path, find_header: Callable[[list[str]], bool] | None = None) -> RawTable:
    if path.stat().st_size == 0:
        raise FileProblem(f"{path.name} is empty: expected a header line and data rows.", "empty", path.name)
    if sniff(path.read_bytes()[:512]) != "xlsx":
        raise FileProblem(
            f"{path.name} is named .xlsx but is not an Excel workbook (it holds text). "
            "Rename it to .csv if it is a CSV export, or save it from Excel or WPS as .xlsx.",
            "corrupt_xlsx", path.name, detail="text")
    try:
        grid = pd.read_excel(path, dtype=object, engine="openpyxl", header=None)
    except Exception as exc:
        raise FileProblem(
            f"{path.name} cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}); the file is "
            "damaged or was not saved completely. Open it in Excel or WPS and save it again as .xlsx.",
            "corrupt_xlsx", path.name, detail=f"{type(exc).__name__}") from exc
    grid = grid.map(_cell_text)
    grid[ROW] = range(1, len(grid) + 1)   # header=None: frame row i is Excel row i + 1
    grid = _drop_empty_rows(grid)
    if grid.empty:
        raise FileProblem(f"{path.name} is empty: its first sheet has no cells.", "empty", path.name)
    h = 0
    for i in range(min(HEADER_SCAN, len(grid))):
        cells = [str(v).strip() for v in grid.iloc[i].drop(ROW).tolist()]
        if find_header is None or find_header(cells):
            h = i
            break
    header = [str(v).strip() for v in grid.iloc[h].drop(ROW).tolist()]
    frame = grid.iloc[h + 1:].reset_index(drop=True)
    frame.columns = _dedupe_header([c if c else f"Unnamed: {i}" for i, c in enumerate(header)]) + [ROW]
    return RawTable(path, frame, None)


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
        raise FileProblem(
            f"{path.name} cannot be opened as a Parquet file ({type(exc).__name__}); the file is damaged or "
            "not Parquet. Export the table again, or use CSV (UTF-8) or .xlsx.",
            "corrupt_parquet", path.name, detail=type(exc).__name__) from exc
    frame.columns = _dedupe_header([str(c) for c in frame.columns])
    frame = frame.astype(object).map(_cell_text)
    frame[ROW] = range(2, len(frame) + 2)
    return RawTable(path, _drop_empty_rows(frame), None)


def read_table(path: str | Path, find_header: Callable[[list[str]], bool] | None = None) -> RawTable:
    """Read ``path`` (CSV, XLSX or Parquet) into raw text cells.

    The type is decided by the file's first bytes where they are clear (an
    .xlsx saved under a .csv name is read as a workbook), else by the suffix.
    ``find_header(cells)`` picks the header row among the top rows (title
    rows above it are skipped); without it the first non-empty row is the
    header. Rows of empty cells are skipped.

    Raises :class:`FileProblem` when the file is missing, empty, has a header
    and no data rows, is not a table (an image, a PDF, an old .xls), or cannot
    be decoded or parsed at all.
    """
    path = Path(path)
    if not path.exists():
        raise FileProblem(f"File not found: {path}. Check the path and try again.", "not_found", path.name)
    if path.is_dir():
        raise FileProblem(f"{path} is a folder, not a file.", "folder", path.name)
    suffix = path.suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(512)
    kind = sniff(head)
    if suffix == ".xls" or kind == "ole2":
        raise FileProblem(
            f"{path.name} is an old-style .xls workbook (or one protected by a password). "
            "Open it in Excel or WPS, remove any password and save it as .xlsx or CSV (UTF-8).",
            "old_xls", path.name)
    if kind == "xlsx" or (suffix in (".xlsx", ".xlsm") and kind is None):
        raw = _read_xlsx(path, find_header)
    elif kind == "parquet" or (suffix in (".parquet", ".pq") and kind is None and head):
        raw = _read_parquet(path)
    elif kind is not None:
        raise FileProblem(
            f"{path.name} is a {kind}, not a table. Expected a CSV, XLSX or Parquet file with a header row "
            "and one row per person or post.", "not_a_table", path.name, found=kind)
    elif suffix and suffix not in SUFFIXES:
        raise FileProblem(
            f"{path.name} has the file type {suffix}, which is not one of the table types read here. "
            "Expected .csv (UTF-8 or GBK), .xlsx or .parquet; a text export with comma-separated columns "
            "can be renamed to .csv.", "wrong_type", path.name, suffix=suffix)
    else:
        raw = _read_csv(path, find_header)
    if raw.frame.empty and not raw.broken_rows:
        header = [c for c in raw.frame.columns if c != ROW]
        if not header:
            raise FileProblem(f"{path.name} is empty: expected a header line and data rows.", "empty", path.name)
        shown = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
        raise FileProblem(
            f"{path.name} has a header row ({shown}) but no data rows: expected one row per person or post "
            "below the header.", "header_only", path.name, header=header)
    return raw
