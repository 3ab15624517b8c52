"""`kdrama train`, `retrain` and `evaluate`: building models and measuring them."""

from __future__ import annotations

from ..database import default_database_url
from ..paths import default_db, default_model, default_review_files, default_shows
from .output import say

__all__ = ["register", "register_train"]


def cmd_train(args) -> int:
    from ..training import train

    reviews = args.reviews if args.reviews is not None else default_review_files()
    result = train(args.shows, reviews, args.out, strict=args.strict, force=not args.if_changed,
                   progress=None if args.quiet else say)
    print(result.summary())
    return 0


def cmd_retrain(args) -> int:
    from ..database import open_store
    from ..retraining import retrain

    reviews = args.reviews if args.reviews is not None else default_review_files()
    with open_store(args.database or args.db) as store:
        result = retrain(args.shows, reviews, store, args.out, force=args.force, progress=None if args.quiet else say)
        extra = f" (store: {store.count_reviews()} reviews, {len(store.shows())} new shows)"
    print(result.summary() + extra)
    if result.note:
        say(f"warning: {result.note}")
    return 0


def cmd_evaluate(args) -> int:
    from ..evaluation import format_folds, format_table, run

    reviews = args.reviews if args.reviews is not None else default_review_files()
    results, satisfaction = run(args.shows, reviews, args.truth, args.model, args.json_path, args.chart,
                                with_baselines=not args.no_baselines, progress=say, folds=args.folds)
    print(format_table(results))
    if args.folds > 1:
        print()
        print(format_folds(results[0], args.folds))
    print(f"\nfilter satisfaction (weekend + max 8 episodes): {satisfaction:.3f}")
    return 0


def register_train(sub) -> None:
    p = sub.add_parser("train", help="train a model from a shows file and review files")
    p.add_argument("--shows", default=default_shows(), help="catalog (default $KDRAMA_SHOWS_PATH or data/shows.csv)")
    p.add_argument("--reviews", nargs="*", help="review files, CSV or JSONL (default $KDRAMA_REVIEWS_PATHS or data/reviews.jsonl)")
    p.add_argument("--out", default=default_model())
    p.add_argument("--strict", action="store_true", help="any bad row is an error instead of a warning")
    p.add_argument("--if-changed", action="store_true", help="skip training when the inputs are unchanged")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_train)


def register(sub) -> None:
    p = sub.add_parser("retrain", help="retrain on the catalog plus every stored review (skipped when nothing changed)")
    p.add_argument("--db", default=default_db(), help="review store (default $KDRAMA_DB_PATH or models/reviews.sqlite3)")
    p.add_argument("--database", default=default_database_url(), help="sqlite:///path or postgresql://... (default "
                   "$KDRAMA_DATABASE_URL, else --db); on PostgreSQL the model is published there, not to --out")
    p.add_argument("--shows", default=default_shows(), help="catalog (default $KDRAMA_SHOWS_PATH or data/shows.csv)")
    p.add_argument("--reviews", nargs="*", help="review files besides the store (default data/reviews.jsonl)")
    p.add_argument("--out", default=default_model(), help="model file to write (default $KDRAMA_MODEL_PATH or models/model.joblib)")
    p.add_argument("--force", action="store_true", help="retrain even when the inputs are unchanged")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_retrain)

    p = sub.add_parser("evaluate", help="score the engine and baselines against (seed, recommended) pairs")
    p.add_argument("--shows", default=default_shows())
    p.add_argument("--reviews", nargs="*", default=None, help="review files (default data/reviews.jsonl)")
    p.add_argument("--truth", required=True, help="CSV/JSONL of pairs: seed|show_id|mdl_id, target|rec_show_id|rec_mdl_id")
    p.add_argument("--model", help="score this trained model instead of training one")
    p.add_argument("--json", dest="json_path", help="write the metrics as JSON here")
    p.add_argument("--chart", help="draw a PNG bar chart here (needs the 'chart' extra: pip install 'kdrama[chart]')")
    p.add_argument("--no-baselines", action="store_true")
    p.add_argument("--folds", type=int, default=0, metavar="N",
                   help="also report the engine's nDCG@10 and hit@10 on N hash folds of the seeds (the spread)")
    p.set_defaults(func=cmd_evaluate)
