"""Sign-in, sign-out, staff users and the access rules.

Passwords are stored as werkzeug hashes. Sign-in attempts are rate limited
in the database per (username, client address): after ``LOGIN_MAX_FAILURES``
failures within ``LOGIN_WINDOW_SECONDS`` further attempts are refused with
429 until the window passes (and a client address is limited across all
usernames at four times that). Admins manage users here.
"""
from __future__ import annotations

import datetime as dt
import functools

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from matcher.errors import MatcherError

from .extensions import login_manager
from .db import get_session
from .models import ROLES, LoginAttempt, Seeker, User, utcnow
from .views import _safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")

MIN_PASSWORD_LENGTH = 8
_DUMMY_HASH = generate_password_hash("not a real password")


class UserError(MatcherError):
    """A user cannot be created or changed as asked."""


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login hook: the active user with this id, or None."""
    try:
        uid = int(user_id)
    except ValueError:
        return None
    user = get_session().get(User, uid)
    return user if user is not None and user.active else None


def create_user(session: Session, username: str, password: str, role: str = "staff",
                district: str | None = None, *, hash_method: str = "scrypt") -> User:
    """Create a staff user; raises :class:`UserError` on a bad or taken name.

    ``role`` is ``admin`` or ``staff``; ``district`` (optional) limits the
    user to that district's seekers. The password must have at least
    ``MIN_PASSWORD_LENGTH`` characters. ``hash_method`` is a werkzeug
    method (tests pass a cheap one). Commits.
    """
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise UserError(f"Invalid username {username!r}: use 1-64 characters.")
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}; expected one of {', '.join(ROLES)}.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(f"User {username!r} already exists; choose another name.")
    user = User(username=username, password_hash=generate_password_hash(password, method=hash_method), role=role,
                district=(district or "").strip() or None, active=True)
    session.add(user)
    session.commit()
    return user


def admin_required(view):
    """Decorator: 403 unless the signed-in user is an admin."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def can_see_seeker(user: User, seeker: Seeker) -> bool:
    """Staff with a district scope see only seekers of that district."""
    return user.is_admin or not user.district or seeker.district == user.district


def get_seeker_or_404(db: Session, seeker_id: str) -> Seeker:
    """The seeker if it exists and the current user may see it; else 404."""
    seeker = db.get(Seeker, seeker_id)
    if seeker is None or not can_see_seeker(current_user, seeker):
        abort(404, _("Seeker %(id)s doesn't exist or is outside your district.", id=seeker_id))
    return seeker


def client_ip() -> str:
    """The client's address as the WSGI server reports it."""
    return (request.remote_addr or "unknown")[:64]


def _too_many_failures(session: Session, username: str, ip: str) -> bool:
    cfg = current_app.config
    since = utcnow() - dt.timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    base = select(func.count(LoginAttempt.id)).where(LoginAttempt.at >= since,
                                                     LoginAttempt.success.is_(False))
    per_user = session.scalar(base.where(LoginAttempt.username == username, LoginAttempt.ip == ip)) or 0
    per_ip = session.scalar(base.where(LoginAttempt.ip == ip)) or 0
    return per_user >= cfg["LOGIN_MAX_FAILURES"] or per_ip >= 4 * cfg["LOGIN_MAX_FAILURES"]


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Sign-in page; on success go to ``next`` (same-site paths only)."""
    if current_user.is_authenticated:
        return redirect(url_for("index"))
    if request.method == "POST":
        db = get_session()
        username = request.form.get("username", "").strip()[:64]
        password = request.form.get("password", "")
        ip = client_ip()
        if _too_many_failures(db, username, ip):
            return render_template("auth/login.html", error=_(
                "Too many failed sign-in attempts. Please wait 15 minutes and try again.")), 429
        user = db.scalar(select(User).where(User.username == username))
        if user is None:  # same work as a real check, so timing does not reveal names
            check_password_hash(_DUMMY_HASH, password)
        ok = user is not None and user.active and check_password_hash(user.password_hash, password)
        db.add(LoginAttempt(username=username, ip=ip, success=ok))
        if not ok:
            db.commit()
            return render_template("auth/login.html", error=_("Wrong username or password.")), 401
        user.last_login_at = utcnow()
        db.commit()
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        login_user(user)
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")) or url_for("index"))
    return render_template("auth/login.html")


@bp.post("/logout")
def logout():
    """Sign out and forget the session."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/users", methods=("GET", "POST"))
@admin_required
def users():
    """Admin: list users and create a new one."""
    db = get_session()
    if request.method == "POST":
        try:
            create_user(db, request.form.get("username", ""), request.form.get("password", ""),
                        request.form.get("role", "staff"), request.form.get("district") or None)
            flash(_("User created."), "info")
            return redirect(url_for("auth.users"))
        except UserError:
            db.rollback()
            flash(_("The user could not be created: check that the name is free and the "
                    "password has at least 8 characters."), "error")
    rows = db.scalars(select(User).order_by(User.username)).all()
    return render_template("auth/users.html", users=rows)


@bp.post("/users/<int:user_id>/toggle")
@admin_required
def toggle_user(user_id: int):
    """Admin: deactivate or reactivate a user (never yourself)."""
    db = get_session()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate yourself."), "error")
    else:
        user.active = not user.active
        db.commit()
        flash(_("User updated."), "info")
    return redirect(url_for("auth.users"))
