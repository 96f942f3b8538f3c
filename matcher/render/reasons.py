"""Reason records as text, in Chinese (``zh``) or English (``en``).

The core returns reason *records* (a code plus parameters, tabled in
:mod:`matcher.core.reasons`); every face — ``matcher match``, the web pages,
the nightly batch's ``reason`` column and the report — renders them here,
so the same record reads the same everywhere. Item names from the data
(skills, titles, courses) are shown as the data wrote them; vocabulary
values (dimensions, priority groups, education levels, districts, distance
relations) are translated by :func:`labels`.

::

    render_reason({"code": "wage_below", "dim": "wage", "gap_yuan": 520}, "en")
    # 'Pay 520 yuan/month below the expectation'
    render_reasons(match["reasons"], "zh")      # {"fits": [str], "gaps": [str], "fixes": [str]}
    render_summary(match["verdicts"], "zh")     # '优势：技能、学历；不足：薪资'  (the batch column)

An unknown code renders as the code and its parameters (never an error),
so an older renderer still shows a newer record.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Mapping

from matcher import vocab

LANGS = ("zh", "en")


@lru_cache(maxsize=None)
def labels(lang: str) -> dict[str, dict[str, str]]:
    """Vocabulary labels in ``lang``: ``dims``, ``groups``, ``levels``, ``districts``, ``relations``.

    All come from :mod:`matcher.vocab` (the one vocabulary); English labels
    other than place names start in lower case because reasons use them
    mid-sentence.
    """

    _check(lang)

    def table(kind: str) -> dict[str, str]:
        out = vocab.labels(kind, lang)
        if lang == "en" and kind != "district":
            out = {k: v[:1].lower() + v[1:] for k, v in out.items()}
        return out

    levels = table("education")
    return {
        "dims": table("dimension"),
        "groups": table("group"),
        "levels": {vocab.EDUCATION_LEVELS[int(i)]: t for i, t in levels.items()},
        "districts": table("district"),
        "relations": table("relation"),
    }


def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")


def _n(x: Any) -> str:
    """A whole number of yuan, ``?`` when unknown."""
    if x is None:
        return "?"
    try:
        return f"{float(x):.0f}"
    except (TypeError, ValueError):
        return str(x)


def yuan(x: Any) -> str:
    """A whole number of yuan with thousands separators (``4,000``), ``?`` when unknown."""
    if x is None:
        return "?"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    return "?" if v != v else f"{v:,.0f}"


def yuan_range(lo: Any, hi: Any) -> str:
    """A wage range: ``2,900–6,000``; one number once (``4,000``, not ``4,000–4,000``) when the ends are equal
    or only one is known; ``?`` when neither is."""
    a, b = yuan(lo), yuan(hi)
    if a == "?" or b == "?" or a == b:
        return b if a == "?" else a
    return f"{a}–{b}"


def _ends(r: Mapping[str, Any]) -> tuple[float | None, float | None]:
    def num(x: Any) -> float | None:
        try:
            v = float(x)
        except (TypeError, ValueError):
            return None
        return None if v != v else v
    lo, hi = num(r.get("offered_min")), num(r.get("offered_max"))
    return (lo if lo is not None else hi), (hi if hi is not None else lo)


def wage_comparison(r: Mapping[str, Any], lang: str = "zh") -> str:
    """The offered range against the expectation, each end compared on its own, never overstated:
    ``2,900–6,000（期望 4,000）：底薪低 1,100，上限高 2,000`` / ``2,900–6,000 vs expected 4,000: base 1,100
    below, top 2,000 above``; a single number once: ``4,000（期望 4,500）：低 500``. (The Chinese text uses no
    Latin word, so the Chinese UI shows no English.)"""
    _check(lang)
    lo, hi = _ends(r)
    exp = r.get("expected")
    rng = yuan_range(r.get("offered_min"), r.get("offered_max"))
    head = f"{rng}（期望 {yuan(exp)}）" if lang == "zh" else f"{rng} vs expected {yuan(exp)}"
    if lo is None or exp is None:
        return head

    def part(name_zh: str, name_en: str, value: float) -> str:
        d = round(value - float(exp))
        if lang == "zh":
            return f"{name_zh}{'持平' if d == 0 else ('高 ' if d > 0 else '低 ') + f'{abs(d):,}'}"
        word = "equal" if d == 0 else (f"{abs(d):,} above" if d > 0 else f"{abs(d):,} below")
        return f"{name_en}{word}" if not name_en else f"{name_en} {word}"

    if hi is None or round(hi) == round(lo):
        parts = [part("", "", lo)]
    else:
        parts = [part("底薪", "base", lo), part("上限", "top", hi)]
    return head + ("：" + "，".join(parts) if lang == "zh" else ": " + ", ".join(parts))


def _wage_text(r: Mapping[str, Any], lang: str, old: Callable[[Mapping[str, Any]], str]) -> str:
    """A wage record's text: the range against the expectation when the record carries them (else ``old``)."""
    if "offered_min" not in r and "offered_max" not in r:
        return old(r)
    return ("薪资 " if lang == "zh" else "Pay ") + wage_comparison(r, lang)


