"""Execute notebooks with papermill in parallel worker processes, with a timeout per notebook.

Each worker is a long-lived ``python -m analysis.report.execute`` process (papermill + nbconvert are
imported once per worker, not once per notebook) that reads one job spec per stdin line,
executes the notebook in the job's own folder (``cwd``), renders it to HTML and answers with
one result line. A notebook that overruns its timeout gets its worker and the worker's kernel
killed (jupyter_client starts kernels in a session of their own, so both are killed by pid);
a fresh worker takes the remaining jobs. Workers and kernels die with their parent
(:mod:`analysis.report.lifeline`), so a runner killed with SIGKILL leaves nothing running.

Kernel shutdown: ``shutdown_kernel="immediate"`` is not a papermill argument of its own but
reaches nbclient's ``NotebookClient.shutdown_kernel`` trait through papermill's engine kwargs;
a graceful shutdown sometimes stalled for seconds.

Timeout: ``timeout`` seconds cover the whole execution, kernel start-up included. The worker gives
nbclient the time left (its ``timeout_func``), so papermill stops the overrunning cell at the
deadline and names it; the runner kills the worker :data:`GRACE_S` later if it has not answered.
Rendering the HTML afterwards is not counted; it has :data:`RENDER_TIMEOUT_S` of its own.

Kernel start-up: :func:`check_loopback` finds a machine whose kernels cannot be reached on
127.0.0.1 in milliseconds, before any worker starts (instead of every kernel waiting a minute), and
a kernel that dies while starting fails its job with the first line of its own error
(:func:`kernel_error_line`, from the kernel's stderr, which the worker captures per job).
"""
from __future__ import annotations

import json
import logging
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

from analysis import config
from analysis.report import lifeline
from analysis.report.render import render_notebook

log = logging.getLogger(__name__)

MARK = "@@policy-news-result "
GRACE_S = 1.0  # after the deadline: papermill's own cell timeout answers first, naming the cell
RENDER_TIMEOUT_S = 120.0  # rendering the executed notebook to HTML (not part of --timeout)
START_TIMEOUT_S = 60.0  # kernel start-up at most (and never more than the notebook's timeout)
STARTING = "starting"  # progress-file content from the start of a job to its first cell
RENDERING = "rendering"  # progress-file content once execution has ended
_ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b.*")


class KernelStartError(RuntimeError):
    """Kernels cannot start on this machine (e.g. no loopback interface): one line, exit 1."""


def check_loopback(host: str = "127.0.0.1", timeout: float = 1.0) -> None:
    """Raise KernelStartError unless a TCP connection to ``host`` works (kernels listen there).

    A network namespace whose loopback interface is down still lets a socket bind 127.0.0.1, but
    nothing can connect to it: each kernel would wait its whole start-up timeout.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind((host, 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=timeout):
                pass
    except OSError as exc:
        raise KernelStartError(f"no loopback interface: kernels cannot start (connecting to {host} "
                               f"failed: {exc.strerror or exc}); bring up the 'lo' interface") from None


def kernel_error_line(text: str) -> str:
    r"""The line of a kernel's stderr that says why it failed: the exception line, else the first line.

    >>> kernel_error_line("[IPKernelApp] WARNING | x\nTraceback (most recent call last):\n  File ...\nImportError: no numpy")
    'ImportError: no numpy'
    >>> kernel_error_line("/usr/bin/python3: No module named nope\n")
    '/usr/bin/python3: No module named nope'
    """
    lines = [ln.strip() for ln in text.splitlines()
             if ln.strip() and not ln.lstrip().startswith(("[IPKernelApp]", "[I ", "[W "))]
    found = [ln for ln in lines if _ERROR_LINE.match(ln)]
    return (found[-1] if found else next((ln for ln in lines if not ln.startswith(("Traceback", "File "))), ""))[:300]


@contextmanager
def kernel_stderr(path: Path) -> Iterator[None]:
    """Send this process's stderr (inherited by the kernel it starts) to ``path`` for the block,
    then append what was written there to the real stderr (the run's ``runner.log``)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as fh:
        os.dup2(fh.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        try:
            os.write(2, path.read_bytes())
        except OSError:
            pass


def kernel_env(scratch: Path) -> dict[str, str]:
    """Environment for workers: this venv's kernel tied to its worker, inline figures, the package.

    The ``python3`` kernelspec is always the runner's own (in ``scratch``, first on JUPYTER_PATH):
    this interpreter, started through :mod:`analysis.report.lifeline` so that a kernel dies with
    its worker, and a worker (told the runner's pid) with the runner.
    """
    env = dict(os.environ)
    # ipykernel shows figures inline only when MPLBACKEND is unset or inline (tests set Agg)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(config.ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env[lifeline.PARENT_ENV] = str(os.getpid())
    spec_dir = scratch / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "analysis.report.lifeline", "-f", "{connection_file}"],
        "display_name": "Python 3 (policy-news)", "language": "python"}))
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(scratch / "jupyter"), env.get("JUPYTER_PATH")) if p)
    return env


