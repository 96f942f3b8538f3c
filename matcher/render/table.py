"""The ``matcher match`` ranked list as a text table, in Chinese or English."""
from __future__ import annotations

from typing import Any

from matcher.core.settings import DIMENSIONS
from matcher.render.reasons import _check, labels, render_reasons

_STATUS = {
    "zh": {"meets": "符合", "one_short": "差一级", "far_short": "差距大", "over": "高于要求", "unknown": "未知",
           "none_required": "不限", "below": "低于期望", "negotiable": "面议"},
    "en": {"meets": "meets", "one_short": "one level short", "far_short": "far short", "over": "above requirement",
           "unknown": "unknown", "none_required": "not required", "below": "below expectation",
           "negotiable": "negotiable"},
}
_WORDS = {
    "zh": {"id": "编号 id", "score": "得分", "education": "学历", "wage": "薪资", "place": "地点", "lodging": "包吃住",
           "yes": "是", "no": "否", "unknown": "未知", "fits": "符合", "gaps": "差距", "fixes": "建议",
           "gap": "（差额{gap:+.0f}元/月）", "sep": "：", "join": "；"},
    "en": {"id": "id", "score": "score", "education": "education", "wage": "wage", "place": "place",
           "lodging": "board & lodging", "yes": "yes", "no": "no", "unknown": "unknown", "fits": "fits",
           "gaps": "gaps", "fixes": "would help", "gap": " ({gap:+.0f} yuan/month)", "sep": ": ", "join": "; "},
}
#: Short column heads of the contribution columns.
_HEADS = {"zh": {"skills": "技能", "occupation": "经历/职业", "education": "学历", "wage": "薪资", "place": "地点",
                 "conditions": "工作条件", "priority": "优先政策", "outcome": "稳定就业"},
          "en": {"skills": "skill", "occupation": "occup", "education": "edu", "wage": "wage", "place": "place",
                 "conditions": "cond", "priority": "prio", "outcome": "stay"}}


def _short(text: object, n: int) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def format_table(matches: list[dict[str, Any]], by: str, titles: dict[str, str], lang: str = "zh") -> str:
    """The ranked list as text: one header line per match, then its facts and rendered reasons.

    ``matches`` are ``Match.to_dict()`` records; ``by`` is ``seeker`` (the
    list ranks posts) or ``vacancy``; ``titles`` maps the ranked ids to a
    short label. Compliance flags are shown in the chosen language.
    """
    _check(lang)
    W, S = _WORDS[lang], _STATUS[lang]
    rel = labels(lang)["relations"]
    dims = [*DIMENSIONS, "priority"]
    if any("outcome" in (m.get("contributions") or {}) for m in matches):   # an outcome model is in use
        dims.append("outcome")
    head = f"{'#':>3}  {W['id']:<14} {W['score']:>6}  " + " ".join(f"{_HEADS[lang][d]:>5}" for d in dims)
    lines = [head, "-" * len(head.encode("gbk", "replace"))]
    for m in matches:
        other = m["vacancy_id"] if by == "seeker" else m["seeker_id"]
        contrib = " ".join(f"{m['contributions'].get(d, 0.0):>6.3f}" for d in dims)
        label = f"  {_short(titles.get(other, ''), 24)}" if titles.get(other) else ""
        lines.append(f"{m['rank']:>3}  {_short(other, 14):<14} {m['score']:>6.3f}  {contrib}{label}")
        edu, wage = m["education"], m["wage"]
        gap = "" if wage["gap"] is None else W["gap"].format(gap=wage["gap"])
        lodging = W["yes"] if m["lodging"] else (W["no"] if m["lodging"] is False else W["unknown"])
        lines.append(f"     {W['education']}:{S.get(edu['status'], edu['status'])}  "
                     f"{W['wage']}:{S.get(wage['status'], wage['status'])}{gap}"
                     f"  {W['place']}:{rel.get(m['distance'], m['distance'])}  {W['lodging']}:{lodging}")
        texts = render_reasons(m.get("reasons"), lang)
        for key in ("fits", "gaps", "fixes"):
            if texts[key]:
                lines.append(f"     {W[key]}{W['sep']}" + W["join"].join(texts[key]))
        for f in m.get("flags") or []:
            lines.append(f"     ⚠ {f.get('message_' + lang) or f.get('message_zh') or f.get('code')}")
    return "\n".join(lines)


__all__ = ["format_table"]
