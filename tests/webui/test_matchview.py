"""The match block (webui.matchview + the match_body macro): values, language, escaping."""
from __future__ import annotations

import math

import pytest

from flask import render_template_string

from webui.matchview import match_view, yuan
from webui.views import DIMENSION_LABELS, label

from conftest import login

BLOCK = "{% import 'macros.html' as m with context %}{{ m.match_body(match) }}"


def _match(**over) -> dict:
    d = {"seeker_id": "S1", "vacancy_id": "V1", "rank": 1, "score": 0.75,
         "contributions": {"skills": 0.5, "occupation": 0.25, "wage": -0.01},
         "components": {"skills": 0.9, "occupation": None, "wage": 0.2},
         "matched_skills": [{"required": "电焊", "matched_by": "电焊"}, {"required": "气割", "matched_by": "切割"}],
         "missing_skills": [{"skill": "氩弧焊", "course": "焊工"}, {"skill": "<b>x</b>", "course": None}],
         "education": {"required": 2, "seeker": 1, "status": "one_short"},
         "wage": {"offered_min": 3000.0, "offered_max": 4500.0, "expected_min": 5000.0, "expected_max": None,
                  "gap": -500.0, "status": "below", "below_minimum": False},
         "distance": "adjacent", "flags": [{"code": "x", "message_zh": "限男性", "message_en": "Men only"}],
         "reasons": {"fits": [{"code": "skills_matched", "dim": "skills",
                               "items": [{"skill": "<script>alert(1)</script>", "matched_by": "电焊"}]},
                              {"code": "place_adjacent", "dim": "place", "district": "西区"}],
                     "gaps": [{"code": "wage_below", "dim": "wage", "gap_yuan": 500},
                              {"code": "education_one_short", "dim": "education", "required": "高中/中专/技校/职高",
                               "have": "初中"}],
                     "fixes": [{"code": "course", "skill": "氩弧焊", "course": "焊工", "score_after": 0.81}]}}
    d.update(over)
    return d


def test_view_numbers_and_bar_geometry(app):
    with app.test_request_context("/"):
        v = match_view(_match())
        names = [label(DIMENSION_LABELS, d) for d in ("skills", "occupation", "wage")]
    assert v["score"] == "0.75"
    # widths in px of a 300 px bar: negative contributions draw nothing, x accumulates
    assert [(x, w) for x, w, _c, _t in v["bars"]] == [("0.0", "150.0"), ("150.0", "75.0"), ("225.0", "0.0")]
    assert [b[3] for b in v["bars"]] == [f"{names[0]} 0.500", f"{names[1]} 0.250", f"{names[2]} -0.010"]
    assert names[0] != "skills"  # translated (zh_CN by default)
    assert [(lg[2], lg[3]) for lg in v["legend"]] == [("0.50", "90"), ("0.25", None), ("-0.01", "20")]
    assert v["matched"] == [("电焊", ""), ("气割", "切割")]
    assert v["missing"] == [("氩弧焊", "焊工"), ("<b>x</b>", "")]
    assert v["wage"]["offered"] == "3,000–4,500" and v["wage"]["expected"] == "≥ 5,000"
    assert v["wage"]["below"] is not None and v["wage"]["above"] is None
    assert yuan(None) == "" and yuan(math.nan) == "" and yuan(12345.6) == "12,346"


def test_nan_gap_and_missing_parts_show_nothing(app):
    with app.test_request_context("/"):
        v = match_view(_match(wage={"gap": math.nan, "status": None}, education={}, distance=None, flags=[],
                              contributions=None, reasons=None, matched_skills=None))
    assert v["wage"]["below"] is None and v["wage"]["above"] is None
    assert v["education"] is None and v["distance"] == "" and v["bars"] == [] and v["fits"] == []


def test_block_in_both_languages_escapes_data(app, client):
    login(client, "admin")
    with app.test_request_context("/"):
        html = render_template_string(BLOCK, match=_match())
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "比期望低 500 元" in html and "匹配度 90%" in html and "培训课程: 焊工" in html
    assert 'width="150.0"' in html and "限男性" in html
    with app.test_request_context("/"):
        from flask import session
        session["lang"] = "en"
        html = render_template_string(BLOCK, match=_match())
    assert "500 yuan below the expectation" in html and "(fit 90%)" in html and "Men only" in html
    assert "course: 焊工" in html


