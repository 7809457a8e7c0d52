"""Fingerprints and a cheap summary of the inputs of a report run (corpus, lexicons, code).

A report is redone only when one of these changes, which keeps a weekly cron job cheap::

    >>> len(text_fingerprint(["a", "b"]))
    16
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import platform
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from analysis import config

log = logging.getLogger(__name__)

PACKAGES = ("policy-news-analysis", "pandas", "numpy", "pyarrow", "matplotlib", "papermill",
            "nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter_client", "pyyaml")


def text_fingerprint(parts: Iterable[str]) -> str:
    """Return a 16-hex sha256 over the given strings (order matters)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def files_fingerprint(files: Iterable[Path], root: Path, content: bool = True) -> str:
    """Fingerprint files by relative name and content (or size + mtime when ``content=False``)."""
    parts = []
    for f in sorted(files):
        rel = f.relative_to(root).as_posix()
        if content:
            parts.append(rel + ":" + hashlib.sha256(f.read_bytes()).hexdigest())
        else:
            st = f.stat()
            parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}")
    return text_fingerprint(parts)


def articles_dir(store: Path | None) -> Path:
    """The articles dataset folder of a store."""
    return config.store_dir(store) / config.ARTICLES_DATASET


def corpus_fingerprint(store: Path | None = None) -> str:
    """Fingerprint of the article store: its current version manifest, else its Parquet files."""
    try:
        from analysis.corpus.store import MANIFEST, current_version

        version = current_version(store)
        if version is not None and (version / MANIFEST).is_file():
            return text_fingerprint([(version / MANIFEST).read_text(encoding="utf-8")])
    except ImportError:
        pass
    folder = articles_dir(store)
    return files_fingerprint(folder.rglob("*.parquet"), folder, content=False)


def lexicon_fingerprint(lexicon_dir: Path | None = None) -> str:
    """Fingerprint of the theme lexicons (contents of every ``*.yml``)."""
    folder = Path(lexicon_dir or config.LEXICON_DIR)
    return files_fingerprint([*folder.glob("*.yml"), *folder.glob("*.yaml")], folder)


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


def read_corpus_index(store: Path | None = None) -> pd.DataFrame:
    """Read only ``date`` and ``source`` of every stored article (cheap: two columns)."""
    empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"),
                          "source": pd.Series(dtype="string")})
    try:
        from analysis.corpus.store import load_corpus
    except ImportError:  # no store module: read the hive-partitioned files directly
        import pyarrow.dataset as ds

        folder = articles_dir(store)
        if not folder.is_dir() or not any(folder.rglob("*.parquet")):
            return empty
        df = ds.dataset(folder, format="parquet").to_table(columns=["date", "source"]).to_pandas()
    else:
        try:
            df = load_corpus(store, columns=["date", "source"])
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