def _f2(x: Any) -> str:
    try:
        return f"{float(x):.2f}"
    except (TypeError, ValueError):
        return "?"


def _lab(table: str, value: Any, lang: str) -> str:
    if value is None:
        return "?"
    return labels(lang)[table].get(str(value), str(value))


Template = Callable[[Mapping[str, Any], str], str]


def _lower_first(text: str) -> str:
    """A sentence-case vocabulary label used mid-sentence."""
    return text[:1].lower() + text[1:]

def _stay_zh(r: Mapping[str, Any]) -> str:
    """``outcome_stay``: the similar job spells' 180-day share (``basis`` occupation / conditions), or the
    model's estimate when there are too few similar spells (``basis`` model); records without ``basis``
    (older) read as before."""
    share, n, basis = _n(r.get("share")), r.get("n_similar"), r.get("basis")
    if basis == "model":
        return (f"类似的就业记录不足 {_n(r.get('min_similar'))} 段，模型估计此岗位 180 天仍在岗约 {share}%")
    if basis not in ("occupation", "conditions"):
        return f"在类似岗位，条件相近的求职者 180 天仍在岗约 {share}%" + (f"（依据 {n} 段就业记录）" if n else "")
    gaps = [vocab.label("stay_gap", g, "zh") for g in r.get("gaps") or []]
    who = ("同样" + "、".join(gaps) if gaps else "薪资、通勤、倒班、保险均无差距") + "的求职者"
    where = (f"在同类岗位（{r.get('group_name') or r.get('group')}）" if basis == "occupation" else "在各类岗位中")
    return f"{where}，{who} 180 天仍在岗约 {share}%（依据 {_n(n)} 段就业记录）"


def _stay_en(r: Mapping[str, Any]) -> str:
    share, n, basis = _n(r.get("share")), r.get("n_similar"), r.get("basis")
    if basis == "model":
        return (f"Fewer than {_n(r.get('min_similar'))} similar recorded jobs: the model estimates about {share}% "
                "still in the job after 180 days")
    if basis not in ("occupation", "conditions"):
        return (f"In similar posts, seekers in a similar position were still in the job after 180 days in about "
                f"{share}% of cases" + (f" (from {n} recorded jobs)" if n else ""))
    gaps = [_lower_first(vocab.label("stay_gap", g, "en")) for g in r.get("gaps") or []]
    who = ("seekers with " + _and(gaps) if gaps
           else "seekers with no gap in pay, commute, shifts or insurance")
    where = (f"In posts of the same occupation group ({r.get('group')})" if basis == "occupation"
             else "Across all posts")
    return f"{where}, {who} were still in the job after 180 days in about {share}% of cases (from {_n(n)} recorded jobs)"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------- Chinese
