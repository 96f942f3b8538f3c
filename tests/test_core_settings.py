"""Settings of the matching core: defaults, JSON round trip, validation errors."""
from __future__ import annotations

import json

import pytest

from matcher.core import MatchSettings
from matcher.core.settings import default_settings_dict
from matcher.errors import SettingsError


def test_shipped_json_equals_dataclass_defaults():
    assert MatchSettings.from_path_or_dict(None) == MatchSettings()
    assert set(default_settings_dict()["weights"]) == {"skills", "occupation", "education", "wage", "place", "conditions"}


def test_round_trip_through_json_file(tmp_path):
    s = MatchSettings.from_path_or_dict({"top_k": 7, "weights": {"wage": 0.3}, "priority": {"fair_ranking": True}})
    p = tmp_path / "s.json"
    p.write_text(s.to_json(), encoding="utf-8")
    back = MatchSettings.from_path_or_dict(p)
    assert back == s
    assert back.to_dict() == json.loads(json.dumps(s.to_dict()))
    assert back.weights["wage"] == 0.3 and back.weights["skills"] == MatchSettings().weights["skills"]
    assert MatchSettings.from_path_or_dict(s.to_json()) == s


@pytest.mark.parametrize("bad, words", [
    ({"top_k": 0}, "top_k"),
    ({"top_k": "ten"}, "top_k"),
    ({"weights": {"skills": -1}}, "weights.skills"),
    ({"weights": {"luck": 1}}, "luck"),
    ({"weights": {d: 0 for d in ("skills", "occupation", "education", "wage", "place", "conditions")}}, "zero"),
    ({"skills": {"unknown_knob": 1}}, "skills.unknown_knob"),
    ({"reference_date": "2024-02-30"}, "reference_date"),
    ({"priority": {"groups": ["rich"]}}, "priority.groups"),
    ({"priority": {"alpha": 1.5}}, "priority.alpha"),
    ({"education": {"meets": 2}}, "education.meets"),
    ({"hard_constraints": {"exclude_expired": "yes"}}, "exclude_expired"),
    ({"occupation": {"text_floor": 0.5, "text_ceiling": 0.4}}, "text_floor"),
])
def test_validation_errors_name_the_key(bad, words):
    with pytest.raises(SettingsError) as err:
        MatchSettings.from_path_or_dict(bad)
    assert words in str(err.value)


def test_bad_sources(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        MatchSettings.from_path_or_dict(tmp_path / "missing.json")
    p = tmp_path / "bad.json"
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(SettingsError, match="JSON"):
        MatchSettings.from_path_or_dict(p)
    with pytest.raises(SettingsError):
        MatchSettings.from_path_or_dict(42)  # type: ignore[arg-type]


def test_reference_day_default_is_today():
    import datetime as dt
    assert MatchSettings().reference_day() == dt.date.today()
    assert MatchSettings.from_path_or_dict({"reference_date": "2024-03-01"}).reference_day() == dt.date(2024, 3, 1)
