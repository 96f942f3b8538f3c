"""Match settings: one JSON-friendly object with every weight, threshold and policy.

:class:`MatchSettings` is a plain dataclass tree (never pickled). The field
defaults below are the defaults; ``matcher/data/default_settings.json`` is
their documented copy (a test keeps the two equal). Build settings with
:meth:`MatchSettings.from_dict` from ``None`` (the defaults) or a (partial)
dict, merged over the defaults section by section; keys starting with ``_``
(comments) are ignored. :meth:`MatchSettings.to_dict` gives the same tree back
as plain JSON values. The core reads no files: settings files and JSON strings
are read by :func:`matcher.io.settings.read_settings`.

Invalid input raises :class:`matcher.errors.SettingsError` naming the key, the
value seen and what is expected (unknown keys, wrong types, negative weights,
an unparseable ``reference_date`` ...).

The meaning of every value is documented in the shipped JSON file and in the
field comments below. Scores of every dimension are in [0, 1]; wages are
yuan per month.
"""
from __future__ import annotations

import datetime as _dt
import json
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from matcher import vocab
from matcher.errors import SettingsError

#: The scored dimensions, in the fixed order used for contributions.
DIMENSIONS: tuple[str, ...] = ("skills", "occupation", "education", "wage", "place", "conditions")

#: Points of an offered wage range the expectation can be compared with (``wage.basis``).
WAGE_BASES: tuple[str, ...] = ("bottom", "middle", "top")

#: Canonical priority-group codes (see matcher.schema).
PRIORITY_GROUPS: tuple[str, ...] = vocab.PRIORITY_GROUPS


@dataclass
class SkillSettings:
    """How the skills dimension is computed (see :mod:`matcher.core.compare`)."""

    required_weight: float = 1.0       # weight of coverage of required skills
    preferred_weight: float = 0.3      # weight of coverage of preferred skills
    certificate_weight: float = 0.5    # weight of coverage of required certificates
    vacancy_side_share: float = 0.35   # share of "vacancy items covered" vs "seeker items used"
    softmax_power: float = 6.0         # p of the p-norm soft maximum over similar items
    match_threshold: float = 0.5       # similarity at which a required item counts as matched in explanations
    certificate_level_shortfall: float = 0.6  # similarity factor when the seeker's certificate level is lower
    idf_weighting: bool = True         # weight items by rarity (log inverse document frequency) in the means
    preferred_target_weight: float = 0.5  # seeker side: a preferred item matches at this fraction of its similarity


@dataclass
class OccupationSettings:
    """Experience / desired titles / profile text vs the post, plus occupation codes."""

    title_field_weight: float = 0.25   # weight of the title field in the field-weighted TF-IDF vector
    body_field_weight: float = 0.6     # weight of the body field (seeker summary / vacancy description)
    skills_field_weight: float = 0.15  # weight of the skills field (skill and certificate texts)
    semantic_weight: float = 0.5       # share of the LSA (latent semantic) cosine in the text similarity
    semantic_dims: int = 100           # LSA dimensions (truncated SVD fitted on the vacancy vectors)
    max_terms: int = 0                 # keep only this many strongest terms per text vector (0 = all)
    auto_calibrate_text: bool = True   # read floor/ceiling off the market at fit (see text.text_calibration)
    text_floor: float = 0.05           # cosine at or below which text similarity scores 0 (when not auto)
    text_ceiling: float = 0.45         # cosine at or above which text similarity scores 1 (when not auto)
    code_weight: float = 0.4           # share of occupation-code proximity when codes are known
    use_codes: bool = True             # code titles with the occupation coder
    min_code_score: float = 0.35       # coder confidence below which a coded title is ignored
    years_full: float = 10.0           # years of experience that earn the full title weight
    years_base: float = 0.6            # title weight of an experience with 0 years (unknown: midway)