_ZH: dict[str, Template] = {
    "skills_matched": lambda r, L: "技能对口：" + "、".join(
        str(x.get("skill")) + ("" if not x.get("matched_by") or x.get("matched_by") == x.get("skill")
                               else f"（{x['matched_by']}）") for x in r.get("items") or []),
    "skills_preferred": lambda r, L: "具备优先技能：" + "、".join(map(str, r.get("skills") or [])),
    "occupation_title": lambda r, L: f"经历/意向相近：{r.get('title')}",
    "occupation_text": lambda r, L: "简介与技能描述和岗位相近",
    "education_none_required": lambda r, L: "无学历要求",
    "education_meets": lambda r, L: f"学历符合：要求{_lab('levels', r.get('required'), L)}，"
                                    f"本人{_lab('levels', r.get('have'), L)}",
    "wage_meets": lambda r, L: _wage_text(r, L, lambda r: f"薪资{_n(r.get('offered'))}元/月，达到期望"
                                                         f"{_n(r.get('expected'))}元/月"),
    "wage_close": lambda r, L: _wage_text(r, L, lambda r: f"薪资接近期望（低{_n(r.get('gap_yuan'))}元/月）"),
    "place_same": lambda r, L: f"同区县（{_lab('districts', r.get('district'), L)}）",
    "place_adjacent": lambda r, L: f"邻近区县（{_lab('districts', r.get('district'), L)}）",
    "lodging": lambda r, L: "提供包吃住",
    "shift_accepted": lambda r, L: "接受倒班",
    "insurance": lambda r, L: "缴纳五险",
    "priority_boost": lambda r, L: "公益性岗位优先安置（" + "、".join(
        _lab("groups", g, L) for g in r.get("groups") or []) + f"）：+{_f2(r.get('boost'))}",
    "fair_promoted": lambda r, L: "按重点群体最低比例规则提前",
    "dim_fit": lambda r, L: f"{_lab('dims', r.get('dim'), L)}相符",
    "permit_missing": lambda r, L: f"缺少上岗证书：{r.get('permit')}（须持证上岗，技能不能代替" + (
        f"；培训课程：{r['course']}" if r.get("course") else "") + "）",
    "skill_missing": lambda r, L: f"缺少：{r.get('skill')}" + (f"（培训课程：{r['course']}）" if r.get("course") else ""),
    "education_one_short": lambda r, L: f"学历差一级：要求{_lab('levels', r.get('required'), L)}，"
                                        f"本人{_lab('levels', r.get('have'), L)}",
    "education_far_short": lambda r, L: f"学历差{r.get('levels')}级：要求{_lab('levels', r.get('required'), L)}，"
                                        f"本人{_lab('levels', r.get('have'), L)}",
    "education_unknown": lambda r, L: f"学历未登记（岗位要求{_lab('levels', r.get('required'), L)}）",
    "wage_below": lambda r, L: _wage_text(r, L, lambda r: f"薪资比期望低{_n(r.get('gap_yuan'))}元/月"),
    "wage_negotiable": lambda r, L: "薪资面议，需确认",
    "wage_below_minimum": lambda r, L: f"薪资低于当地最低工资{_n(r.get('minimum'))}元/月",
    "place_far": lambda r, L: f"距离较远：岗位在{_lab('districts', r.get('district'), L)}"
                              f"（{_lab('relations', r.get('relation'), L)}）",
    "shift_conflict": lambda r, L: "岗位需倒班，本人不接受倒班",
    "no_insurance": lambda r, L: "不缴纳五险",
    "dim_gap": lambda r, L: f"{_lab('dims', r.get('dim'), L)}差距较大",
    "skill_learn": lambda r, L: f"补充技能：{r.get('skill')}",
    "education_up": lambda r, L: f"提升一级学历（{_lab('levels', r.get('level'), L)}）或请用人单位放宽学历要求",
    "education_record": lambda r, L: "补登学历信息",
    "wage_talk": lambda r, L: f"与求职者沟通薪资期望（相差{_n(r.get('gap_yuan'))}元/月）或与用人单位协商",
    "lodging_ask": lambda r, L: "询问用人单位能否提供住宿，或推荐意向区县内的岗位",
    "shift_talk": lambda r, L: "与求职者沟通倒班安排",
    "course": lambda r, L: f"参加培训：{r.get('course')}（补{r.get('skill')}），本岗位得分可达{_f2(r.get('score_after'))}",
    # outcome model (matcher.outcomes.rank)
    "outcome_stay": lambda r, L: _stay_zh(r),
    "outcome_risk": lambda r, L: "离职风险：" + vocab.label("outcome_risk", r.get("risk"), "zh"),
}

