"""The ranked lists on the seeker and vacancy pages: plain (live) or capacity-aware (nightly).

*Plain ranking* comes from the fitted matcher. When the nightly batch is
current (same input files as the database, same engine version and match
settings, exhaustive scoring), the seeker's batch list — the exact top ``top_k`` over all open
posts — is used as the candidate set, so the live matcher scores a few dozen
pairs (``for_seeker`` with the narrowed mask) instead of every post. Filters only remove posts, so if at least ``k``
of those candidates pass them they *are* the filtered top ``k`` (ties go to
the lower id both ways); otherwise the page falls back to scoring every post.
The explanations always come from the live matcher.

*Capacity-aware list* is the batch's ``*_capacity`` table (see
``matcher/batch/README.md``): a post's exposure bounded by its openings. Its
order, adjusted score and congestion price come from the batch; the
explanation of each shown pair from the live matcher (or, for a pair the
matcher no longer knows, the batch's own contributions and reason text).
Closed, filled or filtered-out posts and seekers outside the user's district
are left out.
"""
from __future__ import annotations

import dataclasses
import json
import threading
from typing import Any

import numpy as np
from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.core import Match
from matcher.errors import MatcherError

from .engine import Fitted
from .nightly import BatchRun, freshness

MODES = ("plain", "capacity")
_settings_equal: dict[tuple[str, str], bool] = {}
_settings_lock = threading.Lock()


def match_dict(match: Match) -> dict[str, Any]:
    """A core :class:`~matcher.core.Match` as a dict for the templates.

    A shallow field copy: its values are already plain dicts and lists built
    for this request, and ``to_dict()`` (``dataclasses.asdict``) deep-copies
    them, which costs a noticeable share of a page.
    """
    return {f.name: getattr(match, f.name) for f in dataclasses.fields(match)}


def list_mode() -> str:
    """``plain`` or ``capacity`` from the ``list`` query argument (default plain)."""
    mode = request.args.get("list", "plain")
    return mode if mode in MODES else "plain"


def batch_state(run: BatchRun | None, session, table: str) -> dict[str, Any] | None:
    """What the page says about the nightly lists, or None when no run offers ``table``.

    Keys: ``run_id``, ``started_at``, ``state`` (current/stale/unknown) and
    ``roles`` (the input files that differ).
    """
    if run is None or not run.has(table):
        return None
    return {"run_id": run.run_id, "started_at": run.started_at, **freshness(run, session)}


def _same_settings(run: BatchRun, fitted: Fitted) -> bool:
    key = (str(run.folder), fitted.token)
    with _settings_lock:
        if key not in _settings_equal:
            import matcher

            mine = fitted.matcher.settings.to_dict()
            theirs = run.record.get("settings")
            _settings_equal[key] = bool(theirs is not None and
                                        run.record.get("engine_version") == matcher.__version__ and
                                        json.dumps(mine, sort_keys=True, default=str)
                                        == json.dumps(theirs, sort_keys=True, default=str))
            if len(_settings_equal) > 64:
                _settings_equal.pop(next(iter(_settings_equal)))
        return _settings_equal[key]


def batch_candidates(run: BatchRun | None, state: dict | None, fitted: Fitted, seeker_id: str,
                     mask: np.ndarray, k: int) -> np.ndarray | None:
    """A narrowed vacancy mask from the current batch's plain list, or None (score every post).

    None unless the run is current, exhaustive, computed by the same engine
    version with the same settings, and at least ``k`` of the seeker's listed posts pass ``mask``
    (or the list holds every open post).
    """
    if run is None or state is None or state["state"] != "current" or not run.has("seeker_matches"):
        return None
    batch = run.record.get("batch") or {}
    if batch.get("blocking") or not _same_settings(run, fitted):
        return None
    rows = run.table("seeker_matches").rows(seeker_id)
    top_k = int(batch.get("top_k") or 0)
    pos = [fitted.vacancy_pos.get(str(r["vacancy_id"])) for r in rows]
    pos = [p for p in pos if p is not None]
    narrowed = np.zeros(len(mask), dtype=bool)
    narrowed[pos] = True
    narrowed &= mask
    complete = len(rows) < top_k  # fewer open posts than top_k: the list holds them all
    if int(narrowed.sum()) >= k or (complete and len(rows) == len(pos)):
        return narrowed
    return None


