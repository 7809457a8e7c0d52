"""Shared fixtures: paths to ../shared (skip, or fail under CI), temp stores, env for subprocesses."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from analysis import config

REQUIRE_SHARED = os.environ.get("POLICY_NEWS_REQUIRE_SHARED") == "1"


def _need(path: Path) -> Path:
    """Return ``path`` or skip (fail when POLICY_NEWS_REQUIRE_SHARED=1) if it is absent."""
    if not path.exists():
        msg = f"shared data not found: {path}"
        if REQUIRE_SHARED:
            pytest.fail(msg + " (POLICY_NEWS_REQUIRE_SHARED=1)")
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The user's seed article in ../shared/seeds."""
    return _need(config.SEED_ARTICLE)


@pytest.fixture(scope="session")
def seed_articles(seed_path: Path):
    """The seed article as an article table, read by the project's loader (nothing skipped)."""
    from analysis.corpus.loaders.articles import read_articles

    table, skipped = read_articles([seed_path])
    assert not skipped and len(table) == 1
    return table


@pytest.fixture(scope="session")
def allsides_path() -> Path:
    """The AllSides dev JSONL."""
    return _need(config.ALLSIDES_JSONL)


@pytest.fixture(scope="session")
def nyt_path() -> Path:
    """The NYT front-page CAP dev JSONL."""
    return _need(config.NYT_JSONL)


@pytest.fixture(scope="session")
def allsides_map() -> Path:
    """The AllSides theme map."""
    return _need(config.ALLSIDES_THEME_MAP)


@pytest.fixture(scope="session")
def nyt_map() -> Path:
    """The NYT theme map."""
    return _need(config.NYT_THEME_MAP)


@pytest.fixture(scope="session")
def allsides_articles(allsides_path: Path):
    """Return a function giving the AllSides articles with the given ids as an article table."""
    import json

    import pandas as pd

    def pick(*ids: str) -> pd.DataFrame:
        with allsides_path.open(encoding="utf-8") as fh:
            rows = [{"article_id": r["id"], "title": r["title"], "text": r["text"]}
                    for r in map(json.loads, fh) if r["id"] in ids]
        assert len(rows) == len(ids), f"ids not in {allsides_path}: {set(ids) - {r['article_id'] for r in rows}}"
        return pd.DataFrame(rows)

    return pick


@pytest.fixture()
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for subprocess runs that keeps every write inside ``tmp_path``."""
    env = dict(os.environ)
    env["POLICY_NEWS_DATA"] = str(tmp_path / "data")
    env["POLICY_NEWS_REPORTS"] = str(tmp_path / "reports")
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.fixture(scope="session")
def python() -> str:
    """The interpreter running the tests (the project venv)."""
    return sys.executable
