"""The fitted state of the core: :class:`Features` (everything a comparison reads) and :class:`Resources`
(the collaborators a fit uses). Plain containers, built by :func:`matcher.core.features.build_features`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import numpy as np
import scipy.sparse as sp


class SkillNormaliserLike(Protocol):
    """What the core needs from :class:`matcher.skills.normaliser.SkillNormaliser`."""

    def normalise_many(self, texts: list[str]) -> list[list[Any]]: ...
    def similarity_matrix(self, texts_a: list[str], texts_b: list[str]) -> sp.csr_matrix: ...
    def courses_for(self, skill_ids: list[str]) -> list[str]: ...


@dataclass
class Resources:
    """The collaborators of the core (injected for tests, built from the real modules otherwise)."""

    skill_normaliser: Any
    occupation_coder: Any | None
    occupation_proximity: Any | None
    district_relation: Callable[[str, str], str]


@dataclass
class Features:
    """Everything :mod:`matcher.core.compare` reads. Positional order = frame order."""

    n_seekers: int
    n_vacancies: int
    seeker_ids: np.ndarray
    vacancy_ids: np.ndarray
    seeker_id_rank: np.ndarray       # rank of each id in sorted order (deterministic ties)
    vacancy_id_rank: np.ndarray
    # items
    seeker_items: list[str]
    vacancy_items: list[str]
    seeker_item_ids: list[str | None]
    vacancy_item_ids: list[str | None]
    S: sp.csr_matrix                 # seekers × seeker items (0/1)
    S_mean: sp.csr_matrix            # rows sum to 1 (or 0)
    req: sp.csr_matrix               # vacancy items × vacancies (0/1)
    pref: sp.csr_matrix
    cert: sp.csr_matrix
    vall: sp.csr_matrix              # union of the three
    req_mean: sp.csr_matrix          # columns sum to 1 (or 0)
    pref_mean: sp.csr_matrix
    cert_mean: sp.csr_matrix
    sim: sp.csr_matrix               # seeker items × vacancy items, in [0, 1]
    simp: sp.csr_matrix              # sim ** p
    simp_t: sp.csr_matrix            # transpose of simp, CSR
    has_req: np.ndarray
    has_pref: np.ndarray
    has_cert: np.ndarray
    seeker_has_items: np.ndarray
    # text
    seeker_text: sp.csr_matrix       # L2-normalised field-weighted vectors
    vacancy_text: sp.csr_matrix
    seeker_title_text: sp.csr_matrix
    vacancy_title_text: sp.csr_matrix
    seeker_has_text: np.ndarray
    vacancy_has_text: np.ndarray
    seeker_titles: list[list[str]]   # experience + desired titles per seeker (for explanations)
    # occupation codes
    seeker_codes: np.ndarray         # (n_s, m) index into seeker code list, -1 pad
    seeker_code_w: np.ndarray        # (n_s, m) weights
    vacancy_code: np.ndarray         # (n_v,) index into vacancy code list, -1 unknown
    code_prox: np.ndarray            # (n_seeker_codes + 1, n_vacancy_codes + 1); last row/col = unknown (0)
    seeker_code_list: list[str]
    vacancy_code_list: list[str]
    seeker_minor: sp.csr_matrix      # seekers × minor groups (0/1)
    vacancy_minor: sp.csr_matrix     # minor groups × vacancies (0/1)
    # scalars
    edu_s: np.ndarray                # float, NaN unknown
    edu_v: np.ndarray                # float, NaN none required
    wexp: np.ndarray                 # expected (bottom of range), NaN unknown/negotiable
    wexp_min: np.ndarray
    wexp_max: np.ndarray
    s_negotiable: np.ndarray
    woff: np.ndarray                 # offered (top of range), NaN unknown/negotiable
    woff_min: np.ndarray
    woff_max: np.ndarray
    v_negotiable: np.ndarray
    district_names: list[str]
    dist_s: np.ndarray               # int code, -1 unknown
    dist_v: np.ndarray
    pref_d: sp.csr_matrix            # seekers × districts (preferred)
    rel: np.ndarray                  # (n_d + 1, n_d + 1) relation index into RELATIONS; last = unknown
    accepts_shift: np.ndarray        # float 1/0/NaN
    shift: np.ndarray
    lodging: np.ndarray
    insurance: np.ndarray
    public_welfare: np.ndarray       # bool
    expired: np.ndarray              # bool
    priority: np.ndarray             # bool: seeker in one of the policy's groups
    extra: dict[str, Any] = field(default_factory=dict)

