"""The staff web UI: a Flask app factory with one blueprint per area.

``create_app(test_config=None)`` reads its settings from the environment:

``MATCHER_DATABASE_URL``
    any SQLAlchemy URL (default: SQLite ``matcher.db`` in the instance folder);
``MATCHER_INSTANCE_PATH``
    the instance folder (absolute path; default Flask's ``instance/``);
``MATCHER_SECRET_KEY``
    session signing key (default: a random key kept in ``instance/secret_key``);
``MATCHER_SESSION_COOKIE_SECURE``
    ``1``/``0``; the session cookie is ``Secure`` unless testing or set to 0
    (``matcher serve`` on a loopback address turns it off for plain http);
``MATCHER_SETTINGS``
    a match-settings JSON file for the engine;
``MATCHER_BATCH_DIR``
    the ``--out`` folder (symlink) of ``matcher batch``: its capacity-aware
    lists are offered on the seeker and vacancy pages (config ``BATCH_DIR``;
    default ``<instance>/batch`` when that exists);
``MATCHER_TRUSTED_PROXIES``
    how many reverse proxies in front of the app append to
    ``X-Forwarded-For`` (default 0: the header is ignored); the client
    address (sign-in limits, audit) is read that many hops back;
``MATCHER_SESSION_IDLE_MINUTES`` / ``MATCHER_SESSION_MAX_HOURS``
    a session ends after this long without a request (default 30 minutes)
    and this long after sign-in (default 10 hours);
``MATCHER_AUDIT_RETENTION_DAYS``
    audit entries older than this are deleted at start-up (default 1095,
    at least 180).

Security settings (config keys, see ``docs/security.md``): ``SESSION_BIND_ADDRESS``,
``LOGIN_MAX_FAILURES``, ``LOGIN_LOCK_SECONDS``, ``LOGIN_LOCK_MAX_SECONDS``,
``LOGIN_IP_MAX_FAILURES``, ``LOGIN_WINDOW_SECONDS``, ``PASSWORD_HASH_METHOD``.

Every page needs a signed-in user except the sign-in page (and static files
and the language switch). Responses carry a strict Content-Security-Policy,
``no-store`` caching and no referrer, so personal data is neither cached nor
leaked to other sites.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import Babel
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db, engine, errors, nightly
from .extensions import LANGUAGES, login_manager
from .params import BoundedIntConverter

csrf = CSRFProtect()
babel = Babel()

#: Endpoints reachable without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "static", "set_language"}


def _truthy(text: str | None) -> bool | None:
    if text is None or text.strip() == "":
        return None
    return text.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    env = os.environ.get("MATCHER_SECRET_KEY")
    if env:
        return env
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _env_int(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise RuntimeError(f"{name}={text!r} is not a whole number.") from None


def select_locale() -> str:
    """The session's language (set by the switch), default zh_CN."""
    lang = session.get("lang")
    return lang if lang in LANGUAGES else "zh_CN"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. ``test_config`` overrides any setting (tests, demo)."""
    instance_path = os.environ.get("MATCHER_INSTANCE_PATH")
    if test_config and test_config.get("INSTANCE_PATH"):
        instance_path = test_config["INSTANCE_PATH"]
    app = Flask(__name__, instance_relative_config=True,
                instance_path=str(Path(instance_path).resolve()) if instance_path else None)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    testing = bool(test_config and test_config.get("TESTING"))
    secure_env = _truthy(os.environ.get("MATCHER_SESSION_COOKIE_SECURE"))
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("MATCHER_DATABASE_URL") or f"sqlite:///{instance / 'matcher.db'}",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=(not testing) if secure_env is None else secure_env,
        SESSION_COOKIE_NAME="matcher_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=10 * 3600,
        SESSION_IDLE_MINUTES=_env_int("MATCHER_SESSION_IDLE_MINUTES", 30),
        SESSION_MAX_HOURS=_env_int("MATCHER_SESSION_MAX_HOURS", 10),
        SESSION_BIND_ADDRESS=True,
        TRUSTED_PROXIES=_env_int("MATCHER_TRUSTED_PROXIES", 0),
        AUDIT_RETENTION_DAYS=_env_int("MATCHER_AUDIT_RETENTION_DAYS", 1095),
        PASSWORD_HASH_METHOD="scrypt",
        WTF_CSRF_TIME_LIMIT=10 * 3600,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="zh_CN",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).resolve().parent / "translations"),
        LOGIN_MAX_FAILURES=5,          # per username, consecutive: then locked
        LOGIN_LOCK_SECONDS=60,         # first lock; doubles with each further failure
        LOGIN_LOCK_MAX_SECONDS=3600,
        LOGIN_IP_MAX_FAILURES=100,     # per client address per window (an office shares one)
        LOGIN_WINDOW_SECONDS=15 * 60,
        MATCHES_K=None,                # list lengths: None = the market settings' top_k (as every face)
        SERVE_BLAS_THREADS=1,  # BLAS threads per process after the start-up fit (webui.engine.warm_up)
        CANDIDATES_K=None,
        SEARCH_LIMIT=50,
        MATCH_SETTINGS=os.environ.get("MATCHER_SETTINGS") or None,
    )
    if test_config:
        app.config.update({k: v for k, v in test_config.items() if k != "INSTANCE_PATH"})
    if "BATCH_DIR" not in app.config:
        app.config["BATCH_DIR"] = nightly.default_batch_dir(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    hops = int(app.config["TRUSTED_PROXIES"])
    if not 0 <= hops <= 10:
        raise RuntimeError(f"TRUSTED_PROXIES={hops}: use 0 (no proxy) to 10.")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.url_map.converters["int"] = BoundedIntConverter

    db.init_app(app)
    engine.init_app(app)
    nightly.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # replaced by webui.auth.load_user's checks (works for every session)
    errors.init_app(app)

    from . import (auditpages, auth, cityreport, followups, imports, overview, referrals, seekers, training,
                   vacancies, views)

    for module in (auth, seekers, vacancies, referrals, followups, overview, auditpages, imports, training,
                   cityreport):
        app.register_blueprint(module.bp)
    from . import review; app.register_blueprint(review.bp)  # occupation-code review queue (issue 14)
    views.init_app(app)
    from .matchview import match_html, match_view

    app.jinja_env.globals["match_view"] = match_view
    app.jinja_env.globals["match_html"] = match_html
    cityreport.init_app(app)
    _prune_audit(app)

    @app.before_request
    def require_login():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            notice = auth.session_notice()
            if notice:
                flash(notice, "warning")
            return redirect(url_for("auth.login", next=request.path if request.method == "GET" else None))
        if auth.password_change_required():
            return redirect(url_for("auth.password"))
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.route("/")
    def index():
        return redirect(url_for("seekers.search"))

    return app


def _prune_audit(app: Flask) -> None:
    """Apply the audit retention setting (start-up)."""
    from .audit import prune, retention_days

    from sqlalchemy import inspect

    days = retention_days(app.config)
    if not inspect(app.extensions["matcher_engine"]).has_table("audit_log"):
        return  # schema not created yet (AUTO_MIGRATE off): nothing to prune
    session = db.new_session(app)
    try:
        prune(session, days)
    finally:
        session.close()
