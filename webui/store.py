"""Moving normalised frames into the database and back.

:func:`import_frames` upserts seekers and vacancies *by id* (a re-import
updates rows in place, so referrals and outcomes recorded against them are
kept) and links outcome rows to referrals. :func:`import_files` runs the
foundation loader (validation, rejects) first. :func:`frames_from_db`
rebuilds the normalised frames of ``matcher/schema.py`` for fitting the
matcher. Bulk statements are used throughout (100k rows import in seconds).
"""
from __future__ import annotations

import hashlib

import datetime as dt
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from matcher.schema import PERSONAL_COLUMNS

from .masking import mask_id_number, mask_name, mask_phone, phone_tail
from .models import Import, OutcomeEvent, Referral, Seeker, Vacancy, utcnow

_CHUNK = 5000
#: Columns of each table that are computed here, not copied from the frame.
_SEEKER_DERIVED = {"phone_tail", "skills_text", "groups_text", "extra", "import_id", "updated_at"}
_VACANCY_DERIVED = {"hired_count", "extra", "import_id", "updated_at"}
_MASKERS = {"name": mask_name, "id_number": mask_id_number, "phone": mask_phone}


def _columns(model: type) -> list[str]:
    return [c.key for c in model.__table__.columns]


def _py(value: object) -> object:
    """A frame cell as a plain JSON/DB-safe Python value (NA → None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_py(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _py(v) for k, v in value.items()}
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


def _json_safe(value: object) -> object:
    v = _py(value)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return [_json_safe(x) for x in v]
    return v


def _records(frame: pd.DataFrame, model: type, derived: set[str]) -> list[dict]:
    """Rows of ``frame`` as dicts for ``model``; unknown columns go to ``extra``."""
    cols = [c for c in _columns(model) if c not in derived]
    extra_cols = [c for c in frame.columns if c not in cols and not c.startswith("_")]
    list_cols = {c.key for c in model.__table__.columns if c.type.__class__.__name__ == "JSON"}
    out = []
    data = {c: frame[c].tolist() if c in frame.columns else [None] * len(frame) for c in cols}
    extras = {c: frame[c].tolist() for c in extra_cols}
    for i in range(len(frame)):
        row = {}
        for c in cols:
            v = _py(data[c][i])
            if c in list_cols and v is None:
                v = []
            row[c] = v
        row["extra"] = {c: _json_safe(extras[c][i]) for c in extra_cols if _py(extras[c][i]) is not None}
        out.append(row)
    return out


def _seeker_rows(frame: pd.DataFrame, import_id: int | None) -> list[dict]:
    rows = _records(frame, Seeker, _SEEKER_DERIVED)
    now = utcnow()
    for r in rows:
        r["seeker_id"] = str(r["seeker_id"])
        for k in ("name", "id_number", "phone"):
            if r[k] is not None:
                r[k] = str(r[k])
        r["phone_tail"] = phone_tail(r["phone"])
        r["experience"] = [list(e) if isinstance(e, (list, tuple)) else [e, None] for e in r["experience"]]
        r["skills_text"] = "|" + "|".join(str(s) for s in r["skills"] + r["certificates"]) + "|"
        r["groups_text"] = "|" + "|".join(str(g) for g in r["priority_groups"]) + "|"
        r["is_4045"] = bool(r["is_4045"])
        r["is_rural_migrant"] = bool(r["is_rural_migrant"])
        r["expected_wage_negotiable"] = bool(r["expected_wage_negotiable"])
        r["import_id"] = import_id
        r["updated_at"] = now
    return rows


def _vacancy_rows(frame: pd.DataFrame, import_id: int | None) -> list[dict]:
    rows = _records(frame, Vacancy, _VACANCY_DERIVED)
    now = utcnow()
    for r in rows:
        r["vacancy_id"] = str(r["vacancy_id"])
        r["title"] = r["title"] or ""
        r["openings"] = int(r["openings"] or 1)
        r["wage_negotiable"] = bool(r["wage_negotiable"])
        r["import_id"] = import_id
        r["updated_at"] = now
    return rows


def _upsert(session: Session, model: type, key: str, rows: list[dict]) -> tuple[int, int]:
    """Insert new ids, update existing ones in place. Returns (inserted, updated)."""
    pk = getattr(model, key)
    existing: set[str] = set()
    ids = [r[key] for r in rows]
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        existing.update(session.scalars(select(pk).where(pk.in_(chunk))))
    new = [r for r in rows if r[key] not in existing]
    old = [r for r in rows if r[key] in existing]
    for start in range(0, len(new), _CHUNK):
        session.execute(insert(model), new[start:start + _CHUNK])
    for start in range(0, len(old), _CHUNK):
        session.execute(update(model), old[start:start + _CHUNK])
    return len(new), len(old)


def upsert_seekers(session: Session, frame: pd.DataFrame, import_id: int | None = None) -> tuple[int, int]:
    """Upsert a normalised seekers frame by ``seeker_id``; returns (inserted, updated)."""
    return _upsert(session, Seeker, "seeker_id", _seeker_rows(frame, import_id))


def upsert_vacancies(session: Session, frame: pd.DataFrame, import_id: int | None = None) -> tuple[int, int]:
    """Upsert a normalised vacancies frame by ``vacancy_id``; returns (inserted, updated).

    ``hired_count`` (kept by recorded referrals) is never overwritten.
    """
    return _upsert(session, Vacancy, "vacancy_id", _vacancy_rows(frame, import_id))


def set_referral_status(referral: Referral) -> None:
    """Set ``status``/``status_date`` from the referral's latest event (the event log's order:
    :func:`matcher.outcomes.events.event_order` — date, same-day step, then id)."""
    from matcher.outcomes.events import event_order

    events = sorted(referral.events, key=lambda e: event_order(e.date, e.outcome, e.id or 0))
    if events:
        referral.status, referral.status_date = events[-1].outcome, events[-1].date
    else:
        referral.status = "referred"
        referral.status_date = referral.created_at.date() if referral.created_at else None


def recount_hired(session: Session, vacancy_ids: Iterable[str]) -> None:
    """Recompute ``hired_count`` for these vacancies with the market's rule
    (:func:`matcher.outcomes.events.hires_per_vacancy`: referrals whose latest event is ``hired`` or
    ``employed``; ``left`` releases the opening), so the web and the batch count the same hires."""
    from matcher.outcomes.events import hires_per_vacancy

    ids = sorted(set(vacancy_ids))
    for start in range(0, len(ids), _CHUNK):
        part = ids[start:start + _CHUNK]
        rows = session.execute(
            select(OutcomeEvent.referral_id, Referral.vacancy_id, OutcomeEvent.date, OutcomeEvent.outcome)
            .join(Referral, Referral.id == OutcomeEvent.referral_id)
            .where(Referral.vacancy_id.in_(part)).order_by(OutcomeEvent.id)).all()
        events = pd.DataFrame(rows, columns=["referral_id", "vacancy_id", "date", "outcome"])
        held = hires_per_vacancy(events, by=("referral_id",))
        for vid in part:
            session.execute(update(Vacancy).where(Vacancy.vacancy_id == vid).values(hired_count=held.get(vid, 0)))


def import_outcomes(session: Session, frame: pd.DataFrame, user_id: int | None = None) -> dict[str, int]:
    """Link outcome rows (seeker_id, vacancy_id, date, outcome) to referrals.

    A referral is created for a pair that has none; an event identical to one
    already recorded (same outcome and date) is skipped, so re-importing the
    same outcomes file changes nothing. Rows naming an id not in the
    database are counted as ``unlinked`` and skipped.
    """
    stats = {"referrals_created": 0, "events_added": 0, "unlinked": 0}
    if frame is None or frame.empty:
        return stats
    seekers = set(session.scalars(select(Seeker.seeker_id)))
    vacancies = set(session.scalars(select(Vacancy.vacancy_id)))
    by_pair: dict[tuple[str, str], Referral] = {}
    for ref in session.scalars(select(Referral).order_by(Referral.id)):
        by_pair.setdefault((ref.seeker_id, ref.vacancy_id), ref)
    touched: dict[int, Referral] = {}
    n = len(frame)
    reasons = frame["reason"].tolist() if "reason" in frame.columns else [""] * n
    ranks = frame["rank_shown"].tolist() if "rank_shown" in frame.columns else [None] * n
    lists = frame["list_shown"].tolist() if "list_shown" in frame.columns else [""] * n
    for sid, vid, date, outcome, reason, rank, shown in zip(
            frame["seeker_id"].astype(str), frame["vacancy_id"].astype(str), frame["date"], frame["outcome"],
            reasons, ranks, lists):
        if sid not in seekers or vid not in vacancies:
            stats["unlinked"] += 1
            continue
        day = _py(date) or dt.date.today()
        ref = by_pair.get((sid, vid))
        if ref is None:
            ref = Referral(seeker_id=sid, vacancy_id=vid, source="import", created_by=user_id,
                           created_at=dt.datetime.combine(day, dt.time()))
            session.add(ref)
            by_pair[(sid, vid)] = ref
            stats["referrals_created"] += 1
        rank, shown = _py(rank), (_py(shown) or None)
        if rank is not None and ref.rank is None:
            ref.rank = int(rank)
        if shown and ref.list_shown is None:
            ref.list_shown = str(shown)
        why = (_py(reason) or None) if outcome == "left" else None
        if outcome != "referred" and not any(e.outcome == outcome and e.date == day for e in ref.events):
            ref.events.append(OutcomeEvent(outcome=outcome, date=day, source="import", recorded_by=user_id,
                                           reason=why))
            stats["events_added"] += 1
        touched[id(ref)] = ref
    session.flush()
    for ref in touched.values():
        set_referral_status(ref)
    recount_hired(session, {r.vacancy_id for r in touched.values()})
    return stats


def issues_records(frame: pd.DataFrame | None, limit: int = 5000) -> list[dict]:
    """Rejects/warnings as JSON records, personal-data values masked."""
    if frame is None or frame.empty:
        return []
    out = []
    for rec in frame.head(limit).to_dict("records"):
        rec = {k: _json_safe(v) for k, v in rec.items()}
        col, val = rec.get("column"), rec.get("value")
        if col in PERSONAL_COLUMNS and val is not None:
            rec["value"] = _MASKERS[col](str(val))
        out.append(rec)
    return out


@dataclass
class ImportSummary:
    """What one import did: counts per file, upsert figures, issues."""

    import_id: int
    token: str
    counts: dict = field(default_factory=dict)
    rejects: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def import_frames(session: Session, seekers: pd.DataFrame | None, vacancies: pd.DataFrame | None,
                  outcomes: pd.DataFrame | None = None, *, user_id: int | None = None,
                  files: dict[str, str] | None = None, counts: dict | None = None,
                  rejects: pd.DataFrame | None = None, warnings: pd.DataFrame | None = None,
                  checksums: dict[str, str] | None = None) -> ImportSummary:
    """Upsert normalised frames in one transaction and record the import.

    ``checksums`` (``{"seekers": sha256 hex, "vacancies": ...}``) are the
    imported files' SHA-256, kept to tell whether a nightly batch run read
    the same files (see :mod:`webui.nightly`).

    Commits on success; on any error rolls back (nothing half-imported) and
    re-raises. A new import token makes every running app refit its matcher.
    """
    files = files or {}
    imp = Import(token=uuid.uuid4().hex, user_id=user_id, status="running",
                 seekers_file=files.get("seekers"), vacancies_file=files.get("vacancies"),
                 outcomes_file=files.get("outcomes"),
                 seekers_sha256=(checksums or {}).get("seekers") if seekers is not None else None,
                 vacancies_sha256=(checksums or {}).get("vacancies") if vacancies is not None else None)
    try:
        session.add(imp)
        session.flush()
        all_counts = dict(counts or {})
        if seekers is not None:
            ins, upd = upsert_seekers(session, seekers, imp.id)
            all_counts["seekers_db"] = {"inserted": ins, "updated": upd}
        if vacancies is not None:
            ins, upd = upsert_vacancies(session, vacancies, imp.id)
            all_counts["vacancies_db"] = {"inserted": ins, "updated": upd}
        if outcomes is not None:
            all_counts["outcomes_db"] = import_outcomes(session, outcomes, user_id)
        imp.counts = all_counts
        imp.rejects = issues_records(rejects)
        imp.warnings = issues_records(warnings, limit=2000)
        imp.status = "done"
        imp.finished_at = utcnow()
        session.commit()
    except Exception:
        session.rollback()
        raise
    return ImportSummary(imp.id, imp.token, imp.counts, imp.rejects, imp.warnings)


def import_files(session: Session, seekers_path: str | Path | None, vacancies_path: str | Path | None,
                 outcomes_path: str | Path | None = None, *, user_id: int | None = None,
                 reference_date: dt.date | None = None) -> ImportSummary:
    """Load files through the foundation loader (validation, rejects), then import.

    Ages from birth dates and the 4045 group are computed at ``reference_date``
    (the faces pass :func:`webui.engine.import_reference_date`, the market's
    date; default today).

    Raises :class:`matcher.errors.InputFileError` when a file cannot be read
    or lacks required columns; rejected rows are recorded on the import, not
    silently dropped. Outcomes are checked against the ids in the database
    plus those being imported.
    """
    from matcher.io.loader import load_outcomes, load_seekers, load_vacancies

    results, counts, files = {}, {}, {}
    if seekers_path is not None:
        results["seekers"] = load_seekers(seekers_path, reference_date)
    if vacancies_path is not None:
        results["vacancies"] = load_vacancies(vacancies_path)
    if outcomes_path is not None:
        sids = set(session.scalars(select(Seeker.seeker_id)))
        vids = set(session.scalars(select(Vacancy.vacancy_id)))
        if "seekers" in results:
            sids.update(results["seekers"].frame["seeker_id"].astype(str))
        if "vacancies" in results:
            vids.update(results["vacancies"].frame["vacancy_id"].astype(str))
        results["outcomes"] = load_outcomes(outcomes_path, sids, vids)
    checksums = {}
    for name, res in results.items():
        counts[name] = res.counts
        files[name] = Path(res.path).name
        checksums[name] = file_sha256(res.path)
    rejects = pd.concat([r.rejects for r in results.values()], ignore_index=True) if results else None
    warns = pd.concat([r.warnings for r in results.values()], ignore_index=True) if results else None
    return import_frames(
        session,
        results["seekers"].frame if "seekers" in results else None,
        results["vacancies"].frame if "vacancies" in results else None,
        results["outcomes"].frame if "outcomes" in results else None,
        user_id=user_id, files=files, counts=counts, rejects=rejects, warnings=warns, checksums=checksums)


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes (the same digest ``matcher batch`` writes to ``run.json``)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def latest_token_query():
    """The SELECT of the newest finished import's token (for folding into another statement)."""
    return select(Import.token).where(Import.status == "done").order_by(Import.id.desc()).limit(1)


