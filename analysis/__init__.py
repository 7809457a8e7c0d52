"""policy-news-analysis: turn news articles into evidence about policy themes.

The public API is re-exported here and imported lazily, so ``import analysis`` stays cheap::

    >>> import analysis
    >>> callable(analysis.load_corpus)
    True

The code lives in one sub-package per pipeline stage (``corpus``, ``text``, ``themes``,
``search``, ``evidence``, ``model``, ``aggregate``, ``notebook``, ``report``, ``cluster``, ``commands``);
``analysis.<name>`` is always the public function listed below.
"""
from __future__ import annotations

import importlib
import logging
from typing import Any

from analysis import config

__version__ = config.VERSION

logging.getLogger(__name__).addHandler(logging.NullHandler())

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # ingest and store
    "ingest": "analysis.corpus.ingest",
    "load_corpus": "analysis.corpus.store",
    "read_articles": "analysis.corpus.loaders.articles",
    # themes
    "load_lexicons": "analysis.themes.lexicon",
    "score_themes": "analysis.themes.scoring",
    "theme_hits": "analysis.themes.scoring",
    "article_themes": "analysis.themes.scoring",
    "evaluate": "analysis.model.evaluation",
    "sentence_themes": "analysis.themes.scoring",
    "load_scores": "analysis.themes.cache",
    "fit_model": "analysis.model.theme_model",
    "save_model": "analysis.model.theme_model",
    "load_model": "analysis.model.theme_model",
    "predict_themes": "analysis.model.theme_model",
    # text utilities
    "sentences": "analysis.text.sentences",
    "sentence_table": "analysis.text.sentences",
    "words": "analysis.text.words",
    "ngrams": "analysis.text.words",
    "kwic": "analysis.text.concordance",
    "collocations": "analysis.text.concordance",
    "top_terms": "analysis.text.concordance",
    "keyness": "analysis.text.keyness",
    # queries
    "query": "analysis.search.engine",
    "query_share": "analysis.aggregate.query_counts",
    "tone": "analysis.evidence.tone",
    "quotes": "analysis.evidence.quotes",
    "amounts": "analysis.evidence.amounts",
    "places": "analysis.evidence.places",
    "actors": "analysis.evidence.actors",
    # aggregations and charts
    "count_theme_periods": "analysis.aggregate.counts",
    "theme_share": "analysis.aggregate.counts",
    "share_with_ci": "analysis.aggregate.counts",
    "wilson_interval": "analysis.aggregate.counts",
    "save_chart": "analysis.notebook.charts",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    """Import the module that owns ``name`` on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public API."""
    return __all__
