"""Command-line subcommands, one module each; wired together in :mod:`matcher.cli`."""
