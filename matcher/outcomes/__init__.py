"""Learning from what happened: the outcome event log, job spells and the two outcome models.

:mod:`~matcher.outcomes.events` (order checks, referrals, censored job
spells), :mod:`~matcher.outcomes.features` (pair features: comparison parts,
gaps and the post's own history — never protected attributes),
:mod:`~matcher.outcomes.model` (P(hire | referral), P(in the job at 180 days
| hire), JSON persistence), :mod:`~matcher.outcomes.card` (the model card).
"""
from matcher.outcomes.events import check_order, job_spells, referrals
from matcher.outcomes.model import ModelError, NotEnoughOutcomes, OutcomeModel

__all__ = ["ModelError", "NotEnoughOutcomes", "OutcomeModel", "check_order", "job_spells", "referrals"]
