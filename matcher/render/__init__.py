"""Text for people: reason records and ranked lists rendered in Chinese or English.

Outside the matching core (which returns data only): :mod:`.reasons` renders
reason records and the one-line verdict summary, :mod:`.table` the
``matcher match`` text table.
"""
from matcher.render.reasons import LANGS, labels, render_reason, render_reasons, render_summary

__all__ = ["LANGS", "labels", "render_reason", "render_reasons", "render_summary"]
