"""Why posts stay unfilled and people stay unemployed: pure analyses over a fitted matcher.

Every function takes the fitted :class:`~matcher.core.Matcher` (and the
scored candidate pool, :class:`PairTable`) and returns plain DataFrames or
dicts — no I/O, no drawing. Definitions used throughout:

good match
    a pair whose total score is >= ``threshold`` (default: the settings'
    ``good_score``, shipped 0.7; on the sample market about half of the
    seekers have one, so the report separates the well-matched from the rest).
open post, openings
    the core's rule (:func:`matcher.core.matcher.open_posts`, as fitted:
    ``matcher.open_`` / ``matcher.openings_left_``): not expired at the
    reference date and openings left after recorded hires — the same counts
    as the batch, ``matcher match`` and the web overview.
pass mark
    the component value below which a dimension counts as failed
    (:func:`pass_marks`): skills, occupation, place and conditions 0.5 (a
    shift conflict scores 0.46 at most; a post outside the city 0.2),
    education the score of "over-qualified" (meets or exceeds the
    requirement passes, one level short fails), wage 0.75 (an offer more
    than ~10% under the expectation fails).
blocked by d
    a pair that is not a good match, fails dimension d's pass mark, and is
    otherwise good: the weighted mean of the OTHER dimensions (plus the
    priority boost) is >= ``threshold``, so meeting d would make it a good
    match (:func:`matcher.report.scoring.score_without`). The definition does
    not favour heavily weighted dimensions: a candidate perfect on everything
    but pay is blocked by wage whatever the wage weight. A seeker with no
    listed skills facing a post that lists some fails skills.
binding constraint
    of a post (a seeker): for each dimension d, take its ``top_n`` (10)
    candidates ranked by the OTHER dimensions (the ones that would be best if
    d did not matter) and count how many of them fail d's pass mark; the
    binding constraint is the d failed most often (ties: the larger total
    shortfall below the pass mark, then the order of :data:`CAUSES`). This is
    the survey's question "what stops the otherwise suitable people?", and it
    does not favour heavily weighted dimensions. ``several`` when none of
    those candidates fails any pass mark (every fit is middling),
    ``no_candidates`` when the pool holds no pair at all.

The candidate pool is each seeker's K best posts plus each post's K best
seekers (:mod:`matcher.report.pool`), so counts of candidates are counts
within that pool; good-match counts are exact below K.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from matcher.core.fairness import outside_window, vacancy_flags
from matcher.core.features import as_experience, as_list
from matcher.core.settings import DIMENSIONS, MatchSettings
from matcher.report.pool import Pool
from matcher.report.scoring import (Scores, grid_scores, open_vacancies, openings_left, score_if_met,
                                     score_without)

#: Causes in tie-break order: the survey's three causes first (skills/education, pay/conditions, place).
CAUSES: tuple[str, ...] = ("skills", "education", "wage", "place", "conditions", "occupation")
EXTRA_CAUSES: tuple[str, ...] = ("several", "no_candidates")
CAUSE_ZH = {"skills": "技能不足", "education": "学历门槛", "wage": "薪资不匹配", "place": "地点太远",
            "conditions": "倒班/工作条件", "occupation": "经历/职业不对口", "several": "整体匹配度偏低",
            "no_candidates": "无候选人"}
CAUSE_EN = {"skills": "skills missing", "education": "education bar", "wage": "pay below expectations",
            "place": "too far away", "conditions": "shift work / conditions", "occupation": "no matching experience",
            "several": "no single gap, overall fit middling", "no_candidates": "no candidates"}
#: Priority groups broken out in the report (the survey's four), then the others the schema knows.
REPORT_GROUPS: tuple[str, ...] = ("4045", "rural_migrant", "graduate", "zero_employment_family", "disabled", "veteran")
UNKNOWN_GROUP = "9-99-99-00"


def pass_marks(settings: MatchSettings) -> dict[str, float]:
    """Component value (in [0, 1]) at or above which each dimension passes; see the module docstring."""
    e = settings.education
    return {"skills": 0.5, "occupation": 0.5, "education": float(min(e.meets, e.over)), "wage": 0.75,
            "place": 0.5, "conditions": 0.5}


@dataclass
class PairTable:
    """The scored candidate pool: aligned arrays over pairs plus per-dimension blocking.

    ``s``, ``v`` positions; ``scores`` the :class:`Scores`; ``fixed[d]`` the
    score if d were fully met (:func:`~matcher.report.scoring.score_if_met`);
    ``others[d]`` the score without d; ``fails[d]`` below d's pass mark;
    ``blocked[d]`` the "blocked by d" mask;
    ``good`` score >= threshold.
    """

    s: np.ndarray
    v: np.ndarray
    scores: Scores
    fixed: dict[str, np.ndarray]
    others: dict[str, np.ndarray]
    fails: dict[str, np.ndarray]
    shortfall: dict[str, np.ndarray]
    blocked: dict[str, np.ndarray]
    good: np.ndarray
    threshold: float
    pool: Pool


def good_cut(matcher, threshold: float | None = None) -> float:
    """The good-match cut: ``threshold`` when given, else the settings' ``good_score``."""
    return float(matcher.settings.good_score if threshold is None else threshold)