@dataclass
class EducationSettings:
    """Scores of the education statuses."""

    meets: float = 1.0
    over: float = 0.85                 # more than `over_tolerance` levels above the requirement
    one_short: float = 0.5
    far_short: float = 0.1
    none_required: float = 1.0
    over_tolerance: int = 1            # levels above the requirement still counted as "meets"


@dataclass
class WageSettings:
    """Logistic slope in the relative gap (offered - expected) / expected; which offer is compared."""

    midpoint: float = -0.15            # relative gap scoring half of a met expectation
    slope: float = 0.06                # logistic scale; larger is gentler
    basis: str = "bottom"              # point of an offered range compared: bottom (reliably paid), middle, top


@dataclass
class PlaceSettings:
    """Scores of the district relations; lodging softens distance."""

    same: float = 1.0
    adjacent: float = 0.75
    city: float = 0.5
    outside: float = 0.2
    lodging_softening: float = 0.5     # share of the distance penalty removed when board and lodging are offered


@dataclass
class ConditionSettings:
    """Shift work vs acceptance; social insurance."""

    shift_conflict: float = 0.1        # score when the post needs shifts the seeker refuses
    no_insurance: float = 0.4          # score of the insurance sub-part when none is offered
    shift_weight: float = 0.6
    insurance_weight: float = 0.4


@dataclass
class HardConstraintSettings:
    """The only hard filters."""

    exclude_expired: bool = True       # vacancies whose expires_on < reference_date are never ranked


@dataclass
class PrioritySettings:
    """Explicit priority policy for the hard-to-employ (shown in every explanation)."""

    enabled: bool = True
    groups: list[str] = field(default_factory=lambda: ["4045", "zero_employment_family", "rural_migrant",
                                                        "disabled", "veteran"])
    public_welfare_boost: float = 0.05  # added to the score of a priority-group seeker on a public-welfare post
    fair_ranking: bool = False          # FA*IR-style minimum share in every prefix of a vacancy's list
    min_share: float = 0.3              # target share of priority-group candidates
    alpha: float = 0.1                  # significance of the FA*IR minimum-count table


@dataclass
class ComplianceSettings:
    """When a posted age window counts as narrow (flag only, never a filter)."""

    narrow_age_span: int = 15           # age_max - age_min below this is narrow
    narrow_age_max: int = 45            # age_max below this is narrow (excludes 4045 persons)


@dataclass
class BlockingSettings:
    """Candidate generation for the nightly batch (``top_k_block``)."""

    enabled: bool = True
    skill_threshold: float = 0.5        # item similarity that makes a vacancy a candidate
    max_item_share: float = 0.05        # items listed by more vacancies than this share do not generate candidates
    text_threshold: float = 0.2         # title-field cosine that makes a vacancy a candidate
    same_minor_group: bool = True       # same occupation minor group makes a candidate
    min_candidates_factor: int = 3      # seekers with fewer than this × k candidates are scored exhaustively


@dataclass
class ReasonSettings:
    """When a dimension is named as a fit or a gap in the short reasons (raw component in [0, 1])."""

    fit_at: float = 0.75               # a dimension with evidence scoring at or above this is a fit
    gap_at: float = 0.5                # a dimension with evidence scoring below this is a gap


@dataclass
class OutcomeSettings:
    """Ranking with a learned outcome model (``matcher learn``); see :mod:`matcher.outcomes.rank`."""

    model: str | None = None           # model folder (or model.json) written by `matcher learn`; None = no model
    weight: float = 1.0                # score gains weight x expected lasting hire (P(hire) x P(stay 180 days))
    rank_by: str = "score"             # "score" (score with the outcome term) or "lasting_hire" (expected lasting hire)
    pool: int = 50                     # the best `pool` by score (at least top_k) are re-ranked with the model


RANK_BY = ("score", "lasting_hire")


