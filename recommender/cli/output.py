"""How results look in a terminal: runtimes, the results table, JSON."""

from __future__ import annotations

import json
import sys

__all__ = ["format_runtime", "format_table", "print_page", "say"]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def format_runtime(episodes: int | None, minutes: int | None) -> str:
    if episodes is None:
        return "? eps"
    if minutes is None:
        return f"{episodes} eps"
    total = episodes * minutes
    hours = f"{total / 60:.1f}".rstrip("0").rstrip(".")
    return f"{episodes} eps x {minutes} min = {hours} h"


def why(reasons: dict) -> str:
    """The reason column: same series, shared cast and crew, then shared tropes (else shared words)."""
    parts = []
    if reasons.get("same_franchise"):
        parts.append("same series")
    parts += [f"★ {name}" for name in reasons.get("shared_cast", [])[:2]]
    parts += [f"✎ {name}" for name in reasons.get("shared_crew", [])[:1]]
    themes = reasons.get("shared_tags", [])[:3] or [f'"{t}"' for t in reasons.get("shared_terms", [])[:3]]
    parts.append(", ".join(themes))
    return " · ".join(p for p in parts if p)


def format_table(results, empty_message: str = "") -> str:
    """One line per result; columns sized to the data, nothing cut mid-word."""
    if not results:
        return empty_message or "No show passed the filters."
    rows = [(r.title, str(r.year or ""), format_runtime(r.episodes, r.episode_minutes), r.network or "?",
             f"{r.score:5.3f}", why(r.reasons)) for r in results]
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    lines = []
    for rank, row in enumerate(rows, 1):
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True))
        lines.append(f"{rank:>2}. {cells}  {row[5]}".rstrip())
    return "\n".join(lines)


def print_page(page, as_json: bool) -> None:
    if as_json:  # stdout stays one JSON document; what the engine assumed goes to stderr
        for note in page.notes:
            say(note)
        print(json.dumps([r.to_dict() for r in page.results], indent=2, ensure_ascii=False))
        return
    for note in page.notes:
        print(note)
    seeds = ", ".join(f"{s.title} ({s.year})" for s in page.seeds)
    if seeds:
        print(f"More like {seeds}: {page.total} shows pass the filters\n")
    print(format_table(page.results, page.message()))
