"""One seeker's live top-k on a page, through the core's own ranking.

:class:`SeekerRanker` is the web UI's face on ``Matcher.for_seeker``:

- :meth:`SeekerRanker.top` returns ``for_seeker``'s list under the page's
  mask (open posts, filters). With a candidate set (the current nightly
  batch's exact list) the mask is narrowed to those posts first; the core
  then scores them as explicit pairs (a few dozen posts) instead of the whole
  row. The ranking rule (score rounded to ``RANK_DECIMALS`` descending, then
  vacancy id) lives in the core only.
- :meth:`SeekerRanker.explain_pairs` explains given posts without ranking
  them (the capacity-aware list, whose order comes from the batch), with the
  core's fitted explainer — field for field the records ``for_seeker`` gives.

A matcher without ``score_pairs``, ``explainer_`` and ``features_`` (any
other engine) is served by its own ``for_seeker``; ``explain_pairs`` then
raises ``TypeError``. Positions are fitted row positions
(``matcher.vacancies_`` order); scores are unitless in [0, 1] plus the
visible priority boost.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from matcher.errors import MatcherError, UnknownIdError


class SeekerRanker:
    """The page's view of one fitted matcher (built once per fit generation).

    ``usable`` is False when the matcher lacks ``score_pairs``,
    ``explainer_`` or ``features_`` (then only :meth:`top` works, through
    ``matcher.for_seeker``).
    """

    def __init__(self, matcher: object) -> None:
        self.matcher = matcher
        feats = getattr(matcher, "features_", None)
        self.usable = all(hasattr(matcher, a) for a in ("score_pairs", "explainer_", "for_seeker")) \
            and feats is not None and hasattr(feats, "expired") and hasattr(feats, "seeker_ids")
        if not self.usable:
            return
        hard = getattr(getattr(matcher, "settings", None), "hard_constraints", None)
        exclude = bool(getattr(hard, "exclude_expired", True))
        expired = np.asarray(feats.expired, dtype=bool)
        #: posts the core ever ranks (not expired at fit time when the settings exclude them)
        self.rankable = ~expired if exclude else np.ones(len(expired), dtype=bool)
        self.seeker_pos = {str(s): i for i, s in enumerate(np.asarray(feats.seeker_ids).astype(str))}

    def top(self, seeker_id: str, k: int, mask: np.ndarray | None = None,
            candidates: np.ndarray | None = None) -> list[Any]:
        """The seeker's best ``k`` posts among ``mask`` (bool over fitted posts; None = all), explained.

        ``candidates`` (fitted positions) restricts scoring to those posts;
        the caller guarantees they hold the true top ``k`` under ``mask``
        (e.g. the current nightly batch's exhaustive list). Raises
        :class:`~matcher.errors.UnknownIdError` for an unknown seeker and
        :class:`~matcher.errors.MatcherError` for a mask of the wrong length
        or candidates out of range.
        """
        m = self.matcher
        if candidates is not None:
            n = len(self.rankable) if self.usable else (len(mask) if mask is not None else None)
            pos = np.asarray(candidates, dtype=np.int64).ravel()
            if n is None or (len(pos) and (pos.min() < 0 or pos.max() >= n)):
                raise MatcherError(f"candidate positions out of range (0..{(n or 0) - 1}).")
            narrowed = np.zeros(n, dtype=bool)
            narrowed[pos] = True
            if mask is not None:
                if np.shape(mask) != narrowed.shape:
                    raise MatcherError(f"vacancy_mask must be a boolean array of length {n}, "
                                       f"got shape {np.shape(mask)}.")
                narrowed &= np.asarray(mask, dtype=bool)
            mask = narrowed
        return list(m.for_seeker(seeker_id, k, vacancy_mask=mask))

    def _position(self, seeker_id: str) -> int:
        pos = self.seeker_pos.get(str(seeker_id))
        if pos is None:
            raise UnknownIdError(f"Unknown seeker_id '{seeker_id}': not among the {len(self.seeker_pos)} "
                                 "fitted seekers.")
        return pos

    def explain_pairs(self, seeker_id: str, positions: np.ndarray) -> dict[int, Any]:
        """Explained records of the given posts (no ranking), keyed by position; posts the core
        never ranks (expired at fit time) are left out. ``rank`` in the records is meaningless."""
        if not self.usable:
            raise TypeError("explain_pairs needs the engine's fitted explainer")
        m = self.matcher
        si = self._position(seeker_id)
        pos = np.unique(np.asarray(positions, dtype=np.int64))
        pos = pos[self.rankable[pos]]
        if len(pos) == 0:
            return {}
        gs = m.score_pairs(np.full(len(pos), si, dtype=np.int64), pos)
        return {int(v): m.explainer_.build(si, int(v), r + 1, gs, r) for r, v in enumerate(pos)}
