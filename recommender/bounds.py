"""What one review may be, and how big an input file may be: one home for every door.

The API (``POST /reviews``), ``kdrama ingest`` (rows and posts) and the file loaders
(``load_reviews``, used by training) all check a review with ``check_review_text`` and a file
with ``check_file_size``, so a text refused at one door is refused at every other, with the same
message naming the limit.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "MAX_POST_BYTES", "MAX_REVIEW_CHARS", "check_file_size", "check_review_text", "is_blank"]

# the longest real review in the MyDramaList dump (../shared/data) has 17,647 characters
MAX_REVIEW_CHARS = 20_000
# one blog post or page, markup and chrome included; a 50 MB page took minutes and 1 GB to clean
MAX_POST_BYTES = 2_000_000
# a CSV/JSONL file of many rows (the MyDramaList reviews file is 22 MB)
MAX_FILE_BYTES = 200_000_000

# shown as blank although not whitespace: Hangul fillers, the braille blank, the invisible operators
_INVISIBLE = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e"}


def is_blank(text: str) -> bool:
    """True when nothing in ``text`` would be seen: spaces, zero-width and other format characters."""
    return not any(not ch.isspace() and ch not in _INVISIBLE and unicodedata.category(ch) not in ("Cf", "Cc", "Zs",
                   "Zl", "Zp", "Mn", "Me", "Cs", "Co", "Cn") for ch in text)


def check_review_text(text: str, limit: int = MAX_REVIEW_CHARS) -> str:
    """``text`` if it is a review; ValueError saying which limit it breaks."""
    if is_blank(text):
        raise ValueError("text has no visible characters (only spaces, zero-width or other invisible characters)")
    if len(text) > limit:
        raise ValueError(f"text is {len(text):,} characters; a review may have at most {limit:,} (MAX_REVIEW_CHARS)")
    return text


def check_file_size(path: str | Path, limit: int) -> None:
    """ValueError naming the limit when the file at ``path`` is bigger than ``limit`` bytes."""
    size = os.stat(path).st_size
    if size > limit:
        raise ValueError(f"{path}: file is {size:,} bytes; the limit for this kind of input is {limit:,} bytes "
                         f"({'MAX_POST_BYTES' if limit == MAX_POST_BYTES else 'MAX_FILE_BYTES'})")
