"""The ``delete`` command (analysis.commands.delete) through ``python -m analysis``: dry run, by id/origin/source, errors."""
from __future__ import annotations

import subprocess
from pathlib import Path

from analysis import config
from analysis.corpus.ingest import ingest
from analysis.corpus.store import load_corpus
from tests.corpus.test_ingest import write_stories


def _cli(python: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m analysis ARGS`` and return the finished process."""
    return subprocess.run([python, "-m", "analysis", *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=config.ROOT)


def test_cli_delete_dry_run_then_delete(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    write_stories(src, 6)
    ingest([src], store=store, progress=False)
    first = load_corpus(store)["article_id"].iloc[0]
    args = ["delete", "--store", str(store), "--source", "Outlet 1", "--origin", str(src / "s000.txt"), "--id", first,
            "--id", "0000000000000000"]
    dry = _cli(python, cli_env, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would delete: 3 article(s)" in dry.stdout and "not in the store: 0000000000000000" in dry.stdout
    assert len(load_corpus(store)) == 6
    res = _cli(python, cli_env, *args)
    assert res.returncode == 0 and "deleted: 3 article(s)" in res.stdout
    df = load_corpus(store)
    assert len(df) == 3 and "Outlet 1" not in set(df["source"]) and first not in set(df["article_id"])
    assert (store / "ingest_report.json").read_text(encoding="utf-8").count('"command": "delete"') == 1


def test_cli_delete_errors(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    res = _cli(python, cli_env, "delete", "--store", str(tmp_path / "none"), "--source", "X")
    assert res.returncode == 2 and "no article store" in res.stderr and "Traceback" not in res.stderr
    src, store = tmp_path / "in", tmp_path / "store"
    write_stories(src, 1)
    ingest([src], store=store, progress=False)
    res = _cli(python, cli_env, "delete", "--store", str(store))
    assert res.returncode == 2 and "say what to delete" in res.stderr
