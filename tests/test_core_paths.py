"""The fast scoring routes agree with the explained route: dense blocks, pairs, blocking, text features."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from core_factories import make_matcher, random_market
from matcher.core.compare import Grid, score_grid
from matcher.core.text import DedupTfidf as _DedupTfidf, analyse, stem
from matcher.errors import MatcherError


@pytest.fixture(scope="module")
def fitted():
    return make_matcher(*random_market(80, 50, seed=3))


def test_fast_block_equals_full_combination(fitted):
    F, st = fitted.features_, fitted.settings
    g = Grid(np.arange(F.n_seekers), np.arange(F.n_vacancies))
    full = score_grid(F, st, g)
    fast = score_grid(F, st, g, score_only=True).score
    np.testing.assert_allclose(fast, full.score, atol=1e-6)
    total = sum(full.contributions[d] for d in full.contributions)
    np.testing.assert_allclose(total, full.score, atol=1e-6)


def test_score_pairs_matches_dense_block_bit_for_bit(fitted):
    F = fitted.features_
    rng = np.random.default_rng(0)
    s = rng.integers(0, F.n_seekers, 300)
    v = rng.integers(0, F.n_vacancies, 300)
    gs = fitted.score_pairs(s, v)
    block = fitted.score_block(np.arange(F.n_seekers))
    ok = ~F.expired[v]
    np.testing.assert_array_equal(gs.score[ok], block[s[ok], v[ok]])
    total = sum(gs.contributions[d] for d in gs.contributions)
    np.testing.assert_allclose(total, gs.score, atol=1e-6)
    assert set(gs.contributions) == {"skills", "occupation", "education", "wage", "place", "conditions", "priority"}
    assert all(gs.evidence[d].dtype == bool for d in gs.evidence)
    np.testing.assert_array_equal(fitted.score_candidates(s, v)[ok], block[s[ok], v[ok]])
    with pytest.raises(MatcherError):
        fitted.score_pairs(np.array([0, 1]), np.array([0]))
    with pytest.raises(MatcherError):
        fitted.score_pairs(np.array([F.n_seekers]), np.array([0]))


def test_blocked_top_k_never_beats_exhaustive_and_keeps_most(fitted):
    F = fitted.features_
    a = np.arange(F.n_seekers)
    ex_i, ex_s = fitted.top_k_block(a, 5, blocking=False)
    bl_i, bl_s = fitted.top_k_block(a, 5, blocking=True)
    assert (bl_s <= ex_s + 1e-9).all()
    same = (bl_i == ex_i).mean()
    assert same > 0.9


def test_for_seeker_order_equals_block_order(fitted):
    F = fitted.features_
    idx, _ = fitted.top_k_block(np.arange(10), 8, blocking=False)
    for i in range(10):
        got = [m.vacancy_id for m in fitted.for_seeker(F.seeker_ids[i], 8)]
        assert got == [F.vacancy_ids[j] for j in idx[i] if j >= 0]


def test_dedup_tfidf_equals_sklearn():
    docs = ["Operate cranes and hoists", "operate forklifts", "电焊 焊接 钢结构", "operate cranes and hoists",
            "电焊 焊接 钢结构", "Prepare budgets; review reports", ""]
    ours = _DedupTfidf().fit([d for d in docs if d]).transform(docs)
    ref = TfidfVectorizer(analyzer=analyse, sublinear_tf=True).fit([d for d in docs if d])
    want = ref.transform(docs)
    # same vocabulary up to column order
    order = [ref.vocabulary_[t] for t, _ in sorted(_DedupTfidf().fit([d for d in docs if d]).vocabulary_.items(),
                                                   key=lambda kv: kv[1])]
    np.testing.assert_allclose(ours.toarray(), sp.csr_matrix(want)[:, order].toarray(), atol=1e-12)


def test_stem_and_analyse():
    assert stem("operators") == stem("operating") == stem("operated") == "operat"
    assert stem("weld") == "weld" and stem("焊工证") == "焊工证"
    toks = analyse("Operating cranes, 电焊工")
    assert "operat" in toks and "电焊" in toks and "焊工" in toks and "电焊工" in toks
