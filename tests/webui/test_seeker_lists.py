"""The seeker page's lists: batch-narrowed masks give the core's full list, the capacity-aware
list's explanations equal the core's records, the page stays cheap in queries, and the
freshness check is cached per import."""
from __future__ import annotations

import uuid

import numpy as np
from sqlalchemy import event

from webui.db import get_session
from webui.engine import get_fitted
from webui.models import Import
from webui.nightly import freshness
from webui.rankings import capacity_posts, match_dict

from conftest import login
from test_nightly import batch_app  # noqa: F401 - the shared fixture


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
    # user, seeker, import token, confirmed-codes generation, recorded hires, listed posts, referrals,
    # their events, the referred posts, the audit row: a fixed number whatever the list length
    assert len(with_history) <= 10 and len(without) <= 9


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


def test_capacity_list_is_explained_with_the_core_records(batch_app):
    """The capacity-aware list keeps the batch's order and rank; everything else in each
    record is the core's own explanation of that pair."""
    with batch_app.test_request_context("/"):
        db = get_session()
        fitted = get_fitted(db)
        run = batch_app.extensions["matcher_nightly"].current()
        compared = 0
        for sid in fitted.seeker_ids[:6]:
            rows = capacity_posts(run, fitted, sid, np.ones(len(fitted.vacancy_ids), dtype=bool), 10)
            core = {x.vacancy_id: match_dict(x) for x in fitted.matcher.for_seeker(sid, len(fitted.vacancy_ids))}
            batch_order = [str(r["vacancy_id"]) for r in run.list_for("seeker_matches_capacity", sid)][:10]
            assert [r["vacancy_id"] for r in rows] == batch_order
            for r in rows:
                want = core[r["vacancy_id"]]
                assert {k: v for k, v in r.items() if k in want and k != "rank"} == \
                       {k: v for k, v in want.items() if k != "rank"}
                compared += 1
        assert compared > 20
