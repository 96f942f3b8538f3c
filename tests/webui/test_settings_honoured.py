"""The web UI honours the market's settings: list length (``top_k``), the good-score cut and the
reference date an import computes ages at — the same numbers as the batch and ``matcher match``."""
from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from conftest import base_config, login, matcher_factory

from webui import create_app
from webui.db import new_session
from webui.engine import MatcherCache, get_fitted, import_reference_date
from webui.models import Seeker


def _app(db_path, tmp_path, settings, **extra):
    return create_app(base_config(db_path, tmp_path, MatcherCache(matcher_factory(), settings), **extra))


def _shown(client, sid="S0000") -> list[str]:
    html = client.get(f"/seekers/{sid}").get_data(as_text=True)
    return re.findall(r'data-vacancy="(V\d+)"', html)


def test_seeker_and_vacancy_lists_follow_settings_top_k(db_path, tmp_path):
    app = _app(db_path, tmp_path, {"top_k": 3})
    client = app.test_client()
    assert login(client, "admin").status_code == 302
    assert len(_shown(client)) == 3
    with app.test_request_context():
        s = new_session(app)
        fitted = get_fitted(s)
        assert fitted.matcher.settings.top_k == 3
        s.close()
    html = client.get("/vacancies/V0000").get_data(as_text=True)
    assert 1 <= len(set(re.findall(r'href="/seekers/(S\d+)"', html))) <= 3
    app.extensions["matcher_engine"].dispose()


def test_config_override_of_the_list_length_still_wins(db_path, tmp_path):
    app = _app(db_path, tmp_path, {"top_k": 3}, MATCHES_K=5)
    client = app.test_client()
    assert login(client, "admin").status_code == 302
    assert len(_shown(client)) == 5
    app.extensions["matcher_engine"].dispose()


def test_good_score_cut_comes_from_the_settings(db_path, tmp_path):
    app = _app(db_path, tmp_path, {"good_score": 0.55})
    client = app.test_client()
    assert login(client, "admin").status_code == 302
    html = client.get("/overview/").get_data(as_text=True)
    assert "0.55" in html
    from webui.training import good_score
    with app.test_request_context():
        s = new_session(app)
        assert good_score(get_fitted(s).matcher) == 0.55
        s.close()
    app.extensions["matcher_engine"].dispose()


def test_import_computes_ages_at_the_markets_reference_date(db_path, tmp_path, market_files):
    app = _app(db_path, tmp_path, {"reference_date": "2020-01-01"})
    assert import_reference_date({"reference_date": "2020-01-01"}) == dt.date(2020, 1, 1)
    assert import_reference_date(None) == dt.date.today()
    client = app.test_client()
    assert login(client, "admin").status_code == 302
    frame = pd.read_csv(market_files["seekers"], dtype=str).head(3)
    frame = frame.drop(columns=["age"]).assign(seeker_id=["S9000", "S9001", "S9002"],
                                                birth_date=["1980-06-15", "1975-01-01", "1990-12-31"])
    buf = io.BytesIO(frame.to_csv(index=False).encode("utf-8"))
    r = client.post("/imports/", data={"seekers": (buf, "seekers.csv")}, content_type="multipart/form-data",
                    follow_redirects=True)
    assert r.status_code == 200
    s = new_session(app)
    try:
        ages = {sid: s.get(Seeker, sid).age for sid in ("S9000", "S9001", "S9002")}
    finally:
        s.close()
    # at 2020-01-01, not today: the batch run with the same settings computes the same ages
    assert ages == {"S9000": 39, "S9001": 45, "S9002": 29}
    app.extensions["matcher_engine"].dispose()
