"""Vacancy search and the vacancy page (ranked candidates with reasons).

Vacancy data is not personal, so the search runs on GET. The vacancy page
lists candidates; district-scoped staff see only candidates from their
district. Each candidate shown writes an audit row. Posted restrictions that
the Employment Promotion Law forbids or that shut out 4045 persons (gender,
a narrow age window) and wages below the minimum are flagged to staff.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from matcher.errors import MatcherError

from .audit import commit_audit, record
from .auth import can_see_seeker
from .db import get_session
from .engine import get_fitted, list_length, market_day
from .models import Referral, Seeker, Vacancy
from .nightly import current_run
from .rankings import batch_state, capacity_candidates, list_mode, match_dict, with_rows
from .seekers import _like_escape
from .params import parse_page
from .views import DISTRICTS, read_wage_filter

bp = Blueprint("vacancies", __name__, url_prefix="/vacancies")


@lru_cache(maxsize=8)
def _settings(source: str | None):
    from matcher.io.settings import read_settings

    return read_settings(source)


def posted_flags(v: Vacancy, today: dt.date | None = None) -> list[dict]:
    """Compliance flags of the post itself (gender requirement, narrow age
    window, wage below the minimum, expired), from the matching core's rules
    and settings. Each flag is ``{"code", "message_zh", "message_en", "rule"}``;
    flags never remove a post or a candidate, they tell staff what to raise
    with the employer.
    """
    from matcher.core.fairness import vacancy_flags

    row = {c.key: getattr(v, c.key) for c in Vacancy.__table__.columns}
    top = v.wage_max if v.wage_max is not None else v.wage_min
    expired = v.expires_on is not None and v.expires_on < (today or dt.date.today())
    return vacancy_flags(row, top, expired, _settings(current_app.config.get("MATCH_SETTINGS")))


def search_query(args: dict[str, str], today: dt.date):
    """A SELECT over vacancies: ``title`` (substring of title or employer),
    ``occupation`` (CSCO code prefix), ``district``, ``min_wage`` (yuan/month,
    best known wage >= it), ``status`` (``open``/``closed``/all)."""
    q = select(Vacancy)
    if args.get("title"):
        pat = "%" + _like_escape(args["title"]) + "%"
        q = q.where(or_(Vacancy.title.like(pat, escape="\\"), Vacancy.employer.like(pat, escape="\\")))
    if args.get("occupation"):
        q = q.where(Vacancy.csco_code.like(_like_escape(args["occupation"]) + "%", escape="\\"))
    if args.get("district"):
        q = q.where(Vacancy.district == args["district"])
    min_wage, _unreadable = read_wage_filter(args.get("min_wage"))
    if min_wage is not None:
        q = q.where(or_(Vacancy.wage_max >= min_wage, (Vacancy.wage_max.is_(None)) & (Vacancy.wage_min >= min_wage)))
    open_cond = (or_(Vacancy.expires_on.is_(None), Vacancy.expires_on >= today)
                 & (Vacancy.hired_count < Vacancy.openings))
    if args.get("status") == "open":
        q = q.where(open_cond)
    elif args.get("status") == "closed":
        q = q.where(~open_cond)
    return q.order_by(Vacancy.vacancy_id)


SEARCH_ARGS = ("title", "occupation", "district", "min_wage", "status")


@bp.get("/")
def search():
    """Search form and results (GET; vacancy data is not personal)."""
    args = {k: request.args.get(k, "").strip()[:64] for k in SEARCH_ARGS}
    if "status" not in request.args:
        args["status"] = "open"
    limit = current_app.config["SEARCH_LIMIT"]
    page = parse_page(source=request.args)
    today = market_day(get_session())     # the market's reference date (webui.engine)
    rows = get_session().scalars(search_query(args, today).offset(page * limit).limit(limit + 1)).all()
    wage_unreadable = read_wage_filter(args.get("min_wage"))[1]
    return render_template("vacancies/search.html", args=args, results=rows[:limit], page=page,
                           wage_unreadable=wage_unreadable,
                           more=len(rows) > limit, today=today, districts=DISTRICTS)


def get_vacancy_or_404(db: Session, vacancy_id: str) -> Vacancy:
    """The vacancy or 404."""
    v = db.get(Vacancy, vacancy_id)
    if v is None:
        abort(404, _("Vacancy %(id)s doesn't exist.", id=vacancy_id))
    return v


def ranked_candidates(db: Session, v: Vacancy, mode: str = "plain") -> tuple[list[dict], str | None]:
    """Top candidates for the post (district scope applied) with their seeker rows.

    ``mode`` ``capacity`` reads the nightly capacity-aware list instead of
    the live ranking (see :mod:`webui.rankings`).
    """
    fitted = get_fitted(db)
    if fitted is None:
        return [], _("No data has been imported yet.")
    scope = None if current_user.is_admin else current_user.district
    k = list_length(fitted, current_app.config.get("CANDIDATES_K"))
    run = current_run()
    try:
        if mode == "capacity" and run is not None:
            allowed = None
            if scope:
                listed = [str(r["seeker_id"]) for r in run.table("vacancy_matches_capacity").rows(v.vacancy_id)]
                allowed = set(db.scalars(select(Seeker.seeker_id).where(
                    Seeker.seeker_id.in_(listed), Seeker.district == scope)))
            rows = capacity_candidates(run, fitted, v.vacancy_id, allowed, k)
        else:
            matches = fitted.matcher.for_vacancy(v.vacancy_id, k, seeker_mask=fitted.seeker_mask(scope))
            rows = [match_dict(m) for m in matches]
    except MatcherError:
        return [], _("This post is not in the fitted data yet. If data was just imported, the matcher is being refitted: reload the page in a minute.")
    rows = with_rows(db, rows, Seeker, "seeker_id", "seeker")
    return [r for r in rows if can_see_seeker(current_user, r["seeker"])], None


@bp.get("/<vacancy_id>")
def detail(vacancy_id: str):
    """The vacancy page: post, compliance flags, ranked candidates, history."""
    db = get_session()
    v = get_vacancy_or_404(db, vacancy_id)
    batch = batch_state(current_run(), db, "vacancy_matches_capacity")
    mode = list_mode() if batch else "plain"
    candidates, problem = ranked_candidates(db, v, mode)
    posted = posted_flags(v)
    seen = {f["code"] for f in posted}
    engine_flags: dict[str, dict] = {}
    for c in candidates:
        for f in c.get("flags") or []:
            if f.get("code") not in seen:
                engine_flags.setdefault(f.get("code", ""), f)
    scope = None if current_user.is_admin else current_user.district
    hq = (select(Referral).where(Referral.vacancy_id == v.vacancy_id)
          .options(selectinload(Referral.events)).order_by(Referral.created_at.desc(), Referral.id.desc()))
    if scope:
        hq = hq.join(Seeker, Seeker.seeker_id == Referral.seeker_id).where(Seeker.district == scope)
    history = db.scalars(hq).all()
    referred = {r.seeker_id for r in history}
    shown = [c["seeker_id"] for c in candidates] + [r.seeker_id for r in history]
    if shown:
        record("vacancy_candidates", list(dict.fromkeys(shown)), vacancy_id=v.vacancy_id,
               detail=f"candidates shown: {len(candidates)} ({mode})")
        commit_audit()
    return render_template("vacancies/detail.html", v=v, candidates=candidates, problem=problem,
                           posted=posted, engine_flags=list(engine_flags.values()),
                           history=history, referred=referred, today=market_day(db), batch=batch, mode=mode)
