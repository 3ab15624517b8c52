"""Subcommands registered by the modules they drive, so cli.py stays one screen of parsing.

Each entry is ``register(subparsers)``; it adds one or more subcommands.
"""

from __future__ import annotations

from . import ask_cli, evaluation, importers, ingest, retraining

REGISTRARS: list = [importers.register, evaluation.register, ingest.register, retraining.register, ask_cli.register]
REGISTRARS.append(__import__("service.cli", fromlist=["register"]).register)  # `kdrama serve`
