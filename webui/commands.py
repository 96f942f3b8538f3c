"""Web UI commands: ``matcher serve``, ``matcher create-user``, ``matcher reset-password``, ``matcher import``,
``matcher backup``.

All of them use the same database as the web UI: SQLite in the instance folder
by default, ``MATCHER_DATABASE_URL`` for any other SQLAlchemy URL, and
``MATCHER_INSTANCE_PATH`` for another instance folder. ``matcher serve``
offers the nightly batch's capacity-aware lists from ``--batch-dir`` or
``MATCHER_BATCH_DIR`` (default ``<instance>/batch`` when it exists).
"""
from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click


def _app(secure_cookie: bool | None = None, batch_dir: Path | None = None):
    from webui import create_app

    config: dict = {}
    if secure_cookie is not None and not os.environ.get("MATCHER_SESSION_COOKIE_SECURE"):
        config["SESSION_COOKIE_SECURE"] = secure_cookie
    if batch_dir is not None:
        config["BATCH_DIR"] = str(batch_dir)
    return create_app(config or None)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads (concurrent requests).")
@click.option("--batch-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The --out folder of `matcher batch`: offer its capacity-aware lists "
                   "(default: $MATCHER_BATCH_DIR, else <instance>/batch when it exists).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Server processes sharing the port (POSIX). Python runs one request at a time per "
                   "process, so use about two per CPU core (one per core leaves requests queueing behind "
                   "each other); the matcher is fitted once and shared.")
def serve_command(host: str, port: int, threads: int, batch_dir: Path | None, workers: int) -> None:
    """Run the staff web UI with waitress (a production WSGI server).

    The matcher is fitted before the server accepts requests. With
    ``--workers N`` the fitted process binds the port and forks N waitress
    processes that accept on it (the fitted matcher's memory is shared
    copy-on-write); after a new import each process refits on its own. On a loopback
    address the session cookie is sent over plain http (no ``Secure`` flag);
    on any other address it is ``Secure``, so put the UI behind https
    (set MATCHER_SESSION_COOKIE_SECURE=0 only if you know why).
    """
    import waitress

    from webui.engine import settle_heap, warm_up

    app = _app(secure_cookie=not _is_loopback(host), batch_dir=batch_dir)
    fitted = warm_up(app)
    settle_heap()  # the fit's objects out of the garbage collector's full passes (see there)
    if fitted is None:
        click.echo("No data imported yet: run `matcher import SEEKERS VACANCIES` first "
                   "(the UI still starts).")
    else:
        click.echo(f"Matcher fitted in {fitted.fit_seconds:.1f} s "
                   f"({len(fitted.seeker_ids)} seekers, {len(fitted.vacancy_ids)} vacancies).")
    run = app.extensions["matcher_nightly"].current()
    if app.config.get("BATCH_DIR"):
        click.echo(f"Nightly batch lists: run {run.run_id}" if run is not None else
                   f"Nightly batch folder {app.config['BATCH_DIR']} has no complete run yet "
                   "(the capacity-aware lists appear once `matcher batch` has written one).")
    click.echo(f"Serving the staff web UI on http://{host}:{port}/ with {workers} process(es) "
               "(Ctrl+C to stop)")
    if workers == 1:
        waitress.serve(app, host=host, port=port, threads=threads, ident="matcher")
    else:
        _serve_forked(app, host, port, threads, workers)


def _serve_forked(app, host: str, port: int, threads: int, workers: int) -> None:
    """Bind once, fork ``workers`` waitress processes on the shared socket, wait for them.

    SIGINT/SIGTERM to this process stop every worker. A worker that dies is
    reported and the others keep serving.
    """
    import signal
    import socket

    import waitress

    if not hasattr(os, "fork"):
        raise click.UsageError("--workers above 1 needs a POSIX system (fork); use --workers 1.")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    app.extensions["matcher_engine"].dispose()  # no database connection crosses the fork
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # worker
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                waitress.serve(app, sockets=[sock], threads=threads, ident="matcher")
            finally:
                os._exit(0)
        children.append(pid)

    def stop(signum, _frame) -> None:
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    alive = set(children)
    while alive:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        alive.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, -signal.SIGTERM):
            click.echo(f"Server process {pid} stopped with status {code}; {len(alive)} still serving.", err=True)
    sock.close()


