"""Fixtures of the command tests: the bundled sample as a store with its theme scores cached."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis import config
from analysis.corpus.ingest import ingest
from analysis.themes.cache import load_scores


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/sample ingested, with the shipped lexicons' scores cached (the notebooks read them); one per module."""
    store = tmp_path_factory.mktemp("sample") / "store"
    ingest([config.SAMPLE_DIR], store=store, progress=False)
    load_scores(store)
    return store
