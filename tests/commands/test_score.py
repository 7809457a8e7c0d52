"""The ``score`` command (analysis.commands.score): theme scores for an ingested store, cached, in process.

A trained model given with ``--model`` is scored in tests/commands/test_train.py; ``--dask`` in
tests/cluster/test_report_counts.py.
"""
from __future__ import annotations

import argparse

import pandas as pd
import pytest

from analysis import config
from analysis.commands import score
from analysis.corpus.ingest import ingest
from analysis.errors import UsageError


def _run_score(argv: list[str]) -> int:
    """Run the score command through its own argument parser."""
    p = argparse.ArgumentParser()
    score.add_arguments(p)
    return score.run(p.parse_args(argv))


def test_score_command_on_ingested_seed(seed_path, tmp_path, capsys):
    store = tmp_path / "store"
    ingest([seed_path], store=store, progress=False)
    assert _run_score(["--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "recomputed" in out
    at = pd.read_parquet(store / config.ARTICLE_THEMES_FILE)
    assert len(at) == 1 and {"trade", "migration", "security_crime", "foreign_affairs"} <= set(at["themes"].iloc[0])
    assert _run_score(["--store", str(store)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_score_command_without_store_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="ingest"):
        _run_score(["--store", str(tmp_path / "empty")])
