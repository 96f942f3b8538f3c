"""Counterfactuals computed by re-scoring: training that unlocks work, and wage conversations.

Nothing here is estimated from rules of thumb: every figure is the count of
good matches (score >= ``threshold``) after actually changing one input and
scoring again with the same settings.

Training (:func:`training_suggestions`, :func:`evaluate_training`)
    For a seeker, each candidate lexicon skill that has a training course is
    appended (by its canonical Chinese name) to the seeker's ``skills``; the
    modified profiles and the unchanged one are refitted together with the
    fitted matcher's own collaborators (skill normaliser, occupation coder and
    proximity, district relation — injected, not refitted) and scored against
    the seeker's *reachable* posts: open posts where the current score, or
    the score with the skills dimension fully met
    (:func:`~matcher.report.scoring.score_if_met`), is at least
    ``threshold - margin``. A post outside that set cannot become a good match
    by adding a skill (``margin`` = 0.05 allows for the profile text changing
    with the new skill). Candidate skills are those linked (similarity >=
    ``skills.match_threshold``) to an item a reachable post lists and that the
    seeker does not already have; the ``max_candidates`` linked to the most
    reachable posts are scored. ``good_before`` and ``good_after`` both come
    from the same refit, so the gain compares like with like (text weights
    are re-estimated on the refit population, so ``good_before`` can differ
    slightly from the city-wide list).

    The same rows drive the seeker page's training box, the match list's
    ``course`` fixes (:func:`course_fixes`) and the report's training
    section: one counterfactual, one rule.

Wages (:func:`post_wage_targets`, :func:`seeker_wage_targets`)
    The offered wage (top of range) of a post, or the expected wage (bottom
    of range) of a seeker, is changed and the pairs are re-scored; a bisection
    over whole yuan finds the smallest offer at which the post has ``target``
    good candidates, or the largest expectation at which the seeker has one
    good match. Only pairs whose score with the wage fully met reaches the
    threshold can change, and every seeker (every open post) is considered,
    not only the candidate pool.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from matcher.core import Matcher
from matcher.errors import MatcherError, UnknownIdError
from matcher.report.analysis import good_cut, seeker_group_lists
from matcher.report.scoring import grid_scores, open_vacancies, score_if_met

SEP = "||"


# ----------------------------------------------------------------- helpers
def _positions(ids: Iterable[str], lookup: dict[str, int], what: str) -> np.ndarray:
    out = []
    for x in ids:
        p = lookup.get(str(x))
        if p is None:
            raise UnknownIdError(f"Unknown {what} '{x}': not among the {len(lookup)} fitted {what}s.")
        out.append(p)
    return np.asarray(out, dtype=np.int64)


def _lexicon_courses(courses: Iterable[str] | None):
    from matcher.skills.lexicon import load_lexicon
    lex = load_lexicon()
    wanted = None if courses is None else {str(c).strip() for c in courses}
    ids = [s for s in lex.ids if lex.course.get(s) and (wanted is None or lex.course[s] in wanted)]
    if wanted is not None and not ids:
        known = sorted({c for c in lex.course.values() if c})
        raise MatcherError(f"None of the courses {sorted(wanted)} is in the skill lexicon; known courses include "
                           f"{known[:12]} …")
    return lex, ids


def _skill_links(matcher, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(skills × vacancies) bool: a post lists an item this skill covers; (seekers × skills) bool: has it."""
    F = matcher.features_
    norm = matcher.resources_.skill_normaliser
    thr = matcher.settings.skills.match_threshold
    nk = len(names)
    if F.vacancy_items and nk:
        sim_v = norm.similarity_matrix(names, list(F.vacancy_items))
        kv = ((sim_v >= thr).astype(float) @ F.vall) > 0
        kv = np.asarray(kv.todense() if hasattr(kv, "todense") else kv, dtype=bool)
    else:
        kv = np.zeros((nk, F.n_vacancies), dtype=bool)
    if F.seeker_items and nk:
        sim_s = norm.similarity_matrix(list(F.seeker_items), names)
        has = (F.S @ (sim_s >= thr).astype(float)) > 0
        has = np.asarray(has.todense() if hasattr(has, "todense") else has, dtype=bool)
    else:
        has = np.zeros((F.n_seekers, nk), dtype=bool)
    return kv, has


