"""The audit trail: what is logged, the page's paging/filters/CSV, append-only, retention."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, insert, select

from tests.webui.conftest import login
from webui.audit import ACTION_LABELS, prune, retention_days
from webui.db import new_session
from webui.models import AuditEntry, utcnow


def _rows(app, **where) -> list[AuditEntry]:
    s = new_session(app)
    try:
        q = select(AuditEntry).order_by(AuditEntry.id)
        for k, v in where.items():
            q = q.where(getattr(AuditEntry, k) == v)
        return list(s.scalars(q))
    finally:
        s.close()


def _seed(app, n: int, start: dt.datetime, **values) -> None:
    s = new_session(app)
    rows = [{"at": start + dt.timedelta(minutes=i), "user_id": None, "username": values.get("username", "east"),
             "action": values.get("action", "view_seeker"), "seeker_id": f"S{i % 60:04d}", "vacancy_id": None,
             "detail": None, "ip": "127.0.0.1"} for i in range(n)]
    s.execute(insert(AuditEntry), rows)
    s.commit()
    s.close()


def test_denied_access_is_audited(app, client):
    login(client, "east")
    assert client.get("/audit/").status_code == 403
    assert client.post("/auth/users", data={"username": "x"}).status_code == 403
    denied = _rows(app, action="denied", username="east")
    assert [d.detail for d in denied] == ["GET audit.log", "POST auth.users"]


def test_user_changes_are_audited_without_passwords(app, admin_client):
    admin_client.post("/auth/users", data={"username": "newbie", "password": "lilac tractor 77", "role": "staff",
                                           "district": "西区"})
    newbie = _rows(app, action="user_create")[-1]
    assert "newbie" in newbie.detail and "西区" in newbie.detail
    uid = int(newbie.detail.split()[1].rstrip(":"))
    admin_client.post(f"/auth/users/{uid}/edit", data={"role": "admin", "district": ""})
    admin_client.post(f"/auth/users/{uid}/reset", data={"password": "violet engine 55"})
    admin_client.post(f"/auth/users/{uid}/toggle")
    actions = [r.action for r in _rows(app, username="admin")]
    assert ["user_create", "user_change", "password_reset", "user_deactivate"] == \
        [a for a in actions if a.startswith(("user_", "password_"))]
    for r in _rows(app):
        assert "lilac" not in (r.detail or "") and "violet" not in (r.detail or "")


def test_audit_page_pages_filters_and_shows_labels(app, admin_client):
    base = dt.datetime(2026, 3, 1, 8, 0)
    _seed(app, 250, base)
    _seed(app, 3, dt.datetime(2026, 3, 5, 9, 0), username="west", action="reveal_seeker")
    html = admin_client.get("/audit/?username=east&date_from=2026-03-01&date_to=2026-03-01").get_data(as_text=True)
    assert "共 250 条" in html and "第 1 页，共 3 页" in html
    assert "查看求职者" in html  # the label, not only the code
    assert html.count("<tr><td>2026-03-01") == 100
    page3 = admin_client.get("/audit/?username=east&date_from=2026-03-01&date_to=2026-03-01&page=2").get_data(as_text=True)
    assert page3.count("<tr><td>2026-03-01") == 50 and 'rel="prev"' in page3 and 'rel="next"' not in page3
    html = admin_client.get("/audit/?action=reveal_seeker&date_from=2026-03-05").get_data(as_text=True)
    assert "共 3 条" in html and "查看完整个人信息" in html
    html = admin_client.get("/audit/?date_from=2026-02-31").get_data(as_text=True)  # bad date: ignored, said so
    assert "不是 YYYY-MM-DD 格式的日期" in html
    admin_client.post("/lang", data={"lang": "en"})
    html = admin_client.get("/audit/?action=reveal_seeker").get_data(as_text=True)
    assert "Revealed personal data" in html and "查看" not in html


def test_audit_csv_export_matches_the_filter_and_is_audited(app, admin_client):
    _seed(app, 7, dt.datetime(2026, 4, 2, 10, 0), username="west", action="view_seeker")
    r = admin_client.get("/audit/export.csv?username=west&date_from=2026-04-02&date_to=2026-04-02")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 7 and {row["username"] for row in rows} == {"west"}
    assert rows[0]["at_utc"] == "2026-04-02 10:00:00" and rows[0]["action"] == "view_seeker"
    assert _rows(app, action="audit_export")[-1].detail.startswith("date_from=2026-04-02")


def test_no_route_edits_or_deletes_audit_rows(app):
    """Append-only from the app: no audit route accepts a writing method; the only
    deletion in webui/ is the retention prune."""
    from pathlib import Path

    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("audit."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    webui = Path(__file__).resolve().parents[2] / "webui"
    for path in webui.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "AuditEntry" in text and path.name != "audit.py":
            assert "delete(AuditEntry" not in text and "update(AuditEntry" not in text, path.name
    audit_src = (webui / "audit.py").read_text(encoding="utf-8")
    assert audit_src.count("delete(AuditEntry") == 1 and "update(AuditEntry" not in audit_src


def test_retention_prunes_old_rows_and_refuses_less_than_six_months(app):
    now = utcnow()
    _seed(app, 3, now - dt.timedelta(days=400), action="login")
    _seed(app, 2, now - dt.timedelta(days=10), action="login")
    s = new_session(app)
    try:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
        assert prune(s, 365) == 3
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before - 3
    finally:
        s.close()
    assert retention_days({"AUDIT_RETENTION_DAYS": 365}) == 365
    with pytest.raises(ValueError, match="six months"):
        retention_days({"AUDIT_RETENTION_DAYS": 30})


def test_every_action_written_has_a_label():
    """Codes written anywhere in webui/ are in ACTION_LABELS (so the page never shows a bare code)."""
    import re
    from pathlib import Path

    webui = Path(__file__).resolve().parents[2] / "webui"
    used = set()
    for path in webui.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\brecord\(\s*"([a-z_]+)"', text))
        used |= set(re.findall(r'\bwrite\(\s*\w+,\s*"([a-z_]+)"', text))
        used |= set(re.findall(r'"(user_activate|user_deactivate|reveal_seeker|view_seeker)"', text))
    assert used and used <= set(ACTION_LABELS), used - set(ACTION_LABELS)


def test_out_of_district_seeker_is_a_404_audited_as_denied(app, client):
    s = new_session(app)
    from webui.models import Seeker
    west_seeker = s.scalar(select(Seeker.seeker_id).where(Seeker.district == "西区"))
    s.close()
    login(client, "east")
    assert client.get(f"/seekers/{west_seeker}").status_code == 404
    denied = _rows(app, action="denied", username="east")
    assert [(d.seeker_id, d.detail) for d in denied] == [(west_seeker, "GET seekers.detail: outside district")]


@pytest.mark.parametrize("lang,words,raw", [
    ("zh", ["显示匹配岗位", "查询条件：姓名", "用户 ", "角色 管理员"], ["matches shown", "by: name", "role admin"]),
    ("en", ["matches shown: ", "searched by: Name", "role Administrator"], ["显示匹配岗位", "查询条件"]),
])
def test_audit_details_are_worded_in_the_page_language(app, admin_client, lang, words, raw):
    """The stored detail stays as written (the CSV keeps it); the page words it in its own language."""
    if lang == "en":
        admin_client.post("/lang", data={"lang": "en", "next": "/"})
    admin_client.get("/seekers/S0001")
    admin_client.post("/seekers/", data={"name": "张"})
    admin_client.post("/auth/users", data={"username": "newclerk", "password": "Qx7!long-enough-pass",
                                           "role": "admin", "district": ""})
    html = admin_client.get("/audit/").data.decode()
    for w in words:
        assert w in html, w
    for r in raw:
        assert r not in html, r
    s = new_session(app)
    try:
        stored = set(s.scalars(select(AuditEntry.detail)))
    finally:
        s.close()
    assert any(d and d.startswith("matches shown: ") for d in stored)
