"""Explain: one plain record per (seeker, vacancy) — contributions, gaps and fixes.

:class:`Match` is data first: the CLI, the batch files, the web pages and the
tests all read :meth:`Match.to_dict`. Its ``contributions`` (one entry per
dimension plus ``priority``) add up to ``score`` — summed in their dict order
they reproduce it exactly. ``components`` hold the raw per-dimension scores
in [0, 1], or None where the dimension had no evidence for this pair (it was
then left out of the weighted mean; ``evidence`` says which). ``verdicts``
say which dimensions fit and which are gaps (the one rule of
:mod:`matcher.core.reasons`, shared with the nightly batch's ``reason``
column) and ``reasons`` hold reason *records* — a code plus parameters, no
sentences — in three lists: what fits, what is missing, and what would fix
it. The codes are tabled in :mod:`matcher.core.reasons`; the faces render
them in Chinese or English with :mod:`matcher.render.reasons`.

Explanations are built only for the pairs returned to the caller.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from matcher.core.compare import EDU_STATUS, PRIORITY, Grid, GridScores, education_status, relation_scores
from matcher.core.cells import as_list
from matcher.core.fitted import Features
from matcher.core.tables import RELATIONS
from matcher.core.fairness import outside_window, vacancy_flags
from matcher.core.reasons import pair_verdicts, place, thresholds
from matcher.core.settings import DIMENSIONS, MatchSettings

def _level_names() -> tuple[str, ...]:
    try:
        from matcher.normalise.education import LEVELS
        return tuple(LEVELS)
    except ImportError:  # pragma: no cover - the module ships with the package
        return ("小学及以下", "初中", "高中/中专/技校/职高", "大专", "本科", "硕士", "博士")


@dataclass
class Match:
    """One explained (seeker, vacancy) pair. See the module docstring and :meth:`to_dict`."""

    seeker_id: str
    vacancy_id: str
    rank: int | None
    score: float
    contributions: dict[str, float]
    components: dict[str, float | None]
    evidence: dict[str, bool]
    matched_skills: list[dict[str, Any]] = field(default_factory=list)
    missing_skills: list[dict[str, Any]] = field(default_factory=list)
    education: dict[str, Any] = field(default_factory=dict)
    wage: dict[str, Any] = field(default_factory=dict)
    distance: str = "unknown"
    lodging: bool | None = None
    conditions: dict[str, Any] = field(default_factory=dict)
    flags: list[dict[str, str]] = field(default_factory=list)
    priority_groups: list[str] = field(default_factory=list)
    fair_ranking: dict[str, bool] = field(default_factory=lambda: {"applied": False, "promoted": False})
    verdicts: dict[str, Any] = field(default_factory=lambda: {"fit": [], "gap": [], "priority": False})
    reasons: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"fits": [], "gaps": [], "fixes": []})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (keys as documented in :mod:`matcher.core`)."""
        return asdict(self)


def _opt_bool(x: float) -> bool | None:
    return None if math.isnan(x) else bool(x == 1.0)


