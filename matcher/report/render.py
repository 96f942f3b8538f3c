"""Render the city report as ONE self-contained HTML file (inline CSS, embedded images, no URLs).

:func:`render_html` takes the dict of :func:`matcher.report.assemble.build_report`
and returns the page as a string: Chinese (``lang="zh"``), English
(``"en"``) or both with a toggle button (``"both"``, the default; Chinese
shown first). Templates live in ``matcher/report/templates/`` (Jinja2,
autoescaped). Personal data never reaches the page: seekers appear by id only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from matcher import vocab
from matcher.errors import MatcherError
from matcher.report.analysis import CAUSE_EN, CAUSE_ZH, CAUSES

#: rows shown per table in the page (the full tables are in the data)
MAX_ROWS = 60

TEXT: dict[str, tuple[str, str]] = {
    "title": ("攀枝花市劳动力市场结构性矛盾分析报告", "Structural mismatch in the city labour market"),
    "overview": ("概览", "Overview"),
    "overview_text": (
        "本报告由匹配引擎对每一对求职者与岗位的评分计算得出：好的匹配指得分不低于{threshold}。"
        "“原因”均为实算：对每个岗位（求职者），在其他各项最合适的候选中，统计哪一项最常低于及格线；"
        "培训和薪资建议均为改动一项后重新评分的结果，而非估计。",
        "Computed from the engine's score of every seeker-post pair: a good match scores at least {threshold}. "
        "Causes are computed: for each post (seeker), among the candidates best on everything else, which "
        "dimension most often falls below its pass mark. Training and wage suggestions come from re-scoring "
        "with one input changed, never from rules of thumb."),
    "supply_demand": ("供需对比（职业小类）", "Supply and demand by occupation group"),
    "supply_demand_text": (
        "按2022年职业分类大典小类：有求职意向的求职者、有相关工作经历的求职者与在招岗位、招聘人数。"
        "“好候选不足的岗位”指好的匹配少于{few}与招聘人数中较大者的岗位。",
        "By minor group of the 2022 classification: seekers who want the work (desired titles), seekers who "
        "have done it (experience), open posts and openings. 'Posts short of good candidates' have fewer "
        "good matches than {few} or the number of openings, whichever is larger."),
    "fig_supply_demand": ("图1 招聘人数与求职者人数（按职业小类）", "Figure 1 Openings vs seekers by occupation group"),
    "unfilled_posts": ("岗位为何空缺", "Why posts go unfilled"),
    "unfilled_posts_text": (
        "共{n_posts_few}个岗位（{openings_few}个招聘名额）的好候选不足。对每个岗位和每一项（技能、学历、薪资、地点、"
        "倒班等工作条件、经历），取其他各项得分最高的{top_n}名候选人，统计其中该项低于及格线的人数；人数最多的一项即为"
        "主要制约因素。“单项受阻”指其他各项都达标、只因该项而未成为好匹配的候选人数。",
        "{n_posts_few} posts ({openings_few} openings) are short of good candidates. For each post and each "
        "dimension (skills, education, pay, place, shift work/conditions, experience) we take the {top_n} "
        "candidates best on the other dimensions and count how many fail this one; the dimension failed most "
        "is the binding constraint. 'Blocked only by' counts candidates good on everything else."),
    "fig_causes": ("图2 空缺岗位与未匹配求职者的主要原因", "Figure 2 Binding constraints of unfilled posts and unmatched seekers"),
    "cause_counts": ("全市原因统计", "City-wide counts of each cause"),
    "posts_list": ("好候选不足的岗位（前{max_rows}个）", "Posts short of good candidates (first {max_rows})"),
    "unmatched_seekers": ("求职者为何未匹配", "Why seekers stay unmatched"),
    "unmatched_seekers_text": (
        "{n_unmatched}名求职者没有任何好的匹配，另有{n_weak}名只有1–{weak_minus}个。下表按重点群体列出未匹配者的主要制约因素"
        "（一人属多个群体时分别计入）。",
        "{n_unmatched} seekers have no good match and {n_weak} more have only 1–{weak_minus}. The table breaks "
        "the unmatched down by priority group and binding constraint (a person in two groups counts in both)."),
    "seekers_list": ("未匹配求职者（前{max_rows}名，仅显示编号）", "Unmatched seekers (first {max_rows}, ids only)"),
    "wages": ("薪资状况", "The wage picture"),
    "wages_text": (
        "同一职业小类中岗位薪资（区间上限，即最多能拿到的工资）与求职者期望（区间下限）的分布；评分中的薪资比较按“薪资比较基准”设置（默认区间下限，即稳定能拿到的工资）；“面议”不计。"
        "当地最低工资{minimum_wage:.0f}元/月。",
        "Offered wages (top of range: the most a post pays) vs expected wages (bottom of range) in the same "
        "occupation group; the score's wage comparison follows the setting wage.basis (default: the bottom of "
        "the offered range, what the post reliably pays); negotiable wages left out. Local minimum wage {minimum_wage:.0f} yuan/month."),
    "fig_wages": ("图3 岗位薪资与求职者期望（元/月，虚线为最低工资）",
                  "Figure 3 Offered vs expected wages (yuan/month; dashed: minimum wage)"),
    "low_pay": ("低于最低工资或明显低于市场（<{market_ratio}×同类中位数）的岗位",
                "Posts below the minimum wage or far below the market (< {market_ratio} × group median)"),
    "wage_conversations": ("薪资沟通建议", "Wage conversations"),
    "wage_conversations_text": (
        "对因薪资而缺少候选人的岗位，重新评分求出达到{wage_target}名好候选所需的最低薪资；对因期望薪资过高而没有任何好匹配的"
        "求职者，求出能获得匹配的最高期望。",
        "For posts short of candidates because of pay, the lowest offer at which re-scoring gives "
        "{wage_target} good candidates; for seekers whose expectation blocks every match, the highest "
        "expectation that gives one."),
    "post_wages": ("与用人单位沟通：所需薪资", "Talk to employers: wage needed"),
    "seeker_wages": ("与求职者沟通：可获得匹配的期望薪资", "Talk to seekers: expectation that gives a match"),
    "education": ("学历门槛", "The education picture"),
    "education_text": (
        "每个有学历要求的岗位：其他各项都达标、只因学历低于要求而不能成为好匹配的候选人数（“被挡在门外”）。",
        "For each post with an education requirement: candidates good on everything else whom the bar "
        "alone shuts out."),
    "compliance": ("合规提示：性别与年龄限制", "Compliance: gender and age restrictions"),
    "compliance_text": (
        "注明性别要求或年龄范围的岗位及其将排除的重点群体人数（全市登记者中、以及其好候选中）。引擎从不据此筛选；"
        "请依《就业促进法》与用人单位核实。",
        "Posts stating a gender requirement or an age window, and how many priority-group people they would "
        "exclude (in the whole register, and among their good candidates). The engine never filters on them; "
        "check with the employer under the Employment Promotion Law."),
    "training": ("能带来就业的培训", "Training that unlocks work"),
    "training_text": (
        "对未匹配和匹配较弱的求职者，逐一把培训课程对应的技能加入其技能并重新评分，统计新增的好匹配。下表为各课程能让多少"
        "原本没有好匹配的人获得匹配（按重点群体）。",
        "For unmatched and weakly matched seekers, each course's skill is added to the profile and the "
        "seeker re-scored. The table shows how many people with no good match each course would turn into "
        "matched ones, per priority group."),
    "fig_courses": ("图4 各培训课程可帮助获得匹配的未匹配求职者人数", "Figure 4 Unmatched seekers each course would match"),
    "training_list": ("个人培训建议（前{max_rows}条）", "Suggestions per seeker (first {max_rows})"),
    "method": ("方法与参数", "Method and settings"),
    "retention": ("就业不稳定", "Unstable re-employment"),
    "good_dt": ("好的匹配", "Good match"),
    "good_dd": ("总分≥{threshold}（设置项可调）。", "Total score ≥ {threshold} (configurable)."),
    "open_dt": ("在招岗位", "Open posts"),
    "open_dd": (
        "截止日期不早于参考日期{reference_date}、且扣除已记录录用（{hired}人）后仍有空缺的岗位；"
        "与每晚批处理、单次匹配和网页概览采用同一规则。",
        "Posts not expired at the reference date {reference_date} with openings left after the recorded hires "
        "({hired}); the same rule as the nightly batch, single matches and the web overview."),
    "pool_dt": ("候选池", "Candidate pool"),
    "pool_dd": (
        "每名求职者的前{pool_k}个岗位与每个岗位的前{pool_k}名求职者（来源：{pool_source_zh}，共{pool_pairs}对）。"
        "好匹配数在少于{pool_k}时是精确的。",
        "Each seeker's {pool_k} best posts and each post's {pool_k} best seekers (source: {pool_source_en}, "
        "{pool_pairs} pairs). Good-match counts are exact below {pool_k}."),
    "pass_dt": ("及格线", "Pass marks"),
    "pass_dd": ("{pass_zh}", "{pass_en}"),
    "cf_dt": ("反事实计算", "Counterfactuals"),
    "cf_dd": (
        "培训：把课程技能加入求职者技能后重新拟合评分，只在可达岗位（现分或技能满分时的分数≥门槛−0.05）中计数；"
        "薪资：以整元二分查找，每步重新评分。",
        "Training: the course's skill is added and the seeker refitted and re-scored, counting over reachable "
        "posts (current score or score with skills met ≥ threshold − 0.05). Wages: whole-yuan bisection, "
        "re-scoring at every step."),
    "no_rows": ("（无）", "(none)"),
    "more_rows": ("仅显示前{shown}行，共{total}行。", "Showing {shown} of {total} rows."),
}

HEAD: dict[str, tuple[str, str]] = {
    "group": ("职业小类", "group"), "name": ("名称", "name"), "seekers_wanting": ("意向人数", "wanting"),
    "seekers_able": ("有经验人数", "experienced"), "seekers_either": ("求职者合计", "seekers"),
    "posts": ("岗位数", "posts"), "openings": ("招聘人数", "openings"), "posts_few_good": ("好候选不足的岗位", "short posts"),
    "ratio": ("求职者/招聘人数", "seekers per opening"), "cause": ("原因", "cause"), "count": ("岗位数", "posts"),
    "count_open": ("名额数", "openings"), "share": ("占比", "share"), "vacancy_id": ("岗位编号", "post"),
    "title": ("岗位", "title"), "employer": ("用人单位", "employer"), "district": ("地点", "district"),
    "n_pool": ("候选数", "candidates"), "n_good": ("好候选", "good"), "binding": ("主要制约", "binding"),
    "fails": ("不及格/前{top_n}", "failing/top {top_n}"), "blocked": ("单项受阻", "blocked only by it"),
    "seekers": ("未匹配人数", "unmatched"), "registered": ("登记人数", "registered"),
    "seeker_id": ("求职者编号", "seeker"), "status": ("状态", "status"), "groups": ("重点群体", "groups"),
    "n_offer": ("岗位数", "posts"), "offer_median": ("薪资中位数", "median offer"),
    "offer_p25": ("薪资P25", "offer P25"), "offer_p75": ("薪资P75", "offer P75"),
    "n_expect": ("求职者数", "seekers"), "expect_median": ("期望中位数", "median expectation"),
    "expect_p25": ("期望P25", "expect P25"), "expect_p75": ("期望P75", "expect P75"),
    "gap": ("差额", "gap"), "offer": ("薪资", "offer"), "group_median": ("同类中位数", "group median"),
    "below_minimum": ("低于最低工资", "below minimum"), "below_market": ("明显低于市场", "far below market"),
    "good_now": ("现有好候选", "good now"), "reachable": ("可达好候选", "reachable"),
    "wage_needed": ("所需薪资", "wage needed"), "raise_pct": ("涨幅%", "raise %"),
    "expected": ("期望薪资", "expected"), "expectation_needed": ("可匹配的期望", "expectation needed"),
    "cut_pct": ("降幅%", "cut %"), "below_minimum_wage": ("低于最低工资", "below minimum"),
    "required": ("学历要求", "required"), "shut_out": ("被挡在门外", "shut out"), "short": ("学历不足候选", "below bar"),
    "good": ("好候选", "good"), "gender_requirement": ("性别要求", "gender"), "age_min": ("最低年龄", "min age"),
    "age_max": ("最高年龄", "max age"), "narrow_age": ("年龄窗口过窄", "narrow window"),
    "excluded_priority": ("排除重点群体（全市）", "priority excluded (city)"),
    "excluded_4045": ("其中4045人员", "of them 4045"), "excluded_good": ("排除好候选", "good candidates excluded"),
    "excluded_good_priority": ("其中重点群体", "of them priority"), "course": ("培训课程", "course"),
    "all": ("全部", "all"), "rank": ("序", "#"), "skill": ("技能", "skill"), "good_before": ("现有好匹配", "good before"),
    "good_after": ("培训后", "good after"), "gain": ("新增", "gain"), "new_vacancy_ids": ("新匹配岗位", "new matches"),
    "option": ("参数", "option"), "value": ("取值", "value"),
}

#: Group names: the vocabulary's priority groups plus the report's rows "all" and "none".
GROUP_ZH = {"all": "全部", "none": "非重点群体", **vocab.labels("group", "zh")}
GROUP_EN = {"all": "all", "none": "no priority group", **vocab.labels("group", "en")}
STATUS = {"unmatched": ("无匹配", "unmatched"), "weak": ("匹配较弱", "weak")}


#: The method table's parameters: (zh, en) names; the identifier (the option or setting a user passes)
#: is shown beside them as code.
OPTION_NAMES: dict[str, tuple[str, str]] = {
    "threshold": ("好匹配门槛", "good-match threshold"), "few": ("好候选不足线", "short of candidates below"),
    "weak": ("弱匹配线（好岗位数）", "weakly matched below (good posts)"),
    "top_k": ("候选池长度", "candidate pool length"),
    "wage_target": ("工资目标（好候选人数）", "wage target (good candidates)"),
    "market_ratio": ("远低于市场的比例", "far-below-market ratio"),
    "training_sample": ("培训重算抽样上限", "training re-scoring sample"),
    "courses": ("限定课程", "courses considered"),
    "max_wage_posts": ("工资反事实岗位上限", "wage counterfactuals: posts at most"),
    "max_wage_seekers": ("工资反事实求职者上限", "wage counterfactuals: seekers at most"),
    "seed": ("随机种子", "random seed"), "charts": ("图表", "charts"), "lang": ("语言", "language"),
    "weights": ("各部分权重", "component weights"), "reference_date": ("参考日期", "reference date"),
    "market": ("市场数据", "market data"), "timings": ("耗时（秒）", "time taken (s)"),
}
#: Score components (the weights' keys), as the report names them.
COMPONENT_NAMES: dict[str, tuple[str, str]] = {
    "skills": ("技能", "skills"), "occupation": ("职业/经历", "occupation"), "education": ("学历", "education"),
    "wage": ("薪资", "wage"), "place": ("地点", "place"), "conditions": ("工作条件", "conditions"),
    "outcome": ("结果模型", "outcome model"), "priority": ("重点群体", "priority"),
}
#: Steps of the report's run time.
TIMING_NAMES: dict[str, tuple[str, str]] = {
    "pool": ("候选池", "candidate pool"), "score_pool": ("候选池评分", "scoring the pool"),
    "supply_demand": ("供需", "supply and demand"), "causes": ("原因", "causes"),
    "wages_education_compliance": ("薪资、学历与合规", "wages, education and compliance"),
    "training": ("培训", "training"), "wage_counterfactuals": ("薪资反事实", "wage counterfactuals"),
    "charts": ("图表", "charts"), "retention": ("留任", "retention"), "total": ("合计", "total"),
}
LANG_NAMES = {"zh": ("中文", "Chinese"), "en": ("英文", "English"), "both": ("中文和英文", "Chinese and English")}
SOURCE_NAMES = {"fitted": ("为本报告拟合", "fitted for this report"),
                "loaded": ("读取已保存的市场", "the saved market, loaded")}
ROLE_NAMES = {"seekers": ("求职者", "seekers"), "vacancies": ("岗位", "vacancies"), "outcomes": ("推荐结果", "outcomes")}


def _number(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        raise TypeError("a bool is not a number")
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    return f"{float(x):g}"


def _named(names: dict[str, tuple[str, str]], key: str, i: int) -> str:
    return names.get(key, (key, key))[i]


def option_value(key: str, v: Any) -> tuple[str, str]:
    """A method-table value as words, ``(zh, en)``: never ``None``, ``True``/``False`` or a dict repr."""
    if key == "lang" and isinstance(v, str):
        return LANG_NAMES.get(v, (v, v))
    if isinstance(v, (bool, np.bool_)):
        return ("是", "yes") if v else ("否", "no")
    if v is None:
        return ("全部课程", "all courses") if key == "courses" else ("未设置", "not set")
    if isinstance(v, dict):
        if key == "timings":
            return ("；".join(f"{_named(TIMING_NAMES, k, 0)} {_number(x)}" for k, x in v.items()),
                    "; ".join(f"{_named(TIMING_NAMES, k, 1)} {_number(x)}" for k, x in v.items()))
        names = COMPONENT_NAMES if key == "weights" else {}
        return ("；".join(f"{_named(names, k, 0)} {option_value(k, x)[0]}" for k, x in v.items()),
                "; ".join(f"{_named(names, k, 1)} {option_value(k, x)[1]}" for k, x in v.items()))
    if isinstance(v, (list, tuple, np.ndarray)):
        return "、".join(str(i) for i in v) or "—", ", ".join(str(i) for i in v) or "—"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return _number(v), _number(v)
    return str(v), str(v)


def _market_value(mk: dict[str, Any]) -> tuple[str, str]:
    src = SOURCE_NAMES.get(mk.get("source", "fitted"), (mk.get("source", "fitted"),) * 2)
    parts: list[tuple[str, str]] = [src]
    for role, info in (mk.get("inputs") or {}).items():
        rz, re_ = ROLE_NAMES.get(role, (role, role))
        file = info.get("file")
        sha = f" sha256 {info['sha256'][:12]}" if info.get("sha256") else ""
        parts.append((f"{rz} {file or '（内存数据）'}{sha}", f"{re_} {file or '(in-memory data)'}{sha}"))
    return "；".join(p[0] for p in parts), "; ".join(p[1] for p in parts)


@dataclass
class Cell:
    text: Any
    num: bool = False


@dataclass
class Table:
    headers: list[Any]
    rows: list[list[Cell]] = field(default_factory=list)
    more: Any = ""


class _Lang:
    def __init__(self, lang: str, vals: dict[str, Any]):
        self.lang = lang
        self.vals = vals

    def pair(self, zh: str, en: str) -> Markup:
        if self.lang == "zh":
            return Markup(escape(zh))
        if self.lang == "en":
            return Markup(escape(en))
        return Markup(f'<span class="l-zh">{escape(zh)}</span><span class="l-en" lang="en">{escape(en)}</span>')

    def t(self, key: str) -> Markup:
        zh, en = TEXT[key]
        return self.pair(zh.format(**self.vals), en.format(**self.vals))

    def alt(self, key: str) -> str:
        zh, en = TEXT[key]
        return (en if self.lang == "en" else zh).format(**self.vals)

    def head(self, key: str, suffix: str = "") -> Markup:
        zh, en = HEAD.get(key, (key, key))
        return self.pair(zh.format(**self.vals) + suffix, en.format(**self.vals) + suffix)


def _fmt(x: Any) -> Cell:
    if isinstance(x, (bool, np.bool_)):
        return Cell("✔" if x else "")
    if isinstance(x, (int, np.integer)):
        return Cell(f"{int(x):,}", True)
    if isinstance(x, (float, np.floating)):
        if math.isnan(x):
            return Cell("—", True)
        if math.isinf(x):
            return Cell("∞", True)
        return Cell(f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}", True)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return Cell("")
    if isinstance(x, (list, tuple, np.ndarray)):
        return Cell("、".join(str(i) for i in x))
    return Cell(str(x))


def _table(L: _Lang, df: pd.DataFrame, cols: list[str], max_rows: int = MAX_ROWS,
           special: dict[str, Any] | None = None, heads: dict[str, Markup] | None = None) -> Table:
    special = special or {}
    heads = heads or {}
    tb = Table(headers=[heads.get(c) or L.head(c) for c in cols])
    for _, r in df.head(max_rows).iterrows():
        tb.rows.append([Cell(special[c](r[c])) if c in special else _fmt(r[c]) for c in cols])
    if len(df) > max_rows:
        zh, en = TEXT["more_rows"]
        tb.more = L.pair(zh.format(shown=max_rows, total=len(df)), en.format(shown=max_rows, total=len(df)))
    return tb


def render_html(report: dict[str, Any], lang: str = "both", max_rows: int = MAX_ROWS) -> str:
    """The report as one self-contained HTML page. Raises :class:`MatcherError` on an unknown ``lang``."""
    if lang not in ("zh", "en", "both"):
        raise MatcherError(f"lang must be zh, en or both, got {lang!r}.")
    meta = report["meta"]
    opt = meta["options"]
    pm = meta["pass_marks"]
    vals = dict(threshold=opt["threshold"], few=opt["few"], top_n=10, weak_minus=max(opt["weak"] - 1, 1),
                n_posts_few=meta["n_posts_few"], openings_few=meta["openings_few"], n_unmatched=meta["n_unmatched"],
                n_weak=meta["n_weak"], minimum_wage=meta["minimum_wage"], market_ratio=opt["market_ratio"],
                wage_target=opt["wage_target"], pool_k=meta["pool_k"], pool_pairs=f"{meta['pool_pairs']:,}",
                pool_source_zh={"batch": "夜间批处理", "scored": "本报告评分"}[meta["pool_source"]],
                pool_source_en={"batch": "nightly batch", "scored": "scored for this report"}[meta["pool_source"]],
                max_rows=max_rows, reference_date=meta["reference_date"], hired=meta.get("hired", 0),
                pass_zh="；".join(f"{CAUSE_ZH[d].split('/')[0]} {v:.2f}" for d, v in pm.items()),
                pass_en="; ".join(f"{d} {v:.2f}" for d, v in pm.items()))
    L = _Lang(lang, vals)
    cause = lambda c: L.pair(CAUSE_ZH.get(c, c), CAUSE_EN.get(c, c))  # noqa: E731
    group = lambda g: L.pair(GROUP_ZH.get(g, g), GROUP_EN.get(g, g))  # noqa: E731
    groups = lambda gs: L.pair("、".join(GROUP_ZH.get(g, g) for g in gs),  # noqa: E731
                               ", ".join(GROUP_EN.get(g, g) for g in gs))
    status = lambda s: L.pair(*STATUS.get(s, (s, s)))  # noqa: E731

    posts = report["unfilled_posts"].copy()
    pcs = report["post_causes"].merge(report["post_causes_openings"][["cause", "count"]].rename(
        columns={"count": "count_open"}), on="cause")
    cause_cols = list(CAUSES)
    post_cols = ["vacancy_id", "title", "employer", "district", "openings", "n_pool", "n_good", "binding"] + \
        [f"fails_{c}" for c in cause_cols]
    heads = {f"fails_{c}": L.pair(f"{CAUSE_ZH[c]}（不及格）", f"{CAUSE_EN[c]} (failing)") for c in cause_cols}
    heads.update({c: L.pair(CAUSE_ZH[c], CAUSE_EN[c]) for c in list(CAUSES) + ["several", "no_candidates"]})
    byg = report["causes_by_group"]
    byg_cols = ["group", "registered", "seekers"] + [c for c in list(CAUSES) + ["several", "no_candidates"]
                                                      if c in byg.columns and byg[c].sum() > 0]
    seekers = report["unmatched_seekers"]
    imp = report["course_impact"]
    if len(imp):
        piv = imp.pivot_table(index="course", columns="group", values="seekers_unlocked", aggfunc="sum").fillna(0)
        allr = imp[imp["group"] == "all"].set_index("course")
        order = allr.sort_values(["seekers_unlocked", "new_matches"], ascending=False).index
        piv = piv.reindex(order)
        gcols = [g for g in ("4045", "rural_migrant", "graduate", "zero_employment_family", "none") if g in piv.columns]
        course_df = pd.DataFrame({"course": piv.index, "all": piv["all"].astype(int).to_numpy()})
        for g in gcols:
            course_df[g] = piv[g].astype(int).to_numpy()
        course_df["new_matches"] = allr.loc[order, "new_matches"].to_numpy()
        course_df = course_df[(course_df["all"] > 0) | (course_df["new_matches"] > 0)]
        imp_heads = {g: group(g) for g in ["all"] + gcols}
        imp_heads["new_matches"] = L.pair("新增好匹配", "new good matches")
        course_tb = _table(L, course_df, list(course_df.columns), max_rows, heads=imp_heads)
    else:
        course_tb = Table(headers=[])
    training_note = ""
    if meta["training_sampled"] < meta["training_targets"]:
        training_note = L.pair(
            f"为控制耗时，随机抽取{meta['training_sampled']:,}名（共{meta['training_targets']:,}名）进行重新评分，"
            f"人数为样本计数，乘以{meta['training_scale']:.1f}可估计全市。",
            f"To bound run time, {meta['training_sampled']:,} of {meta['training_targets']:,} seekers were re-scored "
            f"(fixed-seed sample); counts are sample counts — multiply by {meta['training_scale']:.1f} for a city estimate.")
    mk = meta.get("market") or {}
    params = [*opt.items(), ("weights", meta["weights"]), ("reference_date", meta["reference_date"]),
              ("market", None), ("timings", meta["timings"])]
    opts = pd.DataFrame({"option": [k for k, _ in params],
                         "value": [_market_value(mk) if k == "market" else option_value(k, v) for k, v in params]})
    option_cell = lambda k: L.pair(*OPTION_NAMES.get(k, (k, k))) + Markup(" <code>{}</code>").format(k)  # noqa: E731
    tables = {
        "supply_demand": _table(L, report["supply_demand"], ["group", "name", "seekers_wanting", "seekers_able",
                                                               "seekers_either", "posts", "openings", "posts_few_good",
                                                               "ratio"], max_rows),
        "post_causes": _table(L, pcs, ["cause", "count", "count_open", "share"], 20, special={"cause": cause}),
        "unfilled_posts": _table(L, posts, post_cols, max_rows, special={"binding": cause}, heads=heads),
        "causes_by_group": _table(L, byg, byg_cols, 20, special={"group": group}, heads=heads),
        "unmatched_seekers": _table(L, seekers[seekers["status"] == "unmatched"],
                                    ["seeker_id", "status", "groups", "n_pool", "n_good", "binding"], max_rows,
                                    special={"binding": cause, "groups": groups, "status": status}),
        "wage_picture": _table(L, report["wage_picture"], ["group", "name", "n_offer", "offer_p25", "offer_median",
                                                            "offer_p75", "n_expect", "expect_p25", "expect_median",
                                                            "expect_p75", "gap"], max_rows),
        "low_pay": _table(L, report["low_pay"], ["vacancy_id", "title", "employer", "group", "offer", "group_median",
                                                 "below_minimum", "below_market"], max_rows),
        "post_wages": _table(L, report["post_wages"], ["vacancy_id", "offer", "good_now", "reachable", "wage_needed",
                                                       "raise_pct"], max_rows),
        "seeker_wages": _table(L, report["seeker_wages"], ["seeker_id", "expected", "good_now", "expectation_needed",
                                                           "cut_pct", "below_minimum_wage"], max_rows),
        "education": _table(L, report["education"], ["vacancy_id", "title", "employer", "required", "shut_out",
                                                     "short", "good"], max_rows),
        "compliance": _table(L, report["compliance"], [c for c in ["vacancy_id", "title", "employer",
                                                                   "gender_requirement", "age_min", "age_max",
                                                                   "narrow_age", "excluded_priority", "excluded_4045",
                                                                   "excluded_good", "excluded_good_priority"]
                                                       if c in report["compliance"].columns], max_rows),
        "course_impact": course_tb,
        "training": _table(L, report["training"], ["seeker_id", "rank", "course", "skill", "good_before",
                                                   "good_after", "gain", "new_vacancy_ids"], max_rows),
        "options": _table(L, opts, ["option", "value"], 40,
                          special={"option": option_cell,
                                   "value": lambda v: L.pair(*v) if v[0] != v[1] else escape(v[0])}),
    }
    kpis = [
        {"value": f"{meta['n_seekers']:,}", "label": L.pair("登记求职者", "registered seekers")},
        {"value": f"{meta['n_open']:,}", "label": L.pair("在招岗位", "open posts")},
        {"value": f"{meta['openings']:,}", "label": L.pair("招聘人数", "openings")},
        {"value": f"{meta['n_unmatched']:,}", "label": L.pair("无好匹配的求职者", "seekers with no good match")},
        {"value": f"{meta['n_posts_few']:,}", "label": L.pair("好候选不足的岗位", "posts short of good candidates")},
    ]
    toc = [("supply-demand", "supply_demand"), ("unfilled-posts", "unfilled_posts"),
           ("unmatched-seekers", "unmatched_seekers"), ("wages", "wages"), ("wage-conversations", "wage_conversations"),
           ("education", "education"), ("compliance", "compliance"), ("training", "training"), ("method", "method")]
    # the outcome sections (matcher.report.retention), when the report was given the outcome log
    extra_sections = []
    if "retention" in report:
        from matcher.report.retention import render_html as retention_html

        toc.insert(-1, ("retention", "retention"))
        extra_sections.append(Markup(retention_html(report["retention"], lang)))
    om = meta.get("outcome_model", "absent")
    if om != "absent":
        subtitle_model = (f" · 结果模型 {om['path'] or ''}", f" · outcome model {om['path'] or ''}") if om else \
            (" · 未使用结果模型", " · no outcome model in use")
    else:
        subtitle_model = ("", "")
    env = jinja2.Environment(loader=jinja2.PackageLoader("matcher.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined)
    tpl = env.get_template("report.html.j2")
    subtitle = L.pair(f"参考日期 {meta['reference_date']} · 好匹配门槛 {opt['threshold']}{subtitle_model[0]}",
                      f"Reference date {meta['reference_date']} · good-match threshold {opt['threshold']}"
                      f"{subtitle_model[1]}")
    return tpl.render(lang=lang, t=L.t, alt=L.alt, title=L.alt("title"), subtitle=subtitle, toc=toc, kpis=kpis,
                      tables=tables, charts=_Charts(report.get("charts") or {}), training_note=training_note,
                      method=["good", "open", "pool", "pass", "cf"], extra_sections=extra_sections)


class _Charts(dict):
    def __getattr__(self, k: str) -> Any:
        return self.get(k)


__all__ = ["render_html", "TEXT", "MAX_ROWS"]
