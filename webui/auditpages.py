"""The audit log's pages: ``/audit/`` (paged, filtered by date, user, action and
seeker) and its CSV export, for admins. Recording lives in :mod:`webui.audit`.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context, url_for
from sqlalchemy import func, select

from .audit import ACTION_LABELS, CSV_COLUMNS, PAGE_SIZE, action_label, record
from .auth import admin_required
from .db import get_session
from .models import AuditEntry, utcnow
from .params import parse_date, parse_page, parse_text

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filters() -> dict:
    return {"date_from": parse_date("date_from", ignore=True), "date_to": parse_date("date_to", ignore=True),
            "username": parse_text("username"), "seeker_id": parse_text("seeker_id"),
            "action": parse_text("action", max_len=32) if request.args.get("action") in ACTION_LABELS else ""}


def _query(f: dict):
    q = select(AuditEntry)
    if f["date_from"]:
        q = q.where(AuditEntry.at >= dt.datetime.combine(f["date_from"], dt.time.min))
    if f["date_to"]:
        q = q.where(AuditEntry.at < dt.datetime.combine(f["date_to"] + dt.timedelta(days=1), dt.time.min))
    if f["username"]:
        q = q.where(AuditEntry.username == f["username"])
    if f["seeker_id"]:
        q = q.where(AuditEntry.seeker_id == f["seeker_id"])
    if f["action"]:
        q = q.where(AuditEntry.action == f["action"])
    return q


@bp.get("/")
@admin_required
def log():
    """Admin: audit rows newest first, 100 a page, filtered by date, user, action, seeker."""
    db = get_session()
    f = _filters()
    page = parse_page()
    q = _query(f)
    total = db.scalar(select(func.count()).select_from(q.subquery())) or 0
    entries = db.scalars(q.order_by(AuditEntry.id.desc()).offset(page * PAGE_SIZE).limit(PAGE_SIZE)).all()
    args = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in f.items() if v}
    return render_template("audit/log.html", entries=entries, filters=f, args=args, page=page, total=total,
                           pages=max(1, -(-total // PAGE_SIZE)), actions=ACTION_LABELS, action_label=action_label,
                           csv_url=url_for("audit.export", **args),
                           retention=current_app.config["AUDIT_RETENTION_DAYS"])


@bp.get("/export.csv")
@admin_required
def export():
    """Admin: the filtered audit rows as CSV (UTF-8 with BOM for Excel), oldest first.

    The download is itself audited (``audit_export``, the filters in ``detail``)."""
    db = get_session()
    f = _filters()
    record("audit_export", detail=", ".join(f"{k}={v}" for k, v in f.items() if v)[:255] or "all")
    db.commit()

    def rows():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_COLUMNS)
        yield "\ufeff" + buf.getvalue()
        last = 0
        while True:
            chunk = db.scalars(_query(f).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(5000)).all()
            if not chunk:
                break
            buf.seek(0)
            buf.truncate()
            for e in chunk:
                writer.writerow([e.at.strftime("%Y-%m-%d %H:%M:%S"), e.user_id or "", e.username or "", e.action,
                                 e.seeker_id or "", e.vacancy_id or "", e.detail or "", e.ip or ""])
            last = chunk[-1].id
            yield buf.getvalue()

    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    return Response(stream_with_context(rows()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=audit-{stamp}.csv"})
