"""Training that unlocks work, on the seeker page (issue 8).

Re-scoring a seeker with each candidate skill added takes one to a few
seconds (:func:`matcher.report.counterfactual.training_suggestions`), so the
seeker page never computes it on a GET: staff press a button (a POST with a
CSRF token), the suggestions are computed once, cached per (fit generation,
seeker) and shown in the page's training section after a redirect. One
computation runs at a time per process, so repeated presses cannot starve
the server; a press while another runs waits up to ``TRAINING_WAIT_SECONDS``.

The same rows decide the match list's "take course X" fixes
(:func:`with_course_fixes`, via
:func:`matcher.report.counterfactual.course_fixes`): a listed post shows a
course exactly when that course, in this box, turns the post into a good
match, so the box and the list cannot contradict each other. Before the
computation the list suggests no course at all (a missing skill's course is
shown only as a fact about the skill).
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _

from matcher.core import Matcher
from matcher.errors import MatcherError

from .audit import record
from .db import get_session
from .engine import get_fitted
from .access import get_seeker_or_404

bp = Blueprint("training", __name__, url_prefix="/seekers")

def good_score(matcher: Matcher) -> float:
    """The good-match cut of the fitted matcher's settings (``settings.good_score``, as on the overview)."""
    return float(matcher.settings.good_score)
#: Suggestions shown per seeker (every course that adds a good post, up to this many).
TOP = 5
CACHE_SIZE = 5000

_cache: OrderedDict[tuple[str, str], list[dict]] = OrderedDict()
_cache_lock = threading.Lock()
_compute_lock = threading.Lock()


def cached_suggestions(token: str, seeker_id: str) -> list[dict] | None:
    """The cached suggestions for (fit generation ``token``, seeker), or None when not computed."""
    with _cache_lock:
        rows = _cache.get((token, seeker_id))
        if rows is not None:
            _cache.move_to_end((token, seeker_id))
        return rows


def compute_suggestions(matcher: object, token: str, seeker_id: str) -> list[dict]:
    """Compute (or reuse) the seeker's top training suggestions as plain dicts.

    Each dict: rank, skill, course, good_before, good_after, gain,
    new_vacancy_ids (up to 5), lifted ({vacancy id: score with the skill}
    for every post the course turns into a good match), good_score (the
    cut used). An empty list means no single course adds a
    good match. Raises :class:`MatcherError` (unknown seeker, no courses).
    """
    from matcher.report.counterfactual import training_suggestions

    rows = cached_suggestions(token, seeker_id)
    if rows is not None:
        return rows
    cut = good_score(matcher)
    frame = training_suggestions(matcher, [seeker_id], threshold=cut, top=TOP)
    rows = [{"rank": int(r.rank), "skill": str(r.skill), "course": str(r.course),
             "good_before": int(r.good_before), "good_after": int(r.good_after), "gain": int(r.gain),
             "new_vacancy_ids": [str(v) for v in (r.new_vacancy_ids or [])],
             "lifted": {str(k): float(v) for k, v in (r.lifted or {}).items()},
             "good_score": cut}
            for r in frame.itertuples(index=False)]
    with _cache_lock:
        _cache[(token, seeker_id)] = rows
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return rows


def with_course_fixes(posts: list[dict], rows: list[dict] | None) -> list[dict]:
    """The seeker page's match list with the computed suggestions' course fixes (unchanged when ``rows`` is None)."""
    if not rows:
        return posts
    from matcher.report.counterfactual import course_fixes
    return course_fixes(posts, rows, threshold=float(rows[0]["good_score"]))


@bp.post("/<seeker_id>/training")
def suggest(seeker_id: str):
    """Compute the seeker's training suggestions, then show them on the seeker page."""
    db = get_session()
    seeker = get_seeker_or_404(db, seeker_id)
    fitted = get_fitted(db)
    target = url_for("seekers.detail", seeker_id=seeker.seeker_id, _anchor="training")
    if fitted is None:
        flash(_("No data has been imported yet."), "error")
        return redirect(target)
    wait = float(current_app.config.get("TRAINING_WAIT_SECONDS", 30))
    if not _compute_lock.acquire(timeout=wait):
        flash(_("The server is busy computing other suggestions; please try again in a moment."), "error")
        return redirect(target)
    try:
        rows = compute_suggestions(fitted.matcher, fitted.token, seeker.seeker_id)
    except MatcherError:
        flash(_("Training suggestions could not be computed for this seeker."), "error")
        return redirect(target)
    finally:
        _compute_lock.release()
    record("training_suggestions", [seeker.seeker_id], detail=f"suggestions: {len(rows)}")
    db.commit()
    return redirect(target)