def score_pool(matcher, pool: Pool, threshold: float | None = None) -> PairTable:
    """Score every pool pair per dimension and mark what blocks each (see module docstring)."""
    F = matcher.features_
    st = matcher.settings
    threshold = good_cut(matcher, threshold)
    sc = grid_scores(matcher, pool.seeker_pos, pool.vacancy_pos)
    marks = pass_marks(st)
    good = sc.score >= threshold
    v_has_items = np.asarray(F.has_req | F.has_pref | F.has_cert, dtype=bool)
    fixed, others, fails, short, blocked = {}, {}, {}, {}, {}
    for d in DIMENSIONS:
        join = v_has_items[pool.vacancy_pos] if d == "skills" else np.zeros(len(pool), dtype=bool)
        fixed[d] = score_if_met(sc, d, st.weights, join)
        others[d] = score_without(sc, d, st.weights)
        fails[d] = np.where(sc.evidence[d], sc.components[d] < marks[d], join)
        short[d] = np.where(fails[d], marks[d] - np.where(sc.evidence[d], sc.components[d], 0.0), 0.0)
        blocked[d] = ~good & fails[d] & (others[d] >= threshold)
    return PairTable(pool.seeker_pos, pool.vacancy_pos, sc, fixed, others, fails, short, blocked, good,
                     float(threshold), pool)


def _binding(owner: np.ndarray, n: int, pt: PairTable, top_n: int = 10) -> pd.DataFrame:
    """Per owner (seeker or vacancy position): pool size, good count, per-cause counts, binding cause.

    ``fails_<d>``: of the owner's ``top_n`` candidates by the other
    dimensions, how many fail d's pass mark; ``blocked_<d>``: candidates
    blocked by d alone (otherwise good). See the module docstring.
    """
    out: dict[str, np.ndarray] = {"n_pool": np.bincount(owner, minlength=n),
                                  "n_good": np.bincount(owner, weights=pt.good, minlength=n).astype(np.int64)}
    counts = np.zeros((n, len(CAUSES)))
    shorts = np.zeros((n, len(CAUSES)))
    start = np.searchsorted(np.sort(owner), np.arange(n))
    for j, d in enumerate(CAUSES):
        o = np.lexsort((-pt.others[d], owner))
        ow = owner[o]
        rank = np.arange(len(o)) - start[ow]
        top = o[rank < top_n]
        counts[:, j] = np.bincount(owner[top], weights=pt.fails[d][top], minlength=n)
        shorts[:, j] = np.bincount(owner[top], weights=pt.shortfall[d][top], minlength=n)
        out[f"fails_{d}"] = counts[:, j].astype(np.int64)
    for d in CAUSES:
        out[f"blocked_{d}"] = np.bincount(owner, weights=pt.blocked[d], minlength=n).astype(np.int64)
    # argmax of count, then shortfall, then CAUSES order (lexsort: last key primary)
    j_idx = np.broadcast_to(np.arange(len(CAUSES)), counts.shape)
    best = np.lexsort((j_idx.T, -shorts.T, -counts.T), axis=0)[0] if n else np.zeros(0, dtype=np.int64)
    cause = np.asarray(CAUSES, dtype=object)[best] if n else np.zeros(0, dtype=object)
    cause = np.where(counts.max(axis=1) > 0, cause, "several") if n else cause
    cause = np.where(out["n_pool"] == 0, "no_candidates", cause) if n else cause
    frame = pd.DataFrame(out)
    frame["binding"] = cause
    return frame


