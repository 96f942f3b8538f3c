"""Helpers for the matching-core tests: small NORMALISED frames and light collaborators.

``seeker(**kw)`` / ``vacancy(**kw)`` return one normalised row (dict) with
every column of :mod:`matcher.schema` at a neutral default; ``frames(seekers,
vacancies)`` makes the two DataFrames. ``FakeSkillNormaliser`` has the
interface of :class:`matcher.skills.normaliser.SkillNormaliser` with a tiny
synonym table, so tests state exactly which texts are the same skill.
``make_matcher(...)`` fits a :class:`Matcher` with these collaborators.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher.core import Matcher, MatchSettings

#: everyday word -> canonical skill id, for the fake normaliser
SYNONYMS: dict[str, str] = {
    "焊接": "S_WELD", "电焊": "S_WELD", "会电焊": "S_WELD", "焊工证": "S_WELD_CERT", "焊工证(中级)": "S_WELD_CERT",
    "焊工证(初级)": "S_WELD_CERT",
    "叉车": "S_FORK", "开叉车": "S_FORK", "叉车驾驶": "S_FORK", "叉车证": "S_FORK_CERT",
    "门卫": "S_GUARD", "看大门": "S_GUARD", "安保": "S_GUARD",
    "电工": "S_ELEC", "电工证": "S_ELEC_CERT", "维修电工": "S_ELEC",
    "保洁": "S_CLEAN", "打扫卫生": "S_CLEAN",
    "烹饪": "S_COOK", "做饭": "S_COOK", "中式烹调": "S_COOK",
    "读图": "S_DRAW", "识图": "S_DRAW",
    "会计": "S_ACC", "做账": "S_ACC",
}
#: partial similarity between related canonical skills
RELATED: dict[frozenset, float] = {frozenset({"S_WELD", "S_DRAW"}): 0.3, frozenset({"S_ELEC", "S_ELEC_CERT"}): 0.8,
                                   frozenset({"S_WELD", "S_WELD_CERT"}): 0.8, frozenset({"S_FORK", "S_FORK_CERT"}): 0.8}
COURSES: dict[str, str] = {"S_WELD": "焊工培训", "S_DRAW": "机械识图培训", "S_FORK": "叉车司机培训",
                           "S_ELEC": "电工培训", "S_ACC": "会计实务培训", "S_WELD_CERT": "焊工证培训"}


@dataclass
class FakeSkillMatch:
    skill_id: str | None
    label: str
    score: float
    method: str


class FakeSkillNormaliser:
    """Synonym-table skill normaliser with the real one's interface (exact, no fuzziness)."""

    def fit(self, extra_terms: tuple = ()) -> FakeSkillNormaliser:
        return self

    def _id(self, text: str) -> str | None:
        return SYNONYMS.get(text.strip())

    def normalise(self, text: str) -> list[FakeSkillMatch]:
        sid = self._id(text)
        return [FakeSkillMatch(sid, text, 1.0 if sid else 0.0, "synonym" if sid else "free")]

    def normalise_many(self, texts: list[str]) -> list[list[FakeSkillMatch]]:
        return [self.normalise(t) for t in texts]

    def similarity_matrix(self, a: list[str], b: list[str]) -> sp.csr_matrix:
        out = np.zeros((len(a), len(b)))
        ia = [self._id(t) for t in a]
        ib = [self._id(t) for t in b]
        for i, x in enumerate(ia):
            for j, y in enumerate(ib):
                if x is not None and x == y:
                    out[i, j] = 1.0
                elif x is not None and y is not None:
                    out[i, j] = RELATED.get(frozenset({x, y}), 0.0)
                elif a[i].strip().lower() == b[j].strip().lower():
                    out[i, j] = 1.0
        return sp.csr_matrix(out)

    def courses_for(self, skill_ids: list[str]) -> list[str]:
        return [COURSES[s] for s in skill_ids if s in COURSES]


