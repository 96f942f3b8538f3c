"""The overview page: counts and a few charts (inline SVG, no scripts, no CDN).

Charts: seekers by priority group, match availability by priority group,
posts by occupation (CSCO middle group) and open posts by days open, and
referral outcomes. Everything is aggregated in SQL except match
availability, which needs the matcher: it is estimated once per import
generation on a fixed random sample of at most ``AVAILABILITY_SAMPLE``
seekers (so the page stays fast with 100k seekers) and cached.
"""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd
from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from matcher.outcomes.events import IN_JOB

from .db import get_session
from .engine import Fitted, get_fitted
from .models import Referral, Seeker, Vacancy
from .views import OUTCOME_LABELS, PRIORITY_LABELS, label

bp = Blueprint("overview", __name__, url_prefix="/overview")

AVAILABILITY_SAMPLE = 400
DAY_BUCKETS = ((0, 7, _l("0–7 days")), (8, 30, _l("8–30 days")), (31, 90, _l("31–90 days")),
               (91, None, _l("over 90 days")))

_availability: dict[str, dict] = {}
_availability_lock = threading.Lock()


def bars(rows: list[tuple[str, float]], unit: str = "") -> dict:
    """Chart data: rows of (label, value) with bar lengths as percentages (0–100)."""
    top = max((v for _, v in rows), default=0) or 1
    return {"rows": [{"label": str(lab), "value": v, "pct": round(100.0 * v / top, 1)} for lab, v in rows],
            "unit": unit}


def seekers_by_group(db: Session) -> list[tuple[str, int]]:
    """Seekers per priority-group code (a seeker may count in several groups)."""
    out = []
    for code in PRIORITY_LABELS:
        n = db.scalar(select(func.count()).select_from(Seeker).where(
            Seeker.groups_text.like(f"%|{code}|%"))) or 0
        if n:
            out.append((label(PRIORITY_LABELS, code), n))
    none = db.scalar(select(func.count()).select_from(Seeker).where(
        or_(Seeker.groups_text == "||", Seeker.groups_text == ""))) or 0
    out.append((str(_l("No priority group")), none))
    return out


def best_scores(fitted: Fitted, positions: np.ndarray, open_mask: np.ndarray, chunk: int = 50) -> np.ndarray:
    """Best score over the open posts for each seeker position (-inf when none).

    Uses the engine's vectorised ``score_block`` in chunks of ``chunk``
    seekers (bounded memory).
    """
    m = fitted.matcher
    open_idx = np.flatnonzero(open_mask)
    out = np.full(len(positions), -np.inf)
    if len(open_idx) == 0:
        return out
    for start in range(0, len(positions), chunk):
        block = m.score_block(positions[start:start + chunk], open_idx)
        out[start:start + chunk] = block.max(axis=1)
    return out


def availability(db: Session, fitted: Fitted, open_mask: np.ndarray) -> dict:
    """Share of sampled seekers per group with an open post scoring >= the settings' ``good_score``.

    Cached per import token; computed on a seeded sample of at most
    ``AVAILABILITY_SAMPLE`` seekers. Returns ``{"sample": n, "rows": [(group code, pct)]}``
    with code ``*all`` for all sampled seekers.
    """
    with _availability_lock:
        cached = _availability.get(fitted.token)
        if cached is not None:
            return cached
        n = len(fitted.seeker_ids)
        rng = np.random.default_rng(20090101)
        positions = np.arange(n) if n <= AVAILABILITY_SAMPLE else np.sort(
            rng.choice(n, AVAILABILITY_SAMPLE, replace=False))
        take = [str(x) for x in fitted.seeker_ids[positions]]
        groups = dict(db.execute(select(Seeker.seeker_id, Seeker.priority_groups)
                                 .where(Seeker.seeker_id.in_(take))).all())
        good = best_scores(fitted, positions, open_mask) >= fitted.matcher.settings.good_score
        totals: dict[str, list[int]] = {}
        for sid, ok in zip(take, good):
            for code in (groups.get(sid) or []) + ["*all"]:
                t = totals.setdefault(code, [0, 0])
                t[0] += int(ok)
                t[1] += 1
        rows = [(code, round(100.0 * g / k, 1)) for code, (g, k) in sorted(totals.items()) if k]
        result = {"sample": len(take), "rows": rows}
        _availability.clear()
        _availability[fitted.token] = result
        return result


