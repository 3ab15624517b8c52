"""`kdrama ingest` and `kdrama import`: bringing reviews and catalogs in."""

from __future__ import annotations

from pathlib import Path

from ..database import default_database_url
from ..paths import default_db, default_shows
from .output import say

__all__ = ["register"]


def cmd_ingest(args) -> int:
    from ..catalog import load_shows
    from ..database import open_store
    from ..ingest import Ingester

    shows, _ = load_shows(args.shows)
    with open_store(args.database or args.db) as store:
        ingester = Ingester(store, shows)
        reports = [ingester.ingest(path, title=args.title) for path in args.files]
        waiting = store.reviews_waiting()
    for report in reports:
        print(report.summary())
        for problem in report.problems:
            say(f"  {problem}" if problem.line else f"  {problem.path}: {problem.reason}")
    print(f"{waiting} review(s) waiting for a retrain: run `kdrama retrain`" if waiting else "nothing new to train on")
    return 1 if any(r.failed for r in reports) else 0


def cmd_import(args) -> int:
    from ..importers import import_kaggle, import_mdl

    if args.kind == "mdl":
        country = None if args.country.casefold() == "all" else args.country
        reports = import_mdl(args.titles, args.reviews, args.out, country=country, progress=say)
    else:
        reports = import_kaggle(args.dramas, args.out, actors=args.actors, progress=say)
    for report in reports:
        print(report.summary())
        for problem in report.problems[:20]:
            print(f"  skipped {problem}")
    return 0


def register(sub) -> None:
    from ..importers import DEFAULT_MDL_COUNTRY

    p = sub.add_parser("ingest", help="store reviews from CSV, JSONL, text or HTML files (new shows are created)")
    p.add_argument("files", nargs="+", metavar="FILE", help="review files: .csv/.jsonl rows, or a post (.txt/.md/.html)")
    p.add_argument("--title", help="the show every post is about (skips recognition; created if not in the catalog)")
    p.add_argument("--db", default=default_db(), help="review store (default $KDRAMA_DB_PATH or models/reviews.sqlite3)")
    p.add_argument("--database", default=default_database_url(),
                   help="sqlite:///path or postgresql://... (default $KDRAMA_DATABASE_URL, else --db)")
    p.add_argument("--shows", default=default_shows(), help="catalog to recognise shows in (default data/shows.csv)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("import", help="convert public data layouts into the project's shows/reviews files")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    m = kinds.add_parser("mdl", help="MyDramaList-style titles.csv [reviews.csv]")
    m.add_argument("titles", type=Path)
    m.add_argument("reviews", type=Path, nargs="?")
    m.add_argument("--country", default=DEFAULT_MDL_COUNTRY,
                   help=f'keep only this country (default "{DEFAULT_MDL_COUNTRY}": the engine recommends K-dramas; "all" keeps every country)')
    m.add_argument("--out", type=Path, default=Path("imported"))
    m.set_defaults(func=cmd_import)
    k = kinds.add_parser("kaggle", help="Kaggle korean_drama.csv [--actors wiki_actors.csv]")
    k.add_argument("dramas", type=Path)
    k.add_argument("--actors", type=Path)
    k.add_argument("--out", type=Path, default=Path("imported"))
    k.set_defaults(func=cmd_import)
