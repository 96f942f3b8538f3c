"""The display form of an explained match: labels translated and numbers formatted in Python.

A seeker or vacancy page shows ten explained matches, each with a score
bar, a legend, reasons, skills, education, wage, distance and compliance
flags. Written as template expressions that is over a hundred filter,
``gettext`` and ``format`` calls per match, each going through Jinja's
call machinery; here the same values are computed with plain Python
(translated labels looked up in per-language dicts built once), and the
``match_body`` macro in ``templates/macros.html`` only places them.

:func:`match_view` takes a match dict (``Match.to_dict()`` shape, see
:mod:`matcher.core.explain`); missing keys show as empty parts, never as
errors. Wages are yuan per month, shown rounded to whole yuan with
thousands separators; scores with two decimals.
"""
from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from matcher.render.reasons import parse_summary, render_reason_items, render_summary

from .views import (CHART_COLOURS, DIMENSION_LABELS, DISTANCE_LABELS, STATUS_LABELS, education_label, flag_message,
                    label, request_translations, yuan, yuan_range)

#: Constant texts of the match block (msgids as the templates had them).
TEXTS = {
    "score": _l("Score"), "fit": _l("fit"), "why": _l("Why it fits"), "gaps": _l("Gaps"),
    "help": _l("What would help"), "matched": _l("Matched skills"), "missing": _l("Missing skills"),
    "course": _l("course"), "education": _l("Education"), "required": _l("required"), "none": _l("none"),
    "seeker": _l("seeker"), "unknown": _l("unknown"), "wage": _l("Wage (yuan/month)"), "offered": _l("offered"),
    "expected": _l("expected"), "below_minimum": _l("below the minimum wage"), "distance": _l("Distance"),
    "flags": _l("Compliance flags"),
}
_GAP_BELOW = _l("%(yuan)s yuan below the expectation")
_GAP_ABOVE = _l("%(yuan)s yuan above the expectation")

_TEXT_CACHE: dict[int, dict[str, Any]] = {}


def match_texts() -> dict[str, Any]:
    """The constant texts in the request's language, as Jinja's ``_()`` gives them (safe markup).

    Built once per language (the translations object of a language is kept
    for the app's life).
    """
    tr = request_translations()
    key = id(tr)
    texts = _TEXT_CACHE.get(key)
    if texts is None:
        texts = {k: Markup(str(v)) % {} for k, v in TEXTS.items()}
        texts["gap_below"], texts["gap_above"] = str(_GAP_BELOW), str(_GAP_ABOVE)
        _TEXT_CACHE[key] = texts
    return texts


def reason_lang() -> str:
    """The renderer language of the request's locale: ``en`` for English, else ``zh``."""
    loc = get_locale()
    return "en" if loc is not None and loc.language == "en" else "zh"


def batch_reason(text: object, lang: str) -> str:
    """A nightly batch ``reason`` line (written in Chinese) in ``lang``; unchanged if it cannot be read back."""
    if not text:
        return ""
    verdicts = parse_summary(str(text), "zh")
    return str(text) if verdicts is None else render_summary(verdicts, lang)


def _dims(match: dict) -> list[tuple[str, float, str, str]]:
    """(dimension, value, colour, label) per contribution, in the record's order."""
    n = len(CHART_COLOURS)
    return [(dim, value, CHART_COLOURS[i % n], label(DIMENSION_LABELS, dim))
            for i, (dim, value) in enumerate((match.get("contributions") or {}).items())]