def posts_by_occupation(db: Session, limit: int = 10) -> list[tuple[str, int]]:
    """Vacancies per CSCO middle group (e.g. ``6-18``), the largest ``limit`` groups."""
    from matcher.occupations.taxonomy import name_of

    prefix = func.substr(Vacancy.csco_code, 1, 4)
    rows = db.execute(select(prefix, func.count()).where(Vacancy.csco_code.is_not(None))
                      .group_by(prefix).order_by(func.count().desc()).limit(limit)).all()
    out = [(f"{p} {name_of(p + '-00-00') or ''}".strip(), n) for p, n in rows]
    uncoded = db.scalar(select(func.count()).select_from(Vacancy).where(Vacancy.csco_code.is_(None))) or 0
    if uncoded:
        out.append((str(_l("Not coded")), uncoded))
    return out


def posts_by_days_open(fitted: Fitted, db: Session) -> list[tuple[str, int]]:
    """Open posts (the market's rule, :meth:`webui.engine.Fitted.open_state`) by days from ``posted_on``
    to the reference date (posts without a date are left out)."""
    ok = fitted.open_state(db)[0]
    vac = fitted.matcher.vacancies_
    posted = (pd.to_datetime(vac["posted_on"], errors="coerce") if "posted_on" in vac.columns
              else pd.Series(pd.NaT, index=vac.index))
    sel = ok & posted.notna().to_numpy()
    days = (pd.Timestamp(fitted.reference_date) - posted[sel]).dt.days.to_numpy(dtype=int)
    out = []
    for lo, hi, lab in DAY_BUCKETS:
        sel = days >= lo if hi is None else (days >= lo) & (days <= hi)
        out.append((str(lab), int(sel.sum())))
    return out


@bp.get("/")
def index():
    """Counts and charts for the whole market (aggregates only, no personal data).

    Open posts and openings come from the fitted market (the core's rule at
    its reference date, hires as recorded now), the same numbers as
    ``matcher match``, the batch and the report.
    """
    db = get_session()
    counts = {
        "seekers": db.scalar(select(func.count()).select_from(Seeker)) or 0,
        "seekers_4045": db.scalar(select(func.count()).select_from(Seeker).where(Seeker.is_4045.is_(True))) or 0,
        "vacancies": db.scalar(select(func.count()).select_from(Vacancy)) or 0,
        "vacancies_open": 0, "openings_open": 0, "reference_date": None,
        "referrals": db.scalar(select(func.count()).select_from(Referral)) or 0,
        "hired": db.scalar(select(func.count()).select_from(Referral).where(Referral.status.in_(IN_JOB))) or 0,
    }
    outcome_rows = db.execute(select(Referral.status, func.count()).group_by(Referral.status)).all()
    fitted = get_fitted(db)
    avail = None
    if fitted is not None:
        counts.update(fitted.counts(db))
        avail = availability(db, fitted, fitted.vacancy_mask(db))
    charts = {
        "groups": bars(seekers_by_group(db)),
        "availability": bars([(str(_l("All seekers")) if c == "*all" else label(PRIORITY_LABELS, c), pct)
                              for c, pct in avail["rows"]], "%") if avail else None,
        "occupations": bars(posts_by_occupation(db)),
        "days_open": bars(posts_by_days_open(fitted, db) if fitted is not None else []),
        "outcomes": bars([(label(OUTCOME_LABELS, s), n) for s, n in outcome_rows]),
    }
    return render_template("overview/index.html", counts=counts, charts=charts,
                           sample=avail["sample"] if avail else 0,
                           good_score=fitted.matcher.settings.good_score if fitted else None,
                           fit_seconds=fitted.fit_seconds if fitted else None)