def with_rows(db: Session, rows: list[dict], model: type, key: str, name: str) -> list[dict]:
    """Attach each match's database row (``model`` looked up by ``rows[i][key]`` in one query)
    as ``rows[i][name]``; matches whose row no longer exists are dropped."""
    ids = [r[key] for r in rows]
    column = getattr(model, key)
    found = {getattr(x, key): x for x in db.scalars(select(model).where(column.in_(ids)))} if ids else {}
    for r in rows:
        r[name] = found.get(r[key])
    return [r for r in rows if r[name] is not None]


def _extra(row: dict) -> dict:
    keep = ("rank", "adjusted_score", "congestion_price", "pure_rank", "score")
    return {f"batch_{k}": row[k] for k in keep if k in row}


def _fallback(row: dict, owner_key: str) -> dict:
    """A match dict from the batch row alone (the matcher no longer knows the pair)."""
    return {"seeker_id": str(row["seeker_id"]), "vacancy_id": str(row["vacancy_id"]), "rank": row["rank"],
            "score": float(row["score"]), "contributions": row.get("contributions") or {},
            "reasons": {"fits": [], "gaps": [], "fixes": []}, "batch_reason": row.get("reason") or "",
            "stale_pair": True, **_extra(row)}


def capacity_posts(run: BatchRun, fitted: Fitted, seeker_id: str, mask: np.ndarray, k: int) -> list[dict]:
    """The seeker's capacity-aware list: batch order, posts passing ``mask``, at most ``k``, explained."""
    rows = []
    for r in run.list_for("seeker_matches_capacity", seeker_id):
        p = fitted.vacancy_pos.get(str(r["vacancy_id"]))
        if p is None or mask[p]:
            rows.append(r)
        if len(rows) >= k:
            break
    return _explain(rows, fitted, "seeker", seeker_id)


def capacity_candidates(run: BatchRun, fitted: Fitted, vacancy_id: str, allowed: set[str] | None,
                        k: int) -> list[dict]:
    """The post's capacity-aware list (everyone it is recommended to), batch order, explained.

    ``allowed`` restricts to these seeker ids (district scope; None = all).
    """
    rows = [r for r in run.list_for("vacancy_matches_capacity", vacancy_id)
            if allowed is None or str(r["seeker_id"]) in allowed][:k]
    return _explain(rows, fitted, "vacancy", vacancy_id)


def _explain(rows: list[dict], fitted: Fitted, owner: str, owner_id: str) -> list[dict]:
    m = fitted.matcher
    other = "vacancy_id" if owner == "seeker" else "seeker_id"
    lookup = fitted.vacancy_pos if owner == "seeker" else fitted.seeker_pos
    known = [r for r in rows if str(r[other]) in lookup]
    live: dict[str, dict] = {}
    if known:  # a few posts/seekers: the core scores them once as pairs and explains them
        sel = np.zeros(len(lookup), dtype=bool)
        sel[[lookup[str(r[other])] for r in known]] = True
        try:
            found = (m.for_seeker(owner_id, len(known), vacancy_mask=sel) if owner == "seeker"
                     else m.for_vacancy(owner_id, len(known), seeker_mask=sel))
            live = {d[other]: d for d in (match_dict(x) for x in found)}
        except MatcherError:
            live = {}
    out = []
    for r in rows:
        d = live.get(str(r[other]))
        if d is None:
            out.append(_fallback(r, owner))
        else:
            d = dict(d, rank=r["rank"], **_extra(r))
            out.append(d)
    return out
