"""The occupation-code review queue: staff confirm the codes the coder is unsure of.

The coder (:class:`matcher.occupations.coder.OccupationCoder`) codes a title
automatically only when its calibrated confidence reaches the shipped
threshold (>= 90 % top-1 precision in cross-validation); every other title
lands here with its top-5 suggestions and example titles of each suggested
code. Staff confirm a suggestion or pick another code (search over the whole
classification); every decision is audited (:func:`webui.audit.record`).

A confirmed code is used at once: the posts with that title get the code,
the title is coded so from then on (:meth:`OccupationCoder.with_confirmed`),
and the generation token of the fitted matcher changes
(:func:`codes_generation`, read by :func:`webui.engine.import_token`), so the
matcher refits in the background with the office coder
(:func:`office_coder`). Confirmed codes are also training rows: the office
coder is refitted in the background on the shipped titles plus every
confirmed title, so the next fit learns the office's own vocabulary.
Confirmed codes can be exported and imported as CSV (``title,code``).

Pages show job titles and counts only, never a person's data.
"""
from __future__ import annotations

import csv
import io
import threading
from collections import Counter
from functools import lru_cache

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .audit import commit_audit, record
from .auth import admin_required
from .db import get_session
from .models import Seeker, Vacancy, utcnow
from .models import OccupationCode

bp = Blueprint("review", __name__, url_prefix="/review")

PAGE = 30
SUGGESTIONS = 5
EXAMPLES = 3
MAX_IMPORT_ROWS = 20000


# ------------------------------------------------------------------ coder
@lru_cache(maxsize=1)
def _taxonomy():
    from matcher.occupations.taxonomy import load_taxonomy

    tax = load_taxonomy()
    names = dict(zip(tax["code"], tax["name"]))
    aliases = dict(zip(tax["code"], tax["aliases"]))
    return tax, names, aliases


def code_name(code: str) -> str:
    return str(_taxonomy()[1].get(code, ""))


