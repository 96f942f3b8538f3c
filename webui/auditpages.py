"""The audit log's pages: ``/audit/`` (paged, filtered by date, user, action and
seeker) and its CSV export, for admins. Recording lives in :mod:`webui.audit`.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import re
from collections.abc import Callable

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, select

from .audit import ACTION_LABELS, CSV_COLUMNS, PAGE_SIZE, action_label, record
from .auth import admin_required
from .db import get_session
from .models import AuditEntry, utcnow
from .params import parse_date, parse_page, parse_text
from .views import LEAVE_REASON_LABELS, LIST_SHOWN_LABELS, OUTCOME_LABELS, REVEAL_PURPOSE_LABELS, ROLE_LABELS, label

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


#: Search fields as the search form names them.
_FIELD_LABELS = {"seeker_id": _l("Seeker id"), "name": _l("Name"), "phone_tail": _l("Phone (last 4 digits)"),
                 "district": _l("District"), "education": _l("Education"), "group": _l("Priority group"),
                 "skill": _l("Skill")}
_FAILED = {"unknown user": _l("unknown user"), "inactive": _l("user deactivated"),
           "wrong password": _l("wrong password")}
#: Fixed detail texts the app writes, and their localised words.
_FIXED = {"started": _l("started"), "refused: one already running": _l("refused: one already running"),
          "address limit": _l("address limit"), "attempt while locked": _l("attempt while locked"),
          "wrong current password": _l("wrong current password"),
          "cookie from another browser or address": _l("cookie from another browser or address"),
          "all": _l("all entries"), **_FAILED}


def _list_sep() -> str:
    return "、" if str(get_locale() or "").startswith("zh") else ", "


def _n(x: str) -> str:
    return f"{int(x):,}"


def _code(x: str) -> Markup:
    return Markup("<code>{}</code>").format(x)


def _role(x: str) -> str:
    return label(ROLE_LABELS, x)


def _district(x: str) -> str:
    return _("all districts") if x == "-" else x


#: (pattern of a detail the app writes, its rendering in the page's language)
_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], Markup | str]]] = [
    (re.compile(r"(?:purpose: (?P<p>[\w-]+); )?(?P<what>matches|candidates) shown: (?P<n>\d+) \((?P<mode>\w+)\)"),
     lambda m: (str(_("purpose: %(purpose)s; ", purpose=label(REVEAL_PURPOSE_LABELS, m["p"]))) if m["p"] else "")
     + (_("matches shown: %(n)s (%(list)s)", n=_n(m["n"]), list=label(LIST_SHOWN_LABELS, m["mode"]))
        if m["what"] == "matches" else
        _("candidates shown: %(n)s (%(list)s)", n=_n(m["n"]), list=label(LIST_SHOWN_LABELS, m["mode"])))),
    (re.compile(r"by: (?P<f>[\w,]*)(?P<none> \(no results\))?"),
     lambda m: str(_("searched by: %(fields)s", fields=_list_sep().join(label(_FIELD_LABELS, f) for f in m["f"].split(",") if f)
                      or "—")) + (str(_(" (no results)")) if m["none"] else "")),
    (re.compile(r"referral (?P<id>\d+)(?:: (?P<o>\w+)(?: \((?P<r>[^)]*)\))?)?"),
     lambda m: str(_("referral %(id)s", id=m["id"])) + (
         f": {label(OUTCOME_LABELS, m['o'])}" + (f" ({label(LEAVE_REASON_LABELS, m['r'])})" if m["r"] else "")
         if m["o"] else "")),
    (re.compile(r"(?P<what>suggestions|rows|due calls): (?P<n>\d+)"),
     lambda m: {"suggestions": _("suggestions: %(n)s", n=_n(m["n"])), "rows": _("rows: %(n)s", n=_n(m["n"])),
                "due calls": _("calls due: %(n)s", n=_n(m["n"]))}[m["what"]]),
    (re.compile(r"import (?P<id>\d+)(?: (?P<file>\S+))?"),
     lambda m: str(_("import %(id)s", id=m["id"])) + (Markup(" ") + _code(m["file"]) if m["file"] else "")),
    (re.compile(r"user (?P<id>\d+) (?P<u>\S+): role (?P<r>\w+) -> (?P<r2>\w+), district (?P<d>\S+) -> (?P<d2>\S+)"),
     lambda m: _("user %(id)s %(name)s: role %(role)s → %(role2)s, district %(district)s → %(district2)s",
                  id=m["id"], name=m["u"], role=_role(m["r"]), role2=_role(m["r2"]), district=_district(m["d"]),
                  district2=_district(m["d2"]))),
    (re.compile(r"user (?P<id>\d+) (?P<u>\S+): role (?P<r>\w+), district (?P<d>\S+)"),
     lambda m: _("user %(id)s %(name)s: role %(role)s, district %(district)s", id=m["id"], name=m["u"],
                  role=_role(m["r"]), district=_district(m["d"]))),
    (re.compile(r"user (?P<id>\d+) (?P<u>\S+)"), lambda m: _("user %(id)s %(name)s", id=m["id"], name=m["u"])),
    (re.compile(r"until (?P<t>[\d: -]+) UTC"), lambda m: _("until %(time)s UTC", time=m["t"])),
    (re.compile(r"to (?P<f>\S+) \((?P<n>\d+) bytes\)"),
     lambda m: _code(m["f"]) + " " + str(_("(%(n)s bytes)", n=_n(m["n"])))),
    (re.compile(r"(?P<req>[A-Z]+ \S+): outside district"),
     lambda m: _code(m["req"]) + " " + str(_("outside the user's district"))),
    (re.compile(r"(?P<req>(?:GET|POST|PUT|DELETE|PATCH|HEAD) \S+)"), lambda m: _code(m["req"])),
    (re.compile(r"(?P<f>(?:\w+=[^,]*)(?:, \w+=[^,]*)*)"), lambda m: _code(m["f"])),
]


def detail_label(detail: str | None) -> Markup | str:
    """An audit row's detail in the page's language: the app's own detail texts are recognised and
    worded; anything else (older rows, free text) is shown as stored. The stored row never changes."""
    if not detail:
        return ""
    if detail in _FIXED:
        return str(_FIXED[detail])
    for pattern, render in _PATTERNS:
        m = pattern.fullmatch(detail)
        if m:
            out = render(m)
            return out if isinstance(out, Markup) else escape(str(out))
    return detail


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
                           detail_label=detail_label,
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