def match_view(match: dict) -> dict[str, Any]:
    """Everything the ``match_body`` macro shows for one match, ready to print.

    Keys: ``t`` (constant texts), ``score``, ``bars`` (x, width, colour,
    title per dimension; widths in px of a 300 px bar), ``legend`` (colour,
    label, value, fit percent or None), ``fits``/``gaps``/``fixes`` (the
    match's reason records rendered in the request's language by
    :func:`matcher.render.reasons.render_reasons`),
    ``matched`` (skill, matched-by or ""), ``missing`` (skill, course or
    ""), ``education`` (required, seeker, status; None when absent),
    ``wage`` (dict; None when absent), ``distance``, ``flags``, ``batch``
    (True when batch facts are to be shown), ``batch_reason`` (the batch's
    reason line in the request's language).
    """
    t = match_texts()
    dims = _dims(match)
    components = match.get("components") or {}
    x = 0.0
    bars, legend = [], []
    for dim, value, colour, name in dims:
        w = (value if value > 0 else 0) * 300
        bars.append((f"{x:.1f}", f"{w:.1f}", colour, f"{name} {value:.3f}"))
        x = x + w
        comp = components.get(dim)
        legend.append((colour, name, f"{value:.2f}", None if comp is None else f"{100 * comp:.0f}"))
    lang = reason_lang()
    items = render_reason_items(match.get("reasons"), lang)   # rendered once: texts and severities
    reasons = {key: [x["text"] for x in rows] for key, rows in items.items()}
    blockers = [x["text"] for x in items["gaps"] if x["severity"] == "blocker"]  # a missing permit: first, red
    view: dict[str, Any] = {
        "t": t, "score": f"{match['score']:.2f}", "bars": bars, "legend": legend,
        "fits": reasons["fits"], "gaps": reasons["gaps"], "fixes": reasons["fixes"], "blockers": blockers,
        "matched": [(s["required"], s["matched_by"] if s.get("matched_by") and s["matched_by"] != s["required"] else "")
                    for s in match.get("matched_skills") or []],
        "missing": [(s["skill"], s.get("course") or "") for s in match.get("missing_skills") or []],
        "education": None, "wage": None,
        "distance": label(DISTANCE_LABELS, match["distance"]) if match.get("distance") else "",
        "flags": [flag_message(f) for f in match.get("flags") or []],
        "batch": match.get("batch_adjusted_score") is not None or bool(match.get("stale_pair")),
        "batch_reason": batch_reason(match.get("batch_reason"), lang),
    }
    e = match.get("education") or {}
    if e:
        view["education"] = (education_label(e.get("required")) or t["none"],
                             education_label(e.get("seeker")) or t["unknown"],
                             label(STATUS_LABELS, e["status"]) if e.get("status") else "")
    w = match.get("wage") or {}
    if w:
        gap = w.get("gap")
        below = above = None
        if gap is not None and gap == gap:  # NaN: no gap shown
            if gap < 0:
                below = Markup(t["gap_below"]) % {"yuan": yuan(0 - gap)}
            else:
                above = Markup(t["gap_above"]) % {"yuan": yuan(gap)}
        view["wage"] = {"offered": yuan_range(w.get("offered_min"), w.get("offered_max")),   # one number once
                        "expected": yuan_range(w.get("expected_min"), w.get("expected_max")),
                        "below": below, "above": above,
                        "status": label(STATUS_LABELS, w["status"]) if w.get("status") else "",
                        "below_minimum": bool(w.get("below_minimum"))}
    return view


def _reason_list(e, title: str, items: list[str], marked: list[str] = ()) -> str:
    """One titled list of the reasons block (what fits / what is missing / what would help); items in
    ``marked`` (blockers) get ``class="gap"``."""
    return (f'<div><strong>{e(title)}</strong><ul>'
            + "".join(('<li class="gap">' if marked and x in marked else "<li>") + f"{e(x)}</li>" for x in items)
            + '</ul></div>')


