"""Training suggestions on the seeker page: a POST computes them, the page shows them, cached."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import login
from sqlalchemy import select

import matcher.report.counterfactual as cf
from matcher.core import MatchSettings
from webui import training
from webui.db import new_session
from webui.models import AuditEntry, Seeker


@pytest.fixture(autouse=True)
def _empty_cache():
    training._cache.clear()
    yield
    training._cache.clear()


def _seeker(app, district: str) -> str:
    s = new_session(app)
    try:
        return s.scalars(select(Seeker.seeker_id).where(Seeker.district == district)
                         .order_by(Seeker.seeker_id)).first()
    finally:
        s.close()


def test_page_offers_the_button_and_computes_on_post(admin_client, app):
    html = admin_client.get("/seekers/S0000").data.decode()
    assert 'id="training-button"' in html and "能带来就业的培训" in html
    r = admin_client.post("/seekers/S0000/training")
    assert r.status_code == 302 and r.headers["Location"].endswith("/seekers/S0000#training")
    html = admin_client.get("/seekers/S0000").data.decode()
    assert 'id="training-button"' not in html
    s = new_session(app)
    try:
        fitted = app.extensions["matcher_cache"].get(s)
        direct = cf.training_suggestions(fitted.matcher, ["S0000"], threshold=training.good_score(fitted.matcher), top=training.TOP)
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "training_suggestions",
                                                 AuditEntry.seeker_id == "S0000")) is not None
    finally:
        s.close()
    if direct.empty:
        assert 'id="training-none"' in html
    else:
        for course in direct["course"]:
            assert f"参加{course}培训后" in html


def test_suggestions_render_as_a_sentence_and_are_cached(admin_client, monkeypatch):
    calls = []

    def fake(matcher, seeker_ids, courses=None, threshold=0.7, top=2, max_candidates=8, evaluated=None):
        calls.append(list(seeker_ids))
        return pd.DataFrame([{"seeker_id": "S0000", "rank": 1, "skill_id": "forklift", "skill": "叉车",
                              "course": "叉车司机", "good_before": 2, "good_after": 7, "gain": 5,
                              "new_vacancy_ids": ["V0002", "V0012"], "lifted": {"V0002": 0.71, "V0012": 0.74}}])

    monkeypatch.setattr(cf, "training_suggestions", fake)
    admin_client.post("/seekers/S0000/training")
    admin_client.post("/seekers/S0000/training")
    assert calls == [["S0000"]]  # the second press reuses the cached result
    html = admin_client.get("/seekers/S0000").data.decode()
    assert "参加叉车司机培训后，可匹配的好岗位从 2 个增加到 7 个。" in html
    assert 'href="/vacancies/V0012"' in html


def test_english_sentence(admin_client, monkeypatch):
    monkeypatch.setattr(cf, "training_suggestions", lambda *a, **k: pd.DataFrame([{
        "seeker_id": "S0000", "rank": 1, "skill_id": "w", "skill": "电焊", "course": "焊工", "good_before": 0,
        "good_after": 3, "gain": 3, "new_vacancy_ids": [], "lifted": {}}]))
    admin_client.post("/lang", data={"lang": "en", "next": "/"})
    admin_client.post("/seekers/S0000/training")
    html = admin_client.get("/seekers/S0000").data.decode()
    assert "After 焊工 training, the good posts this seeker matches rise from 0 to 3." in html


def test_access_rules(client, app, csrf_app):
    r = client.post("/seekers/S0000/training")
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]
    login(client, "east")
    west = _seeker(app, "西区")
    assert client.post(f"/seekers/{west}/training").status_code == 404
    assert client.post("/seekers/NOPE/training").status_code == 404
    assert not training._cache
    c = csrf_app.test_client()
    page = c.get("/auth/login").data.decode()
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    c.post("/auth/login", data={"csrf_token": token, "username": "admin", "password": "correct horse battery"})
    assert c.post("/seekers/S0000/training").status_code == 400  # no CSRF token


def test_cache_is_keyed_by_fit_generation(app, monkeypatch):
    monkeypatch.setattr(cf, "training_suggestions", lambda *a, **k: pd.DataFrame(
        columns=["seeker_id", "rank", "skill_id", "skill", "course", "good_before", "good_after", "gain",
                 "new_vacancy_ids", "lifted"]))
    s = new_session(app)
    try:
        fitted = app.extensions["matcher_cache"].get(s)
    finally:
        s.close()
    assert training.compute_suggestions(fitted.matcher, "gen-1", "S1") == []
    assert training.cached_suggestions("gen-1", "S1") == []
    assert training.cached_suggestions("gen-2", "S1") is None


def _page_posts(html: str) -> list[tuple[str, float, str]]:
    """(vacancy id, score, block html) of each post in the seeker page's match list."""
    import re
    blocks = re.findall(r'<li class="match" data-vacancy="([^"]+)">(.*?)</li>\s*(?=<li class="match"|</ol>)', html,
                        flags=re.S)
    return [(vid, float(re.search(r'<span class="score">([0-9.]+)</span>', b).group(1)), b) for vid, b in blocks]


def test_list_shows_exactly_the_box_courses_on_the_posts_they_lift(admin_client, monkeypatch):
    posts = _page_posts(admin_client.get("/seekers/S0000").data.decode())
    assert posts and not any("参加培训：" in b for _v, _s, b in posts)   # before the box: no course advice
    low = [vid for vid, score, _b in posts if score < MatchSettings().good_score]
    assert low, "the test market needs a listed post below the good cut"
    target, other = low[0], [vid for vid, _s, _b in posts if vid != low[0]]
    monkeypatch.setattr(cf, "training_suggestions", lambda *a, **k: pd.DataFrame([{
        "seeker_id": "S0000", "rank": 1, "skill_id": "w", "skill": "电焊", "course": "焊工", "good_before": 1,
        "good_after": 2, "gain": 1, "new_vacancy_ids": [target, "V9999"], "lifted": {target: 0.8, "V9999": 0.75}}]))
    admin_client.post("/seekers/S0000/training")
    after = {vid: b for vid, _s, b in _page_posts(admin_client.get("/seekers/S0000").data.decode())}
    assert "参加培训：焊工（补电焊），本岗位得分可达0.80" in after[target]
    assert not any("参加培训：" in after[vid] for vid in other if vid in after)
    admin_client.post("/lang", data={"lang": "en", "next": "/"})
    en = {vid: b for vid, _s, b in _page_posts(admin_client.get("/seekers/S0000").data.decode())}
    assert "Take the 焊工 course (for 电焊): this post would score 0.80" in en[target]
