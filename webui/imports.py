"""Admin: import files from the browser and read past imports with their rejects and warnings.

The upload runs the same path as ``matcher import`` (loader validation,
upsert by id, outcomes linked to referrals). Uploaded files are written to a
private temporary folder, imported and deleted. A file that cannot be read at
all is refused with a message for its own problem (:class:`FileProblem` kinds:
a .txt, an image, wrong columns, an empty or header-only file, a damaged or
old workbook), saying what was found and what is expected, in the user's
language. Rejected rows and warnings are listed per row, with personal-data
values masked, and can be downloaded as the ``rejects.csv`` / ``warnings.csv``
``matcher validate`` writes (same columns, UTF-8 with BOM for Excel). The
input format itself is shown in the app (:func:`help_page`, generated from
:mod:`matcher.schema`). The running app refits its matcher in the background
after an import.
"""
from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import pandas as pd
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from matcher.errors import MatcherError
from matcher.io import format_help
from matcher.io.loader import ISSUE_COLUMNS
from matcher.io.readers import FileProblem
from matcher.schema import TABLES

from .audit import record
from .auth import admin_required
from .db import get_session
from .engine import app_import_date
from .models import Import
from .store import import_files

bp = Blueprint("imports", __name__, url_prefix="/imports")

ROLES = ("seekers", "vacancies", "outcomes")
#: Rows of each list shown on the page (all of them are in the downloads).
SHOWN = 500


def _save(folder: Path, field: str) -> tuple[Path, str] | None:
    """Save an uploaded file under a safe name keeping its own suffix (the loader judges the type)."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    suffix = Path(upload.filename).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    (folder / field).mkdir()
    path = folder / field / ((secure_filename(Path(upload.filename).stem) or field) + suffix)
    upload.save(path)
    return path, upload.filename


def _table_label(table: str | None) -> str:
    return {"seekers": _("seekers file"), "vacancies": _("vacancies file"),
            "outcomes": _("outcomes file")}.get(table or "", table or "")


def problem_message(exc: FileProblem, shown_name: str) -> str:
    """What is wrong with one uploaded file, in the user's language: what was found, what is expected."""
    p = exc.params
    kind = exc.kind
    expected = _("Expected a CSV (UTF-8 or GBK), XLSX or Parquet file with a header row and one row per "
                 "person or post.")
    if kind == "wrong_type":
        return _("%(file)s is a %(suffix)s file, not a table. %(expected)s A text export with comma-separated "
                 "columns can be renamed to .csv.", file=shown_name, suffix=p.get("suffix", ""), expected=expected)
    if kind == "not_a_table":
        found = {"PNG image": _("a PNG image"), "JPEG image": _("a JPEG image"), "GIF image": _("a GIF image"),
                 "BMP image": _("a BMP image"), "TIFF image": _("a TIFF image"), "PDF document": _("a PDF document"),
                 }.get(str(p.get("found")), _("a binary file (%(what)s)", what=p.get("found")))
        return _("%(file)s is %(found)s, whatever its name says, not a table. %(expected)s",
                 file=shown_name, found=found, expected=expected)
    if kind == "empty":
        return _("%(file)s is empty. Expected a header row and data rows.", file=shown_name)
    if kind == "header_only":
        return _("%(file)s has a header row (%(header)s) but no data rows. Expected one row per person or post "
                 "below the header; nothing was imported.", file=shown_name,
                 header=", ".join(p.get("header", [])[:8]))
    if kind == "old_xls":
        return _("%(file)s is an old-style .xls workbook or is protected by a password. Open it in Excel or "
                 "WPS, remove any password and save it as .xlsx or CSV (UTF-8).", file=shown_name)
    if kind == "corrupt_xlsx":
        if p.get("detail") == "text":
            return _("%(file)s is named .xlsx but holds text, not an Excel workbook. Rename it to .csv if it is "
                     "a CSV export, or save it from Excel or WPS as .xlsx.", file=shown_name)
        return _("%(file)s cannot be opened as an Excel workbook: the file is damaged or was not saved "
                 "completely. Open it in Excel or WPS and save it again as .xlsx.", file=shown_name)
    if kind == "corrupt_parquet":
        return _("%(file)s cannot be opened as a Parquet file: the file is damaged. Export it again, or use "
                 "CSV (UTF-8) or .xlsx.", file=shown_name)
    if kind == "encoding":
        return _("The text of %(file)s is in no encoding we recognise. Save it from Excel or WPS as "
                 "\"CSV UTF-8\" and try again.", file=shown_name)
    if kind == "wrong_columns":
        missing = ", ".join(f"{n} ({z})" for n, z in zip(p.get("missing", []), p.get("missing_zh", [])))
        found = ", ".join(p.get("found", [])[:12]) or _("none")
        msg = _("%(file)s cannot be read as a %(table)s: it has no column for %(missing)s. Columns found: "
                "%(found)s. The accepted column names are listed on the input format page.",
                file=shown_name, table=_table_label(p.get("table")), missing=missing, found=found)
        if p.get("looks_like"):
            msg += " " + _("These columns look like a %(other)s: check that each file is in its own box.",
                           other=_table_label(p.get("looks_like")))
        return msg
    return _("%(file)s could not be read.", file=shown_name)


