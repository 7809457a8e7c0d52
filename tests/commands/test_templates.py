"""The ``templates`` command (analysis.commands.templates) through ``python -m analysis`` on a real store."""
from __future__ import annotations

import subprocess
from pathlib import Path

from analysis import config
from analysis.commands.templates import format_templates
from analysis.corpus.templates import SiteTemplates
from tests.corpus.test_templates import write_site


def _cli(python: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m analysis ARGS`` and return the finished process."""
    return subprocess.run([python, "-m", "analysis", *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=config.ROOT)


def test_cli_lists_learned_templates(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    write_site(tmp_path / "gazette", 4)
    store = tmp_path / "store"
    res = _cli(python, cli_env, "ingest", str(tmp_path / "gazette"), "--store", str(store), "--no-progress")
    assert res.returncode == 0, res.stderr
    assert "site templates:      1 site(s), 5 lines" in res.stdout and "lines removed:" in res.stdout
    listing = _cli(python, cli_env, "templates", "--store", str(store))
    assert listing.returncode == 0, listing.stderr
    key = f"folder:{tmp_path / 'gazette'}"
    assert listing.stdout.splitlines()[0] == f"{key}  (4 files, 5 template lines)"
    assert "       4  Neighbors Club" in listing.stdout
    one = _cli(python, cli_env, "templates", "--store", str(store), "--source", str(tmp_path / "gazette"))
    assert one.returncode == 0 and len(one.stdout.splitlines()) == 6          # header + every line
    bad = _cli(python, cli_env, "templates", "--store", str(store), "--source", "Nowhere")
    assert bad.returncode == 2 and bad.stderr.startswith("error: --source: no templates for 'Nowhere'")
    assert len(bad.stderr.splitlines()) == 1


def test_cli_without_store_or_templates(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    res = _cli(python, cli_env, "templates", "--store", str(tmp_path / "none"))
    assert res.returncode == 2 and res.stderr.startswith("error: no article store at")
    write_site(tmp_path / "two", 2)
    assert _cli(python, cli_env, "ingest", str(tmp_path / "two"), "--store", str(tmp_path / "s"), "--no-progress").returncode == 0
    empty = _cli(python, cli_env, "templates", "--store", str(tmp_path / "s"))
    assert empty.returncode == 0 and empty.stdout.startswith("no site templates in the store")


def test_cli_ingest_option_errors(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    write_site(tmp_path / "g", 1)
    res = _cli(python, cli_env, "ingest", str(tmp_path / "g"), "--clean-lines", "--dask", "local", "--no-progress")
    assert res.returncode == 2 and "--clean-lines/--no-templates: not available with --dask" in res.stderr


def test_format_shows_examples_and_more() -> None:
    t = SiteTemplates({"host:x.example": {"files": 10, "lines": {f"line {i}": 10 - i for i in range(7)}}})
    text = format_templates(t)
    assert text.splitlines()[-1] == "  ... 2 more (--source host:x.example)" and "line 4" in text and "line 5" not in text
    assert len(format_templates(t, "x.example").splitlines()) == 8
