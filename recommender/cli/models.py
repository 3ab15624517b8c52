"""`kdrama models list|rollback VERSION|export`: the model versions kept in PostgreSQL.

    kdrama models list --database postgresql://kdrama@db/kdrama
    kdrama models rollback 20261201T101500.123456Z-1a2b3c4d    # every replica swaps within a poll
    kdrama models export --out models/model.joblib              # back to one machine, or to inspect
    kdrama models rollback --file backups/model.joblib          # one machine: put an older model file back
"""

from __future__ import annotations

import json

from ..database import default_database_url, is_postgres
from ..errors import DataError
from ..paths import default_model

__all__ = ["register"]


def register(sub) -> None:
    p = sub.add_parser("models", help="list, roll back or export the model versions kept in PostgreSQL")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="kept versions, the one serving first")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    back = actions.add_parser("rollback", help="serve an older kept version again, on every replica (or, with "
                              "--file, an older model file on one machine)")
    back.add_argument("version", nargs="?", help="a version from `kdrama models list` (PostgreSQL)")
    back.add_argument("--file", help="an older model file to put back at --model; a running service takes it "
                      "although its version is older (without this, it refuses an older file)")
    back.add_argument("--model", default=default_model(), help="the model file served (default $KDRAMA_MODEL_PATH "
                      "or models/model.joblib)")
    export = actions.add_parser("export", help="write one version (default: the one serving) to a model file")
    export.add_argument("version", nargs="?", help="a version from `kdrama models list` (default: the one serving)")
    export.add_argument("--out", required=True, help="model file to write, e.g. models/model.joblib")
    for action in (listing, back, export):
        action.add_argument("--database", default=default_database_url(),
                            help="postgresql://... (default $KDRAMA_DATABASE_URL)")
    p.set_defaults(func=cmd_models)


def cmd_models(args) -> int:
    if args.action == "rollback" and args.file:
        return _rollback_file(args.file, args.model)
    if args.action == "rollback" and not args.version:
        raise DataError("say what to roll back to: a VERSION from `kdrama models list` (PostgreSQL), or --file OLD.joblib")
    if not is_postgres(args.database):
        raise DataError("model versions live in the database only on PostgreSQL: give --database postgresql://... "
                        "(or set KDRAMA_DATABASE_URL); on SQLite the model is the file models/model.joblib")
    from ..model_registry import ModelRegistry
    from ..store_pg import PostgresReviewStore

    with PostgresReviewStore(args.database) as store:
        registry = ModelRegistry(store)
        if args.action == "rollback":
            row = registry.rollback(args.version)
            print(f"serving {row.version} (trained {row.trained_at}) again; replicas swap to it within their poll interval")
        elif args.action == "export":
            row = registry.export(args.out, args.version)
            print(f"wrote {row.version} to {args.out} ({row.size / 1e6:.1f} MB); it verifies with $KDRAMA_ARTIFACT_KEY")
        else:
            _print_versions(registry.versions(), args.json)
    return 0


def _rollback_file(old: str, model: str) -> int:
    from ..artifact import rollback_artifact

    meta = rollback_artifact(old, model)
    print(f"{model} now holds {meta.get('model_version')} (trained {meta.get('trained_at')}), rolled back at "
          f"{meta['rolled_back_at']}; running services swap to it within a second")
    return 0


def _print_versions(versions, as_json: bool) -> None:
    if as_json:
        print(json.dumps([{**row.__dict__, "serving": i == 0} for i, row in enumerate(versions)], indent=2))
        return
    if not versions:
        print("no model in the database yet: run `kdrama retrain --database URL`")
        return
    for i, row in enumerate(versions):
        mark = "*" if i == 0 else " "
        print(f"{mark} {row.version:<36} trained {row.trained_at:<26} published {row.published_at[:19]}  "
              f"{row.meta.get('n_shows', '?')} shows, {row.meta.get('n_reviews', '?')} reviews, {row.size / 1e6:.1f} MB")
    print("(* = serving)")
