"""Charts of the city report: matplotlib figures returned as embeddable ``data:image/png;base64`` URIs.

Charts are drawn from the plain tables of :mod:`matcher.report.analysis` and
:mod:`matcher.report.counterfactual`; they never compute anything new.
Chinese labels need a CJK font: :func:`cjk_font` looks for one among the
fonts matplotlib knows (Noto Sans/Serif CJK, Source Han, WenQuanYi, SimHei,
Microsoft YaHei …; on Debian install ``fonts-noto-cjk``). Without one, the
charts are labelled in English — the HTML around each image still carries
the Chinese title and caption. The Agg backend is used, so no display is
needed.
"""
from __future__ import annotations

import base64
import io
from functools import lru_cache

import numpy as np
import pandas as pd

from matcher import vocab

#: Families tried in order when looking for a font with Chinese glyphs.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC",
                "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
                "PingFang SC", "Heiti SC", "AR PL UMing CN", "Droid Sans Fallback")

CAUSE_COLOURS = {"skills": "#4e79a7", "education": "#f28e2b", "wage": "#e15759", "place": "#76b7b2",
                 "conditions": "#59a14f", "occupation": "#edc948", "several": "#b07aa1", "no_candidates": "#9c9c9c"}


def _plt():
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    return plt


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed font family with Chinese glyphs, or None."""
    from matplotlib import font_manager
    names = {f.name for f in font_manager.fontManager.ttflist}
    for fam in CJK_FAMILIES:
        if fam in names:
            return fam
    for f in font_manager.fontManager.ttflist:
        if any(k in f.name for k in ("CJK", "Hei", "Song", "Ming", "Kai")):
            return f.name
    # installed after matplotlib built its font cache: register the files directly
    for path in sorted(font_manager.findSystemFonts()):
        low = path.lower()
        if any(k in low for k in ("notosanscjk", "notoserifcjk", "sourcehan", "wqy", "simhei", "msyh",
                                  "droidsansfallback")):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    for fam in CJK_FAMILIES:
        if fam in names:
            return fam
    return None


def chart_language(lang: str) -> str:
    """``"zh"`` when Chinese was asked for (``zh`` or ``both``) and a CJK font exists, else ``"en"``."""
    return "zh" if lang in ("zh", "both") and cjk_font() else "en"


def _setup(lang: str):
    plt = _plt()
    fam = cjk_font() if lang == "zh" else None
    rc = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "axes.unicode_minus": False}
    if fam:
        rc["font.family"] = [fam, "DejaVu Sans"]
    return plt, rc


def _uri(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    _plt().close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _label(name: str, code: str, lang: str) -> str:
    return f"{name} {code[:7]}" if lang == "zh" else code[:7]


def supply_demand_chart(sd: pd.DataFrame, lang: str, top: int = 15) -> str | None:
    """Horizontal bars per minor group: openings vs seekers wanting / able. None when empty."""
    from matcher.report.analysis import UNKNOWN_GROUP
    d = sd[(sd["openings"] > 0) & (sd["group"] != UNKNOWN_GROUP)].head(top).iloc[::-1]
    if d.empty:
        return None
    plt, rc = _setup(lang)
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(d) + 1.2))
        y = np.arange(len(d))
        h = 0.27
        zh = lang == "zh"
        ax.barh(y + h, d["openings"], h, label="招聘人数" if zh else "openings", color="#e15759")
        ax.barh(y, d["seekers_wanting"], h, label="意向求职者" if zh else "seekers wanting", color="#4e79a7")
        ax.barh(y - h, d["seekers_able"], h, label="有经验求职者" if zh else "seekers with experience",
                color="#a0cbe8")
        ax.set_yticks(y, [_label(n, g, lang) for n, g in zip(d["name"], d["group"])])
        ax.set_xlabel("人数" if zh else "people")
        ax.legend(loc="lower right", frameon=False)
        return _uri(fig)


def causes_chart(post_counts: pd.DataFrame, by_group: pd.DataFrame, lang: str) -> str | None:
    """Left: binding causes of unfilled posts; right: of unmatched seekers, stacked per priority group."""
    if post_counts["count"].sum() == 0 and (by_group.empty or by_group["seekers"].sum() == 0):
        return None
    plt, rc = _setup(lang)
    zh = lang == "zh"
    names = dict(zip(post_counts["cause"], post_counts["name_zh" if zh else "name_en"]))
    with plt.rc_context(rc):
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1, 1.4]})
        pc = post_counts[post_counts["count"] > 0]
        a1.barh([names[c] for c in pc["cause"]][::-1], pc["count"].to_numpy()[::-1],
                color=[CAUSE_COLOURS[c] for c in pc["cause"]][::-1])
        a1.set_title("岗位空缺的主要原因（岗位数）" if zh else "Why posts go unfilled (posts)")
        causes = [c for c in post_counts["cause"] if c in by_group.columns and by_group[c].sum() > 0]
        g = by_group[by_group["seekers"] > 0]
        if len(g) and causes:
            lab = {"all": "全部" if zh else "all", "none": "非重点群体" if zh else "no group"}
            ylab = [lab.get(x) or vocab.label("group", x, lang) for x in g["group"]]
            share = g[causes].div(g["seekers"].replace(0, 1), axis=0).to_numpy()
            left = np.zeros(len(g))
            for j, c in enumerate(causes):
                a2.barh(ylab[::-1], share[::-1, j], left=left[::-1], color=CAUSE_COLOURS[c], label=names[c])
                left = left + share[:, j]
            a2.set_xlim(0, 1)
            a2.set_xlabel("占未匹配求职者比例" if zh else "share of unmatched seekers")
            a2.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3)
        a2.set_title("求职者未匹配的主要原因" if zh else "Why seekers stay unmatched")
        return _uri(fig)


def wage_chart(samples: dict[str, dict[str, np.ndarray]], names: dict[str, str], lang: str,
               minimum_wage: float) -> str | None:
    """Box plots of offered vs expected monthly wages per minor group, with the minimum wage line."""
    groups = [g for g, d in samples.items() if len(d["offer"]) and len(d["expect"])]
    if not groups:
        return None
    plt, rc = _setup(lang)
    zh = lang == "zh"
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(groups) + 1.3))
        pos = np.arange(len(groups))[::-1] * 1.0
        import matplotlib
        horizontal = ({"orientation": "horizontal"} if tuple(int(x) for x in matplotlib.__version__.split(".")[:2])
                      >= (3, 10) else {"vert": False})
        kw = dict(widths=0.32, showfliers=False, patch_artist=True, **horizontal)
        b1 = ax.boxplot([samples[g]["offer"] for g in groups], positions=pos + 0.18, **kw)
        b2 = ax.boxplot([samples[g]["expect"] for g in groups], positions=pos - 0.18, **kw)
        for b, col in ((b1, "#e15759"), (b2, "#4e79a7")):
            for p in b["boxes"]:
                p.set_facecolor(col)
                p.set_alpha(0.6)
        ax.axvline(minimum_wage, color="#555", ls="--", lw=1)
        ax.set_yticks(pos, [_label(names.get(g, g), g, lang) for g in groups])
        ax.set_xlabel("元/月" if zh else "yuan per month")
        ax.legend([b1["boxes"][0], b2["boxes"][0]],
                  ["岗位薪资（上限）" if zh else "offered (top of range)",
                   "求职者期望（下限）" if zh else "expected (bottom of range)"], frameon=False, loc="lower right")
        return _uri(fig)


def course_chart(impact: pd.DataFrame, lang: str, top: int = 12) -> str | None:
    """Stacked bars: unmatched seekers each course would turn into matched ones, by priority group."""
    if impact.empty:
        return None
    allr = impact[impact["group"] == "all"]
    allr = allr[allr["seekers_unlocked"] > 0].head(top)
    if allr.empty:
        return None
    plt, rc = _setup(lang)
    zh = lang == "zh"
    groups = [g for g in ("4045", "rural_migrant", "graduate", "zero_employment_family", "none")]
    colours = ["#e15759", "#f28e2b", "#4e79a7", "#b07aa1", "#bab0ac"]
    courses = allr["course"].tolist()[::-1]
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(courses) + 1.2))
        total = allr.set_index("course")["seekers_unlocked"].reindex(courses).to_numpy()
        left = np.zeros(len(courses))
        for g, col in zip(groups, colours):
            v = impact[impact["group"] == g].set_index("course")["seekers_unlocked"].reindex(courses).fillna(0)
            lab = ("非重点群体" if zh else "no group") if g == "none" else vocab.label("group", g, lang)
            ax.barh(courses if zh else [_ascii(c) for c in courses], v.to_numpy(), left=left, color=col, label=lab)
            left = left + v.to_numpy()
        rest = total - left
        if (rest > 0).any():
            ax.barh(courses if zh else [_ascii(c) for c in courses], rest, left=left, color="#dddddd",
                    label="其他群体" if zh else "other groups")
        ax.set_xlabel("培训后可获得匹配的未匹配求职者（人）" if zh else "unmatched seekers who would get a good match")
        ax.legend(fontsize=7, frameon=False, loc="lower right")
        return _uri(fig)


def _ascii(course: str) -> str:
    """A course label drawable without a CJK font: its lexicon skill id's course index."""
    from matcher.skills.lexicon import load_lexicon
    lex = load_lexicon()
    for sid in lex.ids:
        if lex.course.get(sid) == course:
            return lex.name_en.get(sid) or sid
    return course.encode("ascii", "replace").decode()


__all__ = ["cjk_font", "chart_language", "supply_demand_chart", "causes_chart", "wage_chart", "course_chart"]
