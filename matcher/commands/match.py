"""``matcher match``: rank vacancies for one seeker, or seekers for one vacancy, with reasons.

The market comes from :func:`matcher.market.build_market` (``--seekers`` /
``--vacancies``: load and fit, 10-20 s on the sample) or, with ``--market``,
from the fitted market the nightly batch saved (``matcher batch --out DIR``
writes ``DIR/market/``): no refit, well under a second.

Prints a readable ranked table (``--lang zh``, the default, or ``en``) or,
with ``--json``, a JSON array of match objects
(:meth:`matcher.core.Match.to_dict` plus ``other_id``, the id on the ranked
side, and ``outcome_model``: the outcome model in use, or null). Personal
data (names, phones, ID numbers) is never printed: seekers are shown by id
only.

``--model MODEL_DIR`` (a folder written by ``matcher learn``) overrides the
settings' ``outcomes.model``: scores gain the ``outcome`` contribution and the
lists follow ``outcomes.rank_by`` (:mod:`matcher.outcomes.rank`). The table's
footer says which model is in use, or "no outcome model in use".
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from matcher.commands.options import market_files, market_options, say_override, top_k_option
from matcher.errors import UnknownIdError


def format_table(matches: list[dict[str, Any]], by: str, titles: dict[str, str], lang: str = "zh") -> str:
    """The ranked list as text (see :func:`matcher.render.table.format_table`)."""
    from matcher.render.table import format_table as render_table
    return render_table(matches, by, titles, lang)


@click.command("match")
@market_files("seekers_path", "vacancies_path", required=False)
@market_options
@click.option("--market", "market_dir", default=None, type=click.Path(path_type=Path),
              help="Answer from the fitted market a batch run saved (its --out folder): no refit.")
@click.option("--seeker", "seeker_id", default=None, help="Rank vacancies for this seeker_id.")
@click.option("--vacancy", "vacancy_id", default=None, help="Rank seekers for this vacancy_id.")
@top_k_option("How many matches to show (default: the settings' top_k).")
@click.option("--model", "model_dir", default=None, type=click.Path(path_type=Path),
              help="Outcome model folder from `matcher learn` (overrides the settings' outcomes.model).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of match objects.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the reasons in the text table (--json keeps the reason codes).")
def command(seekers_path: Path | None, vacancies_path: Path | None, settings: str | None,
            reference_date: str | None, outcomes: Path | None, market_dir: Path | None, seeker_id: str | None,
            vacancy_id: str | None, top_k: int | None, model_dir: Path | None, as_json: bool, lang: str) -> None:
    """Rank vacancies for --seeker ID, or seekers for --vacancy ID, with the reasons."""
    if (seeker_id is None) == (vacancy_id is None):
        raise click.UsageError("Give exactly one of --seeker ID or --vacancy ID.")
    from matcher.market import build_market, load_market

    if market_dir is not None:
        if settings is not None or reference_date is not None:
            raise click.UsageError("--market answers with the settings and reference date it was built with; "
                                   "drop --settings/--reference-date or build from --seekers/--vacancies.")
        # input files given next to --market must be the ones the market was built from
        market = load_market(market_dir, seekers=seekers_path, vacancies=vacancies_path, outcomes=outcomes,
                             model=model_dir)
    else:
        if seekers_path is None or vacancies_path is None:
            raise click.UsageError("Give --seekers and --vacancies files, or --market BATCH_OUT_DIR.")
        market = build_market(seekers_path, vacancies_path, settings=settings, reference_date=reference_date,
                              outcomes=outcomes, model=model_dir)
    m = market.matcher
    k = market.settings.top_k if top_k is None else top_k
    if not as_json:
        click.echo(say_override("top_k", k, "--top-k" if top_k is not None else None)
                   + f"; reference date {market.reference_date.isoformat()}", err=True)
        if model_dir is not None:
            click.echo(say_override("outcomes.model", model_dir, "--model"), err=True)
    try:
        if seeker_id is not None:
            matches = m.for_seeker(seeker_id, k)
            by, summary = "seeker", None
        else:
            matches = m.for_vacancy(vacancy_id, k)
            by, summary = "vacancy", m.for_vacancy_summary(vacancy_id, k)
    except UnknownIdError as exc:
        raise click.ClickException(str(exc)) from None
    records = []
    for x in matches:
        d = x.to_dict()
        d["other_id"] = d["vacancy_id"] if by == "seeker" else d["seeker_id"]
        d["outcome_model"] = market.outcome
        records.append(d)
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return
    zh = lang == "zh"
    titles = {}
    if by == "seeker":
        titles = dict(zip(m.vacancies_["vacancy_id"].astype(str), m.vacancies_["title"].astype(str)))
        click.echo(f"求职者 {seeker_id} 的推荐岗位（前{k}个）:" if zh else f"Posts for seeker {seeker_id} (top {k}):")
    else:
        vt = m.vacancies_.loc[m.vacancies_["vacancy_id"].astype(str) == str(vacancy_id), "title"]
        title = vt.iloc[0] if len(vt) else ""
        click.echo(f"岗位 {vacancy_id}（{title}）的推荐人选（前{k}名）:" if zh
                   else f"Candidates for post {vacancy_id} ({title}) (top {k}):")
    if not records:
        click.echo("（无可推荐结果：岗位已关闭或没有可比较的记录）" if zh
                   else "(nothing to recommend: the post is closed or there is nothing to compare)")
    else:
        click.echo(format_table(records, by, titles, lang))
    if summary:
        if zh:
            click.echo(f"\n候选人 {summary['candidates_considered']} 名；列表中重点群体 {summary['priority_in_list']} 名；"
                       f"若按岗位性别/年龄要求筛选将排除 {summary['would_exclude']} 名"
                       f"（其中重点群体 {summary['would_exclude_priority']} 名）。")
        else:
            click.echo(f"\n{summary['candidates_considered']} candidates; {summary['priority_in_list']} from priority "
                       f"groups in the list; filtering by the posted gender/age requirement would exclude "
                       f"{summary['would_exclude']} ({summary['would_exclude_priority']} from priority groups).")
        for f in summary["flags"]:
            msg = f["message_zh"] if zh else f.get("message_en") or f["message_zh"]
            click.echo(f"⚠ {msg}（{f['rule']}）" if zh else f"⚠ {msg} ({f['rule']})")
    click.echo(model_footer(market.outcome, lang))


def model_footer(info: dict[str, Any] | None, lang: str = "zh") -> str:
    """The table's last line: which outcome model ranks the list, or that none is in use."""
    from matcher.outcomes.rank import NO_MODEL, NO_MODEL_ZH

    zh = lang == "zh"
    if not info:
        return f"\n（{NO_MODEL_ZH}：按规则得分排序）" if zh else f"\n({NO_MODEL}: ranked by the rule-based score)"
    w = info.get("window") or {}
    by = info.get("rank_by")
    if zh:
        order = "按预期稳定就业（录用×180天在岗）排序" if by == "lasting_hire" else "按得分（含稳定就业项）排序"
        return (f"\n结果模型：{info.get('path') or '（内存中）'}（数据 {w.get('first')} 至 {w.get('until')}，"
                f"权重 {info.get('weight')}）；{order}")
    order = ("ranked by expected lasting hire (P(hire) x P(stay 180 days))" if by == "lasting_hire"
             else "ranked by the score with the outcome term")
    return (f"\nOutcome model: {info.get('path') or '(in memory)'} (data {w.get('first')} to {w.get('until')}, "
            f"weight {info.get('weight')}); {order}")
