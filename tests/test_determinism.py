"""The same answer on every machine: scores and lists do not depend on BLAS threads, backend or block size.

Markets come from :mod:`market_shapes` (generated cities with thin profiles: one
colloquial skill and one experience title, one rare skill, or nothing), the
shapes on which near-empty text vectors used to turn into thread-dependent noise.
Batch outputs are compared byte for byte (run.json, which holds timings, is
left out).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from market_shapes import write_market
from matcher.batch import BatchConfig, run_batch
from matcher.core import Matcher
from matcher.core.text import EMPTY_EPS
from matcher.io.loader import load_market

FILES = [f"{stem}.{ext}" for stem in ("seeker_matches", "vacancy_matches", "seeker_matches_capacity",
                                      "vacancy_matches_capacity") for ext in ("parquet", "csv")] \
    + ["rejects.csv", "warnings.csv"]
SETTINGS = {"reference_date": "2024-06-01"}
#: (seekers, vacancies, seed, shape options): thin-heavy, rare-heavy with empty profiles, few posts
SHAPES = {
    "thin": (300, 120, 5, {"thin_share": 0.6, "rare_share": 0.1}),
    "rare": (240, 160, 7, {"thin_share": 0.2, "rare_share": 0.4, "empty_share": 0.1}),
    "few_posts": (260, 40, 9, {"thin_share": 0.5, "rare_share": 0.2}),
}


def digest(folder: Path) -> dict[str, str]:
    return {f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in FILES}


@pytest.fixture(scope="module", params=sorted(SHAPES))
def market(request, tmp_path_factory) -> tuple[str, dict[str, Path]]:
    ns, nv, seed, kw = SHAPES[request.param]
    return request.param, write_market(tmp_path_factory.mktemp(request.param), ns, nv, seed, **kw)


def _batch(paths: dict[str, Path], out: Path, threads: int, **kw) -> dict[str, str]:
    with threadpool_limits(limits=threads, user_api="blas"):
        run_batch(BatchConfig(paths["seekers"], paths["vacancies"], out, top_k=50, settings=SETTINGS, **kw))
    return digest(out)


@pytest.fixture(scope="module")
def one_thread(market, tmp_path_factory) -> dict[str, str]:
    name, paths = market
    return _batch(paths, tmp_path_factory.mktemp(f"{name}_t1") / "out", 1)


def test_fit_does_not_depend_on_blas_threads(market) -> None:
    _name, paths = market
    mk = load_market(paths["seekers"], paths["vacancies"])
    fits = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            fits.append(Matcher(SETTINGS).fit(mk.seekers.frame, mk.vacancies.frame))
    f1, f2 = (m.features_ for m in fits)
    for key in ("seeker_sem", "vacancy_sem", "text_floor", "text_ceiling", "code_profile_prox"):
        assert np.array_equal(np.asarray(f1.extra[key]), np.asarray(f2.extra[key])), key
    a = np.arange(f1.n_seekers)
    with threadpool_limits(limits=2, user_api="blas"):
        s1 = fits[0].score_block(a)
    with threadpool_limits(limits=1, user_api="blas"):
        s2 = fits[1].score_block(a)
    assert np.array_equal(s1, s2)


@pytest.mark.slow
def test_batch_same_under_one_and_two_blas_threads(market, one_thread, tmp_path) -> None:
    _name, paths = market
    assert _batch(paths, tmp_path / "out", 2) == one_thread


@pytest.mark.slow
def test_block_size_does_not_change_results(market, one_thread, tmp_path) -> None:
    _name, paths = market
    assert _batch(paths, tmp_path / "b7", 2, block_size=7) == one_thread
    assert _batch(paths, tmp_path / "b64", 1, block_size=64, workers=2) == one_thread


@pytest.mark.slow
def test_dask_backend_matches_local(market, one_thread, tmp_path) -> None:
    pytest.importorskip("distributed")
    name, paths = market
    if name != "thin":
        pytest.skip("one market is enough for the (slow to start) LocalCluster")
    assert _batch(paths, tmp_path / "dask", 2, backend="dask", workers=2) == one_thread


def test_profile_outside_the_basis_has_no_lsa_embedding() -> None:
    """A text sharing no term with the posts gets a zero embedding (cosine 0), not normalised rounding noise."""
    from matcher.core.text import lsa_embeddings as _semantic

    rng = np.random.default_rng(0)
    v = sp.random(40, 30, density=0.3, random_state=1, format="csr")
    v = sp.hstack([v, sp.csr_matrix((40, 5))]).tocsr()              # terms 30..34: in no post
    s = sp.csr_matrix(np.vstack([
        np.r_[rng.random(30), np.zeros(5)],                         # shares terms with the posts
        np.r_[np.zeros(30), rng.random(5)],                         # outside the posts' vocabulary
        np.r_[np.zeros(30), np.zeros(5)],                           # empty
    ]))
    s_sem, v_sem = _semantic(s, v, 8)
    norms = np.linalg.norm(s_sem, axis=1)
    assert abs(norms[0] - 1) < 1e-12
    assert norms[1] == 0 and norms[2] == 0
    assert np.all(s_sem[1:] @ v_sem.T == 0)


def test_embeddings_are_unit_or_zero(market) -> None:
    """On thin markets every LSA embedding is a unit vector or exactly zero."""
    _name, paths = market
    mk = load_market(paths["seekers"], paths["vacancies"])
    F = Matcher(SETTINGS).fit(mk.seekers.frame, mk.vacancies.frame).features_
    norms = np.linalg.norm(F.extra["seeker_sem"], axis=1)
    assert np.all((norms == 0) | (np.abs(norms - 1) < 1e-9))
    assert (norms == 0).any()
    assert 0 < EMPTY_EPS < 1e-3
