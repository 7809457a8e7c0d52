"""The conda environment.yml and pyproject.toml declare the same dependencies; the layout is complete."""
from __future__ import annotations

import re
from pathlib import Path

import tomllib
import yaml

import analysis
from analysis import config

ROOT = config.ROOT


def _name(requirement: str) -> str:
    """Return the normalized distribution name of a requirement string."""
    name = re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0]
    return name.lower().replace("_", "-")


def _pyproject_names() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(data["project"]["dependencies"]) + list(data["project"]["optional-dependencies"]["dev"])
    return {_name(r) for r in reqs}


def _conda_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    names = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    return names - {"python", "pip"}


def test_environment_matches_pyproject() -> None:
    py, conda = _pyproject_names(), _conda_names()
    # conda-forge packages "dask" covers the pip extra "dask[dataframe]"
    assert py == conda, f"only in pyproject: {sorted(py - conda)}; only in environment.yml: {sorted(conda - py)}"


def test_environment_is_valid_conda_env() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["name"] == "policy-news-analysis"
    assert "conda-forge" in env["channels"]
    pip_sections = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_sections and "-e ." in pip_sections[0]["pip"]


def test_layout() -> None:
    for name in ["analysis", "notebooks", "data", "reports", "tests", "bench", "environment.yml",
                 "pyproject.toml", "Makefile", "README.md", ".ci/run"]:
        assert (ROOT / name).exists(), name
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "data/raw/" in ignored and "data/processed/" in ignored


def test_no_runtime_downloads_in_package() -> None:
    """Nothing in the package, notebooks or bench calls nltk.download or a model hub."""
    offenders = []
    for path in list((ROOT / "analysis").rglob("*.py")) + list((ROOT / "notebooks").glob("*.ipynb")) \
            + list((ROOT / "bench").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"nltk\.download\(|from_pretrained\(|urlopen\(|requests\.get\(", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_config_paths_are_pathlib_and_overridable(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = "from analysis import config; print(config.PROCESSED_DIR); print(config.REPORTS_DIR)"
    env = {"POLICY_NEWS_DATA": str(tmp_path / "d"), "POLICY_NEWS_REPORTS": str(tmp_path / "r"), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    lines = out.stdout.split()
    assert lines == [str(tmp_path / "d" / "processed"), str(tmp_path / "r")]


def test_one_package_version() -> None:
    """pyproject.toml, ``analysis.__version__`` and ``config.VERSION`` (models, report keys) agree."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["version"] == config.VERSION == analysis.__version__