@click.command("create-user")
@click.option("--username", required=True, help="Sign-in name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 12 characters, not containing the username, not a common password "
                   "(prompted when omitted; the same rules as the web form).")
@click.option("--role", type=click.Choice(["admin", "staff"]), default="staff", show_default=True)
@click.option("--district", default=None,
              help="Limit a staff user to this district's seekers (东区, 西区, 仁和区, 米易县, 盐边县; "
                   "other spellings such as 攀枝花市东区 are normalised, unknown ones refused).")
@click.option("--must-change-password", is_flag=True, help="The user must choose a new password at first sign-in.")
@click.option("--if-missing", is_flag=True, help="Do nothing (exit 0) when the user already exists.")
def create_user_command(username: str, password: str, role: str, district: str | None,
                        must_change_password: bool, if_missing: bool) -> None:
    """Create a staff user of the web UI (e.g. the first admin). Audited."""
    from sqlalchemy import select

    from webui.audit import write
    from webui.auth import UserError, create_user
    from webui.db import new_session
    from webui.models import User

    app = _app()
    session = new_session(app)
    try:
        if if_missing and session.scalar(select(User.id).where(User.username == username.strip())):
            click.echo(f"User {username!r} already exists; left unchanged.")
            return
        try:
            user = create_user(session, username, password, role, district,
                               must_change_password=must_change_password)
        except UserError as exc:
            raise click.UsageError(str(exc)) from None
        write(session, "user_create", username=f"cli:{_os_user()}",
              detail=f"user {user.id} {user.username}: role {user.role}, district {user.district or '-'}")
        scope = f", district {user.district}" if user.district else ""
        click.echo(f"Created {user.role} user {user.username!r}{scope}.")
    finally:
        session.close()


@click.command("reset-password")
@click.argument("username")
@click.option("--password-file", type=click.File("r", encoding="utf-8"), default=None,
              help="Read the new password from the first line of this file ('-' for standard input) "
                   "instead of prompting; keeps it out of the shell history and process list.")
def reset_password_command(username: str, password_file) -> None:
    """Set a temporary password for USERNAME (e.g. a locked-out or forgotten admin). Audited.

    The password is prompted twice unless ``--password-file`` is given and
    must pass the same rules as ``create-user`` and the web form. The user
    must choose a new password at the next sign-in, every session of the
    user ends at once, and a sign-in lockout of that name is lifted.
    """
    from sqlalchemy import select

    from webui.audit import write
    from webui.auth import UserError, set_password
    from webui.db import new_session
    from webui.models import LoginAttempt, User

    if password_file is not None:
        lines = password_file.read().splitlines()
        password = lines[0] if lines else ""
        if not password:
            raise click.UsageError("The password file is empty: put the new password on its first line.")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    app = _app()
    session = new_session(app)
    try:
        user = session.scalar(select(User).where(User.username == username.strip()))
        if user is None:
            raise click.UsageError(f"No user named {username.strip()!r}.")
        try:
            set_password(user, password, must_change=True, hash_method=app.config["PASSWORD_HASH_METHOD"])
        except UserError as exc:
            session.rollback()
            raise click.UsageError(str(exc)) from None
        session.add(LoginAttempt(username=user.username, ip="cli", success=True))  # lifts a lockout
        session.commit()
        write(session, "password_reset", username=f"cli:{_os_user()}", detail=f"user {user.id} {user.username}")
        note = "" if user.active else " The user is deactivated; an admin can reactivate it in the web UI."
        click.echo(f"Password of {user.username!r} reset: every session of the user has ended, and a new "
                   f"password must be chosen at the next sign-in.{note}")
    finally:
        session.close()


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The backup file to write (must not exist yet).")
def backup_command(out: Path) -> None:
    """Copy the web UI's SQLite database to OUT while it runs (SQLite online backup API).

    The copy is a consistent snapshot checked with ``PRAGMA integrity_check``;
    restore it by stopping ``matcher serve`` and putting the file in place of
    the database (``MATCHER_DATABASE_URL``, default ``<instance>/matcher.db``).
    For PostgreSQL use ``pg_dump`` (see docs/security.md). Audited.
    """
    from webui.audit import write
    from webui.db import backup_sqlite, new_session

    app = _app()
    url = app.config["DATABASE_URL"]
    try:
        size = backup_sqlite(url, out)
    except (ValueError, FileExistsError, FileNotFoundError) as exc:
        raise click.UsageError(str(exc)) from None
    session = new_session(app)
    try:
        write(session, "backup", username=f"cli:{_os_user()}", detail=f"to {out.name} ({size} bytes)")
    finally:
        session.close()
    click.echo(f"Backed up the database to {out} ({size / 1e6:.1f} MB).")


