"""The city mismatch report: why posts go unfilled, why people stay unemployed, what would help.

Modules (pure unless noted):

* :mod:`.scoring` — the ONE adapter onto the core's per-dimension scores
  (:func:`~.scoring.grid_scores`: ``Matcher.score_pairs`` for pairs, the
  core's ``score_grid`` for dense blocks and wage counterfactuals) and the
  core's open-post rule (``open_vacancies`` / ``openings_left``);
* :mod:`.pool` — the candidate pool: each seeker's and each post's K best
  (from the nightly batch's lists, or scored here); ``read_batch_lists`` is
  its only I/O;
* :mod:`.analysis` — supply and demand, binding constraints of posts and
  seekers, wages, education bars, compliance (definitions in its docstring);
* :mod:`.counterfactual` — training that unlocks work and wage conversations,
  computed by re-scoring;
* :mod:`.assemble` — :func:`~.assemble.build_report` runs everything;
* :mod:`.charts` — matplotlib figures as data URIs;
* :mod:`.render` — the self-contained bilingual HTML page.

For one seeker's page in the web UI::

    from matcher.report import training_suggestions
    training_suggestions(matcher, [seeker_id], courses=None, top=2)   # threshold: settings.good_score
"""
from matcher.report.assemble import ReportOptions, build_report
from matcher.report.counterfactual import (course_impact, evaluate_training, post_wage_targets,
                                           seeker_wage_targets, training_suggestions)
from matcher.report.render import render_html

__all__ = ["ReportOptions", "build_report", "render_html", "training_suggestions",
           "evaluate_training", "course_impact", "post_wage_targets", "seeker_wage_targets"]
