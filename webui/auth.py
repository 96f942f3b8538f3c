"""Sign-in, sign-out, sessions that end, staff users and the access rules.

Sessions. The signed session cookie holds the user id, the user's
``session_version`` at sign-in, the sign-in time, the last-seen time and a
hash of the browser's user agent (and, with ``SESSION_BIND_ADDRESS``, of the
client address). On every request :func:`load_user` refuses the session when
the version no longer matches the database (sign-out, a password change or
reset, a role or district change and deactivation bump it, so they end every
session of that user on every machine), when it has been idle longer than
``SESSION_IDLE_MINUTES``, when it is older than ``SESSION_MAX_HOURS``, or
when the cookie comes from another browser (or address). Flask-Login's own
"strong" protection is off: it does nothing for permanent sessions.

Throttling. Failed sign-ins are kept in ``login_attempts``. A username is
locked after ``LOGIN_MAX_FAILURES`` consecutive failures (since its last
success, within a day) for ``LOGIN_LOCK_SECONDS``, doubling with each further
failure up to ``LOGIN_LOCK_MAX_SECONDS``; attempts while locked are refused
without checking the password. Separately, one client address may fail
``LOGIN_IP_MAX_FAILURES`` times per ``LOGIN_WINDOW_SECONDS`` (generous: an
office behind one proxy shares an address). The client address is the WSGI
peer, or — with ``TRUSTED_PROXIES`` = n — the address n hops back in
``X-Forwarded-For`` (werkzeug ``ProxyFix``, set up in :func:`webui.create_app`).

Passwords follow :mod:`webui.passwords`. A successful sign-in re-hashes a
password stored with an older algorithm or weaker parameters than
``PASSWORD_HASH_METHOD`` (:func:`hash_outdated`; audited as ``password_rehash``). Admins create users, change roles
and districts, deactivate and reset passwords here; a reset makes the user
choose a new password at the next sign-in. Everything is audited.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from matcher import vocab
from matcher.errors import MatcherError

from .audit import client_ip, record
from .extensions import login_manager
from .db import get_session
from .models import ROLES, LoginAttempt, Seeker, User, utcnow
from .passwords import HASH_METHOD, MIN_LENGTH, password_problems
from .views import _safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")

MIN_PASSWORD_LENGTH = MIN_LENGTH
_DUMMY_HASH = generate_password_hash("not a real password", method=HASH_METHOD)
#: Session keys this module owns (cleared when a session ends).
_SESSION_KEYS = ("_user_id", "_fresh", "_id", "_sv", "_auth", "_seen", "_bind")
#: Endpoints a user who must change the password may still reach.
_PASSWORD_CHANGE_ENDPOINTS = {"auth.password", "auth.logout", "static", "set_language"}


class UserError(MatcherError):
    """A user cannot be created or changed as asked (the message says why)."""


# --------------------------------------------------------------------------- sessions

def _binding() -> str:
    """What a session is bound to: the user agent, and the address when configured."""
    parts = [request.headers.get("User-Agent", "")[:512]]
    if current_app.config.get("SESSION_BIND_ADDRESS"):
        parts.append(client_ip())
    return hashlib.sha256("|".join(parts).encode("utf-8", "replace")).hexdigest()[:32]


def _end_session(reason: str) -> None:
    for key in _SESSION_KEYS:
        session.pop(key, None)
    g.session_ended = reason


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login hook: the active user of a still-valid session, or None.

    Ends the session (clears it and notes why in ``g.session_ended``) when the
    user is gone or inactive, the session version is stale, the session is
    idle or too old, or the cookie comes from another browser/address.
    """
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return None
    user = get_session().get(User, uid) if 0 < uid < 2**63 else None
    cfg = current_app.config
    now = int(time.time())
    reason = None
    if user is None or not user.active:
        reason = "inactive"
    elif session.get("_sv") != user.session_version:
        reason = "revoked"
    elif now - int(session.get("_auth") or 0) > cfg["SESSION_MAX_HOURS"] * 3600:
        reason = "expired"
    elif now - int(session.get("_seen") or 0) > cfg["SESSION_IDLE_MINUTES"] * 60:
        reason = "idle"
    elif session.get("_bind") != _binding():
        reason = "moved"
    if reason is not None:
        if reason == "moved" and user is not None:

            record("session_refused", user=user, detail="cookie from another browser or address")
            get_session().commit()
        _end_session(reason)
        return None
    if now - int(session.get("_seen") or 0) >= 15:  # keeps the cookie quiet between quick clicks
        session["_seen"] = now
    return user