class _OfficeCoders:
    """Coders fitted on the shipped titles plus the confirmed ones, refitted in the background."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fitted: dict[frozenset, object] = {}
        self.latest: object | None = None
        self.running: frozenset | None = None
        self.last_error: str | None = None

    def _fit(self, key: frozenset) -> object:
        import pandas as pd

        from matcher.occupations.coder import OccupationCoder, load_training_titles

        extra = pd.DataFrame(sorted(key), columns=["job_name", "expected_code"])
        train = pd.concat([load_training_titles()[["job_name", "expected_code"]], extra], ignore_index=True)
        return OccupationCoder().fit(train)

    def get(self, confirmed: dict[str, str], wait: bool = False) -> object:
        from matcher.occupations.coder import default_coder

        key = frozenset(confirmed.items())
        if not key:
            return default_coder()
        with self.lock:
            coder = self.fitted.get(key)
            if coder is None and wait:
                coder = self._fit(key)
                self.fitted = {key: coder}
                self.latest = coder
            if coder is None:
                if self.running != key:
                    self.running = key
                    threading.Thread(target=self._background, args=(key,), name="coder-refit",
                                     daemon=True).start()
                coder = self.latest or default_coder()
        return coder.with_confirmed(confirmed)

    def _background(self, key: frozenset) -> None:
        try:
            coder = self._fit(key)
            with self.lock:
                self.fitted = {key: coder}
                self.latest = coder
        except Exception as exc:  # keep the previous coder; say why on the page
            self.last_error = f"{type(exc).__name__}: {exc}"
        finally:
            with self.lock:
                if self.running == key:
                    self.running = None


OFFICE = _OfficeCoders()


def confirmed_codes(session: Session) -> dict[str, str]:
    """Title -> code of every confirmed decision."""
    rows = session.execute(select(OccupationCode.title, OccupationCode.code)
                           .where(OccupationCode.source == "confirmed")).all()
    return {t: c for t, c in rows}


def office_coder(session: Session, wait: bool = False) -> object:
    """The coder with the office's confirmed codes: fitted on the shipped titles plus the confirmed
    ones when that fit is ready (``wait=True`` fits now), else the newest fitted coder; either way
    every confirmed title gets its confirmed code."""
    return OFFICE.get(confirmed_codes(session), wait=wait)


def codes_generation(session: Session) -> str | None:
    """Changes whenever a code decision is added or changed (part of the matcher's refit token)."""
    n, last = session.execute(select(*codes_generation_columns())).one()
    return codes_generation_text(n, last)


def codes_generation_text(n: int | None, last) -> str | None:
    """The code generation from the number of decisions and the newest decision time."""
    return f"codes{n}@{last.isoformat()}" if n else None


def codes_generation_columns():
    """The two scalar subqueries :func:`codes_generation` reads, for folding into another SELECT."""
    return (select(func.count(OccupationCode.id)).scalar_subquery(),
            select(func.max(OccupationCode.decided_at)).scalar_subquery())


# ------------------------------------------------------------------ queue
def _clean(title: str) -> str:
    from matcher.occupations.titles import clean_title

    return clean_title(title)


def _examples(codes: list[str]) -> dict[str, list[str]]:
    """Up to three example titles per code: labelled training titles, else names/aliases."""
    by_code = _training_examples()
    out = {}
    for c in codes:
        ex = list(by_code.get(c, []))[:EXAMPLES]
        if len(ex) < EXAMPLES:
            ex += [a for a in _taxonomy()[2].get(c, [])[1:] if a not in ex][: EXAMPLES - len(ex)]
        out[c] = ex
    return out


@lru_cache(maxsize=1)
def _training_examples() -> dict[str, tuple[str, ...]]:
    from matcher.occupations.coder import load_training_titles

    frame = load_training_titles()
    out: dict[str, list[str]] = {}
    for t, c in zip(frame["job_name"], frame["expected_code"]):
        lst = out.setdefault(c, [])
        if len(lst) < EXAMPLES and t not in lst:
            lst.append(t)
    return {k: tuple(v) for k, v in out.items()}


def _post_titles(session: Session) -> Counter:
    """Titles of posts without a code -> number of such posts."""
    rows = session.execute(select(Vacancy.title, func.count()).where(Vacancy.csco_code.is_(None))
                           .group_by(Vacancy.title)).all()
    return Counter({t: n for t, n in rows if t})


def _seeker_titles(session: Session) -> Counter:
    """Experience and desired titles of seekers -> number of seekers naming them."""
    counts: Counter = Counter()
    for exp, desired in session.execute(select(Seeker.experience, Seeker.desired_titles)).all():
        titles = set()
        for item in exp or []:
            t = item[0] if isinstance(item, (list, tuple)) and item else item
            if isinstance(t, str) and t.strip():
                titles.add(t.strip())
        for t in desired or []:
            if isinstance(t, str) and t.strip():
                titles.add(t.strip())
        counts.update(titles)
    return counts


_QUEUE_CACHE: dict = {}


def queue(session: Session) -> dict:
    """The queue: posts and seeker titles whose code is neither confirmed nor confident.

    Returns ``{"posts": [...], "seekers": [...], "auto_posts": n, "auto_titles": [...]}``; each
    item is ``{"title", "count", "kind", "confidence", "suggestions": [(code, name, p)]}``.
    Kept per code generation and data import, so paging is cheap.
    """
    from .store import latest_token

    key = (latest_token(session), codes_generation(session))
    hit = _QUEUE_CACHE.get("q")
    if hit is not None and hit[0] == key:
        return hit[1]
    decided = {k for (k,) in session.execute(select(OccupationCode.title_key)).all()}
    posts = _post_titles(session)
    seekers = _seeker_titles(session)
    coder = _with_coded_posts(session, office_coder(session))
    titles = sorted(set(posts) | set(seekers))
    codings = dict(zip(titles, coder.code(titles, k=SUGGESTIONS))) if titles else {}
    out = {"posts": [], "seekers": [], "auto_posts": 0, "auto_titles": []}
    for kind, counts in (("post", posts), ("seeker", seekers)):
        for title, n in counts.most_common():
            c = codings[title]
            if kind == "post" and c.decision == "auto":
                out["auto_posts"] += n
                out["auto_titles"].append((title, c.code, c.confidence))
                continue
            if c.decision == "auto" or _clean(title) in decided:
                continue
            out[kind + "s"].append({
                "title": title, "count": n, "kind": kind, "confidence": c.confidence,
                "suggestions": [(code, code_name(code), p) for code, p in c.suggestions]})
    _QUEUE_CACHE["q"] = (key, out)
    return out


def _with_coded_posts(session: Session, coder):
    """The coder told the codes this office's posts already carry (from the import or confirmed by staff;
    not codes the coder itself applied): a title coded alike on two or more posts takes that code
    (:meth:`matcher.occupations.coder.OccupationCoder.with_office_codes`)."""
    auto = {k for (k,) in session.execute(select(OccupationCode.title_key)
                                         .where(OccupationCode.source == "auto")).all()}
    rows = [(t, c) for t, c in session.execute(select(Vacancy.title, Vacancy.csco_code)
                                               .where(Vacancy.csco_code.is_not(None))).all()
            if t and _clean(t) not in auto]
    if not rows or not hasattr(coder, "with_office_codes"):
        return coder
    return coder.with_office_codes([t for t, _ in rows], [c for _, c in rows], skip_unknown=True)


def _pending_posts(session: Session) -> dict[str, list[Vacancy]]:
    """Posts without a code, by cleaned title."""
    out: dict[str, list[Vacancy]] = {}
    for v in session.scalars(select(Vacancy).where(Vacancy.csco_code.is_(None))):
        if v.title:
            out.setdefault(_clean(v.title), []).append(v)
    return out


def auto_code_posts(session: Session, username: str | None = None) -> int:
    """The "confident" half of confident-or-ask, run after every import: each post without a code whose
    title the office coder is confident of (decision ``auto``: the calibrated threshold, the office's own
    coded posts, confirmed codes) gets that code, recorded as an ``auto`` decision. Titles below the
    threshold are left for the review queue. Returns the number of posts coded; the caller commits and
    audits."""
    pending = _pending_posts(session)
    if not pending:
        return 0
    coder = _with_coded_posts(session, office_coder(session))
    titles = [posts[0].title for posts in pending.values()]
    changed = 0
    for title, c in zip(titles, coder.code(titles, k=1)):
        if c.decision == "auto":
            changed += _set_code(session, title, c.code, "auto", c.confidence, pending, username=username)
    _QUEUE_CACHE.clear()
    return changed


def _current_username() -> str | None:
    """The signed-in user's name; None outside a request (command line), where current_user is None."""
    return current_user.username if getattr(current_user, "is_authenticated", False) else None


def _set_code(session: Session, title: str, code: str, source: str, confidence: float | None = None,
              pending: dict[str, list[Vacancy]] | None = None, username: str | None = None) -> int:
    """Record the decision for ``title`` and give its posts without a code that code; returns posts changed."""
    key = _clean(title)
    if not key:
        return 0
    row = session.scalar(select(OccupationCode).where(OccupationCode.title_key == key))
    if row is None:
        row = OccupationCode(title_key=key[:200], title=title[:200], code=code, source=source)
        session.add(row)
    if row.source == "confirmed" and source == "auto":
        code = row.code  # a staff decision is never overwritten by the coder
    else:
        row.code, row.source, row.title, row.confidence = code, source, title[:200], confidence
        row.username = username or _current_username()
        row.decided_at = utcnow()
    pending = _pending_posts(session) if pending is None else pending
    posts = pending.pop(key, [])
    for v in posts:
        v.csco_code = code
    return len(posts)


def _valid_code(code: str) -> bool:
    return code in _taxonomy()[1]


# ------------------------------------------------------------------ views
@bp.get("/")
def index():
    """The queue (posts first, then seeker titles), paged."""
    db = get_session()
    q = queue(db)
    kind = request.args.get("kind", "post")
    kind = kind if kind in ("post", "seeker") else "post"
    items = q["posts"] if kind == "post" else q["seekers"]
    page_text = request.args.get("page", "0")
    page = int(page_text) if page_text.isdigit() else 0
    shown = items[page * PAGE:(page + 1) * PAGE]
    examples = _examples(sorted({c for it in shown for c, _n, _p in it["suggestions"]}))
    return render_template("review/index.html", q=q, kind=kind, items=shown, page=page,
                           more=len(items) > (page + 1) * PAGE, examples=examples,
                           refitting=OFFICE.running is not None, error=OFFICE.last_error)


@bp.get("/search")
def search():
    """Search the classification by code prefix, name or alias (for picking another code)."""
    text = request.args.get("q", "").strip()[:40]
    title = request.args.get("title", "").strip()[:200]
    results = []
    if text:
        tax = _taxonomy()[0]
        for code, name, aliases, level in zip(tax["code"], tax["name"], tax["aliases"], tax["level"]):
            if code.startswith(text) or any(text in a for a in aliases):
                results.append((code, name, int(level), [a for a in aliases[1:4]]))
            if len(results) >= 50:
                break
    return render_template("review/search.html", text=text, title=title, results=results)


@bp.post("/confirm")
def confirm():
    """Confirm a code for a title (a suggestion or any code of the classification)."""
    db = get_session()
    title = request.form.get("title", "").strip()[:200]
    code = (request.form.get("other") or request.form.get("code") or "").strip()
    if not title or not _clean(title):
        flash(_("No title was given."), "error")
        return redirect(url_for("review.index"))
    if not _valid_code(code):
        flash(_("'%(code)s' is not a code of the 2022 occupational classification (form 6-18-02-04).",
                code=code), "error")
        return redirect(url_for("review.index", kind=request.form.get("kind", "post")))
    changed = _set_code(db, title, code, "confirmed")
    record("code_confirm", detail=f"{code} {title}")
    db.commit()
    flash(_("%(title)s → %(code)s %(name)s (%(n)d posts updated).", title=title, code=code,
            name=code_name(code), n=changed), "info")
    return redirect(url_for("review.index", kind=request.form.get("kind", "post")))


@bp.post("/apply-auto")
def apply_auto():
    """Give every post without a code whose title the coder is confident of its automatic code."""
    db = get_session()
    changed = auto_code_posts(db)
    record("code_auto", detail=f"{changed} posts")
    db.commit()
    flash(_("%(n)d posts were coded automatically.", n=changed), "info")
    return redirect(url_for("review.index"))


@bp.get("/export.csv")
def export():
    """Confirmed codes as CSV (UTF-8 with BOM): title, code, name, username, decided_at."""
    db = get_session()
    rows = db.scalars(select(OccupationCode).where(OccupationCode.source == "confirmed")
                      .order_by(OccupationCode.id)).all()
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow(["title", "code", "name", "username", "decided_at"])
    for r in rows:
        w.writerow([r.title, r.code, code_name(r.code), r.username or "", r.decided_at.isoformat(timespec="seconds")])
    record("code_export", detail=f"{len(rows)} rows")
    commit_audit()
    return Response(buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=confirmed_codes.csv"})


def parse_codes_csv(data: bytes, filename: str = "upload") -> list[tuple[str, str]]:
    """(title, code) rows of an uploaded CSV with columns ``title`` and ``code`` (UTF-8/GB18030).

    Raises ``ValueError`` naming the file, row, column and value of the first problem.
    """
    from matcher.io.readers import FileProblem, decode_text

    try:
        text = decode_text(data, filename)[0]
    except FileProblem as exc:
        raise ValueError(str(exc)) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if "title" not in header or "code" not in header:
        raise ValueError(f"{filename}: columns 'title' and 'code' are required; found {', '.join(header) or '(none)'}.")
    ti, ci = header.index("title"), header.index("code")
    out = []
    for n, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        title = row[ti].strip() if ti < len(row) else ""
        code = row[ci].strip() if ci < len(row) else ""
        if not title:
            raise ValueError(f"{filename}: row {n}, column 'title' is empty.")
        if not _valid_code(code):
            raise ValueError(f"{filename}: row {n}, column 'code': '{code}' is not a code of the 2022 "
                             "occupational classification (form 6-18-02-04).")
        out.append((title, code))
        if len(out) > MAX_IMPORT_ROWS:
            raise ValueError(f"{filename}: more than {MAX_IMPORT_ROWS} rows.")
    return out


@bp.post("/import")
@admin_required
def import_codes():
    """Admin: import confirmed codes from CSV (``title,code``); all rows or none."""
    db = get_session()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV file with the columns title and code."), "error")
        return redirect(url_for("review.index"))
    try:
        rows = parse_codes_csv(upload.read(), upload.filename)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("review.index"))
    pending = _pending_posts(db)
    changed = sum(_set_code(db, title, code, "confirmed", pending=pending) for title, code in rows)
    record("code_import", detail=f"{len(rows)} rows, {changed} posts")
    db.commit()
    flash(_("%(n)d confirmed codes imported (%(m)d posts updated).", n=len(rows), m=changed), "info")
    return redirect(url_for("review.index"))
