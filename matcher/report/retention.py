"""The report's "unstable re-employment / 就业不稳定" section: how long placed people stay, and why they leave.

Input: the outcome event log (``--outcomes``, :func:`matcher.io.loader.load_outcomes`)
turned into job spells by :func:`matcher.outcomes.events.job_spells` (a spell
runs from ``hired`` to ``left``; a spell still running is right-censored at
the extraction date — it counts as at risk until then, never as a stay or a
departure).

Retention is the **Kaplan–Meier** product-limit estimate
``S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)`` (``d_i`` departures on day ``t_i``,
``n_i`` spells still at risk that day), with Greenwood's standard error; our
own ten lines (:func:`kaplan_meier`) rather than a dependency — lifelines is
not in the environment and the estimator is textbook. It is reported at 30,
90 and 180 days (the follow-up call schedule) by priority group, sector (the
occupation middle group of the post: its given CSCO code or the one the
matcher coded from its title), employer and post. Estimates resting on fewer
than :data:`MIN_SPELLS` spells are shown but flagged, and ``S(180)`` is blank
("—") when no spell was followed that long.

Then: the posts people leave quickly (lowest ``S(90)`` with at least
:data:`MIN_SPELLS` hires) with the reasons leavers gave, and **what staff can
negotiate**: for each lever (wage up to the hire's expectation, no shift work
the person refuses, social insurance) the 180-day retention of hires who had
the problem against those who did not — a plain comparison of groups, not a
causal estimate — and, per quick-leaving post, the levers that apply to it.

Pure: frames in, plain data out; :func:`render_html` gives the section as
HTML (Chinese and English spans, as the rest of the report).
"""
from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from matcher.outcomes.events import job_spells

#: estimates from fewer spells are flagged
MIN_SPELLS = 5
#: days at which retention is reported
DAYS = (30, 90, 180)
#: a post whose early leavers name one reason at least this often gets that lever
REASON_SHARE = 0.25
#: rows per table in the HTML
MAX_ROWS = 25


def kaplan_meier(duration: np.ndarray, left: np.ndarray, at: tuple[int, ...] = DAYS) -> dict[str, Any]:
    """Kaplan–Meier retention at ``at`` days with Greenwood standard errors.

    ``duration``: days from hire to departure or censoring; ``left``: True for
    a departure, False for a censored spell. Returns ``{"n", "left",
    "censored", "S": {t: value or NaN}, "se": {t: ...}, "followed": {t:
    spells still observed at t}}``; ``S(t)`` is NaN when no spell was observed
    up to ``t`` (the estimate would be an extrapolation).
    """
    d = np.asarray(duration, float)
    e = np.asarray(left, bool)
    out: dict[str, Any] = {"n": int(len(d)), "left": int(e.sum()), "censored": int((~e).sum()),
                           "S": {}, "se": {}, "followed": {}}
    times = np.unique(d[e])
    s, g = 1.0, 0.0
    curve = []
    for t in times:
        n_risk = int((d >= t).sum())
        k = int(((d == t) & e).sum())
        if n_risk:
            s *= 1 - k / n_risk
            if n_risk > k:
                g += k / (n_risk * (n_risk - k))
        curve.append((t, s, g))
    for t in at:
        sv, gv = 1.0, 0.0
        for tt, ss, gg in curve:
            if tt > t:
                break
            sv, gv = ss, gg
        followed = int((d >= t).sum())
        ok = len(d) > 0 and (followed > 0 or (len(curve) and sv == 0.0))
        out["S"][t] = float(sv) if ok else float("nan")
        out["se"][t] = float(sv * np.sqrt(gv)) if ok else float("nan")
        out["followed"][t] = followed
    return out


def _row(key: str, name: str, spells: pd.DataFrame) -> dict[str, Any]:
    km = kaplan_meier(spells["duration"].to_numpy(), spells["left"].to_numpy())
    early = spells["left"] & (spells["duration"] < 90)
    return {"key": key, "name": name, "hires": km["n"], "left": km["left"], "still_employed": km["censored"],
            **{f"stay_{t}": km["S"][t] for t in DAYS}, "se_180": km["se"][180],
            "left_within_90": int(early.sum()), "few": km["n"] < MIN_SPELLS}