@dataclass
class MatchSettings:
    """All settings of the matching core. See the module docstring."""

    top_k: int = 10                     # list length of every face (match, batch, report, web)
    good_score: float = 0.7             # a match at or above this counts as good (report, web overview)
    feasible_score: float = 0.5         # a match at or above this counts as feasible (batch `feasible`)
    reference_date: str | None = None   # ISO date for expiry checks; None = today
    minimum_wage: float = 2100.0        # yuan/month; Sichuan first-tier monthly minimum (2022)
    weights: dict[str, float] = field(default_factory=lambda: {
        "skills": 0.15, "occupation": 0.4, "education": 0.05, "wage": 0.15, "place": 0.15, "conditions": 0.1})
    skills: SkillSettings = field(default_factory=SkillSettings)
    occupation: OccupationSettings = field(default_factory=OccupationSettings)
    education: EducationSettings = field(default_factory=EducationSettings)
    wage: WageSettings = field(default_factory=WageSettings)
    place: PlaceSettings = field(default_factory=PlaceSettings)
    conditions: ConditionSettings = field(default_factory=ConditionSettings)
    hard_constraints: HardConstraintSettings = field(default_factory=HardConstraintSettings)
    priority: PrioritySettings = field(default_factory=PrioritySettings)
    compliance: ComplianceSettings = field(default_factory=ComplianceSettings)
    blocking: BlockingSettings = field(default_factory=BlockingSettings)
    reasons: ReasonSettings = field(default_factory=ReasonSettings)
    outcomes: OutcomeSettings = field(default_factory=OutcomeSettings)

    def __post_init__(self) -> None:
        self.validate()

    # ------------------------------------------------------------- build
    @classmethod
    def from_dict(cls, source: dict | MatchSettings | None = None) -> MatchSettings:
        """Settings from ``None`` (the defaults), a (partial) dict, or settings (returned as they are).

        A dict may be partial: it is merged over the defaults, section by
        section; keys starting with ``_`` are comments. Raises
        :class:`SettingsError` on invalid values. The core reads no files: a
        path or a JSON string is refused; read those with
        :func:`matcher.io.settings.read_settings`.
        """
        if isinstance(source, MatchSettings):
            return source
        base = cls().to_dict()
        if source is None:
            return _build(cls, base, "")
        if isinstance(source, (str, Path)):
            raise SettingsError(f"The matching core takes settings as a dict, not a file path or JSON string "
                                f"({str(source)[:60]!r}); read it with matcher.io.settings.read_settings().")
        if not isinstance(source, dict):
            raise SettingsError(f"Settings must be a dict, MatchSettings or None, not {type(source).__name__}.")
        return _build(cls, _merge(base, source, ""), "")

    @classmethod
    def from_path_or_dict(cls, source: dict | MatchSettings | None = None) -> MatchSettings:
        """Former name of :meth:`from_dict`, kept for callers not yet renamed; paths are refused the same way."""
        return cls.from_dict(source)

    def with_values(self, **changes: Any) -> MatchSettings:
        """A validated copy with top-level keys replaced, e.g. ``st.with_values(top_k=3)`` (a command-line
        override); nested sections may be given as partial dicts. Unknown keys raise :class:`SettingsError`."""
        return MatchSettings.from_dict(_merge(self.to_dict(), changes, ""))

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON values (round-trips through :meth:`from_dict`)."""
        return json.loads(json.dumps(asdict(self)))

    def to_json(self, indent: int = 2) -> str:
        """The settings as a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # ------------------------------------------------------------ checks
    def validate(self) -> None:
        """Check value ranges; raise :class:`SettingsError` naming the key and value."""
        if not isinstance(self.top_k, int) or isinstance(self.top_k, bool) or self.top_k < 1:
            raise SettingsError(f"top_k must be a whole number >= 1, got {self.top_k!r}.")
        if self.minimum_wage < 0:
            raise SettingsError(f"minimum_wage must be >= 0 yuan/month, got {self.minimum_wage!r}.")
        self.reference_day()
        _unit("good_score", self.good_score)
        _unit("feasible_score", self.feasible_score)
        _unit("reasons.fit_at", self.reasons.fit_at)
        _unit("reasons.gap_at", self.reasons.gap_at)
        if self.reasons.gap_at > self.reasons.fit_at:
            raise SettingsError(f"reasons.gap_at ({self.reasons.gap_at!r}) must not exceed reasons.fit_at "
                                f"({self.reasons.fit_at!r}).")
        unknown = sorted(set(self.weights) - set(DIMENSIONS))
        if unknown:
            raise SettingsError(f"Unknown weight(s) {unknown}; expected some of {list(DIMENSIONS)}.")
        for k, v in self.weights.items():
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                raise SettingsError(f"weights.{k} must be a number >= 0, got {v!r}.")
        if sum(self.weights.values()) <= 0:
            raise SettingsError("At least one weight must be > 0 (weights are all zero).")
        for name in ("required_weight", "preferred_weight", "certificate_weight"):
            if getattr(self.skills, name) < 0:
                raise SettingsError(f"skills.{name} must be >= 0, got {getattr(self.skills, name)!r}.")
        _unit("skills.vacancy_side_share", self.skills.vacancy_side_share)
        _unit("skills.match_threshold", self.skills.match_threshold)
        _unit("skills.certificate_level_shortfall", self.skills.certificate_level_shortfall)
        if self.skills.softmax_power < 1:
            raise SettingsError(f"skills.softmax_power must be >= 1, got {self.skills.softmax_power!r}.")
        _unit("occupation.code_weight", self.occupation.code_weight)
        _unit("occupation.semantic_weight", self.occupation.semantic_weight)
        _unit("skills.preferred_target_weight", self.skills.preferred_target_weight)
        for name in ("title_field_weight", "body_field_weight", "skills_field_weight"):
            if getattr(self.occupation, name) < 0:
                raise SettingsError(f"occupation.{name} must be >= 0, got {getattr(self.occupation, name)!r}.")
        if self.occupation.semantic_dims < 0 or self.occupation.max_terms < 0:
            raise SettingsError("occupation.semantic_dims and occupation.max_terms must be >= 0, got "
                                f"{self.occupation.semantic_dims!r} and {self.occupation.max_terms!r}.")
        if not 0 <= self.occupation.text_floor < self.occupation.text_ceiling <= 1:
            raise SettingsError("occupation.text_floor must be below occupation.text_ceiling, both in [0, 1]; got "
                                f"{self.occupation.text_floor!r} and {self.occupation.text_ceiling!r}.")
        if self.occupation.years_full <= 0:
            raise SettingsError(f"occupation.years_full must be > 0, got {self.occupation.years_full!r}.")
        for sec, names in (("education", ("meets", "over", "one_short", "far_short", "none_required")),
                           ("place", ("same", "adjacent", "city", "outside", "lodging_softening")),
                           ("conditions", ("shift_conflict", "no_insurance"))):
            for n in names:
                _unit(f"{sec}.{n}", getattr(getattr(self, sec), n))
        if self.wage.slope <= 0:
            raise SettingsError(f"wage.slope must be > 0, got {self.wage.slope!r}.")
        if self.wage.basis not in WAGE_BASES:
            raise SettingsError(f"wage.basis must be one of {', '.join(WAGE_BASES)}, got {self.wage.basis!r}.")
        bad = sorted(set(self.priority.groups) - set(PRIORITY_GROUPS))
        if bad:
            raise SettingsError(f"priority.groups has unknown group(s) {bad}; expected some of {list(PRIORITY_GROUPS)}.")
        if self.priority.public_welfare_boost < 0:
            raise SettingsError(f"priority.public_welfare_boost must be >= 0, got {self.priority.public_welfare_boost!r}.")
        _unit("priority.min_share", self.priority.min_share)
        _unit("blocking.max_item_share", self.blocking.max_item_share)
        if self.blocking.min_candidates_factor < 1:
            raise SettingsError(f"blocking.min_candidates_factor must be >= 1, got {self.blocking.min_candidates_factor!r}.")
        if not 0 < self.priority.alpha < 1:
            raise SettingsError(f"priority.alpha must be in (0, 1), got {self.priority.alpha!r}.")
        o = self.outcomes
        if not isinstance(o.weight, (int, float)) or isinstance(o.weight, bool) or not 0 <= o.weight <= 100:
            raise SettingsError(f"outcomes.weight must be a number in [0, 100], got {o.weight!r}.")
        if o.rank_by not in RANK_BY:
            raise SettingsError(f"outcomes.rank_by must be one of {list(RANK_BY)}, got {o.rank_by!r}.")
        if not isinstance(o.pool, int) or isinstance(o.pool, bool) or o.pool < 1:
            raise SettingsError(f"outcomes.pool must be a whole number >= 1, got {o.pool!r}.")
        if o.model is not None and not str(o.model).strip():
            raise SettingsError("outcomes.model must be a model folder written by `matcher learn`, or null; got ''.")

    def reference_day(self) -> _dt.date:
        """The reference date for expiry checks (``reference_date`` or today)."""
        if self.reference_date is None:
            return _dt.date.today()
        try:
            return _dt.date.fromisoformat(str(self.reference_date))
        except ValueError:
            raise SettingsError(f"reference_date must be an ISO date like 2024-03-01 or null, "
                                f"got {self.reference_date!r}.") from None


