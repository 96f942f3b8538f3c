"""Who may open a seeker's record: the one check every seeker route uses.

A refusal is audited as ``denied`` (the seeker exists but lies outside the
user's district) and answered with the same 404 as a missing seeker, so the
page does not reveal whether the person is registered elsewhere.
"""
from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .audit import commit_audit, record
from .auth import can_see_seeker
from .db import get_session
from .models import Referral, Seeker

#: Longest note kept on a referral or an outcome (characters).
MAX_NOTE = 2000


def get_seeker_or_404(db: Session, seeker_id: str) -> Seeker:
    """The seeker if it exists and the current user may see it; else 404 (a refusal is audited)."""
    seeker = db.get(Seeker, seeker_id)
    if seeker is not None and not can_see_seeker(current_user, seeker):
        record("denied", [seeker_id], detail=f"{request.method} {request.endpoint}: outside district")
        commit_audit()
    if seeker is None or not can_see_seeker(current_user, seeker):
        abort(404, _("Seeker %(id)s doesn't exist or is outside your district.", id=seeker_id))
    return seeker


def get_referral_or_404(referral_id: int) -> Referral:
    """The referral if its seeker is visible to the current user; else 404."""
    db = get_session()
    ref = db.scalar(select(Referral).where(Referral.id == referral_id).options(selectinload(Referral.events)))
    if ref is None:
        abort(404, _("Referral %(id)s doesn't exist.", id=referral_id))
    get_seeker_or_404(db, ref.seeker_id)
    return ref
