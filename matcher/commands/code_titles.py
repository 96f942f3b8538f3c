"""``matcher code-titles``: code a column of job titles to CSCO 2022 codes.

Reads CSV (UTF-8, UTF-8 with BOM or GB18030/GBK, tried in that order), XLSX
or Parquet, and writes one row per (input, rank) with the columns
``input, rank, code, name, score, confidence, decision`` as CSV in UTF-8 with
BOM (Excel opens it with the Chinese intact). ``confidence`` is the calibrated
probability that the rank-1 code is right; ``decision`` is ``auto`` when it
reaches the threshold (default: the shipped calibration's, >= 90 % top-1
precision in cross-validation) and ``review`` otherwise — the same on every
rank row of one input. A title to review keeps its top-k suggestions.
``source`` says where the rank-1 code comes from: ``model``, or with
``--code-column`` also ``given`` or ``office`` (see below).

``--code-column`` names a column of codes the office already gave (e.g.
``csco_code`` of a vacancies file). A row with a code keeps it (rank 1,
confidence 1, ``source`` ``given``, the model's other suggestions after it).
Those rows are also the office's own vocabulary: a title without a code whose
cleaned form the office coded alike on enough rows (2 or more, all with one
code; on the development titles such a code is right 93-97 % of the time, a
single coded copy only 83 %) takes that code automatically (``source``
``office``).
"""
from __future__ import annotations

import io
import time
from pathlib import Path

import click
import pandas as pd


def read_titles(path: Path, column: str) -> list[str]:
    """Titles from ``column`` of a CSV/XLSX/Parquet file (empty cells become ``""``).

    The column name matches case-insensitively, ignoring surrounding spaces.
    Raises :class:`click.ClickException` naming the file and the columns found
    when the file is missing, unreadable or lacks the column.
    """
    return read_columns(path, [column])[0]


def read_columns(path: Path, columns: list[str]) -> list[list[str]]:
    """The cells of each of ``columns`` (as in :func:`read_titles`), read from one file."""
    if not path.is_file():
        raise click.ClickException(f"Input file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            from matcher.io.readers import FileProblem, decode_text

            try:
                text = decode_text(path.read_bytes(), path.name)[0]
            except FileProblem as exc:
                raise click.ClickException(str(exc)) from None
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except click.ClickException:
        raise
    except Exception as exc:  # pandas/openpyxl/pyarrow raise many types for a bad file
        raise click.ClickException(f"Cannot read {path.name}: {exc}") from exc
    out = []
    for column in columns:
        wanted = column.strip().lower()
        matches = [c for c in frame.columns if str(c).strip().lower() == wanted]
        if not matches:
            found = ", ".join(str(c) for c in frame.columns) or "(none)"
            raise click.ClickException(
                f"Column '{column}' not found in {path.name}; columns found: {found}. "
                "Pass the title column with --column (and the code column with --code-column)."
            )
        values = frame[matches[0]]
        out.append(["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in values])
    return out


@click.command("code-titles")
@click.option("--in", "in_path", required=True, type=click.Path(path_type=Path), help="CSV, XLSX or Parquet file.")
@click.option("--column", required=True, help="Name of the column holding the job titles.")
@click.option("--top-k", default=10, show_default=True, type=click.IntRange(min=1), help="Codes per title.")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path), help="Output CSV file.")
@click.option("--threshold", default=None, type=click.FloatRange(0, 1),
              help="Confidence at which a title is coded automatically (default: the shipped calibration's).")
@click.option("--code-column", default=None,
              help="Column of codes the office already gave (e.g. csco_code): titles without a code that "
                   "the office coded alike on 2+ rows take that code.")
def command(in_path: Path, column: str, top_k: int, out_path: Path, threshold: float | None,
            code_column: str | None) -> None:
    """Code job titles to the 2022 occupational classification (top-k codes with calibrated scores)."""
    from matcher.errors import InputFileError
    from matcher.occupations.coder import default_coder

    if code_column:
        titles, given = read_columns(in_path, [column, code_column])
    else:
        titles, given = read_titles(in_path, column), None
    start = time.perf_counter()
    coder = default_coder()
    fitted = time.perf_counter()
    if given is not None:
        try:
            coder = coder.with_office_codes(titles, given)
        except InputFileError as exc:
            raise click.ClickException(f"{in_path.name}, column '{code_column}': {exc}") from exc
    try:
        table = coder.code_frame(titles, k=top_k, threshold=threshold, given=given)
    except InputFileError as exc:
        raise click.ClickException(f"{in_path.name}, column '{code_column}': {exc}") from exc
    done = time.perf_counter()
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(out_path, index=False, encoding="utf-8-sig", float_format="%.4f")
    except OSError as exc:
        raise click.ClickException(f"Cannot write {out_path}: {exc}") from exc
    firsts = table[table["rank"] == 1]
    n_given = int((firsts["source"] == "given").sum())
    n_auto = int((firsts["decision"] == "auto").sum()) - n_given
    n_office = int((firsts["source"] == "office").sum())
    click.echo(
        f"Coded {len(titles)} titles from {in_path.name} (column '{column}') into {out_path} "
        f"(top {top_k}; fit {fitted - start:.1f} s, coding {done - fitted:.1f} s): "
        + (f"{n_given} carry a code in the file, " if code_column else "")
        + f"{n_auto} coded automatically" + (f" ({n_office} like the office's identical titles)" if n_office else "")
        + f", {len(firsts) - n_given - n_auto} to review."
    )
