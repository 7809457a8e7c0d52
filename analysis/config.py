"""Project paths as ``pathlib`` constants, overridable by environment variables, and the package version.

No I/O happens at import. Every path a notebook or command uses comes from here::

    >>> from analysis import config
    >>> config.PROCESSED_DIR.name
    'processed'

Overrides (read once, at import):

- ``POLICY_NEWS_DATA``: the data folder (default ``<repo>/data``); ``raw/``, ``sample/`` and
  ``processed/`` live under it.
- ``POLICY_NEWS_STORE``: the processed store folder (default ``$POLICY_NEWS_DATA/processed``).
- ``POLICY_NEWS_REPORTS``: where report runs are written (default ``<repo>/reports``).
- ``POLICY_NEWS_SHARED``: the shared corpora folder (default ``<repo>/../shared``).
"""
from __future__ import annotations

import os
from pathlib import Path

VERSION: str = "0.1.0"   # the package version (``analysis.__version__``, pyproject.toml's version)

PACKAGE_DIR: Path = Path(__file__).resolve().parent
ROOT: Path = PACKAGE_DIR.parent

DATA_DIR: Path = Path(os.environ.get("POLICY_NEWS_DATA", ROOT / "data")).resolve()
SAMPLE_DIR: Path = ROOT / "data" / "sample"
PROCESSED_DIR: Path = Path(os.environ.get("POLICY_NEWS_STORE", DATA_DIR / "processed")).resolve()
REPORTS_DIR: Path = Path(os.environ.get("POLICY_NEWS_REPORTS", ROOT / "reports")).resolve()
NOTEBOOKS_DIR: Path = ROOT / "notebooks"
BENCH_RESULTS_DIR: Path = ROOT / "bench" / "results"

LEXICON_DIR: Path = PACKAGE_DIR / "themes" / "lexicons"
PACKAGE_DATA_DIR: Path = PACKAGE_DIR / "data"
TEMPLATES_DIR: Path = PACKAGE_DIR / "report" / "templates"

SHARED_DIR: Path = Path(os.environ.get("POLICY_NEWS_SHARED", ROOT.parent / "shared")).resolve()
SEEDS_DIR: Path = SHARED_DIR / "seeds"
SEED_ARTICLE: Path = SEEDS_DIR / "000_1cc45d97baaf3252.txt"
ALLSIDES_JSONL: Path = SHARED_DIR / "data" / "allsides_news" / "allsides_news_dev.jsonl"
ALLSIDES_THEME_MAP: Path = SHARED_DIR / "data" / "allsides_news" / "theme_map.json"
NYT_JSONL: Path = SHARED_DIR / "data" / "nyt_frontpage_cap" / "nyt_frontpage_cap_dev.jsonl"
NYT_THEME_MAP: Path = SHARED_DIR / "data" / "nyt_frontpage_cap" / "theme_map.json"

# Store layout (all under PROCESSED_DIR unless a command is given another store).
ARTICLES_DATASET: str = "articles"          # partitioned Parquet dataset (year=/month=)
INGEST_REPORT: str = "ingest_report.json"
THEME_SCORES_FILE: str = "theme_scores.parquet"
THEME_HITS_FILE: str = "theme_hits.parquet"
ARTICLE_THEMES_FILE: str = "article_themes.parquet"


def store_dir(store: str | os.PathLike[str] | None = None) -> Path:
    """Return the store folder: ``store`` if given, else the configured ``PROCESSED_DIR``."""
    return Path(store).resolve() if store is not None else PROCESSED_DIR
