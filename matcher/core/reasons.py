"""Reason records: the one rule that says which dimensions of a pair fit, and the codes that say why.

The core never writes a sentence. An explained pair (:class:`matcher.core.Match`)
carries

``verdicts``
    ``{"fit": [dim, ...], "gap": [dim, ...], "priority": bool}`` — the
    per-dimension verdict of :func:`verdict_codes`, the one rule shared by the
    explanation and the nightly batch's ``reason`` column.
``reasons``
    ``{"fits": [record, ...], "gaps": [record, ...], "fixes": [record, ...]}``
    where a record is a plain dict: ``{"code": ..., "dim": ..., **parameters}``.

Faces turn records into text in Chinese or English with
:func:`matcher.render.reasons.render_reasons`; the JSON output keeps the codes.

The rule
    A dimension with evidence *fits* when its raw score (its component, in
    [0, 1]) is at least ``fit_at`` and is a *gap* when it is below ``gap_at``
    (``settings.reasons.fit_at`` = 0.75 and ``settings.reasons.gap_at`` = 0.5
    by default). A dimension without evidence is neither. ``priority`` is set
    when the pair's priority contribution is positive. Records are placed by
    the verdict of their dimension: a fitting dimension shows only what fits
    (never a gap or a fix), a gap dimension only what is missing and what
    would fix it, and a dimension in between (or without evidence) shows
    both. A fitting or gap dimension always has at least one record in its
    list (``dim_fit`` / ``dim_gap`` when nothing more specific applies), so
    the verdicts can be read off the records too. Records without a ``dim``
    (``wage_below_minimum``, ``permit_missing``) are facts shown whatever the
    verdict. A record with ``"severity": "blocker"`` (``permit_missing``: a
    certificate the post requires, which only a certificate satisfies, see
    :mod:`matcher.core.certificates`) is one the seeker cannot take the post
    without; faces show it first and in red.

Codes and their parameters (``dim`` is the dimension a record belongs to;
wages are yuan per month; education levels and districts are the canonical
Chinese names of the vocabulary; skills, titles and courses are as the data
wrote them):

=========================  ==========  ====  ==================================================
code                       dim         list  parameters
=========================  ==========  ====  ==================================================
skills_matched             skills      fits  items: [{skill, matched_by}] (required skills and
                                             certificates covered, up to 4; matched_by is the
                                             seeker's own item)
skills_preferred           skills      fits  skills: [str] (preferred skills covered, up to 3)
occupation_title           occupation  fits  title (the seeker's closest experience/desired title)
occupation_text            occupation  fits  (profile text close to the post)
education_none_required    education   fits
education_meets            education   fits  required, have
wage_meets                 wage        fits  offered (at wage.basis), expected, offered_min,
                                             offered_max, basis
wage_close                 wage        fits  gap_yuan (offer at wage.basis below expectation,
                                             within the fit band), offered_min, offered_max,
                                             expected, basis
place_same                 place       fits  district (the post's)
place_adjacent             place       fits  district
lodging                    place       fits  (board and lodging provided)
shift_accepted             conditions  fits
insurance                  conditions  fits  (social insurance paid)
priority_boost             priority    fits  groups: [group code], boost
fair_promoted              priority    fits  (moved up by the minimum-share rule)
dim_fit                    any         fits  (the dimension fits; nothing more specific)
permit_missing             (none)      gaps  permit, course (a course leading to it, or None),
                                             severity ("blocker"): a certificate the post requires
                                             and the seeker does not hold (a skill never counts)
skill_missing              skills      gaps  skill, course (a training course for it, or None)
education_one_short        education   gaps  required, have
education_far_short        education   gaps  required, have, levels
education_unknown          education   gaps  required (seeker's level not recorded)
wage_below                 wage        gaps  gap_yuan (at wage.basis), offered_min, offered_max,
                                             expected, basis (offered_min/max None when the post
                                             states one end only)
wage_negotiable            wage        gaps  (面议: to be confirmed)
wage_below_minimum         (none)      gaps  minimum (offer under the local minimum wage)
place_far                  place       gaps  district, relation ("city" or "outside")
shift_conflict             conditions  gaps  (shift work, seeker refuses it)
no_insurance               conditions  gaps
dim_gap                    any         gaps  (the dimension is a gap; nothing more specific)
skill_learn                skills      fixes skill (a missing skill with no course)
education_up               education   fixes level (one level up)
education_record           education   fixes (record the seeker's education)
wage_talk                  wage        fixes gap_yuan
lodging_ask                place       fixes (ask for lodging, or look nearer)
shift_talk                 conditions  fixes
course                     (none)      fixes skill, course, score_after — added by
                                             :func:`matcher.report.counterfactual.course_fixes`
                                             only where re-scoring
                                             the seeker with the skill makes this post a good
                                             match (the core never suggests a course itself)
outcome_stay               outcome     fits  share (% of similar job spells still running at 180
                                             days, rounded to 5), n_similar (how many), basis
                                             (occupation: same occupation group and condition
                                             gaps; conditions: same gaps, all posts; model: fewer
                                             than min_similar, share is the model's estimate),
                                             group, group_name, gaps, min_similar, model_share,
                                             p_hire — added by :mod:`matcher.outcomes.rank` when
                                             an outcome model is in use (among the gaps when
                                             share < 50)
outcome_risk               outcome     gaps  risk (a feature that shortens jobs like this one:
                                             wage_short_k, shift_conflict, no_insurance, …)
=========================  ==========  ====  ==================================================

:data:`CODES` holds the same table as data (code → (list, parameter names)).
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from matcher.core.settings import DIMENSIONS

PRIORITY = "priority"
#: Default thresholds (``settings.reasons.fit_at`` / ``gap_at``).
FIT_AT = 0.75
GAP_AT = 0.5

#: code → (list it appears in, parameter names other than ``dim``).
CODES: dict[str, tuple[str, tuple[str, ...]]] = {
    "skills_matched": ("fits", ("items",)),
    "skills_preferred": ("fits", ("skills",)),
    "occupation_title": ("fits", ("title",)),
    "occupation_text": ("fits", ()),
    "education_none_required": ("fits", ()),
    "education_meets": ("fits", ("required", "have")),
    "wage_meets": ("fits", ("offered", "expected", "offered_min", "offered_max", "basis")),
    "wage_close": ("fits", ("gap_yuan", "offered_min", "offered_max", "expected", "basis")),
    "place_same": ("fits", ("district",)),
    "place_adjacent": ("fits", ("district",)),
    "lodging": ("fits", ()),
    "shift_accepted": ("fits", ()),
    "insurance": ("fits", ()),
    "priority_boost": ("fits", ("groups", "boost")),
    "fair_promoted": ("fits", ()),
    "dim_fit": ("fits", ()),
    "permit_missing": ("gaps", ("permit", "course", "severity")),
    "skill_missing": ("gaps", ("skill", "course")),
    "education_one_short": ("gaps", ("required", "have")),
    "education_far_short": ("gaps", ("required", "have", "levels")),
    "education_unknown": ("gaps", ("required",)),
    "wage_below": ("gaps", ("gap_yuan", "offered_min", "offered_max", "expected", "basis")),
    "wage_negotiable": ("gaps", ()),
    "wage_below_minimum": ("gaps", ("minimum",)),
    "place_far": ("gaps", ("district", "relation")),
    "shift_conflict": ("gaps", ()),
    "no_insurance": ("gaps", ()),
    "dim_gap": ("gaps", ()),
    "skill_learn": ("fixes", ("skill",)),
    "education_up": ("fixes", ("level",)),
    "education_record": ("fixes", ()),
    "wage_talk": ("fixes", ("gap_yuan",)),
    "lodging_ask": ("fixes", ()),
    "shift_talk": ("fixes", ()),
    "course": ("fixes", ("skill", "course", "score_after")),
    "outcome_stay": ("fits", ("share", "p_hire", "n_similar", "basis", "group", "group_name", "gaps",
                              "min_similar", "model_share")),
    "outcome_risk": ("gaps", ("risk",)),
}


def thresholds(settings: Any) -> tuple[float, float]:
    """(fit_at, gap_at) from ``settings.reasons`` (defaults 0.75 and 0.5 when the settings have no such key)."""
    r = getattr(settings, "reasons", None)
    return float(getattr(r, "fit_at", FIT_AT)), float(getattr(r, "gap_at", GAP_AT))


def verdict_codes(components: Mapping[str, Any], evidence: Mapping[str, Any], contributions: Mapping[str, Any],
                  fit_at: float = FIT_AT, gap_at: float = GAP_AT) -> np.ndarray:
    """The rule, vectorised: one int64 code per pair.

    Bit ``i`` is set when dimension ``DIMENSIONS[i]`` fits, bit ``i + n``
    when it is a gap (n = len(DIMENSIONS)), bit ``2n`` when the priority
    contribution is positive. Dimensions missing from ``components`` or
    ``evidence`` count as without evidence; NaN components never fit and are
    never gaps. Decode with :func:`decode_verdicts`.
    """
    n_dims = len(DIMENSIONS)
    arrays = [np.asarray(v) for v in (*components.values(), *contributions.values())]
    n = len(arrays[0]) if arrays else 0
    code = np.zeros(n, np.int64)
    with np.errstate(invalid="ignore"):
        for i, d in enumerate(DIMENSIONS):
            if d not in components or d not in evidence:
                continue
            c = np.asarray(components[d], np.float64)
            e = np.asarray(evidence[d], bool)
            code |= (e & (c >= fit_at)).astype(np.int64) << i
            code |= (e & (c < gap_at)).astype(np.int64) << (i + n_dims)
    if PRIORITY in contributions:
        code |= (np.asarray(contributions[PRIORITY], np.float64) > 0).astype(np.int64) << (2 * n_dims)
    return code


def decode_verdicts(code: int) -> dict[str, Any]:
    """``{"fit": [dim], "gap": [dim], "priority": bool}`` of one :func:`verdict_codes` code (dims in order)."""
    code = int(code)
    n_dims = len(DIMENSIONS)
    return {"fit": [d for i, d in enumerate(DIMENSIONS) if code >> i & 1],
            "gap": [d for i, d in enumerate(DIMENSIONS) if code >> (i + n_dims) & 1],
            "priority": bool(code >> (2 * n_dims) & 1)}


def pair_verdicts(components: Mapping[str, float | None], evidence: Mapping[str, bool],
                  contributions: Mapping[str, float], settings: Any) -> dict[str, Any]:
    """The verdicts of one pair from its record values (None components = no evidence)."""
    fit_at, gap_at = thresholds(settings)
    comp = {d: np.array([np.nan if v is None else float(v)]) for d, v in components.items()}
    ev = {d: np.array([bool(v)]) for d, v in evidence.items()}
    con = {d: np.array([float(v)]) for d, v in contributions.items()}
    return decode_verdicts(int(verdict_codes(comp, ev, con, fit_at, gap_at)[0]))


def place(records: dict[str, list[dict[str, Any]]], verdicts: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Apply the placement rule (module docstring) to candidate records; returns the final three lists.

    ``records`` holds every candidate record by list; a record of a fitting
    dimension survives only in ``fits``, of a gap dimension only in
    ``gaps``/``fixes``; a fitting (gap) dimension left without a record gets
    ``dim_fit`` (``dim_gap``). Order within a list is kept; fallbacks come
    after the specific records, in dimension order.
    """
    fit, gap = set(verdicts.get("fit", ())), set(verdicts.get("gap", ()))
    out: dict[str, list[dict[str, Any]]] = {"fits": [], "gaps": [], "fixes": []}
    for key in ("fits", "gaps", "fixes"):
        for r in records.get(key, ()):
            d = r.get("dim")
            if (key == "fits" and d in gap) or (key != "fits" and d in fit):
                continue
            out[key].append(r)
    have = {key: {r.get("dim") for r in out[key]} for key in ("fits", "gaps")}
    for d in DIMENSIONS:
        if d in fit and d not in have["fits"]:
            out["fits"].append({"code": "dim_fit", "dim": d})
        if d in gap and d not in have["gaps"]:
            out["gaps"].append({"code": "dim_gap", "dim": d})
    return out


__all__ = ["CODES", "FIT_AT", "GAP_AT", "thresholds", "verdict_codes", "decode_verdicts", "pair_verdicts", "place"]
