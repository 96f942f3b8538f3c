"""Imports as staff have them: title rows, totals, one message per problem, rows listed and downloadable."""
from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
from conftest import login
from sqlalchemy import func, select

from matcher.io.loader import ISSUE_COLUMNS, load_seekers
from matcher.schema import TABLES
from webui.db import new_session
from webui.models import AuditEntry, Import, Seeker


def _post(client, **files):
    data = {role: (io.BytesIO(content), name) for role, (name, content) in files.items()}
    return client.post("/imports/", data=data, content_type="multipart/form-data", follow_redirects=True)


def _count(app, model=Seeker) -> int:
    s = new_session(app)
    try:
        return s.scalar(select(func.count()).select_from(model))
    finally:
        s.close()


def _station_export(market_files) -> bytes:
    """The seekers file as a station exports it: title rows, a row of empty cells, a total row."""
    lines = market_files["seekers"].read_text(encoding="utf-8").splitlines()
    body = lines[:4] + [",,,,,,"] + lines[4:8] + ["合计,7人,,,"]
    return ("攀枝花市东区就业服务站 求职登记表\n导出日期：2026-11-30,,\n" + "\n".join(body) + "\n").encode("utf-8")


def test_station_export_with_title_rows_is_imported_and_totals_reported(admin_client, app, market_files):
    r = _post(admin_client, seekers=("东区站导出.csv", _station_export(market_files)))
    html = r.data.decode()
    assert r.status_code == 200 and 'id="import-counts"' in html
    s = new_session(app)
    try:
        imp = s.scalars(select(Import).order_by(Import.id.desc())).first()
        assert imp.counts["seekers"] == {"read": 8, "accepted": 7, "warned": 0, "rejected": 1}
        assert [r["row"] for r in imp.rejects] == [12] and "合计" in imp.rejects[0]["reason"]
    finally:
        s.close()
    assert "合计行" in html and 'id="rejects-csv"' in html


# what staff upload by mistake -> the words the page must use (zh UI, the default)
MISTAKES = [
    ("名单.txt", b"seeker_id,name\nS1,x\n", ".txt", "不是表格"),
    ("照片.csv", b"\x89PNG\r\n\x1a\n" + bytes(80), "PNG 图片", "不是表格"),
    ("空.csv", b"", "是空文件", "表头"),
    ("只有表头.csv", "求职者编号,姓名,技能\n".encode(), "只有表头", "没有数据行"),
    ("坏.xlsx", b"PK\x03\x04" + b"truncated" * 20, "无法作为 Excel 工作簿打开", "另存"),
    ("旧.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(80), ".xls", ".xlsx"),
]


@pytest.mark.parametrize("name,content,found,expected", MISTAKES)
def test_each_problem_has_its_own_message(admin_client, app, name, content, found, expected):
    before = _count(app)
    html = _post(admin_client, seekers=(name, content)).data.decode()
    flash = html[html.index('class="flash error"'):].split("</p>")[0]
    assert name in flash and found in flash and expected in flash, flash
    assert "SCHEMA.md" not in flash and "docs/" not in flash
    assert _count(app) == before


def test_messages_differ_between_problems(admin_client):
    seen = set()
    for name, content, _f, _e in MISTAKES:
        html = _post(admin_client, seekers=(name, content)).data.decode()
        seen.add(html[html.index('class="flash error"'):].split("</p>")[0].replace(name, "F"))
    assert len(seen) == len(MISTAKES)


def test_wrong_columns_names_what_was_found_and_the_right_box(admin_client, market_files):
    html = _post(admin_client, seekers=("岗位.csv", market_files["vacancies"].read_bytes())).data.decode()
    flash = html[html.index('class="flash error"'):].split("</p>")[0]
    assert "seeker_id (求职者编号)" in flash and "vacancy_id" in flash and "岗位文件" in flash


def test_english_messages_in_the_english_ui(admin_client):
    admin_client.post("/lang", data={"lang": "en", "next": "/"})
    html = _post(admin_client, seekers=("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(80))).data.decode()
    flash = html[html.index('class="flash error"'):].split("</p>")[0]
    assert "a PNG image" in flash and "not a table" in flash
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in flash)


def test_warnings_and_rejects_listed_and_downloadable_as_the_cli_writes_them(admin_client, app, market_files,
                                                                               tmp_path):
    frame = pd.read_csv(market_files["seekers"], dtype=str, keep_default_na=False).head(6)
    frame.loc[1, "education"] = "读过几年"     # a warning
    frame.loc[2, "district"] = "月球区"        # a warning
    frame.loc[3, "seeker_id"] = frame.loc[0, "seeker_id"]   # a reject (duplicate id)
    path = tmp_path / "seekers_w.csv"
    frame.to_csv(path, index=False)
    html = _post(admin_client, seekers=("seekers_w.csv", path.read_bytes())).data.decode()
    assert 'id="import-warnings"' in html and "读过几年" in html and "月球区" in html
    assert 'id="import-rejects"' in html
    s = new_session(app)
    imp_id = s.scalar(select(func.max(Import.id)))
    s.close()
    expected = load_seekers(path)
    for which, want in (("rejects", expected.rejects), ("warnings", expected.warnings)):
        r = admin_client.get(f"/imports/{imp_id}/{which}.csv")
        assert r.status_code == 200 and r.mimetype == "text/csv"
        assert r.data.startswith(b"\xef\xbb\xbf")   # UTF-8 with BOM, as matcher validate writes
        rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
        assert list(rows[0]) == ISSUE_COLUMNS
        assert [(int(x["row"]), x["column"], x["reason"]) for x in rows] == \
            [(int(x.row), x.column, x.reason) for x in want.itertuples()]
    s = new_session(app)
    try:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "import_issues")) is not None
    finally:
        s.close()


def test_downloads_are_admin_only(client):
    login(client, "city")
    assert client.get("/imports/1/rejects.csv").status_code == 403


def test_format_page_lists_every_column_in_the_page_language(client):
    login(client, "city")          # any signed-in user may read the format
    html = client.get("/imports/format").data.decode()
    for table in TABLES.values():
        for col in table:
            assert f"<code>{col.name}</code>" in html and col.zh[0] in html
    assert "必填" in html or "是" in html
    client.post("/lang", data={"lang": "en", "next": "/"})
    en = client.get("/imports/format").data.decode()
    assert "Input format" in en and "whole number" in en


def test_reasons_show_in_one_language(admin_client, market_files):
    text = _station_export(market_files)
    html = _post(admin_client, seekers=("station.csv", text)).data.decode()
    table = html[html.index('id="import-rejects"'):].split("</table>")[0]
    assert "合计行：" in table and "total row" not in table
    admin_client.post("/lang", data={"lang": "en", "next": "/"})
    import_id = re.search(r"/imports/(\d+)/rejects.csv", html).group(1)
    en = admin_client.get(f"/imports/{import_id}").data.decode()
    table = en[en.index('id="import-rejects"'):].split("</table>")[0]
    reason = re.findall(r"<td>([^<]*)</td></tr>", table)[0]
    assert reason.startswith("Total row") and "合计行" not in reason


def test_reason_rendering_keeps_the_numbers():
    from webui.imports import issue_reason

    why = "编号重复 duplicate seeker_id 'S1': first seen in row 2; this copy is not used"
    assert issue_reason(why, english=False) == "编号重复：与前面一行的编号相同，此行未使用（首次出现在第 2 行）"
    assert issue_reason(why, english=True).startswith("Duplicate seeker_id 'S1': first seen in row 2")
    assert issue_reason("plain text", english=False) == "plain text"
