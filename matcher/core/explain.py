"""Explain: one plain record per (seeker, vacancy) — contributions, gaps and fixes.

:class:`Match` is data first: the CLI, the batch files, the web pages and the
tests all read :meth:`Match.to_dict`. Its ``contributions`` (one entry per
dimension plus ``priority``) add up to ``score`` — summed in their dict order
they reproduce it exactly. ``components`` hold the raw per-dimension scores
in [0, 1], or None where the dimension had no evidence for this pair (it was
then left out of the weighted mean; ``evidence`` says which). Reasons are
short Chinese phrases in three lists: what fits, what is missing, and what
would fix it (a training course, a wage conversation of N yuan, one
education level).

Explanations are built only for the pairs returned to the caller.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from matcher.core.compare import EDU_STATUS, PRIORITY, Grid, GridScores, education_status, relation_scores
from matcher.core.features import RELATIONS, Features, as_list
from matcher.core.fairness import outside_window, vacancy_flags
from matcher.core.settings import DIMENSIONS, MatchSettings

DIM_ZH = {"skills": "技能", "occupation": "经历/职业", "education": "学历", "wage": "薪资", "place": "地点",
          "conditions": "工作条件", PRIORITY: "优先政策"}
GROUP_ZH = {"4045": "4045人员", "zero_employment_family": "零就业家庭", "rural_migrant": "农民工",
            "graduate": "高校毕业生", "disabled": "残疾人", "veteran": "退役军人"}
REL_ZH = {"same": "同区县", "adjacent": "邻近区县", "city": "市内其他区县", "outside": "市外", "unknown": "地点未知"}


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
    reasons: dict[str, list[str]] = field(default_factory=lambda: {"fits": [], "gaps": [], "fixes": []})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (keys as documented in :mod:`matcher.core`)."""
        return asdict(self)


def _opt_bool(x: float) -> bool | None:
    return None if math.isnan(x) else bool(x == 1.0)


