"""Learning from what happened: the outcome event log, job spells and the two outcome models.

:mod:`~matcher.outcomes.events` (order checks, referrals, censored job
spells), :mod:`~matcher.outcomes.features` (pair features: comparison parts,
gaps and the post's own history — never protected attributes),
:mod:`~matcher.outcomes.model` (P(hire | referral), P(in the job at 180 days
| hire), JSON persistence, reasons for staff), :mod:`~matcher.outcomes.card`
(the model card), :mod:`~matcher.outcomes.ranking` (score + weight ×
expected lasting hire, with a priority floor).

For the ranking integration::

    model = OutcomeModel.load(model_dir)            # refuses another engine version / feature list
    p_hire, p_stay = model.predict(matcher, seeker_idx, vacancy_idx)
    elh = p_hire * p_stay                           # model.expected_lasting_hire(...)
    order = rerank(outcome_key(score, elh, weight), k, priority=..., floor=None)
    model.explain(matcher, si, vi)["reason"]        # "在类似岗位，条件相近的求职者 180 天仍在岗约 70%"
"""
from matcher.outcomes.events import check_order, job_spells, referrals
from matcher.outcomes.model import ModelError, NotEnoughOutcomes, OutcomeModel
from matcher.outcomes.ranking import outcome_key, rerank

__all__ = ["ModelError", "NotEnoughOutcomes", "OutcomeModel", "check_order", "job_spells", "outcome_key",
           "referrals", "rerank"]
