"""The web UI's districts and vocabulary labels are the ones of matcher.vocab, in the page's language."""
from __future__ import annotations

import pytest
from flask import session

from matcher import vocab
from webui import views


def test_web_tables_are_the_vocabulary():
    assert views.DISTRICTS == vocab.DISTRICTS
    assert tuple(views.PRIORITY_LABELS) == vocab.PRIORITY_GROUPS
    assert len(views.EDUCATION_LABELS) == len(vocab.EDUCATION_LEVELS)
    assert tuple(views.OUTCOME_LABELS) == vocab.OUTCOMES
    assert tuple(views.DISTANCE_LABELS) == vocab.RELATIONS
    assert tuple(views.DIMENSION_LABELS) == vocab.DIMENSIONS


@pytest.mark.parametrize(("locale", "lang"), [("zh_CN", "zh"), ("en", "en")])
def test_labels_follow_the_page_language(app, locale, lang):
    with app.test_request_context("/"):
        session["lang"] = locale
        for mapping, kind in ((views.PRIORITY_LABELS, "group"), (views.OUTCOME_LABELS, "outcome"),
                              (views.DISTANCE_LABELS, "relation"), (views.DIMENSION_LABELS, "dimension")):
            for code in vocab.codes(kind):
                assert views.label(mapping, code) == vocab.label(kind, code, lang)
        for level in range(len(vocab.EDUCATION_LEVELS)):
            assert views.education_label(level) == vocab.label("education", level, lang)
        assert views.label(views.PRIORITY_LABELS, "hard_to_employ") == "hard_to_employ"
        assert views.education_label(None) == "" and views.education_label(7) == ""


def test_seeker_search_page_lists_the_vocabulary(admin_client):
    for locale, lang in (("en", "en"), ("zh_CN", "zh")):
        admin_client.post("/lang", data={"lang": locale, "next": "/"})
        page = admin_client.get("/seekers/").get_data(as_text=True)
        for d in vocab.DISTRICTS:
            assert f"<option>{d}</option>" in page
        for code in vocab.PRIORITY_GROUPS:
            assert f'<option value="{code}">{vocab.label("group", code, lang)}</option>' in page
        for level in range(len(vocab.EDUCATION_LEVELS)):
            assert f'<option value="{level}">{vocab.label("education", level, lang)}</option>' in page
