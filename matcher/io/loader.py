"""Load seekers, vacancies and outcomes: map headers, normalise, quarantine.

``load_seekers(path)`` / ``load_vacancies(path)`` / ``load_outcomes(path)``
return a :class:`LoadResult`: the normalised frame (columns documented in
:mod:`matcher.schema`), the rejected rows and the warnings, each naming the
file, the row as the user sees it in Excel, the column, the raw value and a
reason a clerk understands. Counts always reconcile:
``read == accepted + rejected``; ``warned`` counts accepted rows with at least
one warning.

A row is rejected only when it cannot be used at all: no id, a duplicate id
(the second copy is rejected and the first named), or an unreadable required
field. Everything else is accepted, with a warning where a value could not be
understood (the raw text is kept).
"""
from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from matcher import vocab
from matcher.io.readers import ROW, FileProblem, read_table
from matcher.normalise import dates, districts, education, lists, people, wages, yesno
from matcher.occupations.taxonomy import is_code
from matcher.schema import (
    LISTS_SHOWN,
    OUTCOMES,
    SEEKER_COLUMNS,
    TABLES,
    VACANCY_COLUMNS,
    Column,
)

ISSUE_COLUMNS = ["file", "row", "column", "value", "reason"]


@dataclass
class LoadResult:
    """What loading one file produced. ``frame`` holds accepted rows only."""

    table: str
    path: Path
    frame: pd.DataFrame
    rejects: pd.DataFrame
    warnings: pd.DataFrame
    encoding: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # file-level remarks (e.g. duplicate headers)

    @property
    def counts(self) -> dict[str, int]:
        read = len(self.frame) + self.n_rejected
        warned = int(self.warnings["row"].nunique()) if len(self.warnings) else 0
        return {"read": read, "accepted": len(self.frame), "warned": warned, "rejected": self.n_rejected}

    @property
    def n_rejected(self) -> int:
        return int(self.rejects["row"].nunique()) if len(self.rejects) else 0

    def summary_line(self) -> str:
        c = self.counts
        return (f"{self.path.name}: read {c['read']}, accepted {c['accepted']} "
                f"({c['warned']} with warnings), rejected {c['rejected']}")


