"""The fitted matcher, kept in-process and refitted only after an import.

The matcher is fitted once per *import generation* (the token of the newest
finished import): at start-up by :func:`warm_up`, and again only when a
request sees that a newer import has finished. A request never fits; it
looks up the cached state (one indexed query for the token) and builds
boolean masks with numpy over the fitted frames.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Vacancy
from .store import frames_from_db, latest_token

#: (seekers frame, vacancies frame, settings) -> fitted object with
#: ``for_seeker``/``for_vacancy``/``seekers_``/``vacancies_``.
MatcherFactory = Callable[[pd.DataFrame, pd.DataFrame, object], object]


def default_factory(seekers: pd.DataFrame, vacancies: pd.DataFrame, settings: object,
                    coder: object = None) -> object:
    """Fit the engine's :class:`matcher.core.Matcher` with ``settings`` (path, dict or None);
    ``coder``: the occupation coder (default: the package's; the app passes the review queue's
    office coder, :func:`webui.review.office_coder`)."""
    from matcher.core import Matcher, MatchSettings

    return Matcher(MatchSettings.from_path_or_dict(settings), occupation_coder=coder).fit(seekers, vacancies)


@dataclass
class Fitted:
    """One fitted generation: the matcher plus arrays used to build masks."""

    token: str
    matcher: object
    fitted_at: dt.datetime
    fit_seconds: float
    vacancy_ids: np.ndarray
    vacancy_pos: dict[str, int]
    vacancy_district: np.ndarray
    vacancy_wage_top: np.ndarray
    vacancy_welfare: np.ndarray
    vacancy_shift: np.ndarray
    vacancy_expires: np.ndarray
    seeker_ids: np.ndarray
    seeker_district: np.ndarray
    seeker_pos: dict[str, int]

    def vacancy_mask(self, session: Session, *, district: str | None = None, min_wage: float | None = None,
                     welfare_only: bool = False, include_shift: bool = True,
                     open_only: bool = True, today: dt.date | None = None) -> np.ndarray:
        """Boolean mask over the fitted vacancies (row order of ``matcher.vacancies_``).

        ``min_wage`` (yuan/month) drops posts whose best known wage is below
        it; posts with no stated wage are kept. ``open_only`` drops expired
        posts and posts whose openings are all filled by recorded hires.
        """
        mask = np.ones(len(self.vacancy_ids), dtype=bool)
        if district:
            mask &= self.vacancy_district == district
        if min_wage is not None:
            top = self.vacancy_wage_top
            mask &= np.isnan(top) | (top >= min_wage)
        if welfare_only:
            mask &= self.vacancy_welfare
        if not include_shift:
            mask &= ~self.vacancy_shift
        if open_only:
            today64 = np.datetime64(today or dt.date.today(), "D")
            exp = self.vacancy_expires
            mask &= np.isnat(exp) | (exp >= today64)
            filled = session.scalars(select(Vacancy.vacancy_id).where(  # indexed: only posts with hires
                Vacancy.hired_count > 0, Vacancy.hired_count >= Vacancy.openings)).all()
            if filled:
                mask &= ~np.isin(self.vacancy_ids, np.asarray(filled, dtype=object))
        return mask

    def seeker_mask(self, district: str | None) -> np.ndarray | None:
        """Mask over fitted seekers limited to ``district`` (None = no limit)."""
        if not district:
            return None
        return self.seeker_district == district


def _build(token: str, matcher: object, seconds: float) -> Fitted:
    vac = matcher.vacancies_
    see = matcher.seekers_
    wmax = pd.to_numeric(vac["wage_max"], errors="coerce").to_numpy(dtype=float)
    wmin = pd.to_numeric(vac["wage_min"], errors="coerce").to_numpy(dtype=float)
    top = np.where(np.isnan(wmax), wmin, wmax)

    def flag(col: str) -> np.ndarray:
        if col not in vac.columns:
            return np.zeros(len(vac), dtype=bool)
        return pd.array(vac[col], dtype="boolean").fillna(False).to_numpy(dtype=bool)

    expires = (pd.to_datetime(vac["expires_on"]).to_numpy(dtype="datetime64[D]")
               if "expires_on" in vac.columns else np.full(len(vac), np.datetime64("NaT"), dtype="datetime64[D]"))
    vids = vac["vacancy_id"].astype(str).to_numpy(dtype=object)
    sids = see["seeker_id"].astype(str).to_numpy(dtype=object)
    return Fitted(
        token=token, matcher=matcher, fitted_at=dt.datetime.now(), fit_seconds=seconds,
        vacancy_ids=vids, vacancy_pos={v: i for i, v in enumerate(vids)},
        vacancy_district=vac["district"].astype(object).fillna("").to_numpy(dtype=object),
        vacancy_wage_top=top, vacancy_welfare=flag("public_welfare"), vacancy_shift=flag("shift_work"),
        vacancy_expires=expires,
        seeker_ids=sids, seeker_pos={v: i for i, v in enumerate(sids)},
        seeker_district=see["district"].astype(object).fillna("").to_numpy(dtype=object),
    )


class MatcherCache:
    """Holds the fitted matcher for the newest import; thread-safe refit.

    When a newer import appears while a fitted state exists and
    ``background`` is true, the refit runs in a background thread and
    requests keep using the previous state until it is ready (a fit takes
    seconds to minutes). With nothing fitted yet the first caller fits.
    One cache may be shared by several app instances over the same data
    (tests do this); it is keyed only by the import token.
    """

    def __init__(self, factory: MatcherFactory | None = None, settings: object = None,
                 background: bool = True, session_factory: Callable[[], Session] | None = None) -> None:
        self.factory = factory or default_factory
        self.settings = settings
        self.background = background
        self.session_factory = session_factory
        self._lock = threading.Lock()
        self._fitted: Fitted | None = None
        self._refitting: str | None = None
        self.last_error: str | None = None

    def _fit(self, session: Session, token: str) -> Fitted | None:
        seekers, vacancies = frames_from_db(session)
        if seekers.empty or vacancies.empty:
            return None
        start = time.perf_counter()
        if self.factory is default_factory:  # confirmed occupation codes are used at once (issue 14)
            from .review import office_coder
            matcher = self.factory(seekers, vacancies, self.settings, office_coder(session, wait=True))
        else:
            matcher = self.factory(seekers, vacancies, self.settings)
        return _build(token, matcher, time.perf_counter() - start)

    def _refit_async(self, token: str) -> None:
        def run() -> None:
            session = self.session_factory()
            try:
                fitted = self._fit(session, token)
                with self._lock:
                    if fitted is not None:
                        self._fitted = fitted
            except Exception as exc:  # keep serving the old state; say why once
                self.last_error = f"{type(exc).__name__}: {exc}"
            finally:
                session.close()
                with self._lock:
                    self._refitting = None

        self._refitting = token
        threading.Thread(target=run, name="matcher-refit", daemon=True).start()

    def get(self, session: Session) -> Fitted | None:
        """The fitted state for the newest import (or the previous one while
        a background refit runs); None when no data has been imported."""
        token = import_token(session)
        if token is None:
            return None
        fitted = self._fitted
        if fitted is not None and fitted.token == token:
            return fitted
        with self._lock:
            if self._fitted is not None and self._fitted.token == token:
                return self._fitted
            if self._fitted is not None and self.background and self.session_factory is not None:
                if self._refitting != token:
                    self._refit_async(token)
                return self._fitted
            fitted = self._fit(session, token)
            if fitted is not None:
                self._fitted = fitted
            return fitted

    @property
    def refitting(self) -> bool:
        """True while a background refit is running."""
        return self._refitting is not None


def init_app(app: Flask) -> None:
    """Attach a cache (``MATCHER_CACHE`` from config, or a new one) to ``app``."""
    cache = app.config.get("MATCHER_CACHE")
    if cache is None:
        sessions = app.extensions["matcher_sessionmaker"]
        cache = MatcherCache(app.config.get("MATCHER_FACTORY"), app.config.get("MATCH_SETTINGS"),
                             background=app.config.get("REFIT_IN_BACKGROUND", True), session_factory=sessions)
    app.extensions["matcher_cache"] = cache


def _once_per_request(name: str, session: Session, compute: Callable[[Session], Any]) -> Any:
    """``compute(session)``, kept on ``flask.g`` under ``name`` for the rest of the request
    (per session object); outside a request it is computed on every call."""
    if not has_request_context():
        return compute(session)
    memo = g.get(name)
    if memo is None or memo[0] is not session:
        memo = (session, compute(session))
        setattr(g, name, memo)
    return memo[1]


def import_token(session: Session) -> str | None:
    """Token of the newest finished import (:func:`webui.store.latest_token`), queried once per
    request and session (outside a request: every call)."""
    return _once_per_request("_matcher_import_token", session, _generation_token)


def _generation_token(session: Session) -> str | None:
    """The newest import's token, plus the review queue's code generation when codes were decided."""
    from .review import codes_generation

    token = latest_token(session)
    codes = codes_generation(session) if token is not None else None
    return f"{token}+{codes}" if codes else token


def get_fitted(session: Session) -> Fitted | None:
    """The current app's fitted matcher state (see :meth:`MatcherCache.get`).

    Looked up once per request (one indexed query for the import token): a
    page that needs it in several places gets the same state each time.
    """
    return _once_per_request("_matcher_fitted", session, current_app.extensions["matcher_cache"].get)


def limit_blas_threads(n: int | None) -> dict | None:
    """Limit the BLAS/OpenMP thread pools of this process to ``n`` threads (None or < 1: leave them).

    A server answers many small requests at once in its own threads and
    processes; a BLAS library that also spreads each small product over
    every core only makes them wait for each other (on a busy 2-core
    machine, one seeker against 20,000 posts took 50 ms with OpenBLAS's 2
    threads and 23 ms with one). Returns the limits set, or None when
    nothing was changed (no ``threadpoolctl``, or ``n`` unset).
    """
    if n is None or int(n) < 1:
        return None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return None
    threadpool_limits(int(n))
    return {"threads": int(n)}


def warm_up(app: Flask) -> Fitted | None:
    """Fit now (start-up / after an import) so no request pays for it.

    Afterwards the process's BLAS thread pools are limited to
    ``SERVE_BLAS_THREADS`` (config, default 1; see :func:`limit_blas_threads`):
    the fit has used every core, the requests that follow are small.
    """
    from .db import new_session

    session = new_session(app)
    try:
        return app.extensions["matcher_cache"].get(session)
    finally:
        session.close()
        limit_blas_threads(app.config.get("SERVE_BLAS_THREADS", 1))
