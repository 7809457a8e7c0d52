"""The ``summary`` command (analysis.commands.summary): the store's size, outlets and dates, in process.

Its run through ``python -m analysis`` after an ingest is in tests/commands/test_ingest.py.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import pytest

from analysis.commands import summary
from analysis.corpus.ingest import ingest
from analysis.errors import UsageError
from tests.corpus.test_ingest import write_stories


def _run(argv: list[str]) -> int:
    """Run the summary command through its own argument parser."""
    p = argparse.ArgumentParser()
    summary.add_arguments(p)
    return summary.run(p.parse_args(argv))


def test_summary_of_an_ingested_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    write_stories(src, 6)
    ingest([src], store=store, progress=False)
    assert _run(["--store", str(store)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "articles:    6 (duplicates flagged: 0; undated: 0)"
    assert lines[1] == "outlets:     3" and lines[2] == "date range:  2025-01-15 .. 2025-06-15"
    assert lines[3:] == ["per outlet:"] + [f"        2  Outlet {i}" for i in range(3)]
    with pytest.raises(UsageError, match="no article store"):
        _run(["--store", str(tmp_path / "none")])


def test_top_outlets_unless_all_sources() -> None:
    n = summary.TOP_SOURCES + 2
    df = pd.DataFrame({"source": [f"Outlet {i:02d}" for i in range(n)] + [None],
                       "date": pd.NaT, "dup_of": None})
    short = summary.format_corpus_summary(df).splitlines()
    assert short[1] == f"outlets:     {n + 1}" and short[2] == "date range:  none"
    assert short[-1] == "  ... 3 more (--all-sources)" and len(short) == 4 + summary.TOP_SOURCES + 1
    full = summary.format_corpus_summary(df, all_sources=True).splitlines()
    assert len(full) == 4 + n + 1 and "        1  (unknown)" in full