def start_session(user: User) -> None:
    """Sign ``user`` in on a fresh session (language kept)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    now = int(time.time())
    session.update({"_sv": user.session_version, "_auth": now, "_seen": now, "_bind": _binding()})
    session.permanent = False  # the cookie ends with the browser; the server ends it sooner


def end_all_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1


def session_notice() -> str | None:
    """Why the request's session was just ended, as a sentence (or None)."""
    reason = g.get("session_ended")
    if reason is None:
        return None
    return {
        "idle": _("Your session ended after a period of inactivity. Please sign in again."),
        "expired": _("Your session reached its maximum length. Please sign in again."),
    }.get(reason, _("Your session has ended. Please sign in again."))


def password_change_required() -> bool:
    """True when the signed-in user must choose a new password before anything else."""
    return bool(current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in _PASSWORD_CHANGE_ENDPOINTS)


# --------------------------------------------------------------------------- users

def normalise_district(text: str | None) -> str | None:
    """A district from any spelling the loader accepts (``攀枝花市东区`` -> ``东区``).

    Empty gives None (all districts); anything that is not one of
    :data:`matcher.vocab.DISTRICTS` raises :class:`UserError`.
    """
    from matcher.normalise.districts import parse_district

    text = (text or "").strip()
    if not text:
        return None
    name = parse_district(text).name
    if name not in vocab.DISTRICTS:
        raise UserError(_("Unknown district %(value)s: use one of %(known)s.", value=text[:40],
                          known="、".join(vocab.DISTRICTS)))
    return name


def check_password_rules(password: str, username: str) -> None:
    """Raise :class:`UserError` listing every rule ``password`` breaks."""
    problems = password_problems(password, username)
    if problems:
        raise UserError(" ".join(problems))


def create_user(session: Session, username: str, password: str, role: str = "staff",
                district: str | None = None, *, hash_method: str = HASH_METHOD,
                must_change_password: bool = False) -> User:
    """Create a staff user; raises :class:`UserError` saying what is wrong.

    ``username``: 1-64 characters, no spaces at the ends, not taken.
    ``role``: ``admin`` or ``staff``. ``district`` (optional) limits the
    user to that district's seekers; any spelling of a Panzhihua district
    is accepted and normalised, anything else refused. The password must pass
    :func:`webui.passwords.password_problems`. ``hash_method`` is a werkzeug
    method (default scrypt; tests pass a cheap one). Commits.
    """
    username = (username or "").strip()
    if not username or len(username) > 64 or any(ch.isspace() or ord(ch) < 32 for ch in username):
        raise UserError(_("Invalid username %(name)s: use 1-64 characters without spaces.", name=username[:64]))
    if role not in ROLES:
        raise UserError(_("Unknown role %(role)s; expected one of %(roles)s.", role=str(role)[:20],
                          roles=", ".join(ROLES)))
    district = normalise_district(district)
    check_password_rules(password, username)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(_("User %(name)s already exists; choose another name.", name=username))
    now = utcnow()
    user = User(username=username, password_hash=generate_password_hash(password, method=hash_method), role=role,
                district=district, active=True, session_version=0, must_change_password=must_change_password,
                password_changed_at=now)
    session.add(user)
    session.commit()
    return user


@functools.lru_cache(maxsize=8)
def hash_params(method: str) -> str:
    """The algorithm and parameters werkzeug writes for ``method`` (``scrypt`` -> ``scrypt:32768:8:1``)."""
    return generate_password_hash("parameters only", method=method).split("$", 1)[0]


def hash_outdated(stored: str | None, method: str = HASH_METHOD) -> bool:
    """True when the stored hash was made with another algorithm or other parameters than ``method``
    gives today (then a successful sign-in re-hashes the password with it)."""
    return not stored or stored.split("$", 1)[0] != hash_params(method)


def set_password(user: User, password: str, *, must_change: bool, hash_method: str = HASH_METHOD) -> None:
    """Check the rules, store the new hash and end the user's sessions (caller commits)."""
    check_password_rules(password, user.username)
    if check_password_hash(user.password_hash, password):
        raise UserError(_("The new password must differ from the current one."))
    user.password_hash = generate_password_hash(password, method=hash_method)
    user.must_change_password = must_change
    user.password_changed_at = utcnow()
    end_all_sessions(user)


