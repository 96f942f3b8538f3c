"""Referrals: refer a seeker to a post, record outcomes, read the history.

A referral can be made from the seeker page or the vacancy page (POST with
``seeker_id`` and ``vacancy_id``). Outcomes (interviewed / hired / rejected /
declined) are recorded with a date and a note; the referral's status is its
latest outcome by date, and a post's ``hired_count`` follows the hires so a
filled post leaves the rankings. Every action writes an audit row.
"""
from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from matcher import vocab

from .audit import record
from .db import get_session
from .models import OUTCOMES, OutcomeEvent, Referral
from .access import MAX_NOTE, get_referral_or_404, get_seeker_or_404
from .store import recount_hired, set_referral_status
from .vacancies import get_vacancy_or_404
from .views import _safe_next

bp = Blueprint("referrals", __name__, url_prefix="/referrals")

#: Outcomes staff can record after the referral itself.
RECORDABLE = tuple(o for o in OUTCOMES if o != "referred")


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 7 else None


def _list_shown(text: str | None) -> str | None:
    """The list a referral was made from (:data:`matcher.vocab.LISTS_SHOWN`), None when not given."""
    return text if text in vocab.LISTS_SHOWN else None


@bp.post("/")
def create():
    """Refer ``seeker_id`` to ``vacancy_id``; an existing referral of the pair is reused."""
    db = get_session()
    seeker = get_seeker_or_404(db, request.form.get("seeker_id", ""))
    vacancy = get_vacancy_or_404(db, request.form.get("vacancy_id", ""))
    existing = db.scalar(select(Referral).where(Referral.seeker_id == seeker.seeker_id,
                                                Referral.vacancy_id == vacancy.vacancy_id)
                         .order_by(Referral.id.desc()).limit(1))
    if existing is not None:
        flash(_("This seeker was already referred to this post."), "info")
        return redirect(url_for("referrals.detail", referral_id=existing.id))
    ref = Referral(seeker_id=seeker.seeker_id, vacancy_id=vacancy.vacancy_id, created_by=current_user.id,
                   source="staff", status="referred", status_date=dt.date.today(),
                   score=_float(request.form.get("score")), rank=_int(request.form.get("rank")),
                   list_shown=_list_shown(request.form.get("list")),
                   note=(request.form.get("note") or "").strip()[:MAX_NOTE] or None)
    db.add(ref)
    db.flush()
    record("refer", [seeker.seeker_id], vacancy_id=vacancy.vacancy_id, detail=f"referral {ref.id}")
    db.commit()
    flash(_("Referral recorded."), "info")
    return redirect(url_for("referrals.detail", referral_id=ref.id))


@bp.get("/<int:referral_id>")
def detail(referral_id: int):
    """One referral: seeker (masked), post, events and the outcome form."""
    ref = get_referral_or_404(referral_id)
    record("view_referral", [ref.seeker_id], vacancy_id=ref.vacancy_id, detail=f"referral {ref.id}")
    get_session().commit()
    from .followups import hire_date, next_call

    today = dt.date.today()
    hired_on = hire_date(ref)
    left = hired_on is not None and any(e.outcome == "left" and e.date >= hired_on for e in ref.events)
    return render_template("referrals/detail.html", ref=ref, outcomes=RECORDABLE, today=today,
                           hired_on=hired_on, due=next_call(ref, today), can_follow_up=hired_on is not None and not left)


@bp.post("/<int:referral_id>/outcome")
def outcome(referral_id: int):
    """Record an outcome with date (YYYY-MM-DD, not in the future) and note."""
    db = get_session()
    ref = get_referral_or_404(referral_id)
    kind = request.form.get("outcome", "")
    try:
        day = dt.date.fromisoformat(request.form.get("date", "").strip())
    except ValueError:
        day = None
    if kind not in RECORDABLE or day is None or day > dt.date.today():
        flash(_("Choose an outcome and a valid date that is not in the future."), "error")
        return redirect(url_for("referrals.detail", referral_id=ref.id))
    made = ref.created_at.date() if ref.created_at else None
    if made is not None and day < made:
        flash(_("The date is before the referral (%(date)s): an outcome cannot come before it.",
                date=made.isoformat()), "error")
        return redirect(url_for("referrals.detail", referral_id=ref.id))
    ref.events.append(OutcomeEvent(outcome=kind, date=day, recorded_by=current_user.id, source="staff",
                                   note=(request.form.get("note") or "").strip()[:MAX_NOTE] or None))
    db.flush()
    set_referral_status(ref)
    recount_hired(db, [ref.vacancy_id])
    record("outcome", [ref.seeker_id], vacancy_id=ref.vacancy_id, detail=f"referral {ref.id}: {kind}")
    db.commit()
    flash(_("Outcome recorded."), "info")
    return redirect(_safe_next(request.form.get("next")) or url_for("referrals.detail", referral_id=ref.id))
