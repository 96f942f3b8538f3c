"""Assemble the city mismatch report: run every analysis and counterfactual, time each step.

:func:`build_report` is pure (a fitted matcher and optional batch lists in,
a dict of DataFrames and figures out); the command and the web UI call it
and hand the result to :func:`matcher.report.render.render_html`.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from matcher.errors import MatcherError
from matcher.report import analysis as A
from matcher.report import counterfactual as C
from matcher.report.pool import Pool, pool_from_lists, pool_from_scoring
from matcher.report.scoring import open_vacancies, openings_left


@dataclass
class ReportOptions:
    """Knobs of the report (all documented in the report's method section).

    threshold: score of a good match. few: a post is short of candidates
    below max(few, openings) good ones. weak: a seeker is weakly matched
    below this many good posts (0 = unmatched). top_k: list length of the
    candidate pool when no batch is given (None: the settings' ``top_k``). wage_target: good candidates a
    post's wage should reach. market_ratio: "far below market" = offer below
    this × the group's median offer. training_sample: at most this many
    unmatched/weak seekers are re-scored for training (a fixed-seed random
    sample when there are more; the course totals are then scaled up and
    marked as estimates). courses: restrict training to these courses.
    """

    threshold: float | None = None
    few: int = 3
    weak: int = 3
    top_k: int | None = None
    wage_target: int = 3
    market_ratio: float = 0.7
    training_sample: int = 2000
    courses: list[str] | None = None
    max_wage_posts: int = 2000
    max_wage_seekers: int = 5000
    seed: int = 0
    charts: bool = True
    lang: str = "both"

    def resolved(self, settings) -> "ReportOptions":
        """A copy with ``threshold`` and ``top_k`` taken from ``settings`` where not given."""
        import dataclasses

        return dataclasses.replace(
            self, threshold=float(settings.good_score if self.threshold is None else self.threshold),
            top_k=int(settings.top_k if self.top_k is None else self.top_k))

    def validate(self) -> None:
        """Raise :class:`MatcherError` naming a bad option."""
        if self.threshold is not None and not 0 < self.threshold <= 1.5:
            raise MatcherError(f"threshold must be in (0, 1.5], got {self.threshold!r}.")
        for k in ("few", "weak", "top_k", "wage_target"):
            if getattr(self, k) is not None and int(getattr(self, k)) < 1:
                raise MatcherError(f"{k} must be >= 1, got {getattr(self, k)!r}.")
        if self.training_sample < 0:
            raise MatcherError(f"training_sample must be >= 0, got {self.training_sample!r}.")
        if self.lang not in ("zh", "en", "both"):
            raise MatcherError(f"lang must be zh, en or both, got {self.lang!r}.")


def build_report(matcher, options: ReportOptions | None = None,
                 batch_lists: tuple[pd.DataFrame, pd.DataFrame] | None = None,
                 market_meta: dict[str, Any] | None = None,
                 outcomes: pd.DataFrame | None = None) -> dict[str, Any]:
    """Every section of the report as plain data (see :mod:`matcher.report.analysis` for definitions).

    ``batch_lists`` are the batch's (seeker_matches, vacancy_matches) tables;
    without them the candidate pool is scored here. Returns a dict with
    ``meta`` (counts, options, settings extract, timings in seconds), the
    tables, and ``charts`` (data URIs, or None when a chart has no data).
    ``matcher`` is the fitted matcher of a :class:`matcher.market.Market`
    (built or loaded); ``market_meta`` what the face knows of that market
    (``source``, input files and checksums), recorded in ``meta["market"]``.
    The good-match cut and the pool's list length default to the settings'
    ``good_score`` and ``top_k``; open posts and openings are the core's.
    ``outcomes`` (an accepted outcome event log) adds ``retention``, the
    "unstable re-employment" section (:mod:`matcher.report.retention`).
    """
    opt = (options or ReportOptions()).resolved(matcher.settings)
    opt.validate()
    T: dict[str, float] = {}
    t0 = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        T[name] = round(now - t0, 3)
        t0 = now
    F = matcher.features_
    pool: Pool = pool_from_lists(matcher, *batch_lists) if batch_lists is not None else pool_from_scoring(
        matcher, k=opt.top_k)
    lap("pool")
    pt = A.score_pool(matcher, pool, opt.threshold)
    lap("score_pool")
    wa = A.seeker_groups(matcher)
    sd = A.supply_demand(matcher, pt, wa)
    lap("supply_demand")
    posts = A.unfilled_posts(matcher, pt, opt.few)
    seekers = A.unmatched_seekers(matcher, pt, opt.weak)
    sizes = A.group_sizes(matcher)
    by_group = A.causes_by_group(seekers, sizes, "unmatched")
    lap("causes")
    wp = A.wage_picture(matcher, wa)
    groups = wp.head(10)["group"].tolist()
    samples = A.wage_samples(matcher, groups, wa)
    low = A.low_pay_posts(matcher, opt.market_ratio)
    edu = A.education_barriers(matcher, pt)
    comp = A.compliance(matcher, pt)
    lap("wages_education_compliance")

    # training: unmatched and weakly matched seekers (sampled when many)
    targets = seekers["seeker_id"].tolist()
    rng = np.random.default_rng(opt.seed)
    sampled = targets
    if opt.training_sample and len(targets) > opt.training_sample:
        sampled = sorted(rng.choice(np.asarray(targets, dtype=object), opt.training_sample, replace=False).tolist())
    elif opt.training_sample == 0:
        sampled = []
    ev = C.evaluate_training(matcher, sampled, opt.courses, threshold=opt.threshold)
    sugg = C.training_suggestions(matcher, sampled, threshold=opt.threshold, evaluated=ev)
    impact = C.course_impact(matcher, ev)
    scale = len(targets) / len(sampled) if sampled else 0.0
    lap("training")

    wage_posts = posts[(posts["binding"] == "wage") | (posts["blocked_wage"] > 0)]
    wage_posts = wage_posts[~np.isnan(F.woff[wage_posts["_pos"].to_numpy()])].head(opt.max_wage_posts)
    pw = C.post_wage_targets(matcher, wage_posts["vacancy_id"].tolist(), opt.wage_target, opt.threshold)
    un = seekers[(seekers["status"] == "unmatched") & ((seekers["binding"] == "wage") | (seekers["blocked_wage"] > 0))]
    un = un[~np.isnan(F.wexp[un["_pos"].to_numpy()])].head(opt.max_wage_seekers)
    sw = C.seeker_wage_targets(matcher, un["seeker_id"].tolist(), opt.threshold)
    lap("wage_counterfactuals")

    open_mask = open_vacancies(matcher)
    meta = {
        "n_seekers": int(F.n_seekers), "n_vacancies": int(F.n_vacancies), "n_open": int(open_mask.sum()),
        "openings": int(openings_left(matcher)[open_mask].sum()),
        "hired": int(sum(matcher.hired_.values())),
        "market": dict(market_meta or {}),
        "n_unmatched": int((seekers["status"] == "unmatched").sum()), "n_weak": int((seekers["status"] == "weak").sum()),
        "n_posts_few": int(len(posts)), "openings_few": int(posts["openings"].sum()) if len(posts) else 0,
        "pool_pairs": int(len(pool)), "pool_source": pool.source, "pool_k": int(pool.k),
        "pool_dropped": int(pool.dropped_ids),
        "training_targets": len(targets), "training_sampled": len(sampled), "training_scale": scale,
        "options": asdict(opt), "good_score": float(opt.threshold),
        "minimum_wage": float(matcher.settings.minimum_wage),
        "pass_marks": A.pass_marks(matcher.settings), "weights": dict(matcher.settings.weights),
        "reference_date": str(matcher.settings.reference_day()), "group_sizes": sizes,
        "timings": T,
    }
    out = {"meta": meta, "supply_demand": sd, "unfilled_posts": posts, "post_causes": A.cause_counts(posts),
           "post_causes_openings": A.cause_counts(posts, "openings"), "unmatched_seekers": seekers,
           "seeker_causes": A.cause_counts(seekers[seekers["status"] == "unmatched"]), "causes_by_group": by_group,
           "wage_picture": wp, "low_pay": low, "education": edu, "compliance": comp,
           "training": sugg, "training_evaluated": ev, "course_impact": impact,
           "post_wages": pw, "seeker_wages": sw, "charts": {}}
    if opt.charts:
        from matcher.report import charts as G
        lang = G.chart_language(opt.lang)
        names = dict(zip(wp["group"], wp["name"]))
        out["charts"] = {
            "supply_demand": G.supply_demand_chart(sd, lang),
            "causes": G.causes_chart(out["post_causes"], by_group, lang),
            "wages": G.wage_chart(samples, names, lang, matcher.settings.minimum_wage),
            "courses": G.course_chart(impact, lang),
        }
        meta["chart_lang"] = lang
        lap("charts")
    from matcher.outcomes.rank import attached

    meta["outcome_model"] = attached(matcher)      # None: no outcome model in use
    if outcomes is not None:
        from matcher.report import retention as R

        out["retention"] = R.analyse(outcomes, matcher.seekers_, matcher.vacancies_, matcher,
                                     extraction_date=matcher.settings.reference_day())
        lap("retention")
    meta["timings"]["total"] = round(sum(v for k, v in T.items() if k != "total"), 3)
    return out


__all__ = ["ReportOptions", "build_report"]
