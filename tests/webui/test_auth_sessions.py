"""Sessions that end, passwords and accounts, throttling — through the Flask client."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from tests.webui.conftest import PASSWORD, login
from webui.db import new_session
from webui.models import AuditEntry, LoginAttempt, User

NEW_PASSWORD = "amber kettle harbour"


def _db(app):
    return new_session(app)


def _user(app, name: str) -> User:
    s = _db(app)
    try:
        return s.scalar(select(User).where(User.username == name))
    finally:
        s.close()


def _actions(app, **where) -> list[str]:
    s = _db(app)
    try:
        q = select(AuditEntry).order_by(AuditEntry.id)
        for k, v in where.items():
            q = q.where(getattr(AuditEntry, k) == v)
        return [e.action for e in s.scalars(q)]
    finally:
        s.close()


def _cookie(client) -> str:
    return client.get_cookie("matcher_session").value


def _replay(app, cookie: str, **headers):
    other = app.test_client()
    other.set_cookie("matcher_session", cookie)
    return other.get("/seekers/", headers=headers)


def _signed_in(resp) -> bool:
    return resp.status_code == 200


def _is_login_redirect(resp) -> bool:
    return resp.status_code == 302 and "/auth/login" in resp.headers["Location"]


# --------------------------------------------------------------------------- sessions end

def test_cookie_replayed_after_logout_gets_the_login_page(app, client):
    assert login(client, "east").status_code == 302
    saved = _cookie(client)
    assert _signed_in(_replay(app, saved))
    client.post("/auth/logout")
    assert _is_login_redirect(_replay(app, saved))


def test_logout_ends_every_session_of_that_user(app):
    a, b = app.test_client(), app.test_client()
    login(a, "east")
    login(b, "east")
    assert _signed_in(b.get("/seekers/"))
    a.post("/auth/logout")
    assert _is_login_redirect(b.get("/seekers/"))


def test_deactivation_ends_the_users_sessions(app, client):
    staff = app.test_client()
    login(staff, "west")
    assert _signed_in(staff.get("/seekers/"))
    login(client, "admin")
    west = _user(app, "west")
    assert client.post(f"/auth/users/{west.id}/toggle").status_code == 302
    assert _is_login_redirect(staff.get("/seekers/"))
    assert login(staff, "west").status_code == 401


def test_role_or_district_change_ends_the_users_sessions(app, client):
    staff = app.test_client()
    login(staff, "west")
    login(client, "admin")
    west = _user(app, "west")
    client.post(f"/auth/users/{west.id}/edit", data={"role": "staff", "district": "攀枝花市仁和区"})
    assert _user(app, "west").district == "仁和区"
    assert _is_login_redirect(staff.get("/seekers/"))
    assert "user_change" in _actions(app, username="admin")


def test_cookie_from_another_browser_or_address_is_refused(app, client):
    login(client, "east")
    saved = _cookie(client)
    assert _signed_in(_replay(app, saved))
    assert _is_login_redirect(_replay(app, saved, **{"User-Agent": "curl/8.0"}))
    other = app.test_client()
    other.set_cookie("matcher_session", saved)
    resp = other.get("/seekers/", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert _is_login_redirect(resp)
    assert "session_refused" in _actions(app, username="east")


def test_idle_timeout_and_absolute_lifetime(app, client, monkeypatch):
    app.config.update(SESSION_IDLE_MINUTES=30, SESSION_MAX_HOURS=10)
    login(client, "east")
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 29 * 60)
    assert _signed_in(client.get("/seekers/"))  # still active: the idle clock restarts
    monkeypatch.setattr(time, "time", lambda: start + 29 * 60 + 31 * 60)
    resp = client.get("/seekers/")
    assert _is_login_redirect(resp)
    assert "长时间未操作" in client.get(resp.headers["Location"]).get_data(as_text=True)

    monkeypatch.setattr(time, "time", lambda: start)
    login(client, "east")
    for minutes in range(20, 10 * 60, 20):  # busy all day: never idle
        monkeypatch.setattr(time, "time", lambda m=minutes: start + m * 60)
        assert _signed_in(client.get("/seekers/")), minutes
    monkeypatch.setattr(time, "time", lambda: start + 10 * 3600 + 60)
    assert _is_login_redirect(client.get("/seekers/"))


def test_session_cookie_is_not_persistent(client):
    login(client, "east")
    cookie = client.get_cookie("matcher_session")
    assert cookie.expires is None and cookie.http_only


# --------------------------------------------------------------------------- passwords

def test_user_changes_own_password_and_other_sessions_end(app, client):
    other = app.test_client()
    login(other, "east")
    login(client, "east")
    r = client.post("/auth/password", data={"current_password": "wrong one", "new_password": NEW_PASSWORD,
                                            "confirm_password": NEW_PASSWORD})
    assert r.status_code == 400 and "当前密码不正确" in r.get_data(as_text=True)
    r = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": "east-is-east-123",
                                            "confirm_password": "east-is-east-123"})
    assert r.status_code == 400 and "密码不得包含用户名" in r.get_data(as_text=True)
    r = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                            "confirm_password": NEW_PASSWORD})
    assert r.status_code == 302
    assert _signed_in(client.get("/seekers/"))  # this session goes on
    assert _is_login_redirect(other.get("/seekers/"))  # the other one ended
    client.post("/auth/logout")
    assert login(client, "east").status_code == 401
    assert login(client, "east", NEW_PASSWORD).status_code == 302
    assert {"password_change_failed", "password_change"} <= set(_actions(app, username="east"))


@pytest.mark.parametrize("password, message", [
    ("12345678", "密码至少需要 12 个字符"),
    ("aaaaaaaaaaaaaaa", "个不同的字符"),
    ("station7-is-here", "密码不得包含用户名"),
    ("qwertyuiop123", "常见密码"),
])
def test_web_form_applies_the_password_rules(admin_client, app, password, message):
    r = admin_client.post("/auth/users", data={"username": "Station7", "password": password, "role": "staff"})
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert _user(app, "Station7") is None


def test_districts_are_normalised_and_validated(admin_client, app):
    r = admin_client.post("/auth/users", data={"username": "mars", "password": NEW_PASSWORD, "district": "火星区"})
    assert r.status_code == 400 and "未知区县 火星区" in r.get_data(as_text=True)
    r = admin_client.post("/auth/users", data={"username": "east2", "password": NEW_PASSWORD,
                                               "district": "攀枝花市东区"})
    assert r.status_code == 302 and _user(app, "east2").district == "东区"


def test_admin_reset_forces_a_change_at_next_sign_in(app, client):
    staff = app.test_client()
    login(staff, "west")
    login(client, "admin")
    west = _user(app, "west")
    assert client.post(f"/auth/users/{west.id}/reset", data={"password": "temporary lantern 9"}).status_code == 302
    assert _is_login_redirect(staff.get("/seekers/"))  # the reset ended west's sessions
    r = login(staff, "west", "temporary lantern 9")
    assert r.status_code == 302 and r.headers["Location"].endswith("/auth/password")
    r = staff.get("/seekers/")  # nothing else until the password is changed
    assert r.status_code == 302 and r.headers["Location"].endswith("/auth/password")
    r = staff.post("/auth/password", data={"current_password": "temporary lantern 9",
                                           "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert r.status_code == 302
    assert _signed_in(staff.get("/seekers/"))
    assert not _user(app, "west").must_change_password
    assert "password_reset" in _actions(app, username="admin")


@pytest.fixture
def scrypt_app(db_path, tmp_path, matcher_cache):
    """An app with the factory's default hashing (scrypt), over users hashed with FAST_HASH."""
    from tests.webui.conftest import base_config
    from webui import create_app

    cfg = base_config(db_path, tmp_path, matcher_cache)
    del cfg["PASSWORD_HASH_METHOD"]
    app = create_app(cfg)
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    yield app
    app.extensions["matcher_engine"].dispose()