def _minor_names() -> dict[str, str]:
    from matcher.occupations.taxonomy import load_taxonomy
    tax = load_taxonomy()
    return dict(zip(tax["code"], tax["name"]))


def _minor(code: str | None) -> str:
    if not code or not isinstance(code, str) or len(code.split("-")) != 4:
        return UNKNOWN_GROUP
    p = code.split("-")
    return "-".join(p[:3] + ["00"])


def vacancy_groups(matcher) -> np.ndarray:
    """Occupation minor group (``d-dd-dd-00``) of each vacancy; :data:`UNKNOWN_GROUP` when uncoded."""
    F = matcher.features_
    lst = list(F.vacancy_code_list)
    codes = [lst[i] if 0 <= i < len(lst) else None for i in F.vacancy_code.tolist()]
    return np.array([_minor(c) for c in codes], dtype=object)


def _code_titles(matcher, titles: list[str]) -> dict[str, str]:
    coder = getattr(getattr(matcher, "resources_", None), "occupation_coder", None)
    uniq = sorted({t for t in titles if t})
    if coder is None or not uniq:
        return {}
    thr = matcher.settings.occupation.min_code_score
    out = {}
    for t, preds in zip(uniq, coder.predict(uniq, 1)):
        if preds and preds[0][1] >= thr:
            out[t] = _minor(str(preds[0][0]))
    return out


def seeker_groups(matcher) -> tuple[list[set[str]], list[set[str]]]:
    """Per seeker: minor groups WANTED (desired titles) and ABLE (experience titles), coded with the
    matcher's occupation coder at ``occupation.min_code_score``. Empty sets when codes are off."""
    S = matcher.seekers_
    desired = [as_list(x) for x in (S["desired_titles"] if "desired_titles" in S else [None] * len(S))]
    exp = [[t for t, _ in as_experience(x)] for x in (S["experience"] if "experience" in S else [None] * len(S))]
    coded = _code_titles(matcher, [t for d in desired for t in d] + [t for e in exp for t in e])
    want = [{coded[t] for t in d if t in coded} for d in desired]
    able = [{coded[t] for t in e if t in coded} for e in exp]
    return want, able