def _opt_float(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _yuan(x: float | None) -> str:
    return "?" if x is None else f"{x:.0f}"


class Explainer:
    """Builds :class:`Match` records from fitted features (one per returned pair)."""

    def __init__(self, F: Features, st: MatchSettings, seekers: Any, vacancies: Any, normaliser: Any) -> None:
        self.F, self.st, self.seekers, self.vacancies, self.norm = F, st, seekers, vacancies, normaliser
        self.levels = _level_names()
        self._courses: dict[str, str | None] = {}
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
        if not skill_id or self.norm is None or not hasattr(self.norm, "courses_for"):
            return None
        if skill_id not in self._courses:
            try:
                found = list(self.norm.courses_for([skill_id]))
            except (KeyError, ValueError):
                found = []
            self._courses[skill_id] = str(found[0]) if found else None
        return self._courses[skill_id]

    @staticmethod
    def _row(m: Any, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of row i of a CSR (or column i of a CSC) matrix, without copying."""
        lo, hi = m.indptr[i], m.indptr[i + 1]
        return m.indices[lo:hi], m.data[lo:hi]

    def skills(self, si: int, vi: int) -> tuple[list[dict], list[dict]]:
        F, thr = self.F, self.st.skills.match_threshold
        u = self._row(F.S, si)[0]
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
                                    "kind": kind})
        return matched, missing

    def education(self, si: int, vi: int) -> dict[str, Any]:
        F = self.F
        status = EDU_STATUS[int(education_status(F, self.st, Grid(np.array([si]), np.array([vi])))[0, 0])]
        req = None if math.isnan(F.edu_v[vi]) else int(F.edu_v[vi])
        lvl = None if math.isnan(F.edu_s[si]) else int(F.edu_s[si])
        gap = None if req is None or lvl is None else lvl - req
        return {"required": req, "seeker": lvl, "gap": gap, "status": status}

    def wage(self, si: int, vi: int) -> dict[str, Any]:
        F = self.F
        off, exp = F.woff[vi], F.wexp[si]
        gap = None if math.isnan(off) or math.isnan(exp) else float(off - exp)
        if F.v_negotiable[vi]:
            status = "negotiable"
        elif gap is None:
            status = "negotiable" if F.s_negotiable[si] and not math.isnan(off) else "unknown"
        else:
            status = "meets" if gap >= 0 else "below"
        return {"offered_min": _opt_float(F.woff_min[vi]), "offered_max": _opt_float(F.woff_max[vi]),
                "expected_min": _opt_float(F.wexp_min[si]), "expected_max": _opt_float(F.wexp_max[si]),
                "gap": gap, "status": status,
                "below_minimum": bool(not math.isnan(off) and off < self.st.minimum_wage)}

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
        flags = vacancy_flags(vac, None if math.isnan(F.woff[vi]) else float(F.woff[vi]), bool(F.expired[vi]), st)
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
        m.reasons = self.reasons(m, si, vi)
        return m

    def reasons(self, m: Match, si: int, vi: int) -> dict[str, list[str]]:
        """Short Chinese phrases: what fits, what is missing, what would fix it."""
        fits: list[str] = []
        gaps: list[str] = []
        fixes: list[str] = []
        L = self.levels
        req_matched = [x for x in m.matched_skills if x["kind"] != "preferred"]
        if req_matched:
            fits.append("技能对口：" + "、".join(
                x["required"] + ("" if x["required"] == x["matched_by"] else f"（{x['matched_by']}）")
                for x in req_matched[:4]))
        pref = [x for x in m.matched_skills if x["kind"] == "preferred"]
        if pref:
            fits.append("具备优先技能：" + "、".join(x["required"] for x in pref[:3]))
        if m.missing_skills:
            gaps.append("缺少：" + "、".join(x["skill"] for x in m.missing_skills[:5]))
            for x in m.missing_skills[:3]:
                fixes.append(f"参加培训：{x['course']}（补{x['skill']}）" if x["course"] else f"补充技能：{x['skill']}")
        occ = m.components.get("occupation")
        if occ is not None and occ >= 0.5:
            t = self.best_title(si, vi)
            fits.append(f"经历/意向相近：{t}" if t else "简介与技能描述和岗位相近")
        e = m.education
        if e["status"] == "none_required":
            fits.append("无学历要求")
        elif e["status"] in ("meets", "over"):
            fits.append(f"学历符合：要求{L[e['required']]}，本人{L[e['seeker']]}")
        elif e["status"] == "one_short":
            gaps.append(f"学历差一级：要求{L[e['required']]}，本人{L[e['seeker']]}")
            fixes.append(f"提升一级学历（{L[e['seeker'] + 1]}）或请用人单位放宽学历要求")
        elif e["status"] == "far_short":
            gaps.append(f"学历差{-e['gap']}级：要求{L[e['required']]}，本人{L[e['seeker']]}")
        elif e["status"] == "unknown":
            gaps.append(f"学历未登记（岗位要求{L[e['required']]}）")
            fixes.append("补登学历信息")
        w = m.wage
        if w["status"] == "meets":
            fits.append(f"薪资{_yuan(self.F.woff[vi])}元/月，达到期望{_yuan(self.F.wexp[si])}元/月")
        elif w["status"] == "below":
            n = -w["gap"]
            gaps.append(f"薪资比期望低{n:.0f}元/月")
            fixes.append(f"与求职者沟通薪资期望（相差{n:.0f}元/月）或与用人单位协商")
        elif w["status"] == "negotiable":
            gaps.append("薪资面议，需确认")
        if w["below_minimum"]:
            gaps.append(f"薪资低于当地最低工资{self.st.minimum_wage:.0f}元/月")
        vd = self.F.district_names[self.F.dist_v[vi]] if self.F.dist_v[vi] >= 0 else "?"
        if m.distance in ("same", "adjacent"):
            fits.append(f"{REL_ZH[m.distance]}（{vd}）")
        elif m.distance in ("city", "outside"):
            gaps.append(f"距离较远：岗位在{vd}（{REL_ZH[m.distance]}）")
            if not m.lodging:
                fixes.append("询问用人单位能否提供住宿，或推荐意向区县内的岗位")
        if m.lodging:
            fits.append("提供包吃住")
        c = m.conditions
        if c["shift_status"] == "accepted":
            fits.append("接受倒班")
        elif c["shift_status"] == "conflict":
            gaps.append("岗位需倒班，本人不接受倒班")
            fixes.append("与求职者沟通倒班安排")
        if c["social_insurance"] is True:
            fits.append("缴纳五险")
        elif c["social_insurance"] is False:
            gaps.append("不缴纳五险")
        if m.contributions.get(PRIORITY, 0) > 0:
            names = "、".join(GROUP_ZH.get(g, g) for g in m.priority_groups if g in self.st.priority.groups)
            fits.append(f"公益性岗位优先安置（{names}）：+{m.contributions[PRIORITY]:.2f}")
        if m.fair_ranking.get("promoted"):
            fits.append("按重点群体最低比例规则提前")
        return {"fits": fits, "gaps": gaps, "fixes": fixes}
