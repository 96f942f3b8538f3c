"""Every route through the Flask test client: pages, access rules, audit, CSRF."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import PASSWORD, login
from sqlalchemy import func, select

from webui.db import new_session
from webui.engine import get_fitted, list_length
from webui.models import AuditEntry, OutcomeEvent, Referral, Seeker, Vacancy


def _session(app):
    return new_session(app)


def _audit(app, **where):
    s = _session(app)
    try:
        q = select(AuditEntry)
        for k, v in where.items():
            q = q.where(getattr(AuditEntry, k) == v)
        return s.scalars(q).all()
    finally:
        s.close()


def _seeker_in(app, district: str, four045: bool | None = None) -> Seeker:
    s = _session(app)
    try:
        q = select(Seeker).where(Seeker.district == district).order_by(Seeker.seeker_id)
        if four045 is not None:
            q = q.where(Seeker.is_4045.is_(four045))
        return s.scalars(q).first()
    finally:
        s.close()


# --- anonymous access ---------------------------------------------------------------------

PAGES = ["/", "/seekers/", "/seekers/S0000", "/vacancies/", "/vacancies/V0000", "/referrals/1", "/imports/",
         "/imports/format", "/imports/1/rejects.csv", "/followups/", "/followups/export.csv",
         "/overview/", "/audit/", "/auth/users"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_sign_in(client, path):
    r = client.get(path)
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("path, data", [("/seekers/", {"name": "张"}), ("/referrals/",
                                         {"seeker_id": "S0000", "vacancy_id": "V0000"}),
                                        ("/referrals/1/outcome", {"outcome": "hired"})])
def test_anonymous_posts_are_refused(client, app, path, data):
    r = client.post(path, data=data)
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]
    s = _session(app)
    assert s.scalar(select(func.count()).select_from(Referral).where(Referral.source == "staff")) == 0
    s.close()


def test_sign_in_page_is_public_and_chinese_by_default(client):
    r = client.get("/auth/login")
    assert r.status_code == 200
    html = r.data.decode()
    assert "登录" in html and 'lang="zh-CN"' in html
    assert r.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]


def test_language_switch_to_english_is_kept_in_the_session(client):
    r = client.post("/lang", data={"lang": "en", "next": "/auth/login"})
    assert r.status_code == 302 and r.headers["Location"] == "/auth/login"
    html = client.get("/auth/login").data.decode()
    assert "Sign in" in html and 'lang="en"' in html
    login(client, "admin")
    assert "Search seekers" in client.get("/seekers/").data.decode()
    client.post("/lang", data={"lang": "zh_CN"})
    assert "查询求职者" in client.get("/seekers/").data.decode()


def test_language_switch_ignores_foreign_redirects(client):
    r = client.post("/lang", data={"lang": "en", "next": "https://evil.example/"})
    assert r.headers["Location"] == "/"


# --- sign-in -------------------------------------------------------------------------------

def test_sign_in_and_out(client):
    r = login(client, "admin")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert client.get("/seekers/").status_code == 200
    r = client.post("/auth/logout")
    assert r.status_code == 302
    assert client.get("/seekers/").status_code == 302


def test_sign_in_follows_only_local_next(client):
    r = client.post("/auth/login?next=/vacancies/", data={"username": "admin", "password": PASSWORD})
    assert r.headers["Location"] == "/vacancies/"
    client.post("/auth/logout")
    r = client.post("/auth/login?next=//evil.example/x", data={"username": "admin", "password": PASSWORD})
    assert r.headers["Location"] == "/"


def test_wrong_password_is_refused(client):
    r = login(client, "admin", "wrong password")
    assert r.status_code == 401
    assert client.get("/seekers/").status_code == 302


def test_login_attempts_are_rate_limited(client, app):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert login(client, "east", "nope-nope").status_code == 401
    r = login(client, "east")  # right password, but locked for this window
    assert r.status_code == 429
    assert client.get("/seekers/").status_code == 302
    # another user from the same address is not locked by east's failures
    assert login(client, "west").status_code == 302


def test_deactivated_user_cannot_sign_in(admin_client, app):
    s = _session(app)
    from webui.models import User
    west = s.scalar(select(User).where(User.username == "west"))
    s.close()
    r = admin_client.post(f"/auth/users/{west.id}/toggle")
    assert r.status_code == 302
    admin_client.post("/auth/logout")
    assert login(admin_client, "west").status_code == 401


# --- CSRF ------------------------------------------------------------------------------------

def test_csrf_less_post_is_refused(csrf_app):
    client = csrf_app.test_client()
    r = client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 400
    page = client.get("/auth/login").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/auth/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    # signed in, a referral without the token is still refused
    r = client.post("/referrals/", data={"seeker_id": "S0000", "vacancy_id": "V0000"})
    assert r.status_code == 400
    s = new_session(csrf_app)
    assert s.scalar(select(func.count()).select_from(Referral).where(Referral.seeker_id == "S0000")) == 0
    s.close()


# --- search ------------------------------------------------------------------------------------

def test_seeker_search_by_group_masks_names_and_audits(admin_client, app):
    r = admin_client.post("/seekers/", data={"group": "4045"})
    html = r.data.decode()
    assert r.status_code == 200
    ids = re.findall(r'href="/seekers/(S\d+)"', html)
    s = _session(app)
    expected = s.scalars(select(Seeker.seeker_id).where(Seeker.is_4045.is_(True)).order_by(Seeker.seeker_id)).all()
    names = dict(s.execute(select(Seeker.seeker_id, Seeker.name)).all())
    s.close()
    assert ids == expected[: app.config["SEARCH_LIMIT"]]
    for sid in ids:
        assert names[sid] not in html  # full names never shown in the list
    rows = _audit(app, action="search_seekers")
    assert {r.seeker_id for r in rows} == set(ids)
    assert all(r.username == "admin" for r in rows)


def test_seeker_search_by_name_and_phone_tail(admin_client, app):
    s = _session(app)
    target = s.get(Seeker, "S0003")
    s.close()
    html = admin_client.post("/seekers/", data={"name": target.name}).data.decode()
    assert "S0003" in html
    html = admin_client.post("/seekers/", data={"phone_tail": target.phone[-4:]}).data.decode()
    assert re.findall(r'href="/seekers/(S\d+)"', html) == ["S0003"]
    # the search terms are not written to the audit log
    assert all(target.name not in (r.detail or "") for r in _audit(app))


def test_seeker_search_by_district_education_and_skill(admin_client, app):
    html = admin_client.post("/seekers/", data={"district": "东区", "skill": "电焊"}).data.decode()
    ids = re.findall(r'href="/seekers/(S\d+)"', html)
    s = _session(app)
    for sid in ids:
        row = s.get(Seeker, sid)
        assert row.district == "东区" and "电焊" in row.skills
    assert ids
    html = admin_client.post("/seekers/", data={"education": "1"}).data.decode()
    ids = re.findall(r'href="/seekers/(S\d+)"', html)
    assert ids and all(s.get(Seeker, sid).education_level == 1 for sid in ids)
    s.close()


def test_district_staff_search_sees_only_their_district(east_client, app):
    html = east_client.post("/seekers/", data={}).data.decode()
    ids = re.findall(r'href="/seekers/(S\d+)"', html)
    s = _session(app)
    assert ids and all(s.get(Seeker, sid).district == "东区" for sid in ids)
    s.close()


def test_vacancy_search(admin_client, app):
    r = admin_client.get("/vacancies/?title=焊工&status=all")
    ids = re.findall(r'href="/vacancies/(V\d+)"', r.data.decode())
    s = _session(app)
    assert ids and all("焊工" in s.get(Vacancy, v).title for v in ids)
    html = admin_client.get("/vacancies/?status=closed").data.decode()
    assert "V0029" in html  # expired yesterday
    html = admin_client.get("/vacancies/?status=open").data.decode()
    assert "V0029" not in html
    html = admin_client.get("/vacancies/?min_wage=3800&status=all&district=东区").data.decode()
    for v in re.findall(r'href="/vacancies/(V\d+)"', html):
        row = s.get(Vacancy, v)
        assert row.district == "东区" and row.wage_max >= 3800
    s.close()


# --- seeker page ----------------------------------------------------------------------------

def test_seeker_page_masks_personal_data_and_audits(admin_client, app):
    s = _session(app)
    seeker = s.get(Seeker, "S0003")
    s.close()
    html = admin_client.get("/seekers/S0003").data.decode()
    assert seeker.name not in html and seeker.id_number not in html and seeker.phone not in html
    assert "欧阳**" in html
    assert seeker.id_number[:4] + "*" * 10 + seeker.id_number[-4:] in html
    assert seeker.phone[:3] + "****" + seeker.phone[-4:] in html
    rows = _audit(app, action="view_seeker", seeker_id="S0003")
    assert len(rows) == 1 and rows[0].username == "admin"


def test_admin_reveal_needs_a_purpose_and_is_logged_with_it(admin_client, app):
    s = _session(app)
    seeker = s.get(Seeker, "S0003")
    s.close()
    r = admin_client.post("/seekers/S0003/reveal")              # no purpose: nothing shown
    assert r.status_code == 302 and "reveal-form" in r.headers["Location"]
    assert _audit(app, action="reveal_seeker") == []
    html = admin_client.post("/seekers/S0003/reveal", data={"purpose": "made-up"}, follow_redirects=True).data.decode()
    assert seeker.phone not in html and 'class="flash error"' in html
    html = admin_client.post("/seekers/S0003/reveal", data={"purpose": "followup_call"}).data.decode()
    assert seeker.name in html and seeker.id_number in html and seeker.phone in html
    assert 'id="reveal-note"' in html
    rows = _audit(app, action="reveal_seeker", seeker_id="S0003")
    assert len(rows) == 1 and rows[0].detail.startswith("purpose: followup_call")
    assert seeker.name not in (rows[0].detail or "") and seeker.phone not in (rows[0].detail or "")


def test_staff_reveal_by_the_same_rule(app, client):
    s = _session(app)
    seeker = s.get(Seeker, "S0003")
    s.close()
    login(client, "city")
    assert seeker.phone not in client.post("/seekers/S0003/reveal").data.decode()
    html = client.post("/seekers/S0003/reveal", data={"purpose": "contact_referral"}).data.decode()
    assert seeker.phone in html and seeker.id_number in html
    assert len(_audit(app, action="reveal_seeker", seeker_id="S0003")) == 1


def test_district_staff_cannot_reveal_outside_their_district(app, client):
    login(client, "east")
    assert client.post("/seekers/S0003/reveal", data={"purpose": "contact_referral"}).status_code == 404
    assert _audit(app, action="reveal_seeker") == []


def test_staff_of_the_seekers_district_see_the_name_not_id_or_phone(app, client):
    s = _session(app)
    seeker = s.get(Seeker, "S0000")          # 东区
    s.close()
    login(client, "east")
    html = client.get("/seekers/S0000").data.decode()
    assert f'id="seeker-name">{seeker.name}<' in html
    assert seeker.id_number not in html and seeker.phone not in html
    found = client.post("/seekers/", data={"seeker_id": "S0000"}).data.decode()
    assert f"<td>{seeker.name}</td>" in found and seeker.phone not in found


def test_admins_and_city_staff_see_masked_names(app, admin_client):
    s = _session(app)
    seeker = s.get(Seeker, "S0000")
    s.close()
    html = admin_client.get("/seekers/S0000").data.decode()
    assert seeker.name not in html and f'id="seeker-name">{seeker.name[0]}*' in html


def test_search_results_can_be_told_apart(app, admin_client):
    """Six seekers with the same surname do not show as six identical rows."""
    html = admin_client.post("/seekers/", data={"name": "张"}).data.decode()
    rows = re.findall(r"<tr>\s*<td><a href=\"/seekers/[^\"]+\">[^<]+</a></td>(.*?)</tr>", html, flags=re.S)
    assert len(rows) >= 3
    assert len(set(rows)) == len(rows)


def test_seeker_page_ranks_posts_as_the_matcher_does(admin_client, app):
    html = admin_client.get("/seekers/S0000").data.decode()
    shown = re.findall(r'data-vacancy="(V\d+)"', html)
    with app.test_request_context():
        s = _session(app)
        fitted = get_fitted(s)
        mask = fitted.vacancy_mask(s)
        seeker = s.get(Seeker, "S0000")
        if seeker.accepts_shift_work is False:
            mask &= ~fitted.vacancy_shift
        expected = [m.to_dict()["vacancy_id"] for m in fitted.matcher.for_seeker("S0000", list_length(fitted, app.config["MATCHES_K"]), vacancy_mask=mask)]
        s.close()
    assert shown and shown == expected
    assert "V0029" not in shown  # expired posts are not offered
    assert "<svg class=\"scorebar\"" in html


def test_seeker_page_filters(admin_client, app):
    html = admin_client.get("/seekers/S0000?f=1&district=西区&shift=1").data.decode()
    shown = re.findall(r'data-vacancy="(V\d+)"', html)
    s = _session(app)
    assert shown and all(s.get(Vacancy, v).district == "西区" for v in shown)
    html = admin_client.get("/seekers/S0000?f=1&welfare=1&shift=1").data.decode()
    shown = re.findall(r'data-vacancy="(V\d+)"', html)
    assert shown and all(s.get(Vacancy, v).public_welfare for v in shown)
    html = admin_client.get("/seekers/S0000?f=1&min_wage=4000").data.decode()
    shown = re.findall(r'data-vacancy="(V\d+)"', html)
    assert shown and all(s.get(Vacancy, v).wage_max >= 4000 for v in shown)
    assert all(not s.get(Vacancy, v).shift_work for v in shown)  # shift box unticked
    s.close()


def test_district_staff_cannot_open_other_district(east_client, app):
    west = _seeker_in(app, "西区")
    east = _seeker_in(app, "东区")
    assert east_client.get(f"/seekers/{west.seeker_id}").status_code == 404
    assert east_client.get(f"/seekers/{east.seeker_id}").status_code == 200
    r = east_client.post("/referrals/", data={"seeker_id": west.seeker_id, "vacancy_id": "V0000"})
    assert r.status_code == 404
    # nothing was shown: the only rows for that seeker are the two refusals (denied access is audited)
    assert [e.action for e in _audit(app, seeker_id=west.seeker_id)] == ["denied", "denied"]


def test_unknown_ids_are_404(admin_client):
    assert admin_client.get("/seekers/NOPE").status_code == 404
    assert admin_client.get("/vacancies/NOPE").status_code == 404
    assert admin_client.get("/referrals/999999").status_code == 404


# --- vacancy page ---------------------------------------------------------------------------

def test_vacancy_page_shows_candidates_flags_and_audits(admin_client, app):
    r = admin_client.get("/vacancies/V0004")
    html = r.data.decode()
    assert r.status_code == 200
    assert 'id="compliance"' in html and "限男性" in html  # the posted gender requirement is flagged
    shown = re.findall(r'data-seeker="(S\d+)"', html)
    assert shown
    rows = _audit(app, action="vacancy_candidates", vacancy_id="V0004")
    assert {r.seeker_id for r in rows} >= set(shown)


def test_vacancy_page_flags_narrow_age_window_and_low_wage(admin_client):
    assert 'id="compliance"' in admin_client.get("/vacancies/V0002").data.decode()
    assert 'id="compliance"' in admin_client.get("/vacancies/V0005").data.decode()
    assert 'id="compliance"' not in admin_client.get("/vacancies/V0001").data.decode()


def test_vacancy_candidates_respect_district_scope(east_client, app):
    html = east_client.get("/vacancies/V0000").data.decode()
    shown = re.findall(r'data-seeker="(S\d+)"', html)
    s = _session(app)
    assert shown and all(s.get(Seeker, sid).district == "东区" for sid in shown)
    s.close()


# --- referrals ------------------------------------------------------------------------------

def test_refer_and_record_outcomes(admin_client, app):
    r = admin_client.post("/referrals/", data={"seeker_id": "S0000", "vacancy_id": "V0000", "rank": "1",
                                               "score": "0.8", "note": "电话联系"})
    assert r.status_code == 302
    ref_url = r.headers["Location"]
    ref_id = int(ref_url.rstrip("/").split("/")[-1])
    today = dt.date.today().isoformat()
    r = admin_client.post(f"/referrals/{ref_id}/outcome", data={"outcome": "interviewed", "date": today})
    assert r.status_code == 302
    r = admin_client.post(f"/referrals/{ref_id}/outcome", data={"outcome": "hired", "date": today,
                                                               "note": "下周上岗"})
    s = _session(app)
    ref = s.get(Referral, ref_id)
    assert ref.status == "hired" and [e.outcome for e in ref.events] == ["interviewed", "hired"]
    assert s.get(Vacancy, "V0000").hired_count == 1
    s.close()
    html = admin_client.get("/seekers/S0000").data.decode()
    assert 'id="referral-history"' in html and "已录用" in html and "下周上岗" in html
    html = admin_client.get("/vacancies/V0000").data.decode()
    assert "S0000" in html and "已录用" in html
    assert {a.action for a in _audit(app, seeker_id="S0000")} >= {"refer", "outcome", "view_seeker"}


def test_referring_twice_reuses_the_referral(admin_client, app):
    first = admin_client.post("/referrals/", data={"seeker_id": "S0005", "vacancy_id": "V0005"})
    second = admin_client.post("/referrals/", data={"seeker_id": "S0005", "vacancy_id": "V0005"})
    assert first.headers["Location"] == second.headers["Location"]


def test_outcome_needs_valid_kind_and_date(admin_client, app):
    r = admin_client.post("/referrals/", data={"seeker_id": "S0006", "vacancy_id": "V0006"})
    ref_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    for data in ({"outcome": "promoted", "date": dt.date.today().isoformat()},
                 {"outcome": "hired", "date": "yesterday"}, {"outcome": "hired", "date": future}):
        admin_client.post(f"/referrals/{ref_id}/outcome", data=data)
    s = _session(app)
    assert s.scalar(select(func.count()).select_from(OutcomeEvent).where(OutcomeEvent.referral_id == ref_id)) == 0
    s.close()


def test_filled_post_leaves_the_rankings(admin_client, app):
    s = _session(app)
    v = s.get(Vacancy, "V0000")
    openings = v.openings
    s.close()
    today = dt.date.today().isoformat()
    for sid in ["S0000", "S0005", "S0010", "S0015"][:openings]:
        r = admin_client.post("/referrals/", data={"seeker_id": sid, "vacancy_id": "V0000"})
        ref_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
        admin_client.post(f"/referrals/{ref_id}/outcome", data={"outcome": "hired", "date": today})
    html = admin_client.get("/seekers/S0020?f=1&shift=1").data.decode()
    assert "V0000" not in re.findall(r'data-vacancy="(V\d+)"', html)
    assert "V0000" not in admin_client.get("/vacancies/?status=open").data.decode()


def test_referral_page_of_other_district_is_hidden(app, client):
    login(client, "admin")
    west = _seeker_in(app, "西区")
    r = client.post("/referrals/", data={"seeker_id": west.seeker_id, "vacancy_id": "V0001"})
    ref_path = r.headers["Location"]
    client.post("/auth/logout")
    login(client, "east")
    assert client.get(ref_path).status_code == 404
    assert client.post(ref_path + "/outcome", data={"outcome": "hired",
                                                    "date": dt.date.today().isoformat()}).status_code == 404


def test_imported_outcomes_show_in_history(admin_client):
    html = admin_client.get("/seekers/S0001").data.decode()
    assert 'id="referral-history"' in html and "V0001" in html and "已录用" in html


# --- overview, users, audit -----------------------------------------------------------------

def test_overview_counts_and_charts(admin_client, app):
    r = admin_client.get("/overview/")
    html = r.data.decode()
    assert r.status_code == 200
    s = _session(app)
    n = s.scalar(select(func.count()).select_from(Seeker))
    s.close()
    assert f"<strong>{n}</strong>" in html
    assert html.count('<figure class="chart">') == 5
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_admin_pages_are_admin_only(app, client):
    login(client, "city")
    assert client.get("/auth/users").status_code == 403
    assert client.get("/audit/").status_code == 403
    assert client.post("/auth/users", data={"username": "x", "password": "long enough"}).status_code == 403


def test_admin_creates_user_and_reads_audit(admin_client, app):
    r = admin_client.post("/auth/users", data={"username": "station7", "password": "quiet river lantern",
                                               "role": "staff", "district": "米易县"})
    assert r.status_code == 302
    assert "station7" in admin_client.get("/auth/users").data.decode()
    admin_client.get("/seekers/S0002")
    html = admin_client.get("/audit/?seeker_id=S0002").data.decode()
    assert "view_seeker" in html
    admin_client.post("/auth/logout")
    assert login(admin_client, "station7", "quiet river lantern").status_code == 302
    mi = _seeker_in(app, "米易县")
    assert admin_client.get(f"/seekers/{mi.seeker_id}").status_code == 200


def test_personal_data_never_in_urls(admin_client, app):
    """Search pages never link with a name or phone in the query string."""
    s = _session(app)
    seeker = s.get(Seeker, "S0003")
    s.close()
    html = admin_client.post("/seekers/", data={"name": seeker.name}).data.decode()
    for href in re.findall(r'(?:href|action)="([^"]+)"', html):
        assert seeker.name not in href and seeker.phone[-4:] not in href


# --- imports (admin) --------------------------------------------------------------------------

def test_admin_uploads_files_and_sees_counts_and_rejects(admin_client, app, market_files, tmp_path):
    bad = tmp_path / "seekers_extra.csv"
    lines = market_files["seekers"].read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join(lines[:2] + [lines[1]]) + "\n", encoding="utf-8")  # a duplicate id
    with bad.open("rb") as s_fh, market_files["vacancies"].open("rb") as v_fh:
        r = admin_client.post("/imports/", data={"seekers": (s_fh, "seekers_extra.csv"),
                                                 "vacancies": (v_fh, "vacancies.csv")},
                              content_type="multipart/form-data")
    assert r.status_code == 302 and "/imports/" in r.headers["Location"]
    html = admin_client.get(r.headers["Location"]).data.decode()
    assert 'id="import-rejects"' in html and "seeker_id" in html
    assert "seekers_extra.csv" in html
    assert "/imports/" in admin_client.get("/imports/").data.decode()
    assert _audit(app, action="import")


def test_upload_of_unsupported_file_is_refused(admin_client, app, tmp_path):
    import io

    s = _session(app)
    before = s.scalar(select(func.count()).select_from(Seeker))
    s.close()
    r = admin_client.post("/imports/", data={"seekers": (io.BytesIO(b"MZ"), "virus.exe")},
                          content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith("/imports/")
    s = _session(app)
    assert s.scalar(select(func.count()).select_from(Seeker)) == before
    s.close()


def test_imports_are_admin_only(app, client):
    login(client, "city")
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/1").status_code == 403


def test_detail_pages_show_one_number_once(app, admin_client):
    """An expected wage or an offer with equal ends reads "4,000", not "4,000–4,000"."""
    s = _session(app)
    s.get(Seeker, "S0001").expected_wage_min = s.get(Seeker, "S0001").expected_wage_max = 4000
    s.get(Vacancy, "V0001").wage_min = s.get(Vacancy, "V0001").wage_max = 5200
    s.commit()
    s.close()
    seeker = admin_client.get("/seekers/S0001").data.decode()
    vacancy = admin_client.get("/vacancies/V0001").data.decode()
    assert "4,000" in seeker and "4,000–4,000" not in seeker
    assert "5,200" in vacancy and "5,200–5,200" not in vacancy
