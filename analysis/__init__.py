"""policy-news-analysis: turn news articles into evidence about policy themes.

The public API is re-exported here and imported lazily, so ``import analysis`` stays cheap::

    >>> import analysis
    >>> callable(analysis.load_corpus)
    True

Where a module and the function it exports share a name (``tone``, ``quotes``, ``amounts``,
``places``, ``ingest``, ``evaluate``), ``analysis.<name>`` is always the function; reach the module
with ``from analysis.tone import sentence_tone`` or ``importlib.import_module("analysis.tone")``.
"""
from __future__ import annotations

import importlib
import logging
import sys
import types
from typing import Any

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # ingest and store
    "ingest": "analysis.ingest",
    "load_corpus": "analysis.store",
    "read_articles": "analysis.loaders",
    # themes
    "load_lexicons": "analysis.themes",
    "score_themes": "analysis.themes",
    "theme_hits": "analysis.themes",
    "article_themes": "analysis.themes",
    "evaluate": "analysis.evaluate",
    "sentence_themes": "analysis.themes",
    "load_scores": "analysis.scores_store",
    "fit_model": "analysis.model",
    "save_model": "analysis.model",
    "load_model": "analysis.model",
    "predict_themes": "analysis.model",
    # text utilities
    "sentences": "analysis.text",
    "sentence_table": "analysis.text",
    "words": "analysis.text",
    "ngrams": "analysis.text",
    "kwic": "analysis.text",
    "collocations": "analysis.text",
    "top_terms": "analysis.text",
    "keyness": "analysis.text",
    "tone": "analysis.tone",
    "quotes": "analysis.quotes",
    "amounts": "analysis.amounts",
    "places": "analysis.places",
    "actors": "analysis.places",
    # aggregations and charts
    "count_theme_periods": "analysis.aggregate",
    "theme_share": "analysis.aggregate",
    "share_with_ci": "analysis.aggregate",
    "wilson_interval": "analysis.aggregate",
    "save_chart": "analysis.charts",
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


class _Package(types.ModuleType):
    """The package module: exported functions win over same-named submodules.

    ``analysis.tone`` is both a module and the function it defines; importing the submodule
    would otherwise replace the function on the package. Submodules stay importable by their
    full name (``from analysis.tone import sentence_tone``).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _EXPORTS and value.__name__ == f"analysis.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
