"""All exceptions the engine raises on purpose.

Every error a user can cause derives from :class:`MatcherError`; the CLI
catches that base class and prints the message (never a traceback). Messages
say what failed, the value seen, and how to fix it.
"""
from __future__ import annotations


class MatcherError(Exception):
    """Base class of every deliberate error in this package."""


class InputFileError(MatcherError):
    """A file cannot be read at all, or lacks required columns."""


class SettingsError(MatcherError):
    """A settings file or value is invalid."""


class NotFittedError(MatcherError):
    """An object that must be fitted first was used before ``fit``."""


class UnknownIdError(MatcherError, KeyError):
    """A seeker or vacancy id that is not in the fitted data."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
