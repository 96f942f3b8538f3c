"""Follow-up calls (回访) after a hire, departures, and the outcome event log in and out.

After a hire the office calls the person at about 30, 90 and 180 days
(:data:`MILESTONES`) to learn whether they are still in the job. The list at
``/followups/`` shows the hires whose next call is due (from
:data:`EARLY_DAYS` before the milestone) or overdue, oldest first, limited to
the user's district like every seeker list. A call is recorded as an
``employed`` event ("still in the job") or a ``left`` event with the reason
(a code of :data:`matcher.vocab.LEAVE_REASONS`), the same events as the
outcome event log of ``docs/input-format.md``; a departure ends the calls.

``/followups/export.csv`` writes every referral and its events in that event
log format (``seeker_id, vacancy_id, date, outcome, reason, rank_shown,
list_shown, staff``): the file ``matcher learn`` reads and the import page
reads back. Ids only: no name, ID number or phone is exported.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher import vocab
from matcher.schema import OUTCOME_COLUMNS

from .audit import record
from .auth import admin_required
from .db import get_session
from .models import OutcomeEvent, Referral, Seeker, User
from .access import MAX_NOTE, get_referral_or_404
from .store import recount_hired, set_referral_status

bp = Blueprint("followups", __name__, url_prefix="/followups")

#: Days after the hire at which the office calls.
MILESTONES: tuple[int, ...] = (30, 90, 180)
#: A call counts for a milestone from this many days before it; the list shows it from then on.
EARLY_DAYS = 7
#: A call is overdue this many days after its milestone.
OVERDUE_DAYS = 14
#: Results of a call.
RESULTS: tuple[str, ...] = ("employed", "left")
#: Columns of the exported event log (the loader's outcome columns, in order).
EXPORT_COLUMNS: list[str] = [c.name for c in OUTCOME_COLUMNS]


@dataclass(frozen=True)
class Due:
    """A hire whose follow-up call at ``milestone`` days is due on ``due_on``."""

    referral_id: int
    hired_on: dt.date
    milestone: int
    due_on: dt.date
    overdue: bool
    calls_done: int


def hire_date(ref: Referral) -> dt.date | None:
    """The date of the referral's latest hire (None when never hired)."""
    hires = [e.date for e in ref.events if e.outcome == "hired"]
    return max(hires) if hires else None


def next_call(ref: Referral, today: dt.date) -> Due | None:
    """The next follow-up call of a hire, or None (not hired, left, all calls made, or not yet due).

    A milestone counts as done when an ``employed`` call was recorded from
    :data:`EARLY_DAYS` before it on. Once a ``left`` event follows the hire
    no further call is due.
    """
    hired = hire_date(ref)
    if hired is None:
        return None
    after = [e for e in ref.events if e.date >= hired and e.outcome in RESULTS]
    if any(e.outcome == "left" for e in after):
        return None
    calls = [e.date for e in after if e.outcome == "employed"]
    done = 0
    for m in MILESTONES:
        start = hired + dt.timedelta(days=m - EARLY_DAYS)
        if any(c >= start for c in calls):
            done += 1
            continue
        if today < start:
            return None
        due_on = hired + dt.timedelta(days=m)
        return Due(ref.id, hired, m, due_on, today > due_on + dt.timedelta(days=OVERDUE_DAYS), done)
    return None


def due_calls(db, user, today: dt.date) -> list[tuple[Due, Referral]]:
    """Every hire the user may see whose next call is due or overdue, earliest due first."""
    q = (select(Referral).join(Seeker, Seeker.seeker_id == Referral.seeker_id)
         .where(Referral.status.in_(("hired", "employed")))
         .options(selectinload(Referral.events), selectinload(Referral.seeker), selectinload(Referral.vacancy)))
    if user.district:
        q = q.where(Seeker.district == user.district)
    out = []
    for ref in db.scalars(q):
        due = next_call(ref, today)
        if due is not None:
            out.append((due, ref))
    out.sort(key=lambda x: (x[0].due_on, x[0].referral_id))
    return out