def _refit(matcher, seekers: pd.DataFrame, vacancies: pd.DataFrame) -> Matcher:
    r = matcher.resources_
    return Matcher(matcher.settings, skill_normaliser=r.skill_normaliser, occupation_coder=r.occupation_coder,
                   occupation_proximity=r.occupation_proximity, district_relation=r.district_relation
                   ).fit(seekers, vacancies)


# ---------------------------------------------------------------- training
def evaluate_training(matcher, seeker_ids: Iterable[str], courses: Iterable[str] | None = None,
                      threshold: float | None = None, max_candidates: int = 8, margin: float = 0.05,
                      chunk: int = 250) -> pd.DataFrame:
    """Every scored (seeker, candidate skill) pair: good matches before and after adding the skill.

    Columns: seeker_id, skill_id, skill (Chinese name), course, good_before,
    good_after, gain, new_vacancy_ids (list, up to 5), lifted (dict: every
    post that becomes a good match → its score with the skill). Seekers with no
    reachable post or no candidate skill have no rows. See the module
    docstring for the method. Raises :class:`UnknownIdError` for an unknown
    seeker id and :class:`MatcherError` when ``courses`` names no known course.
    """
    F = matcher.features_
    threshold = good_cut(matcher, threshold)
    st = matcher.settings
    lex, kids = _lexicon_courses(courses)
    names = [lex.name_zh[k] for k in kids]
    pos = _positions(seeker_ids, {s: i for i, s in enumerate(F.seeker_ids.tolist())}, "seeker")
    cols = ["seeker_id", "skill_id", "skill", "course", "good_before", "good_after", "gain", "new_vacancy_ids",
            "lifted"]
    open_idx = np.flatnonzero(open_vacancies(matcher))
    if len(pos) == 0 or len(open_idx) == 0 or not kids:
        return pd.DataFrame(columns=cols)
    kv, has = _skill_links(matcher, names)
    v_items = np.asarray(F.has_req | F.has_pref | F.has_cert, dtype=bool)
    rows = []
    for lo in range(0, len(pos), chunk):
        block = pos[lo:lo + chunk]
        sc = grid_scores(matcher, block, open_idx, dense=True)
        ub = score_if_met(sc, "skills", st.weights, v_items[open_idx][None, :])
        reach = (ub >= threshold - margin) | (sc.score >= threshold - margin)
        plans: list[tuple[int, np.ndarray, list[int]]] = []
        for r, s in enumerate(block):
            rv = open_idx[reach[r]]
            if len(rv) == 0:
                continue
            rel = kv[:, rv].sum(axis=1)
            rel[has[s]] = 0
            cand = np.flatnonzero(rel > 0)
            if len(cand) == 0:
                continue
            cand = cand[np.lexsort((cand, -rel[cand]))][:max_candidates]
            plans.append((int(s), rv, cand.tolist()))
        if not plans:
            continue
        base = matcher.seekers_.iloc[[p[0] for p in plans]].reset_index(drop=True)
        frames = []
        for i, (s, _, cand) in enumerate(plans):
            sid = str(F.seeker_ids[s])
            row = base.iloc[[i] * (len(cand) + 1)].copy()
            skills = list(row.iloc[0]["skills"]) if isinstance(row.iloc[0].get("skills"), (list, tuple)) else []
            row["seeker_id"] = [f"{sid}{SEP}"] + [f"{sid}{SEP}{kids[k]}" for k in cand]
            row["skills"] = [skills] + [skills + [names[k]] for k in cand]
            frames.append(row)
        pseudo = pd.concat(frames, ignore_index=True)
        vac_union = np.unique(np.concatenate([p[1] for p in plans]))
        m2 = _refit(matcher, pseudo, matcher.vacancies_.iloc[vac_union])
        vid_union = F.vacancy_ids[vac_union].astype(str)
        ptr = 0
        for s, rv, cand in plans:
            n_rows = len(cand) + 1
            col = np.searchsorted(vac_union, rv)
            scores = m2.score_block(np.arange(ptr, ptr + n_rows), col)
            ptr += n_rows
            good = scores >= threshold
            before = int(good[0].sum())
            sid = str(F.seeker_ids[s])
            for j, k in enumerate(cand, start=1):
                after = int(good[j].sum())
                up = good[j] & ~good[0]
                lifted = dict(zip(vid_union[col[up]].tolist(), np.round(scores[j][up].astype(float), 4).tolist()))
                rows.append((sid, kids[k], names[k], lex.course[kids[k]], before, after, after - before,
                             list(lifted)[:5], lifted))
    return pd.DataFrame(rows, columns=cols)


