"""Theme scores persisted next to the article table, one cache per lexicon set, recomputed only when inputs change.

Three Parquet files: ``theme_scores.parquet``, ``theme_hits.parquet`` and ``article_themes.parquet``.
For the shipped lexicons they sit in the store folder (``config.store_dir(store)``); for any other
lexicon set (a user folder, alone or added to the shipped themes) in
``theme_cache/<lexicon fingerprint>/`` inside it, so loading the scores of one lexicon set never
overwrites another's. At most :data:`MAX_LEXICON_SETS` such folders are kept: the least recently
used ones are deleted (the shipped set's files are never pruned). Each file carries, in its Parquet
metadata, a fingerprint of the articles (ids, titles and texts), of the lexicons (every term and
option) and of the scoring rules; :func:`load_scores` reuses the files only when all three match,
otherwise it recomputes and rewrites them (atomically).

    >>> import pandas as pd, tempfile
    >>> arts = pd.DataFrame({"article_id": ["a"], "title": ["Tariff talks"], "text": ["Trade."]})
    >>> out = load_scores(tempfile.mkdtemp(), articles=arts)
    >>> out["article_themes"]["primary_theme"].tolist(), out["recomputed"]
    (['trade'], True)
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import config
from analysis.corpus.store import load_corpus
from analysis.files import write_atomic
from analysis.themes import scoring as themes
from analysis.themes.lexicon import Lexicon, lexicon_fingerprint, load_lexicons

log = logging.getLogger(__name__)

_META_KEY = b"policy_news_theme_fingerprint"
RULES_VERSION = (f"themes-1:short={themes.SHORT_DOC_WORDS}:min={themes.MIN_HITS_LONG}:"
                 f"per1k={themes.MIN_PER_1K_LONG}:title={themes.TITLE_WEIGHT}/{themes.TITLE_WEIGHT_SHORT}:"
                 f"{themes.PRESENCE_RULE}")   # a new presence rule never serves the old flags from cache
FILES = {"scores": config.THEME_SCORES_FILE, "hits": config.THEME_HITS_FILE,
         "article_themes": config.ARTICLE_THEMES_FILE}
LEXICON_SETS_DIR = "theme_cache"  # in the store folder: one sub-folder per non-shipped lexicon set
MAX_LEXICON_SETS = 4  # non-shipped lexicon sets whose scores are kept (least recently used pruned)


def cache_folder(folder: Path, lexicons: dict[str, Lexicon]) -> Path:
    """The folder holding the cached scores of ``lexicons``: the store itself for the shipped set.

    >>> cache_folder(Path("s"), load_lexicons()) == Path("s")
    True
    """
    fp = lexicon_fingerprint(lexicons)
    return folder if fp == lexicon_fingerprint() else folder / LEXICON_SETS_DIR / fp


def prune_lexicon_sets(folder: Path, keep: Path, limit: int = MAX_LEXICON_SETS) -> list[Path]:
    """Delete all but the ``limit`` most recently used lexicon-set caches of a store (never ``keep``)."""
    root = folder / LEXICON_SETS_DIR
    if not root.is_dir():
        return []
    sets = sorted((d for d in root.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime, reverse=True)
    gone = [d for d in sets[limit:] if d != keep]
    for d in gone:
        shutil.rmtree(d, ignore_errors=True)
        log.info("removed the cached theme scores of lexicon set %s (more than %d kept)", d.name, limit)
    return gone


def articles_fingerprint(articles: pd.DataFrame) -> str:
    """Return a short hash of the articles' ids, titles and texts (order-sensitive).

    >>> articles_fingerprint(pd.DataFrame({"article_id": ["a"], "title": ["T"], "text": ["x"]}))[:4].isalnum()
    True
    """
    cols = [c for c in ("article_id", "title", "text") if c in articles]
    frame = articles[cols].astype("string").fillna("")
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes() + str(len(frame)).encode()).hexdigest()[:16]


def fingerprint(articles: pd.DataFrame, lexicons: dict[str, Lexicon]) -> str:
    """Return the combined fingerprint of articles, lexicons and scoring rules."""
    return f"{articles_fingerprint(articles)}-{lexicon_fingerprint(lexicons)}-{RULES_VERSION}"


def _read(path: Path) -> tuple[str | None, pd.DataFrame | None]:
    """Read one cached file and its fingerprint (None when absent or unreadable)."""
    if not path.exists():
        return None, None
    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - a corrupt cache is recomputed, never fatal
        log.warning("ignoring unreadable cache %s: %s", path, exc)
        return None, None
    meta = table.schema.metadata or {}
    fp = meta.get(_META_KEY)
    return (fp.decode() if fp else None), table.to_pandas()


def _write(df: pd.DataFrame, path: Path, fp: str) -> None:
    """Write ``df`` to ``path`` atomically with the fingerprint in its metadata."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _META_KEY: fp.encode()})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    write_atomic(path, memoryview(sink.getvalue()))