class FakeCoder:
    """Codes titles by a fixed table (score 0.9), unknown titles get nothing."""

    TABLE = {"焊工": "6-18-02-04", "电焊工": "6-18-02-04", "电焊": "6-18-02-04", "炼钢工": "6-16-02-01",
             "叉车司机": "4-02-02-05", "叉车工": "4-02-02-05", "保安员": "4-07-05-01", "门卫": "4-07-05-01",
             "厨师": "4-03-02-01", "电工": "6-31-01-03", "会计": "2-06-03-00"}

    def fit(self) -> FakeCoder:
        return self

    def predict(self, titles: list[str], k: int = 1) -> list[list[tuple[str, float]]]:
        return [[(self.TABLE[t], 0.9)] if t in self.TABLE else [] for t in titles]


class FakeProximity:
    """1 same code, 0.6 same minor group, 0.3 same middle group, else 0."""

    def fit(self) -> FakeProximity:
        return self

    @staticmethod
    def similarity(a: str, b: str) -> float:
        if a == b:
            return 1.0
        pa, pb = a.split("-"), b.split("-")
        if pa[:3] == pb[:3]:
            return 0.6
        if pa[:2] == pb[:2]:
            return 0.3
        return 0.0

    def matrix(self, codes_a: list[str], codes_b: list[str]) -> np.ndarray:
        return np.array([[self.similarity(x, y) for y in codes_b] for x in codes_a]).reshape(len(codes_a), len(codes_b))


def district_relation(a: str, b: str) -> str:
    """The real relation function (the districts module is part of the package)."""
    from matcher.normalise.districts import district_relation as rel
    return rel(a, b)


def seeker(seeker_id: str, **kw: Any) -> dict[str, Any]:
    """One normalised seeker row with neutral defaults."""
    row: dict[str, Any] = {
        "seeker_id": seeker_id, "name": None, "id_number": None, "phone": None, "gender": None, "age": pd.NA,
        "birth_date": pd.NaT, "district": None, "district_class": "unknown", "hukou": None,
        "education_level": pd.NA, "education_raw": "", "skills": [], "certificates": [], "desired_titles": [],
        "experience": [], "summary": "", "expected_wage_min": np.nan, "expected_wage_max": np.nan,
        "expected_wage_negotiable": False, "preferred_districts": [], "accepts_shift_work": pd.NA,
        "priority_groups": [], "is_4045": False, "is_rural_migrant": False, "registered_on": pd.NaT,
        "ethnicity": None, "source_row": 2,
    }
    row.update(kw)
    return row


def vacancy(vacancy_id: str, **kw: Any) -> dict[str, Any]:
    """One normalised vacancy row with neutral defaults."""
    row: dict[str, Any] = {
        "vacancy_id": vacancy_id, "employer": "", "title": "岗位", "description": "", "csco_code": None,
        "required_skills": [], "preferred_skills": [], "certificates_required": [], "education_min_level": pd.NA,
        "education_raw": "", "wage_min": np.nan, "wage_max": np.nan, "wage_negotiable": False, "wage_raw": "",
        "openings": 1, "district": None, "district_class": "unknown", "shift_work": pd.NA, "lodging": pd.NA,
        "social_insurance": pd.NA, "public_welfare": False, "age_min": pd.NA, "age_max": pd.NA,
        "gender_requirement": None, "gender_requirement_raw": "", "posted_on": pd.NaT, "expires_on": pd.NaT,
        "source_row": 2,
    }
    row.update(kw)
    return row


