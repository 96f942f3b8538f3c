"""The occupation-code review queue: listing, confirming, searching, auto-coding, CSV round trip."""
from __future__ import annotations

import io

import pytest
from conftest import login
from sqlalchemy import select

from webui import review
from webui.db import new_session
from webui.models import AuditEntry, Vacancy
from webui.models import OccupationCode

#: Titles a coder cannot be sure of (vague or noisy) next to clear trade names.
VAGUE = ["储备干部", "小工", "综合岗"]


@pytest.fixture(autouse=True)
def _fresh_queue_cache():
    review._QUEUE_CACHE.clear()
    yield
    review._QUEUE_CACHE.clear()


def _add_posts(app, titles):
    s = new_session(app)
    try:
        for i, t in enumerate(titles):
            s.add(Vacancy(vacancy_id=f"R{i:03d}", title=t, employer="测试公司", openings=1))
        s.commit()
    finally:
        s.close()


def _codes(app):
    s = new_session(app)
    try:
        return {v.vacancy_id: v.csco_code for v in s.scalars(select(Vacancy))}
    finally:
        s.close()


def test_queue_lists_uncertain_posts_with_suggestions_and_examples(admin_client, app):
    _add_posts(app, VAGUE)
    page = admin_client.get("/review/?kind=post")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    s = new_session(app)
    try:
        q = review.queue(s)
    finally:
        s.close()
    queued = {it["title"] for it in q["posts"]}
    assert queued, "vague titles must wait for review"
    for it in q["posts"]:
        assert len(it["suggestions"]) == review.SUGGESTIONS          # never left without candidates
        assert it["title"] in html
        code = it["suggestions"][0][0]
        assert code in html
    assert "review-queue" in html and "placeholder=\"6-18-02-04\"" in html


def test_confirm_sets_the_code_at_once_audits_and_leaves_the_queue(admin_client, app):
    _add_posts(app, ["储备干部", "储备干部"])
    r = admin_client.post("/review/confirm", data={"title": "储备干部", "code": "4-07-02-01", "kind": "post"})
    assert r.status_code == 302
    codes = _codes(app)
    assert codes["R000"] == codes["R001"] == "4-07-02-01"
    s = new_session(app)
    try:
        row = s.scalar(select(OccupationCode).where(OccupationCode.title == "储备干部"))
        assert row.source == "confirmed" and row.code == "4-07-02-01" and row.username == "admin"
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "code_confirm")).all()
        assert audit and "4-07-02-01" in audit[-1].detail
        assert "储备干部" not in {it["title"] for it in review.queue(s)["posts"]}
        # the office coder now codes the title with the confirmed code (certain, automatic)
        coding = review.office_coder(s).code(["储备干部"])[0]
        assert (coding.code, coding.decision, coding.confidence) == ("4-07-02-01", "auto", 1.0)
    finally:
        s.close()


def test_confirm_rejects_a_code_outside_the_classification(admin_client, app):
    _add_posts(app, ["小工"])
    r = admin_client.post("/review/confirm", data={"title": "小工", "other": "9-99-99-99"},
                          follow_redirects=True)
    assert "9-99-99-99" in r.get_data(as_text=True)
    assert _codes(app)["R000"] is None


def test_other_code_wins_over_the_radio_choice(admin_client, app):
    _add_posts(app, ["综合岗"])
    admin_client.post("/review/confirm", data={"title": "综合岗", "code": "6-18-02-04", "other": "4-07-02-01"})
    assert _codes(app)["R000"] == "4-07-02-01"


def test_search_over_the_classification(admin_client):
    html = admin_client.get("/review/search?q=焊工&title=烧电焊的").get_data(as_text=True)
    assert "6-18-02-04" in html and "烧电焊的" in html
    html = admin_client.get("/review/search?q=6-18-02").get_data(as_text=True)
    assert "6-18-02-04" in html