def template_cell(notebook: Path, source: str) -> int | None:
    """Index of the cell with this source in the template notebook (None if not found)."""
    if not source:
        return None
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    for i, cell in enumerate(cells):
        src = cell.get("source", "")
        if ("".join(src) if isinstance(src, list) else src).strip() == source.strip():
            return i
    return None


def slowest_cells(executed: Path, template: Path, n: int = 3) -> list[dict[str, Any]]:
    """The ``n`` slowest cells (papermill's per-cell durations), by template cell index."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    timed = []
    for cell in cells:
        seconds = (cell.get("metadata", {}).get("papermill") or {}).get("duration")
        if cell.get("cell_type") == "code" and seconds:
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            timed.append({"cell": template_cell(template, src), "seconds": round(seconds, 2),
                          "first_line": next((ln.strip()[:80] for ln in src.splitlines()
                                              if ln.strip()), "")})
    return sorted(timed, key=lambda c: -c["seconds"])[:n]


def _execute_one(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one job spec in this worker: papermill, then HTML rendering."""
    # deferred on purpose: papermill takes ~1 s to import and only the worker processes run notebooks
    import papermill as pm
    from papermill.engines import NotebookExecutionManager
    from papermill.exceptions import PapermillExecutionError

    progress = Path(spec["progress_file"])
    kernel_log = Path(spec["progress_file"] + ".stderr")
    progress.write_text(STARTING)  # the runner's clock starts now too (worker start-up is not counted)
    deadline = time.monotonic() + float(spec["timeout"])
    original = NotebookExecutionManager.cell_start

    def time_left(cell) -> float:
        """nbclient's timeout for this cell: what is left of the notebook's time."""
        return max(0.1, deadline - time.monotonic())

    def cell_start(self, cell, cell_index=None, **kwargs):
        """Record which cell runs, for the progress display and timeout messages."""
        progress.write_text(f"{cell_index} {len(self.nb.cells)}")
        return original(self, cell, cell_index, **kwargs)

    NotebookExecutionManager.cell_start = cell_start
    result: dict[str, Any] = {"key": spec["key"], "status": "ok", "error": None}
    t0 = time.perf_counter()
    try:
        with kernel_stderr(kernel_log):
            pm.execute_notebook(
                spec["input"], spec["output"], parameters=spec["parameters"], cwd=spec["cwd"],
                kernel_name=spec.get("kernel_name", "python3"), progress_bar=False,
                execution_timeout=spec["timeout"], timeout_func=time_left, log_output=False,
                start_timeout=max(1, int(min(START_TIMEOUT_S, spec["timeout"]))),
                shutdown_kernel="immediate")
    except PapermillExecutionError as exc:
        result["status"] = "failed"
        result["error"] = {"cell_index": exc.cell_index, "exec_count": exc.exec_count,
                           "ename": exc.ename, "evalue": str(exc.evalue)[:2000],
                           "source": (exc.source or "")[:500]}
    except Exception as exc:  # noqa: BLE001 - timeouts, dead kernels, unreadable notebooks fail this job only
        cell = progress.read_text().split()[0] if progress.exists() else None
        cell = cell if cell and cell.isdigit() else None
        result["status"] = "timeout" if isinstance(exc, TimeoutError) and cell else "error"
        result["error"] = {"cell_index": int(cell) if cell else None, "exec_count": None,
                           "ename": type(exc).__name__, "evalue": str(exc)[:2000], "source": ""}
        if cell is not None and isinstance(exc, TimeoutError):  # papermill stopped the cell at the deadline
            result["error"]["evalue"] = (f"notebook exceeded {float(spec['timeout']):g} s (--timeout); "
                                         f"stopped in cell {cell}\n{exc}")[:2000]
        if cell is None:  # no cell ran: the kernel did not start; say why in its own words
            why = kernel_error_line(kernel_log.read_text(errors="replace")) if kernel_log.exists() else ""
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if why or isinstance(exc, (RuntimeError, TimeoutError)):
                result["error"]["evalue"] = f"the kernel did not start: {why or first}"[:2000]
    finally:
        NotebookExecutionManager.cell_start = original
        kernel_log.unlink(missing_ok=True)
        progress.write_text(RENDERING)
    if result["error"]:
        result["error"]["template_cell_index"] = template_cell(
            Path(spec["input"]), result["error"].get("source") or "")
    result["duration_s"] = round(time.perf_counter() - t0, 3)
    result["slowest_cells"] = slowest_cells(Path(spec["output"]), Path(spec["input"]))
    t1 = time.perf_counter()
    result["html_problems"] = []
    if Path(spec["output"]).exists():
        try:
            info = dict(spec.get("run_info", {}), status=result["status"])
            result["html_problems"] = render_notebook(
                Path(spec["output"]), Path(spec["html"]), spec["show_code"], info)
        except Exception as exc:  # noqa: BLE001 - a rendering failure fails this job only
            result["html_problems"] = [f"rendering failed: {type(exc).__name__}: {exc}"]
        if result["html_problems"] and result["status"] == "ok":
            result["status"] = "unsafe-html"
    result["render_s"] = round(time.perf_counter() - t1, 3)
    return result