def supply_demand(matcher, pt: PairTable | None = None, want_able: tuple | None = None) -> pd.DataFrame:
    """Per occupation minor group: seekers wanting it, seekers able to do it, open posts and openings.

    ``ratio`` is (seekers wanting or able) / openings (inf when there are no
    openings); ``posts_few_good`` counts open posts with fewer good
    candidates than max(3, openings) (needs ``pt``). Sorted by openings.
    """
    names = _minor_names()
    want, able = want_able if want_able is not None else seeker_groups(matcher)
    vg = vacancy_groups(matcher)
    ok = open_vacancies(matcher)
    openings = _openings(matcher)
    rows: dict[str, dict[str, Any]] = {}

    def row(g: str) -> dict[str, Any]:
        return rows.setdefault(g, {"group": g, "name": names.get(g, "未编码" if g == UNKNOWN_GROUP else g),
                                   "seekers_wanting": 0, "seekers_able": 0, "seekers_either": 0,
                                   "posts": 0, "openings": 0, "posts_few_good": 0})
    for w, a in zip(want, able):
        for g in w:
            row(g)["seekers_wanting"] += 1
        for g in a:
            row(g)["seekers_able"] += 1
        for g in w | a:
            row(g)["seekers_either"] += 1
    few = None
    if pt is not None:
        few = posts_with_few(matcher, pt)
    for i in np.flatnonzero(ok):
        r = row(vg[i])
        r["posts"] += 1
        r["openings"] += int(openings[i])
        if few is not None and few[i]:
            r["posts_few_good"] += 1
    frame = pd.DataFrame(list(rows.values()), columns=["group", "name", "seekers_wanting", "seekers_able",
                                                       "seekers_either", "posts", "openings", "posts_few_good"])
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["ratio"] = np.where(frame["openings"] > 0, frame["seekers_either"] / frame["openings"].clip(lower=1),
                                  np.inf)
    return frame.sort_values(["openings", "seekers_either", "group"], ascending=[False, False, True],
                             ignore_index=True)


def _openings(matcher) -> np.ndarray:
    """Openings left per post (0 when not open): the core's rule, see the module docstring."""
    return openings_left(matcher)


def posts_with_few(matcher, pt: PairTable, few: int = 3) -> np.ndarray:
    """Mask over vacancies: open and with fewer good candidates than max(``few``, openings)."""
    n = matcher.features_.n_vacancies
    n_good = np.bincount(pt.v, weights=pt.good, minlength=n)
    return open_vacancies(matcher) & (n_good < np.maximum(few, _openings(matcher)))


def unfilled_posts(matcher, pt: PairTable, few: int = 3) -> pd.DataFrame:
    """Open posts with fewer good candidates than max(``few``, openings), with the binding constraint.

    Columns: vacancy_id, title, employer, district, group, openings,
    n_pool, n_good, blocked_<cause> (candidates blocked by that dimension
    alone), binding (a key of :data:`CAUSE_ZH`). Sorted by binding then id.
    """
    F = matcher.features_
    V = matcher.vacancies_
    b = _binding(pt.v, F.n_vacancies, pt)
    mask = posts_with_few(matcher, pt, few)
    idx = np.flatnonzero(mask)
    out = pd.DataFrame({
        "vacancy_id": F.vacancy_ids[idx].astype(str),
        "title": _col(V, "title")[idx], "employer": _col(V, "employer")[idx],
        "district": _col(V, "district")[idx], "group": vacancy_groups(matcher)[idx],
        "openings": _openings(matcher)[idx]})
    out = pd.concat([out, b.iloc[idx].reset_index(drop=True)], axis=1)
    out["_pos"] = idx
    return out.sort_values(["binding", "vacancy_id"], ignore_index=True)


