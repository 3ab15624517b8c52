"""Subcommands registered by the modules they drive, so cli.py stays one screen of parsing.

Each entry is ``register(subparsers)``; it adds one or more subcommands.
"""

from __future__ import annotations

from . import evaluation, importers, ingest, models_cli, retraining

REGISTRARS: list = [importers.register, evaluation.register, ingest.register, retraining.register]
REGISTRARS.append(__import__("service.cli", fromlist=["register"]).register)  # `kdrama serve`
REGISTRARS.append(models_cli.register)  # `kdrama models list|rollback|export` (PostgreSQL)
