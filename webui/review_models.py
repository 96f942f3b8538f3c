"""Tables of the occupation-code review queue (:mod:`webui.review`).

``occupation_codes`` keeps one row per cleaned title that has a code the
office decided on: ``source`` ``confirmed`` (a staff member confirmed or
picked it; these rows are training rows for the next coder fit) or ``auto``
(applied automatically because the coder's calibrated confidence reached the
threshold). The raw title is kept as staff saw it; no personal data.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow


class OccupationCode(Base):
    """A title -> CSCO code decision of the office."""

    __tablename__ = "occupation_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(String(16), index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    username: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