def test_new_passwords_are_hashed_with_scrypt(scrypt_app):
    admin_client = scrypt_app.test_client()
    assert login(admin_client, "admin").status_code == 302
    admin_client.post("/auth/users", data={"username": "hashme", "password": NEW_PASSWORD})
    assert _user(scrypt_app, "hashme").password_hash.startswith("scrypt:")


def test_outdated_hash_is_upgraded_at_sign_in(scrypt_app):
    """A hash made with old parameters (pbkdf2 with 1,000 rounds; scrypt with a smaller cost) is replaced
    by the current method's at the next successful sign-in; a failed sign-in changes nothing."""
    from werkzeug.security import check_password_hash, generate_password_hash

    from webui.auth import hash_outdated, hash_params

    old = _user(scrypt_app, "east").password_hash
    assert old.startswith("pbkdf2:sha256:1000$") and hash_outdated(old, "scrypt")
    client = scrypt_app.test_client()
    assert login(client, "east", "wrong password").status_code == 401
    assert _user(scrypt_app, "east").password_hash == old
    assert login(client, "east").status_code == 302
    new = _user(scrypt_app, "east").password_hash
    assert new.split("$", 1)[0] == hash_params("scrypt") == "scrypt:32768:8:1"
    assert check_password_hash(new, PASSWORD) and not hash_outdated(new, "scrypt")
    assert "password_rehash" in _actions(scrypt_app, username="east")
    client.post("/auth/logout")
    assert login(client, "east").status_code == 302          # the new hash signs in; no second upgrade
    assert _user(scrypt_app, "east").password_hash == new
    assert _actions(scrypt_app, username="east").count("password_rehash") == 1
    # scrypt with a weaker cost counts as outdated too
    s = _db(scrypt_app)
    try:
        u = s.scalar(select(User).where(User.username == "west"))
        u.password_hash = generate_password_hash(PASSWORD, method="scrypt:16384:8:1")
        s.commit()
    finally:
        s.close()
    assert login(scrypt_app.test_client(), "west").status_code == 302
    assert _user(scrypt_app, "west").password_hash.startswith("scrypt:32768:8:1$")