def latest_token(session: Session) -> str | None:
    """Token of the newest finished import (the matcher generation), or None."""
    return session.scalar(latest_token_query())


_INT_COLS = {"age", "education_level", "education_min_level", "age_min", "age_max", "openings", "source_row"}
_DATE_COLS = {"birth_date", "registered_on", "posted_on", "expires_on"}
_BOOL_NA_COLS = {"accepts_shift_work", "shift_work", "lodging", "social_insurance", "public_welfare"}


def _frame(session: Session, model: type, derived: set[str], order_col) -> pd.DataFrame:
    cols = [c for c in _columns(model) if c not in derived]
    rows = session.execute(select(*[getattr(model, c) for c in cols]).order_by(order_col)).all()
    frame = pd.DataFrame.from_records(rows, columns=cols)
    for c in cols:
        if c in _INT_COLS:
            frame[c] = pd.array(frame[c].tolist(), dtype="Int64")
        elif c in _DATE_COLS:
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
        elif c in _BOOL_NA_COLS:
            frame[c] = pd.array(frame[c].tolist(), dtype="boolean")
        elif c.startswith(("wage_", "expected_wage_")) and not c.endswith("negotiable") and c != "wage_raw":
            frame[c] = frame[c].astype(float)
    return frame


def frames_from_db(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored seekers and vacancies as normalised frames (schema.py contract)."""
    seekers = _frame(session, Seeker, _SEEKER_DERIVED, Seeker.seeker_id)
    if len(seekers):
        seekers["experience"] = [[(t, y) for t, y in (e or [])] for e in seekers["experience"]]
        for c in ("is_4045", "is_rural_migrant", "expected_wage_negotiable"):
            seekers[c] = seekers[c].astype(bool)
    vacancies = _frame(session, Vacancy, _VACANCY_DERIVED, Vacancy.vacancy_id)
    if len(vacancies):
        vacancies["wage_negotiable"] = vacancies["wage_negotiable"].astype(bool)
    return seekers, vacancies