class _Issues:
    """Collects rejects and warnings as column arrays (fast for 100k rows)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.parts: list[pd.DataFrame] = []

    def add(self, rows: Iterable[int], column: str, values: Iterable[object], reason: str | Iterable[str]) -> None:
        rows = list(rows)
        if not rows:
            return
        values = ["" if v is None else str(v)[:200] for v in values]
        reasons = [reason] * len(rows) if isinstance(reason, str) else list(reason)
        self.parts.append(pd.DataFrame({"file": self.file, "row": rows, "column": column,
                                        "value": values, "reason": reasons}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype=object if c != "row" else "int64") for c in ISSUE_COLUMNS})
        out = pd.concat(self.parts, ignore_index=True)
        out["row"] = out["row"].astype("int64")
        return out.sort_values(["row", "column"], kind="stable").reset_index(drop=True)


def _norm_header(h: str) -> str:
    return unicodedata.normalize("NFKC", str(h)).strip().lower()


def map_columns(columns: Iterable[str], spec: tuple[Column, ...]) -> tuple[dict[str, str], list[str]]:
    """Map input headers to canonical names. Returns (input→canonical, duplicates ignored)."""
    lookup: dict[str, str] = {}
    for col in spec:
        for key in (col.name, *col.zh, *col.aliases):
            lookup.setdefault(_norm_header(key), col.name)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    dupes: list[str] = []
    for h in columns:
        canon = lookup.get(_norm_header(h))
        if canon is None:
            continue
        if canon in taken:
            dupes.append(h)
            continue
        mapping[h] = canon
        taken.add(canon)
    return mapping, dupes


def _missing_required_error(path: Path, table: str, spec: tuple[Column, ...], found: list[str]) -> FileProblem:
    have = set(map_columns(found, spec)[0].values())
    missing = [c for c in spec if c.required and c.name not in have]
    names = ", ".join(f"'{c.name}' ({c.zh[0]})" for c in missing)
    shown = ", ".join(repr(f) for f in found[:15]) or "none"
    if len(found) > 15:
        shown += f", … ({len(found)} in all)"
    looks = [t for t, other in TABLES.items() if t != table
             and {c.name for c in other if c.required} <= set(map_columns(found, other)[0].values())]
    hint = (f" These columns look like a {looks[0]} file: check that you chose the right file."
            if looks else " Check that you chose the right file.")
    return FileProblem(
        f"{path.name} cannot be loaded as a {table} file: it has no column for {names}. "
        f"Columns found: {shown}. Expected the English names or Chinese headers listed in "
        f"docs/input-format.md or printed by `matcher schema` (for example "
        f"{', '.join(c.name + '/' + c.zh[0] for c in spec[:4])}).{hint}",
        "wrong_columns", path.name, table=table, missing=[c.name for c in missing],
        missing_zh=[c.zh[0] for c in missing], found=list(found[:30]), looks_like=looks[0] if looks else None)


#: Cells that mark a total row of a station's export (not a person or a post).
TOTAL_MARKS = ("合计", "小计", "总计", "共计", "total", "subtotal")


def _is_total(cells: Iterable[object]) -> bool:
    for v in cells:
        if isinstance(v, str) and v.strip():
            t = unicodedata.normalize("NFKC", v).strip().lower().replace(" ", "").rstrip(":：")
            return t in TOTAL_MARKS
    return False


def _map_unique(series: pd.Series, fn: Callable[[object], object]) -> pd.Series:
    """Apply a pure per-cell parser once per distinct value (lists compared by content)."""
    if pd.api.types.infer_dtype(series, skipna=False) in ("string", "empty"):
        codes, uniques = pd.factorize(series, use_na_sentinel=False)
        results = np.empty(len(uniques), dtype=object)
        results[:] = [fn(u) for u in uniques]
        return pd.Series(results[codes], index=series.index, dtype=object)
    cache: dict[object, object] = {}
    out = []
    for v in series:
        key = tuple(v) if isinstance(v, list) else v
        try:
            r = cache[key]
        except KeyError:
            r = cache[key] = fn(v)
        except TypeError:  # an unhashable cell
            r = fn(v)
        out.append(r)
    return pd.Series(out, index=series.index, dtype=object)


def _strip(series: pd.Series) -> pd.Series:
    """Strip surrounding spaces of a text column, once per distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    stripped = np.empty(len(uniques), dtype=object)
    stripped[:] = [u.strip() for u in uniques]
    return pd.Series(stripped[codes], index=series.index, dtype=object)


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped text ('' for empty). Cheap when the reader already gave stripped str."""
    if pd.api.types.infer_dtype(series, skipna=False) in ("string", "empty"):
        return series
    return series.map(lambda v: "" if v is None or (isinstance(v, float) and v != v)
                      else (v if isinstance(v, str) else str(v))).str.strip()


def _prepare(path: str | Path, table: str) -> tuple[pd.DataFrame, _Issues, _Issues, dict[str, str], str | None, Path, list[str]]:
    spec = TABLES[table]
    required = [c.name for c in spec if c.required]

    def is_header(cells: list[str]) -> bool:
        return set(required) <= set(map_columns(cells, spec)[0].values())

    raw = read_table(path, find_header=is_header)
    p = raw.path
    frame = raw.frame
    found = [c for c in frame.columns if c != ROW]
    mapping, dupes = map_columns(found, spec)
    if not set(required) <= set(mapping.values()):
        raise _missing_required_error(p, table, spec, found)
    cells = frame.drop(columns=[ROW]).iloc[:, :3]  # a total row says so in its first cells
    total = pd.Series([_is_total(r) for r in cells.itertuples(index=False)], index=frame.index, dtype=bool) \
        if len(frame) else pd.Series([], dtype=bool)
    totals = frame.loc[total]
    frame = frame.loc[~total].reset_index(drop=True)
    frame = frame.rename(columns=mapping)
    for c in frame.columns:
        if c != ROW and pd.api.types.infer_dtype(frame[c], skipna=False) == "string":
            frame[c] = _strip(frame[c])
    rejects, warns = _Issues(p.name), _Issues(p.name)
    notes = [f"重复列 duplicate column '{d}' means the same as an earlier column; it is kept as an extra "
             "column and not used" for d in dupes]
    for b in raw.broken_rows:
        rejects.add([b["row"]], "", [b["value"]], b["reason"])
    if len(totals):
        rejects.add(totals[ROW], "", ["; ".join(str(v) for v in r if isinstance(v, str) and v.strip())[:200]
                                      for r in totals.drop(columns=[ROW]).itertuples(index=False)],
                    "合计行 total row (合计/小计) of the export, not a person or a post; not imported")
    return frame, rejects, warns, mapping, raw.encoding, p, notes


def _reject_ids(frame: pd.DataFrame, id_col: str, rejects: _Issues, zh: str) -> pd.Series:
    """Mark rows without id or with a duplicate id. Returns a keep mask."""
    ids = _text(frame[id_col])
    frame[id_col] = ids
    empty = ids == ""
    rejects.add(frame.loc[empty, ROW], id_col, [""] * int(empty.sum()),
                f"缺少编号 missing {id_col} ({zh}): the row cannot be identified")
    dup = ids.duplicated(keep="first") & ~empty
    if dup.any():
        first_row = frame.loc[~empty].drop_duplicates(id_col).set_index(id_col)[ROW]
        rows = frame.loc[dup, ROW]
        vals = ids[dup]
        reasons = [f"编号重复 duplicate {id_col} '{v}': first seen in row {first_row[v]}; this copy is not used"
                   for v in vals]
        rejects.add(rows, id_col, vals, reasons)
    return ~(empty | dup)


def _warn_status(frame: pd.DataFrame, col: str, status: pd.Series, warns: _Issues, reason: str,
                 bad: Iterable[str] = ("unknown",)) -> None:
    mask = status.isin(list(bad))
    if mask.any():
        warns.add(frame.loc[mask, ROW], col, frame.loc[mask, col], reason)


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([""] * len(frame), index=frame.index, dtype=object)


def _parse_dates_col(frame: pd.DataFrame, name: str, warns: _Issues, label: str) -> pd.Series:
    col = _col(frame, name)
    if name not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    values, status = dates.parse_dates(col)
    _warn_status(frame, name, status, warns, f"日期无法识别 unreadable {label} date; expected YYYY-MM-DD")
    return pd.to_datetime(values).astype("datetime64[ns]")


def _education(frame: pd.DataFrame, name: str, warns: _Issues) -> tuple[pd.Series, pd.Series]:
    col = _text(_col(frame, name))
    parsed = _map_unique(col, education.parse_education)
    level = pd.array([p.level for p in parsed], dtype="Int64")
    status = parsed.map(lambda p: p.status)
    if name in frame.columns:
        _warn_status(frame, name, status, warns,
                     "学历无法识别 unknown education level; kept as written, treated as unknown. Expected one of "
                     + "、".join(education.LEVELS))
    return pd.Series(level, index=frame.index), col


def _wage(frame: pd.DataFrame, name: str, warns: _Issues) -> pd.DataFrame:
    col = _text(_col(frame, name))
    parsed = _map_unique(col, wages.parse_wage)
    return _wage_frame(frame, name, parsed, col, warns)


def _wage_frame(frame: pd.DataFrame, name: str, parsed: pd.Series, raw: pd.Series, warns: _Issues) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "min": [np.nan if p.min is None else float(p.min) for p in parsed],
            "max": [np.nan if p.max is None else float(p.max) for p in parsed],
            "negotiable": [bool(p.negotiable) for p in parsed],
            "flags": [list(p.flags) for p in parsed],
            "raw": raw.values,
        },
        index=frame.index,
    )
    bad = out["flags"].map(lambda f: "unparsed" in f or "implausible" in f)
    if bad.any() and name in frame.columns:
        warns.add(frame.loc[bad, ROW], name, raw[bad],
                  "薪资无法识别 wage not understood; kept as written and treated as unknown "
                  "(expected e.g. 3000-5000, 3千-5千, 150元/天, 面议)")
    return out


def _yesno(frame: pd.DataFrame, name: str, warns: _Issues) -> pd.Series:
    col = _text(_col(frame, name))
    parsed = _map_unique(col, yesno.parse_yesno)
    status = parsed.map(lambda p: p[1])
    if name in frame.columns:
        _warn_status(frame, name, status, warns, "是/否无法识别 expected yes/no (是/否, 有/无, 1/0); treated as unknown")
    return pd.Series(pd.array([p[0] for p in parsed], dtype="boolean"), index=frame.index)


def _district(frame: pd.DataFrame, name: str, warns: _Issues) -> tuple[pd.Series, pd.Series]:
    col = _text(_col(frame, name))
    parsed = _map_unique(col, districts.parse_district)
    names = parsed.map(lambda d: d.name if d.name is not None else (d.raw or None))
    klass = parsed.map(lambda d: d.klass)
    if name in frame.columns:
        unknown = (klass == "unknown") & (col != "")
        if unknown.any():
            warns.add(frame.loc[unknown, ROW], name, col[unknown],
                      "区县无法识别 district not recognised; kept as written, distance unknown. Expected one of "
                      + "、".join(districts.DISTRICTS))
    return names, klass


def _lists(frame: pd.DataFrame, name: str) -> pd.Series:
    return _map_unique(_col(frame, name), lists.split_list)


def _finish(table: str, path: Path, frame: pd.DataFrame, keep: pd.Series, rejects: _Issues, warns: _Issues,
            mapping: dict[str, str], encoding: str | None, columns: list[str], notes: list[str]) -> LoadResult:
    out = frame.loc[keep, columns + [c for c in frame.columns if c not in columns and c != ROW] + [ROW]]
    out = out.rename(columns={ROW: "source_row"}).reset_index(drop=True)
    rej = rejects.frame()
    rejected_rows = set(rej["row"].tolist())
    w = warns.frame()
    if len(w):  # a rejected row's other problems are moot
        w = w[~w["row"].isin(rejected_rows)].reset_index(drop=True)
    return LoadResult(table, path, out, rej, w, encoding, mapping, notes)


def load_seekers(path: str | Path, reference_date: _dt.date | None = None) -> LoadResult:
    """Load and normalise a seekers file. See :mod:`matcher.schema` for the columns.

    ``reference_date`` (default today) is used to compute ages from birth dates.
    Raises :class:`InputFileError` for files that cannot be read at all.
    """
    ref = reference_date or _dt.date.today()
    frame, rejects, warns, mapping, enc, p, notes = _prepare(path, "seekers")
    keep = _reject_ids(frame, "seeker_id", rejects, "求职者编号")
    n = len(frame)
    out = pd.DataFrame(index=frame.index)
    out["seeker_id"] = frame["seeker_id"]
    for c in ("name", "id_number", "phone"):
        col = _text(_col(frame, c))
        out[c] = col.where(col != "", None)
    gender = _map_unique(_text(_col(frame, "gender")), people.parse_gender)
    out["gender"] = gender.map(lambda g: g[0])
    if "gender" in frame.columns:
        _warn_status(frame, "gender", gender.map(lambda g: g[1]), warns,
                     "性别无法识别 gender not recognised (expected 男/女, M/F); kept as unknown")
    birth = _parse_dates_col(frame, "birth_date", warns, "birth")
    out["birth_date"] = birth
    age_col = _text(_col(frame, "age"))
    ages = _map_unique(age_col, dates.parse_age)
    age_direct = pd.array([a[0] for a in ages], dtype="Int64")
    if "age" in frame.columns:
        _warn_status(frame, "age", ages.map(lambda a: a[1]), warns,
                     "年龄无法识别 age not understood (expected whole years 14-100)")
    ref_ts = pd.Timestamp(ref)
    years = ref_ts.year - birth.dt.year
    before_bday = (birth.dt.month > ref_ts.month) | ((birth.dt.month == ref_ts.month) & (birth.dt.day > ref_ts.day))
    from_birth = (years - before_bday.astype(int)).astype("Int64")
    from_birth = from_birth.where((from_birth >= 10) & (from_birth <= 110))
    out["age"] = from_birth.fillna(pd.Series(age_direct, index=frame.index)).astype("Int64")
    out["district"], out["district_class"] = _district(frame, "district", warns)
    hukou = _map_unique(_text(_col(frame, "hukou")), people.parse_hukou)
    out["hukou"] = hukou.map(lambda h: h[0])
    if "hukou" in frame.columns:
        _warn_status(frame, "hukou", hukou.map(lambda h: h[1]), warns,
                     "户籍无法识别 household registration not recognised (expected 城镇/农村); kept as unknown")
    out["education_level"], out["education_raw"] = _education(frame, "education", warns)
    out["skills"] = _lists(frame, "skills")
    out["certificates"] = _lists(frame, "certificates")
    exp = _map_unique(_col(frame, "experience"), lists.parse_experience)
    out["experience"] = exp.map(lambda e: e[0])
    probs = exp.map(lambda e: e[1])
    has_prob = probs.map(bool)
    if has_prob.any():
        warns.add(frame.loc[has_prob, ROW], "experience", frame.loc[has_prob, "experience"],
                  ["工作年限无法识别 years not understood in: " + "; ".join(pr) + " (title kept)" for pr in probs[has_prob]])
    out["summary"] = _text(_col(frame, "summary"))
    out["desired_titles"] = _lists(frame, "desired_titles")
    w = _wage(frame, "expected_wage", warns)
    out["expected_wage_min"] = w["min"]
    out["expected_wage_max"] = w["max"]
    out["expected_wage_negotiable"] = w["negotiable"]
    out["expected_wage_raw"] = w["raw"]
    pref = _lists(frame, "preferred_districts")
    pref_parsed = _map_unique(pref, lambda items: [districts.parse_district(i) for i in items])
    out["preferred_districts"] = pref_parsed.map(lambda ds: [d.name for d in ds if d.name])
    bad_pref = pref_parsed.map(lambda ds: [d.raw for d in ds if d.klass == "unknown"])
    has_bad = bad_pref.map(bool)
    if has_bad.any():
        warns.add(frame.loc[has_bad, ROW], "preferred_districts", bad_pref[has_bad].map("、".join),
                  "意向区县无法识别 preferred district not recognised; ignored for distance")
    out["accepts_shift_work"] = _yesno(frame, "accepts_shift_work", warns)
    groups = _map_unique(_col(frame, "priority_groups"), people.parse_priority_groups)
    declared = groups.map(lambda g: g[0])
    bad_groups = groups.map(lambda g: g[1])
    has_bad = bad_groups.map(bool)
    if has_bad.any():
        warns.add(frame.loc[has_bad, ROW], "priority_groups", bad_groups[has_bad].map("、".join),
                  "重点群体无法识别 unknown priority group; expected 4045人员, 零就业家庭, 农民工, 高校毕业生, 残疾人, 退役军人")
    out["registered_on"] = _parse_dates_col(frame, "registered_on", warns, "registration")
    derive_in = pd.DataFrame({
        "gender": out["gender"], "age": out["age"], "hukou": out["hukou"],
        "priority_groups": declared, "registered_unemployed": out["registered_on"].notna(),
    })
    out["priority_groups"] = people.derive_groups_frame(derive_in) if n else declared
    out["is_4045"] = out["priority_groups"].map(lambda g: "4045" in g).astype(bool)
    out["is_rural_migrant"] = out["priority_groups"].map(lambda g: "rural_migrant" in g).astype(bool)
    columns = list(out.columns)
    for c in frame.columns:
        if c not in out.columns and c not in {s.name for s in SEEKER_COLUMNS}:
            out[c] = frame[c]
    out[ROW] = frame[ROW]
    return _finish("seekers", p, out, keep, rejects, warns, mapping, enc, columns, notes)


def load_vacancies(path: str | Path) -> LoadResult:
    """Load and normalise a vacancies file. See :mod:`matcher.schema` for the columns."""
    frame, rejects, warns, mapping, enc, p, notes = _prepare(path, "vacancies")
    keep = _reject_ids(frame, "vacancy_id", rejects, "岗位编号")
    out = pd.DataFrame(index=frame.index)
    out["vacancy_id"] = frame["vacancy_id"]
    out["employer"] = _text(_col(frame, "employer"))
    title = _text(_col(frame, "title"))
    no_title = (title == "") & keep
    rejects.add(frame.loc[no_title, ROW], "title", [""] * int(no_title.sum()),
                "缺少岗位名称 missing title (岗位名称): a post without a title cannot be matched")
    keep = keep & ~no_title
    out["title"] = title
    out["description"] = _text(_col(frame, "description"))
    code = _text(_col(frame, "csco_code"))
    valid = code.map(is_code)
    bad_code = (code != "") & ~valid
    if bad_code.any():
        warns.add(frame.loc[bad_code, ROW], "csco_code", code[bad_code],
                  "职业代码格式不对 occupation code not in the form 6-18-02-04; it will be coded from the title")
    out["csco_code"] = code.where(valid, None)
    out["required_skills"] = _lists(frame, "required_skills")
    out["preferred_skills"] = _lists(frame, "preferred_skills")
    out["certificates_required"] = _lists(frame, "certificates_required")
    out["education_min_level"], out["education_raw"] = _education(frame, "education_min", warns)
    if "wage" in frame.columns and _text(frame["wage"]).ne("").any():
        w = _wage(frame, "wage", warns)
        if "wage_min" in frame.columns or "wage_max" in frame.columns:
            pair = _wage_pair(frame, warns)
            use_pair = w["min"].isna() & w["max"].isna() & ~w["negotiable"]
            w = w.where(~use_pair, pair)
    elif "wage_min" in frame.columns or "wage_max" in frame.columns:
        w = _wage_pair(frame, warns)
    else:
        w = _wage(frame, "wage", warns)
    out["wage_min"] = w["min"].astype(float)
    out["wage_max"] = w["max"].astype(float)
    out["wage_negotiable"] = w["negotiable"].astype(bool)
    out["wage_raw"] = w["raw"]
    op_raw = _text(_col(frame, "openings"))
    op = pd.to_numeric(op_raw.map(lambda s: unicodedata.normalize("NFKC", s).rstrip("人名个 ")), errors="coerce")
    bad_op = (op_raw != "") & (op.isna() | (op < 1) | (op % 1 != 0))
    if bad_op.any():
        warns.add(frame.loc[bad_op, ROW], "openings", op_raw[bad_op],
                  "招聘人数无法识别 openings must be a whole number ≥ 1; 1 assumed")
    out["openings"] = op.where(~bad_op & op.notna(), 1).astype(int)
    out["district"], out["district_class"] = _district(frame, "district", warns)
    for c in ("shift_work", "lodging", "social_insurance", "public_welfare"):
        out[c] = _yesno(frame, c, warns)
    amin = _map_unique(_text(_col(frame, "age_min")), dates.parse_age)
    amax = _map_unique(_text(_col(frame, "age_max")), dates.parse_age)
    areq = _map_unique(_text(_col(frame, "age_requirement")), people.parse_age_requirement)
    out["age_min"] = pd.Series(pd.array([a[0] for a in amin], dtype="Int64"), index=frame.index).fillna(
        pd.Series(pd.array([a[0] for a in areq], dtype="Int64"), index=frame.index))
    out["age_max"] = pd.Series(pd.array([a[0] for a in amax], dtype="Int64"), index=frame.index).fillna(
        pd.Series(pd.array([a[1] for a in areq], dtype="Int64"), index=frame.index))
    for c, parsed in (("age_min", amin), ("age_max", amax)):
        if c in frame.columns:
            _warn_status(frame, c, parsed.map(lambda a: a[1]), warns, "年龄无法识别 age not understood; ignored")
    graw = _text(_col(frame, "gender_requirement"))
    out["gender_requirement"] = _map_unique(graw, people.parse_gender_requirement)
    out["gender_requirement_raw"] = graw
    out["posted_on"] = _parse_dates_col(frame, "posted_on", warns, "posting")
    out["expires_on"] = _parse_dates_col(frame, "expires_on", warns, "expiry")
    columns = list(out.columns)
    for c in frame.columns:
        if c not in out.columns and c not in {s.name for s in VACANCY_COLUMNS}:
            out[c] = frame[c]
    out[ROW] = frame[ROW]
    return _finish("vacancies", p, out, keep, rejects, warns, mapping, enc, columns, notes)


def _wage_pair(frame: pd.DataFrame, warns: _Issues) -> pd.DataFrame:
    lo = _text(_col(frame, "wage_min"))
    hi = _text(_col(frame, "wage_max"))
    pairs = pd.Series(list(zip(lo, hi)), index=frame.index)
    parsed = _map_unique(pairs, lambda t: wages.parse_wage_pair(t[0], t[1]))
    raw = lo.where(hi == "", lo + "-" + hi)
    return _wage_frame(frame, "wage_min", parsed, raw, warns)


def load_outcomes(path: str | Path, seeker_ids: Iterable[str] | None = None,
                  vacancy_ids: Iterable[str] | None = None) -> LoadResult:
    """Load the outcome event log. Rows naming unknown seekers/vacancies are rejected
    when the id sets are given; an unknown outcome or unreadable date rejects the row,
    and so does an event out of order for its pair (see
    :func:`matcher.outcomes.events.check_order`: left before hired, a follow-up after
    the person left, an event before the referral …). An unreadable ``rank_shown`` or
    ``list_shown`` is a warning (the cell is ignored); ``reason`` is mapped to its code
    (``wage``, ``commute`` …) when recognised and kept as written otherwise."""
    from matcher.outcomes.events import check_order

    frame, rejects, warns, mapping, enc, p, notes = _prepare(path, "outcomes")
    out = pd.DataFrame(index=frame.index)
    keep = pd.Series(True, index=frame.index)
    for c, zh, known, table in (("seeker_id", "求职者编号", seeker_ids, "seekers"),
                                ("vacancy_id", "岗位编号", vacancy_ids, "vacancies")):
        ids = _text(frame[c])
        out[c] = ids
        empty = ids == ""
        rejects.add(frame.loc[empty, ROW], c, [""] * int(empty.sum()), f"缺少编号 missing {c} ({zh})")
        keep &= ~empty
        if known is not None:
            known = set(known)
            unknown = ~ids.isin(known) & ~empty
            rejects.add(frame.loc[unknown, ROW], c, ids[unknown],
                        f"编号不存在 {c} not found in the {table} file; the outcome cannot be linked")
            keep &= ~unknown
    values, status = dates.parse_dates(frame["date"])
    bad = status != "ok"
    rejects.add(frame.loc[bad, ROW], "date", frame.loc[bad, "date"], "日期无法识别 missing or unreadable date (expected YYYY-MM-DD)")
    keep &= ~bad
    out["date"] = pd.to_datetime(values).astype("datetime64[ns]")
    oc = _text(frame["outcome"]).str.lower()
    oc = oc.map(lambda s: vocab.code_of("outcome", s) or s)
    bad = ~oc.isin(OUTCOMES)
    rejects.add(frame.loc[bad, ROW], "outcome", frame.loc[bad, "outcome"],
                "结果无法识别 unknown outcome; expected one of " + ", ".join(OUTCOMES))
    keep &= ~bad
    out["outcome"] = oc
    out["reason"] = _outcome_reason(_text(_col(frame, "reason")))
    out["rank_shown"] = _outcome_rank(frame, warns)
    out["list_shown"] = _outcome_list(frame, warns)
    out["staff"] = _text(_col(frame, "staff"))
    order = check_order(out.loc[keep])
    if order:
        idx = list(order)
        rejects.add(frame.loc[idx, ROW], "outcome", frame.loc[idx, "outcome"], [order[i] for i in idx])
        keep.loc[idx] = False
    columns = list(out.columns)
    out[ROW] = frame[ROW]
    return _finish("outcomes", p, out, keep, rejects, warns, mapping, enc, columns, notes)


def _outcome_reason(raw: pd.Series) -> pd.Series:
    """Reasons for leaving mapped to their codes (``工资低`` → ``wage``); others kept as written."""
    return raw.map(lambda s: vocab.code_of("leave_reason", s) or s)


def _outcome_rank(frame: pd.DataFrame, warns: _Issues) -> pd.Series:
    raw = _text(_col(frame, "rank_shown"))
    num = pd.to_numeric(raw.map(lambda s: unicodedata.normalize("NFKC", s).strip().lstrip("第").rstrip("位名 ")),
                        errors="coerce")
    bad = (raw != "") & (num.isna() | (num < 1) | (num % 1 != 0))
    warns.add(frame.loc[bad, ROW], "rank_shown", raw[bad],
              "推荐位次无法识别 rank_shown must be a whole number ≥ 1 (1 = top of the list); ignored")
    return pd.Series(pd.array(num.where(~bad).round(), dtype="Int64"), index=frame.index)


def _outcome_list(frame: pd.DataFrame, warns: _Issues) -> pd.Series:
    raw = _text(_col(frame, "list_shown"))
    zh = {"普通": "plain", "推荐列表": "plain", "容量": "capacity", "搜索": "search", "查询": "search"}
    val = raw.str.lower().map(lambda s: zh.get(s) or vocab.code_of("list_shown", s) or s)
    bad = (val != "") & ~val.isin(LISTS_SHOWN)
    warns.add(frame.loc[bad, ROW], "list_shown", raw[bad],
              "推荐列表无法识别 list_shown must be one of " + ", ".join(LISTS_SHOWN) + "; ignored")
    return val.where(~bad, "")


@dataclass
class Market:
    """A loaded market: seekers, vacancies and (optionally) outcomes."""

    seekers: LoadResult
    vacancies: LoadResult
    outcomes: LoadResult | None = None

    def results(self) -> list[LoadResult]:
        return [r for r in (self.seekers, self.vacancies, self.outcomes) if r is not None]

    def rejects(self) -> pd.DataFrame:
        return pd.concat([r.rejects for r in self.results()], ignore_index=True)

    def warnings(self) -> pd.DataFrame:
        return pd.concat([r.warnings for r in self.results()], ignore_index=True)


def load_market(seekers: str | Path, vacancies: str | Path, outcomes: str | Path | None = None,
                reference_date: _dt.date | None = None) -> Market:
    """Load both sides (and outcomes, checked against the accepted ids)."""
    s = load_seekers(seekers, reference_date)
    v = load_vacancies(vacancies)
    o = None
    if outcomes is not None:
        o = load_outcomes(outcomes, s.frame["seeker_id"], v.frame["vacancy_id"])
    return Market(s, v, o)