def admin_required(view):
    """Decorator: 403 (audited) unless the signed-in user is an admin."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def can_see_seeker(user: User, seeker: Seeker) -> bool:
    """Staff with a district scope see only seekers of that district."""
    return user.is_admin or not user.district or seeker.district == user.district


# --------------------------------------------------------------------------- throttling

def locked_until(db: Session, username: str) -> dt.datetime | None:
    """When the lockout of ``username`` ends, or None when it may try now."""
    cfg = current_app.config
    now = utcnow()
    last_ok = db.scalar(select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username,
                                                                LoginAttempt.success.is_(True)))
    since = max(last_ok or dt.datetime.min, now - dt.timedelta(days=1))
    failures = db.scalars(select(LoginAttempt.at).where(
        LoginAttempt.username == username, LoginAttempt.success.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc()).limit(64)).all()
    over = len(failures) - cfg["LOGIN_MAX_FAILURES"]
    if over < 0:
        return None
    delay = min(cfg["LOGIN_LOCK_SECONDS"] * 2 ** min(over, 30), cfg["LOGIN_LOCK_MAX_SECONDS"])
    until = failures[0] + dt.timedelta(seconds=delay)
    return until if until > now else None


def address_blocked(db: Session, ip: str) -> bool:
    """True when ``ip`` has used up its failed sign-ins for the window."""
    cfg = current_app.config
    since = utcnow() - dt.timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    n = db.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.ip == ip, LoginAttempt.at >= since, LoginAttempt.success.is_(False))) or 0
    return n >= cfg["LOGIN_IP_MAX_FAILURES"]


def _wait_text(until: dt.datetime) -> str:
    minutes = max(1, int((until - utcnow()).total_seconds() + 59) // 60)
    return _("Too many failed sign-in attempts for this user. Try again in %(n)s minute(s), "
             "or ask an administrator to reset the password.", n=minutes)


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Sign-in page; on success go to ``next`` (same-site paths only)."""

    if current_user.is_authenticated:
        return redirect(url_for("index"))
    if request.method == "POST":
        db = get_session()
        username = request.form.get("username", "").strip()[:64]
        password = request.form.get("password", "")[:1024]
        ip = client_ip()
        if address_blocked(db, ip):
            record("login_throttled", username=username, detail="address limit")
            db.commit()
            return render_template("auth/login.html", error=_(
                "Too many failed sign-in attempts from this address. Please wait and try again.")), 429
        until = locked_until(db, username)
        if until is not None:
            record("login_locked", username=username, detail="attempt while locked")
            db.commit()
            return render_template("auth/login.html", error=_wait_text(until)), 429
        user = db.scalar(select(User).where(User.username == username))
        if user is None:  # same work as a real check, so timing does not reveal names
            check_password_hash(_DUMMY_HASH, password)
        ok = user is not None and user.active and check_password_hash(user.password_hash, password)
        db.add(LoginAttempt(username=username, ip=ip, success=ok))
        if not ok:
            reason = "unknown user" if user is None else ("inactive" if not user.active else "wrong password")
            record("login_failed", user=user, username=username, detail=reason)
            db.flush()
            until = locked_until(db, username)
            if until is not None:
                record("lockout", user=user, username=username, detail=f"until {until:%Y-%m-%d %H:%M:%S} UTC")
            db.commit()
            return render_template("auth/login.html", error=_("Wrong username or password.")), 401
        user.last_login_at = utcnow()
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if hash_outdated(user.password_hash, method):  # e.g. pbkdf2, or scrypt with weaker parameters
            user.password_hash = generate_password_hash(password, method=method)
            record("password_rehash", user=user, detail=f"to {hash_params(method)}")
        record("login", user=user)
        db.commit()
        start_session(user)
        if user.must_change_password:
            flash(_("An administrator has reset your password: please choose a new one."), "warning")
            return redirect(url_for("auth.password"))
        return redirect(_safe_next(request.args.get("next")) or url_for("index"))
    return render_template("auth/login.html")