#: The loader writes each reason as "<Chinese label> <English detail>" (one text for the CLI's
#: rejects.csv). The page shows one language: the English detail on an English page, and on a
#: Chinese page the label with its Chinese explanation (numbers carried over where the detail has them).
REASON_ZH: dict[str, str] = {
    "缺少编号": "缺少编号：无法识别这一行",
    "编号重复": "编号重复：与前面一行的编号相同，此行未使用",
    "合计行": "合计行：导出表的合计/小计，不是求职者或岗位，未导入",
    "列数不符": "列数不符：此行的列数多于表头，无法可靠读取",
    "行无法解析": "行无法解析：此行的 CSV 格式有误",
    "日期无法识别": "日期无法识别：应为“年-月-日”，如 2024-03-05",
    "学历无法识别": "学历无法识别：按原文保留，视为未知",
    "薪资无法识别": "薪资无法识别：按原文保留，视为未知（可写 3000-5000、3千-5千、150元/天、面议）",
    "是/否无法识别": "是/否无法识别：应为 是/否、有/无 或 1/0，视为未知",
    "区县无法识别": "区县无法识别：按原文保留，距离视为未知",
    "性别无法识别": "性别无法识别：应为 男/女，视为未知",
    "年龄无法识别": "年龄无法识别：应为 14–100 的整周岁，已忽略",
    "户籍无法识别": "户籍无法识别：应为 城镇/农村，视为未知",
    "工作年限无法识别": "工作年限无法识别：保留职务名称，年限视为未知",
    "意向区县无法识别": "意向区县无法识别：计算距离时忽略",
    "重点群体无法识别": "重点群体无法识别：已忽略",
    "缺少岗位名称": "缺少岗位名称：没有名称的岗位无法匹配",
    "职业代码格式不对": "职业代码格式不对：应形如 6-18-02-04，将按岗位名称编码",
    "招聘人数无法识别": "招聘人数无法识别：应为不小于 1 的整数，按 1 计",
    "结果无法识别": "结果无法识别：不是已知的推荐结果",
    "编号不存在": "编号不存在：在求职者或岗位文件中找不到，无法关联",
    "推荐位次无法识别": "推荐位次无法识别：应为不小于 1 的整数，已忽略",
    "推荐列表无法识别": "推荐列表无法识别：已忽略",
    "事件早于推荐": "事件早于推荐：日期在这一对的推荐之前",
    "重复录用": "重复录用：上一份工作尚未离职",
    "离职后回访": "离职后回访：此人已离职",
    "无录用回访": "无录用回访：这一对没有录用记录",
    "重复离职": "重复离职：此人已离职",
    "无录用离职": "无录用离职：这一对没有录用记录",
    "录用后拒绝": "录用后拒绝：此人已在岗",
}
_REASON = re.compile(r"^([\u3400-\u9fff/、]+)\s+(.+)$", re.S)
_ROW_REF = re.compile(r"first seen in row (\d+)")
_FIELDS = re.compile(r"row has (\d+) fields but the header has (\d+)")


