"""The web UI's commands: ``matcher import``, ``matcher create-user``, ``matcher serve``, ``matcher backup``."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.cli import main
from webui import commands as webcmds
from webui import create_app
from webui.db import new_session
from webui.models import AuditEntry, Import, Referral, Seeker, User


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


def _audit_actions() -> list[str]:
    app = create_app({"TESTING": True})
    s = new_session(app)
    try:
        return [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    finally:
        s.close()
        app.extensions["matcher_engine"].dispose()


def test_create_user_and_if_missing(instance, capsys):
    args = ["create-user", "--username", "demo", "--password", "granite orchard 41", "--role", "admin"]
    assert main(args) == 0
    assert "Created admin user 'demo'" in capsys.readouterr().out
    assert main(args) == 2  # taken name: a clear error, not a traceback
    assert "already exists" in capsys.readouterr().err
    assert main(args + ["--if-missing"]) == 0
    assert "left unchanged" in capsys.readouterr().out
    assert main(["create-user", "--username", "x", "--password", "short"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err
    app = create_app({"TESTING": True})
    s = new_session(app)
    user = s.scalar(select(User).where(User.username == "demo"))
    assert user.role == "admin" and user.password_hash.startswith("scrypt:")
    assert "granite orchard 41" not in user.password_hash
    s.close()
    app.extensions["matcher_engine"].dispose()
    assert _audit_actions() == ["user_create"]


@pytest.mark.parametrize("password, problem", [
    ("12345678", "at least 12 characters"),
    ("aaaaaaaaaaaaaaaa", "different characters"),
    ("kevin-the-warehouse", "must not contain the username"),
    ("qwertyuiop123", "commonly used"),
    ("1qaz2wsx3edc", "commonly used"),
])
def test_create_user_applies_the_password_rules(instance, capsys, password, problem):
    assert main(["create-user", "--username", "Kevin", "--password", password]) == 2
    assert problem in capsys.readouterr().err
    assert _count(User) == 0


def test_create_user_normalises_and_validates_districts(instance, capsys):
    ok = ["create-user", "--username", "east1", "--password", "granite orchard 41", "--district", "攀枝花市东区"]
    assert main(ok) == 0
    assert "district 东区" in capsys.readouterr().out
    bad = ["create-user", "--username", "mars", "--password", "granite orchard 41", "--district", "火星区"]
    assert main(bad) == 2
    err = capsys.readouterr().err
    assert "Unknown district 火星区" in err and "东区" in err and "Traceback" not in err
    assert _count(User) == 1


def test_cli_import_is_audited(instance, market_files):
    assert main(["import", str(market_files["seekers"]), str(market_files["vacancies"])]) == 0
    assert _audit_actions() == ["import_cli", "code_auto"]


def test_cli_import_codes_the_posts_the_coder_is_sure_of(instance, market_files, tmp_path, capsys):
    """Confident or ask, at import: a clear title without a code is coded automatically (an ``auto``
    decision, audited); a vague one stays uncoded and waits in the review queue."""
    import pandas as pd

    from webui.models import OccupationCode, Vacancy

    vac = pd.DataFrame({"vacancy_id": ["A1", "A2"], "title": ["电焊工", "储备干部"], "employer": ["钢城公司"] * 2,
                        "district": ["东区"] * 2, "wage": ["4000-5000"] * 2})
    path = tmp_path / "vac.csv"
    vac.to_csv(path, index=False)
    assert main(["import", str(market_files["seekers"]), str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 posts coded automatically" in out and "/review/" in out
    app = create_app({"TESTING": True})
    s = new_session(app)
    try:
        codes = {v.vacancy_id: v.csco_code for v in s.scalars(select(Vacancy))}
        decisions = {d.title: (d.source, d.username) for d in s.scalars(select(OccupationCode))}
    finally:
        s.close()
        app.extensions["matcher_engine"].dispose()
    assert codes["A1"] is not None and codes["A2"] is None
    assert decisions["电焊工"][0] == "auto" and decisions["电焊工"][1].startswith("cli:")
    assert "储备干部" not in decisions


def test_backup_then_restore_keeps_every_referral_and_audit_row(instance, market_files, tmp_path, capsys):
    """An online backup while a writer holds the database open restores to the same rows."""
    import shutil
    import sqlite3

    assert main(["import", str(market_files["seekers"]), str(market_files["vacancies"]),
                 "--outcomes", str(market_files["outcomes"])]) == 0
    db_file = instance / "matcher.db"
    writer = sqlite3.connect(db_file)  # another process's open connection (WAL)
    writer.execute("INSERT INTO audit_log (at, action, detail) VALUES ('2026-01-01 00:00:00', 'login', 'w')")
    writer.commit()
    out = tmp_path / "backups" / "matcher-backup.db"
    out.parent.mkdir()
    capsys.readouterr()
    assert main(["backup", "--out", str(out)]) == 0
    assert "Backed up the database" in capsys.readouterr().out
    assert main(["backup", "--out", str(out)]) == 2  # never overwrites a backup
    assert "already exists" in capsys.readouterr().err
    referrals, audits = _count(Referral), _count(AuditEntry)
    assert referrals > 0
    writer.execute("DELETE FROM referrals")  # the disaster: rows lost after the backup
    writer.commit()
    writer.close()
    assert _count(Referral) == 0
    for suffix in ("", "-wal", "-shm"):  # restore: stop the app, put the file in place
        (instance / f"matcher.db{suffix}").unlink(missing_ok=True)
    shutil.copy(out, db_file)
    assert _count(Referral) == referrals
    assert _count(AuditEntry) == audits - 1  # the backup's own audit row was written after the copy
    check = sqlite3.connect(db_file)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def test_backup_refuses_postgres_with_pg_dump_advice(instance, monkeypatch, capsys):
    from webui.db import backup_sqlite

    with pytest.raises(ValueError, match="pg_dump"):
        backup_sqlite("postgresql://u@localhost/matcher", instance / "x.db")


def test_sqlite_runs_wal_with_synchronous_full(instance):
    app = create_app({"TESTING": True})
    with app.extensions["matcher_engine"].connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
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


def _user_row(name: str):
    app = create_app({"TESTING": True})
    s = new_session(app)
    try:
        return s.scalar(select(User).where(User.username == name))
    finally:
        s.close()
        app.extensions["matcher_engine"].dispose()


def test_reset_password_from_a_file(instance, tmp_path, capsys):
    assert main(["create-user", "--username", "ops", "--password", "granite orchard 41", "--role", "admin"]) == 0
    before = _user_row("ops")
    pw = tmp_path / "pw.txt"
    pw.write_text("copper lantern 72\n", encoding="utf-8")
    assert main(["reset-password", "ops", "--password-file", str(pw)]) == 0
    out = capsys.readouterr().out
    assert "reset" in out and "copper lantern 72" not in out
    after = _user_row("ops")
    from werkzeug.security import check_password_hash
    assert check_password_hash(after.password_hash, "copper lantern 72")
    assert after.password_hash.startswith("scrypt:")
    assert after.must_change_password
    assert after.session_version == before.session_version + 1   # every session of the user ended
    assert _audit_actions() == ["user_create", "password_reset"]


def test_reset_password_applies_the_rules_and_names_unknown_users(instance, tmp_path, capsys):
    assert main(["create-user", "--username", "ops", "--password", "granite orchard 41"]) == 0
    capsys.readouterr()
    for text, problem in [("short", "at least 12 characters"), ("ops-and-more-words", "must not contain the username"),
                          ("qwertyuiop123", "commonly used"), ("granite orchard 41", "must differ"), ("", "empty")]:
        pw = tmp_path / "pw.txt"
        pw.write_text(text + "\n", encoding="utf-8")
        assert main(["reset-password", "ops", "--password-file", str(pw)]) == 2, text
        err = capsys.readouterr().err
        assert problem in err and "Traceback" not in err, (text, err)
    assert not _user_row("ops").must_change_password              # nothing changed
    pw.write_text("copper lantern 72\n", encoding="utf-8")
    assert main(["reset-password", "nobody", "--password-file", str(pw)]) == 2
    assert "No user named 'nobody'" in capsys.readouterr().err
    assert _audit_actions() == ["user_create"]


def test_reset_password_prompts_twice_and_lifts_a_lockout(instance, monkeypatch):
    from click.testing import CliRunner

    from webui.commands import reset_password_command

    assert main(["create-user", "--username", "ops", "--password", "granite orchard 41"]) == 0
    app = create_app({"TESTING": True})
    s = new_session(app)
    from webui.models import LoginAttempt
    for _ in range(8):
        s.add(LoginAttempt(username="ops", ip="10.0.0.9", success=False))
    s.commit()
    s.close()
    with app.test_request_context("/"):
        from webui.auth import locked_until
        s = new_session(app)
        assert locked_until(s, "ops") is not None
        s.close()
    runner = CliRunner()
    r = runner.invoke(reset_password_command, ["ops"], input="copper lantern 72\ncopper lantern 99\n"
                                                           "copper lantern 72\ncopper lantern 72\n")
    assert r.exit_code == 0, r.output
    assert "do not match" in r.output.lower()   # the mismatched pair was asked again
    assert "copper lantern" not in r.output
    with app.test_request_context("/"):
        s = new_session(app)
        assert locked_until(s, "ops") is None
        s.close()
    app.extensions["matcher_engine"].dispose()
    web = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
    r = web.test_client().post("/auth/login", data={"username": "ops", "password": "copper lantern 72"})
    web.extensions["matcher_engine"].dispose()
    assert r.status_code == 302 and r.headers["Location"].endswith("/auth/password")  # must change it now