# --------------------------------------------------------------------------- throttling

def _age_attempts(app, seconds: int) -> None:
    """Move every recorded sign-in attempt ``seconds`` into the past (instead of waiting)."""
    s = _db(app)
    for a in s.scalars(select(LoginAttempt)):
        a.at = a.at - dt.timedelta(seconds=seconds)
    s.commit()
    s.close()


def test_username_lockout_with_backoff_does_not_lock_the_office(app, client):
    app.config.update(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_SECONDS=60, LOGIN_IP_MAX_FAILURES=100)
    for _ in range(3):
        assert login(client, "east", "wrong password").status_code == 401
    r = login(client, "east")  # right password, but east is locked
    assert r.status_code == 429 and "分钟后再试" in r.get_data(as_text=True)
    assert login(client, "west").status_code == 302  # same address, another user: fine
    assert "lockout" in _actions(app, username="east")
    assert "login_locked" in _actions(app, username="east")
    # backoff: after the first lock passes, each further failure doubles the wait
    _age_attempts(app, 61)
    other = app.test_client()
    assert login(other, "east", "wrong again").status_code == 401  # 4th failure: locked 120 s
    _age_attempts(app, 90)
    assert login(other, "east").status_code == 429  # 90 s later still locked (120 s)
    _age_attempts(app, 40)
    assert login(other, "east").status_code == 302  # 130 s later: open; success clears the count


def test_per_address_limit_is_separate_and_generous(app):
    app.config.update(LOGIN_MAX_FAILURES=5, LOGIN_IP_MAX_FAILURES=12)
    c = app.test_client()
    for i in range(12):  # 12 users each mistype once behind one office address
        assert login(c, f"user{i}", "wrong password").status_code == 401
    assert login(c, "east").status_code == 429  # the address is now limited
    assert "login_throttled" in _actions(app)
    other = app.test_client()
    r = other.post("/auth/login", data={"username": "east", "password": PASSWORD},
                   environ_base={"REMOTE_ADDR": "10.0.0.8"})
    assert r.status_code == 302  # another address is not affected


def test_trusted_proxies_reads_the_client_from_x_forwarded_for(db_path, tmp_path, matcher_cache):
    from tests.webui.conftest import base_config
    from webui import create_app

    def attempt(app, xff: str, remote: str = "127.0.0.1"):
        c = app.test_client()
        c.post("/auth/login", data={"username": "east", "password": "wrong password"},
               headers={"X-Forwarded-For": xff}, environ_base={"REMOTE_ADDR": remote})
        s = new_session(app)
        try:
            return s.scalars(select(LoginAttempt.ip).order_by(LoginAttempt.id.desc())).first()
        finally:
            s.close()

    direct = create_app(base_config(db_path, tmp_path, matcher_cache))
    assert attempt(direct, "6.6.6.6") == "127.0.0.1"  # no proxy configured: the header is ignored
    direct.extensions["matcher_engine"].dispose()
    one = create_app(base_config(db_path, tmp_path, matcher_cache, TRUSTED_PROXIES=1))
    assert attempt(one, "203.0.113.7") == "203.0.113.7"
    assert attempt(one, "6.6.6.6, 203.0.113.7") == "203.0.113.7"  # a forged first hop is not trusted
    one.extensions["matcher_engine"].dispose()
    two = create_app(base_config(db_path, tmp_path, matcher_cache, TRUSTED_PROXIES=2))
    assert attempt(two, "198.51.100.4, 10.0.0.2") == "198.51.100.4"
    two.extensions["matcher_engine"].dispose()
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app(base_config(db_path, tmp_path, matcher_cache, TRUSTED_PROXIES=-1))


def test_sign_in_outcomes_are_audited(app, client):
    login(client, "east", "wrong password")
    login(client, "nobody", "wrong password")
    login(client, "east")
    client.post("/auth/logout")
    assert _actions(app, username="east") == ["login_failed", "login", "logout"]
    assert _actions(app, username="nobody") == ["login_failed"]