def strip_comments(d: Any) -> Any:
    """``d`` without keys starting with ``_`` (comments in a settings JSON), at every level."""
    if isinstance(d, dict):
        return {k: strip_comments(v) for k, v in d.items() if not str(k).startswith("_")}
    return d


def _unit(name: str, v: float) -> None:
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 <= v <= 1:
        raise SettingsError(f"{name} must be a number in [0, 1], got {v!r}.")


def _merge(base: dict, over: dict, path: str) -> dict:
    out = dict(base)
    for k, v in over.items():
        if str(k).startswith("_"):
            continue
        if k == "weights" and isinstance(v, dict):
            out[k] = {**base.get(k, {}), **v}
        elif isinstance(v, dict) and isinstance(base.get(k), dict):
            out[k] = _merge(base[k], v, f"{path}{k}.")
        else:
            out[k] = v
    return out


def _check_type(value: Any, tp: Any, key: str) -> Any:
    origin = typing.get_origin(tp)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingsError(f"{key} must be a number, got {value!r}.")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise SettingsError(f"{key} must be a whole number, got {value!r}.")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"{key} must be true or false, got {value!r}.")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise SettingsError(f"{key} must be a string, got {value!r}.")
        return value
    if origin is list:
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise SettingsError(f"{key} must be a list of strings, got {value!r}.")
        return list(value)
    if origin is dict:
        if not isinstance(value, dict):
            raise SettingsError(f"{key} must be an object, got {value!r}.")
        return {str(k): _check_type(v, float, f"{key}.{k}") for k, v in value.items()}
    if typing.get_origin(tp) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if value is None:
            return None
        if not isinstance(value, str):
            raise SettingsError(f"{key} must be a string or null, got {value!r}.")
        return value
    return value


def _build(cls: type, data: dict, path: str) -> Any:
    if not isinstance(data, dict):
        raise SettingsError(f"{path.rstrip('.') or 'settings'} must be an object, got {data!r}.")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise SettingsError(f"Unknown setting(s) {[path + u for u in unknown]}; expected some of "
                            f"{sorted(path + n for n in names)}.")
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            if f.default is MISSING and f.default_factory is MISSING:  # pragma: no cover - all have defaults
                raise SettingsError(f"Missing setting {path}{f.name}.")
            continue
        tp = hints[f.name]
        if isinstance(tp, type) and is_dataclass(tp):
            kwargs[f.name] = _build(tp, data[f.name], f"{path}{f.name}.")
        else:
            kwargs[f.name] = _check_type(data[f.name], tp, f"{path}{f.name}")
    return cls(**kwargs)
