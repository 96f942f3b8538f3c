"""One language at a time: every page in the zh UI has no English template strings, and every page in the
en UI no Chinese ones, apart from data (names, titles, skills, employers, file names, reject reasons).

The page's visible text is taken from the HTML (no tags, scripts or attribute values), the data the page
shows is removed (every value of the imported tables, user names, ids), and what is left must be in the
page's language.
"""
from __future__ import annotations

import html as htmllib
import io
import re

import pytest
from sqlalchemy import select

from webui.db import new_session
from webui.masking import mask_name
from webui.models import Import, Referral, Seeker, Vacancy

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
#: Latin words that are not English: units, file types, codes and names of things.
LATIN_OK = {"CSV", "UTF", "GBK", "XLSX", "xlsx", "csv", "Parquet", "parquet", "PNG", "PDF", "WPS", "Excel",
            "ID", "id", "admin", "east", "west", "city", "utf", "sig", "txt", "xls", "csco", "CSCO", "LSA",
            "TF", "IDF", "NDCG", "PIPL", "UTC",
            "English"}   # the language switch names each language in itself
CJK_OK = {"中文"}


def _visible(page: str) -> str:
    page = re.sub(r"<(script|style|svg|title|code)\b.*?</\1>", " ", page, flags=re.S | re.I)
    # the input-format reference lists accepted spellings (Chinese headers, example cells): data
    page = re.sub(r'<(tbody|dd)\b[^>]*class="data"[^>]*>.*?</\1>', " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return htmllib.unescape(page)


def _data_strings(app) -> list[str]:
    """Every data value the pages may show (longest first, so they are removed whole)."""
    s = new_session(app)
    try:
        out: set[str] = set()
        for model in (Seeker, Vacancy):
            for row in s.scalars(select(model)):
                for col in model.__table__.columns:
                    v = getattr(row, col.key)
                    vals = v if isinstance(v, list) else v.values() if isinstance(v, dict) else [v]
                    for x in vals:
                        for y in (x if isinstance(x, list) else [x]):
                            if isinstance(y, str) and y.strip():
                                out.add(y.strip())
        for r in s.scalars(select(Referral)):
            if r.note:
                out.add(r.note)
        for name in s.scalars(select(Seeker.name)):
            out.add(mask_name(name))
        for imp in s.scalars(select(Import)):
            out.update(f for f in (imp.seekers_file, imp.vacancies_file, imp.outcomes_file) if f)
        # item names the engine adds: skills and courses as its lexicon spells them
        lex = app.extensions["matcher_cache"].get(s).matcher.resources_.skill_normaliser.lexicon_
        out.update(v for v in (*lex.name_zh.values(), *lex.course.values()) if v)
        # occupation groups as the national classification names them (the report's supply/demand rows)
        from matcher.occupations.taxonomy import load_taxonomy
        out.update(str(n) for n in load_taxonomy()["name"] if isinstance(n, str) and n.strip())
    finally:
        s.close()
    out.add("很多")   # what the test typed into the minimum-wage box
    out.add("NOPE")   # the seeker id the test asks for on the not-found page
    return sorted(out, key=len, reverse=True)


def _pages(client, app) -> dict[str, str]:
    imp = client.post("/imports/", data={"seekers": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(40)), "a.csv")},
                      content_type="multipart/form-data", follow_redirects=True)
    pages = {
        "seekers search": client.get("/seekers/").data.decode(),
        "seekers results": client.post("/seekers/", data={"name": "张"}).data.decode(),
        "seeker": client.get("/seekers/S0001?f=1&min_wage=%E5%BE%88%E5%A4%9A").data.decode(),
        "vacancies": client.get("/vacancies/?status=all").data.decode(),
        "vacancy": client.get("/vacancies/V0001").data.decode(),
        "referral": client.get("/referrals/1").data.decode(),
        "imports": client.get("/imports/").data.decode(),
        "import refused": imp.data.decode(),
        "import": client.get("/imports/1").data.decode(),
        "format": client.get("/imports/format").data.decode(),
        "followups": client.get("/followups/").data.decode(),
        "overview": client.get("/overview/").data.decode(),
        "users": client.get("/auth/users").data.decode(),
        "password": client.get("/auth/password").data.decode(),
        "not found": client.get("/seekers/NOPE").data.decode(),
    }
    app.config["REPORT_IN_BACKGROUND"] = False
    if not app.extensions["matcher_reports"].reports():
        client.post("/report/generate")
    pages["city report index"] = client.get("/report/").data.decode()
    # the audit trail last, so it lists what the walk did (views, an import refused, a report)
    pages["audit"] = client.get("/audit/").data.decode()
    pages["audit filtered"] = client.get("/audit/?action=view_seeker").data.decode()
    return pages


def _report_page(client, lang: str) -> str:
    """The newest city report as served, reduced to what a reader of ``lang`` sees: the web's report is
    bilingual with a toggle, so the other language's spans (hidden by the toggle) and the toggle go."""
    r = client.get("/report/latest")
    page = client.get(r.headers["Location"]).data.decode()
    other = "l-en" if lang == "zh" else "l-zh"
    page = re.sub(rf'<span class="{other}"[^>]*>.*?</span>', " ", page, flags=re.S)
    return page.replace("中文 / English", " ")


def _strays(text: str, data: list[str], lang: str) -> list[str]:
    for d in data:
        if len(d) >= 2:
            text = text.replace(d, " ")
    if lang == "zh":
        return sorted({w for w in LATIN.findall(text) if w not in LATIN_OK and not re.fullmatch(r"[SV]\d+", w)})
    return sorted(set(CJK.findall(text)) - CJK_OK)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language(admin_client, app, lang):
    if lang == "en":
        admin_client.post("/lang", data={"lang": "en", "next": "/"})
    data = _data_strings(app)
    found = {}
    pages = _pages(admin_client, app)
    pages["city report"] = _report_page(admin_client, lang)
    for name, page in pages.items():
        strays = _strays(_visible(page), data, lang)
        if strays:
            found[name] = strays[:15]
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
