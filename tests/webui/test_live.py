"""The seeker page's lists: batch-narrowed masks give the core's full list, the capacity-aware
list's explanations equal the core's records, the page stays cheap in queries, and the
freshness check is cached per import."""
from __future__ import annotations

import uuid

import numpy as np
import pytest
from sqlalchemy import event

from matcher.errors import UnknownIdError
from webui import create_app
from webui.db import get_session
from webui.engine import get_fitted
from webui.live import PairExplainer
from webui.models import Import
from webui.nightly import freshness
from webui.rankings import match_dict

from conftest import FakeMatcher, base_config, login
from test_nightly import write_batch


def _dicts(matches) -> list[dict]:
    return [match_dict(m) for m in matches]


def _masks(fitted, db) -> dict[str, np.ndarray | None]:
    return {
        "none": None,
        "open": fitted.vacancy_mask(db),
        "east": fitted.vacancy_mask(db, district="东区"),
        "wage": fitted.vacancy_mask(db, min_wage=3500, include_shift=False),
        "welfare": fitted.vacancy_mask(db, welfare_only=True),
        "empty": np.zeros(len(fitted.vacancy_ids), dtype=bool),
    }


def test_batch_narrowed_mask_gives_the_full_list_when_candidates_hold_the_top(app):
    """What the seeker page relies on with a current batch: narrowing the mask to a candidate
    set that holds the filtered top k (plus extra posts) returns exactly the full list."""
    with app.test_request_context("/"):
        db = get_session()
        fitted = get_fitted(db)
        m = fitted.matcher
        compared = 0
        for name, mask in _masks(fitted, db).items():
            for sid in fitted.seeker_ids[::3]:
                wide = m.for_seeker(sid, 12, vacancy_mask=mask)
                narrowed = np.zeros(len(fitted.vacancy_ids), dtype=bool)
                narrowed[[fitted.vacancy_pos[x.vacancy_id] for x in wide]] = True
                narrowed[::7] = True  # extra candidates, some outside the page's mask
                if mask is not None:
                    narrowed &= mask
                got = _dicts(m.for_seeker(sid, 5, vacancy_mask=narrowed))
                assert got == _dicts(m.for_seeker(sid, 5, vacancy_mask=mask)), (sid, name)
                compared += len(got)
        assert compared > 200


def test_explain_pairs_equals_the_core_records_and_leaves_out_expired_posts(app):
    with app.test_request_context("/"):
        fitted = get_fitted(get_session())
        m = fitted.matcher
        sid = fitted.seeker_ids[4]
        every = np.arange(len(fitted.vacancy_ids))
        got = fitted.explainer.explain_pairs(sid, every)
        want = {fitted.vacancy_pos[x.vacancy_id]: x for x in m.for_seeker(sid, len(every))}
        assert set(got) == set(want)
        assert fitted.vacancy_pos["V0029"] not in got  # expired in the test market
        for pos, rec in got.items():
            a, b = match_dict(rec), match_dict(want[pos])
            a.pop("rank"), b.pop("rank")
            assert a == b
        assert fitted.explainer.explain_pairs(sid, np.array([fitted.vacancy_pos["V0029"]])) == {}


def test_bad_input_raises_engine_errors(app):
    with app.test_request_context("/"):
        fitted = get_fitted(get_session())
        with pytest.raises(UnknownIdError, match="NOPE"):
            fitted.explainer.explain_pairs("NOPE", np.array([0]))


def test_other_engines_are_not_explained_here(app):
    with app.test_request_context("/"):
        fitted = get_fitted(get_session())
        m = fitted.matcher
        explainer = PairExplainer(FakeMatcher(m.seekers_, m.vacancies_))
        assert not explainer.usable
        with pytest.raises(TypeError):
            explainer.explain_pairs(fitted.seeker_ids[2], np.array([0]))


def _count_queries(app, client, path: str) -> list[str]:
    seen: list[str] = []
    engine = app.extensions["matcher_engine"]

    def listener(conn, cursor, statement, params, context, executemany):
        seen.append(statement)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return seen


def test_seeker_page_queries_are_few_and_do_not_grow_with_the_page(app, client):
    login(client, "admin")
    client.get("/seekers/S0001")  # first view: nothing special, but warm everything
    with_history = _count_queries(app, client, "/seekers/S0001")   # has referrals with events
    without = _count_queries(app, client, "/seekers/S0010")
    token_queries = [q for q in with_history if "FROM imports" in q]
    assert len(token_queries) == 1  # the import token is looked up once per request
    assert len(with_history) <= 9 and len(without) <= 8


@pytest.fixture
def batch_app(db_path, tmp_path, matcher_cache, market_files):
    folder = tmp_path / "nightly"
    app = create_app(base_config(db_path, tmp_path, matcher_cache, BATCH_DIR=str(folder)))
    with app.test_request_context("/"):
        fitted = get_fitted(get_session())
    write_batch(folder, fitted.matcher, market_files)
    yield app
    app.extensions["matcher_engine"].dispose()


def test_batch_freshness_is_cached_per_import_and_follows_a_new_import(batch_app):
    c = batch_app.test_client()
    login(c, "admin")
    assert 'id="batch-stale"' not in c.get("/seekers/S0001").data.decode()
    with batch_app.test_request_context("/"):
        db = get_session()
        run = batch_app.extensions["matcher_nightly"].current()
        assert freshness(run, db)["state"] == "current"
        assert len(run._freshness) == 1
        # a newer import of other seekers data (no refit needed to see that the lists are stale)
        db.add(Import(token=uuid.uuid4().hex, seekers_file="seekers.csv", vacancies_file=None,
                      seekers_sha256="0" * 64, status="done"))
        db.commit()
    with batch_app.test_request_context("/"):
        assert freshness(run, get_session()) == {"state": "stale", "roles": ["seekers"]}
