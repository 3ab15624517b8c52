"""The plain-array encoders (recommender/encoders.py) against the scikit-learn objects they replace.

A query encodes its text with ``TermEncoder``/``TagEncoder``; training still fits scikit-learn. The
two must agree on every document of the bundled catalog (synopses and reviews) and on odd inputs
(empty, stop words only, unknown words, repeated words, Hangul, accents, apostrophes, hyphens), and
a saved model must load and answer without importing scikit-learn at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from recommender.encoders import TagEncoder, TermEncoder

ROOT = Path(__file__).resolve().parents[2]
ODD = ["", "   ", "the and of", "zzzqqq unknownword", "love love love love", "Friends-to-lovers, CO-HABITATION!",
       "사운드트랙 친구 연인", "café naïve résumé", "don't won't it's", "a", "Love " * 300, "42 1990s 2-3 x-y"]


def _bundled_texts() -> list[str]:
    import csv

    with open(ROOT / "data" / "shows.csv", newline="", encoding="utf-8") as handle:
        synopses = [row.get("synopsis") or "" for row in csv.DictReader(handle)]
    with open(ROOT / "data" / "reviews.jsonl", encoding="utf-8") as handle:
        reviews = [json.loads(line)["text"] for line in handle if line.strip()]
    return synopses + reviews


def _sklearn_rows(vectorizer, texts: list[str]) -> np.ndarray:
    from sklearn.preprocessing import normalize

    return normalize(vectorizer.transform(texts)).toarray()


@pytest.mark.parametrize("kind", ["review text", "fallback"])
def test_term_encoder_matches_tfidf_vectorizer_on_every_bundled_text(kind):
    from recommender.config import TrainConfig
    from recommender.features import _text_vectorizer

    texts = _bundled_texts()
    assert len(texts) > 1000
    if kind == "review text":
        vectorizer = _text_vectorizer(TrainConfig(), len(texts)).fit(texts)
    else:  # the vectorizer a catalog without usable words gets: no stop words, no sublinear tf
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(min_df=1, token_pattern=r"(?u)\b\w+\b", dtype=np.float32).fit(texts[:200])
    encoder = TermEncoder.from_sklearn(vectorizer)
    assert list(encoder.terms()) == list(vectorizer.get_feature_names_out())
    probe = texts[::7] + ODD
    want = _sklearn_rows(vectorizer, probe)
    got = np.vstack([encoder.encode(text) for text in probe])
    assert got.dtype == np.float32 and got.shape == want.shape
    assert np.array_equal(got != 0, want != 0)  # the same terms, exactly
    assert np.abs(got - want).max() < 1e-6


def test_tag_encoder_matches_dict_vectorizer_and_tfidf_transformer():
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(3)
    slugs = [f"tag=t{i}" for i in range(40)]
    rows = [{slug: float(rng.uniform(0.2, 1.0)) for slug in rng.choice(slugs, size=rng.integers(1, 8), replace=False)}
            for _ in range(300)]
    dict_vectorizer = DictVectorizer()
    tfidf = TfidfTransformer(sublinear_tf=False).fit(dict_vectorizer.fit_transform(rows))
    encoder = TagEncoder.from_sklearn(dict_vectorizer, tfidf)
    assert encoder.names() == list(dict_vectorizer.get_feature_names_out())
    queries = rows[:50] + [{}, {"tag=unknown": 1.0}, {"tag=t1": 1.0, "tag=nope": 1.0}]
    want = normalize(tfidf.transform(dict_vectorizer.transform(queries))).toarray()
    got = np.vstack([encoder.encode(q) for q in queries])
    assert np.array_equal(got != 0, want != 0)
    assert np.abs(got - want).max() < 1e-6


def test_encoders_refuse_what_they_do_not_cover():
    from sklearn.feature_extraction.text import TfidfVectorizer

    with pytest.raises(ValueError, match="unigrams"):
        TermEncoder.from_sklearn(TfidfVectorizer(ngram_range=(1, 2)).fit(["alpha beta gamma", "beta gamma delta"]))


def test_a_saved_model_loads_and_answers_without_scikit_learn(tiny_model_path):
    """A fresh interpreter where importing scikit-learn fails: load, recommend, text query, ask."""
    script = f"""
import sys
class NoSklearn:
    def find_spec(self, name, path=None, target=None):
        if name == "sklearn" or name.startswith("sklearn."):
            raise ImportError("scikit-learn is not needed to answer")
sys.meta_path.insert(0, NoSklearn())
from recommender import Recommender
model = Recommender.load({str(tiny_model_path)!r})
seed = model.catalog.shows[0].show_id
page = model.recommend(like=[seed], k=3, weekend=True)
text = model.recommend(text="friends to lovers, living together", k=3)
assert page.results and text.results, (page, text)
print("sklearn" in sys.modules, len(page.results), len(text.results))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "3", "3"]


def test_a_model_saved_with_scikit_learn_vectorizers_is_upgraded_on_load(tiny_model):
    """Files written before the encoders hold TfidfVectorizer/DictVectorizer objects: they still answer the same."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer

    from recommender.config import TrainConfig
    from recommender.features import _text_vectorizer

    texts = [s.synopsis or s.title for s in tiny_model.catalog.shows]
    old_text = _text_vectorizer(TrainConfig(), len(texts), max_terms=None)
    old_text.set_params(min_df=1, max_df=1.0).fit(texts)
    tags = DictVectorizer()
    tag_idf = TfidfTransformer().fit(tags.fit_transform([{"tag=a": 1.0}, {"tag=b": 1.0}]))
    state = dict(tiny_model.__getstate__())
    feature_set = state["features_"]
    old = feature_set.__dict__
    for name in ("text_encoder", "synopsis_encoder", "tag_encoder"):
        old.pop(name)
    old.update(text_vectorizer=old_text, synopsis_vectorizer=old_text, tag_vectorizer=tags, tag_idf=tag_idf)
    from recommender.model import Recommender

    restored = Recommender.__new__(Recommender)
    restored.__setstate__(state)
    upgraded = restored.__dict__["features_"]
    assert not hasattr(upgraded, "text_vectorizer")
    assert isinstance(upgraded.text_encoder, TermEncoder) and isinstance(upgraded.tag_encoder, TagEncoder)
    probe = texts[0]
    assert np.abs(upgraded.text_encoder.encode(probe) - _sklearn_rows(old_text, [probe])[0]).max() < 1e-6
