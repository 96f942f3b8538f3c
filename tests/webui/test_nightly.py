"""The nightly batch lists on the seeker and vacancy pages: switch, order, staleness, scope.

The batch folder is written here in the layout ``matcher batch`` documents
(``--out`` is a symlink to a run folder with Parquet tables and ``run.json``),
from the fitted matcher's own lists; the capacity-aware lists are the plain
lists *reversed*, so a page that follows the batch order is told apart from
one that re-ranks.
"""
from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
from conftest import base_config, login

from webui import create_app
from webui.db import get_session
from webui.engine import get_fitted
from webui.nightly import NightlyResults
from webui.rankings import batch_candidates, batch_state
from webui.store import file_sha256

DIMS = ("skills", "occupation", "education", "wage", "place", "conditions", "priority")


def _rows(matches, owner: str) -> list[dict]:
    out = []
    for m in matches:
        d = m.to_dict()
        row = {"seeker_id": d["seeker_id"], "vacancy_id": d["vacancy_id"], "rank": d["rank"], "score": d["score"]}
        row.update({f"c_{k}": float((d.get("contributions") or {}).get(k, 0.0)) for k in DIMS})
        row["feasible"] = d["score"] >= 0.5
        row["reason"] = "优势：技能"
        out.append(row)
    return out


def write_batch(folder, matcher, market_files, run_id: str = "run-1", sha: dict | None = None,
                settings: dict | None = None, blocking: bool = False):
    """A batch ``--out`` link at ``folder`` pointing at ``folder.runs/<run_id>``."""
    runs = folder.with_name(folder.name + ".runs")
    run_dir = runs / run_id
    run_dir.mkdir(parents=True)
    sids = matcher.seekers_["seeker_id"].astype(str).tolist()
    vids = matcher.vacancies_["vacancy_id"].astype(str).tolist()
    plain_s, cap_s, plain_v, cap_v = [], [], [], []
    for sid in sids:
        rows = _rows(matcher.for_seeker(sid, 10), "seeker")
        plain_s += rows
        for i, r in enumerate(reversed(rows)):
            cap_s.append({**r, "rank": i + 1, "adjusted_score": r["score"] - 0.01 * i,
                          "congestion_price": 0.01 * i, "pure_rank": r["rank"]})
    for vid in vids:
        rows = _rows(matcher.for_vacancy(vid, 10), "vacancy")
        plain_v += rows
        for i, r in enumerate(reversed(rows)):
            cap_v.append({**r, "rank": i + 1, "adjusted_score": r["score"]})
    order_s = lambda f: f.sort_values(["seeker_id", "rank"])  # noqa: E731
    order_v = lambda f: f.sort_values(["vacancy_id", "rank"])  # noqa: E731
    order_s(pd.DataFrame(plain_s)).to_parquet(run_dir / "seeker_matches.parquet", index=False)
    order_s(pd.DataFrame(cap_s)).to_parquet(run_dir / "seeker_matches_capacity.parquet", index=False)
    order_v(pd.DataFrame(plain_v)).to_parquet(run_dir / "vacancy_matches.parquet", index=False)
    # written unsorted on purpose: the reader must sort by owner and rank itself
    pd.DataFrame(cap_v).sample(frac=1.0, random_state=3).to_parquet(
        run_dir / "vacancy_matches_capacity.parquet", index=False)
    sha = sha if sha is not None else {r: file_sha256(market_files[r]) for r in ("seekers", "vacancies")}
    import matcher as engine

    record = {"run_id": run_id, "started_at": "2026-11-26T02:00:00", "engine_version": engine.__version__,
              "inputs": {r: {"sha256": h} for r, h in sha.items()},
              "settings": settings if settings is not None else matcher.settings.to_dict(),
              "batch": {"top_k": 10, "blocking": blocking}}
    (run_dir / "run.json").write_text(json.dumps(record, default=str), encoding="utf-8")
    tmp = folder.with_name(folder.name + ".tmp-link")
    os.symlink(run_dir, tmp)
    os.replace(tmp, folder)
    return {"plain_s": pd.DataFrame(plain_s), "cap_s": pd.DataFrame(cap_s), "cap_v": pd.DataFrame(cap_v)}


