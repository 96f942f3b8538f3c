"""Database engine, per-request session and schema migrations.

The database URL comes from the app config ``DATABASE_URL`` (set from
``MATCHER_DATABASE_URL``), defaulting to SQLite in the instance folder. The
schema is created and upgraded only by Alembic (``webui/migrations``), run
programmatically by :func:`upgrade` at start-up and by ``init-db``.
"""
from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite gets foreign keys, WAL and ``synchronous=FULL``."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
                # WAL + FULL: every commit is fsynced to the WAL before it returns, so
                # referrals, outcomes, follow-ups and audit rows survive a power cut or OS
                # crash (with NORMAL the last commits could be lost).
                cur.execute("PRAGMA synchronous=FULL")
            cur.close()
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def backup_sqlite(url: str, out: Path, *, pages_per_step: int = 1024) -> int:
    """Copy the live SQLite database at ``url`` to ``out`` with SQLite's online backup API.

    Safe while the web UI is serving: the copy is a consistent snapshot
    (writers are not blocked for long; the copy restarts if a writer changes
    pages mid-way). ``out`` is written to a temporary name, checked with
    ``PRAGMA integrity_check`` and renamed, so a failed backup never leaves a
    half file under ``out``. Returns the size in bytes. Raises ``ValueError``
    for a non-SQLite URL and ``FileExistsError`` when ``out`` exists.
    """
    import os
    import sqlite3

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise ValueError("matcher backup copies a SQLite database file; for PostgreSQL use pg_dump "
                         "(see docs/security.md, 'Backups').")
    source_path = Path(parsed.database)
    if not source_path.exists():
        raise FileNotFoundError(f"The database {source_path} does not exist.")
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} already exists; choose a new file name.")
    tmp = out.with_name(out.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst, pages=pages_per_step)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise RuntimeError(f"The backup copy failed its integrity check: {ok}")
        dst.commit()
    except BaseException:
        dst.close()
        tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    dst.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, out)
    return out.stat().st_size


def alembic_config() -> Config:
    """An Alembic config pointing at ``webui/migrations`` (no ini file needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema at ``engine`` to ``revision`` (default: newest).

    Safe to run on every start: Alembic applies only the missing steps, and
    no migration drops referral or outcome data.
    """
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None when unversioned."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return row[0] if row else None


def init_app(app: Flask) -> None:
    """Create the engine, upgrade the schema and register teardown + ``init-db``."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["matcher_engine"] = engine
    app.extensions["matcher_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    if app.config.get("AUTO_MIGRATE", True):
        upgrade(engine)
    app.teardown_appcontext(close_session)
    app.cli.add_command(init_db_command)


def get_engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["matcher_engine"]


def get_session() -> Session:
    """The request's session (created on first use, closed at teardown)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["matcher_sessionmaker"]()
    return g.db_session


def new_session(app: Flask) -> Session:
    """A session outside a request (CLI commands); the caller closes it."""
    return app.extensions["matcher_sessionmaker"]()


def close_session(_exc: BaseException | None = None) -> None:
    """Teardown: roll back anything uncommitted and close the session."""
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


@click.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema to the newest revision."""
    upgrade(get_engine())
    click.echo("Database schema is up to date.")
