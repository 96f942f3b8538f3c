"""Follow-up calls (回访) after a hire, departures with a reason, rank/list of a referral, event log out and in."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from conftest import login
from sqlalchemy import select

from matcher.io.loader import load_outcomes
from webui.db import new_session
from webui.followups import EARLY_DAYS, MILESTONES, next_call
from webui.models import AuditEntry, OutcomeEvent, Referral, Seeker, Vacancy

TODAY = dt.date.today()


def _days(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def _refer(client, app, seeker_id: str, vacancy_id: str, made_days_ago: int = 200, **form) -> int:
    r = client.post("/referrals/", data={"seeker_id": seeker_id, "vacancy_id": vacancy_id, **form})
    assert r.status_code == 302
    rid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    s = new_session(app)
    try:   # the referral was made months ago (the test cannot wait for 30 days)
        s.get(Referral, rid).created_at = dt.datetime.combine(TODAY - dt.timedelta(days=made_days_ago), dt.time(9))
        s.commit()
    finally:
        s.close()
    return rid


def _hire(client, rid: int, days_ago: int) -> None:
    r = client.post(f"/referrals/{rid}/outcome", data={"outcome": "hired", "date": _days(days_ago)})
    assert r.status_code == 302


def _due_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'class="followup-row[^"]*" data-referral="(\d+)"', html)]


def _session_get(app, model, key):
    s = new_session(app)
    try:
        obj = s.get(model, key)
        if isinstance(obj, Referral):
            _ = list(obj.events)
        return obj
    finally:
        s.close()


def test_referral_records_rank_and_list(admin_client, app):
    rid = _refer(admin_client, app, "S0010", "V0010", rank="3", score="0.71", list="capacity")
    ref = _session_get(app, Referral, rid)
    assert (ref.rank, ref.list_shown) == (3, "capacity")
    html = admin_client.get(f"/referrals/{rid}").data.decode()
    assert "按名额推荐列表" in html
    rid2 = _refer(admin_client, app, "S0011", "V0011", rank="x", list="made-up")
    ref2 = _session_get(app, Referral, rid2)
    assert (ref2.rank, ref2.list_shown) == (None, None)


def test_seeker_page_refer_form_carries_rank_and_list(admin_client):
    html = admin_client.get("/seekers/S0000").data.decode()
    form = html[html.index('class="inline refer"'):].split("</form>")[0]
    assert 'name="rank" value="1"' in form and 'name="list" value="plain"' in form


def test_hire_is_due_for_a_call_at_30_90_180_days(admin_client, app):
    rid = _refer(admin_client, app, "S0012", "V0012")
    assert rid not in _due_ids(admin_client.get("/followups/").data.decode())
    _hire(admin_client, rid, 40)
    html = admin_client.get("/followups/").data.decode()
    assert rid in _due_ids(html) and "30" in html
    r = admin_client.post(f"/followups/{rid}", data={"result": "employed", "date": _days(5)})
    assert r.status_code == 302
    assert rid not in _due_ids(admin_client.get("/followups/").data.decode())   # 90-day call not due yet
    ref = _session_get(app, Referral, rid)
    assert ref.status == "employed" and [e.outcome for e in ref.events] == ["hired", "employed"]
    assert _session_get(app, Vacancy, "V0012").hired_count == 1      # still holds the opening
    s = new_session(app)
    try:
        a = s.scalar(select(AuditEntry).where(AuditEntry.action == "followup", AuditEntry.seeker_id == "S0012"))
        assert a is not None and a.detail == f"referral {rid}: employed"
    finally:
        s.close()


def test_next_call_rule():
    def ref(*events):
        r = Referral(id=1, seeker_id="S", vacancy_id="V")
        r.events = [OutcomeEvent(outcome=o, date=TODAY - dt.timedelta(days=d)) for o, d in events]
        return r

    assert next_call(ref(("interviewed", 50)), TODAY) is None
    assert next_call(ref(("hired", 10)), TODAY) is None                       # too early
    due = next_call(ref(("hired", 30 - EARLY_DAYS)), TODAY)
    assert due.milestone == 30 and not due.overdue
    assert next_call(ref(("hired", 60)), TODAY).overdue                        # 30 days late
    assert next_call(ref(("hired", 100), ("employed", 70)), TODAY).milestone == 90
    assert next_call(ref(("hired", 200), ("employed", 170), ("employed", 110), ("employed", 20)), TODAY) is None
    assert next_call(ref(("hired", 100), ("left", 80)), TODAY) is None
    assert MILESTONES == (30, 90, 180)


def test_left_needs_a_reason_and_ends_the_calls(admin_client, app):
    rid = _refer(admin_client, app, "S0013", "V0013")
    _hire(admin_client, rid, 100)
    html = admin_client.post(f"/followups/{rid}", data={"result": "left", "date": _days(3)},
                             follow_redirects=True).data.decode()
    assert 'class="flash error"' in html
    assert [e.outcome for e in _session_get(app, Referral, rid).events] == ["hired"]
    admin_client.post(f"/followups/{rid}", data={"result": "left", "reason": "commute", "date": _days(3),
                                                 "from": "referral"})
    ref = _session_get(app, Referral, rid)
    assert ref.status == "left" and ref.events[-1].reason == "commute"
    assert _session_get(app, Vacancy, "V0013").hired_count == 0         # the opening is free again
    assert rid not in _due_ids(admin_client.get("/followups/").data.decode())
    detail = admin_client.get(f"/referrals/{rid}").data.decode()
    assert "路远" in detail
    r = admin_client.post(f"/followups/{rid}", data={"result": "employed", "date": _days(1)}, follow_redirects=True)
    assert 'class="flash error"' in r.data.decode()                    # no calls after leaving


@pytest.mark.parametrize("form", [
    {"result": "employed", "date": _days(-3)},          # in the future
    {"result": "employed", "date": _days(150)},         # before the hire
    {"result": "employed", "date": "not a date"},
    {"result": "promoted", "date": _days(1)},
    {"result": "left", "reason": "made-up", "date": _days(1)},
])
def test_bad_calls_are_refused_with_a_message(admin_client, app, form):
    rid = _refer(admin_client, app, "S0014", "V0014")
    _hire(admin_client, rid, 100)
    html = admin_client.post(f"/followups/{rid}", data=form, follow_redirects=True).data.decode()
    assert 'class="flash error"' in html
    assert [e.outcome for e in _session_get(app, Referral, rid).events] == ["hired"]


def test_call_before_a_hire_is_refused(admin_client, app):
    rid = _refer(admin_client, app, "S0016", "V0016")
    html = admin_client.post(f"/followups/{rid}", data={"result": "employed", "date": _days(1)},
                             follow_redirects=True).data.decode()
    assert 'class="flash error"' in html


def test_outcome_before_the_referral_is_refused(admin_client, app):
    rid = _refer(admin_client, app, "S0017", "V0017", made_days_ago=10)
    html = admin_client.post(f"/referrals/{rid}/outcome", data={"outcome": "hired", "date": _days(20)},
                             follow_redirects=True).data.decode()
    assert 'class="flash error"' in html and not _session_get(app, Referral, rid).events


def test_district_staff_see_only_their_districts_calls(app, admin_client):
    east = _refer(admin_client, app, "S0005", "V0005")   # 东区
    west = _refer(admin_client, app, "S0006", "V0006")   # 西区
    _hire(admin_client, east, 40)
    _hire(admin_client, west, 40)
    client = app.test_client()
    login(client, "east")
    ids = _due_ids(client.get("/followups/").data.decode())
    assert east in ids and west not in ids
    assert client.post(f"/followups/{west}", data={"result": "employed", "date": _days(1)}).status_code == 404


def test_export_is_the_event_log_and_reads_back_without_loss(admin_client, app, tmp_path):
    rid = _refer(admin_client, app, "S0018", "V0018", rank="2", score="0.8", list="plain")
    _hire(admin_client, rid, 100)
    admin_client.post(f"/followups/{rid}", data={"result": "employed", "date": _days(70)})
    admin_client.post(f"/followups/{rid}", data={"result": "left", "reason": "wage", "date": _days(5)})
    r = admin_client.get("/followups/export.csv")
    assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert list(rows[0]) == ["seeker_id", "vacancy_id", "date", "outcome", "reason", "rank_shown", "list_shown",
                             "staff"]
    mine = [x for x in rows if x["seeker_id"] == "S0018"]
    assert [(x["outcome"], x["reason"]) for x in mine] == [("referred", ""), ("hired", ""), ("employed", ""),
                                                           ("left", "wage")]
    assert (mine[0]["rank_shown"], mine[0]["list_shown"], mine[0]["staff"]) == ("2", "plain", "admin")
    path = tmp_path / "outcomes.csv"
    path.write_bytes(r.data)
    s = new_session(app)
    try:
        sids = set(s.scalars(select(Seeker.seeker_id)))
        vids = set(s.scalars(select(Vacancy.vacancy_id)))
    finally:
        s.close()
    loaded = load_outcomes(path, sids, vids)
    assert loaded.n_rejected == 0 and len(loaded.frame) == len(rows)
    # importing the export again adds nothing: the event log round-trips
    with path.open("rb") as fh:
        up = admin_client.post("/imports/", data={"outcomes": (fh, "outcomes.csv")},
                               content_type="multipart/form-data")
    assert up.status_code == 302


def test_imported_leave_reason_and_rank_are_kept(admin_client, app, tmp_path, market_files):
    path = tmp_path / "events.csv"
    path.write_text("求职者编号,岗位编号,日期,结果,离职原因,推荐位次,推荐列表,经办人\n"
                    f"S0020,V0020,{_days(120)},推荐,,第4位,按名额推荐列表,张\n"
                    f"S0020,V0020,{_days(100)},录用,,,,\n"
                    f"S0020,V0020,{_days(10)},离职,工资太低,,,\n", encoding="utf-8")
    with path.open("rb") as o_fh, market_files["seekers"].open("rb") as s_fh:
        r = admin_client.post("/imports/", data={"outcomes": (o_fh, "events.csv"), "seekers": (s_fh, "s.csv")},
                              content_type="multipart/form-data")
    assert r.status_code == 302
    s = new_session(app)
    try:
        ref = s.scalar(select(Referral).where(Referral.seeker_id == "S0020", Referral.vacancy_id == "V0020"))
        assert (ref.rank, ref.list_shown, ref.status) == (4, "capacity", "left")
        assert ref.events[-1].reason == "wage"
    finally:
        s.close()


def test_english_followups_page(admin_client, app):
    rid = _refer(admin_client, app, "S0019", "V0019")
    _hire(admin_client, rid, 40)
    admin_client.post("/lang", data={"lang": "en", "next": "/"})
    html = admin_client.get("/followups/").data.decode()
    assert "Follow-up calls" in html and "30-day call" in html and "Still in the job" in html


def test_export_is_admin_only(app):
    client = app.test_client()
    login(client, "city")
    assert client.get("/followups/export.csv").status_code == 403
