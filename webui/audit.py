"""The audit log: who looked at whom, when, and what they did.

:func:`record` is called by every view that shows a person's data (one row
per person shown), by every action on a person (refer, outcome, reveal), by
sign-in and sign-out (and failed, locked and throttled attempts), by user,
role and password changes, imports (web and ``matcher import``), report
generation and every refused request (403). Rows hold ids, usernames and
addresses only — never names, ID numbers or phone numbers.

The log is append-only from the application: no route updates or deletes a
row. The only deletion is retention: rows older than
``AUDIT_RETENTION_DAYS`` (default 1095 days, at least 180 — the six months
China's Cybersecurity Law asks network logs to be kept) are removed when the
app starts (:func:`prune`). Admins read the log at ``/audit/`` (paged, filtered
by date, user, action, seeker id) and download the same selection as CSV.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from .db import get_session
from .models import AuditEntry, User, utcnow

#: Action code -> label shown on the audit page (codes are what the table stores).
ACTION_LABELS = {
    "login": _l("Signed in"),
    "logout": _l("Signed out"),
    "login_failed": _l("Failed sign-in"),
    "lockout": _l("User locked out"),
    "login_locked": _l("Sign-in refused: user locked"),
    "login_throttled": _l("Sign-in refused: address limit"),
    "session_refused": _l("Session refused (other browser or address)"),
    "password_change": _l("Password changed"),
    "password_change_failed": _l("Password change failed"),
    "password_reset": _l("Password reset by admin"),
    "password_rehash": _l("Password hash upgraded at sign-in"),
    "user_create": _l("User created"),
    "user_change": _l("User role or district changed"),
    "user_deactivate": _l("User deactivated"),
    "user_activate": _l("User reactivated"),
    "denied": _l("Access denied"),
    "view_seeker": _l("Viewed a seeker"),
    "reveal_seeker": _l("Revealed personal data"),
    "search_seekers": _l("Searched seekers"),
    "vacancy_candidates": _l("Viewed candidates of a post"),
    "refer": _l("Referral made"),
    "outcome": _l("Outcome recorded"),
    "view_referral": _l("Viewed a referral"),
    "import": _l("Import (web)"),
    "import_cli": _l("Import (command line)"),
    "report": _l("City report generated"),
    "training_suggestions": _l("Training suggestions computed"),
    "backup": _l("Database backup"),
    "audit_export": _l("Audit log exported"),
    "import_issues": _l("Import rejects/warnings downloaded"),
    "followups_due": _l("Viewed follow-up calls due"),
    "followup": _l("Follow-up call recorded"),
    "export_outcomes": _l("Outcome event log exported"),
    "code_auto": _l("Occupation codes set automatically"),
    "code_confirm": _l("Occupation code confirmed"),
    "code_export": _l("Confirmed codes exported"),
    "code_import": _l("Confirmed codes imported"),
}
#: Actions written to the log (codes).
ACTIONS = tuple(ACTION_LABELS)
PAGE_SIZE = 100
#: Retention may not go below six months (China's Cybersecurity Law, art. 21).
MIN_RETENTION_DAYS = 180
CSV_COLUMNS = ("at_utc", "user_id", "username", "action", "seeker_id", "vacancy_id", "detail", "ip")


def record(action: str, seeker_ids: Iterable[str | None] = (None,), vacancy_id: str | None = None,
           detail: str | None = None, *, user: User | None = None, username: str | None = None) -> None:
    """Add one audit row per seeker id (one row with no seeker when empty).

    The row names the signed-in user, or ``user`` / ``username`` when given
    (sign-in attempts). Written in the request's session; the caller commits
    (views that only read call :func:`commit_audit`). ``detail`` must not hold
    personal data.
    """
    ids = list(seeker_ids) or [None]
    now = utcnow()
    if user is None and username is None and current_user and current_user.is_authenticated:
        user = current_user
    uid = user.id if user is not None else None
    uname = (user.username if user is not None else username or None)
    ip = client_ip()
    rows = [{"at": now, "user_id": uid, "username": uname and uname[:64], "action": action[:32],
             "seeker_id": sid, "vacancy_id": vacancy_id, "detail": (detail or None) and detail[:255], "ip": ip}
            for sid in ids]
    get_session().execute(insert(AuditEntry), rows)


def commit_audit() -> None:
    """Commit the audit rows of a read-only view."""
    get_session().commit()


def write(session: Session, action: str, *, username: str | None, detail: str | None = None,
          ip: str | None = None) -> None:
    """An audit row outside a request (command-line tools); commits."""
    session.execute(insert(AuditEntry), [{"at": utcnow(), "user_id": None, "username": (username or "")[:64] or None,
                                          "action": action[:32], "seeker_id": None, "vacancy_id": None,
                                          "detail": (detail or None) and detail[:255], "ip": (ip or "")[:64] or None}])
    session.commit()


def retention_days(config) -> int:
    """The configured retention in days; raises ValueError below the legal minimum."""
    days = int(config.get("AUDIT_RETENTION_DAYS") or 0)
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"AUDIT_RETENTION_DAYS={days} is below {MIN_RETENTION_DAYS} days: "
                         "keep audit entries at least six months.")
    return days


def prune(session: Session, days: int, now: dt.datetime | None = None) -> int:
    """Delete audit rows older than ``days`` (retention); returns how many. Commits."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    n = session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff)).rowcount or 0
    session.commit()
    return n


def action_label(code: str | None) -> str:
    """The localised label of an action code (the code itself when unknown)."""
    label = ACTION_LABELS.get(code or "")
    return str(label) if label is not None else (code or "")


def client_ip() -> str:
    """The client's address: the WSGI peer, or the proxied client with ``TRUSTED_PROXIES``
    (the app wraps itself in werkzeug's ProxyFix for that many hops)."""
    return (request.remote_addr or "unknown")[:64]
