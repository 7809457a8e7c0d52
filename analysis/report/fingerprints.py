"""Fingerprints of a report run's code and template, its cache key, and a cheap summary of the corpus.

A report is redone only when its inputs change (the corpus,
:func:`analysis.corpus.store.corpus_fingerprint`; the lexicons,
:func:`analysis.themes.lexicon.lexicon_fingerprint`; the template, the notebooks and their
parameters), which keeps a weekly cron job cheap::

    >>> len(cache_key({"corpus": "0123", "jobs": []}))
    16
"""
from __future__ import annotations

import importlib.metadata
import json
import logging
import platform
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.corpus.store import load_corpus
from analysis.files import files_fingerprint, text_fingerprint

log = logging.getLogger(__name__)

PACKAGES = ("policy-news-analysis", "pandas", "numpy", "pyarrow", "matplotlib", "papermill",
            "nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter_client", "pyyaml")


def code_fingerprint() -> str:
    """Fingerprint of the package's Python sources, data files and report template."""
    root = config.PACKAGE_DIR
    files = [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and p.suffix in (".py", ".j2", ".json", ".css", ".txt", ".tsv", ".csv", ".yml")]
    return files_fingerprint(files, root)


def template_fingerprint() -> str:
    """Fingerprint of the HTML report template files."""
    root = config.TEMPLATES_DIR
    return files_fingerprint([p for p in root.rglob("*") if p.is_file()], root)


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape a report."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def read_corpus_index(store: Path | None = None, version: str | None = None) -> pd.DataFrame:
    """Read only ``date`` and ``source`` of every article of a store version (None: the current one)."""
    empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"),
                          "source": pd.Series(dtype="string")})
    try:
        df = load_corpus(store, columns=["date", "source"], version=version)
    except FileNotFoundError:
        return empty
    df["date"] = pd.to_datetime(df["date"], errors="coerce")
    if getattr(df["date"].dt, "tz", None) is not None:
        df["date"] = df["date"].dt.tz_localize(None)
    return df[["date", "source"]]


def corpus_summary(index: pd.DataFrame, start: Any = None, end: Any = None,
                   outlets: list[str] | None = None) -> dict[str, Any]:
    """Size, date range and outlets of the corpus, optionally within a window.

    >>> corpus_summary(pd.DataFrame({"date": pd.to_datetime(["2024-01-02", None]),
    ...                              "source": ["A", "B"]}))["n_articles"]
    2
    """
    df = index
    if start is not None:
        df = df[df["date"] >= pd.Timestamp(start)]
    if end is not None:
        df = df[df["date"] < pd.Timestamp(end) + pd.Timedelta(days=1)]
    if outlets:
        df = df[df["source"].isin(outlets)]
    dates = df["date"].dropna()
    return {
        "n_articles": int(len(df)),
        "n_undated": int(df["date"].isna().sum()),
        "start": dates.min().date().isoformat() if len(dates) else None,
        "end": dates.max().date().isoformat() if len(dates) else None,
        "sources": sorted(str(s) for s in df["source"].dropna().unique()),
    }


def cache_key(payload: dict[str, Any]) -> str:
    """Stable 16-hex key of a JSON-able payload (sorted keys)."""
    return text_fingerprint([json.dumps(payload, sort_keys=True, default=str)])
