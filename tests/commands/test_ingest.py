"""The ``ingest`` command (analysis.commands.ingest) through ``python -m analysis``, with ``summary`` after it.

Subprocesses on a temporary store; ``test_cli_ingest_and_summary`` also runs the ``summary`` command
(analysis.commands.summary) on what was ingested, and the usage errors include one of ``summary``.
The command's own summary format is tested in tests/commands/test_summary.py.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.corpus.store import load_corpus
from tests.corpus.test_ingest import write_stories


def _cli(python: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m analysis ARGS`` and return the finished process."""
    return subprocess.run([python, "-m", "analysis", *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=config.ROOT)


def test_cli_ingest_and_summary(tmp_path: Path, python: str, cli_env: dict[str, str], seed_path: Path) -> None:
    src = tmp_path / "in"
    write_stories(src, 3)
    shutil.copy(seed_path, src / "seed.txt")
    res = _cli(python, cli_env, "ingest", str(src), "--source", "Seed Outlet", "--date", "2025-03-28", "--no-progress")
    assert res.returncode == 0, res.stderr
    assert "articles loaded:     4" in res.stdout and "without date:        0" in res.stdout
    default_store = Path(cli_env["POLICY_NEWS_DATA"]) / "processed"
    assert (default_store / "ingest_report.json").exists()               # default store, inside tmp
    df = load_corpus(default_store)
    seed = df[df["origin"].str.endswith("seed.txt")].iloc[0]
    assert seed["source"] == "Seed Outlet" and seed["date"] == pd.Timestamp("2025-03-28")
    assert set(df.loc[~df["origin"].str.endswith("seed.txt"), "source"]) <= {"Outlet 0", "Outlet 1", "Outlet 2"}
    out = _cli(python, cli_env, "summary")
    assert out.returncode == 0, out.stderr
    assert "articles:    4" in out.stdout and "Seed Outlet" in out.stdout and "date range:  2025-" in out.stdout
    again = _cli(python, cli_env, "ingest", str(src), "--source", "Seed Outlet", "--date", "2025-03-28", "--no-progress")
    assert "new in store:        0" in again.stdout


@pytest.mark.parametrize("args,message", [
    (["ingest", "/no/such/path"], "no such file or folder"),
    (["ingest", "{src}", "--map", "text=nosuch"], "nosuch"),
    (["ingest", "{src}", "--map", "body=content"], "unknown article column"),
    (["ingest", "{src}", "--map", "oops"], "expected ARTICLE_COLUMN=INPUT_COLUMN"),
    (["ingest", "{src}", "--date", "2025-02-30"], "--date"),
    (["summary", "--store", "{tmp}/none"], "no article store"),
])
def test_cli_usage_errors(tmp_path: Path, python: str, cli_env: dict[str, str], args: list[str], message: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "t.jsonl").write_text('{"title": "T", "text": "Body."}\n', encoding="utf-8")
    res = _cli(python, cli_env, *[a.format(src=src, tmp=tmp_path) for a in args])
    assert res.returncode == 2 and message in res.stderr
    assert "Traceback" not in res.stderr
