"""The `kdrama` command: subcommands that read like sentences.

    kdrama train
    kdrama similar "Soundtrack #1" --weekend
    kdrama show "Soundtrack #1"

Each subcommand module registers its own parsers and imports the engine (and scikit-learn) only
when its command runs, so `kdrama --help` stays fast. Commands from other packages (the service's
`kdrama serve`) register through the ``kdrama.commands`` entry point group, so this library never
imports them: the way simonw/llm lets plugins add commands.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence

from ..errors import KdramaError
from . import ask, data, models, query, training

__all__ = ["EXIT_USAGE", "build_parser", "main"]

EXIT_USAGE = 2
ENTRY_POINTS = "kdrama.commands"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kdrama", description="A 'more like this' engine for K-dramas.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in (training.register_train, query.register, ask.register, data.register, training.register, models.register, *_plugins()):
        register(sub)
    return parser


def _plugins():
    """``register(subparsers)`` callables other installed packages declare (e.g. service.cli:register)."""
    from importlib.metadata import entry_points

    for entry in sorted(entry_points(group=ENTRY_POINTS), key=lambda e: e.name):
        try:
            yield entry.load()
        except ImportError as exc:  # a plugin that cannot load must not break every other command
            print(f"warning: command {entry.name!r} is unavailable ({exc})", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except BrokenPipeError:
        # `kdrama similar ... | head -1`: the reader left; leave quietly (and silence the final flush)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KdramaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except sqlite3.Error as exc:  # the review store: locked past the wait, full disk, corrupt file
        print(f"error: review store: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # disk full, permission denied: say which file, not a traceback
        where = f" {exc.filename}:" if exc.filename else ""
        print(f"error:{where} {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


