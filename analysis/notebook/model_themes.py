"""The supervised model's themes in the report data: which articles *carry* a theme comes from a trained model.

``report --model FILE`` (notebook parameter ``model``) calls :func:`with_model` on the prepared corpus.
The model's presence rule: an article carries a theme when the model's score for it is positive
(above the decision boundary) or it is the article's primary (highest-scoring) theme; ``other`` is
never carried (:func:`analysis.model.theme_model.predict_themes`, column ``themes``). The dictionary
scores stay as they are for everything that reads lexicon hits (mentions, matched terms, keyword
in context); only ``present`` and the article themes change. A theme the model does not predict (a
user lexicon's, say) keeps the lexicons' presence rule.

    >>> import pandas as pd
    >>> scores = pd.DataFrame({"article_id": ["a", "b"], "theme": ["trade", "trade"], "hits": [3, 1],
    ...                        "present": [True, True]})
    >>> pred = pd.DataFrame({"article_id": ["a", "b"], "primary_theme": ["trade", "health"],
    ...                      "themes": [["trade"], ["health"]]})
    >>> out = model_presence(scores, pred, ["trade", "health"])
    >>> out.sort_values(["article_id", "theme"])[["article_id", "theme", "hits", "present"]].values.tolist()
    [['a', 'trade', 3, True], ['b', 'health', 0, True], ['b', 'trade', 1, False]]
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.errors import UsageError
from analysis.model.theme_model import load_model, predict_themes
from analysis.notebook.helpers import Corpus

log = logging.getLogger(__name__)

PRESENCE_RULE = ("an article carries a theme when the model's score for it is positive or it is the "
                 "article's primary theme (never 'other')")


def model_presence(scores: pd.DataFrame, predicted: pd.DataFrame, model_themes: Sequence[str]) -> pd.DataFrame:
    """The theme-score table with ``present`` set by the model's ``themes`` for the themes it predicts.

    Rows are added for carried themes without lexicon hits; themes outside ``model_themes`` keep their ``present``.
    """
    pairs = predicted[["article_id", "themes"]].explode("themes").dropna()
    pairs = pd.DataFrame({"article_id": pairs["article_id"].astype(str), "theme": pairs["themes"].astype(str)})
    carried = set(zip(pairs["article_id"], pairs["theme"]))
    known = set(model_themes)
    out = scores.copy()
    out["present"] = [(str(a), str(t)) in carried if str(t) in known else bool(p)
                      for a, t, p in zip(out["article_id"], out["theme"], out["present"])]
    have = set(zip(out["article_id"].astype(str), out["theme"].astype(str)))
    extra = pairs[[(a, t) not in have for a, t in zip(pairs["article_id"], pairs["theme"])]]
    if len(extra):
        add = pd.DataFrame({c: extra[c].to_numpy() if c in extra else None for c in out.columns})
        for c in out.columns:
            if c in ("article_id", "theme"):
                continue
            if c == "present":
                add[c] = True
            elif pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
                add[c] = 0
            else:
                add[c] = ""
        out = pd.concat([out, add.astype(out.dtypes.to_dict())], ignore_index=True)
    return out


def with_model(corpus: Corpus, model: str | Path) -> Corpus:
    """``corpus`` with the themes its articles carry taken from the trained model file ``model``."""
    path = Path(model)
    if not path.is_file():
        raise UsageError(f"model file not found: {path}")
    fitted = load_model(path)
    predicted = predict_themes(fitted, corpus.articles)
    at = pd.DataFrame({"article_id": predicted["article_id"].astype("string"),
                       "primary_theme": predicted["primary_theme"].astype("string"),
                       "themes": predicted["themes"].tolist()})[schema.ARTICLE_THEME_COLUMNS]
    scores = model_presence(corpus.scores, predicted, fitted.themes)
    note = f"{corpus.note} · themes: supervised model {path.name} ({fitted.metadata.get('preset', '?')})"
    log.info("themes of %d articles from the model %s", len(at), path)
    return dataclasses.replace(corpus, scores=scores, article_themes=at, note=note,
                               params={**corpus.params, "model": str(path)})