def issue_reason(reason: object, english: bool) -> str:
    """A loader reason in the page's language (see :data:`REASON_ZH`)."""
    text = "" if reason is None else str(reason)
    m = _REASON.match(text)
    if not m:
        return text
    label, detail = m.groups()
    if english:
        return detail[:1].upper() + detail[1:]
    out = REASON_ZH.get(label, label)
    if (r := _ROW_REF.search(detail)):
        out += f"（首次出现在第 {r.group(1)} 行）"
    if (r := _FIELDS.search(detail)):
        out += f"（此行 {r.group(1)} 列，表头 {r.group(2)} 列）"
    return out


@bp.app_template_filter("issue_reason")
def _issue_reason_filter(reason: object) -> str:
    return issue_reason(reason, str(get_locale()).startswith("en"))


@bp.route("/", methods=("GET", "POST"))
@admin_required
def index():
    """GET: past imports. POST: import uploaded seekers/vacancies/outcomes files."""
    db = get_session()
    if request.method == "POST":
        with tempfile.TemporaryDirectory(prefix="matcher-upload-") as tmp:
            folder = Path(tmp)
            saved = {f: _save(folder, f) for f in ROLES}
            paths = {f: (s[0] if s else None) for f, s in saved.items()}
            names = {s[0].name: s[1] for s in saved.values() if s}
            if paths["seekers"] is None and paths["vacancies"] is None:
                flash(_("Choose a seekers file, a vacancies file or both."), "error")
                return redirect(url_for("imports.index"))
            try:
                summary = import_files(db, paths["seekers"], paths["vacancies"], paths["outcomes"],
                                       user_id=current_user.id,
                                       reference_date=app_import_date(current_app._get_current_object()))
            except FileProblem as exc:
                db.rollback()
                flash(problem_message(exc, names.get(exc.file, exc.file)), "error")
                return redirect(url_for("imports.index"))
            except MatcherError as exc:
                db.rollback()
                flash(_("The files could not be imported: %(why)s", why=str(exc)), "error")
                return redirect(url_for("imports.index"))
        record("import", detail=f"import {summary.import_id}")
        db.commit()
        flash(_("Import finished. The matcher is refitted in the background."), "info")
        _auto_code(db, summary.import_id)
        return redirect(url_for("imports.detail", import_id=summary.import_id))
    rows = db.scalars(select(Import).order_by(Import.id.desc()).limit(50)).all()
    return render_template("imports/index.html", imports=rows)


def _auto_code(db, import_id: int) -> None:
    """Code the imported posts the coder is confident of (the rest wait in the review queue)."""
    from .review import auto_code_posts

    try:
        n = auto_code_posts(db, current_user.username)
    except Exception:                                   # the import stands; coding can be redone
        db.rollback()
        current_app.logger.exception("automatic occupation coding after import %s failed", import_id)
        flash(_("Automatic occupation coding failed; the posts wait in the review queue."), "error")
        return
    record("code_auto", detail=f"after import {import_id}: {n} posts")
    db.commit()
    if n:
        flash(_("%(n)d posts were coded automatically.", n=n), "info")


def _get_import(import_id: int) -> Import:
    imp = get_session().get(Import, import_id)
    if imp is None:
        abort(404)
    return imp


@bp.get("/<int:import_id>")
@admin_required
def detail(import_id: int):
    """One import: counts per file, its rejected rows and its warnings (personal data masked)."""
    imp = _get_import(import_id)
    return render_template("imports/detail.html", imp=imp, shown=SHOWN)


@bp.get("/<int:import_id>/<any(rejects, warnings):which>.csv")
@admin_required
def issues_csv(import_id: int, which: str):
    """The import's rejects or warnings as ``matcher validate``'s ``rejects.csv`` / ``warnings.csv``."""
    imp = _get_import(import_id)
    rows = imp.rejects if which == "rejects" else imp.warnings
    frame = pd.DataFrame(rows or [], columns=ISSUE_COLUMNS)[ISSUE_COLUMNS]
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    record("import_issues", detail=f"import {imp.id} {which}.csv")
    get_session().commit()
    return Response(buf.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=import-{imp.id}-{which}.csv"})


@bp.get("/format")
def help_page():
    """The input format, generated from :mod:`matcher.schema` (any signed-in user)."""
    lang = "en" if str(get_locale()).startswith("en") else "zh"
    kinds = [(k, format_help.TABLE_LABEL[k][lang], format_help.describe(k, lang), format_help.types_used(k, lang))
             for k in TABLES]
    return render_template("imports/format.html", kinds=kinds)
