"""``matcher match``: rank vacancies for one seeker, or seekers for one vacancy, with reasons.

Prints a readable ranked table (Chinese labels) or, with ``--json``, a JSON
array of match objects (:meth:`matcher.core.Match.to_dict` plus ``other_id``,
the id on the ranked side). Personal data (names, phones, ID numbers) is never
printed: seekers are shown by id only.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from matcher.commands.options import market_files
from matcher.errors import UnknownIdError


def format_table(matches: list[dict[str, Any]], by: str, titles: dict[str, str], lang: str = "zh") -> str:
    """The ranked list as text (see :func:`matcher.render.table.format_table`)."""
    from matcher.render.table import format_table as render_table
    return render_table(matches, by, titles, lang)


@click.command("match")
@market_files("seekers_path", "vacancies_path")
@click.option("--seeker", "seeker_id", default=None, help="Rank vacancies for this seeker_id.")
@click.option("--vacancy", "vacancy_id", default=None, help="Rank seekers for this vacancy_id.")
@click.option("-k", "--top-k", "k", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many matches to show.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of match objects.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the reasons in the text table (--json keeps the reason codes).")
@click.option("--settings", "settings_src", default=None,
              help="Match settings: a JSON file or a JSON string (merged over the shipped defaults).")
def command(seekers_path: Path, vacancies_path: Path, seeker_id: str | None, vacancy_id: str | None, k: int,
            as_json: bool, settings_src: str | None, lang: str = "zh") -> None:
    """Rank vacancies for --seeker ID, or seekers for --vacancy ID, with the reasons."""
    if (seeker_id is None) == (vacancy_id is None):
        raise click.UsageError("Give exactly one of --seeker ID or --vacancy ID.")
    from matcher.core import Matcher, MatchSettings
    from matcher.io.loader import load_seekers, load_vacancies

    settings = MatchSettings.from_path_or_dict(settings_src)
    seekers = load_seekers(seekers_path).frame
    vacancies = load_vacancies(vacancies_path).frame
    m = Matcher(settings).fit(seekers, vacancies)
    try:
        if seeker_id is not None:
            matches = m.for_seeker(seeker_id, k)
            by, summary = "seeker", None
        else:
            matches = m.for_vacancy(vacancy_id, k)
            by, summary = "vacancy", m.last_vacancy_summary
    except UnknownIdError as exc:
        raise click.ClickException(str(exc)) from None
    records = []
    for x in matches:
        d = x.to_dict()
        d["other_id"] = d["vacancy_id"] if by == "seeker" else d["seeker_id"]
        records.append(d)
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return
    titles = {}
    if by == "seeker":
        titles = dict(zip(m.vacancies_["vacancy_id"].astype(str), m.vacancies_["title"].astype(str)))
        click.echo(f"求职者 {seeker_id} 的推荐岗位（前{k}个）:")
    else:
        vt = m.vacancies_.loc[m.vacancies_["vacancy_id"].astype(str) == str(vacancy_id), "title"]
        click.echo(f"岗位 {vacancy_id}（{vt.iloc[0] if len(vt) else ''}）的推荐人选（前{k}名）:")
    if not records:
        click.echo("（无可推荐结果：岗位已过期或没有可比较的记录）")
    else:
        click.echo(format_table(records, by, titles, lang))
    if summary:
        click.echo(f"\n候选人 {summary['candidates_considered']} 名；列表中重点群体 {summary['priority_in_list']} 名；"
                   f"若按岗位性别/年龄要求筛选将排除 {summary['would_exclude']} 名"
                   f"（其中重点群体 {summary['would_exclude_priority']} 名）。")
        for f in summary["flags"]:
            click.echo(f"⚠ {f['message_zh']}（{f['rule']}）")
