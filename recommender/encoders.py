"""Query-time text and tag encoders: what a fitted vectorizer knows, as plain arrays.

Training fits scikit-learn's ``TfidfVectorizer`` (text, synopsis) and ``DictVectorizer`` +
``TfidfTransformer`` (tags); a query only needs to turn one text into one row of the same space.
The artifact keeps just that: the vocabulary, the IDF weights and the analyzer's settings (token
pattern, stop words, lower-casing, sublinear tf). So loading a model and answering a query never
import scikit-learn (1.3 s of a cold start, because ``sklearn.base`` pulls in ``scipy.stats``), and
the pickle holds no class of another library whose layout may change between its versions.

``encode`` follows scikit-learn's ``transform`` step by step (lower-case, ``findall`` of the token
pattern, stop words dropped, counts of in-vocabulary terms, ``log(tf) + 1`` when sublinear, times
IDF, L2 norm accumulated in double precision); tests/recommender/test_encoders.py compares the two
on every catalog document.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["TagEncoder", "TermEncoder", "l2_normalized"]


@lru_cache(maxsize=8)
def _pattern(token_pattern: str) -> re.Pattern[str]:
    return re.compile(token_pattern)


def l2_normalized(values: np.ndarray) -> np.ndarray:
    """``values`` (float32) over their L2 norm (summed in double, as scikit-learn does); zeros stay zeros."""
    norm = float(np.sqrt(np.sum(values.astype(np.float64) ** 2)))
    if norm == 0.0:
        return values.astype(np.float32)
    return (values / norm).astype(np.float32)


@dataclass(frozen=True)
class TermEncoder:
    """A fitted TF-IDF vectorizer's vocabulary and weights; ``encode`` turns one text into its row."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # float32, one weight per column
    token_pattern: str
    stop_words: frozenset[str]
    lowercase: bool = True
    sublinear_tf: bool = False

    @classmethod
    def from_sklearn(cls, vectorizer: Any) -> TermEncoder:
        """From a fitted ``TfidfVectorizer`` (word analyzer, unigrams, L2 norm, IDF on)."""
        if vectorizer.analyzer != "word" or tuple(vectorizer.ngram_range) != (1, 1) or vectorizer.norm != "l2" \
                or not vectorizer.use_idf or vectorizer.strip_accents or vectorizer.preprocessor or vectorizer.tokenizer \
                or vectorizer.binary:
            raise ValueError("TermEncoder covers word unigrams with IDF and an L2 norm only")
        return cls(vocabulary={str(term): int(col) for term, col in vectorizer.vocabulary_.items()},
                   idf=np.asarray(vectorizer.idf_, dtype=np.float32), token_pattern=vectorizer.token_pattern,
                   stop_words=frozenset(vectorizer.get_stop_words() or ()), lowercase=bool(vectorizer.lowercase),
                   sublinear_tf=bool(vectorizer.sublinear_tf))

    def __len__(self) -> int:
        return len(self.idf)

    def terms(self) -> np.ndarray:
        """The vocabulary in column order (``get_feature_names_out``)."""
        out = np.empty(len(self.idf), dtype=object)
        for term, col in self.vocabulary.items():
            out[col] = term
        return out

    def encode_sparse(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(sorted columns, float32 values) of ``text``'s L2-normalized TF-IDF row."""
        if self.lowercase:
            text = text.lower()
        vocabulary, stop = self.vocabulary, self.stop_words
        counts = Counter(vocabulary[token] for token in _pattern(self.token_pattern).findall(text)
                         if token not in stop and token in vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        cols = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        values = np.fromiter((counts[c] for c in cols.tolist()), dtype=np.float32, count=len(cols))
        if self.sublinear_tf:
            values = np.log(values) + np.float32(1.0)
        return cols, l2_normalized(values * self.idf[cols])

    def encode(self, text: str) -> np.ndarray:
        """``text`` as a dense float32 row (the query side of the stacked space)."""
        row = np.zeros(len(self.idf), dtype=np.float32)
        cols, values = self.encode_sparse(text)
        row[cols] = values
        return row


@dataclass(frozen=True)
class TagEncoder:
    """The fitted tag vocabulary (``tag=<slug>`` features) and IDF: found tropes -> one tag row."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # float32, one weight per column

    @classmethod
    def from_sklearn(cls, dict_vectorizer: Any, tfidf: Any) -> TagEncoder:
        """From a fitted ``DictVectorizer`` and the ``TfidfTransformer`` fitted on its output (no sublinear tf)."""
        if tfidf.sublinear_tf or tfidf.norm != "l2" or not tfidf.use_idf:
            raise ValueError("TagEncoder covers an IDF transform with an L2 norm only")
        vocabulary = {str(name): int(col) for name, col in dict_vectorizer.vocabulary_.items()}
        idf = np.asarray(tfidf.idf_, dtype=np.float64)
        if len(idf) != len(vocabulary):  # a catalog without tags: the transformer was fitted on one empty column
            idf = np.ones(len(vocabulary))
        return cls(vocabulary=vocabulary, idf=idf.astype(np.float32))

    def __len__(self) -> int:
        return len(self.idf)

    def names(self) -> list[str]:
        """Feature names in column order (``tag=<slug>``)."""
        return sorted(self.vocabulary, key=self.vocabulary.get)

    def encode(self, found: dict[str, float]) -> np.ndarray:
        """Weights per ``tag=<slug>`` feature -> a dense, L2-normalized float32 row (unknown tags ignored)."""
        row = np.zeros(len(self.idf), dtype=np.float32)
        for name, weight in found.items():
            col = self.vocabulary.get(name)
            if col is not None:
                row[col] = weight
        nonzero = np.flatnonzero(row)
        row[nonzero] = l2_normalized(row[nonzero] * self.idf[nonzero])
        return row
