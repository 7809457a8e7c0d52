"""Tests of the theme model's feature blocks (analysis.model.features)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import schema
from analysis.errors import UsageError
from analysis.model.features import (
    BLOCKS,
    article_docs,
    available_blocks,
    build_vectorizers,
    feature_blocks,
    feature_config,
    headlines,
    lexicon_matrix,
    stack_blocks,
)

DOCS = ["Steel tariffs rise\n\nThe tariffs on steel imports rise again.",
        "Asylum claims at the border\n\nMigrants wait at the border for asylum hearings.",
        "Tariffs and asylum\n\nTrade tariffs and border asylum rules."]


def test_article_docs_joins_headline_and_body_fields():
    arts = pd.DataFrame({"title": ["T", None], "text": ["B.", "Only body."], "extra": ["X", ""]})
    assert article_docs(arts, ("title", "text", "extra")) == ["T\n\nB.\n\nX", "Only body."]
    with pytest.raises(UsageError, match="no column"):
        article_docs(arts, ("title", "summary"))


def test_blocks_follow_the_config_and_transform_consistently():
    cfg = feature_config((2, 4), lexicon_features=True)
    assert available_blocks(cfg) == set(BLOCKS)
    vecs = build_vectorizers(cfg, ["word", "title", "char"])
    fitted = feature_blocks(vecs, cfg, DOCS, fit=True)
    again = feature_blocks(vecs, cfg, DOCS)
    assert list(fitted) == ["word", "title", "char", "lex"]
    for name in fitted:
        assert fitted[name].shape[0] == 3 and np.allclose(fitted[name].toarray(), again[name].toarray())
    assert fitted["lex"].shape[1] == 2 * len(schema.ALL_THEMES)
    assert headlines(DOCS)[2] == "Tariffs and asylum"
    assert set(vecs["title"].vocabulary_) == {"tariffs", "asylum"}  # headline terms in >= 2 headlines
    assert "border" in vecs["word"].vocabulary_


def test_lexicon_matrix_sees_theme_terms_in_headline():
    lex = lexicon_matrix(["Tariffs on steel\n\nTariffs again.", "Nothing here"]).toarray()
    trade = schema.ALL_THEMES.index("trade")
    k = len(schema.ALL_THEMES)
    assert lex[0, trade] > 0 and lex[0, k + trade] == 1.0 and not lex[1].any()


def test_stack_blocks_weights_and_order():
    cfg = feature_config(None, lexicon_features=False)
    blocks = feature_blocks(build_vectorizers(cfg, ["word", "title"]), cfg, DOCS, fit=True)
    x = stack_blocks(blocks, {"title": 0.5, "word": 1.0})  # stacked in BLOCKS order whatever the dict order
    n_word = blocks["word"].shape[1]
    assert np.allclose(x[:, n_word:].toarray(), 0.5 * blocks["title"].toarray())
    with pytest.raises(ValueError):
        stack_blocks(blocks, {})
