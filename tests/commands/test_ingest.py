"""The ``ingest`` command (analysis.commands.ingest) through ``python -m analysis``, with ``summary`` after it.

Subprocesses on a temporary store; ``test_cli_ingest_and_summary`` also runs the ``summary`` command
(analysis.commands.summary) on what was ingested, and the usage errors include one of ``summary``.
The command's own summary format is tested in tests/commands/test_summary.py.
"""
from __future__ import annotations

import fcntl
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


def test_cli_replace_updates_in_place(tmp_path: Path, python: str, cli_env: dict[str, str], seed_path: Path) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    src.mkdir()
    shutil.copy(seed_path, src / "seed.txt")
    assert _cli(python, cli_env, "ingest", str(src), "--store", str(store), "--no-progress").returncode == 0
    (src / "manifest.csv").write_text("path,date,source\nseed.txt,2025-03-28,Seed Outlet\n", encoding="utf-8")
    res = _cli(python, cli_env, "ingest", str(src), "--store", str(store), "--no-progress")
    assert res.returncode == 0, res.stderr
    assert "updated in place:    1 (removed: 0)" in res.stdout and "new in store:        0" in res.stdout
    res = _cli(python, cli_env, "ingest", str(src), "--store", str(store), "--replace", "--no-progress")
    assert res.returncode == 0 and "updated in place:    1" in res.stdout
    df = load_corpus(store)
    assert len(df) == 1 and df["source"][0] == "Seed Outlet" and df["date"][0] == pd.Timestamp("2025-03-28")


def test_cli_lock_wait_times_out_in_one_line(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    write_stories(src, 1)
    store.mkdir()
    with open(store / ".ingest.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)                           # another writer holds the lock
        res = _cli(python, cli_env, "ingest", str(src), "--store", str(store), "--wait", "0.5", "--no-progress")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "locked" in errors[0]


@pytest.mark.parametrize("args,code,message", [
    (["--store", "{tmp}/afile"], 2, "is not a folder"),
    (["--store", "{tmp}/afile/sub"], 2, "is not a folder"),
    (["--wait", "-1"], 2, "--wait"),
    (["--store", "/proc/store"], 1, "cannot write the store"),
])
def test_cli_store_errors_in_one_line(tmp_path: Path, python: str, cli_env: dict[str, str], args: list[str],
                                      code: int, message: str) -> None:
    src = tmp_path / "in"
    write_stories(src, 1)
    (tmp_path / "afile").write_text("not a store\n", encoding="utf-8")
    res = _cli(python, cli_env, "ingest", str(src), "--no-progress", *[a.format(tmp=tmp_path) for a in args])
    assert res.returncode == code and message in res.stderr and "Traceback" not in res.stderr, res.stderr