# --------------------------------------------------------------- English
_EN: dict[str, Template] = {
    "skills_matched": lambda r, L: "Skills covered: " + ", ".join(
        str(x.get("skill")) + ("" if not x.get("matched_by") or x.get("matched_by") == x.get("skill")
                               else f" (by {x['matched_by']})") for x in r.get("items") or []),
    "skills_preferred": lambda r, L: "Has preferred skills: " + ", ".join(map(str, r.get("skills") or [])),
    "occupation_title": lambda r, L: f"Related experience or wished-for job: {r.get('title')}",
    "occupation_text": lambda r, L: "Profile and skills read close to the post",
    "education_none_required": lambda r, L: "No education requirement",
    "education_meets": lambda r, L: f"Education meets the requirement: {_lab('levels', r.get('required'), L)} "
                                    f"required, has {_lab('levels', r.get('have'), L)}",
    "wage_meets": lambda r, L: _wage_text(r, L, lambda r: f"Pays {_n(r.get('offered'))} yuan/month, meeting the "
                                                         f"expected {_n(r.get('expected'))} yuan/month"),
    "wage_close": lambda r, L: _wage_text(r, L, lambda r: f"Pay close to the expectation ({_n(r.get('gap_yuan'))} "
                                                         "yuan/month below)"),
    "place_same": lambda r, L: f"Same district ({_lab('districts', r.get('district'), L)})",
    "place_adjacent": lambda r, L: f"Neighbouring district ({_lab('districts', r.get('district'), L)})",
    "lodging": lambda r, L: "Board and lodging provided",
    "shift_accepted": lambda r, L: "Accepts shift work",
    "insurance": lambda r, L: "Social insurance paid",
    "priority_boost": lambda r, L: "Public-welfare post, priority placement (" + ", ".join(
        _lab("groups", g, L) for g in r.get("groups") or []) + f"): +{_f2(r.get('boost'))}",
    "fair_promoted": lambda r, L: "Moved up by the minimum-share rule for priority groups",
    "dim_fit": lambda r, L: f"Good fit on {_lab('dims', r.get('dim'), L)}",
    "permit_missing": lambda r, L: f"Required certificate missing: {r.get('permit')} (the post requires it; "
                                   "a skill does not replace it" + (
        f"; course: {r['course']}" if r.get("course") else "") + ")",
    "skill_missing": lambda r, L: f"Missing skill: {r.get('skill')}" + (
        f" (course: {r['course']})" if r.get("course") else ""),
    "education_one_short": lambda r, L: f"Education one level short: {_lab('levels', r.get('required'), L)} "
                                        f"required, has {_lab('levels', r.get('have'), L)}",
    "education_far_short": lambda r, L: f"Education {r.get('levels')} levels short: "
                                        f"{_lab('levels', r.get('required'), L)} required, "
                                        f"has {_lab('levels', r.get('have'), L)}",
    "education_unknown": lambda r, L: f"Education not recorded ({_lab('levels', r.get('required'), L)} required)",
    "wage_below": lambda r, L: _wage_text(r, L, lambda r: f"Pay {_n(r.get('gap_yuan'))} yuan/month below the "
                                                         "expectation"),
    "wage_negotiable": lambda r, L: "Pay negotiable, to be confirmed",
    "wage_below_minimum": lambda r, L: f"Pay below the local minimum wage of {_n(r.get('minimum'))} yuan/month",
    "place_far": lambda r, L: f"Far away: the post is in {_lab('districts', r.get('district'), L)} "
                              f"({_lab('relations', r.get('relation'), L)})",
    "shift_conflict": lambda r, L: "The post has shifts and the seeker does not accept shift work",
    "no_insurance": lambda r, L: "No social insurance",
    "dim_gap": lambda r, L: f"Weak match on {_lab('dims', r.get('dim'), L)}",
    "skill_learn": lambda r, L: f"Learn the skill: {r.get('skill')}",
    "education_up": lambda r, L: f"Gain one education level ({_lab('levels', r.get('level'), L)}) "
                                 "or ask the employer to relax the requirement",
    "education_record": lambda r, L: "Record the seeker's education",
    "wage_talk": lambda r, L: f"Talk with the seeker about the expected pay ({_n(r.get('gap_yuan'))} yuan/month apart) "
                              "or negotiate with the employer",
    "lodging_ask": lambda r, L: "Ask the employer about lodging, or suggest posts in the preferred districts",
    "shift_talk": lambda r, L: "Talk with the seeker about the shift arrangements",
    "course": lambda r, L: f"Take the {r.get('course')} course (for {r.get('skill')}): this post would score "
                           f"{_f2(r.get('score_after'))}",
    "outcome_stay": lambda r, L: _stay_en(r),
    "outcome_risk": lambda r, L: "Risk of leaving early: " + _lower_first(vocab.label("outcome_risk", r.get("risk"), "en")),
}

TEMPLATES: dict[str, dict[str, Template]] = {"zh": _ZH, "en": _EN}


