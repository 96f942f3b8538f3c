"""The report's ONE adapter onto the matching core: per-dimension scores and the open-post rule.

The report needs, for many (seeker, vacancy) pairs at once, not only the total
score but the raw component, the evidence flag and the contribution of every
dimension, and it needs to re-score pairs under a changed offered wage or
expected wage. Pairs are scored by the core's public
:meth:`~matcher.core.Matcher.score_pairs` (the ranking score bit for bit, so a
pair the batch lists at 0.700001 is good here too); dense blocks and the wage
counterfactuals use :func:`matcher.core.compare.score_grid` on the fitted (or
wage-replaced) features. "What if dimension d were met / left out"
(:func:`score_if_met`, :func:`score_without`) start from the core's
contributions and only renormalise the mean. Open posts and openings are the
core's rule as fitted (``matcher.open_`` / ``matcher.openings_left_``). This is
the only place in :mod:`matcher.report` that touches core internals.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from matcher.core.compare import PRIORITY, Grid, score_grid
from matcher.core.settings import DIMENSIONS
from matcher.errors import MatcherError, NotFittedError

#: Pairs scored per call of the core in pair mode (bounds memory of the sparse skill products).
PAIR_CHUNK_SEEKERS = 1500


@dataclass
class Scores:
    """Scores of a set of pairs (1-D) or of a dense block (2-D).

    ``components[d]`` is the raw score of dimension d in [0, 1],
    ``evidence[d]`` whether the dimension had data for the pair,
    ``contributions`` add up (with ``priority``) to ``score``; ``weight_sum``
    is Σ_d w_d·evidence_d, the denominator of the weighted mean.
    """

    score: np.ndarray
    components: dict[str, np.ndarray]
    evidence: dict[str, np.ndarray]
    contributions: dict[str, np.ndarray]
    weight_sum: np.ndarray


def open_vacancies(matcher) -> np.ndarray:
    """Boolean mask of the open posts: the core's rule (:func:`matcher.core.matcher.open_posts`), as fitted.

    Not expired at the reference date and with openings left after recorded
    hires: the same mask as :attr:`matcher.market.Market.open_mask`, the
    batch and the web overview.
    """
    _features(matcher)
    return np.asarray(matcher.open_, dtype=bool)


def openings_left(matcher) -> np.ndarray:
    """Openings left on each post after recorded hires (0 on posts that are not open): the core's rule."""
    _features(matcher)
    return np.asarray(matcher.openings_left_, dtype=np.int64)


def _features(matcher):
    F = getattr(matcher, "features_", None)
    if F is None:
        raise NotFittedError("The report needs a fitted Matcher; call Matcher(settings).fit(seekers, vacancies).")
    return F


def grid_scores(matcher, seeker_pos: np.ndarray, vacancy_pos: np.ndarray, *, dense: bool = False,
                woff: np.ndarray | None = None, wexp: np.ndarray | None = None) -> Scores:
    """Score pairs with per-dimension components, optionally under changed wages.

    ``seeker_pos`` / ``vacancy_pos`` are positions in the fitted frames.
    With ``dense=False`` they are aligned pair lists (same length) and the
    result is 1-D; with ``dense=True`` the result is the block
    ``len(seeker_pos) × len(vacancy_pos)``. ``woff`` (length n_vacancies) and
    ``wexp`` (length n_seekers) replace the offered wage (top of range) and
    the expected wage (bottom of range), yuan/month, NaN = unknown/面议 —
    the counterfactual re-scoring of the wage dimension. Raises
    :class:`MatcherError` on misaligned inputs.
    """
    F = _features(matcher)
    st = matcher.settings
    a = np.asarray(seeker_pos, dtype=np.int64)
    b = np.asarray(vacancy_pos, dtype=np.int64)
    if woff is not None or wexp is not None:
        repl = {}
        if woff is not None:
            woff = np.asarray(woff, dtype=float)
            if woff.shape != (F.n_vacancies,):
                raise MatcherError(f"woff must have one wage per vacancy ({F.n_vacancies}), got shape {woff.shape}.")
            repl["woff"] = woff
        if wexp is not None:
            wexp = np.asarray(wexp, dtype=float)
            if wexp.shape != (F.n_seekers,):
                raise MatcherError(f"wexp must have one wage per seeker ({F.n_seekers}), got shape {wexp.shape}.")
            repl["wexp"] = wexp
        F = dataclasses.replace(F, **repl)
    if dense:
        return _pack(score_grid(F, st, Grid(a, b)), st)
    if a.shape != b.shape:
        raise MatcherError(f"Pair lists must have the same length, got {a.shape} and {b.shape}.")
    n = len(a)
    out_score = np.zeros(n)
    comps = {d: np.zeros(n) for d in DIMENSIONS}
    evs = {d: np.zeros(n, dtype=bool) for d in DIMENSIONS}
    contr = {d: np.zeros(n) for d in (*DIMENSIONS, PRIORITY)}
    wsum = np.zeros(n)
    if n == 0:
        return Scores(out_score, comps, evs, contr, wsum)
    order = np.argsort(a, kind="stable")
    sa = a[order]
    bounds = np.unique(sa, return_index=True)[1]
    starts = bounds[::PAIR_CHUNK_SEEKERS].tolist() + [n]
    for lo, hi in zip(starts[:-1], starts[1:]):
        sel = order[lo:hi]
        if F is matcher.features_:
            # the public route: the ranking score bit for bit, with the core's parts
            gs = matcher.score_pairs(a[sel], b[sel])
        else:   # changed wages: the same comparison on the counterfactual features
            ua, ra = np.unique(a[sel], return_inverse=True)
            ub, rb = np.unique(b[sel], return_inverse=True)
            gs = score_grid(F, st, Grid(ua, ub, ra.astype(np.int64).ravel(), rb.astype(np.int64).ravel()))
        p = _pack(gs, st)
        out_score[sel] = p.score
        wsum[sel] = p.weight_sum
        for d in DIMENSIONS:
            comps[d][sel] = p.components[d]
            evs[d][sel] = p.evidence[d]
        for d in contr:
            contr[d][sel] = p.contributions[d]
    return Scores(out_score, comps, evs, contr, wsum)