def test_apply_auto_codes_confident_posts_only(admin_client, app):
    _add_posts(app, ["电焊工", "储备干部"])
    s = new_session(app)
    try:
        q = review.queue(s)
    finally:
        s.close()
    auto = {t for t, _c, _p in q["auto_titles"]}
    assert "电焊工" in auto
    r = admin_client.post("/review/apply-auto")
    assert r.status_code == 302
    codes = _codes(app)
    assert codes["R000"] is not None
    s = new_session(app)
    try:
        rows = {r.title: r for r in s.scalars(select(OccupationCode))}
        assert rows["电焊工"].source == "auto" and rows["电焊工"].confidence >= 0.5
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "code_auto")).all()
    finally:
        s.close()


def test_posts_the_office_already_coded_teach_the_queue(admin_client, app):
    """A vague title waits for review, until two of this office's posts carry the same code for it:
    then its uncoded posts take that code automatically (source: the office's own coding)."""
    _add_posts(app, ["储备干部"])
    s = new_session(app)
    try:
        assert "储备干部" in {it["title"] for it in review.queue(s)["posts"]}
        for i in range(2):
            s.add(Vacancy(vacancy_id=f"C{i}", title="储备干部", employer="钢城公司", openings=1,
                          csco_code="4-01-02-01"))
        s.commit()
        review._QUEUE_CACHE.clear()
        q = review.queue(s)
    finally:
        s.close()
    assert "储备干部" not in {it["title"] for it in q["posts"]}
    assert ("储备干部", "4-01-02-01") in {(t, c) for t, c, _p in q["auto_titles"]}


def test_export_import_round_trip(admin_client, app):
    _add_posts(app, ["储备干部", "小工"])
    admin_client.post("/review/confirm", data={"title": "储备干部", "code": "4-07-02-01"})
    csv_text = admin_client.get("/review/export.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "title,code,name,username,decided_at"
    assert "储备干部,4-07-02-01" in csv_text
    upload = "title,code\n小工,6-29-01-00\n".encode("utf-8")
    r = admin_client.post("/review/import", data={"file": (io.BytesIO(upload), "codes.csv")},
                          content_type="multipart/form-data")
    assert r.status_code == 302
    assert _codes(app)["R001"] == "6-29-01-00"


def test_import_names_row_column_and_value_of_a_bad_code(admin_client, app):
    upload = "title,code\n焊工,6-18-02-04\n小工,6-99\n".encode("utf-8")
    r = admin_client.post("/review/import", data={"file": (io.BytesIO(upload), "codes.csv")},
                          content_type="multipart/form-data", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "row 3" in html and "&#39;code&#39;" in html and "6-99" in html
    s = new_session(app)
    try:
        assert s.scalars(select(OccupationCode)).all() == []   # all rows or none
    finally:
        s.close()


def test_import_is_admin_only(client, app):
    login(client, "east")
    r = client.post("/review/import", data={"file": (io.BytesIO(b"title,code\n"), "c.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 403


def test_confirmed_code_changes_the_matcher_generation(admin_client, app):
    from webui.engine import import_token

    s = new_session(app)
    try:
        before = import_token(s)
    finally:
        s.close()
    _add_posts(app, ["储备干部"])
    admin_client.post("/review/confirm", data={"title": "储备干部", "code": "4-07-02-01"})
    s = new_session(app)
    try:
        after = import_token(s)
    finally:
        s.close()
    assert after != before and after.startswith(before)


def test_codes_csv_in_gbk_is_read_and_garbage_gets_an_error_naming_the_file():
    rows = review.parse_codes_csv("title,code\n电焊工,6-18-02-04\n".encode("gb18030"), "codes.csv")
    assert rows == [("电焊工", "6-18-02-04")]
    with pytest.raises(ValueError, match="codes.csv"):              # not a traceback, whatever the bytes
        review.parse_codes_csv(b"\xff\xfe\x00\xd8\x00\xdc" * 50 + b"\x81\x30", "codes.csv")