def load_scores(store: Any = None, lexicons: Any = None, articles: pd.DataFrame | None = None,
                workers: int = 1, version: str | None = None) -> dict[str, Any]:
    """Return ``{"scores", "hits", "article_themes"}`` DataFrames, cached in the store folder.

    ``articles`` defaults to the whole store (:func:`analysis.corpus.store.load_corpus`; its
    version ``version``, None = the current one); the cache is keyed on the articles, so it is
    only reused for exactly the same articles, titles and texts; ``lexicons``
    is a folder, loaded lexicons, or None for the shipped ones. Each lexicon set has its own
    cache files (:func:`cache_folder`). The result also says whether it was ``"recomputed"`` and
    gives the ``"fingerprint"``.

    >>> import pandas as pd, tempfile
    >>> arts = pd.DataFrame({"article_id": ["a1"], "title": ["New tariffs on steel imports"],
    ...                      "text": ["The tariffs hit exports. Trade talks stalled."]})
    >>> store = tempfile.mkdtemp()
    >>> first = load_scores(store, articles=arts)
    >>> first["recomputed"], load_scores(store, articles=arts)["recomputed"]
    (True, False)
    >>> first["article_themes"]["primary_theme"].tolist()
    ['trade']
    """
    folder = config.store_dir(store)
    if articles is None:
        articles = load_corpus(store=folder, columns=["article_id", "title", "text"], version=version)
    lex = lexicons if isinstance(lexicons, dict) else load_lexicons(lexicons)
    fp = fingerprint(articles, lex)
    where = cache_folder(folder, lex)
    paths = {k: where / v for k, v in FILES.items()}
    cached = {k: _read(p) for k, p in paths.items()}
    if all(f == fp and df is not None for f, df in cached.values()):
        log.info("theme scores up to date (%s)", fp)
        if where != folder:
            os.utime(where)  # most recently used: pruned last
        out: dict[str, Any] = {k: df for k, (_f, df) in cached.items()}
        out["scores"] = themes.typed_scores(out["scores"])
        out["hits"] = themes.typed_hits(out["hits"])
        out["article_themes"]["themes"] = [list(x) for x in out["article_themes"]["themes"]]
        out.update(recomputed=False, fingerprint=fp)
        return out
    log.info("scoring %d articles for %d themes", len(articles), len(lex))
    scores, hits = themes.analyze(articles, lex, workers=workers)
    at = themes.article_themes(scores, articles)
    where.mkdir(parents=True, exist_ok=True)
    for key, df in (("scores", scores), ("hits", hits), ("article_themes", at)):
        _write(df, paths[key], fp)
    if where != folder:
        os.utime(where)
        prune_lexicon_sets(folder, where)
    return {"scores": scores, "hits": hits, "article_themes": at, "recomputed": True, "fingerprint": fp}