def worker_main() -> int:
    """Serve job specs from stdin (one JSON per line) until EOF; die with the runner."""
    lifeline.die_with_parent(lifeline.env_parent(lifeline.PARENT_ENV))
    for line in sys.stdin:
        if not line.strip():
            continue
        spec = json.loads(line)
        os.chdir(spec["cwd"])
        result = _execute_one(spec)
        sys.stdout.write(MARK + json.dumps(result) + "\n")
        sys.stdout.flush()
    return 0


class _Worker:
    """One worker process with a reader thread that forwards its result lines."""

    def __init__(self, env: dict[str, str], log_file: Path, results: queue.Queue) -> None:
        self.log = open(log_file, "a", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "analysis.report.execute"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=env,
            start_new_session=True, cwd=str(config.ROOT))
        self.job: dict[str, Any] | None = None
        self.started = 0.0
        self.rendering = 0.0  # when the current job's rendering was first seen (0: not yet)
        self.clock = 0.0  # when the worker was first seen working on the current job
        threading.Thread(target=self._read, args=(results,), daemon=True).start()

    def _read(self, results: queue.Queue) -> None:
        """Forward result lines (and EOF) to the scheduler."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(MARK):
                results.put((self, json.loads(line[len(MARK):])))
        results.put((self, None))

    def submit(self, spec: dict[str, Any]) -> None:
        """Send one job."""
        assert self.proc.stdin is not None
        self.job, self.started, self.rendering, self.clock = spec, time.monotonic(), 0.0, 0.0
        self.proc.stdin.write(json.dumps(spec) + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        """Kill the worker and its kernel (kernels run in a session of their own)."""
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for child in children:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        self.proc.wait()
        self.log.close()

    def close(self) -> None:
        """Let the worker finish (EOF on stdin)."""
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (subprocess.TimeoutExpired, BrokenPipeError, OSError):
            self.kill()
        self.log.close()


def _progress(spec: dict[str, Any]) -> tuple[int, int]:
    """A job's (current cell, number of cells) from its progress file; (-1, -1) while rendering,
    (-2, -2) before the worker began it, (0, 0) while its kernel starts."""
    try:
        text = Path(spec["progress_file"]).read_text().strip()
    except OSError:
        return -2, -2
    if text in (RENDERING, STARTING):
        return (-1, -1) if text == RENDERING else (0, 0)
    try:
        i, n = text.split()
        return int(i), int(n)
    except ValueError:
        return 0, 0


def _overrun(w: _Worker, now: float) -> str | None:
    """Why a busy worker must be killed now (its notebook or its rendering is over time), or None.

    The notebook's clock starts when its worker begins it (a new worker's own start-up is not
    counted, but may take at most START_TIMEOUT_S)."""
    assert w.job is not None
    cell = _progress(w.job)[0]
    if cell == -2:
        if now - w.started > START_TIMEOUT_S:
            return f"the worker did not start within {START_TIMEOUT_S:.0f} s (killed)"
        return None
    w.clock = w.clock or now
    if cell == -1:
        w.rendering = w.rendering or now
        if now - w.rendering > RENDER_TIMEOUT_S:
            return f"rendering the HTML took over {RENDER_TIMEOUT_S:.0f} s (killed)"
        return None
    if now - w.clock > w.job["timeout"] + GRACE_S:
        return f"notebook exceeded {w.job['timeout']:g} s (killed)"
    return None


def run_specs(specs: list[dict[str, Any]], n_jobs: int, env: dict[str, str], log_file: Path,
              on_event=None) -> dict[str, dict[str, Any]]:
    """Run every spec on ``n_jobs`` workers; return results by key. ``on_event(kind, spec, info)``."""
    results: queue.Queue = queue.Queue()
    pending = list(specs)
    done: dict[str, dict[str, Any]] = {}
    workers: list[_Worker] = []
    notify = on_event or (lambda *a: None)
    try:
        while pending or any(w.job for w in workers):
            for w in workers:
                if w.job is None and pending:
                    spec = pending.pop(0)
                    w.submit(spec)
                    notify("start", spec, {})
            while pending and len(workers) < n_jobs:
                w = _Worker(env, log_file, results)
                workers.append(w)
                spec = pending.pop(0)
                w.submit(spec)
                notify("start", spec, {})
            try:
                worker, result = results.get(timeout=0.25)
            except queue.Empty:
                worker, result = None, None
            if worker is not None and worker.job is not None:
                spec = worker.job
                if result is None:  # the worker died
                    result = {"key": spec["key"], "status": "error", "duration_s":
                              round(time.monotonic() - worker.started, 3), "render_s": 0.0,
                              "html_problems": [], "error": {
                                  "cell_index": _progress(spec)[0] or None, "exec_count": None,
                                  "ename": "WorkerDied", "source": "",
                                  "evalue": f"worker exited with code {worker.proc.poll()}"}}
                    workers.remove(worker)
                    worker.log.close()
                worker.job = None
                done[spec["key"]] = result
                notify("done", spec, result)
            now = time.monotonic()
            for w in list(workers):
                if w.job is None:
                    continue
                cell = _progress(w.job)
                if cell[0] >= 0:
                    notify("progress", w.job, {"cell": cell})
                why = _overrun(w, now)
                if why:
                    spec, (cell, n_cells) = w.job, _progress(w.job)
                    w.job = None
                    w.kill()
                    workers.remove(w)
                    res = {"key": spec["key"], "status": "timeout", "render_s": 0.0,
                           "duration_s": round(now - w.started, 3), "html_problems": [],
                           "error": {"cell_index": cell if n_cells > 0 else None, "exec_count": None,
                                     "source": "", "ename": "Timeout", "evalue": why}}
                    done[spec["key"]] = res
                    notify("done", spec, res)
    except BaseException:
        for w in workers:
            w.kill()
        raise
    for w in workers:
        w.close()
    return done


if __name__ == "__main__":
    sys.exit(worker_main())