def test_reasons_render_in_the_request_language(app):
    with app.test_request_context("/"):
        zh = match_view(_match())
    assert zh["fits"][1] == "邻近区县（西区）"
    assert zh["gaps"] == ["薪资比期望低500元/月", "学历差一级：要求高中/中专/技校/职高，本人初中"]
    assert zh["fixes"] == ["参加培训：焊工（补氩弧焊），本岗位得分可达0.81"]
    with app.test_request_context("/"):
        from flask import session
        session["lang"] = "en"
        en = match_view(_match())
    assert en["fits"][1] == "Neighbouring district (Xi District)"
    assert en["gaps"] == ["Pay 500 yuan/month below the expectation",
                          "Education one level short: senior high / technical secondary required, "
                          "has junior middle school"]
    assert en["fixes"] == ["Take the 焊工 course (for 氩弧焊): this post would score 0.81"]


def test_english_seeker_page_shows_no_chinese_reason_text(admin_client):
    """The live page in English: every reason line is English apart from data items (skills, titles, courses)."""
    import re
    admin_client.post("/lang", data={"lang": "en", "next": "/"})
    html = admin_client.get("/seekers/S0000").data.decode()
    blocks = re.findall(r'<div class="reasons">(.*?)</div>\s*<dl', html, flags=re.S)
    assert blocks
    lines = [re.sub(r"<[^>]+>", "", li) for b in blocks for li in re.findall(r"<li>(.*?)</li>", b, flags=re.S)]
    assert lines
    for line in lines:
        assert not re.search(r"[：；，（）]", line), line          # no Chinese punctuation from templates
        assert re.search(r"[A-Za-z]", line), line                # every line carries English words


def test_batch_reason_line_follows_the_language(app):
    from webui.matchview import batch_reason
    with app.test_request_context("/"):
        assert batch_reason("优势：技能；不足：薪资", "en") == "Fits: skills; gaps: wage"
        assert batch_reason("优势：技能；不足：薪资", "zh") == "优势：技能；不足：薪资"
        assert batch_reason("某种旧格式", "en") == "某种旧格式" and batch_reason(None, "en") == ""
        html = render_template_string(BLOCK, match=_match(stale_pair=True, batch_reason="不足：地点"))
        assert "不足：地点" in html
    with app.test_request_context("/"):
        from flask import session
        session["lang"] = "en"
        html = render_template_string(BLOCK, match=_match(stale_pair=True, batch_reason="不足：地点"))
        assert "Gaps: location" in html and "不足" not in html


@pytest.mark.parametrize("lo,hi,shown", [(4000, 4000, "4,000"), (4000, 6000, "4,000–6,000"), (4000, None, "≥ 4,000"),
                                         (None, 6000, "≤ 6,000"), (None, None, ""), (float("nan"), 3000, "≤ 3,000")])
def test_one_number_shows_once(lo, hi, shown):
    from webui.matchview import yuan_range

    assert yuan_range(lo, hi) == shown


