"""The supervised model's themes in the report data (analysis.notebook.model_themes) and user lexicons in prepare.

A small model is trained on a store's articles; ``report_data(model=...)`` then counts the themes the
model gives each article (positive score or primary), while lexicon mentions stay as they were.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.ingest import ingest
from analysis.corpus.store import load_corpus
from analysis.errors import UsageError
from analysis.model.theme_model import fit_model, predict_themes, save_model
from analysis.notebook.model_themes import PRESENCE_RULE, model_presence, with_model
from analysis.notebook.source import report_data

STORIES = {"trade": "Tariffs on steel imports rose again. The trade talks stalled over export quotas.",
           "migration": "Asylum claims at the border rose. Migrants waited for their deportation hearings.",
           "health": "Hospitals reported more flu patients. The vaccine supply for the clinics ran short."}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A store of 30 short articles on three themes (10 each)."""
    root = tmp_path_factory.mktemp("model-themes")
    rows = [{"title": f"{theme.title()} story {i}", "text": f"{text} Story {i}.", "date": f"2025-03-{1 + i:02d}",
             "source": "Harbor Gazette" if i % 2 else "Metro Ledger"}
            for theme, text in STORIES.items() for i in range(10)]
    (root / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ingest([root / "in.jsonl"], store=root / "store", progress=False)
    return root / "store"


@pytest.fixture(scope="module")
def model_file(store: Path, tmp_path_factory) -> Path:
    """A model trained on the store's articles, labelled by the theme of their story."""
    arts = load_corpus(store)
    labels = [next(t for t in STORIES if t.title() in title) for title in arts["title"]]
    model = fit_model(arts, labels, char_ngrams=None, lexicon_features=False)
    return save_model(model, tmp_path_factory.mktemp("model") / "three.model")


def test_presence_follows_the_models_themes():
    scores = pd.DataFrame({"article_id": ["a", "a", "b"], "theme": ["trade", "economy", "trade"],
                           "hits": [4, 1, 2], "present": [False, True, True], "terms": ["x", "y", "z"]})
    pred = pd.DataFrame({"article_id": ["a", "b"], "primary_theme": ["trade", "other"], "themes": [["trade"], []]})
    out = model_presence(scores, pred, ["trade", "health"]).set_index(["article_id", "theme"])
    assert out.loc[("a", "trade"), "present"]
    assert out.loc[("a", "economy"), "present"]  # not a theme of the model: the lexicons' rule stays
    assert not out.loc[("b", "trade"), "present"]  # 'other': carries nothing
    assert out.loc[("a", "trade"), "hits"] == 4 and len(out) == 3  # the lexicon hits are kept
    assert "positive" in PRESENCE_RULE
    only_model = model_presence(scores, pred, ["trade", "economy"]).set_index(["article_id", "theme"])
    assert not only_model.loc[("a", "economy"), "present"]  # a theme of the model it did not give


def test_report_data_counts_the_models_themes(store: Path, model_file: Path):
    arts = load_corpus(store)
    expected = Counter(t for ts in predict_themes(model_file, arts)["themes"] for t in ts)
    data = report_data(store, model=str(model_file))
    counts = data.theme_counts().set_index("theme")["n_articles_with_theme"]
    assert {t: int(n) for t, n in counts.items() if n and t in STORIES} == dict(expected)
    assert expected["trade"] >= 9 and expected["migration"] >= 9 and expected["health"] >= 9
    assert "supervised model three.model" in data.note
    plain = report_data(store)
    assert plain.corpus.hits.equals(data.corpus.hits)  # mentions still come from the lexicons


def test_missing_model_and_aggregates_are_usage_errors(store: Path, tmp_path: Path):
    corpus = report_data(store).corpus
    with pytest.raises(UsageError, match="model file not found"):
        with_model(corpus, tmp_path / "none.model")
    with pytest.raises(UsageError, match="cannot be combined with use_aggregates"):
        report_data(store, use_aggregates=True, lexicons=str(tmp_path))


def test_prepare_adds_a_user_theme_to_the_shipped_ones(store: Path, tmp_path: Path):
    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "flu.yml").write_text("id: flu\nlabel: Flu\ndescription: Influenza.\ncap_major: []\nsource: test\n"
                                 "terms:\n  - flu\n  - vaccine\n", encoding="utf-8")
    data = report_data(store, lexicons=str(lex))
    themes = set(data.corpus.scores["theme"])
    assert {"flu", "trade", "health"} <= themes
    assert "flu" in set(data.theme_counts()["theme"])  # a user theme is counted like a shipped one
    assert "flu" not in set(report_data(store).corpus.scores["theme"])