def _opt_float(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _yuan(x: float | None) -> int | None:
    """Whole yuan (None when unknown)."""
    return None if x is None or math.isnan(x) else int(round(float(x)))


class Explainer:
    """Builds :class:`Match` records from fitted features (one per returned pair)."""

    def __init__(self, F: Features, st: MatchSettings, seekers: Any, vacancies: Any, normaliser: Any) -> None:
        self.F, self.st, self.seekers, self.vacancies, self.norm = F, st, seekers, vacancies, normaliser
        self.levels = _level_names()
        self.fit_at, self.gap_at = thresholds(st)
        # the first course of every skill a post lists, looked up once here: a query never writes into
        # the explainer (one fitted matcher serves many threads)
        self._courses: dict[str, str | None] = {sid: self._first_course(sid)
                                                for sid in dict.fromkeys(F.vacancy_item_ids) if sid}
        self._vcols = {c: (vacancies[c].tolist() if c in vacancies.columns else [None] * F.n_vacancies)
                       for c in ("gender_requirement", "gender_requirement_raw", "age_min", "age_max", "expires_on")}
        self._scols = {c: (seekers[c].tolist() if c in seekers.columns else [None] * F.n_seekers)
                       for c in ("gender", "age", "priority_groups")}
        self.req_csc = F.req.tocsc()
        self.pref_csc = F.pref.tocsc()
        self.cert_csc = F.cert.tocsc()

    # -------------------------------------------------------------- pieces
    def course(self, skill_id: str | None) -> str | None:
        """First training course for a canonical skill id (None for free text or no course)."""
        if not skill_id:
            return None
        if skill_id in self._courses:
            return self._courses[skill_id]
        return self._first_course(skill_id)

    def _first_course(self, skill_id: str) -> str | None:
        if self.norm is None or not hasattr(self.norm, "courses_for"):
            return None
        try:
            found = list(self.norm.courses_for([skill_id]))
        except (KeyError, ValueError):
            found = []
        return str(found[0]) if found else None

    @staticmethod
    def _row(m: Any, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of row i of a CSR (or column i of a CSC) matrix, without copying."""
        lo, hi = m.indptr[i], m.indptr[i + 1]
        return m.indices[lo:hi], m.data[lo:hi]

    def skills(self, si: int, vi: int) -> tuple[list[dict], list[dict]]:
        F, thr = self.F, self.st.skills.match_threshold
        u = self._row(F.S, si)[0]
        permit = F.extra.get("vacancy_item_permit")
        matched, missing = [], []
        for kind, m in (("required", self.req_csc), ("certificate", self.cert_csc), ("preferred", self.pref_csc)):
            r = self._row(m, vi)[0]
            if not len(r):
                continue
            sub = np.zeros((len(u), len(r)))
            rpos = {int(x): j for j, x in enumerate(r)}
            for i, ui in enumerate(u):
                cols, vals = self._row(F.sim, ui)
                for c, val in zip(cols.tolist(), vals.tolist()):
                    j = rpos.get(c)
                    if j is not None:
                        sub[i, j] = val
            for j, rj in enumerate(r):
                best = int(np.argmax(sub[:, j])) if len(u) else -1
                val = float(sub[best, j]) if best >= 0 else 0.0
                if val >= thr:
                    matched.append({"required": F.vacancy_items[rj], "matched_by": F.seeker_items[u[best]],
                                    "similarity": round(val, 4), "kind": kind})
                elif kind != "preferred":
                    missing.append({"skill": F.vacancy_items[rj], "course": self.course(F.vacancy_item_ids[rj]),
                                    "kind": kind,
                                    "permit": bool(kind == "certificate" or (permit is not None and permit[rj]))})
        return matched, missing

    def education(self, si: int, vi: int) -> dict[str, Any]:
        F = self.F
        status = EDU_STATUS[int(education_status(F, self.st, Grid(np.array([si]), np.array([vi])))[0, 0])]
        req = None if math.isnan(F.edu_v[vi]) else int(F.edu_v[vi])
        lvl = None if math.isnan(F.edu_s[si]) else int(F.edu_s[si])
        gap = None if req is None or lvl is None else lvl - req
        return {"required": req, "seeker": lvl, "gap": gap, "status": status}

    def offered_top(self, vi: int) -> float | None:
        """The top of the post's offered range (None when unknown or 面议): what the minimum-wage flag reads."""
        F = self.F
        top = F.woff_max[vi] if not math.isnan(F.woff_max[vi]) else F.woff_min[vi]
        return None if F.v_negotiable[vi] or math.isnan(top) or not top > 0 else float(top)

    def wage(self, si: int, vi: int) -> dict[str, Any]:
        F = self.F
        off, exp = F.woff[vi], F.wexp[si]      # the offer at settings.wage.basis (default the bottom of the range)
        gap = None if math.isnan(off) or math.isnan(exp) else float(off - exp)
        if F.v_negotiable[vi]:
            status = "negotiable"
        elif gap is None:
            status = "negotiable" if F.s_negotiable[si] and not math.isnan(off) else "unknown"
        else:
            status = "meets" if gap >= 0 else "below"
        return {"offered_min": _opt_float(F.woff_min[vi]), "offered_max": _opt_float(F.woff_max[vi]),
                "expected_min": _opt_float(F.wexp_min[si]), "expected_max": _opt_float(F.wexp_max[si]),
                "offered": _opt_float(off), "basis": self.st.wage.basis, "gap": gap, "status": status,
                "below_minimum": bool((top := self.offered_top(vi)) is not None and top < self.st.minimum_wage)}

    def distance(self, si: int, vi: int) -> str:
        F = self.F
        nd = len(F.district_names)
        dv = nd if F.dist_v[vi] < 0 else F.dist_v[vi]
        ds = nd if F.dist_s[si] < 0 else F.dist_s[si]
        rs = relation_scores(self.st)
        cands = [F.rel[ds, dv]] + [F.rel[d, dv] for d in self._row(F.pref_d, si)[0]]
        known = [c for c in cands if not math.isnan(rs[c])]
        if not known:
            return "unknown"
        return RELATIONS[max(known, key=lambda c: (rs[c], -c))]

    def conditions(self, si: int, vi: int) -> dict[str, Any]:
        F = self.F
        shift, acc = F.shift[vi], F.accepts_shift[si]
        if math.isnan(shift):
            status = "unknown"
        elif shift == 0:
            status = "no_shift"
        elif math.isnan(acc):
            status = "unknown"
        else:
            status = "accepted" if acc == 1 else "conflict"
        return {"shift_work": _opt_bool(shift), "accepts_shift_work": _opt_bool(acc), "shift_status": status,
                "social_insurance": _opt_bool(F.insurance[vi])}

    def best_title(self, si: int, vi: int) -> str | None:
        """The seeker's experience/desired title closest to the vacancy title (cosine >= 0.3), else None."""
        titles = self.F.seeker_titles[si]
        T = self.F.extra.get("title_vecs")
        if not titles or T is None:
            return None
        vt = int(self.F.extra["vacancy_title_idx"][vi])
        if vt < 0:
            return None
        iv, dvv = self._row(T, vt)
        sims = np.zeros(len(titles))
        for n, ti in enumerate(self.F.extra["seeker_title_idx"][si]):
            it, dt = self._row(T, int(ti))
            _, x, y = np.intersect1d(it, iv, assume_unique=True, return_indices=True)
            sims[n] = float(dt[x] @ dvv[y])
        best = int(np.argmax(sims))
        return titles[best] if sims[best] >= 0.3 else None

    # --------------------------------------------------------------- build
    def build(self, si: int, vi: int, rank: int | None, gs: GridScores, j: int,
              fair: dict[str, bool] | None = None) -> Match:
        """The record of pair (si, vi); ``gs`` holds pair-grid scores and ``j`` the pair's index in it."""
        F, st = self.F, self.st
        contributions = {d: float(gs.contributions[d][j]) for d in (*DIMENSIONS, PRIORITY)}
        score = 0.0
        for v in contributions.values():
            score = score + v
        evidence = {d: bool(gs.evidence[d][j]) for d in DIMENSIONS}
        components = {d: (float(gs.components[d][j]) if evidence[d] else None) for d in DIMENSIONS}
        vac = {c: v[vi] for c, v in self._vcols.items()}
        srow = {c: v[si] for c, v in self._scols.items()}
        matched, missing = self.skills(si, vi)
        edu, wage = self.education(si, vi), self.wage(si, vi)
        dist = self.distance(si, vi)
        cond = self.conditions(si, vi)
        flags = vacancy_flags(vac, self.offered_top(vi), bool(F.expired[vi]), st)
        age = srow.get("age")
        try:
            age_f = np.nan if age is None or age is pd.NA else float(age)
        except (TypeError, ValueError):
            age_f = np.nan
        out_g, out_a = outside_window(np.array([srow.get("gender")], dtype=object), np.array([age_f]), vac)
        if out_g[0]:
            flags.append({"code": "outside_gender_requirement",
                          "message_zh": "该求职者不符合岗位注明的性别要求；此要求不作筛选，请工作人员判断",
                          "message_en": "This seeker is outside the posted gender requirement, which is not applied as a filter",
                          "rule": "gender_requirement"})
        if out_a[0]:
            flags.append({"code": "outside_age_window",
                          "message_zh": "该求职者不在岗位注明的年龄范围内；此要求不作筛选，请工作人员判断",
                          "message_en": "This seeker is outside the posted age window, which is not applied as a filter",
                          "rule": "narrow_age_window"})
        groups = as_list(srow.get("priority_groups"))
        m = Match(seeker_id=str(F.seeker_ids[si]), vacancy_id=str(F.vacancy_ids[vi]), rank=rank, score=score,
                  contributions=contributions, components=components, evidence=evidence,
                  matched_skills=matched, missing_skills=missing, education=edu, wage=wage, distance=dist,
                  lodging=_opt_bool(F.lodging[vi]), conditions=cond, flags=flags, priority_groups=groups,
                  fair_ranking=dict(fair or {"applied": False, "promoted": False}))
        m.verdicts = pair_verdicts(components, evidence, contributions, st)
        m.reasons = self.reasons(m, si, vi)
        return m

    def reasons(self, m: Match, si: int, vi: int) -> dict[str, list[dict[str, Any]]]:
        """Reason records (:mod:`matcher.core.reasons`): what fits, what is missing, what would fix it.

        Every candidate record is collected here; :func:`matcher.core.reasons.place`
        then keeps those the pair's verdicts allow.
        """
        fits: list[dict[str, Any]] = []
        gaps: list[dict[str, Any]] = []
        fixes: list[dict[str, Any]] = []
        L = self.levels
        req_matched = [x for x in m.matched_skills if x["kind"] != "preferred"]
        if req_matched:
            fits.append({"code": "skills_matched", "dim": "skills",
                         "items": [{"skill": x["required"], "matched_by": x["matched_by"]} for x in req_matched[:4]]})
        pref = [x for x in m.matched_skills if x["kind"] == "preferred"]
        if pref:
            fits.append({"code": "skills_preferred", "dim": "skills", "skills": [x["required"] for x in pref[:3]]})
        # a required certificate the seeker does not hold is a blocker, shown whatever the skills verdict
        for x in m.missing_skills:
            if x.get("permit"):
                gaps.append({"code": "permit_missing", "severity": "blocker", "permit": x["skill"],
                             "course": x["course"]})
        skills_missing = [x for x in m.missing_skills if not x.get("permit")]
        for x in skills_missing[:5]:
            gaps.append({"code": "skill_missing", "dim": "skills", "skill": x["skill"], "course": x["course"]})
        for x in skills_missing[:3]:
            if not x["course"]:
                fixes.append({"code": "skill_learn", "dim": "skills", "skill": x["skill"]})
        occ = m.components.get("occupation")
        if occ is not None and occ >= self.gap_at:
            t = self.best_title(si, vi)
            fits.append({"code": "occupation_title", "dim": "occupation", "title": t} if t
                        else {"code": "occupation_text", "dim": "occupation"})
        e = m.education
        if e["status"] == "none_required":
            fits.append({"code": "education_none_required", "dim": "education"})
        elif e["status"] in ("meets", "over"):
            fits.append({"code": "education_meets", "dim": "education", "required": L[e["required"]],
                         "have": L[e["seeker"]]})
        elif e["status"] == "one_short":
            gaps.append({"code": "education_one_short", "dim": "education", "required": L[e["required"]],
                         "have": L[e["seeker"]]})
            fixes.append({"code": "education_up", "dim": "education", "level": L[e["seeker"] + 1]})
        elif e["status"] == "far_short":
            gaps.append({"code": "education_far_short", "dim": "education", "required": L[e["required"]],
                         "have": L[e["seeker"]], "levels": -int(e["gap"])})
        elif e["status"] == "unknown" and e["required"] is not None:
            gaps.append({"code": "education_unknown", "dim": "education", "required": L[e["required"]]})
            fixes.append({"code": "education_record", "dim": "education"})
        w = m.wage
        # the range and the expectation travel with every wage record, so a face can show both ends honestly
        rng = {"offered_min": _yuan(w["offered_min"]), "offered_max": _yuan(w["offered_max"]),
               "expected": _yuan(self.F.wexp[si]), "basis": w["basis"]}
        if w["status"] == "meets":
            fits.append({"code": "wage_meets", "dim": "wage", "offered": _yuan(self.F.woff[vi]), **rng})
        elif w["status"] == "below":
            n = _yuan(-w["gap"])
            if "wage" in m.verdicts["fit"]:
                fits.append({"code": "wage_close", "dim": "wage", "gap_yuan": n, **rng})
            else:
                gaps.append({"code": "wage_below", "dim": "wage", "gap_yuan": n, **rng})
                fixes.append({"code": "wage_talk", "dim": "wage", "gap_yuan": n})
        elif w["status"] == "negotiable":
            gaps.append({"code": "wage_negotiable", "dim": "wage"})
        if w["below_minimum"]:
            gaps.append({"code": "wage_below_minimum", "minimum": _yuan(self.st.minimum_wage)})
        vd = self.F.district_names[self.F.dist_v[vi]] if self.F.dist_v[vi] >= 0 else None
        if m.distance in ("same", "adjacent"):
            fits.append({"code": f"place_{m.distance}", "dim": "place", "district": vd})
        elif m.distance in ("city", "outside"):
            gaps.append({"code": "place_far", "dim": "place", "district": vd, "relation": m.distance})
            if not m.lodging:
                fixes.append({"code": "lodging_ask", "dim": "place"})
        if m.lodging:
            fits.append({"code": "lodging", "dim": "place"})
        c = m.conditions
        if c["shift_status"] == "accepted":
            fits.append({"code": "shift_accepted", "dim": "conditions"})
        elif c["shift_status"] == "conflict":
            gaps.append({"code": "shift_conflict", "dim": "conditions"})
            fixes.append({"code": "shift_talk", "dim": "conditions"})
        if c["social_insurance"] is True:
            fits.append({"code": "insurance", "dim": "conditions"})
        elif c["social_insurance"] is False:
            gaps.append({"code": "no_insurance", "dim": "conditions"})
        if m.contributions.get(PRIORITY, 0) > 0:
            fits.append({"code": "priority_boost", "dim": PRIORITY,
                         "groups": [g for g in m.priority_groups if g in self.st.priority.groups],
                         "boost": round(float(m.contributions[PRIORITY]), 4)})
        if m.fair_ranking.get("promoted"):
            fits.append({"code": "fair_promoted", "dim": PRIORITY})
        return place({"fits": fits, "gaps": gaps, "fixes": fixes}, m.verdicts)