def _col(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name in frame.columns:
        return frame[name].astype(object).where(frame[name].notna(), "").to_numpy()
    return np.array([""] * len(frame), dtype=object)


def cause_counts(table: pd.DataFrame, weight: str | None = None) -> pd.DataFrame:
    """City-wide count (and share) of each binding cause in a post or seeker table.

    ``weight`` names a column to sum instead of counting rows (e.g. ``openings``).
    Every cause in :data:`CAUSES` + :data:`EXTRA_CAUSES` has a row (zeros kept).
    """
    causes = list(CAUSES) + list(EXTRA_CAUSES)
    if weight:
        s = table.groupby("binding")[weight].sum() if len(table) else pd.Series(dtype=float)
    else:
        s = table["binding"].value_counts() if len(table) else pd.Series(dtype=float)
    counts = np.array([int(s.get(c, 0)) for c in causes])
    total = counts.sum()
    return pd.DataFrame({"cause": causes, "name_zh": [CAUSE_ZH[c] for c in causes],
                         "name_en": [CAUSE_EN[c] for c in causes], "count": counts,
                         "share": counts / total if total else np.zeros(len(causes))})


def seeker_group_lists(matcher) -> list[list[str]]:
    """Each seeker's priority-group codes (declared and derived), as lists."""
    S = matcher.seekers_
    if "priority_groups" not in S.columns:
        return [[] for _ in range(len(S))]
    return [as_list(x) for x in S["priority_groups"].tolist()]


def unmatched_seekers(matcher, pt: PairTable, weak: int = 3) -> pd.DataFrame:
    """Seekers with fewer than ``weak`` good matches, with their binding constraint.

    Columns: seeker_id, status (``unmatched`` = no good match, ``weak`` =
    1..weak-1), groups (list of priority codes), n_pool, n_good,
    blocked_<cause>, binding. Personal data is not included.
    """
    F = matcher.features_
    b = _binding(pt.s, F.n_seekers, pt)
    idx = np.flatnonzero(b["n_good"].to_numpy() < weak)
    groups = seeker_group_lists(matcher)
    out = pd.DataFrame({"seeker_id": F.seeker_ids[idx].astype(str),
                        "groups": [groups[i] for i in idx]})
    out = pd.concat([out, b.iloc[idx].reset_index(drop=True)], axis=1)
    out.insert(1, "status", np.where(out["n_good"] == 0, "unmatched", "weak"))
    out["_pos"] = idx
    return out.sort_values(["status", "binding", "seeker_id"], ignore_index=True)


def causes_by_group(seekers_table: pd.DataFrame, n_seekers_by_group: dict[str, int] | None = None,
                    status: str = "unmatched") -> pd.DataFrame:
    """Counts of binding causes among seekers of ``status``, one row per priority group.

    Rows: ``all``, each of :data:`REPORT_GROUPS` present, ``none`` (no
    group). A seeker in two groups counts in both. Columns: group, seekers
    (with that status), one column per cause, and ``registered`` (all seekers
    of the group, from ``n_seekers_by_group``) when given.
    """
    t = seekers_table[seekers_table["status"] == status]
    causes = list(CAUSES) + list(EXTRA_CAUSES)
    rows = []

    def add(name: str, sub: pd.DataFrame) -> None:
        vc = sub["binding"].value_counts()
        r = {"group": name, "seekers": int(len(sub))}
        r.update({c: int(vc.get(c, 0)) for c in causes})
        if n_seekers_by_group is not None:
            r["registered"] = int(n_seekers_by_group.get(name, 0))
        rows.append(r)
    add("all", t)
    has = t["groups"].map(lambda g: set(g))
    for g in REPORT_GROUPS:
        m = np.fromiter((g in x for x in has), dtype=bool, count=len(has))
        if m.any() or (n_seekers_by_group or {}).get(g, 0) or g in REPORT_GROUPS[:4]:
            add(g, t.loc[m])
    none = np.fromiter((not (x & set(REPORT_GROUPS)) for x in has), dtype=bool, count=len(has))
    add("none", t.loc[none])
    return pd.DataFrame(rows)


def group_sizes(matcher) -> dict[str, int]:
    """Number of seekers in each priority group, plus ``all`` and ``none``."""
    lists = seeker_group_lists(matcher)
    out = {"all": len(lists), "none": sum(1 for g in lists if not set(g) & set(REPORT_GROUPS))}
    for g in REPORT_GROUPS:
        out[g] = sum(1 for x in lists if g in x)
    return out


# ------------------------------------------------------------------- wages
def wage_picture(matcher, want_able: tuple | None = None, min_n: int = 3) -> pd.DataFrame:
    """Expected vs offered monthly wages (yuan) per occupation minor group.

    Offers are the top of each open post's range, expectations the bottom of
    each seeker's (as the wage dimension compares them; 面议 left out).
    A seeker counts in the groups they want, else those they have done.
    Columns: group, name, n_offers, offer_p25/median/p75, n_expect,
    expect_p25/median/p75, gap (median offer - median expectation). Groups
    with fewer than ``min_n`` offers and expectations are left out.
    """
    F = matcher.features_
    names = _minor_names()
    want, able = want_able if want_able is not None else seeker_groups(matcher)
    vg = vacancy_groups(matcher)
    ok = open_vacancies(matcher) & ~np.isnan(F.woff)
    offers = pd.DataFrame({"group": vg[ok], "wage": F.woff[ok]})
    sg, sw = [], []
    for i, (w, a) in enumerate(zip(want, able)):
        if np.isnan(F.wexp[i]):
            continue
        for g in (w or a):
            sg.append(g)
            sw.append(F.wexp[i])
    expect = pd.DataFrame({"group": sg, "wage": sw})

    def stats(df: pd.DataFrame, p: str) -> pd.DataFrame:
        if df.empty:
            return pd.DataFrame({"group": pd.Series(dtype=object), f"n_{p}": pd.Series(dtype=np.int64),
                                 **{f"{p}_{k}": pd.Series(dtype=float) for k in ("p25", "median", "p75")}})
        q = df.groupby("group")["wage"]
        return pd.DataFrame({f"n_{p}": q.size(), f"{p}_p25": q.quantile(0.25), f"{p}_median": q.median(),
                             f"{p}_p75": q.quantile(0.75)}).reset_index()
    out = stats(offers, "offer").merge(stats(expect, "expect"), on="group", how="outer")
    out = out.fillna({"n_offer": 0, "n_expect": 0})
    out = out[(out["n_offer"] >= min_n) & (out["n_expect"] >= min_n) & (out["group"] != UNKNOWN_GROUP)].copy()
    out["gap"] = out["offer_median"] - out["expect_median"]
    out.insert(1, "name", out["group"].map(lambda g: names.get(g, g)))
    out[["n_offer", "n_expect"]] = out[["n_offer", "n_expect"]].astype(np.int64)
    return out.sort_values(["n_offer", "group"], ascending=[False, True], ignore_index=True)


def wage_samples(matcher, groups: list[str], want_able: tuple | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Raw offered and expected wages (yuan/month) for the given minor groups (for distribution charts)."""
    F = matcher.features_
    want, able = want_able if want_able is not None else seeker_groups(matcher)
    vg = vacancy_groups(matcher)
    ok = open_vacancies(matcher) & ~np.isnan(F.woff)
    out: dict[str, dict[str, list[float]]] = {g: {"offer": [], "expect": []} for g in groups}
    for g, w in zip(vg[ok], F.woff[ok]):
        if g in out:
            out[g]["offer"].append(float(w))
    for i, (w, a) in enumerate(zip(want, able)):
        if np.isnan(F.wexp[i]):
            continue
        for g in (w or a):
            if g in out:
                out[g]["expect"].append(float(F.wexp[i]))
    return {g: {k: np.asarray(v) for k, v in d.items()} for g, d in out.items()}


def low_pay_posts(matcher, market_ratio: float = 0.7, min_group_posts: int = 5) -> pd.DataFrame:
    """Open posts paying below the local minimum wage or below ``market_ratio`` × the median offer
    of their occupation minor group (groups with at least ``min_group_posts`` priced posts).

    Columns: vacancy_id, title, employer, group, offer (yuan/month, top of
    range), group_median, below_minimum, below_market. Minimum wage from
    ``settings.minimum_wage``.
    """
    F = matcher.features_
    V = matcher.vacancies_
    vg = vacancy_groups(matcher)
    ok = open_vacancies(matcher) & ~np.isnan(F.woff)
    df = pd.DataFrame({"pos": np.flatnonzero(ok), "group": vg[ok], "offer": F.woff[ok]})
    size = df.groupby("group")["offer"].transform("size")
    med = df.groupby("group")["offer"].transform("median")
    df["group_median"] = np.where((size >= min_group_posts) & (df["group"] != UNKNOWN_GROUP), med, np.nan)
    df["below_minimum"] = df["offer"] < matcher.settings.minimum_wage
    df["below_market"] = df["offer"] < market_ratio * df["group_median"]
    df = df[df["below_minimum"] | df["below_market"]]
    pos = df["pos"].to_numpy()
    out = pd.DataFrame({"vacancy_id": F.vacancy_ids[pos].astype(str), "title": _col(V, "title")[pos],
                        "employer": _col(V, "employer")[pos], "group": df["group"].to_numpy(),
                        "offer": df["offer"].to_numpy(), "group_median": df["group_median"].to_numpy(),
                        "below_minimum": df["below_minimum"].to_numpy(),
                        "below_market": df["below_market"].to_numpy()})
    return out.sort_values(["below_minimum", "offer", "vacancy_id"], ascending=[False, True, True],
                           ignore_index=True)


# --------------------------------------------------------------- education
def education_barriers(matcher, pt: PairTable) -> pd.DataFrame:
    """Per open post with an education requirement: candidates its bar shuts out.

    ``shut_out`` counts pool candidates blocked by education alone (below the
    requirement, and a good match if the bar were met); ``short`` counts pool
    candidates below the bar at all; ``good`` the current good matches.
    Rows with ``shut_out > 0`` only, most first.
    """
    from matcher.normalise.education import LEVELS
    F = matcher.features_
    V = matcher.vacancies_
    n = F.n_vacancies
    marks = pass_marks(matcher.settings)
    sc = pt.scores
    short = sc.evidence["education"] & (sc.components["education"] < marks["education"])
    shut = np.bincount(pt.v, weights=pt.blocked["education"], minlength=n).astype(np.int64)
    n_short = np.bincount(pt.v, weights=short, minlength=n).astype(np.int64)
    good = np.bincount(pt.v, weights=pt.good, minlength=n).astype(np.int64)
    req = np.asarray(F.edu_v, dtype=float)
    idx = np.flatnonzero(open_vacancies(matcher) & ~np.isnan(req) & (shut > 0))
    out = pd.DataFrame({"vacancy_id": F.vacancy_ids[idx].astype(str), "title": _col(V, "title")[idx],
                        "employer": _col(V, "employer")[idx],
                        "required": [LEVELS[int(x)] if 0 <= int(x) < len(LEVELS) else str(x) for x in req[idx]],
                        "required_level": req[idx].astype(np.int64),
                        "shut_out": shut[idx], "short": n_short[idx], "good": good[idx]})
    return out.sort_values(["shut_out", "vacancy_id"], ascending=[False, True], ignore_index=True)


# -------------------------------------------------------------- compliance
def compliance(matcher, pt: PairTable | None = None) -> pd.DataFrame:
    """Open posts stating a gender requirement or an age window, and whom they would exclude.

    Columns: vacancy_id, title, employer, gender_requirement (F/M/""),
    age_min, age_max, narrow_age (the core's ``narrow_age_window`` flag,
    :func:`matcher.core.fairness.vacancy_flags`), excluded_priority
    (priority-group seekers in the whole register outside the posted
    gender/age), excluded_4045, and — with ``pt`` — excluded_good (good
    candidates outside it) and excluded_good_priority. Who is outside is the
    core's rule (:func:`matcher.core.fairness.outside_window`: unknown
    gender/age counts as inside), the one ``for_vacancy`` uses for its pair
    flags. Requirements are flags only: the engine never filters on them.
    """
    F = matcher.features_
    V = matcher.vacancies_
    S = matcher.seekers_
    st = matcher.settings
    n = F.n_vacancies
    gender_req = _col(V, "gender_requirement")
    amin = pd.to_numeric(V["age_min"], errors="coerce").to_numpy(dtype=float) if "age_min" in V else np.full(n, np.nan)
    amax = pd.to_numeric(V["age_max"], errors="coerce").to_numpy(dtype=float) if "age_max" in V else np.full(n, np.nan)
    has_g = np.array([g in ("F", "M") for g in gender_req])
    has_a = ~np.isnan(amin) | ~np.isnan(amax)
    idx = np.flatnonzero(open_vacancies(matcher) & (has_g | has_a))
    sg = _col(S, "gender")
    sgender = np.array([g if g in ("F", "M") else None for g in sg], dtype=object)
    sage = pd.to_numeric(S["age"], errors="coerce").to_numpy(dtype=float) if "age" in S else np.full(len(S), np.nan)
    groups = seeker_group_lists(matcher)
    prio = np.array([bool(set(g) & set(REPORT_GROUPS)) for g in groups], dtype=bool)
    is4045 = np.array(["4045" in g for g in groups], dtype=bool)

    # city-wide counts by (gender, whole-year age) cells: a flagged post costs O(cells), not O(seekers)
    ages = np.where(np.isnan(sage), -1, np.round(sage)).astype(np.int64)
    cells = (pd.DataFrame({"g": [g or "" for g in sgender], "a": ages, "p": prio, "f": is4045})
             .groupby(["g", "a"])[["p", "f"]].sum())
    cg = np.array([g or None for g in cells.index.get_level_values(0)], dtype=object)
    ca = cells.index.get_level_values(1).to_numpy().astype(float)
    ca[ca < 0] = np.nan
    cp = cells["p"].to_numpy()
    cf = cells["f"].to_numpy()

    def outside(vac: dict[str, Any], gender: np.ndarray, age: np.ndarray) -> np.ndarray:
        og, oa = outside_window(gender, age, vac)
        return og | oa

    rows = []
    titles, employers = _col(V, "title"), _col(V, "employer")
    if pt is not None:
        order = np.argsort(pt.v, kind="stable")
        starts = np.searchsorted(pt.v[order], np.arange(n + 1))
    for vi in idx:
        vac = {"gender_requirement": gender_req[vi] if has_g[vi] else None,
               "age_min": None if np.isnan(amin[vi]) else amin[vi], "age_max": None if np.isnan(amax[vi]) else amax[vi]}
        codes = {f["code"] for f in vacancy_flags(vac, None, False, st)}
        o = outside(vac, cg, ca)
        r = {"vacancy_id": str(F.vacancy_ids[vi]), "title": titles[vi], "employer": employers[vi],
             "gender_requirement": gender_req[vi] if has_g[vi] else "",
             "age_min": None if np.isnan(amin[vi]) else int(amin[vi]),
             "age_max": None if np.isnan(amax[vi]) else int(amax[vi]),
             "narrow_age": "narrow_age_window" in codes,
             "excluded_priority": int(cp[o].sum()), "excluded_4045": int(cf[o].sum())}
        if pt is not None:
            sel = order[starts[vi]:starts[vi + 1]]
            sel = sel[pt.good[sel]]
            sp_ = pt.s[sel]
            og = outside(vac, sgender[sp_], sage[sp_])
            r["excluded_good"] = int(og.sum())
            r["excluded_good_priority"] = int((og & prio[sp_]).sum())
        rows.append(r)
    cols = ["vacancy_id", "title", "employer", "gender_requirement", "age_min", "age_max", "narrow_age",
            "excluded_priority", "excluded_4045"] + (["excluded_good", "excluded_good_priority"] if pt is not None else [])
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["excluded_priority", "vacancy_id"], ascending=[False, True], ignore_index=True)


__all__ = ["good_cut", "CAUSES", "EXTRA_CAUSES", "CAUSE_ZH", "CAUSE_EN", "REPORT_GROUPS", "PairTable",
           "pass_marks", "score_pool", "supply_demand", "posts_with_few", "unfilled_posts", "cause_counts",
           "unmatched_seekers", "causes_by_group", "group_sizes", "wage_picture", "wage_samples", "low_pay_posts",
           "education_barriers", "compliance", "seeker_groups", "vacancy_groups", "seeker_group_lists"]