@pytest.fixture
def batch_app(db_path, tmp_path, matcher_cache, market_files):
    folder = tmp_path / "nightly"
    app = create_app(base_config(db_path, tmp_path, matcher_cache, BATCH_DIR=str(folder)))
    with app.app_context():
        from webui.db import new_session
        s = new_session(app)
        fitted = get_fitted(s)
        s.close()
    lists = write_batch(folder, fitted.matcher, market_files)
    app.config["TEST_BATCH"] = {"folder": folder, "lists": lists, "matcher": fitted.matcher}
    yield app
    app.extensions["matcher_engine"].dispose()


def _ids(html: str, attr: str) -> list[str]:
    import re
    return re.findall(rf'data-{attr}="([^"]+)"', html)


def test_no_switch_without_a_batch(admin_client):
    html = admin_client.get("/seekers/S0000").data.decode()
    assert 'id="list-switch"' not in html


def test_seeker_page_switches_to_the_capacity_list_in_batch_order(batch_app):
    c = batch_app.test_client()
    login(c, "admin")
    plain = c.get("/seekers/S0002?f=1&shift=1").data.decode()
    assert 'id="list-switch"' in plain and "考虑岗位容量的名单" in plain and 'id="batch-stale"' not in plain
    cap = c.get("/seekers/S0002?f=1&shift=1&list=capacity").data.decode()
    lists = batch_app.config["TEST_BATCH"]["lists"]
    batch_order = lists["cap_s"].query("seeker_id == 'S0002'").sort_values("rank")["vacancy_id"].tolist()
    expected = [v for v in batch_order if v != "V0029"]  # V0029 has expired: left out
    assert _ids(cap, "vacancy") == expected
    assert len(expected) >= 5 and _ids(plain, "vacancy") == list(reversed(expected))
    assert "调整后得分" in cap and "普通排序第" in cap
    # the filter form keeps the chosen list
    assert 'name="list" value="capacity"' in cap


def test_plain_ranking_narrowed_by_the_batch_equals_the_live_ranking(batch_app):
    """For every seeker, the batch-narrowed live ranking is exactly the full live ranking."""
    m = batch_app.config["TEST_BATCH"]["matcher"]
    with batch_app.test_request_context("/"):
        db = get_session()
        fitted = get_fitted(db)
        run = batch_app.extensions["matcher_nightly"].current()
        state = batch_state(run, db, "seeker_matches_capacity")
        assert state["state"] == "current"
        used = 0
        for district in (None, "东区"):
            mask = fitted.vacancy_mask(db, district=district)
            for sid in fitted.seeker_ids[:40]:
                narrowed = batch_candidates(run, state, fitted, sid, mask, 5)
                full = [x.vacancy_id for x in m.for_seeker(sid, 5, vacancy_mask=mask)]
                if narrowed is not None:
                    used += 1
                    assert int(narrowed.sum()) <= 10
                    assert [x.vacancy_id for x in m.for_seeker(sid, 5, vacancy_mask=narrowed)] == full
        assert used >= 40  # without a district filter the batch list always suffices


def test_narrowing_is_refused_when_settings_differ_or_blocking(batch_app, tmp_path, market_files):
    m = batch_app.config["TEST_BATCH"]["matcher"]
    for kind, kwargs in (("settings", {"settings": {"top_k": 3}}), ("blocking", {"blocking": True})):
        folder = tmp_path / f"other-{kind}"
        write_batch(folder, m, market_files, run_id=f"r-{kind}", **kwargs)
        run = NightlyResults(folder).current()
        with batch_app.test_request_context("/"):
            db = get_session()
            fitted = get_fitted(db)
            state = batch_state(run, db, "seeker_matches_capacity")
            assert state["state"] == "current"
            assert batch_candidates(run, state, fitted, "S0000", fitted.vacancy_mask(db), 5) is None


def test_stale_batch_is_announced_and_not_used_for_narrowing(db_path, tmp_path, matcher_cache, market_files):
    folder = tmp_path / "nightly"
    app = create_app(base_config(db_path, tmp_path, matcher_cache, BATCH_DIR=str(folder)))
    try:
        with app.test_request_context("/"):
            fitted = get_fitted(get_session())
        write_batch(folder, fitted.matcher, market_files,
                    sha={"seekers": "0" * 64, "vacancies": file_sha256(market_files["vacancies"])})
        c = app.test_client()
        login(c, "admin")
        html = c.get("/seekers/S0000").data.decode()
        assert 'id="batch-stale"' in html and "求职者文件" in html
        with app.test_request_context("/"):
            db = get_session()
            run = app.extensions["matcher_nightly"].current()
            state = batch_state(run, db, "seeker_matches_capacity")
            assert state == {"run_id": "run-1", "started_at": "2026-11-26T02:00:00", "state": "stale",
                             "roles": ["seekers"]}
            assert batch_candidates(run, state, get_fitted(db), "S0000", np.ones(30, bool), 5) is None
    finally:
        app.extensions["matcher_engine"].dispose()