def _table(spells: pd.DataFrame, col: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    rows = [_row(str(k), (names or {}).get(str(k), str(k)), g) for k, g in spells.groupby(col, sort=True)]
    df = pd.DataFrame(rows)
    if len(df) == 0:
        return df
    return df.sort_values(["few", "stay_90", "hires"], ascending=[True, True, False], kind="stable").reset_index(drop=True)


def _sector_names(matcher: Any, vacancies: pd.DataFrame) -> dict[str, str]:
    """vacancy_id -> occupation middle group (code and name), '' when unknown."""
    codes: dict[str, str] = {}
    if matcher is not None and hasattr(matcher, "features_"):
        F = matcher.features_
        lst = list(F.vacancy_code_list)
        for vid, ci in zip(F.vacancy_ids, np.asarray(F.vacancy_code)):
            codes[str(vid)] = lst[ci] if 0 <= ci < len(lst) else ""
    elif "csco_code" in vacancies.columns:
        codes = dict(zip(vacancies["vacancy_id"].astype(str), vacancies["csco_code"].fillna("").astype(str)))
    try:
        from matcher.occupations.taxonomy import load_taxonomy
        tax = load_taxonomy()
        name = dict(zip(tax["code"], tax["name"]))
    except Exception:  # pragma: no cover - the taxonomy ships with the package
        name = {}
    out = {}
    for vid, c in codes.items():
        parts = c.split("-")
        if len(parts) >= 2 and parts[0] and parts[1]:
            mid = f"{parts[0]}-{parts[1]}-00-00"
            out[vid] = f"{parts[0]}-{parts[1]} {name.get(mid, '')}".strip()
        else:
            out[vid] = ""
    return out


def _levers(spells: pd.DataFrame, matcher: Any) -> pd.DataFrame:
    """Per spell: wage below the hire's expectation, shift work refused, no social insurance (NaN unknown)."""
    n = len(spells)
    out = pd.DataFrame({"wage": np.full(n, np.nan), "shifts": np.full(n, np.nan), "insurance": np.full(n, np.nan)},
                       index=spells.index)
    if matcher is None or not hasattr(matcher, "features_") or n == 0:
        return out
    F = matcher.features_
    sp = {s: i for i, s in enumerate(F.seeker_ids)}
    vp = {v: i for i, v in enumerate(F.vacancy_ids)}
    a = spells["seeker_id"].map(sp)
    b = spells["vacancy_id"].map(vp)
    ok = (a.notna() & b.notna()).to_numpy()
    ai, bi = a[ok].astype(int).to_numpy(), b[ok].astype(int).to_numpy()
    wmin, omax = np.asarray(F.wexp_min, float)[ai], np.asarray(F.woff_max, float)[bi]
    out.loc[ok, "wage"] = np.where(np.isfinite(wmin) & np.isfinite(omax), (omax < wmin).astype(float), np.nan)
    sh, acc = np.asarray(F.shift, float)[bi], np.asarray(F.accepts_shift, float)[ai]
    out.loc[ok, "shifts"] = np.where(np.isfinite(sh) & (sh == 0), 0.0,
                                     np.where(np.isfinite(sh) & np.isfinite(acc), ((sh == 1) & (acc == 0)) * 1.0,
                                              np.nan))
    ins = np.asarray(F.insurance, float)[bi]
    out.loc[ok, "insurance"] = np.where(np.isfinite(ins), (ins == 0) * 1.0, np.nan)
    return out


LEVER_REASON = {"wage": "wage", "shifts": "shifts", "insurance": "conditions"}


def analyse(events: pd.DataFrame, seekers: pd.DataFrame, vacancies: pd.DataFrame, matcher: Any = None,
            extraction_date: Any = None) -> dict[str, Any]:
    """Every table of the section (see the module docstring) as plain data.

    ``events``: an accepted outcome log (``load_outcomes(...).frame``);
    ``seekers`` / ``vacancies``: the normalised frames (priority groups,
    employer, title); ``matcher``: a fitted matcher for sectors and levers
    (optional). ``extraction_date``: the censoring date; later events are
    ignored (default: the log's last date).
    """
    spells = job_spells(events, until=extraction_date).reset_index(drop=True)
    groups = dict(zip(seekers["seeker_id"].astype(str), seekers.get("priority_groups", pd.Series(
        [[]] * len(seekers))).tolist()))
    vac = vacancies.assign(vacancy_id=vacancies["vacancy_id"].astype(str)).set_index("vacancy_id")
    emp = vac["employer"].fillna("").astype(str).to_dict() if "employer" in vac.columns else {}
    title = vac["title"].fillna("").astype(str).to_dict() if "title" in vac.columns else {}
    sector = _sector_names(matcher, vacancies)
    spells["employer"] = spells["vacancy_id"].map(lambda v: emp.get(v, "") or "?")
    spells["sector"] = spells["vacancy_id"].map(lambda v: sector.get(v, "") or "?")
    spells["post"] = spells["vacancy_id"].astype(str)
    rows = []
    for i, s in enumerate(spells["seeker_id"].astype(str)):
        gl = groups.get(s)
        gl = [str(g) for g in gl] if isinstance(gl, (list, tuple, np.ndarray)) and len(gl) else ["none"]
        rows += [(i, g) for g in gl]
    gi = pd.DataFrame(rows, columns=["_i", "group"])
    by_group_spells = spells.iloc[gi["_i"].to_numpy()].assign(group=gi["group"].to_numpy())
    overall = _row("all", "all", spells) if len(spells) else None
    post_names = {v: f"{title.get(v, '')}（{emp.get(v, '')}）" for v in spells["post"].unique()}
    by_post = _table(spells, "post", post_names)
    levers = _levers(spells, matcher)
    # reasons of early leavers, per post and overall
    early = spells[spells["left"] & (spells["duration"] < 90)]
    reasons_all = spells.loc[spells["left"], "reason"].replace("", "other").value_counts()
    reasons_early = early["reason"].replace("", "other").value_counts()
    quick = by_post[~by_post["few"]].sort_values(["stay_90", "hires"], ascending=[True, False], kind="stable") \
        if len(by_post) else by_post
    quick = quick[quick["stay_90"] < (overall["stay_90"] if overall else 1.0)].head(MAX_ROWS).copy() \
        if len(quick) else quick
    q_reasons, q_levers = [], []
    for vid in quick["key"] if len(quick) else []:
        m = spells["post"] == vid
        er = early.loc[early["post"] == vid, "reason"].replace("", "other")
        vc = er.value_counts()
        q_reasons.append([(str(r), int(c)) for r, c in vc.items()])
        lv = []
        for lever, reason in LEVER_REASON.items():
            had = levers.loc[m, lever]
            share = (vc.get(reason, 0) / len(er)) if len(er) else 0.0
            if (had > 0).any() or share >= REASON_SHARE:
                lv.append(lever)
        q_levers.append(lv)
    if len(quick):
        quick["reasons"] = q_reasons
        quick["levers"] = q_levers
    # what staff can negotiate: retention of hires with and without each problem
    neg = []
    for lever in ("wage", "shifts", "insurance"):
        col = levers[lever]
        for val, label in ((1.0, "with"), (0.0, "without")):
            sub = spells[col.to_numpy() == val]
            if len(sub):
                r = _row(f"{lever}:{label}", label, sub)
                neg.append({"lever": lever, "problem": label == "with", **{k: r[k] for k in (
                    "hires", "left", "stay_30", "stay_90", "stay_180", "se_180", "few")}})
    return {"overall": overall, "by_group": _table(by_group_spells, "group"), "by_sector": _table(spells, "sector"),
            "by_employer": _table(spells, "employer"), "by_post": by_post, "quick_posts": quick,
            "reasons_all": reasons_all.to_dict(), "reasons_early": reasons_early.to_dict(),
            "negotiate": pd.DataFrame(neg), "n_spells": int(len(spells)),
            "extraction_date": None if extraction_date is None else str(extraction_date),
            "min_spells": MIN_SPELLS}


# ------------------------------------------------------------------ HTML
_T = {
    "title": ("就业不稳定：稳定就业情况", "Unstable re-employment"),
    "intro": ("按录用→离职的就业记录计算留存率（Kaplan–Meier 估计，仍在岗的记录按截至提取日在岗处理，不算留也不算走）。"
              "共 {n} 段就业记录；少于 {m} 段的估计标注“样本少”。",
              "Retention from recorded job spells (hire to departure), Kaplan–Meier estimate: jobs still running "
              "count as at risk up to the extraction date, never as stays or departures. {n} job spells; estimates "
              "from fewer than {m} are marked “few”."),
    "overall": ("全体：30 天在岗 {s30}，90 天 {s90}，180 天 {s180}（{left} 人已离职，{cens} 人仍在岗）。",
                "Overall: in the job after 30 days {s30}, 90 days {s90}, 180 days {s180} ({left} left, "
                "{cens} still employed)."),
    "by_group": ("按重点群体", "By priority group"),
    "by_sector": ("按行业（职业中类）", "By sector (occupation middle group)"),
    "by_employer": ("按用人单位", "By employer"),
    "by_post": ("按岗位", "By post"),
    "quick": ("离职快的岗位及离职原因", "Posts people leave quickly, and the reasons they give"),
    "quick_note": ("90 天留存低于全体水平、且至少 {m} 段记录的岗位；原因为 90 天内离职者所述。“可协商”列出适用的协商方向。",
                   "Posts with 90-day retention below the overall level and at least {m} spells; reasons are those "
                   "given by people who left within 90 days. “Negotiate” lists the levers that apply."),
    "negotiate": ("可与单位协商的条件", "What staff can negotiate"),
    "neg_note": ("存在/不存在该问题的录用者的留存率对比（描述性比较，非因果估计）。",
                 "Retention of hires with and without each problem (a descriptive comparison, not a causal "
                 "estimate)."),
    "reasons": ("离职原因（全部 / 90 天内）", "Reasons for leaving (all / within 90 days)"),
    "none": ("没有就业记录：请用 --outcomes 提供结果记录。", "No job spells: give the outcome log with --outcomes."),
}
_HEAD = {
    "key": ("项目", "item"), "name": ("名称", "name"), "hires": ("录用", "hires"), "left": ("已离职", "left"),
    "still_employed": ("仍在岗", "still employed"), "stay_30": ("30天在岗", "in job 30 d"),
    "stay_90": ("90天在岗", "in job 90 d"), "stay_180": ("180天在岗", "in job 180 d"),
    "se_180": ("标准误(180)", "s.e. (180)"), "left_within_90": ("90天内离职", "left within 90 d"),
    "few": ("样本少", "few"), "reasons": ("离职原因", "reasons"), "levers": ("可协商", "negotiate"),
    "lever": ("协商方向", "lever"), "problem": ("存在该问题", "has the problem"),
}
_LEVER = {"wage": ("工资（达到本人期望）", "wage (up to the expectation)"),
          "shifts": ("班次（不安排本人不接受的倒班）", "shifts (none the person refuses)"),
          "insurance": ("缴纳五险", "social insurance")}


def _pair(lang: str, zh: str, en: str) -> str:
    if lang == "zh":
        return html.escape(zh)
    if lang == "en":
        return html.escape(en)
    return f'<span class="l-zh">{html.escape(zh)}</span><span class="l-en" lang="en">{html.escape(en)}</span>'


def _pct(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{100 * float(x):.0f}%"


def _cell(lang: str, col: str, v: Any) -> tuple[str, bool]:
    from matcher import vocab

    if col.startswith("stay_"):
        return _pct(v), True
    if col == "se_180":
        return ("—" if not np.isfinite(v) else f"{100 * float(v):.1f}"), True
    if col in ("few", "problem"):
        return ("✔" if v else ""), False
    if col == "reasons":
        return _pair(lang, "、".join(f"{vocab.label('leave_reason', r, 'zh')} {c}" for r, c in v),
                     ", ".join(f"{vocab.label('leave_reason', r, 'en')} {c}" for r, c in v)), False
    if col == "levers":
        return _pair(lang, "；".join(_LEVER[x][0] for x in v), "; ".join(_LEVER[x][1] for x in v)), False
    if col == "lever":
        return _pair(lang, *_LEVER[v]), False
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}", True
    return html.escape(str(v)), False


def _html_table(lang: str, df: pd.DataFrame, cols: list[str], names: dict[str, tuple[str, str]] | None = None) -> str:
    if df is None or len(df) == 0:
        return f'<p class="note">{_pair(lang, "（无）", "(none)")}</p>'
    head = "".join(f"<th>{_pair(lang, *_HEAD.get(c, (c, c)))}</th>" for c in cols)
    body = []
    for _, r in df.head(MAX_ROWS).iterrows():
        cells = []
        for c in cols:
            if c == "name" and names:
                text, num = _pair(lang, *names.get(str(r[c]), (str(r[c]), str(r[c])))), False
            else:
                text, num = _cell(lang, c, r[c])
            cells.append(f'<td{" class=n" if num else ""}>{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(df) > MAX_ROWS:
        more = f'<p class="note">{_pair(lang, f"仅显示前 {MAX_ROWS} 行（共 {len(df)} 行）", f"First {MAX_ROWS} of {len(df)} rows")}</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def render_html(ret: dict[str, Any] | None, lang: str = "both") -> str:
    """The section as HTML (``<section id="retention">``), in ``zh``, ``en`` or both (toggled spans)."""
    from matcher import vocab

    def t(key: str, **kw: Any) -> str:
        zh, en = _T[key]
        return _pair(lang, zh.format(**kw), en.format(**kw))

    parts = [f'<section id="retention"><h2>{t("title")}</h2>']
    if not ret or not ret.get("n_spells"):
        parts.append(f'<p class="note">{t("none")}</p></section>')
        return "".join(parts)
    o = ret["overall"]
    parts.append(f"<p>{t('intro', n=ret['n_spells'], m=ret['min_spells'])}</p>")
    parts.append(f"<p><b>{t('overall', s30=_pct(o['stay_30']), s90=_pct(o['stay_90']), s180=_pct(o['stay_180']), left=o['left'], cens=o['still_employed'])}</b></p>")
    cols = ["name", "hires", "left", "still_employed", "stay_30", "stay_90", "stay_180", "se_180", "left_within_90", "few"]
    gnames = {g: (vocab.label("group", g, "zh"), vocab.label("group", g, "en")) for g in vocab.PRIORITY_GROUPS}
    gnames["none"] = ("非重点群体", "no priority group")
    parts.append(f"<h3>{t('by_group')}</h3>" + _html_table(lang, ret["by_group"], cols, gnames))
    parts.append(f"<h3>{t('by_sector')}</h3>" + _html_table(lang, ret["by_sector"], cols))
    parts.append(f"<h3>{t('by_employer')}</h3>" + _html_table(lang, ret["by_employer"], cols))
    parts.append(f"<h3>{t('by_post')}</h3>" + _html_table(lang, ret["by_post"], ["key"] + cols))
    parts.append(f"<h3>{t('quick')}</h3><p class=\"note\">{t('quick_note', m=ret['min_spells'])}</p>"
                 + _html_table(lang, ret["quick_posts"], ["key", "name", "hires", "stay_90", "stay_180", "reasons", "levers"]))
    ra, re_ = ret["reasons_all"], ret["reasons_early"]
    rs = pd.DataFrame({"reasons": [[(r, int(ra.get(r, 0)))] for r in ra], "left": [int(re_.get(r, 0)) for r in ra]})
    if len(rs):
        parts.append(f"<h3>{t('reasons')}</h3>" + _html_table(lang, rs.rename(columns={"left": "left_within_90"}),
                                                              ["reasons", "left_within_90"]))
    parts.append(f"<h3>{t('negotiate')}</h3><p class=\"note\">{t('neg_note')}</p>"
                 + _html_table(lang, ret["negotiate"], ["lever", "problem", "hires", "left", "stay_90", "stay_180",
                                                        "se_180", "few"]))
    parts.append("</section>")
    return "".join(parts)


__all__ = ["DAYS", "MIN_SPELLS", "analyse", "kaplan_meier", "render_html"]
