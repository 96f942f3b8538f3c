"""Occupation codes of posts (given ``csco_code`` or coded from the title) and seekers (coded experience and
desired titles, with weights), the proximity between them and the minor groups used for blocking."""
from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher.core.cells import cell_text, column
from matcher.core.fitted import Resources
from matcher.core.settings import MatchSettings

CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")


def minor_group(code: str) -> str:
    p = code.split("-")
    return "-".join(p[:3] + ["00"])


def occupation_codes(seekers: pd.DataFrame, vacancies: pd.DataFrame, exps: list, desired: list,
                      v_titles: list[str], settings: MatchSettings, res: Resources,
                      years_weight: Callable[[float | None], float]) -> dict[str, Any]:
    ns, nv = len(seekers), len(vacancies)
    o = settings.occupation
    coder = res.occupation_coder if o.use_codes else None
    prox_model = res.occupation_proximity if o.use_codes else None
    given = [(cell_text(c) if CODE_RE.match(cell_text(c)) else "") for c in column(vacancies, "csco_code").tolist()]
    v_code_str: list[str] = list(given)
    s_pairs: list[list[tuple[str, float]]] = [[] for _ in range(ns)]
    if coder is not None and hasattr(coder, "with_office_codes"):
        # the posts this input already codes are the office's own vocabulary: a title it codes alike on
        # several posts takes that code (OccupationCoder.with_office_codes), as in the review queue
        coder = coder.with_office_codes(v_titles, given, skip_unknown=True)
    if coder is not None and prox_model is not None:
        titles = sorted({t for ex in exps for t, _ in ex} | {t for de in desired for t in de}
                        | {t for t, g in zip(v_titles, given) if not g and t})
        coded: dict[str, str] = {}
        if titles:
            for t, preds in zip(titles, coder.predict(titles, 1)):
                if preds and preds[0][1] >= o.min_code_score and CODE_RE.match(str(preds[0][0])):
                    coded[t] = str(preds[0][0])
        v_code_str = [g or coded.get(t, "") for g, t in zip(given, v_titles)]
        for i, (ex, de) in enumerate(zip(exps, desired)):
            best: dict[str, float] = {}
            for t, y in ex:
                if t in coded:
                    best[coded[t]] = max(best.get(coded[t], 0.0), years_weight(y))
            for t in de:
                if t in coded:
                    best[coded[t]] = max(best.get(coded[t], 0.0), 1.0)
            s_pairs[i] = sorted(best.items())
    s_list = sorted({c for p in s_pairs for c, _ in p})
    v_list = sorted({c for c in v_code_str if c})
    s_idx = {c: i for i, c in enumerate(s_list)}
    v_idx = {c: i for i, c in enumerate(v_list)}
    m = max([len(p) for p in s_pairs] + [1])
    seeker_codes = np.full((ns, m), len(s_list), dtype=np.int64)   # pad -> the zero row
    seeker_code_w = np.zeros((ns, m))
    for i, p in enumerate(s_pairs):
        for j, (c, w) in enumerate(p):
            seeker_codes[i, j] = s_idx[c]
            seeker_code_w[i, j] = w
    vacancy_code = np.array([v_idx[c] if c else len(v_list) for c in v_code_str], dtype=np.int64)
    prox = np.zeros((len(s_list) + 1, len(v_list) + 1))
    if s_list and v_list and prox_model is not None:
        prox[:-1, :-1] = np.clip(np.asarray(prox_model.matrix(s_list, v_list), dtype=float), 0, 1)
    minors = sorted({minor_group(c) for c in s_list} | {minor_group(c) for c in v_list})
    mi = {c: i for i, c in enumerate(minors)}
    r, c = [], []
    for i, p in enumerate(s_pairs):
        for code, _ in p:
            r.append(i)
            c.append(mi[minor_group(code)])
    seeker_minor = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(ns, len(minors)))
    r2 = [mi[minor_group(code)] for code in v_code_str if code]
    c2 = [j for j, code in enumerate(v_code_str) if code]
    vacancy_minor = sp.csr_matrix((np.ones(len(r2)), (r2, c2)), shape=(len(minors), nv))
    return {"seeker_codes": seeker_codes, "seeker_code_w": seeker_code_w, "vacancy_code": vacancy_code,
            "prox": prox, "seeker_code_list": s_list, "vacancy_code_list": v_list,
            "seeker_minor": (seeker_minor > 0).astype(float).tocsr(),
            "vacancy_minor": (vacancy_minor > 0).astype(float).tocsr()}

def code_profiles(codes: dict[str, Any], ns: int) -> dict[str, Any]:
    """Code proximity per distinct seeker code profile (pairs answered by one gather), and who has a code."""
    prof_keys: dict[tuple, int] = {}
    prof_idx = np.empty(ns, dtype=np.int64)
    prof_rows: list[int] = []
    for i in range(ns):
        key = (tuple(codes["seeker_codes"][i].tolist()), tuple(np.round(codes["seeker_code_w"][i], 9).tolist()))
        j = prof_keys.get(key)
        if j is None:
            j = prof_keys[key] = len(prof_rows)
            prof_rows.append(i)
        prof_idx[i] = j
    pc_codes = codes["seeker_codes"][prof_rows] if prof_rows else codes["seeker_codes"][:0]
    pc_w = codes["seeker_code_w"][prof_rows] if prof_rows else codes["seeker_code_w"][:0]
    return {"code_profile": prof_idx,
            "code_profile_prox": (codes["prox"][pc_codes] * pc_w[:, :, None]).max(axis=1).astype(np.float32)
            if len(prof_rows) else np.zeros((0, codes["prox"].shape[1]), np.float32),
            "seeker_has_code": (codes["seeker_code_w"] > 0).any(axis=1),
            "vacancy_has_code": codes["vacancy_code"] < len(codes["vacancy_code_list"])}
