"""The ``themes`` command (analysis.commands.themes): every theme of a lexicon folder, listed."""
from __future__ import annotations

import argparse
import subprocess

import pytest

from analysis import schema
from analysis.commands import themes
from analysis.errors import UsageError


def _run(argv: list[str]) -> int:
    """Run the themes command through its own argument parser."""
    p = argparse.ArgumentParser()
    themes.add_arguments(p)
    return themes.run(p.parse_args(argv))


def test_themes_command_lists_every_theme(python, cli_env):
    out = subprocess.run([python, "-m", "analysis", "themes"], capture_output=True, text=True, env=cli_env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    for theme in schema.ALL_THEMES:
        assert f"\n{theme} " in "\n" + out.stdout
    assert "sub-themes: tariffs" in out.stdout


def test_custom_folder_with_terms_and_a_missing_folder(tmp_path, capsys):
    (tmp_path / "sports.yml").write_text(
        "id: sports\nlabel: Sports\ndescription: Games and scores.\ncap_major: [23]\nsource: test\n"
        "terms:\n  - touchdown\n  - penalty kick\nexclusions:\n  - touchdown dance\n", encoding="utf-8")
    assert _run(["--lexicons", str(tmp_path), "--terms"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["sports", "2", "1", "23", "Sports"]
    assert lines[2:] == ["    Games and scores.", "    touchdown, penalty kick"]
    with pytest.raises(UsageError, match="lexicon folder not found"):
        _run(["--lexicons", str(tmp_path / "none")])
