"""The count-table files: summed report counts stored as ``<store>/aggregates/<table>.parquet``.

A Dask run writes them (``python -m analysis report --dask``) and the notebooks read them instead
of the article text; ``_manifest.json`` records each table's shape and the run's ``params``.

    >>> import tempfile
    >>> store = tempfile.mkdtemp()
    >>> write_aggregates({"articles": pd.DataFrame({"n_articles": [3]})}, store, {"kind": "report"}).name
    'aggregates'
    >>> read_aggregates(store)["articles"].n_articles.tolist(), read_params(store)
    ([3], {'kind': 'report'})
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config

AGGREGATES_DIR: str = "aggregates"    # <store>/aggregates/<table>.parquet + _manifest.json
MANIFEST: str = "_manifest.json"


def write_aggregates(tables: dict[str, pd.DataFrame], store: str | os.PathLike[str] | None = None,
                     params: dict[str, Any] | None = None) -> Path:
    """Write count tables to ``<store>/aggregates/<name>.parquet`` (+ ``_manifest.json``), atomically.

    >>> import tempfile
    >>> write_aggregates({"articles": pd.DataFrame({"n_articles": [3]})}, tempfile.mkdtemp()).name
    'aggregates'
    """
    root = config.store_dir(store) / AGGREGATES_DIR
    tmp = root.with_name(f".{AGGREGATES_DIR}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, df in tables.items():
        df.to_parquet(tmp / f"{name}.parquet", index=False)
    (tmp / MANIFEST).write_text(json.dumps(
        {"tables": {n: {"rows": len(d), "columns": list(d.columns)} for n, d in tables.items()},
         "params": params or {}}, indent=2, default=str), encoding="utf-8")
    old = root.with_name(f".{AGGREGATES_DIR}.old-{os.getpid()}")
    if root.exists():
        os.replace(root, old)
    os.replace(tmp, root)
    shutil.rmtree(old, ignore_errors=True)
    return root


def read_aggregates(store: str | os.PathLike[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read the count tables written by :func:`write_aggregates` (empty dict when there are none).

    >>> read_aggregates("/no/such/store")
    {}
    """
    root = config.store_dir(store) / AGGREGATES_DIR
    if not root.is_dir():
        return {}
    return {p.stem: pd.read_parquet(p) for p in sorted(root.glob("*.parquet"))}


def read_params(store: str | os.PathLike[str] | None) -> dict[str, Any] | None:
    """The ``params`` of the count tables in ``store`` (None when there are none)."""
    path = config.store_dir(store) / AGGREGATES_DIR / MANIFEST
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("params") or {}
