"""Every public function is importable and documented with a one-line summary and an example."""
from __future__ import annotations

import inspect

import pytest

import analysis


@pytest.mark.parametrize("name", sorted(analysis._EXPORTS))
def test_public_function_documented(name: str) -> None:
    obj = getattr(analysis, name)
    doc = inspect.getdoc(obj)
    assert doc, f"analysis.{name} has no docstring"
    summary = doc.splitlines()[0]
    assert summary.endswith("."), f"analysis.{name}: summary line should be one sentence: {summary!r}"
    assert ">>>" in doc, f"analysis.{name}: docstring needs a runnable example"


def test_import_is_cheap() -> None:
    import subprocess
    import sys

    code = "import sys, analysis; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_help_lists_commands() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for cmd in ["ingest", "score", "themes", "evaluate", "train", "report"]:
        assert cmd in out.stdout
