"""The few named errors a user can see. Each message says what was expected and what to do.

Every one is a ``KdramaError``: the CLI turns it into one line and exit code 2, the service maps
each subclass to its HTTP status once (service/app.py). A bare ``ValueError`` escaping the engine
is a bug, not a user error.
"""

from __future__ import annotations

__all__ = [
    "ArtifactError", "DataError", "IncompatibleArtifactError", "InvalidQueryError", "KdramaError", "NotFittedError",
    "StoreError", "StoreFullError", "StoreLockedError", "UnknownShowError",
]


class KdramaError(Exception):
    """Base class: anything the CLI turns into a one-line message and exit code 2."""


class DataError(KdramaError):
    """An input file is missing, empty, unreadable, or (with --strict) has a bad row."""


class UnknownShowError(KdramaError, LookupError):
    """A title or id that is not in the catalog; carries the closest matches."""

    def __init__(self, query: str, n_shows: int, suggestions: list[str], field: str = ""):
        self.query = query
        self.suggestions = suggestions
        self.field = field  # the query field that named it ("like", "exclude", ...), when known
        hint = f"; did you mean: {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        named = f"{field} " if field and field not in ("title", "like") else ""  # "show_id 'x' is not ...", "exclude 'y' ..."
        super().__init__(f"{named}{query!r} is not in the catalog ({n_shows} shows){hint}")


class InvalidQueryError(KdramaError, ValueError):
    """A query value out of range, contradictory, or unknown; names the field (and suggestions)."""

    def __init__(self, field: str, message: str, suggestions: list[str] | None = None, fields: tuple[str, ...] = ()):
        self.field = field
        self.fields = fields or (field,)  # every field involved, for contradictions ("min_year", "max_year")
        self.suggestions = list(suggestions or [])
        hint = f"; did you mean: {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(message + hint)


class NotFittedError(KdramaError, ValueError):
    """A method that needs a trained model was called before fit()."""


class ArtifactError(KdramaError):
    """The model file is missing, corrupt, or fails its signature check."""


class IncompatibleArtifactError(ArtifactError):
    """The model file was written with another schema version: retrain it."""


class StoreError(KdramaError):
    """The review store cannot be read or written (locked, full, unreachable)."""


class StoreLockedError(StoreError):
    """Another writer holds the store's lock for longer than we wait: try again shortly."""


class StoreFullError(StoreError):
    """The disk under the store is full: nothing was stored."""
