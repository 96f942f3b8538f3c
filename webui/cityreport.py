"""The city mismatch report (issue 8) inside the web UI, at ``/report/``.

An admin starts a report; it is built in a background thread from the
fitted matcher of the current import (and the nightly batch lists when they
are current), by the same code as ``matcher report``
(:func:`matcher.report.assemble.build_report`,
:func:`matcher.report.render.render_html`), and stored as
``<instance>/reports/city-report-YYYYMMDD-HHMMSS.html`` with a ``.json``
note beside it. Admins and staff read the newest (or an older) one.

The report holds aggregates, not people; before a report is stored it is
checked anyway (:func:`scrub_personal`): any seeker name from the database,
anything shaped like an ID number (18 characters) or a mobile number outside
the embedded images is masked, and the note records how many were masked.
App config ``REPORT_OPTIONS`` (a dict of
:class:`matcher.report.assemble.ReportOptions` fields, e.g. ``threshold``)
changes the report's knobs. Reports are served with a Content-Security-Policy that allows exactly their
own inline style and language switch (by hash) and nothing else.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html as htmllib
import json
import re
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .auth import admin_required
from .masking import mask_id_number, mask_name, mask_phone

bp = Blueprint("cityreport", __name__, url_prefix="/report")

NAME_RE = re.compile(r"^city-report-\d{8}-\d{6}\.html$")
_DATA_URI = re.compile(r"data:[A-Za-z0-9.+/-]+;base64,[A-Za-z0-9+/=]+")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_HANDLER = re.compile(r"""\son[a-z]+="([^"]*)\"""")


def scrub_personal(text: str, names: set[str]) -> tuple[str, dict[str, int]]:
    """Mask personal data in report HTML; returns (text, counts per kind).

    Embedded images (``data:`` URIs) are left alone. Names are the seekers'
    full names (2–4 characters are looked for inside every run of Chinese
    characters); ID numbers are 17 digits plus a digit or X; mobile numbers
    are 11 digits starting 13–19. Masking uses :mod:`webui.masking`.
    """
    counts = {"names": 0, "id_numbers": 0, "phones": 0}
    lengths = sorted({len(n) for n in names if 2 <= len(n) <= 4}, reverse=True)

    def fix_names(run: re.Match) -> str:
        s = run.group(0)
        out, i = [], 0
        while i < len(s):
            for n in lengths:
                if s[i:i + n] in names:
                    out.append(mask_name(s[i:i + n]))
                    counts["names"] += 1
                    i += n
                    break
            else:
                out.append(s[i])
                i += 1
        return "".join(out)

    def fix_plain(segment: str) -> str:
        def ids(m: re.Match) -> str:
            counts["id_numbers"] += 1
            return mask_id_number(m.group(0))

        def phones(m: re.Match) -> str:
            counts["phones"] += 1
            return mask_phone(m.group(0))
        segment = _ID_NUMBER.sub(ids, segment)
        segment = _MOBILE.sub(phones, segment)
        return _CJK_RUN.sub(fix_names, segment) if lengths else segment

    parts, last = [], 0
    for m in _DATA_URI.finditer(text):
        parts.append(fix_plain(text[last:m.start()]))
        parts.append(m.group(0))
        last = m.end()
    parts.append(fix_plain(text[last:]))
    return "".join(parts), counts


def _sha(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


def report_csp(text: str) -> str:
    """A Content-Security-Policy allowing only this report's own inline style and scripts (by hash)."""
    styles = " ".join(_sha(s) for s in _STYLE.findall(text)) or "'none'"
    scripts = [_sha(s) for s in _SCRIPT.findall(text)]
    handlers = [_sha(htmllib.unescape(h)) for h in _HANDLER.findall(text)]
    script_src = " ".join((["'unsafe-hashes'"] if handlers else []) + scripts + handlers) or "'none'"
    return (f"default-src 'none'; img-src data:; style-src {styles}; script-src {script_src}; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@dataclass
class ReportJobs:
    """The report folder and the state of the one report that may be running."""

    folder: Path
    running: bool = False
    started_at: dt.datetime | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reports(self) -> list[dict]:
        """Stored reports, newest first: name, when, and the note written beside each."""
        out = []
        if self.folder.is_dir():
            for p in sorted(self.folder.glob("city-report-*.html"), reverse=True):
                if not NAME_RE.match(p.name):
                    continue
                note = {}
                try:
                    note = json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    pass
                out.append({"name": p.name, "note": note, "bytes": p.stat().st_size})
        return out


def generate(app: Flask) -> Path:
    """Build, check and store one report for the app's current data; returns the file.

    Raises :class:`matcher.errors.MatcherError` when nothing is imported or
    the report cannot be built.
    """
    from matcher.errors import MatcherError
    from matcher.report.assemble import ReportOptions, build_report
    from matcher.report.pool import read_batch_lists
    from matcher.report.render import render_html

    from .db import new_session
    from .models import Seeker
    from .nightly import freshness

    jobs: ReportJobs = app.extensions["matcher_reports"]
    session = new_session(app)
    try:
        t0 = time.perf_counter()
        fitted = app.extensions["matcher_cache"].get(session)
        if fitted is None:
            raise MatcherError("No data has been imported yet: import seekers and vacancies first.")
        run = app.extensions["matcher_nightly"].current()
        lists, batch_used = None, None
        if run is not None and freshness(run, session)["state"] == "current":
            lists, batch_used = read_batch_lists(run.folder), run.run_id
        names = {n.strip() for n in session.scalars(select(Seeker.name).where(Seeker.name.is_not(None))) if n}
        token = fitted.token
    finally:
        session.close()
    options = ReportOptions(**{**app.config.get("REPORT_OPTIONS", {}), "lang": "both"})
    mk = fitted.market
    rep = build_report(fitted.matcher, options, lists, market_meta={
        "source": mk.source, "inputs": {r: {k: i.get(k) for k in ("file", "sha256")} for r, i in mk.inputs.items()}})
    text, masked = scrub_personal(render_html(rep, "both"), names)
    now = dt.datetime.now()
    jobs.folder.mkdir(parents=True, exist_ok=True)
    path = jobs.folder / f"city-report-{now:%Y%m%d-%H%M%S}.html"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    note = {"generated_at": now.isoformat(timespec="seconds"), "seconds": round(time.perf_counter() - t0, 1),
            "import_token": token, "batch_run": batch_used, "masked": masked,
            "reference_date": rep["meta"]["reference_date"], "open_posts": rep["meta"]["n_open"],
            "seekers": int(len(fitted.seeker_ids)), "vacancies": int(len(fitted.vacancy_ids))}
    path.with_suffix(".json").write_text(json.dumps(note, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def start(app: Flask, background: bool = True) -> bool:
    """Start a report unless one is running; False when one already runs."""
    jobs: ReportJobs = app.extensions["matcher_reports"]
    with jobs.lock:
        if jobs.running:
            return False
        jobs.running, jobs.started_at, jobs.error = True, dt.datetime.now(), None

    def work() -> None:
        try:
            generate(app)
        except Exception as exc:  # shown to the admin on the page; never personal data
            jobs.error = f"{type(exc).__name__}: {exc}"[:500]
            app.logger.error("City report failed: %s", traceback.format_exception_only(type(exc), exc)[-1].strip())
        finally:
            with jobs.lock:
                jobs.running = False

    if background:
        threading.Thread(target=work, name="city-report", daemon=True).start()
    else:
        work()
    return True


def init_app(app: Flask) -> None:
    """Attach the report folder (``<instance>/reports``) and job state to the app."""
    app.extensions["matcher_reports"] = ReportJobs(Path(app.instance_path) / "reports")


def _jobs() -> ReportJobs:
    return current_app.extensions["matcher_reports"]


@bp.get("/")
def index():
    """The newest reports, the running job's state and (admins) the button to make one."""
    jobs = _jobs()
    return render_template("report/index.html", reports=jobs.reports()[:20], running=jobs.running,
                           started_at=jobs.started_at, error=jobs.error)


@bp.post("/generate")
@admin_required
def make():
    """Admin: start a new report in the background (audited)."""
    from .audit import commit_audit, record

    started = start(current_app._get_current_object(), current_app.config.get("REPORT_IN_BACKGROUND", True))
    record("report", detail="started" if started else "refused: one already running")
    commit_audit()
    if started:
        flash(_("The report is being prepared. It takes a few minutes with a large market; reload this page."),
              "info")
    else:
        flash(_("A report is already being prepared."), "error")
    return redirect(url_for("cityreport.index"))


@bp.get("/latest")
def latest():
    """The newest report, or back to the index when there is none."""
    reports = _jobs().reports()
    if not reports:
        flash(_("No report has been prepared yet."), "info")
        return redirect(url_for("cityreport.index"))
    return redirect(url_for("cityreport.view", name=reports[0]["name"]))


#: The way back to the app, in the report's language(s): (zh, en).
BACK_TEXT = ("← 返回攀枝花市就业服务 · 人岗匹配", "← Back to Panzhihua job matching")


def with_back_link(text: str, href: str) -> str:
    """The stored report with a link back to the app at the start of its header navigation, worded in
    the report's own language (both, with the report's toggle, for a bilingual report). No inline
    style or script is added, so the report's hash-based CSP still holds."""
    zh, en = BACK_TEXT
    if 'button class="lang"' in text:
        label = (f'<span class="l-zh">{htmllib.escape(zh)}</span>'
                 f'<span class="l-en" lang="en">{htmllib.escape(en)}</span>')
    elif re.search(r'<html[^>]*\blang="en"', text):
        label = htmllib.escape(en)
    else:
        label = htmllib.escape(zh)
    link = f'<a href="{htmllib.escape(href)}" id="report-back">{label}</a>'
    if "<nav>" in text:
        return text.replace("<nav>", "<nav>" + link, 1)
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + f"<nav>{link}</nav>", text, count=1)


@bp.get("/view/<name>")
def view(name: str):
    """One stored report, served with a link back to the app and its own strict Content-Security-Policy."""
    if not NAME_RE.match(name):
        abort(404)
    path = _jobs().folder / name
    if not path.is_file():
        abort(404)
    text = with_back_link(path.read_text(encoding="utf-8"), url_for("cityreport.index"))
    resp = make_response(text)
    resp.headers["Content-Type"] = "text/html; charset=utf-8"
    resp.headers["Content-Security-Policy"] = report_csp(text)
    return resp
