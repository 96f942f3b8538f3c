"""The web UI's commands: ``matcher import``, ``matcher create-user``, ``matcher serve``."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.cli import main
from webui import commands as webcmds
from webui import create_app
from webui.db import new_session
from webui.models import Import, Seeker, User


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("MATCHER_DATABASE_URL", raising=False)
    monkeypatch.delenv("MATCHER_SESSION_COOKIE_SECURE", raising=False)
    return tmp_path


def _count(model):
    app = create_app({"TESTING": True})
    s = new_session(app)
    try:
        return s.scalar(select(func.count()).select_from(model))
    finally:
        s.close()
        app.extensions["matcher_engine"].dispose()


def test_import_loads_files_into_the_instance_database(instance, market_files, capsys):
    args = ["import", str(market_files["seekers"]), str(market_files["vacancies"]),
            "--outcomes", str(market_files["outcomes"])]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "seekers: read 60, accepted 60" in out and "inserted 60" in out
    assert (instance / "matcher.db").exists()
    assert _count(Seeker) == 60
    assert main(args) == 0  # re-import: rows updated in place
    assert "updated 60" in capsys.readouterr().out
    assert _count(Seeker) == 60 and _count(Import) == 2


def test_import_of_a_missing_file_fails_cleanly(instance, market_files, capsys):
    assert main(["import", str(instance / "nope.csv"), str(market_files["vacancies"])]) != 0
    assert "Traceback" not in capsys.readouterr().err


def test_create_user_and_if_missing(instance, capsys):
    args = ["create-user", "--username", "demo", "--password", "demo-password-1", "--role", "admin"]
    assert main(args) == 0
    assert "Created admin user 'demo'" in capsys.readouterr().out
    assert main(args) == 2  # taken name: a clear error, not a traceback
    assert "already exists" in capsys.readouterr().err
    assert main(args + ["--if-missing"]) == 0
    assert "left unchanged" in capsys.readouterr().out
    assert main(["create-user", "--username", "x", "--password", "short"]) == 2
    assert "too short" in capsys.readouterr().err
    app = create_app({"TESTING": True})
    s = new_session(app)
    user = s.scalar(select(User).where(User.username == "demo"))
    assert user.role == "admin" and user.password_hash.startswith("scrypt:")
    assert "demo-password-1" not in user.password_hash
    s.close()
    app.extensions["matcher_engine"].dispose()


@pytest.mark.parametrize("host, secure", [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                          ("0.0.0.0", True), ("192.168.1.20", True)])
def test_serve_uses_waitress_with_secure_cookies_off_loopback(instance, monkeypatch, host, secure):
    import waitress

    import webui.engine

    calls = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.update(app=app, **kw))
    monkeypatch.setattr(webui.engine, "warm_up", lambda app: calls.setdefault("warmed", True) and None)
    assert main(["serve", "--host", host, "--port", "5055"]) == 0
    assert calls["warmed"] is True and calls["host"] == host and calls["port"] == 5055
    app = calls["app"]
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.config.get("TESTING")


def test_secret_key_is_generated_once_and_private(instance):
    a = create_app()
    b = create_app()
    assert a.config["SECRET_KEY"] == b.config["SECRET_KEY"] and len(a.config["SECRET_KEY"]) >= 32
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0
    for app in (a, b):
        app.extensions["matcher_engine"].dispose()


def test_loopback_detection():
    assert webcmds._is_loopback("127.0.0.1") and webcmds._is_loopback("localhost")
    assert not webcmds._is_loopback("0.0.0.0") and not webcmds._is_loopback("example.org")