@bp.get("/")
def index():
    """Hires due for a follow-up call (the user's district only)."""
    db = get_session()
    today = dt.date.today()
    rows = due_calls(db, current_user, today)
    if rows:
        record("followups_due", [ref.seeker_id for _d, ref in rows], detail=f"due calls: {len(rows)}")
        db.commit()
    return render_template("followups/index.html", rows=rows, today=today, milestones=MILESTONES,
                           reasons=vocab.LEAVE_REASONS)


def _parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


@bp.post("/<int:referral_id>")
def record_call(referral_id: int):
    """Record a follow-up call: ``result`` employed|left, ``date`` (not before the hire, not in the
    future), ``reason`` (required when left), ``note``."""
    db = get_session()
    ref = get_referral_or_404(referral_id)
    back = url_for("referrals.detail", referral_id=ref.id) if request.form.get("from") == "referral" \
        else url_for("followups.index")
    hired = hire_date(ref)
    result = request.form.get("result", "")
    day = _parse_day(request.form.get("date"))
    reason = request.form.get("reason", "") if result == "left" else ""
    today = dt.date.today()
    if hired is None:
        flash(_("A follow-up call can only be recorded after a hire."), "error")
        return redirect(back)
    if any(e.outcome == "left" and e.date >= hired for e in ref.events):
        flash(_("This person has already left the job; no further calls are recorded."), "error")
        return redirect(back)
    if result not in RESULTS:
        flash(_("Choose whether the person is still in the job or has left."), "error")
        return redirect(back)
    if day is None or day > today or day < hired:
        flash(_("Give the date of the call: not before the hire (%(hired)s) and not in the future.",
                hired=hired.isoformat()), "error")
        return redirect(back)
    if result == "left" and reason not in vocab.LEAVE_REASONS:
        flash(_("Choose why the person left."), "error")
        return redirect(back)
    ref.events.append(OutcomeEvent(outcome=result, date=day, reason=reason or None, recorded_by=current_user.id,
                                   source="followup",
                                   note=(request.form.get("note") or "").strip()[:MAX_NOTE] or None))
    db.flush()
    set_referral_status(ref)
    recount_hired(db, [ref.vacancy_id])
    record("followup", [ref.seeker_id], vacancy_id=ref.vacancy_id,
           detail=f"referral {ref.id}: {result}" + (f" ({reason})" if reason else ""))
    db.commit()
    flash(_("Follow-up call recorded."), "info")
    return redirect(back)


def event_log(db) -> pd.DataFrame:
    """Every referral and its events as the outcome event log (:data:`EXPORT_COLUMNS`).

    One ``referred`` row per referral (its creation date, rank and list, the
    user who made it), then one row per recorded event in date order.
    """
    users = dict(db.execute(select(User.id, User.username)).all())
    rows = []
    refs = db.scalars(select(Referral).options(selectinload(Referral.events)).order_by(Referral.id))
    for ref in refs:
        made = ref.created_at.date() if ref.created_at else None
        rows.append({"seeker_id": ref.seeker_id, "vacancy_id": ref.vacancy_id,
                     "date": made.isoformat() if made else "", "outcome": "referred", "reason": "",
                     "rank_shown": ref.rank if ref.rank is not None else "", "list_shown": ref.list_shown or "",
                     "staff": users.get(ref.created_by, "") if ref.created_by else ""})
        for e in sorted(ref.events, key=lambda e: (e.date, e.id or 0)):
            rows.append({"seeker_id": ref.seeker_id, "vacancy_id": ref.vacancy_id, "date": e.date.isoformat(),
                         "outcome": e.outcome, "reason": e.reason or "", "rank_shown": "", "list_shown": "",
                         "staff": users.get(e.recorded_by, "") if e.recorded_by else ""})
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


@bp.get("/export.csv")
@admin_required
def export():
    """Admin: all referrals and outcomes as the event log CSV (UTF-8 with BOM for Excel)."""
    db = get_session()
    frame = event_log(db)
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    record("export_outcomes", detail=f"rows: {len(frame)}")
    db.commit()
    name = f"outcomes-{dt.date.today().isoformat()}.csv"
    return Response(buf.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})