def _auto_code(session, import_id: int) -> int | None:
    """Code the posts the coder is confident of after an import (audited); None when it failed."""
    from webui.audit import write
    from webui.review import auto_code_posts

    try:
        n = auto_code_posts(session, f"cli:{_os_user()}")
        session.commit()
    except Exception as exc:  # the import stands; the review queue can code the posts later
        session.rollback()
        click.echo(f"Automatic occupation coding failed ({type(exc).__name__}); the posts wait in the review "
                   "queue.", err=True)
        return None
    write(session, "code_auto", username=f"cli:{_os_user()}", detail=f"after import {import_id}: {n} posts")
    return n


@click.command("import")
@click.argument("seekers", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("vacancies", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--outcomes", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Referral outcomes file (seeker_id, vacancy_id, date, outcome).")
@click.option("--show", default=5, show_default=True, help="How many rejected rows to print.")
def import_command(seekers: Path, vacancies: Path, outcomes: Path | None, show: int) -> None:
    """Load SEEKERS and VACANCIES (CSV/XLSX/Parquet) into the web UI's database.

    Rows are validated by the loader; rejected rows are listed (personal data
    masked) and kept with the import record. Re-importing updates rows by id
    and keeps recorded referrals. A running ``matcher serve`` refits the
    matcher in the background (it keeps serving the previous fit meanwhile).
    """
    from webui.db import new_session
    from webui.engine import app_import_date
    from webui.store import import_files

    from webui.audit import write

    app = _app()
    session = new_session(app)
    try:
        summary = import_files(session, seekers, vacancies, outcomes,
                               reference_date=app_import_date(app))
        write(session, "import_cli", username=f"cli:{_os_user()}", detail=f"import {summary.import_id}")
        coded = _auto_code(session, summary.import_id)
    finally:
        session.close()
    click.echo(f"Import {summary.import_id} done.")
    if coded is not None:
        click.echo(f"  occupation codes: {coded} posts coded automatically; the others without a code wait in "
                   "the review queue (/review/).")
    for name in ("seekers", "vacancies", "outcomes"):
        c = summary.counts.get(name)
        if c:
            db = summary.counts.get(f"{name}_db", {})
            extra = ", ".join(f"{k} {v}" for k, v in db.items())
            click.echo(f"  {name}: read {c['read']}, accepted {c['accepted']} ({c['warned']} with warnings), "
                       f"rejected {c['rejected']}" + (f"; database: {extra}" if extra else ""))
    if summary.rejects:
        click.echo(f"Rejected rows ({len(summary.rejects)}), first {min(show, len(summary.rejects))}:")
        for r in summary.rejects[:show]:
            click.echo(f"  {r.get('file')} row {r.get('row')} [{r.get('column')}] {r.get('value')!r}: {r.get('reason')}")
        click.echo("  All rejected rows are kept with the import record.")
    click.echo("A running `matcher serve` picks the new data up by itself (it refits in the background).")
