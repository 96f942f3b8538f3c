"""The fitted market, kept in-process and refitted only after an import.

The market is built by the one route every face uses
(:func:`matcher.market.build_market`, or the nightly batch's saved market via
:func:`matcher.market.load_market` when it matches the imported files), with
the reference date one explicit input (:func:`reference_date`: the settings'
``reference_date``, else the date of the newest import). Open posts and
openings are the core's rule (:meth:`Fitted.open_state`), so the overview,
the seeker pages, ``matcher match``, the batch and the report agree.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from matcher.core.matcher import Matcher, open_posts
from matcher.io.settings import read_settings
from matcher.market import Market, StaleMarketError, build_market, load_market, read_meta, resolve_settings

from .models import Import, Seeker, Vacancy
from .store import frames_from_db, latest_token_query

#: (seekers frame, vacancies frame, settings, reference date, hires) -> fitted
#: :class:`matcher.market.Market`; the default is :func:`default_factory`.
MarketFactory = Callable[..., Market]


def default_factory(seekers: pd.DataFrame, vacancies: pd.DataFrame, settings: object,
                    reference_date: dt.date | None = None, hired: Mapping[str, int] | None = None,
                    coder: object = None) -> Market:
    """The one route (:func:`matcher.market.build_market`) over the stored frames; ``coder``: the
    occupation coder (default: the package's; the app passes the review queue's office coder,
    :func:`webui.review.office_coder`, so confirmed codes count at once)."""
    extra = {"occupation_coder": coder} if coder is not None else {}
    return build_market(seekers, vacancies, settings=settings, reference_date=reference_date, hired=hired, **extra)


def reference_date(session: Session, settings: object = None) -> dt.date:
    """The web UI's reference date, one explicit input: the settings' ``reference_date`` when set,
    else the day the newest finished import finished (ages were computed that day), else today."""
    st = read_settings(settings)
    if st.reference_date:
        return st.reference_day()
    done = session.scalar(select(Import.finished_at).where(Import.status == "done")
                          .order_by(Import.id.desc()).limit(1))
    return done.date() if done is not None else dt.date.today()


def import_reference_date(settings: object = None) -> dt.date:
    """The date an import computes ages and the 4045 group at: the settings' ``reference_date`` when set,
    else today (the import becomes the newest, so :func:`reference_date` gives the same day and the
    fitted market, the batch and the report agree on every seeker's age)."""
    st = read_settings(settings)
    return st.reference_day() if st.reference_date else dt.date.today()


def app_import_date(app: Flask) -> dt.date:
    """:func:`import_reference_date` under the settings ``app``'s market is fitted with."""
    cache = app.extensions.get("matcher_cache")
    return import_reference_date(cache.settings if cache is not None else app.config.get("MATCH_SETTINGS"))


def list_length(fitted: "Fitted", override: object = None) -> int:
    """List length of a web page: a config override (``MATCHES_K``/``CANDIDATES_K``) when set, else the
    market's ``settings.top_k`` — the length every other face uses."""
    if override is not None:
        return int(override)
    return int(fitted.matcher.settings.top_k)


def _read_hires(session: Session) -> dict[str, int]:
    rows = session.execute(select(Vacancy.vacancy_id, Vacancy.hired_count).where(Vacancy.hired_count > 0)).all()
    return {str(v): int(n) for v, n in rows}


def stored_hires(session: Session) -> dict[str, int]:
    """Recorded hires per vacancy, as the database holds them (indexed: only posts with hires);
    read once per request and session (outside a request: every call)."""
    return _once_per_request("_matcher_hires", session, _read_hires)


@dataclass
class Fitted:
    """One fitted generation: the market (settings, reference date, matcher, open posts) plus mask arrays."""

    token: str
    market: Market
    fitted_at: dt.datetime
    fit_seconds: float
    vacancy_ids: np.ndarray
    vacancy_pos: dict[str, int]
    vacancy_district: np.ndarray
    vacancy_wage_top: np.ndarray
    vacancy_welfare: np.ndarray
    vacancy_shift: np.ndarray
    seeker_ids: np.ndarray
    seeker_district: np.ndarray
    seeker_pos: dict[str, int]

    @property
    def matcher(self) -> Matcher:
        return self.market.matcher

    @property
    def reference_date(self) -> dt.date:
        return self.market.reference_date

    def open_state(self, session: Session | None = None, today: dt.date | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """(open mask, openings left) by the core's rule (:func:`matcher.core.matcher.open_posts`).

        At the market's reference date with the hires it was fitted with, this
        is the market's own :attr:`~matcher.market.Market.open_mask`; hires
        recorded since (``session`` given) or another ``today`` apply the same
        rule again to the fitted posts.
        """
        m = self.matcher
        hired = m.hired_ if session is None else stored_hires(session)
        day = today or self.reference_date
        if hired == m.hired_ and day == self.reference_date:
            return m.open_, m.openings_left_
        return open_posts(m.vacancies_, day, exclude_expired=m.settings.hard_constraints.exclude_expired,
                          hired=hired)

    def counts(self, session: Session | None = None) -> dict[str, Any]:
        """Open posts and their openings left (the numbers every face reports), with the reference date."""
        ok, left = self.open_state(session)
        return {"vacancies_open": int(ok.sum()), "openings_open": int(left[ok].sum()),
                "reference_date": self.reference_date.isoformat(), "source": self.market.source}

    def vacancy_mask(self, session: Session, *, district: str | None = None, min_wage: float | None = None,
                     welfare_only: bool = False, include_shift: bool = True,
                     open_only: bool = True, today: dt.date | None = None) -> np.ndarray:
        """Boolean mask over the fitted vacancies (row order of ``matcher.vacancies_``).

        ``min_wage`` (yuan/month) drops posts whose best known wage is below
        it; posts with no stated wage are kept. ``open_only`` keeps the open
        posts (:meth:`open_state`: the market's reference date unless
        ``today`` is given, hires as recorded now).
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
            mask &= self.open_state(session, today)[0]
        return mask

    def seeker_mask(self, district: str | None) -> np.ndarray | None:
        """Mask over fitted seekers limited to ``district`` (None = no limit)."""
        if not district:
            return None
        return self.seeker_district == district


def _build(token: str, market: Market, seconds: float) -> Fitted:
    matcher = market.matcher
    vac = matcher.vacancies_
    see = matcher.seekers_
    wmax = pd.to_numeric(vac["wage_max"], errors="coerce").to_numpy(dtype=float)
    wmin = pd.to_numeric(vac["wage_min"], errors="coerce").to_numpy(dtype=float)
    top = np.where(np.isnan(wmax), wmin, wmax)

    def flag(col: str) -> np.ndarray:
        if col not in vac.columns:
            return np.zeros(len(vac), dtype=bool)
        return pd.array(vac[col], dtype="boolean").fillna(False).to_numpy(dtype=bool)

    vids = vac["vacancy_id"].astype(str).to_numpy(dtype=object)
    sids = see["seeker_id"].astype(str).to_numpy(dtype=object)
    return Fitted(
        token=token, market=market, fitted_at=dt.datetime.now(), fit_seconds=seconds,
        vacancy_ids=vids, vacancy_pos={v: i for i, v in enumerate(vids)},
        vacancy_district=vac["district"].astype(object).fillna("").to_numpy(dtype=object),
        vacancy_wage_top=top, vacancy_welfare=flag("public_welfare"), vacancy_shift=flag("shift_work"),
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

    The market comes from the one route: the nightly batch's saved market
    (``batch_dir``/market, :func:`matcher.market.load_market`, no refit)
    when it was built from exactly the imported files, with the same
    settings and reference date (:meth:`saved_market`); otherwise
    ``factory`` (default :func:`default_factory`, i.e.
    :func:`matcher.market.build_market`) over the stored frames. The
    reference date is :func:`reference_date`; hires are the stored ones.
    """

    def __init__(self, factory: MarketFactory | None = None, settings: object = None,
                 background: bool = True, session_factory: Callable[[], Session] | None = None,
                 batch_dir: str | None = None) -> None:
        resolve_settings(settings)          # validated before any data is read
        self.factory = factory or default_factory
        self.settings = settings
        self.background = background
        self.session_factory = session_factory
        self.batch_dir = batch_dir
        self._lock = threading.Lock()
        self._fitted: Fitted | None = None
        self._refitting: str | None = None
        self.last_error: str | None = None
        #: why the batch's saved market was not used for the current generation (None: used, or no batch)
        self.saved_market_note: str | None = None

    def saved_market(self, session: Session, ref: dt.date, hired: Mapping[str, int]) -> Market | None:
        """The batch's saved market when it matches the database; else None (reason in ``saved_market_note``).

        It matches when the newest imports of the seekers and vacancies files
        have the checksums the market was built from, the database holds as
        many seekers and vacancies as the market, and the settings (with the
        reference date) are the same.
        """
        self.saved_market_note = None
        if not self.batch_dir:
            return None
        try:
            meta = read_meta(self.batch_dir)
        except StaleMarketError as exc:
            self.saved_market_note = str(exc)
            return None
        sums = {}
        for role, col in (("seekers", Import.seekers_sha256), ("vacancies", Import.vacancies_sha256)):
            sums[role] = session.scalar(select(col).where(Import.status == "done", col.is_not(None))
                                        .order_by(Import.id.desc()).limit(1))
        n = {"seekers": session.scalar(select(func.count()).select_from(Seeker)),
             "vacancies": session.scalar(select(func.count()).select_from(Vacancy))}
        rec = meta.get("inputs") or {}
        want = resolve_settings(self.settings, ref).to_dict()
        why = None
        if any(sums[r] is None or (rec.get(r) or {}).get("sha256") != sums[r] for r in sums):
            why = "it was built from other files than the newest import"
        elif any((meta.get("counts") or {}).get(r) != n[r] for r in n):
            why = "the database holds other rows than the batch read"
        elif meta.get("settings") != want:
            why = (f"it was built with other settings or reference date ({meta.get('reference_date')}, "
                   f"here {ref.isoformat()})")
        if why is None:
            from .review import codes_generation

            if codes_generation(session):
                why = "staff have confirmed occupation codes in the review queue since"
        if why:
            self.saved_market_note = f"The saved market in {self.batch_dir} is not used: {why}."
            return None
        try:
            return load_market(self.batch_dir, checksums=sums, hired=hired)
        except StaleMarketError as exc:
            self.saved_market_note = str(exc)
            return None

    def _fit(self, session: Session, token: str) -> Fitted | None:
        ref = reference_date(session, self.settings)
        hired = stored_hires(session)
        start = time.perf_counter()
        market = self.saved_market(session, ref, hired)
        if market is None:
            seekers, vacancies = frames_from_db(session)
            if seekers.empty or vacancies.empty:
                return None
            if self.factory is default_factory:   # codes staff confirmed are used at once (review queue)
                from .review import office_coder

                market = self.factory(seekers, vacancies, self.settings, reference_date=ref, hired=hired,
                                      coder=office_coder(session, wait=True))
            else:
                market = self.factory(seekers, vacancies, self.settings, reference_date=ref, hired=hired)
        return _build(token, market, time.perf_counter() - start)

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
                             background=app.config.get("REFIT_IN_BACKGROUND", True), session_factory=sessions,
                             batch_dir=app.config.get("BATCH_DIR"))
    app.extensions["matcher_cache"] = cache

    @app.context_processor
    def market_context() -> dict[str, Any]:
        """``market_info`` for the page footer: reference date, open posts and where the market came from."""
        if not has_request_context() or "matcher_sessionmaker" not in app.extensions:
            return {"market_info": None}
        try:
            from .db import get_session

            fitted = current_app.extensions["matcher_cache"]._fitted    # never fits while rendering a page
            if fitted is None:
                return {"market_info": None}
            return {"market_info": fitted.counts(get_session())}
        except SQLAlchemyError:   # a footer line must never break a page
            return {"market_info": None}


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
    from .review import codes_generation_columns, codes_generation_text

    # one statement per request: the newest import's token and the code decisions' count and newest time
    token, n, last = session.execute(select(latest_token_query().scalar_subquery(),
                                            *codes_generation_columns())).one()
    codes = codes_generation_text(n, last) if token is not None else None
    return f"{token}+{codes}" if codes else token


def get_fitted(session: Session) -> Fitted | None:
    """The current app's fitted matcher state (see :meth:`MatcherCache.get`).

    Looked up once per request (one indexed query for the import token): a
    page that needs it in several places gets the same state each time.
    """
    return _once_per_request("_matcher_fitted", session, current_app.extensions["matcher_cache"].get)


def market_day(session: Session) -> dt.date:
    """The reference date pages decide "open" by: the current market's, else :func:`reference_date`
    (nothing fitted yet). Never fits."""
    cache = current_app.extensions["matcher_cache"]
    fitted = cache._fitted
    return fitted.reference_date if fitted is not None else reference_date(session, cache.settings)


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


def settle_heap() -> None:
    """Collect, then freeze the objects alive now out of the cyclic garbage collector's reach.

    Called by ``matcher serve`` after the start-up fit, before it forks its
    workers. A fitted 100k-seeker market is millions of long-lived Python
    objects; without this every full (generation-2) collection walks all of
    them, a pause of tens of milliseconds that lands on whichever request
    happens to allocate at that moment. Frozen objects are still freed by
    reference counting; only cycles among them are never collected, and they
    belong to the fit that serves for the process's life. Also keeps the
    forked workers from touching (and so copying) the shared pages of the fit.
    """
    import gc

    gc.collect()
    gc.freeze()


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
