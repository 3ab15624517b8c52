"""The few named errors a user can see. Each message says what was expected and what to do."""

from __future__ import annotations


class KdramaError(Exception):
    """Base class: anything the CLI turns into a one-line message and exit code 2."""


class DataError(KdramaError):
    """An input file is missing, empty, unreadable, or (with --strict) has a bad row."""


class UnknownShowError(KdramaError, LookupError):
    """A title or id that is not in the catalog; carries the closest matches."""

    def __init__(self, query: str, n_shows: int, suggestions: list[str]):
        self.query = query
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"{query!r} is not in the catalog ({n_shows} shows){hint}")


class NotFittedError(KdramaError, ValueError):
    """A method that needs a trained model was called before fit()."""


class ArtifactError(KdramaError):
    """The model file is missing, corrupt, or fails its signature check."""


class IncompatibleArtifactError(ArtifactError):
    """The model file was written with another schema version: retrain it."""


class StoreError(KdramaError):
    """The review store cannot be read or written (locked, full, unreachable)."""
