"""Skills: the canonical skill lexicon and the free-text skill normaliser.

:func:`load_lexicon` reads ``data/skills.csv`` (staff-editable);
:class:`SkillNormaliser` maps seekers' and employers' words to canonical skills
and gives skill-to-skill similarity for soft matching.
"""
from matcher.skills.lexicon import Lexicon, load_lexicon, normalise_key
from matcher.skills.normaliser import SkillMatch, SkillNormaliser

__all__ = ["Lexicon", "SkillMatch", "SkillNormaliser", "load_lexicon", "normalise_key"]
