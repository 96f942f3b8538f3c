"""Seeker search and the seeker page (ranked posts with reasons).

Search criteria that identify a person (name, phone tail) travel only in a
POST body, never in a URL, so they stay out of access logs and browser
history; results link to seekers by id. District-scoped staff see only
their district's seekers: any other seeker id gives 404, as if unknown.
Every page that shows seekers writes one audit row per person shown.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.errors import MatcherError

from .audit import commit_audit, record
from .access import get_seeker_or_404
from .db import get_session
from .engine import get_fitted, list_length
from .masking import REVEAL_PURPOSES
from .models import Referral, Seeker, Vacancy
from .nightly import current_run
from .rankings import batch_candidates, batch_state, capacity_posts, list_mode, match_dict, with_rows
from .params import parse_page
from .views import DISTRICTS, PRIORITY_LABELS, read_wage_filter

bp = Blueprint("seekers", __name__, url_prefix="/seekers")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_query(criteria: dict[str, str], district_scope: str | None):
    """A SELECT over seekers for the given criteria (all optional, ANDed).

    ``seeker_id`` and ``name`` match as prefixes, ``phone_tail`` the last
    four digits, ``skill`` a substring of any skill or certificate,
    ``education`` an exact level 0..6, ``group`` a priority-group code.
    """
    q = select(Seeker)
    if district_scope:
        q = q.where(Seeker.district == district_scope)
    if criteria.get("seeker_id"):
        q = q.where(Seeker.seeker_id.like(_like_escape(criteria["seeker_id"]) + "%", escape="\\"))
    if criteria.get("name"):
        q = q.where(Seeker.name.like(_like_escape(criteria["name"]) + "%", escape="\\"))
    if criteria.get("phone_tail"):
        q = q.where(Seeker.phone_tail == criteria["phone_tail"][-4:])
    if criteria.get("district"):
        q = q.where(Seeker.district == criteria["district"])
    if criteria.get("education", "") in ("0", "1", "2", "3", "4", "5", "6"):
        q = q.where(Seeker.education_level == int(criteria["education"]))
    if criteria.get("group"):
        if criteria["group"] == "4045":
            q = q.where(Seeker.is_4045.is_(True))
        else:
            q = q.where(Seeker.groups_text.like("%|" + _like_escape(criteria["group"]) + "|%", escape="\\"))
    if criteria.get("skill"):
        q = q.where(Seeker.skills_text.like("%" + _like_escape(criteria["skill"]) + "%", escape="\\"))
    return q.order_by(Seeker.seeker_id)


CRITERIA = ("seeker_id", "name", "phone_tail", "district", "education", "group", "skill")


@bp.route("/", methods=("GET", "POST"))
def search():
    """GET: the search form. POST: the form plus matching seekers (masked)."""
    criteria = {k: request.form.get(k, "").strip()[:64] for k in CRITERIA} if request.method == "POST" else {}
    results, page, more = None, 0, False
    if request.method == "POST":
        limit = current_app.config["SEARCH_LIMIT"]
        page = parse_page(source=request.form)
        db = get_session()
        rows = db.scalars(search_query(criteria, current_user.district if not current_user.is_admin else None)
                          .offset(page * limit).limit(limit + 1)).all()
        more = len(rows) > limit
        results = rows[:limit]
        used = ",".join(k for k in CRITERIA if criteria.get(k))
        if results:
            record("search_seekers", [s.seeker_id for s in results], detail=f"by: {used}"[:255])
        else:
            record("search_seekers", detail=f"by: {used} (no results)")
        commit_audit()
    return render_template("seekers/search.html", criteria=criteria, results=results, page=page,
                           more=more, groups=PRIORITY_LABELS)




def match_filters(seeker: Seeker) -> dict:
    """Filters from the query string; defaults come from the seeker's profile."""
    submitted = request.args.get("f") == "1"
    district = request.args.get("district", "").strip()
    min_wage, unreadable = read_wage_filter(request.args.get("min_wage"))
    return {
        "district": district if district in DISTRICTS else "",
        "min_wage": min_wage,
        "min_wage_unreadable": unreadable,
        "welfare": request.args.get("welfare") == "1",
        "shift": (request.args.get("shift") == "1") if submitted else seeker.accepts_shift_work is not False,
    }


