"""Settings of the matching core (defaults, validation errors) and their reading (matcher.io.settings)."""
from __future__ import annotations

import json

import pytest

from matcher.core import MatchSettings
from matcher.errors import SettingsError
from matcher.io.settings import packaged_defaults, read_settings


def test_shipped_json_equals_dataclass_defaults():
    """The documented defaults file holds every key with exactly the dataclass default (no key more or less)."""
    assert packaged_defaults() == MatchSettings().to_dict()
    assert MatchSettings.from_dict(None) == MatchSettings() == read_settings(None)
    assert set(packaged_defaults()["weights"]) == {"skills", "occupation", "education", "wage", "place", "conditions"}


def test_core_refuses_paths_and_json_strings(tmp_path):
    """The core reads no files: a path or a JSON string is refused with a message naming the io reader."""
    p = tmp_path / "s.json"
    p.write_text('{"top_k": 3}', encoding="utf-8")
    for source in (p, str(p), '{"top_k": 3}'):
        with pytest.raises(SettingsError, match="read_settings"):
            MatchSettings.from_dict(source)  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="read_settings"):
        from matcher.core import Matcher
        Matcher(str(p))  # type: ignore[arg-type]
    assert read_settings(p).top_k == 3 and read_settings(str(p)).top_k == 3


def test_round_trip_through_json_file(tmp_path):
    s = MatchSettings.from_dict({"top_k": 7, "weights": {"wage": 0.3}, "priority": {"fair_ranking": True}})
    p = tmp_path / "s.json"
    p.write_text(s.to_json(), encoding="utf-8")
    back = read_settings(p)
    assert back == s
    assert back.to_dict() == json.loads(json.dumps(s.to_dict()))
    assert back.weights["wage"] == 0.3 and back.weights["skills"] == MatchSettings().weights["skills"]
    assert read_settings(s.to_json()) == s


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
        MatchSettings.from_dict(bad)
    assert words in str(err.value)
    with pytest.raises(SettingsError) as err:      # the same message when it comes from a file or string
        read_settings(json.dumps(bad))
    assert words in str(err.value)


def test_bad_sources(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        read_settings(tmp_path / "missing.json")
    p = tmp_path / "bad.json"
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(SettingsError, match="JSON") as err:
        read_settings(p)
    assert "bad.json" in str(err.value)
    p.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(SettingsError, match="JSON object"):
        read_settings(p)
    with pytest.raises(SettingsError):
        read_settings(42)  # type: ignore[arg-type]
    with pytest.raises(SettingsError):
        MatchSettings.from_dict(42)  # type: ignore[arg-type]


def test_reference_day_default_is_today():
    import datetime as dt
    assert MatchSettings().reference_day() == dt.date.today()
    assert MatchSettings.from_dict({"reference_date": "2024-03-01"}).reference_day() == dt.date(2024, 3, 1)
