"""Web UI commands: ``matcher serve``, ``matcher create-user``, ``matcher import``.

All three use the same database as the web UI: SQLite in the instance folder
by default, ``MATCHER_DATABASE_URL`` for any other SQLAlchemy URL, and
``MATCHER_INSTANCE_PATH`` for another instance folder.
"""
from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click


def _app(secure_cookie: bool | None = None):
    from webui import create_app

    config = {}
    if secure_cookie is not None and not os.environ.get("MATCHER_SESSION_COOKIE_SECURE"):
        config["SESSION_COOKIE_SECURE"] = secure_cookie
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
def serve_command(host: str, port: int, threads: int) -> None:
    """Run the staff web UI with waitress (a production WSGI server).

    The matcher is fitted before the server accepts requests. On a loopback
    address the session cookie is sent over plain http (no ``Secure`` flag);
    on any other address it is ``Secure``, so put the UI behind https
    (set MATCHER_SESSION_COOKIE_SECURE=0 only if you know why).
    """
    import waitress

    from webui.engine import warm_up

    app = _app(secure_cookie=not _is_loopback(host))
    fitted = warm_up(app)
    if fitted is None:
        click.echo("No data imported yet: run `matcher import SEEKERS VACANCIES` first "
                   "(the UI still starts).")
    else:
        click.echo(f"Matcher fitted in {fitted.fit_seconds:.1f} s "
                   f"({len(fitted.seeker_ids)} seekers, {len(fitted.vacancy_ids)} vacancies).")
    click.echo(f"Serving the staff web UI on http://{host}:{port}/ (Ctrl+C to stop)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="matcher")


@click.command("create-user")
@click.option("--username", required=True, help="Sign-in name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters (prompted when omitted).")
@click.option("--role", type=click.Choice(["admin", "staff"]), default="staff", show_default=True)
@click.option("--district", default=None, help="Limit a staff user to this district's seekers.")
@click.option("--if-missing", is_flag=True, help="Do nothing (exit 0) when the user already exists.")
def create_user_command(username: str, password: str, role: str, district: str | None, if_missing: bool) -> None:
    """Create a staff user of the web UI (e.g. the first admin)."""
    from sqlalchemy import select

    from webui.auth import create_user
    from webui.db import new_session
    from webui.models import User

    app = _app()
    session = new_session(app)
    try:
        if if_missing and session.scalar(select(User.id).where(User.username == username.strip())):
            click.echo(f"User {username!r} already exists; left unchanged.")
            return
        user = create_user(session, username, password, role, district)
        scope = f", district {user.district}" if user.district else ""
        click.echo(f"Created {user.role} user {user.username!r}{scope}.")
    finally:
        session.close()


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
    from webui.store import import_files

    app = _app()
    session = new_session(app)
    try:
        summary = import_files(session, seekers, vacancies, outcomes)
    finally:
        session.close()
    click.echo(f"Import {summary.import_id} done.")
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
