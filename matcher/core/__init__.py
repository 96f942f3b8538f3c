"""The matching core: normalised frames in, explained ranked matches out.

Stages, named as record-linkage people look for them: features (fit-time,
:mod:`.features`) → block (:mod:`.blocking`) → compare (:mod:`.compare`, one
comparison per dimension) → score and rank (:mod:`.matcher`) → fairness
(:mod:`.fairness`) → explain (:mod:`.explain`). Settings in :mod:`.settings`.

Public API::

    from matcher.core import Matcher, MatchSettings, Match
    s = MatchSettings.from_dict(None)                  # defaults; files: matcher.io.settings
    m = Matcher(s).fit(seekers_df, vacancies_df)       # normalised frames
    m.for_seeker(seeker_id, k=None, vacancy_mask=None) -> list[Match]
    m.for_vacancy(vacancy_id, k=None, seeker_mask=None) -> list[Match]
    m.for_vacancy_summary(vacancy_id, k=None) -> dict   # also m.last_vacancy_summary
    m.explain(seeker_id, vacancy_id) -> Match
    m.score_block(seeker_idx, vacancy_idx=None) -> np.ndarray          # float32, expired = -inf
    m.score_pairs(seeker_idx, vacancy_idx) -> GridScores                # per-pair contributions
    m.score_candidates(seeker_idx, vacancy_idx) -> np.ndarray           # scores only, fast
    m.top_k_block(seeker_idx, k, blocking=None) -> (idx, scores)
    m.blocking_recall(seeker_idx=None, k=10) -> dict

The core never opens files and never imports Flask.
"""
from matcher.core.explain import Match
from matcher.core.matcher import Matcher
from matcher.core.settings import DIMENSIONS, MatchSettings

__all__ = ["Matcher", "MatchSettings", "Match", "DIMENSIONS"]