def frames(seekers: list[dict], vacancies: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """DataFrames from rows made by :func:`seeker` / :func:`vacancy`."""
    s = pd.DataFrame(seekers)
    v = pd.DataFrame(vacancies)
    for c in ("age", "education_level"):
        s[c] = pd.array(s[c].tolist(), dtype="Int64")
    for c in ("education_min_level", "age_min", "age_max"):
        v[c] = pd.array(v[c].tolist(), dtype="Int64")
    s["accepts_shift_work"] = pd.array(s["accepts_shift_work"].tolist(), dtype="boolean")
    for c in ("shift_work", "lodging", "social_insurance"):
        v[c] = pd.array(v[c].tolist(), dtype="boolean")
    return s, v


def make_matcher(seekers: list[dict], vacancies: list[dict], settings: dict | MatchSettings | None = None,
                 **kw: Any) -> Matcher:
    """A fitted Matcher over the rows, with the fake collaborators and a fixed reference date."""
    if settings is None or isinstance(settings, dict):
        base = {"reference_date": "2024-06-01"}
        base.update(settings or {})
        settings = MatchSettings.from_dict(base)
    s, v = frames(seekers, vacancies)
    m = Matcher(settings, skill_normaliser=kw.get("skill_normaliser", FakeSkillNormaliser()),
                occupation_coder=kw.get("occupation_coder", FakeCoder()),
                occupation_proximity=kw.get("occupation_proximity", FakeProximity()),
                district_relation=kw.get("district_relation", district_relation))
    return m.fit(s, v)


def random_market(n_seekers: int = 60, n_vacancies: int = 40, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """A random but reproducible market using the synonym table and Panzhihua districts."""
    rng = np.random.default_rng(seed)
    words = sorted(SYNONYMS)
    districts = ["东区", "西区", "仁和区", "米易县", "盐边县", "成都市", None]
    titles = sorted(FakeCoder.TABLE) + ["服务员", "司机"]
    groups = ["4045", "rural_migrant", "graduate", "zero_employment_family"]
    ss, vv = [], []
    for i in range(n_seekers):
        lo = float(rng.choice([np.nan, 2000, 2500, 3000, 3500, 4000, 5000]))
        ss.append(seeker(
            f"S{i:03d}", gender=str(rng.choice(["F", "M"])), age=int(rng.integers(18, 60)),
            hukou=str(rng.choice(["urban", "rural"])), ethnicity=str(rng.choice(["汉族", "彝族", "傈僳族"])),
            district=districts[int(rng.integers(len(districts)))],
            education_level=int(rng.integers(0, 7)) if rng.random() > 0.2 else pd.NA,
            skills=list(rng.choice(words, size=int(rng.integers(0, 4)), replace=False)),
            certificates=["焊工证(初级)"] if rng.random() < 0.2 else [],
            experience=[(str(rng.choice(titles)), float(rng.integers(0, 20)))] if rng.random() < 0.7 else [],
            desired_titles=[str(rng.choice(titles))] if rng.random() < 0.5 else [],
            expected_wage_min=lo, expected_wage_max=lo + 1000 if not np.isnan(lo) else np.nan,
            accepts_shift_work=[True, False, pd.NA][int(rng.integers(3))],
            preferred_districts=["东区"] if rng.random() < 0.2 else [],
            priority_groups=list(rng.choice(groups, size=int(rng.integers(0, 2)), replace=False)),
        ))
    for j in range(n_vacancies):
        wmin = float(rng.choice([np.nan, 1800, 2500, 3000, 4000, 5000]))
        vv.append(vacancy(
            f"V{j:03d}", title=str(rng.choice(titles)),
            required_skills=list(rng.choice(words, size=int(rng.integers(0, 3)), replace=False)),
            preferred_skills=list(rng.choice(words, size=int(rng.integers(0, 2)), replace=False)),
            certificates_required=["焊工证(中级)"] if rng.random() < 0.2 else [],
            education_min_level=int(rng.integers(0, 5)) if rng.random() > 0.4 else pd.NA,
            wage_min=wmin, wage_max=wmin + 1500 if not np.isnan(wmin) else np.nan,
            wage_negotiable=bool(np.isnan(wmin) and rng.random() < 0.5),
            district=districts[int(rng.integers(len(districts)))],
            shift_work=[True, False, pd.NA][int(rng.integers(3))], lodging=[True, False, pd.NA][int(rng.integers(3))],
            social_insurance=[True, False, pd.NA][int(rng.integers(3))], public_welfare=bool(rng.random() < 0.2),
            gender_requirement=["M", "F", None, None][int(rng.integers(4))],
            age_min=pd.NA, age_max=[pd.NA, 35, 50][int(rng.integers(3))],
        ))
    return ss, vv
