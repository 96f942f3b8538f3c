"""Explanations of given (seeker, post) pairs for the capacity-aware list.

The plain list on a seeker page comes straight from ``Matcher.for_seeker``
(the core scores a wide mask as one row and a narrow one — the nightly
batch's candidates — as explicit pairs; the ranking rule lives there only).
The capacity-aware list takes its order from the nightly batch and only
needs each shown post explained: :meth:`PairExplainer.explain_pairs` scores
exactly those pairs once and builds the core's records with its fitted
explainer, field for field what ``for_seeker`` gives (except ``rank``).

A matcher without ``score_pairs``, ``explainer_`` and ``features_`` (any
other engine) is not ``usable``; the caller then explains through
``for_seeker``. Positions are fitted row positions (``matcher.vacancies_``
order); scores are unitless in [0, 1] plus the visible priority boost.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from matcher.errors import UnknownIdError


class PairExplainer:
    """Explains chosen posts for a seeker with one fitted matcher (built once per fit generation)."""

    def __init__(self, matcher: object) -> None:
        self.matcher = matcher
        feats = getattr(matcher, "features_", None)
        self.usable = all(hasattr(matcher, a) for a in ("score_pairs", "explainer_")) \
            and feats is not None and hasattr(feats, "expired") and hasattr(feats, "seeker_ids")
        if not self.usable:
            return
        hard = getattr(getattr(matcher, "settings", None), "hard_constraints", None)
        exclude = bool(getattr(hard, "exclude_expired", True))
        expired = np.asarray(feats.expired, dtype=bool)
        #: posts the core ever ranks (not expired at fit time when the settings exclude them)
        self.rankable = ~expired if exclude else np.ones(len(expired), dtype=bool)
        self.seeker_pos = {str(s): i for i, s in enumerate(np.asarray(feats.seeker_ids).astype(str))}

    def explain_pairs(self, seeker_id: str, positions: np.ndarray) -> dict[int, Any]:
        """Explained records of the given posts (no ranking), keyed by position.

        Posts the core never ranks (expired at fit time) are left out;
        ``rank`` in the records is meaningless. Raises
        :class:`~matcher.errors.UnknownIdError` for an unknown seeker,
        ``TypeError`` when the matcher is not ``usable``.
        """
        if not self.usable:
            raise TypeError("explain_pairs needs the engine's fitted explainer")
        pos_of = self.seeker_pos.get(str(seeker_id))
        if pos_of is None:
            raise UnknownIdError(f"Unknown seeker_id '{seeker_id}': not among the {len(self.seeker_pos)} "
                                 "fitted seekers.")
        m = self.matcher
        pos = np.unique(np.asarray(positions, dtype=np.int64))
        pos = pos[self.rankable[pos]]
        if len(pos) == 0:
            return {}
        gs = m.score_pairs(np.full(len(pos), pos_of, dtype=np.int64), pos)
        return {int(v): m.explainer_.build(pos_of, int(v), r + 1, gs, r) for r, v in enumerate(pos)}