@bp.post("/logout")
def logout():
    """Sign out: ends every session of this user, on every machine."""

    lang = session.get("lang")
    if current_user.is_authenticated:
        db = get_session()
        user = db.get(User, current_user.id)
        record("logout", user=user)
        end_all_sessions(user)
        db.commit()
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=("GET", "POST"))
def password():
    """Change your own password (current password needed); ends your other sessions."""

    db = get_session()
    user = db.get(User, current_user.id)
    error = None
    if request.method == "POST":
        current = request.form.get("current_password", "")[:1024]
        new = request.form.get("new_password", "")[:1024]
        if not check_password_hash(user.password_hash, current):
            error = _("The current password is wrong.")
            record("password_change_failed", user=user, detail="wrong current password")
            db.commit()
        elif new != request.form.get("confirm_password", ""):
            error = _("The two new passwords differ.")
        else:
            try:
                set_password(user, new, must_change=False)
            except UserError as exc:
                db.rollback()
                error = str(exc)
            else:
                record("password_change", user=user)
                db.commit()
                start_session(user)  # this session continues under the new version
                flash(_("Your password has been changed. Other sessions have been signed out."), "info")
                return redirect(url_for("index"))
    return render_template("auth/password.html", error=error, min_length=MIN_LENGTH,
                           forced=bool(user.must_change_password)), (400 if error else 200)


@bp.route("/users", methods=("GET", "POST"))
@admin_required
def users():
    """Admin: list users and create a new one (same rules as ``matcher create-user``)."""

    db = get_session()
    status = 200
    if request.method == "POST":
        try:
            user = create_user(db, request.form.get("username", "")[:200], request.form.get("password", "")[:1024],
                               request.form.get("role", "staff")[:20], request.form.get("district", "")[:64] or None,
                               hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                               must_change_password=request.form.get("must_change") == "1")
        except UserError as exc:
            db.rollback()
            flash(_("The user could not be created:") + " " + str(exc), "error")
            status = 400
        else:
            record("user_create", detail=f"user {user.id} {user.username}: role {user.role}, "
                                         f"district {user.district or '-'}")
            db.commit()
            flash(_("User created."), "info")
            return redirect(url_for("auth.users"))
    rows = db.scalars(select(User).order_by(User.username)).all()
    return render_template("auth/users.html", users=rows, roles=ROLES, min_length=MIN_LENGTH), status


def _other_user_or_404(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        abort(404, _("User %(id)s doesn't exist.", id=user_id))
    return user


@bp.post("/users/<int:user_id>/toggle")
@admin_required
def toggle_user(user_id: int):
    """Admin: deactivate (ending every session) or reactivate a user (never yourself)."""

    db = get_session()
    user = _other_user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate yourself."), "error")
    else:
        user.active = not user.active
        end_all_sessions(user)
        record("user_activate" if user.active else "user_deactivate", detail=f"user {user.id} {user.username}")
        db.commit()
        flash(_("User updated."), "info")
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/edit")
@admin_required
def edit_user(user_id: int):
    """Admin: change a user's role and district (ends that user's sessions)."""

    db = get_session()
    user = _other_user_or_404(user_id)
    role = request.form.get("role", "")[:20]
    try:
        if role not in ROLES:
            raise UserError(_("Unknown role %(role)s; expected one of %(roles)s.", role=role, roles=", ".join(ROLES)))
        if user.id == current_user.id and role != "admin":
            raise UserError(_("You cannot remove your own administrator role."))
        district = normalise_district(request.form.get("district", "")[:64])
    except UserError as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.users"))
    if (role, district) != (user.role, user.district):
        record("user_change", detail=f"user {user.id} {user.username}: role {user.role} -> {role}, "
                                     f"district {user.district or '-'} -> {district or '-'}")
        user.role, user.district = role, district
        end_all_sessions(user)
        db.commit()
        if user.id == current_user.id:
            start_session(user)
        flash(_("User updated."), "info")
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/reset")
@admin_required
def reset_password(user_id: int):
    """Admin: set a temporary password; the user must change it at the next sign-in."""

    db = get_session()
    user = _other_user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("Use “Change password” for your own password."), "error")
        return redirect(url_for("auth.users"))
    try:
        set_password(user, request.form.get("password", "")[:1024], must_change=True,
                     hash_method=current_app.config["PASSWORD_HASH_METHOD"])
    except UserError as exc:
        db.rollback()
        flash(_("The password was not reset:") + " " + str(exc), "error")
        return redirect(url_for("auth.users"))
    db.add(LoginAttempt(username=user.username, ip=client_ip(), success=True))  # lifts a lockout
    record("password_reset", detail=f"user {user.id} {user.username}")
    db.commit()
    flash(_("Password reset. The user must choose a new password at the next sign-in."), "info")
    return redirect(url_for("auth.users"))
