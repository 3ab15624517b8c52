"""`kdrama ask "a short friends to lovers romance for this weekend, nothing like Snowdrop"`.

Prints how the request was understood, what was not, then the results table.
"""

from __future__ import annotations

import json

from .output import print_page
from .query import add_model, load_model

__all__ = ["register"]


def cmd_ask(args) -> int:
    from ..ask import answer
    from ..query import weekend_minutes

    # the model's own catalog: titles resolve exactly as `kdrama similar` resolves them
    result = answer(load_model(args), args.request, k=args.k, weekend_minutes=weekend_minutes())
    interpretation, page = result.interpretation, result.page
    if args.json:
        print(json.dumps({"interpretation": interpretation.to_dict(), "note": result.note, "total": page.total,
                          "results": [r.to_dict() for r in page.results]}, indent=2, ensure_ascii=False))
        return 0
    print(interpretation.describe())
    if interpretation.unused:
        print(interpretation.describe_unused())
    if result.note:
        print(f"note: {result.note}")
    print()
    if not page.results:
        print("No show passes every piece above: ask again without one of them.")
        return 0
    print_page(page, as_json=False)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("ask", help="ask in your own words: 'like Soundtrack #1 but for one evening, no love triangle'")
    p.add_argument("request", help="what you want, in words")
    p.add_argument("-k", type=int, default=10, help="how many results (default 10)")
    p.add_argument("--json", action="store_true", help="print the interpretation and the results as JSON")
    add_model(p)
    p.set_defaults(func=cmd_ask)
