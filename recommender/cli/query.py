"""`kdrama similar`, `recommend`, `show`, `search`: asking the engine."""

from __future__ import annotations

import argparse
import json

from ..paths import default_model
from .output import format_runtime, print_page

__all__ = ["add_filters", "load_model", "query_from", "register"]


def load_model(args):
    from ..model import Recommender

    return Recommender.load(args.model)


def add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=default_model(), help="model file (default $KDRAMA_MODEL_PATH or models/model.joblib)")


def add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-k", type=int, default=10, help="how many results (default 10)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many results (paging)")
    parser.add_argument("--max-episodes", type=int, help="at most this many episodes")
    parser.add_argument("--min-episodes", type=int, help="at least this many episodes")
    parser.add_argument("--max-minutes", type=int, help="total runtime at most this many minutes")
    parser.add_argument("--weekend", action="store_true",
                        help="total runtime fits a weekend (720 min; $KDRAMA_WEEKEND_MINUTES changes it)")
    parser.add_argument("--min-year", type=int)
    parser.add_argument("--max-year", type=int)
    parser.add_argument("--network", action="append", help="only this network or platform, e.g. Netflix (repeatable: any of them)")
    parser.add_argument("--genre", action="append", help="must have this genre (repeatable)")
    parser.add_argument("--tag", action="append", help="must have this trope tag (repeatable)")
    parser.add_argument("--exclude-tag", action="append", help="must not have this tag (repeatable)")
    parser.add_argument("--country", action="append", help='only shows from this country, e.g. "South Korea" (repeatable)')
    parser.add_argument("--exclude", action="append", help="leave this show out, e.g. one already seen (repeatable)")
    parser.add_argument("--mmr", type=float, help="diversity re-ranking, in (0, 1] (1 = pure relevance)")
    parser.add_argument("--no-franchise", action="store_true",
                        help="leave out the seed's own other seasons and sister series (only new discoveries)")
    parser.add_argument("--json", action="store_true", help="print a JSON list of result objects")
    add_model(parser)


def query_from(args, **seeds):
    """The Query these flags ask for: validated by the same rules as the HTTP API's."""
    from ..query import Query, weekend_minutes

    return Query.build(
        **seeds, k=args.k, offset=args.offset, max_episodes=args.max_episodes, min_episodes=args.min_episodes,
        max_minutes=args.max_minutes, weekend=args.weekend, weekend_minutes=weekend_minutes(), min_year=args.min_year,
        max_year=args.max_year, networks=args.network or (), genres=args.genre or (), tags=args.tag or (),
        exclude_tags=args.exclude_tag or (), countries=args.country or (), exclude=args.exclude or (), mmr=args.mmr,
        include_franchise=not args.no_franchise,
    )


def cmd_similar(args) -> int:
    query = query_from(args, like=[args.title])  # a bad flag fails before the model loads
    print_page(load_model(args).recommend(query), args.json)
    return 0


def cmd_recommend(args) -> int:
    query = query_from(args, like=args.like or (), unlike=args.unlike or (), text=args.text or "")
    print_page(load_model(args).recommend(query), args.json)
    return 0


def cmd_show(args) -> int:
    model = load_model(args)
    resolution = model.resolve(args.title)
    details = model.describe(resolution.show_id)
    data = details.to_dict()
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    if resolution.ambiguous:
        print(resolution.note())
    show = details.show
    print(f"{show.title} ({show.year}) [{show.show_id}]")
    if show.native_title:
        print(f"  native title: {show.native_title}")
    print(f"  {format_runtime(show.episodes, show.episode_minutes)} on {show.network or 'unknown network'}"
          + (f", {show.country}" if show.country else ""))
    for key in ("genres", "tags", "cast", "directors", "writers", "aliases"):
        if data[key]:
            print(f"  {key}: {', '.join(data[key])}")
    print(f"  reviews: {data['review_count']}")
    if show.synopsis:
        print(f"\n  {show.synopsis}")
    return 0


def cmd_search(args) -> int:
    found = load_model(args).search(args.query, limit=args.limit)
    if not found:
        print(f"no show matches {args.query!r}")
        return 1
    for show in found:
        print(f"{show.show_id:<40} {show.title} ({show.year})")
    return 0


def register(sub) -> None:
    p = sub.add_parser("similar", help="shows like one you loved")
    p.add_argument("title", help="a title, alias, Hangul title or show id")
    add_filters(p)
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("recommend", help="shows like several you loved, unlike others, or matching a wish")
    p.add_argument("--like", action="append", help="a show you liked (repeatable)")
    p.add_argument("--unlike", action="append", help="a show to steer away from (repeatable)")
    p.add_argument("--text", help="what you want, in words: 'friends to lovers, living together'")
    add_filters(p)
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("show", help="one show's facts and tags")
    p.add_argument("title")
    p.add_argument("--json", action="store_true")
    add_model(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("search", help="find shows by title (fuzzy, aliases, Hangul)")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    add_model(p)
    p.set_defaults(func=cmd_search)
