"""Parsing and bounding of query-string and form values (no 500s from input).

Every view reads request values through these helpers. A value that cannot
be used either raises :class:`BadParam` (a 400 whose description is a
localised sentence naming the parameter and the value, shown on the error
page) or — for optional filters — is ignored and a visible note is flashed
on the page (``ignore=True`` / the wage filter).

Bounds: page numbers 0..``MAX_PAGE``; integers within the given range (and
always within a signed 64-bit column); floats finite (``inf``, ``nan`` and
``1e400`` are refused); dates ISO ``YYYY-MM-DD`` between 1900 and 2100;
free text cut to ``max_len`` characters with control characters removed.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from flask import flash, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

#: Highest page number a list accepts (50 rows a page: 500,000 rows deep).
MAX_PAGE = 10_000
#: Largest integer a database column holds (SQLite INTEGER, PostgreSQL BIGINT).
MAX_DB_INT = 2**63 - 1
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadParam(BadRequest):
    """A request value that cannot be used: 400 with a localised description."""

    localised = True

    def __init__(self, description: str) -> None:
        super().__init__(description=description)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` route parts limited to what a database column holds (else 404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_DB_INT)
        super().__init__(map, *args, **kwargs)


def _source(source):
    if source is not None:
        return source
    return request.form if request.method == "POST" else request.args


def _shown(value: str) -> str:
    """A value as quoted in a message: cut to 40 characters."""
    return value if len(value) <= 40 else value[:40] + "…"


def parse_text(name: str, *, max_len: int = 64, source=None) -> str:
    """A stripped text value without control characters, at most ``max_len`` long."""
    return _CONTROL.sub("", _source(source).get(name, "") or "").strip()[:max_len]


def parse_int(name: str, default: int | None = None, *, lo: int = 0, hi: int = MAX_DB_INT,
              source=None, ignore: bool = False) -> int | None:
    """An integer in ``lo..hi``; empty gives ``default``.

    Anything else (not digits, out of range) raises :class:`BadParam`, or —
    with ``ignore=True`` — flashes a note and gives ``default``.
    """
    text = parse_text(name, max_len=200, source=source)
    if text == "":
        return default
    value: int | None = None
    if re.fullmatch(r"[+-]?\d{1,19}", text):
        value = int(text)
    if value is None or not lo <= value <= hi:
        message = _("The value %(value)s of %(name)s is not a whole number from %(lo)s to %(hi)s.",
                    value=_shown(text), name=name, lo=lo, hi=hi)
        if ignore:
            flash(message + " " + _("It was ignored."), "warning")
            return default
        raise BadParam(message)
    return value


def parse_page(name: str = "page", *, source=None) -> int:
    """A page number 0..``MAX_PAGE`` (empty = 0); anything else is a 400."""
    return parse_int(name, 0, lo=0, hi=MAX_PAGE, source=source) or 0


def parse_float(name: str, default: float | None = None, *, lo: float = 0.0, hi: float = 1e12,
                source=None, ignore: bool = False) -> float | None:
    """A finite number in ``lo..hi`` (``inf``, ``nan``, ``1e400`` are refused)."""
    text = parse_text(name, max_len=200, source=source)
    if text == "":
        return default
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not lo <= value <= hi:
        lo_text, hi_text = f"{lo:g}", f"{hi:g}"
        message = _("The value %(value)s of %(name)s is not a number from %(lo)s to %(hi)s.",
                    value=_shown(text), name=name, lo=lo_text, hi=hi_text)
        if ignore:
            flash(message + " " + _("It was ignored."), "warning")
            return default
        raise BadParam(message)
    return value


def parse_wage(name: str = "min_wage", *, source=None) -> float | None:
    """A wage filter in yuan per month, read by the loader's wage normaliser
    (``5000``, ``5,000``, ``5千``, ``0.5万``); the lower end of a range.

    Unreadable or implausible values (``inf``, ``1e400``, ``abc``) are ignored
    with a visible note; empty gives None.
    """
    from matcher.normalise.wages import parse_wage as _parse

    text = parse_text(name, max_len=64, source=source)
    if text == "":
        return None
    parsed = _parse(text)
    value = parsed.min if parsed.min is not None else parsed.max
    if value is None or not math.isfinite(value) or value < 0:
        flash(_("The wage %(value)s could not be read (write e.g. 4000, 4,000 or 4千); the wage filter "
                "was ignored.", value=_shown(text)), "warning")
        return None
    return float(value)


def parse_date(name: str, default: dt.date | None = None, *, source=None,
               ignore: bool = False) -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``) between 1900 and 2100; empty gives ``default``."""
    text = parse_text(name, max_len=64, source=source)
    if text == "":
        return default
    try:
        value = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        value = None
    if value is None or not MIN_DATE <= value <= MAX_DATE:
        message = _("The date %(value)s of %(name)s is not a date written as YYYY-MM-DD.",
                    value=_shown(text), name=name)
        if ignore:
            flash(message + " " + _("It was ignored."), "warning")
            return default
        raise BadParam(message)
    return value


def parse_choice(name: str, choices, default: str = "", *, source=None) -> str:
    """One of ``choices`` (exact); anything else gives ``default``."""
    text = parse_text(name, max_len=64, source=source)
    return text if text in choices else default