def render_reason(rec: Mapping[str, Any] | str, lang: str = "zh") -> str:
    """One reason record as a sentence in ``lang`` (``zh`` or ``en``).

    A plain string (an already rendered reason) is returned unchanged.
    """
    _check(lang)
    if isinstance(rec, str):
        return rec
    code = str(rec.get("code", ""))
    tpl = TEMPLATES[lang].get(code)
    if tpl is None:
        params = ", ".join(f"{k}={v}" for k, v in rec.items() if k not in ("code", "dim"))
        return f"{code} ({params})" if params else code
    return tpl(rec, lang)


def render_reasons(reasons: Mapping[str, Any] | None, lang: str = "zh") -> dict[str, list[str]]:
    """``{"fits": [str], "gaps": [str], "fixes": [str]}`` from a match's ``reasons`` records (blockers first)."""
    return {key: [x["text"] for x in items] for key, items in render_reason_items(reasons, lang).items()}


def render_reason_items(reasons: Mapping[str, Any] | None, lang: str = "zh") -> dict[str, list[dict[str, Any]]]:
    """Like :func:`render_reasons`, each reason as ``{"text", "code", "severity"}`` so a face can style it:
    ``severity`` is ``"blocker"`` for a record the seeker cannot take the post without (a missing required
    permit; shown first and in red), else None. Blockers come first in their list; the order is otherwise kept."""
    reasons = reasons or {}
    out: dict[str, list[dict[str, Any]]] = {}
    for key in ("fits", "gaps", "fixes"):
        items = []
        for r in reasons.get(key) or []:
            # records are plain dicts; the abstract Mapping check (slow) only for other mappings
            is_record = type(r) is dict or (not isinstance(r, str) and isinstance(r, Mapping))
            items.append({"text": render_reason(r, lang), "code": r.get("code") if is_record else None,
                          "severity": r.get("severity") if is_record else None})
        out[key] = sorted(items, key=_not_blocker) if any(x["severity"] == "blocker" for x in items) else items
    return out


def _not_blocker(item: Mapping[str, Any]) -> bool:
    return item["severity"] != "blocker"


def render_summary(verdicts: Mapping[str, Any] | None, lang: str = "zh") -> str:
    """The one-line summary of a pair's verdicts — the nightly batch's ``reason`` column.

    ``优势：技能、学历；不足：薪资；优先政策加分`` /
    ``Fits: skills, education; gaps: wage; priority boost``.
    """
    _check(lang)
    v = verdicts or {}
    dims = labels(lang)["dims"]
    fit = [dims.get(d, d) for d in v.get("fit") or []]
    gap = [dims.get(d, d) for d in v.get("gap") or []]
    parts = []
    if lang == "zh":
        if fit:
            parts.append("优势：" + "、".join(fit))
        if gap:
            parts.append("不足：" + "、".join(gap))
        if v.get("priority"):
            parts.append("优先政策加分")
        return "；".join(parts)
    if fit:
        parts.append("fits: " + ", ".join(fit))
    if gap:
        parts.append("gaps: " + ", ".join(gap))
    if v.get("priority"):
        parts.append("priority boost")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def parse_summary(text: str, lang: str = "zh") -> dict[str, Any] | None:
    """The verdicts back from a :func:`render_summary` line (e.g. a batch file's ``reason``), or None.

    Lets a face show a stored batch line in another language. Returns None
    when ``text`` is not a summary line of ``lang``.
    """
    _check(lang)
    by_label = {v: k for k, v in labels(lang)["dims"].items()}
    zh = lang == "zh"
    out: dict[str, Any] = {"fit": [], "gap": [], "priority": False}
    text = (text or "").strip()
    if not text:
        return out
    heads = {"优势": "fit", "不足": "gap"} if zh else {"fits": "fit", "gaps": "gap"}
    boost = "优先政策加分" if zh else "priority boost"
    for part in text.split("；" if zh else "; "):
        if part.lower() == boost:
            out["priority"] = True
            continue
        head, _sep, rest = part.partition("：" if zh else ": ")
        key = heads.get(head.lower())
        dims = [by_label.get(x) for x in rest.split("、" if zh else ", ")] if rest else [None]
        if key is None or None in dims:
            return None
        out[key] = dims
    return out if render_summary(out, lang) == text else None


__all__ = ["LANGS", "labels", "render_reason", "render_reasons", "render_reason_items", "render_summary",
           "parse_summary", "TEMPLATES",
           "yuan", "yuan_range", "wage_comparison"]
