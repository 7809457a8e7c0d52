"""Notebook execution in worker processes (analysis.report.execute): results, failures, cell lookup, kernel env.

The workers run real notebooks on a real kernel here; the timeout and SIGTERM kills are tested through
the runner in tests/report/test_run.py.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from analysis import config
from analysis.report import execute
from analysis.report.execute import (
    GRACE_S,
    KernelStartError,
    check_loopback,
    kernel_env,
    kernel_error_line,
    run_specs,
    slowest_cells,
    template_cell,
)


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


def _spec(tmp_path: Path, key: str, template: Path, timeout: float, **extra) -> dict:
    """A worker spec for ``template`` in its own folder under ``tmp_path``."""
    (tmp_path / key).mkdir()
    return {"key": key, "label": key, "input": str(template), "output": str(tmp_path / key / f"{key}.ipynb"),
            "html": str(tmp_path / key / f"{key}.html"), "cwd": str(tmp_path / key), "parameters": {"n": 1},
            "timeout": timeout, "progress_file": str(tmp_path / f".{key}.progress"), "show_code": False,
            "run_info": {"run_id": "test", "parameters": {}}, **extra}


@pytest.mark.slow
def test_timeout_is_the_whole_notebook_not_each_cell(tmp_path: Path) -> None:
    """--timeout 3 on five cells of 1.5 s each: stopped about 3 s in, in the cell running then (each
    cell alone is under the limit, so a per-cell timeout never fired and the run went on to a hidden
    15 s grace)."""
    template = _template(tmp_path / "slow.ipynb", "import time", *["time.sleep(1.5)"] * 5)
    t0 = time.monotonic()
    results = run_specs([_spec(tmp_path, "slow", template, 3)], 1, kernel_env(tmp_path / "scratch"),
                        tmp_path / "runner.log")
    took = time.monotonic() - t0
    res = results["slow"]
    assert res["status"] == "timeout", res
    assert res["error"]["evalue"].startswith("notebook exceeded 3 s"), res["error"]
    assert res["error"]["cell_index"] >= 3                                # a sleeping cell, not start-up
    assert res["duration_s"] < 3 + GRACE_S + 1.0                          # the worker's execution time
    executed = nbformat.read(str(tmp_path / "slow" / "slow.ipynb"), as_version=4)
    assert sum(1 for c in executed.cells if c.get("execution_count")) < 6  # not every cell ran
    assert took < 60, took                                                # worker start-up + 3 s + render


def test_the_runner_kills_one_grace_second_after_the_deadline(tmp_path: Path) -> None:
    """The scheduler's own limit: the notebook's clock starts when its worker begins it; the kill comes
    GRACE_S (<= 1-2 s) after the timeout, not 15 s."""
    progress = tmp_path / ".job.progress"
    w = SimpleNamespace(job={"timeout": 4, "progress_file": str(progress)}, started=100.0, clock=0.0,
                        rendering=0.0)
    assert execute._overrun(w, 130.0) is None                     # the worker has not begun it yet
    progress.write_text(execute.STARTING)
    assert execute._overrun(w, 130.0) is None and w.clock == 130.0  # its clock starts now
    progress.write_text("3 7")
    assert execute._overrun(w, 130.0 + 4 + GRACE_S - 0.1) is None
    assert execute._overrun(w, 130.0 + 4 + GRACE_S + 0.1) == "notebook exceeded 4 s (killed)"
    progress.write_text(execute.RENDERING)                        # rendering has a limit of its own
    assert execute._overrun(w, 200.0) is None
    assert "rendering the HTML took over" in execute._overrun(w, 200.0 + execute.RENDER_TIMEOUT_S + 1)
    idle = SimpleNamespace(job={"timeout": 4, "progress_file": str(tmp_path / "none")}, started=0.0,
                           clock=0.0, rendering=0.0)
    assert "did not start" in execute._overrun(idle, execute.START_TIMEOUT_S + 1)


@pytest.mark.slow
def test_a_kernel_that_cannot_start_says_why(tmp_path: Path) -> None:
    """A kernel dying at start-up fails its job at once with the first line of its own error."""
    template = _template(tmp_path / "t.ipynb", "print(1)")
    env = kernel_env(tmp_path / "scratch")
    broken = tmp_path / "scratch" / "jupyter" / "kernels" / "broken"
    broken.mkdir(parents=True)
    (broken / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", "import sys; sys.stderr.write('Traceback (most recent call last):\\n'"
                 " '  File \"x\", line 1\\nImportError: cannot load the widget kernel\\n'); sys.exit(1)",
                 "{connection_file}"],
        "display_name": "broken", "language": "python"}))
    t0 = time.monotonic()
    results = run_specs([_spec(tmp_path, "job", template, 120, kernel_name="broken")], 1, env, tmp_path / "runner.log")
    res = results["job"]
    assert res["status"] == "error" and res["error"]["cell_index"] is None
    assert res["error"]["evalue"] == "the kernel did not start: ImportError: cannot load the widget kernel"
    assert time.monotonic() - t0 < 45                             # not the 60 s start-up timeout
    assert "cannot load the widget kernel" in (tmp_path / "runner.log").read_text()  # stderr kept in the log


def test_kernel_error_line_picks_the_exception():
    text = ("[IPKernelApp] WARNING | Kernel is running over TCP\nTraceback (most recent call last):\n"
            "  File \"a.py\", line 3, in <module>\nzmq.error.ZMQError: Cannot assign requested address\n")
    assert kernel_error_line(text) == "zmq.error.ZMQError: Cannot assign requested address"
    assert kernel_error_line("") == ""


def test_loopback_check(tmp_path: Path) -> None:
    """This machine's kernels can be reached; an address no interface carries cannot (one line)."""
    check_loopback()
    with pytest.raises(KernelStartError, match="^no loopback interface: kernels cannot start") as err:
        check_loopback("192.0.2.1")                                # TEST-NET-1: never a local address
    assert "\n" not in str(err.value)


def _netns_works() -> bool:
    """Whether ``unshare -rn`` (a user + network namespace whose loopback is down) is allowed here."""
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _netns_works(), reason="unshare -rn (network namespace) not permitted here")
def test_no_loopback_fails_in_a_second(tmp_path: Path) -> None:
    """In a network namespace with ``lo`` down, the check fails at once (kernels would wait 60 s)."""
    code = "from analysis.report.execute import check_loopback; check_loopback()"
    t0 = time.monotonic()
    proc = subprocess.run(["unshare", "-rn", sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=str(config.ROOT), timeout=60)
    assert proc.returncode != 0 and "no loopback interface: kernels cannot start" in proc.stderr
    assert time.monotonic() - t0 < 10
