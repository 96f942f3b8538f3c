"""App-wide view helpers: the language switch, labels, template filters, errors.

Every label shown to staff is a Flask-Babel message here or in a template,
so the zh_CN catalogue covers the whole UI and English is a switch away —
except the labels of the one vocabulary (districts, priority groups, education
levels, outcomes, place relations, dimensions), which come in both languages
from :mod:`matcher.vocab` through :class:`VocabLabel`.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session, url_for
from flask_login import current_user
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l

from matcher import vocab

from .extensions import LANGUAGES
from .masking import display_name, mask_id_number, mask_name, mask_phone


#: Why a user reveals a seeker's ID number and phone (codes: :data:`webui.masking.REVEAL_PURPOSES`).
REVEAL_PURPOSE_LABELS = {
    "contact_referral": _l("Call the seeker about a referral or interview"),
    "followup_call": _l("Follow-up call after a hire"),
    "verify_identity": _l("Check identity for a registration or a benefit"),
    "seeker_request": _l("The seeker asked for their own record"),
    "benefit_case": _l("Employment-support or subsidy case work"),
}


def text_px(text: object, size: int = 12) -> int:
    """Rough width in pixels of ``text`` at ``size`` px (wide CJK characters a full em, others 0.6 em),
    so that SVG chart labels get the room they need instead of being cut."""
    import unicodedata

    return int(sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size for ch in str(text)) + 0.5)


def yuan_range(lo: object, hi: object) -> str:
    """``4,000–6,000``; one number once (``4,000``, not ``4,000–4,000``); an open end as ``≥ 4,000`` /
    ``≤ 6,000`` (no dangling dash)."""
    a, b = yuan(lo), yuan(hi)
    if a and b:
        return a if a == b else f"{a}–{b}"
    return f"≥ {a}" if a else f"≤ {b}" if b else ""


def yuan(value: object) -> str:
    """Whole yuan with thousands separators; ``""`` for None or NaN (as the ``yuan`` filter)."""
    if value is None or value != value:
        return ""
    return f"{float(value):,.0f}"


def read_wage_filter(text: str | None) -> tuple[float | None, str | None]:
    """A minimum-wage filter typed by staff, read with the engine's wage normaliser.

    ``"5千"``, ``"5,000"``, ``"５０００"``, ``"4k"`` and ``"5000元"`` all give 5000
    yuan/month (a range such as ``3000-5000`` gives its lower end; a daily
    or hourly wage is converted as the loader converts it). Returns
    ``(value, None)``, ``(None, None)`` for an empty box, or ``(None, raw
    text)`` when the text cannot be read as a wage: the caller ignores the
    filter and says so.
    """
    from matcher.normalise.wages import parse_wage

    raw = (text or "").strip()[:32]
    if not raw:
        return None, None
    p = parse_wage(raw)
    value = p.min if p.min is not None else p.max
    if value is None or "unparsed" in p.flags or "implausible" in p.flags or not (0 < value < 1e7):
        return None, raw
    return float(value), None

class VocabLabel:
    """A label of the one vocabulary (:mod:`matcher.vocab`) in the page's language.

    ``str()`` gives the Chinese label on a zh_CN page and the English one on an
    English page, so codes, districts, groups, levels and outcomes read the same
    in the web UI as in the CLI, the batch files and the report.
    """

    __slots__ = ("kind", "code")

    def __init__(self, kind: str, code: str) -> None:
        self.kind, self.code = kind, code

    def __str__(self) -> str:
        return vocab.label(self.kind, self.code, "en" if is_english() else "zh")

    def __repr__(self) -> str:
        return f"VocabLabel({self.kind!r}, {self.code!r})"


def vocab_labels(kind: str) -> dict[str, VocabLabel]:
    """Code -> :class:`VocabLabel` for every code of a vocabulary kind, in its order."""
    return {code: VocabLabel(kind, code) for code in vocab.codes(kind)}


#: Canonical districts of Panzhihua (data values, shown as stored).
DISTRICTS: tuple[str, ...] = vocab.DISTRICTS
PRIORITY_LABELS = vocab_labels("group")
EDUCATION_LABELS = tuple(vocab_labels("education").values())
DIMENSION_LABELS = vocab_labels("dimension")
OUTCOME_LABELS = vocab_labels("outcome")
LEAVE_REASON_LABELS = vocab_labels("leave_reason")
LIST_SHOWN_LABELS = vocab_labels("list_shown")
DISTANCE_LABELS = vocab_labels("relation")

STATUS_LABELS = {
    "meets": _l("Meets"), "one_short": _l("One level short"), "far_short": _l("Far short"),
    "over": _l("Above requirement"), "unknown": _l("Unknown"), "none_required": _l("Not required"),
    "below": _l("Below expectation"), "negotiable": _l("Negotiable"),
}

BATCH_ROLE_LABELS = {"seekers": _l("seekers file"), "vacancies": _l("vacancies file")}

GENDER_LABELS = {"F": _l("Female"), "M": _l("Male")}
ROLE_LABELS = {"admin": _l("Administrator"), "staff": _l("Staff")}
CHART_COLOURS = ("#2b6cb0", "#2f855a", "#c05621", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568")


def request_translations():
    """The request's translations, looked up once per request (Flask-Babel's own
    lookup walks several context proxies on every message: a page has hundreds)."""
    tr = g.get("_matcher_translations")
    if tr is None:
        tr = get_translations()
        g._matcher_translations = tr
    return tr


_LABEL_CACHE: dict[tuple[int, int], str] = {}


def label(mapping: dict, key: object) -> str:
    """The translated label for ``key``, or the key itself when unknown.

    Labels are module constants, so each is translated once per language.
    """
    if key is None:
        return ""
    value = mapping.get(str(key))
    if value is None:
        return str(key)
    cache_key = (id(request_translations()), id(value))
    text = _LABEL_CACHE.get(cache_key)
    if text is None:
        text = _LABEL_CACHE[cache_key] = str(value)
    return text


def education_label(level: object) -> str:
    """Translated label of an education level 0..6, ``""`` when unknown."""
    try:
        idx = int(level)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return str(EDUCATION_LABELS[idx]) if 0 <= idx < len(EDUCATION_LABELS) else ""


def is_english() -> bool:
    """True when the page is being rendered in English."""
    return str(get_locale() or "zh_CN").startswith("en")


def flag_message(flag: dict) -> str:
    """A compliance flag's message in the page language."""
    if is_english():
        return flag.get("message_en") or flag.get("message_zh") or flag.get("code", "")
    return flag.get("message_zh") or flag.get("message_en") or flag.get("code", "")


