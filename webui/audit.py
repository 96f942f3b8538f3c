"""The audit log: who looked at whom, when, and what they did.

:func:`record` is called by every view that shows a person's data (one row
per person shown) and by every action on a person (refer, outcome, reveal).
Rows hold ids only — never names, ID numbers or phone numbers. Admins read
the log at ``/audit/``.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import insert, select

from .auth import admin_required, client_ip
from .db import get_session
from .models import AuditEntry, utcnow

bp = Blueprint("audit", __name__, url_prefix="/audit")

#: Actions written to the log.
ACTIONS = ("view_seeker", "reveal_seeker", "search_seekers", "vacancy_candidates", "refer",
           "outcome", "view_referral", "import", "training_suggestions")


def record(action: str, seeker_ids: Iterable[str | None] = (None,), vacancy_id: str | None = None,
           detail: str | None = None) -> None:
    """Add one audit row per seeker id (one row with no seeker when empty).

    Written in the request's session; the caller commits (views that only
    read call :func:`commit_audit`). ``detail`` must not hold personal data.
    """
    ids = list(seeker_ids) or [None]
    now = utcnow()
    uid = current_user.id if current_user.is_authenticated else None
    uname = current_user.username if current_user.is_authenticated else None
    ip = client_ip()
    rows = [{"at": now, "user_id": uid, "username": uname, "action": action, "seeker_id": sid,
             "vacancy_id": vacancy_id, "detail": (detail or None) and detail[:255], "ip": ip}
            for sid in ids]
    get_session().execute(insert(AuditEntry), rows)


def commit_audit() -> None:
    """Commit the audit rows of a read-only view."""
    get_session().commit()


@bp.get("/")
@admin_required
def log():
    """Admin: the newest audit rows, optionally for one seeker id or user name."""
    db = get_session()
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)
    seeker_id = request.args.get("seeker_id", "").strip()
    username = request.args.get("username", "").strip()
    if seeker_id:
        query = query.where(AuditEntry.seeker_id == seeker_id)
    if username:
        query = query.where(AuditEntry.username == username)
    return render_template("audit/log.html", entries=db.scalars(query).all(),
                           seeker_id=seeker_id, username=username)