def _pack(gs, st) -> Scores:
    wsum = np.zeros(np.shape(gs.score))
    for d in DIMENSIONS:
        wsum = wsum + st.weights.get(d, 0.0) * np.asarray(gs.evidence[d], dtype=bool)
    return Scores(score=np.asarray(gs.score, dtype=float),
                  components={d: np.asarray(gs.components[d], dtype=float) for d in DIMENSIONS},
                  evidence={d: np.asarray(gs.evidence[d], dtype=bool) for d in DIMENSIONS},
                  contributions={d: np.asarray(v, dtype=float) for d, v in gs.contributions.items()},
                  weight_sum=wsum)


def _share(sc: Scores, dim: str, weights: dict[str, float]) -> np.ndarray:
    """Share of the weighted mean that dimension ``dim`` holds for each pair (0 without evidence)."""
    w = float(weights.get(dim, 0.0))
    den = sc.weight_sum
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sc.evidence[dim] & (den > 0), w / np.where(den > 0, den, 1.0), 0.0)


def score_if_met(sc: Scores, dim: str, weights: dict[str, float], can_have_evidence: np.ndarray | bool = True
                 ) -> np.ndarray:
    """The score each pair would have if dimension ``dim`` were fully met (component 1).

    Where the dimension has evidence, the core's contribution of ``dim`` is
    replaced by its full share of the weighted mean. Where it has none but
    ``can_have_evidence`` is True for the pair (e.g. a seeker with no listed
    skills facing a post that lists some, after a course), the dimension
    joins the mean with component 1. Otherwise the score is unchanged.
    """
    w = float(weights.get(dim, 0.0))
    prio = sc.contributions.get(PRIORITY, 0.0)
    base = sc.score - prio
    den = sc.weight_sum
    raised = base - sc.contributions[dim] + _share(sc, dim, weights)
    joined = (base * den + w) / (den + w) if w > 0 else base
    out = np.where(sc.evidence[dim], raised,
                   np.where(np.asarray(can_have_evidence, dtype=bool), joined, base))
    return out + prio


def score_without(sc: Scores, dim: str, weights: dict[str, float]) -> np.ndarray:
    """The score each pair would have with dimension ``dim`` left out of the weighted mean.

    The core's score less the contribution of ``dim``, renormalised over the
    remaining share, plus the priority boost; 0 (+ boost) when no other
    dimension has evidence.
    """
    prio = sc.contributions.get(PRIORITY, 0.0)
    rest = sc.score - prio - sc.contributions[dim]
    keep = 1.0 - _share(sc, dim, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(keep > 1e-9, rest / np.where(keep > 1e-9, keep, 1.0), 0.0)
    return out + prio


__all__ = ["Scores", "grid_scores", "score_if_met", "score_without", "open_vacancies", "openings_left"]
