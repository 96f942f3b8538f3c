"""The ``matcher`` command line: a thin face over the engine.

Each subcommand lives in its own module under :mod:`matcher.commands` and is
imported only when used, so ``matcher validate`` does not pay for Flask or
Dask. Deliberate errors (:class:`~matcher.errors.MatcherError`) are printed as
one clear paragraph with a non-zero exit code; an unexpected failure prints a
one-line message (set ``MATCHER_DEBUG=1`` to see the traceback) — never a
traceback at a user.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from matcher import __version__
from matcher.errors import MatcherError

#: command name -> (module, attribute)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("matcher.commands.validate", "command"),
    "generate": ("matcher.commands.generate", "command"),
    "code-titles": ("matcher.commands.code_titles", "command"),
    "match": ("matcher.commands.match", "command"),
    "batch": ("matcher.commands.batch", "command"),
    "report": ("matcher.commands.report", "command"),
    "learn": ("matcher.commands.learn", "command"),
    "import": ("webui.commands", "import_command"),
    "serve": ("webui.commands", "serve_command"),
    "create-user": ("webui.commands", "create_user_command"),
    "reset-password": ("webui.commands", "reset_password_command"),
    "backup": ("webui.commands", "backup_command"),
    "schema": ("matcher.commands.schema", "command"),
}

HELP = {
    "validate": "Check seeker/vacancy/outcome files; write rejects.csv and warnings.csv.",
    "generate": "Write a synthetic Panzhihua-like market (seekers, vacancies, outcomes).",
    "code-titles": "Code job titles against the 2022 occupational classification.",
    "match": "Rank vacancies for a seeker, or seekers for a vacancy, with reasons.",
    "batch": "Nightly batch: every seeker against every open post, both ways, crash-safe.",
    "report": "City report: why posts go unfilled, why seekers stay unmatched, which training helps.",
    "learn": "Learn hire and 180-day stay chances from recorded outcomes (writes a model and its card).",
    "import": "Load files into the web UI's database and refit the matcher.",
    "serve": "Run the staff web UI (waitress).",
    "create-user": "Create a staff user for the web UI.",
    "reset-password": "Set a temporary password for a web UI user (must be changed at next sign-in).",
    "backup": "Copy the web UI's SQLite database while it runs (online backup).",
    "schema": "Print the input columns: Chinese headers, required, type, accepted spellings.",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        try:
            cmd = getattr(importlib.import_module(module), attr)
        except ImportError as exc:
            raise click.ClickException(
                f"The '{name}' command is not available: {exc}. Reinstall the package "
                "(make install) to get its dependencies."
            ) from exc
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, HELP.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="matcher")
def cli() -> None:
    """Job-matching engine for a public employment service (攀枝花市就业服务)."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``matcher`` console script."""
    try:
        cli.main(args=argv, prog_name="matcher", standalone_mode=False)
    except MatcherError as exc:
        click.echo(f"Error: {exc}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except Exception as exc:  # never a traceback at a user
        if os.environ.get("MATCHER_DEBUG"):
            raise
        click.echo(f"Internal error ({type(exc).__name__}): {exc}. "
                   "Re-run with MATCHER_DEBUG=1 to see the details and report them.", err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