def test_run_without_checksums_is_unknown(db_path, tmp_path, matcher_cache, market_files):
    folder = tmp_path / "nightly"
    app = create_app(base_config(db_path, tmp_path, matcher_cache, BATCH_DIR=str(folder)))
    try:
        with app.test_request_context("/"):
            fitted = get_fitted(get_session())
        write_batch(folder, fitted.matcher, market_files, sha={})
        c = app.test_client()
        login(c, "admin")
        assert 'id="batch-unknown"' in c.get("/vacancies/V0000").data.decode()
    finally:
        app.extensions["matcher_engine"].dispose()


def test_vacancy_capacity_list_follows_the_batch_and_the_district_scope(batch_app):
    cap_v = batch_app.config["TEST_BATCH"]["lists"]["cap_v"]
    order = cap_v.query("vacancy_id == 'V0000'").sort_values("rank")["seeker_id"].tolist()
    c = batch_app.test_client()
    login(c, "admin")
    html = c.get("/vacancies/V0000?list=capacity").data.decode()
    assert _ids(html, "seeker") == order
    c2 = batch_app.test_client()
    login(c2, "east")
    html = c2.get("/vacancies/V0000?list=capacity").data.decode()
    shown = _ids(html, "seeker")
    with batch_app.test_request_context("/"):
        from webui.models import Seeker
        db = get_session()
        east = {s.seeker_id for s in db.query(Seeker).filter(Seeker.district == "东区")}
    assert shown == [s for s in order if s in east]


def test_new_run_is_picked_up_without_restart(batch_app, market_files):
    c = batch_app.test_client()
    login(c, "admin")
    first = _ids(c.get("/seekers/S0004?f=1&shift=1&list=capacity").data.decode(), "vacancy")
    folder = batch_app.config["TEST_BATCH"]["folder"]
    m = batch_app.config["TEST_BATCH"]["matcher"]
    runs = folder.with_name(folder.name + ".runs")
    # a second run whose capacity list is the plain order (not reversed)
    lists = write_batch(folder, m, market_files, run_id="run-2")
    cap = pd.read_parquet(runs / "run-2" / "seeker_matches_capacity.parquet")
    plain = lists["plain_s"]
    plain.assign(adjusted_score=plain["score"], congestion_price=0.0, pure_rank=plain["rank"]).sort_values(
        ["seeker_id", "rank"])[cap.columns].to_parquet(runs / "run-2" / "seeker_matches_capacity.parquet", index=False)
    second = _ids(c.get("/seekers/S0004?f=1&shift=1&list=capacity").data.decode(), "vacancy")
    assert second == list(reversed(first))
    assert batch_app.extensions["matcher_nightly"].current().run_id == "run-2"


def test_capacity_pages_keep_access_rules(batch_app):
    c = batch_app.test_client()
    r = c.get("/seekers/S0000?list=capacity")
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]
    login(c, "east")
    with batch_app.test_request_context("/"):
        from webui.models import Seeker
        west = get_session().query(Seeker).filter(Seeker.district == "西区").first().seeker_id
    assert c.get(f"/seekers/{west}?list=capacity").status_code == 404


def test_unknown_list_mode_falls_back_to_plain(batch_app):
    c = batch_app.test_client()
    login(c, "admin")
    html = c.get("/seekers/S0000?list=../../etc").data.decode()
    assert '<strong class="current">普通排序</strong>' in html


def test_serve_option_sets_the_batch_dir(tmp_path, monkeypatch):
    from webui.commands import _app

    monkeypatch.setenv("MATCHER_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.delenv("MATCHER_BATCH_DIR", raising=False)
    app = _app(batch_dir=tmp_path / "nightly")
    assert app.config["BATCH_DIR"] == str(tmp_path / "nightly")
    assert app.extensions["matcher_nightly"].current() is None  # no run yet: no switch, no error
    monkeypatch.setenv("MATCHER_BATCH_DIR", str(tmp_path / "env-nightly"))
    assert _app().config["BATCH_DIR"] == str(tmp_path / "env-nightly")
