"""One seeker's live top-k on a page: the same list as ``Matcher.for_seeker``, cheaper.

``Matcher.for_seeker(seeker_id, k, vacancy_mask=mask)`` scores the seeker
against the masked posts by slicing every per-vacancy sparse matrix down to
the mask's columns first; at 20,000 posts that slicing costs more than the
scoring itself, and a page's mask (open posts, filters) is never the full
set. :class:`SeekerRanker` instead

1. scores the whole row with ``Matcher.score_block`` (every post in fitted
   order: no slicing; expired posts score ``-inf``), or, when a candidate set
   is known (the nightly batch's exact list), only those pairs with
   ``Matcher.score_pairs``;
2. applies the mask and orders exactly as the core does (score rounded to
   :data:`matcher.core.matcher.RANK_DECIMALS` descending, then vacancy id
   ascending);
3. explains only the ``k`` posts shown (one ``score_pairs`` call and the
   fitted explainer), so the records equal ``for_seeker``'s field for field
   (a test checks this on every seeker of the test market).

A matcher without these fitted parts (any other engine) is served by its own
``for_seeker``. Positions are fitted row positions (``matcher.vacancies_``
order); scores are unitless in [0, 1] plus the visible priority boost.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from matcher.errors import MatcherError, UnknownIdError

#: Decimals of the core's ranking key (ties beyond them go to the lower id).
try:  # the core's constant, so a change there is followed here
    from matcher.core.matcher import RANK_DECIMALS
except ImportError:  # pragma: no cover - engine without the constant
    RANK_DECIMALS = 12


def _key(scores: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(scores, dtype=np.float64), RANK_DECIMALS)


class SeekerRanker:
    """Fast exact ``for_seeker`` for one fitted matcher (built once per fit generation).

    ``usable`` is False when the matcher lacks ``score_block``,
    ``score_pairs``, ``explainer_`` or ``features_`` (then every call goes to
    ``matcher.for_seeker``).
    """

    def __init__(self, matcher: object) -> None:
        self.matcher = matcher
        feats = getattr(matcher, "features_", None)
        self.usable = all(hasattr(matcher, a) for a in ("score_block", "score_pairs", "explainer_", "for_seeker")) \
            and feats is not None and hasattr(feats, "vacancy_id_rank") and hasattr(feats, "expired")
        if not self.usable:
            return
        self.id_rank = np.asarray(feats.vacancy_id_rank, dtype=np.int64)
        hard = getattr(getattr(matcher, "settings", None), "hard_constraints", None)
        exclude = bool(getattr(hard, "exclude_expired", True))
        expired = np.asarray(feats.expired, dtype=bool)
        #: posts the core ever ranks (not expired at fit time when the settings exclude them)
        self.rankable = ~expired if exclude else np.ones(len(expired), dtype=bool)
        self.seeker_pos = {str(s): i for i, s in enumerate(np.asarray(feats.seeker_ids).astype(str))}

    def _position(self, seeker_id: str) -> int:
        pos = self.seeker_pos.get(str(seeker_id))
        if pos is None:
            raise UnknownIdError(f"Unknown seeker_id '{seeker_id}': not among the {len(self.seeker_pos)} "
                                 "fitted seekers.")
        return pos

    def _order(self, positions: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
        """Indices into ``positions`` of the best ``k`` (score desc, then vacancy id asc)."""
        if len(positions) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64)
        key = _key(scores)
        if len(key) > 4 * k:  # keep everything tied with the k-th best so id order decides among them
            kth = np.partition(-key, k - 1)[k - 1]
            cand = np.flatnonzero(-key <= kth)
        else:
            cand = np.arange(len(key))
        o = np.lexsort((self.id_rank[positions[cand]], -key[cand]))
        return cand[o][:k]

    def _explain(self, si: int, positions: np.ndarray) -> list[Any]:
        m = self.matcher
        if len(positions) == 0:
            return []
        gs = m.score_pairs(np.full(len(positions), si, dtype=np.int64), positions)
        return [m.explainer_.build(si, int(v), r + 1, gs, r) for r, v in enumerate(positions)]

    def top(self, seeker_id: str, k: int, mask: np.ndarray | None = None,
            candidates: np.ndarray | None = None) -> list[Any]:
        """The seeker's best ``k`` posts among ``mask`` (bool over fitted posts; None = all), explained.

        ``candidates`` (fitted positions) restricts scoring to those posts;
        the caller guarantees they hold the true top ``k`` under ``mask``
        (e.g. the current nightly batch's exhaustive list). Raises
        :class:`~matcher.errors.UnknownIdError` for an unknown seeker and
        :class:`~matcher.errors.MatcherError` for a mask of the wrong length.
        """
        m = self.matcher
        if not self.usable:
            return list(m.for_seeker(seeker_id, k, vacancy_mask=mask))
        si = self._position(seeker_id)
        if mask is not None and np.shape(mask) != self.rankable.shape:
            raise MatcherError(f"vacancy_mask must be a boolean array of length {len(self.rankable)}, "
                               f"got shape {np.shape(mask)}.")
        allowed = self.rankable if mask is None else self.rankable & np.asarray(mask, dtype=bool)
        if candidates is not None:
            pos = np.unique(np.asarray(candidates, dtype=np.int64))
            pos = pos[allowed[pos]]
            if len(pos) == 0:
                return []
            gs = m.score_pairs(np.full(len(pos), si, dtype=np.int64), pos)
            best = self._order(pos, gs.score, int(k))
            return [m.explainer_.build(si, int(pos[j]), r + 1, gs, int(j)) for r, j in enumerate(best)]
        row = np.asarray(m.score_block(np.array([si], dtype=np.int64))).ravel()
        pos = np.flatnonzero(allowed)
        best = self._order(pos, row[pos], int(k))
        return self._explain(si, pos[best])

    def explain_pairs(self, seeker_id: str, positions: np.ndarray) -> dict[int, Any]:
        """Explained records of the given posts (no ranking), keyed by position; posts the core
        never ranks (expired at fit time) are left out. ``rank`` in the records is meaningless."""
        if not self.usable:
            raise TypeError("explain_pairs needs the engine's fitted explainer")
        si = self._position(seeker_id)
        pos = np.unique(np.asarray(positions, dtype=np.int64))
        pos = pos[self.rankable[pos]]
        return {int(p): rec for p, rec in zip(pos, self._explain(si, pos))}
