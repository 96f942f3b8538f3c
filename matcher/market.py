"""THE route from inputs to a fitted market, and the saved market every face reuses.

:func:`build_market` is the only place where inputs become a fitted
:class:`~matcher.core.Matcher`; ``matcher match``, ``matcher batch``,
``matcher report``, the web UI and the benchmarks all call it. In order:

1. the settings are parsed and validated (:class:`~matcher.core.MatchSettings`)
   before any file is read;
2. the reference date is fixed once (argument, else the settings'
   ``reference_date``, else today) and written into the settings, so age,
   the 4045 group, the priority boost and expiry agree in every face;
3. the files are read and normalised (:mod:`matcher.io.loader`; frames may be
   given instead), with the sha256 of every file;
4. the matcher is fitted; the open-post rule
   (:func:`matcher.core.matcher.open_posts`: not expired at the reference date,
   openings left after recorded hires) is decided there, once.

A fitted market is saved once (:meth:`Market.save`, the nightly batch writes
it into ``<out>/market/``) and loaded by :func:`load_market` without refitting.
The artefact runs no code when read: frames as Parquet, arrays as ``.npz``
read with ``allow_pickle=False`` (sparse matrices as their CSR/CSC parts),
everything else as JSON. Names, ID numbers and phone numbers are not saved.
A stale or foreign artefact (another engine version or format, or input
files whose checksums differ from the ones it was built from) is refused with
:class:`StaleMarketError`.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import inspect
import json
from functools import lru_cache
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

import matcher
from matcher.core.matcher import Matcher, open_posts
from matcher.core.settings import MatchSettings
from matcher.io.settings import read_settings
from matcher.errors import InputFileError, MatcherError

#: Version of the saved-market layout; bumped when the files change meaning.
FORMAT = 2   # 2: item similarities with the permit rule, offers at wage.basis
#: Folder name of the saved market inside a batch output folder.
MARKET_DIR = "market"
#: Folder of the outcome model inside a saved market (absent when no model was in use).
OUTCOME_MODEL_DIR = "outcome_model"
#: Seeker columns never written into a saved market (personal data not needed for matching).
PERSONAL_COLUMNS = ("name", "id_number", "phone")

Source = "str | Path | pd.DataFrame"


class StaleMarketError(MatcherError):
    """A saved market cannot be used: built by another engine version, or from other input files."""


# ------------------------------------------------------------------ inputs
def resolve_settings(settings: Any = None, reference_date: _dt.date | str | None = None) -> MatchSettings:
    """Validated settings with ``reference_date`` fixed (argument, else the settings' own, else today)."""
    st = read_settings(settings)
    if reference_date is None:
        ref = st.reference_day()
    elif isinstance(reference_date, _dt.date):
        ref = reference_date
    else:
        ref = MatchSettings.from_dict({"reference_date": str(reference_date)}).reference_day()
    return st.with_values(reference_date=ref.isoformat())


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while b := fh.read(chunk):
            h.update(b)
    return h.hexdigest()


def hires_from_outcomes(outcomes: pd.DataFrame | None, reference_date: _dt.date | None = None) -> dict[str, int]:
    """Openings held per vacancy: referrals (seeker, vacancy pairs) whose latest outcome is ``hired`` or
    ``employed`` (a follow-up call found the person still there); ``left`` releases the opening.

    The one rule of :func:`matcher.outcomes.events.hires_per_vacancy`, which
    the web UI's hire count uses too. Events after ``reference_date`` are
    ignored.
    """
    from matcher.outcomes.events import hires_per_vacancy

    return hires_per_vacancy(outcomes, reference_date) if outcomes is not None else {}


def make_coder(cache_dir: str | Path | None = None) -> Any:
    """The occupation coder, with its cache in ``cache_dir`` when the coder supports one (the face asks)."""
    from matcher.occupations.coder import default_coder

    if cache_dir is not None and "cache_dir" in inspect.signature(default_coder).parameters:
        return default_coder(cache_dir=str(cache_dir))
    return default_coder()


@dataclass
class Market:
    """A fitted market: settings, reference date, inputs, load results, the fitted matcher, open posts.

    ``loads`` maps ``seekers``/``vacancies``/``outcomes`` to the
    :class:`matcher.io.loader.LoadResult` of each file read (absent for
    frames given directly or a loaded market); ``inputs`` maps each role to
    ``{path, file, bytes, sha256, counts}`` (sha256 None for frames).
    """

    settings: MatchSettings
    reference_date: _dt.date
    matcher: Matcher
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    loads: dict[str, Any] = field(default_factory=dict)
    source: str = "fitted"           # "fitted" or "loaded"
    outcome: dict[str, Any] | None = None   # the outcome model in use (matcher.outcomes.rank.model_info), or None

    @property
    def outcome_model(self) -> Any:
        """The :class:`~matcher.outcomes.model.OutcomeModel` the lists use, or None (no outcome model in use)."""
        return getattr(self.matcher, "outcome_model", None)

    # the open-post rule, decided once in the core (matcher.core.matcher.open_posts)
    @property
    def open_mask(self) -> np.ndarray:
        """Boolean mask over ``matcher.vacancies_``: the posts that can be ranked."""
        return self.matcher.open_

    @property
    def n_open(self) -> int:
        return int(self.matcher.open_.sum())

    @property
    def openings_open(self) -> int:
        """Openings left on the open posts."""
        return int(self.matcher.openings_left_.sum())

    @property
    def seekers(self) -> pd.DataFrame:
        return self.matcher.seekers_

    @property
    def vacancies(self) -> pd.DataFrame:
        return self.matcher.vacancies_

    def counts(self) -> dict[str, int]:
        """Seekers, vacancies, open posts and their openings left."""
        return {"seekers": int(len(self.seekers)), "vacancies": int(len(self.vacancies)),
                "open_vacancies": self.n_open, "openings_open": self.openings_open}

    def issue_results(self) -> list[Any]:
        """The load results with rejects/warnings (for ``rejects.csv`` / ``warnings.csv``)."""
        return [self.loads[r] for r in ("seekers", "vacancies", "outcomes") if r in self.loads]

    def meta(self) -> dict[str, Any]:
        """What the saved artefact records about itself (also usable in run records)."""
        return {"format": FORMAT, "engine_version": matcher.__version__,
                "reference_date": self.reference_date.isoformat(),
                "inputs": {r: {k: v for k, v in i.items() if k != "path"} for r, i in self.inputs.items()},
                "settings": self.settings.to_dict(), "counts": self.counts(),
                "hired": dict(sorted(self.matcher.hired_.items())), "outcome_model": self.outcome}

    def save(self, folder: str | Path) -> Path:
        """Write the market into ``folder`` (created); see the module docstring. Returns the folder."""
        return _save(self, Path(folder))


def build_market(seekers: Any, vacancies: Any, *, settings: Any = None,
                 reference_date: _dt.date | str | None = None, outcomes: Any = None,
                 hired: Mapping[str, int] | None = None, progress: Callable[[str], None] | None = None,
                 coder_cache_dir: str | Path | None = None, require_rows: bool = True, model: Any = None,
                 **collaborators: Any) -> Market:
    """Settings + inputs + reference date -> a fitted :class:`Market` (the only route; see the module doc).

    ``seekers`` / ``vacancies`` are file paths (CSV/XLSX/Parquet) or
    already-normalised frames; ``outcomes`` an outcomes file or frame whose
    hires close filled posts, or ``hired`` (vacancy_id -> hires) directly.
    ``progress`` receives one-line messages. ``coder_cache_dir`` is where the
    occupation coder may keep its cache (None: no cache). Extra keyword
    arguments are passed to :class:`~matcher.core.Matcher` (injected
    collaborators). Raises :class:`~matcher.errors.SettingsError` before any
    file is read, :class:`InputFileError` for unusable files or (with
    ``require_rows``) a side without usable rows. ``model`` (a model folder
    from ``matcher learn`` or an :class:`~matcher.outcomes.model.OutcomeModel`)
    overrides the settings' ``outcomes.model``; with a model the market's
    matcher ranks with the outcome term (:mod:`matcher.outcomes.rank`), a
    model from another engine version is refused with
    :class:`~matcher.outcomes.model.ModelError` before any file is read.
    """
    st = resolve_settings(settings, reference_date)
    from matcher.outcomes.rank import resolve_model

    st, om, info = resolve_model(st, model)
    market = load_inputs(seekers, vacancies, settings=st, outcomes=outcomes, progress=progress,
                         require_rows=require_rows)
    return fit_market(market, hired=hired, coder_cache_dir=coder_cache_dir, model=om, model_info=info,
                      **collaborators)


@dataclass
class Inputs:
    """Loaded inputs, not yet fitted (see :func:`load_inputs`)."""

    settings: MatchSettings
    reference_date: _dt.date
    seekers: pd.DataFrame
    vacancies: pd.DataFrame
    outcomes: pd.DataFrame | None
    inputs: dict[str, dict[str, Any]]
    loads: dict[str, Any]


def load_inputs(seekers: Any, vacancies: Any, *, settings: Any = None,
                reference_date: _dt.date | str | None = None, outcomes: Any = None,
                progress: Callable[[str], None] | None = None, require_rows: bool = True) -> Inputs:
    """Steps 1-3 of :func:`build_market`: settings, reference date, read and normalise."""
    from matcher.io.loader import load_outcomes, load_seekers, load_vacancies

    st = resolve_settings(settings, reference_date)
    ref = st.reference_day()
    say = progress or (lambda _m: None)
    frames: dict[str, pd.DataFrame] = {}
    inputs: dict[str, dict[str, Any]] = {}
    loads: dict[str, Any] = {}
    for role, src, loader in (("seekers", seekers, lambda p: load_seekers(p, reference_date=ref)),
                              ("vacancies", vacancies, load_vacancies)):
        if isinstance(src, pd.DataFrame):
            frames[role] = src
            inputs[role] = {"path": None, "file": None, "bytes": None, "sha256": None,
                            "counts": {"accepted": int(len(src))}}
            continue
        path = Path(src)
        if not path.is_file():
            raise InputFileError(f"The {role} file {path} does not exist; check the --{role} path.")
        res = loader(path)
        loads[role], frames[role] = res, res.frame
        inputs[role] = {"path": str(path.resolve()), "file": path.name, "bytes": path.stat().st_size,
                        "sha256": sha256_file(path), "counts": res.counts}
        say(f"load: {res.summary_line()}")
        if require_rows and len(res.frame) == 0:
            raise InputFileError(f"No usable rows in the {role} file {path.name} "
                                 f"({res.counts['rejected']} rejected); run `matcher validate` to see why.")
    out_frame = None
    if outcomes is not None:
        if isinstance(outcomes, pd.DataFrame):
            out_frame = outcomes
            inputs["outcomes"] = {"path": None, "file": None, "bytes": None, "sha256": None,
                                  "counts": {"accepted": int(len(outcomes))}}
        else:
            path = Path(outcomes)
            if not path.is_file():
                raise InputFileError(f"The outcomes file {path} does not exist; check the --outcomes path.")
            res = load_outcomes(path, frames["seekers"]["seeker_id"].astype(str),
                                frames["vacancies"]["vacancy_id"].astype(str))
            loads["outcomes"], out_frame = res, res.frame
            inputs["outcomes"] = {"path": str(path.resolve()), "file": path.name, "bytes": path.stat().st_size,
                                  "sha256": sha256_file(path), "counts": res.counts}
            say(f"load: {res.summary_line()}")
    return Inputs(st, ref, frames["seekers"], frames["vacancies"], out_frame, inputs, loads)


def fit_market(inp: Inputs, *, hired: Mapping[str, int] | None = None,
               coder_cache_dir: str | Path | None = None, model: Any = None,
               model_info: dict[str, Any] | None = None, **collaborators: Any) -> Market:
    """Step 4 of :func:`build_market`: fit the matcher (open posts decided by the core's rule).

    ``model`` (an :class:`~matcher.outcomes.model.OutcomeModel`, a model folder,
    or None for the settings' ``outcomes.model``) attaches the outcome model.
    """
    st = inp.settings
    if model_info is None:
        from matcher.outcomes.rank import resolve_model

        st, model, model_info = resolve_model(st, model)
        inp = dataclasses.replace(inp, settings=st)
    if hired is None:
        hired = hires_from_outcomes(inp.outcomes, inp.reference_date)
    if st.occupation.use_codes and collaborators.get("occupation_coder") is None:
        collaborators["occupation_coder"] = _LazyCoder(coder_cache_dir)   # built when the fit first codes a title
    if st.occupation.use_codes and collaborators.get("occupation_proximity") is None:
        collaborators["occupation_proximity"] = default_proximity()  # shared by every market of the process
    if model is not None:
        from matcher.outcomes.rank import OutcomeMatcher

        m = OutcomeMatcher(st, outcome_model=model, outcome_info=model_info, **collaborators)
    else:
        m = Matcher(st, **collaborators)
    m.fit(inp.seekers, inp.vacancies, hired=hired)
    return Market(settings=st, reference_date=inp.reference_date, matcher=m, inputs=inp.inputs, loads=inp.loads,
                  outcome=model_info)


# ------------------------------------------------------------ saved market
def _enc(value: Any, key: str, arrays: dict[str, np.ndarray], refs: dict[int, str]) -> Any:
    """JSON node for ``value``; arrays go into ``arrays`` under keys derived from ``key``."""
    if id(value) in refs and isinstance(value, np.ndarray):
        return {"t": "ref", "field": refs[id(value)]}
    if sp.issparse(value):
        fmt = value.format
        if fmt not in ("csr", "csc"):
            value, fmt = value.tocsr(), "csr"
        for part in ("data", "indices", "indptr"):
            arrays[f"{key}.{part}"] = getattr(value, part)
        return {"t": "sparse", "fmt": fmt, "shape": list(value.shape)}
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            flat = value.ravel().tolist()
            if all(isinstance(x, str) or x is None for x in flat):
                return {"t": "strs", "shape": list(value.shape), "v": flat}
            return {"t": "dropped", "type": "object array"}
        arrays[key] = value
        return {"t": "array"}
    if isinstance(value, (np.generic,)):
        return {"t": "py", "v": value.item()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"t": "py", "v": value}
    if isinstance(value, dict):
        return {"t": "dict", "v": {str(k): _enc(v, f"{key}.{k}", arrays, refs) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        kind = "tuple" if isinstance(value, tuple) else "list"
        if value and all(isinstance(x, np.ndarray) and x.ndim == 1 and x.dtype != object and id(x) not in refs
                         for x in value) and len({x.dtype for x in value}) == 1:
            arrays[f"{key}.flat"] = np.concatenate(value)
            arrays[f"{key}.offsets"] = np.cumsum([0] + [len(x) for x in value]).astype(np.int64)
            return {"t": "ragged", "kind": kind}
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=True)
            if kind == "list" and json.loads(text) == value:
                return {"t": "json", "v": json.loads(text)}
        except (TypeError, ValueError):
            pass
        return {"t": kind, "v": [_enc(x, f"{key}.{i}", arrays, refs) for i, x in enumerate(value)]}
    return {"t": "dropped", "type": type(value).__name__}


_DROPPED = object()


def _dec(node: dict[str, Any], key: str, arrays: Any, fields_: dict[str, Any]) -> Any:
    t = node["t"]
    if t == "ref":
        return fields_[node["field"]]
    if t == "sparse":
        parts = tuple(arrays[f"{key}.{p}"] for p in ("data", "indices", "indptr"))
        cls = sp.csr_matrix if node["fmt"] == "csr" else sp.csc_matrix
        return cls(parts, shape=tuple(node["shape"]))
    if t == "array":
        return arrays[key]
    if t == "strs":
        return np.array(node["v"], dtype=object).reshape(node["shape"])
    if t in ("py", "json"):
        return node["v"]
    if t == "dict":
        out = {}
        for k, v in node["v"].items():
            x = _dec(v, f"{key}.{k}", arrays, fields_)
            if x is not _DROPPED:
                out[k] = x
        return out
    if t == "ragged":
        flat, off = arrays[f"{key}.flat"], arrays[f"{key}.offsets"]
        items = [flat[a:b] for a, b in zip(off[:-1], off[1:])]
        return tuple(items) if node["kind"] == "tuple" else items
    if t in ("list", "tuple"):
        items = [_dec(x, f"{key}.{i}", arrays, fields_) for i, x in enumerate(node["v"])]
        return tuple(items) if t == "tuple" else items
    return _DROPPED


def _frame_to_parquet(frame: pd.DataFrame, path: Path) -> dict[str, str]:
    """Write a normalised frame; list cells go as JSON text. Returns {column: "json"} for those columns."""
    out = frame.copy()
    kinds: dict[str, str] = {}
    for c in out.columns:
        if out[c].dtype == object and out[c].map(lambda x: isinstance(x, (list, tuple, np.ndarray))).any():
            out[c] = out[c].map(lambda x: None if x is None or (isinstance(x, float) and np.isnan(x))
                                else json.dumps(_plain(x), ensure_ascii=False))
            kinds[c] = "json"
    out.to_parquet(path, index=False, compression="zstd")
    return kinds


def _plain(x: Any) -> Any:
    if isinstance(x, (list, tuple, np.ndarray)):
        return [_plain(y) for y in list(x)]
    if isinstance(x, np.generic):
        return x.item()
    return x


def _unjson(text: Any) -> Any:
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return text
    v = json.loads(text)
    # lists of pairs (experience: [title, years]) were tuples
    return [tuple(x) if isinstance(x, list) else x for x in v] if isinstance(v, list) else v


def _frame_from_parquet(path: Path, kinds: dict[str, str]) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    for c, kind in kinds.items():
        if kind == "json" and c in frame.columns:
            frame[c] = frame[c].map(_unjson).astype(object)
    return frame


def _save(market: Market, folder: Path) -> Path:
    m = market.matcher
    F = m.features_
    folder.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    fields_enc: dict[str, Any] = {}
    refs = {}
    for f in dataclasses.fields(F):
        v = getattr(F, f.name)
        if isinstance(v, np.ndarray):
            refs[id(v)] = f.name
    for f in dataclasses.fields(F):
        v = getattr(F, f.name)
        if f.name == "extra":
            continue
        fields_enc[f.name] = _enc(v, f"f.{f.name}", arrays, {})
    extra_enc = _enc(F.extra, "x", arrays, refs)
    arrays["open"] = np.asarray(m.open_, bool)
    seekers = m.seekers_.drop(columns=[c for c in PERSONAL_COLUMNS if c in m.seekers_.columns])
    kinds = {"seekers": _frame_to_parquet(seekers, folder / "seekers.parquet"),
             "vacancies": _frame_to_parquet(m.vacancies_, folder / "vacancies.parquet")}
    with open(folder / "features.npz", "wb") as fh:
        np.savez(fh, **arrays)
    spec = {"fields": fields_enc, "extra": extra_enc, "frames": kinds, "courses": _course_table(m)}
    (folder / "features.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    if market.outcome_model is not None:   # the model travels with the market (JSON, runs no code when read)
        market.outcome_model.save(folder / OUTCOME_MODEL_DIR)
    meta = market.meta()
    meta["files"] = {p.name: sha256_file(p) for p in sorted(folder.iterdir())
                     if p.name in ("seekers.parquet", "vacancies.parquet", "features.npz", "features.json")}
    if market.outcome_model is not None:
        meta["files"][f"{OUTCOME_MODEL_DIR}/model.json"] = sha256_file(folder / OUTCOME_MODEL_DIR / "model.json")
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def _course_table(m: Matcher) -> dict[str, list[str]] | None:
    """Training courses of every skill id in the market (what explanations ask the normaliser at query time)."""
    norm = m.resources_.skill_normaliser
    if norm is None or not hasattr(norm, "courses_for"):
        return None
    out = {}
    F = m.features_
    for sid in sorted({x for x in [*F.seeker_item_ids, *F.vacancy_item_ids] if x}):
        try:
            out[sid] = [str(c) for c in norm.courses_for([sid])]
        except (KeyError, ValueError):
            out[sid] = []
    return out


def market_folder(path: str | Path) -> Path:
    """The saved-market folder for ``path``: itself, or ``<path>/market`` for a batch output folder."""
    p = Path(path)
    return p / MARKET_DIR if (p / MARKET_DIR / "meta.json").is_file() else p


def read_meta(path: str | Path) -> dict[str, Any]:
    """The meta.json of a saved market (``path`` = market folder or batch output folder)."""
    folder = market_folder(path)
    f = folder / "meta.json"
    if not f.is_file():
        raise StaleMarketError(f"No saved market in {path}: {f.name} is missing (run `matcher batch` first).")
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise StaleMarketError(f"The saved market in {path} is damaged: meta.json is not JSON ({exc.msg}).") from None


def check_meta(meta: dict[str, Any], *, seekers: Any = None, vacancies: Any = None, outcomes: Any = None,
               checksums: Mapping[str, str | None] | None = None, where: str = "") -> None:
    """Refuse a foreign or stale artefact with a one-line :class:`StaleMarketError`.

    Checks the format and engine version, and — for each input file given
    (path) or checksum given — that its sha256 equals the recorded one.
    """
    if meta.get("format") != FORMAT:
        raise StaleMarketError(f"The saved market{where} has format {meta.get('format')!r}, this engine reads "
                               f"format {FORMAT}; run `matcher batch` again.")
    if meta.get("engine_version") != matcher.__version__:
        raise StaleMarketError(f"The saved market{where} was built by engine {meta.get('engine_version')!r}, "
                               f"this is {matcher.__version__}; run `matcher batch` again.")
    want = dict(checksums or {})
    for role, src in (("seekers", seekers), ("vacancies", vacancies), ("outcomes", outcomes)):
        if src is not None:
            p = Path(src)
            if not p.is_file():
                raise InputFileError(f"The {role} file {p} does not exist; check the --{role} path.")
            want[role] = sha256_file(p)
    rec = meta.get("inputs") or {}
    for role, sha in want.items():
        have = (rec.get(role) or {}).get("sha256")
        if sha is not None and have != sha:
            raise StaleMarketError(f"The saved market{where} was built from another {role} file "
                                   f"(sha256 {str(have)[:12]}…, given {sha[:12]}…); run `matcher batch` again.")


def load_market(path: str | Path, *, seekers: Any = None, vacancies: Any = None, outcomes: Any = None,
                checksums: Mapping[str, str | None] | None = None, hired: Mapping[str, int] | None = None,
                coder_cache_dir: str | Path | None = None, model: Any = None) -> Market:
    """A queryable :class:`Market` from a saved folder (or a batch output folder), without refitting.

    Given input files (or ``checksums``), the artefact must have been built
    from exactly those files. ``hired`` replaces the recorded hires (the open
    posts are then decided again by the same rule). The outcome model the
    market was saved with is used again, unless ``model`` (a model folder or
    an :class:`~matcher.outcomes.model.OutcomeModel`) replaces it. Raises
    :class:`StaleMarketError` with a one-line reason otherwise.
    """
    folder = market_folder(path)
    meta = read_meta(folder)
    check_meta(meta, seekers=seekers, vacancies=vacancies, outcomes=outcomes, checksums=checksums,
               where=f" in {path}")
    for name, sha in (meta.get("files") or {}).items():
        p = folder / name
        if not p.is_file() or sha256_file(p) != sha:
            raise StaleMarketError(f"The saved market in {path} is damaged or incomplete ({name} missing or "
                                   "changed); run `matcher batch` again.")
    st = MatchSettings.from_dict(meta["settings"])
    from matcher.outcomes.rank import resolve_model

    if model is not None:
        st, om, info = resolve_model(st, model)
    elif meta.get("outcome_model"):
        from matcher.outcomes.model import OutcomeModel

        om = OutcomeModel.load(folder / OUTCOME_MODEL_DIR)     # refuses another engine version
        info = dict(meta["outcome_model"])
    else:
        om, info = None, None
    spec = json.loads((folder / "features.json").read_text(encoding="utf-8"))
    seekers_f = _frame_from_parquet(folder / "seekers.parquet", spec["frames"]["seekers"])
    vacancies_f = _frame_from_parquet(folder / "vacancies.parquet", spec["frames"]["vacancies"])
    from matcher.core.compare import prepare_fast_path
    from matcher.core.fitted import Features

    with np.load(folder / "features.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    fields_: dict[str, Any] = {}
    for name, node in spec["fields"].items():
        fields_[name] = _dec(node, f"f.{name}", arrays, fields_)
    extra = _dec(spec["extra"], "x", arrays, fields_)
    F = Features(**fields_, extra=extra)
    prepare_fast_path(F)
    codes = st.occupation.use_codes
    collab = {"occupation_coder": _LazyCoder(coder_cache_dir) if codes else None,
              "occupation_proximity": _Lazy(_default_proximity) if codes else None}
    if om is not None:
        from matcher.outcomes.rank import OutcomeMatcher

        m = OutcomeMatcher(st, outcome_model=om, outcome_info=info, **collab)
    else:
        m = Matcher(st, **collab)
    m.seekers_, m.vacancies_ = seekers_f, vacancies_f
    m.features_ = F
    # explanations ask the skill normaliser only for training courses: answered from the saved table; the
    # normaliser itself (and the coder and proximity) is fitted only if a caller needs it (e.g. a refit)
    no_codes = st.with_values(occupation={"use_codes": False})      # a fresh normaliser, as fit builds it
    m.skill_normaliser = _SavedNormaliser(lambda: Matcher(no_codes)._resources(seekers_f, vacancies_f).skill_normaliser,
                                          spec.get("courses"))
    m.resources_ = m._resources(seekers_f, vacancies_f)
    m.hired_ = {str(k): int(v) for k, v in (meta.get("hired") if hired is None else hired).items() if v}
    m._finish()
    inputs = {r: {"path": None, **i} for r, i in (meta.get("inputs") or {}).items()}
    return Market(settings=st, reference_date=st.reference_day(), matcher=m, inputs=inputs, loads={},
                  source="loaded", outcome=info)


class _Lazy:
    """A collaborator built on first use (queries of a loaded market never need it)."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build, self._obj = build, None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._obj is None:
            self._obj = self._build()
        return getattr(self._obj, name)


class _SavedNormaliser(_Lazy):
    """The skill normaliser of a loaded market: courses from the saved table, anything else fitted on use."""

    def __init__(self, build: Callable[[], Any], courses: dict[str, list[str]] | None) -> None:
        super().__init__(build)
        self._table = courses

    def courses_for(self, skill_ids: Any) -> list[str]:
        if self._table is None:
            return self.__getattr__("courses_for")(skill_ids)
        out: dict[str, None] = {}
        for sid in skill_ids:
            if sid is None:
                continue
            if sid not in self._table:  # not in this market: ask the real normaliser
                return self.__getattr__("courses_for")(skill_ids)
            out.update(dict.fromkeys(self._table[sid]))
        return list(out)


def _LazyCoder(cache_dir: str | Path | None) -> _Lazy:  # noqa: N802 - reads as a class at the call sites
    """The occupation coder, built when first used."""
    return _Lazy(lambda: make_coder(cache_dir))


@lru_cache(maxsize=1)
def default_proximity() -> Any:
    """The occupation proximity with default parameters, fitted once per process and shared (read-only).

    The core keeps no process-wide cache; every fit and load through this module passes this one in.
    """
    from matcher.occupations.proximity import OccupationProximity

    return OccupationProximity().fit()


def _default_proximity() -> Any:
    return default_proximity()


Market.load = staticmethod(load_market)  # type: ignore[attr-defined]

__all__ = ["Market", "Inputs", "StaleMarketError", "build_market", "load_inputs", "fit_market", "load_market",
           "read_meta", "check_meta", "market_folder", "resolve_settings", "hires_from_outcomes", "make_coder",
           "default_proximity",
           "open_posts", "FORMAT", "MARKET_DIR"]
