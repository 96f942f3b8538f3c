"""Admin: import files from the browser and read past imports with their rejects.

The upload runs the same path as ``matcher import`` (loader validation,
upsert by id, outcomes linked to referrals). Uploaded files are written to a
private temporary folder, imported and deleted. Rejected rows are shown with
personal-data values masked. The running app refits its matcher in the
background after an import.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from matcher.errors import MatcherError

from .audit import record
from .auth import admin_required
from .db import get_session
from .models import Import
from .store import import_files

bp = Blueprint("imports", __name__, url_prefix="/imports")

ALLOWED_SUFFIXES = {".csv", ".xlsx", ".parquet"}


def _save(folder: Path, field: str) -> Path | None:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise MatcherError(f"{upload.filename}: unsupported file type {suffix!r}")
    path = folder / (secure_filename(Path(upload.filename).stem) or field)
    path = path.with_suffix(suffix)
    upload.save(path)
    return path


@bp.route("/", methods=("GET", "POST"))
@admin_required
def index():
    """GET: past imports. POST: import uploaded seekers/vacancies/outcomes files."""
    db = get_session()
    if request.method == "POST":
        with tempfile.TemporaryDirectory(prefix="matcher-upload-") as tmp:
            folder = Path(tmp)
            try:
                paths = {f: _save(folder, f) for f in ("seekers", "vacancies", "outcomes")}
                if paths["seekers"] is None and paths["vacancies"] is None:
                    flash(_("Choose a seekers file, a vacancies file or both."), "error")
                    return redirect(url_for("imports.index"))
                summary = import_files(db, paths["seekers"], paths["vacancies"], paths["outcomes"],
                                       user_id=current_user.id)
            except MatcherError:
                db.rollback()
                flash(_("The files could not be imported: check the file type and the required columns "
                        "(see docs/input-format.md or run `matcher schema`)."), "error")
                return redirect(url_for("imports.index"))
        record("import", detail=f"import {summary.import_id}")
        db.commit()
        flash(_("Import finished. The matcher is refitted in the background."), "info")
        return redirect(url_for("imports.detail", import_id=summary.import_id))
    rows = db.scalars(select(Import).order_by(Import.id.desc()).limit(50)).all()
    return render_template("imports/index.html", imports=rows)


@bp.get("/<int:import_id>")
@admin_required
def detail(import_id: int):
    """One import: counts per file and its rejected rows (personal data masked)."""
    imp = get_session().get(Import, import_id)
    if imp is None:
        abort(404)
    return render_template("imports/detail.html", imp=imp)
