"""Reading match settings from a file or a JSON string (the core never opens a file).

:func:`read_settings` turns what a user gives on the command line or in a
config — ``None`` (the defaults), a path to a JSON file, a JSON string, a
(partial) dict or a :class:`~matcher.core.MatchSettings` — into validated
settings. Files and strings are read here; the merge over the defaults and
every check live in :meth:`matcher.core.MatchSettings.from_dict`, so a bad
value gets the same :class:`~matcher.errors.SettingsError` whichever way it
came in.

:func:`packaged_defaults` reads the documented copy of the defaults shipped as
``matcher/data/default_settings.json`` (every key explained next to its
value). The values themselves are the field defaults of
:class:`~matcher.core.MatchSettings`; a test keeps the two equal.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from matcher.core.settings import MatchSettings, strip_comments
from matcher.errors import SettingsError

SettingsSource = "str | Path | dict | MatchSettings | None"


def read_settings(source: str | Path | dict | MatchSettings | None = None) -> MatchSettings:
    """Validated settings from ``None`` (defaults), a JSON file path, a JSON string, a dict or settings.

    A file, string or dict may be partial: it is merged over the defaults,
    section by section; keys starting with ``_`` are comments. Raises
    :class:`SettingsError` naming the file for a missing file, bad JSON or an
    invalid value.
    """
    if source is None or isinstance(source, (dict, MatchSettings)):
        return MatchSettings.from_dict(source)
    if isinstance(source, (str, Path)):
        return MatchSettings.from_dict(read_settings_dict(source))
    raise SettingsError(f"Settings must be a path, a JSON string, a dict or None, not {type(source).__name__}.")


def read_settings_dict(source: str | Path) -> dict[str, Any]:
    """The JSON object in a settings file (or a JSON string starting with ``{``), not yet validated."""
    text = str(source)
    if isinstance(source, str) and text.lstrip().startswith("{"):
        data = _loads(text, "the settings string")
    else:
        p = Path(source)
        if not p.is_file():
            raise SettingsError(f"Settings file '{p}' does not exist; give a JSON file or a JSON string.")
        try:
            raw = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"Cannot read settings file '{p}': {exc}.") from None
        data = _loads(raw, f"settings file '{p}'")
    if not isinstance(data, dict):
        raise SettingsError(f"Settings must be a JSON object at the top level, got {type(data).__name__} "
                            f"(in {'the settings string' if text.lstrip().startswith('{') else repr(text)}).")
    return data


def packaged_defaults() -> dict[str, Any]:
    """The shipped, documented defaults file (``matcher/data/default_settings.json``) without comments."""
    with resources.files("matcher").joinpath("data/default_settings.json").open("r", encoding="utf-8") as fh:
        return strip_comments(json.load(fh))


def _loads(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"Cannot read {what} as JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.") from None


__all__ = ["read_settings", "read_settings_dict", "packaged_defaults"]