def ranked_posts(db: Session, seeker: Seeker, filters: dict, mode: str = "plain",
                 batch: dict | None = None) -> tuple[list[dict], str | None]:
    """The top matches for ``seeker`` under ``filters`` as dicts, plus an error text.

    ``mode`` is ``plain`` (live ranking, narrowed by a current nightly list
    when possible) or ``capacity`` (the nightly capacity-aware list; needs
    ``batch``, the page's :func:`~webui.rankings.batch_state`). Each dict is
    ``Match.to_dict()`` with a ``vacancy`` entry (the DB row). The plain list
    is ``for_seeker``'s under the page's mask, narrowed to the batch's
    candidates when a current batch holds the filtered top ``k``.
    """
    fitted = get_fitted(db)
    if fitted is None:
        return [], _("No data has been imported yet.")
    k = list_length(fitted, current_app.config.get("MATCHES_K"))
    mask = fitted.vacancy_mask(db, district=filters["district"] or None, min_wage=filters["min_wage"],
                               welfare_only=filters["welfare"], include_shift=filters["shift"])
    run = current_run()
    try:
        if mode == "capacity" and run is not None and batch is not None:
            rows = capacity_posts(run, fitted, seeker.seeker_id, mask, k)
        else:
            narrowed = batch_candidates(run, batch, fitted, seeker.seeker_id, mask, k)
            matches = fitted.matcher.for_seeker(seeker.seeker_id, k,
                                                vacancy_mask=mask if narrowed is None else narrowed)
            rows = [match_dict(m) for m in matches]
    except MatcherError:
        return [], _("This seeker is not in the fitted data yet. If data was just imported, the matcher is being refitted: reload the page in a minute.")
    return with_rows(db, rows, Vacancy, "vacancy_id", "vacancy"), None


def seeker_referrals(db: Session, seeker_id: str) -> list[Referral]:
    """The seeker's referral history, newest first, with events and posts."""
    return db.scalars(select(Referral).where(Referral.seeker_id == seeker_id)
                      .options(selectinload(Referral.events)).order_by(Referral.created_at.desc(),
                                                                        Referral.id.desc())).all()


def render_seeker(seeker_id: str, reveal: str | None = None):
    """Render the seeker page; writes the audit row (``view_seeker``, or ``reveal_seeker`` with
    the purpose code when ``reveal`` names one)."""
    db = get_session()
    seeker = get_seeker_or_404(db, seeker_id)
    filters = match_filters(seeker)
    batch = batch_state(current_run(), db, "seeker_matches_capacity")
    mode = list_mode() if batch else "plain"
    posts, problem = ranked_posts(db, seeker, filters, mode, batch)
    history = seeker_referrals(db, seeker.seeker_id)
    titles = {v.vacancy_id: v for v in db.scalars(select(Vacancy).where(
        Vacancy.vacancy_id.in_({r.vacancy_id for r in history})))} if history else {}
    referred = {r.vacancy_id for r in history}
    record("reveal_seeker" if reveal else "view_seeker", [seeker.seeker_id],
           detail=(f"purpose: {reveal}; " if reveal else "") + f"matches shown: {len(posts)} ({mode})")
    commit_audit()
    training = training_for_page(db, seeker.seeker_id)
    from .training import with_course_fixes
    posts = with_course_fixes(posts, training["rows"])
    return render_template("seekers/detail.html", seeker=seeker, posts=posts, problem=problem,
                           filters=filters, history=history, titles=titles, referred=referred,
                           reveal=bool(reveal), purpose=reveal, purposes=REVEAL_PURPOSES,
                           today=dt.date.today(), batch=batch, mode=mode, training=training)


@bp.get("/<seeker_id>")
def detail(seeker_id: str):
    """The seeker page: masked profile, ranked posts with reasons, history."""
    return render_seeker(seeker_id)


@bp.post("/<seeker_id>/reveal")
def reveal(seeker_id: str):
    """The same page with name, ID number and phone in full, for a stated purpose (audited).

    Anyone who may open the seeker's page may reveal — admins by the same
    rule as staff — but only by choosing one of
    :data:`~webui.masking.REVEAL_PURPOSES`; without one nothing is shown and
    the page says why. The purpose code is written to the audit log.
    """
    purpose = request.form.get("purpose", "")
    if purpose not in REVEAL_PURPOSES:
        get_seeker_or_404(get_session(), seeker_id)
        flash(_("Choose why you need the ID number and phone; nothing was revealed."), "error")
        return redirect(url_for("seekers.detail", seeker_id=seeker_id, _anchor="reveal-form"))
    return render_seeker(seeker_id, reveal=purpose)


def training_for_page(db: Session, seeker_id: str) -> dict:
    """The training section's state: ``{"rows": list | None, "available": bool}``
    (rows None = not computed yet for this fit generation)."""
    from .training import cached_suggestions, good_score

    fitted = get_fitted(db)
    if fitted is None:
        return {"rows": None, "available": False, "good_score": None}
    return {"rows": cached_suggestions(fitted.token, seeker_id), "available": True,
            "good_score": good_score(fitted.matcher)}