def match_html(match: dict) -> dict[str, Any]:
    """The ``match_body`` macro's markup for one match, built in Python from :func:`match_view`.

    Returns ``head`` (score bar and score), ``tail`` (legend, reasons and
    facts) as safe markup, and ``batch`` / ``batch_reason`` for the
    ``batch_facts`` macro the template places between them. Every value is
    escaped as Jinja's autoescape would (:func:`markupsafe.escape`), and the
    whitespace is the macro's as Jinja rendered it, so pages are byte for
    byte what the all-Jinja macro gave (ten matches a page made the macro's
    per-item call overhead a sizeable part of the page).
    """
    v = match_view(match)
    t = v["t"]
    e = escape
    h = [f'<svg class="scorebar" width="300" height="16" viewBox="0 0 300 16" role="img" '
         f'aria-label="{e(t["score"])} {e(v["score"])}">\n'
         '  <rect x="0" y="0" width="300" height="16" fill="#edf2f7"></rect>']
    for x, w, colour, title in v["bars"]:
        h.append(f'\n    <rect x="{e(x)}" y="0" width="{e(w)}" height="16" fill="{e(colour)}"><title>{e(title)}'
                 '</title></rect>')
    h.append(f'\n</svg>\n<span class="score">{e(v["score"])}</span>\n')
    o = ['\n<ul class="legend">']
    for colour, name, value, fit in v["legend"]:
        o.append(f'\n  <li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" '
                 f'fill="{e(colour)}"></rect></svg>\n  {e(name)} {e(value)}')
        if fit is not None:
            o.append(f' ({e(t["fit"])} {e(fit)}%)')
        o.append('</li>')
    o.append('\n</ul>\n<div class="reasons">\n  ')
    if v["fits"]:
        o.append(_reason_list(e, t["why"], v["fits"]))
    o.append('\n  ')
    if v["gaps"]:
        o.append(_reason_list(e, t["gaps"], v["gaps"], v["blockers"]))
    o.append('\n  ')
    if v["fixes"]:
        o.append(_reason_list(e, t["help"], v["fixes"]))
    o.append('\n</div>\n<dl class="facts">\n  ')
    if v["matched"]:
        o.append(f'\n  <dt>{e(t["matched"])}</dt>\n  <dd>'
                 + "".join(f'<span class="tag ok">{e(skill)}{f" ← {e(by)}" if by else ""}</span>'
                           for skill, by in v["matched"]) + '</dd>\n  ')
    o.append('\n  ')
    if v["missing"]:
        course_word = e(t["course"])
        o.append(f'\n  <dt>{e(t["missing"])}</dt>\n  <dd>')
        for skill, course in v["missing"]:
            o.append(f'<span class="tag gap">{e(skill)}' + (f" · {course_word}: {e(course)}" if course else "")
                     + '</span>')
        o.append('</dd>\n  ')
    o.append('\n  ')
    if v["education"]:
        required, seeker, status = v["education"]
        o.append(f'\n  <dt>{e(t["education"])}</dt>\n  <dd>{e(t["required"])}: {e(required)} · '
                 f'{e(t["seeker"])}: {e(seeker)}' + (f" · {e(status)}" if status else "") + '</dd>\n  ')
    o.append('\n  ')
    if v["wage"]:
        w = v["wage"]
        o.append(f'\n  <dt>{e(t["wage"])}</dt>\n  <dd>{e(t["offered"])}: {e(w["offered"])} · '
                 f'{e(t["expected"])}: {e(w["expected"])}\n    ')
        if w["below"]:
            o.append(f' · <span class="gap">{e(w["below"])}</span>')
        elif w["above"]:
            o.append(f' · {e(w["above"])}')
        o.append('\n    ')
        if w["status"]:
            o.append(f' · {e(w["status"])}')
        o.append('\n    ')
        if w["below_minimum"]:
            o.append(f' · <span class="flag">{e(t["below_minimum"])}</span>')
        o.append('</dd>\n  ')
    o.append('\n  ')
    if v["distance"]:
        o.append(f'\n  <dt>{e(t["distance"])}</dt><dd>{e(v["distance"])}</dd>\n  ')
    o.append('\n  ')
    if v["flags"]:
        o.append(f'\n  <dt>{e(t["flags"])}</dt>\n  <dd>'
                 + "".join(f'<span class="tag flag">{e(f)}</span>' for f in v["flags"]) + '</dd>\n  ')
    o.append('\n</dl>')
    return {"head": Markup("".join(h)), "tail": Markup("".join(o)), "batch": v["batch"],
            "batch_reason": v["batch_reason"]}
