"""Fit-time features of seekers and vacancies: computed once, read by every query.

:func:`build_features` turns the two NORMALISED frames (see
:mod:`matcher.schema`) into a :class:`~matcher.core.fitted.Features`. It only
assembles; each concern has its own module:

* :mod:`.cells` — reading list, experience, text, number, yes/no and id cells;
* :mod:`.items` — skills and certificates: incidence, similarity (with the
  certificate levels of :mod:`.certificates`), IDF-weighted means, the
  vacancy-side mix and each seeker item's best match per vacancy;
* :mod:`.text` — tokens, field-weighted TF-IDF vectors, LSA embeddings, the raw
  text similarity and its calibration;
* :mod:`.codes` — occupation codes of both sides and their proximity;
* :mod:`.tables` — scalar columns and the lookup tables of education, wage,
  place and conditions.

Sparse products and embeddings are float64 and rounded to float32 once per
pair, so a pair gets the same score in any block or pair list.

Missing columns are treated as empty (so thin benchmark frames work); a frame
without its id column raises :class:`matcher.errors.InputFileError`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from matcher.core.cells import as_experience, as_list, column, flag_column, id_column, id_rank, yes_no_column
from matcher.core.certificates import posted_certificates
from matcher.core.codes import code_profiles, occupation_codes
from matcher.core.fitted import Features, Resources, SkillNormaliserLike
from matcher.core.items import build_items
from matcher.core.settings import MatchSettings
from matcher.core.tables import RELATIONS, build_scalars, scalar_tables
from matcher.core.text import build_text, text_calibration


def vacancy_certificates(vacancies: pd.DataFrame) -> list[list[str]]:
    """Each post's required certificates: those listed under ``certificates_required`` and those its
    description requires (须持…证上岗): a permit either way (:func:`posted_certificates`)."""
    return [posted_certificates(as_list(x), d if isinstance(d, str) else "") for x, d in
            zip(column(vacancies, "certificates_required").tolist(), column(vacancies, "description").tolist())]


def build_features(seekers: pd.DataFrame, vacancies: pd.DataFrame, settings: MatchSettings,
                   res: Resources) -> Features:
    """Compute all features. See the module docstring. Raises InputFileError on missing ids."""
    seekers = seekers.reset_index(drop=True)
    vacancies = vacancies.reset_index(drop=True)
    sid = id_column(seekers, "seeker_id", "seekers")
    vid = id_column(vacancies, "vacancy_id", "vacancies")
    ns, nv = len(seekers), len(vacancies)

    s_skills = [as_list(x) for x in column(seekers, "skills").tolist()]
    s_certs = [as_list(x) for x in column(seekers, "certificates").tolist()]
    v_req = [as_list(x) for x in column(vacancies, "required_skills").tolist()]
    v_pref = [as_list(x) for x in column(vacancies, "preferred_skills").tolist()]
    v_cert = vacancy_certificates(vacancies)
    it = build_items(s_skills, s_certs, v_req, v_pref, v_cert, settings, res.skill_normaliser)
    tx = build_text(seekers, vacancies, s_skills, s_certs, v_req, v_pref, v_cert, settings)
    codes = occupation_codes(seekers, vacancies, tx["exps"], tx["desired"], tx["v_titles"], settings, res,
                             tx["years_weight"])
    sc = build_scalars(seekers, vacancies, settings, res)
    S, vall, simp, s_text, v_text = it["S"], it["vall"], it["simp"], tx["s_text"], tx["v_text"]
    has_req, has_pref, has_cert = it["has_req"], it["has_pref"], it["has_cert"]

    feats = Features(
        n_seekers=ns, n_vacancies=nv, seeker_ids=sid, vacancy_ids=vid,
        seeker_id_rank=id_rank(sid), vacancy_id_rank=id_rank(vid),
        seeker_items=it["s_display"], vacancy_items=it["v_display"],
        seeker_item_ids=it["s_ids"], vacancy_item_ids=it["v_ids"],
        S=S.tocsr(), S_mean=it["S_mean"], req=it["req"], pref=it["pref"], cert=it["cert"], vall=vall,
        req_mean=it["req_mean"], pref_mean=it["pref_mean"], cert_mean=it["cert_mean"],
        sim=it["sim"], simp=simp, simp_t=simp.T.tocsr(),
        has_req=has_req, has_pref=has_pref, has_cert=has_cert,
        seeker_has_items=np.asarray(S.sum(axis=1)).ravel() > 0,
        seeker_text=s_text, vacancy_text=v_text, seeker_title_text=tx["s_title"].tocsr(),
        vacancy_title_text=tx["v_title"].tocsr(),
        seeker_has_text=tx["seeker_has_text"],
        vacancy_has_text=np.asarray(v_text.getnnz(axis=1)).ravel() > 0,
        seeker_titles=tx["seeker_titles"],
        seeker_codes=codes["seeker_codes"], seeker_code_w=codes["seeker_code_w"],
        vacancy_code=codes["vacancy_code"], code_prox=codes["prox"],
        seeker_code_list=codes["seeker_code_list"], vacancy_code_list=codes["vacancy_code_list"],
        seeker_minor=codes["seeker_minor"], vacancy_minor=codes["vacancy_minor"],
        edu_s=sc["edu_s"], edu_v=sc["edu_v"], wexp=sc["wexp"], wexp_min=sc["wexp_min"], wexp_max=sc["wexp_max"],
        s_negotiable=sc["s_negotiable"], woff=sc["woff"], woff_min=sc["woff_min"], woff_max=sc["woff_max"],
        v_negotiable=sc["v_negotiable"], district_names=sc["district_names"], dist_s=sc["dist_s"],
        dist_v=sc["dist_v"], pref_d=sc["pref_d"], rel=sc["rel"],
        accepts_shift=yes_no_column(seekers, "accepts_shift_work"), shift=yes_no_column(vacancies, "shift_work"),
        lodging=yes_no_column(vacancies, "lodging"), insurance=yes_no_column(vacancies, "social_insurance"),
        public_welfare=flag_column(vacancies, "public_welfare"), expired=sc["expired"], priority=sc["priority"],
    )
    x = feats.extra
    x["vall_csc"] = vall.tocsc()
    x["vmix"] = it["vmix"]
    x["vmix_t"] = it["vmix"].T.tocsr()
    x["seek_best"] = it["seek_best"].tocsr()
    x["seek_best_t"] = it["seek_best"].T.tocsr()
    x["vacancy_has_skills"] = has_req | has_cert            # required items: evidence even without seeker items
    x["vacancy_has_items"] = has_req | has_cert | has_pref
    x["seeker_item_cert"] = it["seeker_item_cert"]          # the permit rule (matcher.core.certificates)
    x["vacancy_item_permit"] = it["vacancy_item_permit"]
    x["vectorizer"] = tx["vectorizer"]
    x["vacancy_text_T"] = v_text.T.tocsr()
    if tx["semantic"] is not None:
        x["seeker_sem"], x["vacancy_sem"] = tx["semantic"]
        x["vacancy_sem_T"] = np.ascontiguousarray(tx["semantic"][1].T)
    if tx["vectorizer"] is not None and tx["T"] is not None:
        x["title_vecs"] = tx["T"].tocsr()
        x["seeker_title_idx"] = tx["title_index"]
        x["vacancy_title_idx"] = np.array(tx["v_title_idx"], dtype=np.int64)
    x.update(code_profiles(codes, ns))
    x["text_floor"], x["text_ceiling"] = text_calibration(feats, settings)
    scalar_tables(feats, settings)
    return feats


__all__ = ["build_features", "Features", "Resources", "SkillNormaliserLike", "RELATIONS", "as_list",
           "as_experience"]
