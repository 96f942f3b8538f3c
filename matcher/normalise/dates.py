"""Dates (``2024-03-05``, ``2024年3月5日``, Excel serials) and ages (``45岁``).

Accepted date forms: ``2024-03-05``, ``2024/3/5``, ``2024.3.5``,
``2024年3月5日``, ``2024-03-05 10:00`` (time dropped), ``20240305``,
``2024-03`` / ``2024年3月`` (day 1), Excel serial numbers 20000..80000
(days since 1899-12-30, i.e. 1954-10-03 .. 2119-01-10; int, float or text),
and ``datetime``/``date``/``pandas.Timestamp``/``numpy.datetime64`` objects.
Year-only text (``1975``) is *not* a date: it is ``unknown``. Dates outside
:data:`MIN_YEAR`..:data:`MAX_YEAR` and impossible dates (``2023-02-30``) are
``unknown``. Every parser returns a status: ``ok``, ``missing`` (empty cell)
or ``unknown`` (text present but not a date); nothing raises.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from matcher.normalise.lists import is_missing, to_text

__all__ = [
    "MIN_YEAR", "MAX_YEAR", "MIN_AGE", "MAX_AGE", "EXCEL_EPOCH",
    "parse_date", "parse_dates", "parse_age", "age_from_birth",
]

MIN_YEAR = 1900
MAX_YEAR = 2100
#: Plausible ages of a person in the labour market, years.
MIN_AGE = 14
MAX_AGE = 100
#: Day zero of Excel's (1900 date system) serial numbers, as Excel counts them.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_MIN = 20000
EXCEL_SERIAL_MAX = 80000

_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*(?:日|号)?)?\s*(?:月)?"
    r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


def _make(year: int, month: int, day: int) -> tuple[dt.date | None, str]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None, "unknown"
    try:
        return dt.date(year, month, day), "ok"
    except ValueError:
        return None, "unknown"


def _from_serial(value: float) -> tuple[dt.date | None, str]:
    if not (math.isfinite(value) and EXCEL_SERIAL_MIN <= value <= EXCEL_SERIAL_MAX):
        return None, "unknown"
    return EXCEL_EPOCH + dt.timedelta(days=int(value)), "ok"


@lru_cache(maxsize=65536)
def _parse_date_text(text: str) -> tuple[dt.date | None, str]:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if not t:
        return None, "missing"
    m = _YMD.match(t)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    m = _COMPACT.match(t)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if _SERIAL.match(t):
        return _from_serial(float(t))
    return None, "unknown"


def parse_date(cell: object) -> tuple[dt.date | None, str]:
    """Read one date cell; returns ``(date or None, status)`` (see module docstring)."""
    if is_missing(cell):
        return None, "missing"
    if isinstance(cell, pd.Timestamp):
        return _make(cell.year, cell.month, cell.day)
    if isinstance(cell, dt.datetime):
        return _make(cell.year, cell.month, cell.day)
    if isinstance(cell, dt.date):
        return _make(cell.year, cell.month, cell.day)
    if isinstance(cell, np.datetime64):
        return parse_date(pd.Timestamp(cell))
    if isinstance(cell, bool):
        return None, "unknown"
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return _from_serial(float(cell))
    return _parse_date_text(cell if isinstance(cell, str) else str(cell))


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_date`: ``(datetime64[ns] Series, status Series)``.

    Same index as the input. Already-datetime columns pass through; strict
    ``YYYY-MM-DD`` text goes through one C-speed ``pd.to_datetime`` call; only
    the remaining cells are read by :func:`parse_date`, once per distinct value.
    Numeric columns are read as Excel serials.
    """
    index = series.index
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        values = values.dt.normalize().astype("datetime64[ns]")
        years = values.dt.year
        bad = values.notna() & ((years < MIN_YEAR) | (years > MAX_YEAR))
        values = values.mask(bad)
        status = pd.Series(np.where(values.notna(), "ok", np.where(bad, "unknown", "missing")),
                           index=index, dtype=object)
        return values, status

    n = len(series)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    status = np.full(n, "missing", dtype=object)
    if n == 0:
        return pd.Series(out, index=index), pd.Series(status, index=index, dtype=object)

    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        num = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        present = ~np.isnan(num)
        ok = present & (num >= EXCEL_SERIAL_MIN) & (num <= EXCEL_SERIAL_MAX)
        days = np.floor(num[ok]).astype("int64")
        out[ok] = np.datetime64(EXCEL_EPOCH, "ns") + days.astype("timedelta64[D]")
        status[present] = "unknown"
        status[ok] = "ok"
        return pd.Series(out, index=index), pd.Series(status, index=index, dtype=object)

    values = series.to_numpy(dtype=object)
    is_str = np.fromiter((isinstance(x, str) for x in values), dtype=bool, count=n)
    text = pd.Series(np.where(is_str, values, None), dtype=object)
    stripped = text.str.strip()
    iso = stripped.str.fullmatch(r"\d{4}-\d{2}-\d{2}", na=False).to_numpy(dtype=bool)
    if iso.any():
        fast = pd.to_datetime(stripped[iso], format="%Y-%m-%d", errors="coerce")
        fast_np = fast.to_numpy(dtype="datetime64[ns]")
        years = fast.dt.year.to_numpy(dtype=float, na_value=np.nan)
        good = ~np.isnat(fast_np) & (years >= MIN_YEAR) & (years <= MAX_YEAR)
        pos = np.flatnonzero(iso)[good]
        out[pos] = fast_np[good]
        status[pos] = "ok"
        done = np.zeros(n, dtype=bool)
        done[pos] = True
    else:
        done = np.zeros(n, dtype=bool)

    cache: dict[object, tuple[dt.date | None, str]] = {}
    for i in np.flatnonzero(~done):
        cell = values[i]
        key = cell if isinstance(cell, str) else (type(cell).__name__, repr(cell))
        res = cache.get(key)
        if res is None:
            res = parse_date(cell)
            cache[key] = res
        day, stat = res
        status[i] = stat
        if day is not None:
            out[i] = np.datetime64(day, "ns")
    return pd.Series(out, index=index), pd.Series(status, index=index, dtype=object)


def age_from_birth(birth: dt.date, on: dt.date) -> int:
    """Completed years between ``birth`` and ``on`` (the birthday counts on the day)."""
    if isinstance(birth, dt.datetime):
        birth = birth.date()
    if isinstance(on, dt.datetime):
        on = on.date()
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


_AGE = re.compile(r"^(?:年龄)?\s*(\d{1,3}(?:\.\d+)?)\s*(?:周岁|岁|years?(?: old)?|yrs?|y)?$")


@lru_cache(maxsize=4096)
def _parse_age_text(text: str) -> tuple[int | None, str]:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    m = _AGE.match(t)
    if not m:
        return None, "unknown"
    return _age_value(float(m.group(1)))


def _age_value(value: float) -> tuple[int | None, str]:
    if not math.isfinite(value):
        return None, "unknown"
    age = int(math.floor(value))
    if MIN_AGE <= age <= MAX_AGE:
        return age, "ok"
    return None, "unknown"


def parse_age(cell: object) -> tuple[int | None, str]:
    """Age in whole years from ``45``, ``45岁``, ``45周岁``, ``45.0``, ``４５``.

    Fractions are floored (completed years). Ages outside
    :data:`MIN_AGE`..:data:`MAX_AGE` are ``unknown``; empty cells ``missing``.
    """
    if is_missing(cell):
        return None, "missing"
    if isinstance(cell, bool):
        return None, "unknown"
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return _age_value(float(cell))
    return _parse_age_text(to_text(cell))
