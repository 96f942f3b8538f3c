"""``matcher schema``: print the input columns, generated from :mod:`matcher.schema`.

For each file kind: every column's English name, the Chinese headers accepted
for it, whether it is required and its type; then, for each type, what a cell
may hold, with example cells and what the engine reads from them (parsed by
the normalisers as the help is printed, so it cannot drift from the code).
"""
from __future__ import annotations

import json

import click

from matcher.io.format_help import KINDS, LANGS, as_json, render_markdown, render_text


@click.command("schema")
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="Only this file kind (default: all of them).")
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True,
              help="Language of the explanations.")
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "json")), default="text",
              show_default=True, help="Plain text, Markdown tables (columns only) or JSON.")
def command(kind: str | None, lang: str, fmt: str) -> None:
    """Print the columns of the seekers, vacancies and outcomes files.

    Column names may be the English name or any Chinese header shown. The
    long description of the format is docs/input-format.md.
    """
    kinds = [kind] if kind else list(KINDS)
    if fmt == "json":
        click.echo(json.dumps(as_json(kinds, lang), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(render_markdown(kinds, lang), nl=False)
    else:
        click.echo(render_text(kinds, lang), nl=False)
