"""The `kdrama` command: subcommands that read like sentences.

    kdrama train
    kdrama similar "Soundtrack #1" --weekend
    kdrama show "Soundtrack #1"
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .errors import KdramaError, UnknownShowError
from .paths import default_model, default_review_files, default_shows

EXIT_USAGE = 2


def _default_model() -> str:
    return default_model()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- formatting -----------------------------------------------------------------------------
def format_runtime(episodes: int | None, minutes: int | None) -> str:
    if episodes is None:
        return "? eps"
    if minutes is None:
        return f"{episodes} eps"
    total = episodes * minutes
    hours = f"{total / 60:.1f}".rstrip("0").rstrip(".")
    return f"{episodes} eps x {minutes} min = {hours} h"


def format_table(results) -> str:
    if not results:
        return "No show passed the filters. Loosen --max-episodes / --weekend or the tag filters."
    lines = []
    width = min(max(len(r.title) for r in results), 40)
    for rank, r in enumerate(results, 1):
        why = ", ".join(r.reasons.get("shared_tags", [])[:3]) or ", ".join(r.reasons.get("shared_terms", [])[:3])
        lines.append(
            f"{rank:>2}. {r.title[:40]:<{width}}  {r.year or '':<4}  {format_runtime(r.episodes, r.episode_minutes):<24}"
            f"  {r.network[:12]:<12}  {r.score:5.3f}  {why}"
        )
    return "\n".join(lines)


# ---- subcommands --------------------------------------------------------------------------------
def cmd_train(args) -> int:
    from .training import train

    reviews = args.reviews if args.reviews is not None else default_review_files()
    result = train(args.shows, reviews, args.out, strict=args.strict, force=not args.if_changed,
                   progress=None if args.quiet else _say)
    print(result.summary())
    return 0


def _load(args):
    from .model import Recommender

    return Recommender.load(args.model)


def _filters(args) -> dict:
    return dict(
        k=args.k, offset=args.offset, max_episodes=args.max_episodes, max_minutes=args.max_minutes,
        weekend=args.weekend, min_year=args.min_year, max_year=args.max_year, network=args.network,
        genres=args.genre or (), tags=args.tag or (), exclude_tags=args.exclude_tag or (),
        exclude=args.exclude or (), mmr=args.mmr,
    )


def _print_page(page, as_json: bool) -> None:
    if as_json:
        print(json.dumps([r.to_dict() for r in page.results], indent=2, ensure_ascii=False))
        return
    seeds = ", ".join(f"{s.title} ({s.year})" for s in page.seeds)
    if seeds:
        print(f"More like {seeds}: {page.total} shows pass the filters\n")
    print(format_table(page.results))


def cmd_similar(args) -> int:
    model = _load(args)
    page = model.recommend(like=[args.title], **_filters(args))
    _print_page(page, args.json)
    return 0


def cmd_recommend(args) -> int:
    model = _load(args)
    page = model.recommend(like=args.like or (), unlike=args.unlike or (), text=args.text or "", **_filters(args))
    _print_page(page, args.json)
    return 0


def cmd_show(args) -> int:
    model = _load(args)
    show = model.resolve(args.title)
    data = show.to_dict()
    data["tags"] = list(model.tags_of(show.show_id))
    data["reviews"] = int(model.review_counts_[model.index_[show.show_id]])
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"{show.title} ({show.year}) [{show.show_id}]")
    if show.native_title:
        print(f"  native title: {show.native_title}")
    print(f"  {format_runtime(show.episodes, show.episode_minutes)} on {show.network or 'unknown network'}")
    for key in ("genres", "tags", "cast", "aliases"):
        if data[key]:
            print(f"  {key}: {', '.join(data[key])}")
    print(f"  reviews: {data['reviews']}")
    if show.synopsis:
        print(f"\n  {show.synopsis}")
    return 0


def cmd_search(args) -> int:
    model = _load(args)
    for show in model.catalog_.search(args.query, limit=args.limit):
        print(f"{show.show_id:<40} {show.title} ({show.year})")
    return 0


# ---- parser -------------------------------------------------------------------------------------
def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-k", type=int, default=10, help="how many results (default 10)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many results (paging)")
    parser.add_argument("--max-episodes", type=int, help="at most this many episodes")
    parser.add_argument("--max-minutes", type=int, help="total runtime at most this many minutes")
    parser.add_argument("--weekend", action="store_true", help="total runtime fits a weekend (720 min by default)")
    parser.add_argument("--min-year", type=int)
    parser.add_argument("--max-year", type=int)
    parser.add_argument("--network", help="only this network or platform, e.g. Netflix")
    parser.add_argument("--genre", action="append", help="must have this genre (repeatable)")
    parser.add_argument("--tag", action="append", help="must have this trope tag (repeatable)")
    parser.add_argument("--exclude-tag", action="append", help="must not have this tag (repeatable)")
    parser.add_argument("--exclude", action="append", help="leave this show out, e.g. one already seen (repeatable)")
    parser.add_argument("--mmr", type=float, help="diversity re-ranking, 0..1 (1 = pure relevance)")
    parser.add_argument("--json", action="store_true", help="print a JSON list of result objects")
    parser.add_argument("--model", default=_default_model(), help="model file (default models/model.joblib)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kdrama", description="A 'more like this' engine for K-dramas.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("train", help="train a model from a shows file and review files")
    p.add_argument("--shows", default=default_shows(), help="catalog (default $KDRAMA_SHOWS_PATH or data/shows.csv)")
    p.add_argument("--reviews", nargs="*", help="review files, CSV or JSONL (default $KDRAMA_REVIEWS_PATHS or data/reviews.jsonl)")
    p.add_argument("--out", default=_default_model())
    p.add_argument("--strict", action="store_true", help="any bad row is an error instead of a warning")
    p.add_argument("--if-changed", action="store_true", help="skip training when the inputs are unchanged")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("similar", help="shows like one you loved")
    p.add_argument("title", help="a title, alias, Hangul title or show id")
    _add_filters(p)
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("recommend", help="shows like several you loved, unlike others, or matching a wish")
    p.add_argument("--like", action="append", help="a show you liked (repeatable)")
    p.add_argument("--unlike", action="append", help="a show to steer away from (repeatable)")
    p.add_argument("--text", help="what you want, in words: 'friends to lovers, living together'")
    _add_filters(p)
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("show", help="one show's facts and tags")
    p.add_argument("title")
    p.add_argument("--json", action="store_true")
    p.add_argument("--model", default=_default_model())
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("search", help="find shows by title (fuzzy, aliases, Hangul)")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--model", default=_default_model())
    p.set_defaults(func=cmd_search)

    for register in _extensions():
        register(sub)
    return parser


def _extensions():
    """Subcommands that live beside the modules they drive (service, store, evaluation)."""
    from . import commands

    return commands.REGISTRARS


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except UnknownShowError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KdramaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # disk full, permission denied: say which file, not a traceback
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error:{where} {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