def _safe_next(target: str | None) -> str | None:
    """A same-site relative path, or None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def init_app(app: Flask) -> None:
    """Register the language switch, template helpers and error pages."""

    @app.post("/lang")
    def set_language():
        lang = request.form.get("lang", "")
        if lang in LANGUAGES:
            session["lang"] = lang
        return redirect(_safe_next(request.form.get("next")) or url_for("index"))

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters.update(
        mask_name=mask_name, mask_id=mask_id_number, mask_phone=mask_phone,
        seeker_name=lambda seeker, revealed=False: display_name(current_user, seeker, revealed),
        reveal_purpose=lambda code: str(REVEAL_PURPOSE_LABELS.get(code, code)),
        priority_label=lambda k: label(PRIORITY_LABELS, k),
        education_label=education_label,
        dimension_label=lambda k: label(DIMENSION_LABELS, k),
        outcome_label=lambda k: label(OUTCOME_LABELS, k),
        leave_reason_label=lambda k: label(LEAVE_REASON_LABELS, k),
        list_shown_label=lambda k: label(LIST_SHOWN_LABELS, k),
        distance_label=lambda k: label(DISTANCE_LABELS, k),
        status_label=lambda k: label(STATUS_LABELS, k),
        gender_label=lambda k: label(GENDER_LABELS, k),
        role_label=lambda k: label(ROLE_LABELS, k),
        batch_role=lambda k: label(BATCH_ROLE_LABELS, k),
        flag_message=flag_message,
        yuan=lambda v: "" if v is None or v != v else f"{float(v):,.0f}",
        yuan_range=lambda lo, hi=None: yuan_range(lo, hi),
        text_px=text_px,
    )

    def list_url(mode: str) -> str:
        """This page's URL with ``list=mode`` and its other query arguments kept."""
        args = {k: v for k, v in request.args.items() if k != "list"}
        return url_for(request.endpoint, **(request.view_args or {}), **args, list=mode)

    app.jinja_env.globals["list_url"] = list_url
    # match_view (webui.matchview) is registered by create_app: matchview imports this module

    @app.context_processor
    def inject():
        return {"LANGUAGES": LANGUAGES, "current_lang": str(get_locale() or "zh_CN"),
                "DISTRICTS": DISTRICTS, "PRIORITY_LABELS": PRIORITY_LABELS,
                "EDUCATION_LABELS": EDUCATION_LABELS, "OUTCOME_LABELS": OUTCOME_LABELS,
                "LEAVE_REASONS": vocab.LEAVE_REASONS,
                "CHART_COLOURS": CHART_COLOURS}
    # error pages: webui.errors
