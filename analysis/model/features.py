"""Feature blocks of the supervised theme model: TF-IDF vectorizers and dictionary evidence.

A document is the package-wide ``title + "\\n\\n" + text``. The blocks (all sparse, rows L2-normalised
by TF-IDF or scaled to about 0..1):

- ``word``: word 1-2-gram TF-IDF of the first ``word_head`` characters of the document (None: all of it;
  sublinear tf, ``min_df``, ``max_df``);
- ``title``: the same on the headline only;
- ``char``: character 2-5-gram TF-IDF (``char_wb``) of the first ``char_head`` characters;
- ``lex``: the shipped dictionaries' evidence per theme (:func:`lexicon_matrix`; not fitted).

Each classifier of the model stacks the blocks it uses with per-block weights (:func:`stack_blocks`).

    >>> cfg = feature_config(char_ngrams=None, lexicon_features=False)
    >>> docs = ["Steel tariffs\\n\\nTariffs rise.", "Border asylum\\n\\nMigrants wait.", "Tariffs\\n\\nAsylum."]
    >>> vecs = build_vectorizers(cfg, ["word", "title"])
    >>> blocks = feature_blocks(vecs, cfg, docs, fit=True)
    >>> sorted(blocks), stack_blocks(blocks, {"word": 1.0, "title": 0.5}).shape[0]
    (['title', 'word'], 3)
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import schema
from analysis.errors import UsageError
from analysis.text.sentences import document_text
from analysis.themes.scoring import score_themes

LEXICON_SCALE = float(np.log1p(100.0))  # log1p(hits per 1k words) / this ~ 0..1
BLOCKS = ("word", "title", "char", "lex")


def article_docs(articles: pd.DataFrame, text_fields: Sequence[str] = ("title", "text")) -> list[str]:
    """Return the document of each row: first field as headline, the others joined as body.

    >>> article_docs(pd.DataFrame({"title": ["T"], "text": ["B."]}))
    ['T\\n\\nB.']
    """
    missing = [f for f in text_fields if f not in articles.columns]
    if missing:
        raise UsageError(f"articles have no column(s) {missing} (columns: {list(articles.columns)})")

    def col(f: str) -> list[Any]:
        return [v if isinstance(v, str) else "" for v in articles[f].tolist()]

    heads = col(text_fields[0])
    bodies = [col(f) for f in text_fields[1:]]
    return [document_text(h, "\n\n".join(b[i] for b in bodies if b[i])) for i, h in enumerate(heads)]


def headlines(docs: Sequence[str]) -> list[str]:
    """Return the headline (text before the first blank line) of each document.

    >>> headlines(["Tariffs rise\\n\\nBody.", "No body"])
    ['Tariffs rise', 'No body']
    """
    return [d.split("\n\n", 1)[0] for d in docs]


def lexicon_matrix(docs: Sequence[str], lexicons: Any = None) -> sp.csr_matrix:
    """Dictionary evidence per document: scaled log1p(hits per 1k words) and a headline-hit flag per theme.

    >>> lexicon_matrix(["Tariffs rise", "Nothing here"]).shape[0]
    2
    """
    themes = schema.ALL_THEMES
    col = {t: i for i, t in enumerate(themes)}
    heads = [d.split("\n\n", 1) for d in docs]
    frame = pd.DataFrame({"article_id": [str(i) for i in range(len(docs))],
                          "title": [h[0] for h in heads], "text": [h[1] if len(h) > 1 else "" for h in heads]})
    scores = score_themes(frame, lexicons)
    scores = scores[scores["theme"].isin(col)]
    rows = scores["article_id"].astype(int).to_numpy()
    cols = scores["theme"].map(col).to_numpy(dtype=int)
    dens = np.minimum(np.log1p(scores["hits_per_1k_words"].to_numpy(dtype=float)) / LEXICON_SCALE, 1.5)
    title = (scores["title_hits"].to_numpy() > 0).astype(float) if "title_hits" in scores else np.zeros(len(rows))
    n, k = len(docs), len(themes)
    a = sp.csr_matrix((dens, (rows, cols)), shape=(n, k))
    b = sp.csr_matrix((title, (rows, cols)), shape=(n, k))
    return sp.hstack([a, b], format="csr")


def feature_config(char_ngrams: Sequence[int] | None = (2, 5), lexicon_features: bool = True,
                   title_weight: float = 0.5, word_head: int | None = None, min_df: int = 2) -> dict[str, Any]:
    """Return the vectorizer settings stored with a model (``char_ngrams=None``: no character block).

    >>> feature_config(None, False)["char_ngrams"] is None
    True
    """
    return {"word_ngrams": [1, 2], "min_df": int(min_df), "max_df": 0.9, "word_head": word_head,
            "char_ngrams": list(char_ngrams) if char_ngrams else None, "char_head": 1000,
            "lexicon_features": bool(lexicon_features), "lexicon_weight": 1.0, "title_weight": float(title_weight)}


def available_blocks(config: Mapping[str, Any]) -> set[str]:
    """Return the blocks a feature configuration can produce.

    >>> sorted(available_blocks(feature_config(None, True)))
    ['lex', 'title', 'word']
    """
    out = {"word", "title"}
    if config.get("char_ngrams"):
        out.add("char")
    if config.get("lexicon_features"):
        out.add("lex")
    return out


def build_vectorizers(config: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """Build fresh (unfitted) TF-IDF vectorizers for the text blocks among ``names``.

    >>> list(build_vectorizers(feature_config(), ["word", "lex"]))
    ['word']
    """
    # deferred on purpose: scikit-learn is heavy (~0.5 s) and needed only to fit or predict
    from sklearn.feature_extraction.text import TfidfVectorizer

    c = config
    word = dict(ngram_range=tuple(c["word_ngrams"]), sublinear_tf=True, min_df=c["min_df"], max_df=c["max_df"],
                dtype=np.float32)
    vecs: dict[str, Any] = {}
    for name in (b for b in BLOCKS if b in names):
        if name in ("word", "title"):
            vecs[name] = TfidfVectorizer(**word)
        elif name == "char" and c.get("char_ngrams"):
            vecs[name] = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(c["char_ngrams"]), sublinear_tf=True,
                                         min_df=c["min_df"], dtype=np.float32)
    return vecs


def feature_blocks(vectorizers: Mapping[str, Any], config: Mapping[str, Any], docs: Sequence[str],
                   lex: sp.csr_matrix | None = None, fit: bool = False) -> dict[str, sp.csr_matrix]:
    """Return the (unweighted) blocks of ``docs``, fitting the vectorizers when ``fit``.

    ``lex`` is a precomputed :func:`lexicon_matrix` of ``docs`` (computed here when needed and None).
    """
    out: dict[str, sp.csr_matrix] = {}
    for name, vec in vectorizers.items():
        head = config.get("word_head")
        texts = (([d[: int(head)] for d in docs] if head else list(docs)) if name == "word"
                 else headlines(docs) if name == "title"
                 else [d[: int(config["char_head"])] for d in docs])
        out[name] = sp.csr_matrix(vec.fit_transform(texts) if fit else vec.transform(texts))
    if config.get("lexicon_features"):
        out["lex"] = lexicon_matrix(docs) if lex is None else sp.csr_matrix(lex)
    return out


def stack_blocks(blocks: Mapping[str, sp.csr_matrix], weights: Mapping[str, float]) -> sp.csr_matrix:
    """Stack the blocks named in ``weights`` (in :data:`BLOCKS` order), each scaled by its weight.

    >>> m = stack_blocks({"word": sp.identity(2, format="csr"), "lex": sp.identity(2, format="csr")},
    ...                  {"word": 1.0, "lex": 0.5})
    >>> m.toarray().tolist()
    [[1.0, 0.0, 0.5, 0.0], [0.0, 1.0, 0.0, 0.5]]
    """
    parts = [blocks[b] * float(weights[b]) if weights[b] != 1 else blocks[b] for b in BLOCKS if b in weights]
    if not parts:
        raise ValueError("no feature blocks to stack")
    return sp.hstack(parts, format="csr")
