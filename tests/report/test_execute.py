"""Notebook execution in worker processes (analysis.report.execute): results, failures, cell lookup, kernel env.

The workers run real notebooks on a real kernel here; the timeout and SIGTERM kills are tested through
the runner in tests/report/test_run.py.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import config
from analysis.report.execute import kernel_env, run_specs, slowest_cells, template_cell


def _template(path: Path, *sources: str) -> Path:
    """Write a notebook template: a tagged parameters cell, then one code cell per source."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("n: int = 2  # how many")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Test notebook"), params]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_template_cell_and_slowest_cells(tmp_path: Path) -> None:
    template = _template(tmp_path / "t.ipynb", "import time", "\ntime.sleep(n)\n", "print('done')")
    assert template_cell(template, "time.sleep(n)") == 3 and template_cell(template, "missing()") is None
    assert template_cell(template, "") is None and template_cell(tmp_path / "absent.ipynb", "x") is None
    executed = nbformat.read(str(template), as_version=4)
    for cell, seconds in zip(executed.cells[1:], (0.01, 0.2, 2.0, 0.5)):
        cell.metadata["papermill"] = {"duration": seconds}
    nbformat.write(executed, str(tmp_path / "out.ipynb"))
    slow = slowest_cells(tmp_path / "out.ipynb", template, n=2)
    assert slow == [{"cell": 3, "seconds": 2.0, "first_line": "time.sleep(n)"},
                    {"cell": 4, "seconds": 0.5, "first_line": "print('done')"}]
    assert slowest_cells(tmp_path / "absent.ipynb", template) == []


def test_kernel_env_puts_this_package_and_inline_figures_first(tmp_path: Path) -> None:
    env = kernel_env(tmp_path)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(config.ROOT)
    assert env["MPLBACKEND"] == "module://matplotlib_inline.backend_inline"
    spec = tmp_path / "jupyter" / "kernels" / "python3" / "kernel.json"
    if spec.exists():  # the python3 kernelspec found was another environment's: ours shadows it
        assert json.loads(spec.read_text())["argv"][0] == sys.executable
        assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(tmp_path / "jupyter")


@pytest.mark.slow
def test_run_specs_runs_notebooks_and_reports_a_failure(tmp_path: Path) -> None:
    good = _template(tmp_path / "good.ipynb", "print(sum(range(n)))")
    bad = _template(tmp_path / "bad.ipynb", "x = 1", "raise ValueError(f'n was {n}')")
    specs = []
    for key, template, n in (("good", good, 5), ("bad", bad, 3)):
        (tmp_path / key).mkdir()
        specs.append({"key": key, "label": key, "input": str(template), "output": str(tmp_path / key / f"{key}.ipynb"),
                      "html": str(tmp_path / key / f"{key}.html"), "cwd": str(tmp_path / key),
                      "parameters": {"n": n}, "timeout": 60, "progress_file": str(tmp_path / f".{key}.progress"),
                      "show_code": False, "run_info": {"run_id": "test", "parameters": {"n": n}}})
    events: list[tuple[str, str]] = []
    results = run_specs(specs, 1, kernel_env(tmp_path / "scratch"), tmp_path / "runner.log",
                        lambda kind, spec, info: events.append((kind, spec["key"])))
    assert results["good"]["status"] == "ok" and results["good"]["error"] is None
    out = nbformat.read(specs[0]["output"], as_version=4)
    assert "10" in out.cells[-1].outputs[0]["text"]                     # the injected n=5 was used
    assert Path(specs[0]["html"]).is_file() and results["good"]["html_problems"] == []
    err = results["bad"]["error"]
    assert results["bad"]["status"] == "failed" and err["ename"] == "ValueError" and err["evalue"] == "n was 3"
    assert err["template_cell_index"] == 3                               # the raise, in the template
    assert ("start", "good") in events and ("done", "good") in events and ("done", "bad") in events
