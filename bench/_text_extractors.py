"""Extractors of the quotes/amounts/places/actors area for ``bench/text.py`` (merged into its EXTRACTORS).

Each callable takes an articles chunk and returns a DataFrame. They pass an empty theme-hits table
so that the timing is the extractor's own work (theme scoring is benchmarked in bench/themes.py).
The per-document caches shared by the extractors (sentence spans, place scans, speaker look-ups: every
``analysis.text.sentences.DocumentCache``) are cleared at every call, so each single extractor pays
for its own sentence split ("cold"), while
``evidence`` measures the real pipeline: one sentence split per document, then quotes, amounts
and places on the same chunk -- the "sentences + quotes + amounts + places together" figure.

``baseline_evidence`` (and ``baseline_quotes``/``baseline_amounts``) run *today's committed*
extractors in the same run (or those of another commit: ``use_baseline(rev)``, ``bench/text.py --baseline REV``): the files ``analysis/evidence/{gazetteer,wordscan,places,actors,speakers,
attribution,quotes,amounts}.py`` of git ``HEAD`` (the first two only where that commit has them) (read with ``git show``, a read-only command) are written to a temporary folder as
``_baseline_*`` modules that import one another, and timed exactly like the current ones (they read
the current data files). Without git or a checkout they are left out.
"""
from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pandas as pd

from analysis.evidence.actors import actors
from analysis.evidence.amounts import amounts
from analysis.evidence.places import places
from analysis.evidence.quotes import quotes
from analysis.text.sentences import clear_document_caches, documents, sentence_starts

NO_HITS = pd.DataFrame({"article_id": pd.Series([], dtype="string"), "theme": pd.Series([], dtype="string"),
                        "sentence_id": pd.Series([], dtype="int64")})


def _cold(fn: Callable[..., pd.DataFrame]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Wrap an extractor: clear the per-document caches, run without theme hits."""
    def run(articles: pd.DataFrame) -> pd.DataFrame:
        clear_document_caches()
        return fn(articles, hits=NO_HITS)
    run.__name__ = fn.__name__
    return run


def evidence(articles: pd.DataFrame) -> pd.DataFrame:
    """Sentences, quotes, amounts and places over one chunk, sharing one sentence split per document."""
    clear_document_caches()
    parts = [quotes(articles, hits=NO_HITS).assign(table="quotes"),  # splits each document into sentences
             amounts(articles, hits=NO_HITS).assign(table="amounts"),
             places(articles, hits=NO_HITS).assign(table="places")]
    n_sent = [len(sentence_starts(d)) for d in documents(articles).tolist()]  # the split above, from the cache
    parts.append(pd.DataFrame({"article_id": articles["article_id"].astype("string").tolist(),
                               "count": n_sent, "table": "sentences"}))
    return pd.concat(parts, ignore_index=True)


BASELINE_MODULES = ("gazetteer", "wordscan", "places", "actors", "speakers", "attribution", "quotes", "amounts")
OPTIONAL_MODULES = ("gazetteer", "wordscan")  # split out of places/amounts later: older commits lack them


def load_baseline(rev: str = "HEAD") -> dict[str, ModuleType] | None:
    """Import the evidence extractors as committed at ``rev`` as ``_baseline_*`` modules (None without git)."""
    root = Path(__file__).resolve().parent.parent
    folder = Path(tempfile.mkdtemp(prefix="baseline_evidence_"))
    names = []
    for name in BASELINE_MODULES:
        try:
            text = subprocess.run(["git", "show", f"{rev}:analysis/evidence/{name}.py"], cwd=root, check=True,
                                  capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError):
            if name in OPTIONAL_MODULES:
                continue
            return None
        names.append(name)
        for other in BASELINE_MODULES:
            text = text.replace(f"from analysis.evidence.{other} import", f"from _baseline_{other} import")
        (folder / f"_baseline_{name}.py").write_text(text, encoding="utf-8")
    sys.path.insert(0, str(folder))
    return {name: importlib.import_module(f"_baseline_{name}") for name in names}


def _baseline_evidence(mods: dict[str, ModuleType]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Today's sentences + quotes + amounts + places over one chunk (as ``evidence``)."""
    def run(articles: pd.DataFrame) -> pd.DataFrame:
        clear_document_caches()  # today's sentence cache (the baseline's own lru_caches clear themselves by size)
        if hasattr(mods.get("wordscan"), "clear_word_scan_cache"):
            mods["wordscan"].clear_word_scan_cache()
        parts = [mods["quotes"].quotes(articles, hits=NO_HITS).assign(table="quotes"),
                 mods["amounts"].amounts(articles, hits=NO_HITS).assign(table="amounts"),
                 mods["places"].places(articles, hits=NO_HITS).assign(table="places")]
        n_sent = [len(sentence_starts(d)) for d in documents(articles).tolist()]
        parts.append(pd.DataFrame({"article_id": articles["article_id"].astype("string").tolist(),
                                   "count": n_sent, "table": "sentences"}))
        return pd.concat(parts, ignore_index=True)
    return run


EXTRACTORS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "quotes": _cold(quotes),
    "amounts": _cold(amounts),
    "places": _cold(places),
    "actors": _cold(actors),
    "evidence": evidence,
}


def use_baseline(rev: str) -> bool:
    """Time the extractors as committed at ``rev`` as the ``baseline_*`` extractors; False without git."""
    for name in [m for m in sys.modules if m.startswith("_baseline_")]:
        del sys.modules[name]
    mods = load_baseline(rev)
    for key in ("baseline_quotes", "baseline_amounts", "baseline_evidence"):
        EXTRACTORS.pop(key, None)
    if mods is None:
        return False
    EXTRACTORS["baseline_quotes"] = _cold(mods["quotes"].quotes)
    EXTRACTORS["baseline_amounts"] = _cold(mods["amounts"].amounts)
    EXTRACTORS["baseline_evidence"] = _baseline_evidence(mods)
    return True