def training_suggestions(matcher, seeker_ids: Iterable[str], courses: Iterable[str] | None = None,
                         threshold: float | None = None, top: int = 2, max_candidates: int = 8,
                         evaluated: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``top`` skills (with their course) that raise each seeker's good matches the most.

    Pure: ``matcher`` is a fitted :class:`~matcher.core.Matcher`;
    ``seeker_ids`` any iterable of ids; ``courses`` restricts to these course
    names (e.g. ``["焊工", "电工"]``), None = every course in the lexicon.
    Returns one row per suggestion, best first per seeker, only skills with a
    positive gain: seeker_id, rank, skill_id, skill, course, good_before,
    good_after, gain, new_vacancy_ids, lifted. Ties go to the more specific skill
    (fewer reachable links), then lexicon order. Pass ``evaluated`` (from
    :func:`evaluate_training`) to reuse a computation.
    """
    threshold = good_cut(matcher, threshold)
    ev = evaluated if evaluated is not None else evaluate_training(
        matcher, seeker_ids, courses, threshold=threshold, max_candidates=max_candidates)
    ev = ev[ev["gain"] > 0].copy()
    if ev.empty:
        return pd.DataFrame(columns=["seeker_id", "rank", "skill_id", "skill", "course", "good_before",
                                     "good_after", "gain", "new_vacancy_ids", "lifted"])
    ev["_order"] = np.arange(len(ev))
    ev = ev.sort_values(["seeker_id", "gain", "_order"], ascending=[True, False, True])
    # one suggestion per course per seeker: two skills of the same course are one training
    ev = ev.drop_duplicates(["seeker_id", "course"])
    ev["rank"] = ev.groupby("seeker_id").cumcount() + 1
    ev = ev[ev["rank"] <= top]
    return ev[["seeker_id", "rank", "skill_id", "skill", "course", "good_before", "good_after", "gain",
               "new_vacancy_ids", "lifted"]].reset_index(drop=True)


def course_fixes(matches: list[dict], suggestions: Iterable[dict], threshold: float) -> list[dict]:
    """The match list with the training counterfactual's course suggestions added as ``course`` fixes.

    ``matches`` are ``Match.to_dict()`` records of one seeker;
    ``suggestions`` that seeker's rows of :func:`training_suggestions` as
    dicts (they need ``skill``, ``course`` and ``lifted``). A match gets
    ``{"code": "course", "skill", "course", "score_after"}`` in its
    ``reasons["fixes"]`` exactly when a suggested course makes that post a
    good match (it is in the course's ``lifted`` posts) and the match is not
    good already — the same rule and the same computation as the suggestion
    list, so the two cannot disagree: every course a match suggests is in the
    suggestion list, and every suggested course appears on each listed post it
    turns into a good match. The core never suggests a course itself (a
    missing skill's course is only a parameter of its ``skill_missing``
    record). Returns new dicts; the inputs are not changed.
    """
    rows = list(suggestions)
    out = []
    for m in matches:
        vid = str(m.get("vacancy_id"))
        add = [{"code": "course", "skill": r["skill"], "course": r["course"],
                "score_after": float((r.get("lifted") or {})[vid])}
               for r in rows if vid in (r.get("lifted") or {}) and float(m.get("score", 0.0)) < threshold]
        if add:
            reasons = dict(m.get("reasons") or {})
            reasons["fixes"] = list(reasons.get("fixes") or []) + add
            m = {**m, "reasons": reasons}
        out.append(m)
    return out


def course_impact(matcher, evaluated: pd.DataFrame) -> pd.DataFrame:
    """City-wide value of each course, per priority group, from :func:`evaluate_training` rows.

    For each seeker and course the best skill of the course counts. Columns:
    course, group (``all``, each priority code, ``none``), seekers_unlocked
    (had no good match, would have at least one), seekers_helped (any gain),
    new_matches (sum of gains). Sorted by seekers_unlocked of ``all``.
    """
    from matcher.report.analysis import REPORT_GROUPS
    cols = ["course", "group", "seekers_unlocked", "seekers_helped", "new_matches"]
    if evaluated.empty:
        return pd.DataFrame(columns=cols)
    best = evaluated.sort_values("gain", ascending=False).drop_duplicates(["seeker_id", "course"])
    pos = {s: i for i, s in enumerate(matcher.features_.seeker_ids.tolist())}
    groups = seeker_group_lists(matcher)
    best = best.assign(groups=[set(groups[pos[s]]) & set(REPORT_GROUPS) for s in best["seeker_id"]])
    best["unlocked"] = (best["good_before"] == 0) & (best["good_after"] > 0)
    best["helped"] = best["gain"] > 0
    rows = []
    for course, sub in best.groupby("course"):
        sets = {"all": sub, "none": sub[sub["groups"].map(len) == 0]}
        for g in REPORT_GROUPS:
            sets[g] = sub[sub["groups"].map(lambda x, g=g: g in x)]
        for g, part in sets.items():
            rows.append((course, g, int(part["unlocked"].sum()), int(part["helped"].sum()),
                         int(part["gain"].clip(lower=0).sum())))
    out = pd.DataFrame(rows, columns=cols)
    rank = out[out["group"] == "all"].sort_values(["seekers_unlocked", "new_matches", "course"],
                                                   ascending=[False, False, True])["course"].tolist()
    out["_r"] = out["course"].map({c: i for i, c in enumerate(rank)})
    return out.sort_values(["_r", "group"]).drop(columns="_r").reset_index(drop=True)


# ------------------------------------------------------------------- wages
def _bisect(lo: np.ndarray, hi: np.ndarray, ok_at) -> np.ndarray:
    """Smallest integer x in (lo, hi] with ok_at(x) True, per element (ok_at(hi) must be True)."""
    lo = np.floor(lo).astype(np.int64)
    hi = np.ceil(hi).astype(np.int64)
    while np.any(hi - lo > 1):
        mid = (lo + hi) // 2
        act = hi - lo > 1
        good = ok_at(np.where(act, mid, hi))
        hi = np.where(act & good, mid, hi)
        lo = np.where(act & ~good, mid, lo)
    return hi


def post_wage_targets(matcher, vacancy_ids: Iterable[str], target: int = 3,
                      threshold: float | None = None, chunk: int = 2000) -> pd.DataFrame:
    """The offered wage (yuan/month, top of range) at which each post reaches ``target`` good candidates.

    Columns: vacancy_id, offer (current), good_now, reachable (good
    candidates at the highest wage any candidate expects), wage_needed (NaN
    when ``target`` cannot be reached by pay alone, or the offer is
    unknown / 面议), raise_pct. Every seeker is considered.
    """
    F = matcher.features_
    threshold = good_cut(matcher, threshold)
    st = matcher.settings
    vpos = _positions(vacancy_ids, {v: i for i, v in enumerate(F.vacancy_ids.tolist())}, "vacancy")
    cols = ["vacancy_id", "offer", "good_now", "reachable", "wage_needed", "raise_pct"]
    if len(vpos) == 0:
        return pd.DataFrame(columns=cols)
    ss, vv, sc_now = [], [], []
    good_now = np.zeros(len(vpos), dtype=np.int64)
    for lo in range(0, F.n_seekers, chunk):
        a = np.arange(lo, min(F.n_seekers, lo + chunk))
        sc = grid_scores(matcher, a, vpos, dense=True)
        good_now += (sc.score >= threshold).sum(axis=0)
        can = score_if_met(sc, "wage", st.weights) >= threshold
        can &= sc.evidence["wage"] & (sc.score < threshold)
        r, c = np.nonzero(can)
        ss.append(a[r])
        vv.append(c)
        sc_now.append(sc.score[r, c])
    s_p = np.concatenate(ss)
    v_l = np.concatenate(vv)
    need = np.maximum(target - good_now, 0)
    offer = F.woff[vpos]
    reach = good_now + np.bincount(v_l, minlength=len(vpos))
    wexp = F.wexp[s_p]
    hi = np.full(len(vpos), np.nan)
    if len(s_p):
        mx = pd.Series(wexp).groupby(v_l).max()
        hi[mx.index.to_numpy()] = mx.to_numpy()
    feasible = (need > 0) & (reach >= target) & ~np.isnan(offer)
    result = np.where(need == 0, offer, np.nan)
    idx = np.flatnonzero(feasible)
    if len(idx):
        sel = np.isin(v_l, idx)
        sp_, vl_ = s_p[sel], v_l[sel]
        local = np.searchsorted(idx, vl_)

        def ok_at(x: np.ndarray) -> np.ndarray:
            woff = F.woff.copy()
            woff[vpos[idx]] = x
            new = grid_scores(matcher, sp_, vpos[vl_], woff=woff).score >= threshold
            got = np.bincount(local, weights=new, minlength=len(idx))
            return good_now[idx] + got >= target
        result[idx] = _bisect(offer[idx], np.maximum(hi[idx], offer[idx] + 1), ok_at)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = (result - offer) / offer * 100
    return pd.DataFrame({"vacancy_id": F.vacancy_ids[vpos].astype(str), "offer": offer, "good_now": good_now,
                         "reachable": reach, "wage_needed": result, "raise_pct": pct}, columns=cols)


def seeker_wage_targets(matcher, seeker_ids: Iterable[str], threshold: float | None = None,
                        chunk: int = 500) -> pd.DataFrame:
    """The expected wage (yuan/month, bottom of range) at which each seeker would have a good match.

    Columns: seeker_id, expected (current), good_now, expectation_needed
    (largest whole-yuan expectation giving at least one good match; NaN when
    pay alone cannot give one or the expectation is unknown / 面议), cut_pct,
    below_minimum_wage (the needed expectation is under
    ``settings.minimum_wage``). Every open post is considered.
    """
    F = matcher.features_
    threshold = good_cut(matcher, threshold)
    st = matcher.settings
    spos = _positions(seeker_ids, {s: i for i, s in enumerate(F.seeker_ids.tolist())}, "seeker")
    cols = ["seeker_id", "expected", "good_now", "expectation_needed", "cut_pct", "below_minimum_wage"]
    open_idx = np.flatnonzero(open_vacancies(matcher))
    if len(spos) == 0:
        return pd.DataFrame(columns=cols)
    ss, vv = [], []
    good_now = np.zeros(len(spos), dtype=np.int64)
    for lo in range(0, len(spos), chunk):
        a = spos[lo:lo + chunk]
        sc = grid_scores(matcher, a, open_idx, dense=True)
        good_now[lo:lo + chunk] = (sc.score >= threshold).sum(axis=1)
        can = (score_if_met(sc, "wage", st.weights) >= threshold) & sc.evidence["wage"] & (sc.score < threshold)
        r, c = np.nonzero(can)
        ss.append(r + lo)
        vv.append(open_idx[c])
    s_l = np.concatenate(ss) if ss else np.zeros(0, np.int64)
    v_p = np.concatenate(vv) if vv else np.zeros(0, np.int64)
    expected = F.wexp[spos]
    has = np.bincount(s_l, minlength=len(spos)) > 0
    result = np.where(good_now > 0, expected, np.nan)
    idx = np.flatnonzero((good_now == 0) & has & ~np.isnan(expected))
    if len(idx):
        sel = np.isin(s_l, idx)
        sl_, vp_ = s_l[sel], v_p[sel]
        local = np.full(len(spos), -1)
        local[idx] = np.arange(len(idx))
        lowest = pd.Series(F.woff[vp_]).groupby(sl_).min().reindex(idx).to_numpy()

        # search over the cut c = expected - e (smallest cut that gives a match)
        def ok_at(cut: np.ndarray) -> np.ndarray:
            wexp = F.wexp.copy()
            wexp[spos[idx]] = expected[idx] - cut
            new = grid_scores(matcher, spos[sl_], vp_, wexp=wexp).score >= threshold
            return np.bincount(local[sl_], weights=new, minlength=len(idx)) > 0
        max_cut = np.maximum(expected[idx] - np.floor(lowest), 1)
        cut = _bisect(np.zeros(len(idx)), max_cut, ok_at)
        result[idx] = expected[idx] - cut
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = (expected - result) / expected * 100
    return pd.DataFrame({"seeker_id": F.seeker_ids[spos].astype(str), "expected": expected, "good_now": good_now,
                         "expectation_needed": result, "cut_pct": pct,
                         "below_minimum_wage": result < st.minimum_wage}, columns=cols)


__all__ = ["evaluate_training", "training_suggestions", "course_fixes", "course_impact", "post_wage_targets",
           "seeker_wage_targets"]