# The match_body macro as it was written in Jinja before the markup moved to webui.matchview.match_html
# (kept here as the reference: the Python-built block must give the same bytes for every branch).
REFERENCE_MACRO = r'''{% macro reference_body(match) -%}
{%- set v = match_view(match) -%}
{%- set t = v.t -%}
<svg class="scorebar" width="300" height="16" viewBox="0 0 300 16" role="img" aria-label="{{ t.score }} {{ v.score }}">
  <rect x="0" y="0" width="300" height="16" fill="#edf2f7"></rect>
  {%- for x, w, colour, title in v.bars %}
    <rect x="{{ x }}" y="0" width="{{ w }}" height="16" fill="{{ colour }}"><title>{{ title }}</title></rect>
  {%- endfor %}
</svg>
<span class="score">{{ v.score }}</span>
{% if v.batch %}{{ m.batch_facts(match, v.batch_reason) }}{% endif %}
<ul class="legend">
{%- for colour, name, value, fit in v.legend %}
  <li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="{{ colour }}"></rect></svg>
  {{ name }} {{ value }}{% if fit is not none %} ({{ t.fit }} {{ fit }}%){% endif %}</li>
{%- endfor %}
</ul>
<div class="reasons">
  {% if v.fits %}<div><strong>{{ t.why }}</strong><ul>{% for x in v.fits %}<li>{{ x }}</li>{% endfor %}</ul></div>{% endif %}
  {% if v.gaps %}<div><strong>{{ t.gaps }}</strong><ul>{% for x in v.gaps %}<li{% if v.blockers and x in v.blockers %} class="gap"{% endif %}>{{ x }}</li>{% endfor %}</ul></div>{% endif %}
  {% if v.fixes %}<div><strong>{{ t.help }}</strong><ul>{% for x in v.fixes %}<li>{{ x }}</li>{% endfor %}</ul></div>{% endif %}
</div>
<dl class="facts">
  {% if v.matched %}
  <dt>{{ t.matched }}</dt>
  <dd>{% for skill, by in v.matched %}<span class="tag ok">{{ skill }}{% if by %} ← {{ by }}{% endif %}</span>{% endfor %}</dd>
  {% endif %}
  {% if v.missing %}
  <dt>{{ t.missing }}</dt>
  <dd>{% for skill, course in v.missing %}<span class="tag gap">{{ skill }}{% if course %} · {{ t.course }}: {{ course }}{% endif %}</span>{% endfor %}</dd>
  {% endif %}
  {% if v.education %}{% set required, seeker, status = v.education %}
  <dt>{{ t.education }}</dt>
  <dd>{{ t.required }}: {{ required }} · {{ t.seeker }}: {{ seeker }}{% if status %} · {{ status }}{% endif %}</dd>
  {% endif %}
  {% if v.wage %}{% set w = v.wage %}
  <dt>{{ t.wage }}</dt>
  <dd>{{ t.offered }}: {{ w.offered }} · {{ t.expected }}: {{ w.expected }}
    {% if w.below %} · <span class="gap">{{ w.below }}</span>{% elif w.above %} · {{ w.above }}{% endif %}
    {% if w.status %} · {{ w.status }}{% endif %}
    {% if w.below_minimum %} · <span class="flag">{{ t.below_minimum }}</span>{% endif %}</dd>
  {% endif %}
  {% if v.distance %}
  <dt>{{ t.distance }}</dt><dd>{{ v.distance }}</dd>
  {% endif %}
  {% if v.flags %}
  <dt>{{ t.flags }}</dt>
  <dd>{% for f in v.flags %}<span class="tag flag">{{ f }}</span>{% endfor %}</dd>
  {% endif %}
</dl>
{%- endmacro %}'''

_VARIANTS = [
    {},
    {"wage": {"offered_min": 5200.0, "offered_max": 5200.0, "expected_min": 4000.0, "expected_max": 4000.0,
              "gap": 1200.0, "status": "meets", "below_minimum": True}},
    {"wage": {"gap": math.nan, "status": None}, "education": {"required": None, "seeker": None, "status": None},
     "distance": None, "flags": [], "matched_skills": [], "missing_skills": [], "reasons": None},
    {"contributions": None, "components": None, "wage": None, "education": None},
    {"reasons": {"gaps": [{"code": "skill_missing", "skill": "焊接", "course": None},
                          {"code": "permit_missing", "permit": "低压电工作业证", "course": "电工", "severity": "blocker"}],
                 "fixes": []}},
    {"stale_pair": True, "batch_reason": "优势：技能；不足：薪资", "batch_adjusted_score": 0.61,
     "batch_congestion_price": 0.05, "batch_pure_rank": 3},
    {"batch_adjusted_score": 0.7, "matched_skills": [{"required": 'a"&\'<', "matched_by": None}],
     "flags": [{"code": "x", "message_zh": "<i>限</i>", "message_en": ""}], "distance": "far"},
]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_python_built_block_equals_the_jinja_macro(app, lang):
    """match_html gives the same bytes as the Jinja macro it replaced, for every branch, in both languages."""
    new = "{% import 'macros.html' as m with context %}{{ m.match_body(match) }}"
    old = "{% import 'macros.html' as m with context %}" + REFERENCE_MACRO + "{{ reference_body(match) }}"
    for over in _VARIANTS:
        with app.test_request_context("/"):
            from flask import session
            session["lang"] = lang
            a = render_template_string(new, match=_match(**over))
            b = render_template_string(old, match=_match(**over))
        assert a == b, over
