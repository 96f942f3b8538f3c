"""The minimum-wage filter reads what staff type, with the engine's wage normaliser, and says when it cannot."""
from __future__ import annotations

import re

import pytest

from webui.views import read_wage_filter


@pytest.mark.parametrize("text,value", [
    ("5000", 5000.0), ("5,000", 5000.0), ("5千", 5000.0), ("５０００", 5000.0), ("5000元", 5000.0),
    ("4k", 4000.0), ("3000-5000", 3000.0), ("", None), ("  ", None),
])
def test_read_wage_filter(text, value):
    assert read_wage_filter(text) == (value, None)


@pytest.mark.parametrize("text", ["abc", "inf", "1e400", "-5", "0", "面议"])
def test_unreadable_wage_is_reported_not_dropped_silently(text):
    assert read_wage_filter(text) == (None, text)


def _vacancy_ids(html: str) -> list[str]:
    return re.findall(r'href="/vacancies/(V\d+)"', html)


def test_vacancy_search_reads_5_qian_and_5_000_as_5000(admin_client):
    plain = _vacancy_ids(admin_client.get("/vacancies/?min_wage=5000&status=all").data.decode())
    everything = _vacancy_ids(admin_client.get("/vacancies/?status=all").data.decode())
    assert plain and len(plain) < len(everything)   # the filter does something on the test market
    for text in ("5千", "5,000", "５０００"):
        html = admin_client.get("/vacancies/", query_string={"min_wage": text, "status": "all"}).data.decode()
        assert _vacancy_ids(html) == plain and 'id="min-wage-unreadable"' not in html


def test_vacancy_search_says_when_the_wage_cannot_be_read(admin_client):
    html = admin_client.get("/vacancies/", query_string={"min_wage": "很多", "status": "all"}).data.decode()
    assert 'id="min-wage-unreadable"' in html and "很多" in html
    everything = _vacancy_ids(admin_client.get("/vacancies/?status=all").data.decode())
    assert _vacancy_ids(html) == everything


def _posts(html: str) -> list[str]:
    return re.findall(r'<li class="match" data-vacancy="([^"]+)"', html)


def test_seeker_matches_filter_reads_the_same_wage_however_written(admin_client):
    base = admin_client.get("/seekers/S0001?f=1&shift=1&min_wage=4000").data.decode()
    assert 'id="min-wage-unreadable"' not in base
    for text in ("4千", "4,000", "4k"):
        html = admin_client.get("/seekers/S0001", query_string={"f": "1", "shift": "1", "min_wage": text}).data.decode()
        assert _posts(html) == _posts(base)
        assert 'name="min_wage" placeholder' in html and 'value="4000"' in html


@pytest.mark.parametrize("text", ["inf", "1e400", "abc"])
def test_seeker_page_notes_an_unreadable_wage_and_never_fails(admin_client, text):
    r = admin_client.get("/seekers/S0001", query_string={"f": "1", "min_wage": text})
    assert r.status_code == 200
    html = r.data.decode()
    assert 'id="min-wage-unreadable"' in html and f'value="{text}"' in html


def test_english_note_is_english(admin_client):
    admin_client.post("/lang", data={"lang": "en", "next": "/"})
    html = admin_client.get("/vacancies/", query_string={"min_wage": "lots"}).data.decode()
    note = re.search(r'id="min-wage-unreadable">([^<]+)<', html).group(1)
    assert "cannot be read as a wage" in note and not re.search(r"[\u4e00-\u9fff]", note)
