"""Queries never change the fitted matcher: 8 threads of for_seeker / for_vacancy give the serial answers."""
from __future__ import annotations

import hashlib
import pickle
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict

import numpy as np
import pytest

from market_shapes import write_market
from matcher.core import Matcher
from matcher.io.loader import load_market

SETTINGS = {"reference_date": "2024-06-01"}


@pytest.fixture(scope="module")
def fitted(tmp_path_factory) -> Matcher:
    # more than 512 open posts, so for_seeker takes both routes (all posts / a few hundred posts)
    paths = write_market(tmp_path_factory.mktemp("threads"), 160, 700, 21, thin_share=0.3, rare_share=0.1)
    mk = load_market(paths["seekers"], paths["vacancies"])
    return Matcher(SETTINGS).fit(mk.seekers.frame, mk.vacancies.frame)


def _state(m: Matcher) -> str:
    """A digest of the fitted features (arrays and tables). The frames are compared with ``equals``:
    pandas keeps private lookup caches (built on a first row access) that a pickle would show."""
    F = m.features_
    h = hashlib.sha256()
    for name in sorted(vars(F)):
        if name != "extra":
            h.update(name.encode())
            h.update(pickle.dumps(getattr(F, name), protocol=4))
    for key in sorted(F.extra):
        h.update(key.encode())
        h.update(pickle.dumps(F.extra[key], protocol=4))
    return h.hexdigest()


def _shallow(m: Matcher) -> dict:
    """Every attribute of the matcher and its explainer: the same objects, and dicts/lists/sets with the same
    contents (a memo written by a query, e.g. a course cache, would show here)."""
    out = {}
    for owner, obj in (("m", m), ("explainer", m.explainer_)):
        for name, value in vars(obj).items():
            out[f"{owner}.{name}"] = id(value)
            if isinstance(value, (dict, list, set)):
                out[f"{owner}.{name}#"] = repr(sorted(map(repr, value.items() if isinstance(value, dict) else value)))
    return out


def _queries(m: Matcher) -> list[tuple]:
    F = m.features_
    rng = np.random.default_rng(3)
    few = np.zeros(F.n_vacancies, dtype=bool)
    few[rng.choice(F.n_vacancies, 200, replace=False)] = True
    q: list[tuple] = []
    for sid in F.seeker_ids[::8]:
        q.append(("seeker", str(sid), None))
        q.append(("seeker", str(sid), few))
    for vid in F.vacancy_ids[::25]:
        q.append(("vacancy", str(vid), None))
    return q


def _run(m: Matcher, query: tuple) -> list[dict]:
    kind, ident, mask = query
    if kind == "seeker":
        found = m.for_seeker(ident, 10, vacancy_mask=mask)
    else:
        found = m.for_vacancy(ident, 10)
    return [asdict(x) for x in found]


def test_eight_threads_give_the_serial_answers_and_leave_the_matcher_unchanged(fitted) -> None:
    queries = _queries(fitted)
    before = _state(fitted)
    attrs = _shallow(fitted)
    frames = (fitted.seekers_.copy(deep=True), fitted.vacancies_.copy(deep=True))
    serial = [_run(fitted, q) for q in queries]
    assert _state(fitted) == before
    assert any(serial) and sum(len(r) for r in serial) > len(queries)
    # every query several times, interleaved across 8 threads
    order = list(range(len(queries))) * 3
    np.random.default_rng(0).shuffle(order)
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda i: (i, _run(fitted, queries[i])), order))
    for i, result in threaded:
        assert result == serial[i], queries[i][:2]
    assert _state(fitted) == before
    assert _shallow(fitted) == attrs
    assert fitted.seekers_.equals(frames[0]) and fitted.vacancies_.equals(frames[1])
