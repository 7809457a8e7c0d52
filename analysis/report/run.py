"""One report run: cache check, the run folder, parallel execution, index, manifest, ``latest``.

Layout of ``reports/<run-id>/`` (run id = UTC timestamp + the run's cache key)::

    manifest.json           parameters, fingerprints, versions, durations, status per notebook
    index.html              a card per report (thumbnail, parameters, corpus, run time)
    <job>/<job>.ipynb       the executed notebook (papermill's error cell included on failure)
    <job>/<job>.html        the rendered, self-contained report
    <job>/*.png|svg|csv     figures and the numbers they plot (the notebook's working folder)

``reports/latest`` is a relative symlink, swapped atomically (:func:`analysis.files.swap_symlink`)
and only after every notebook succeeded, so a failed or killed run never becomes ``latest``.

    >>> make_run_id("0123456789abcdef", datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    '20260102T030405Z-01234567'
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psutil

from analysis.config import VERSION
from analysis.corpus.store import corpus_fingerprint, reader_lease
from analysis.errors import StoreError, UsageError
from analysis.files import swap_symlink, write_json_atomic
from analysis.report import fingerprints as fp
from analysis.report.execute import check_loopback, kernel_env, run_specs
from analysis.report.index_page import HIDDEN_PARAMS, write_index
from analysis.report.plan import ALIASES, Job, as_list, file_sha256, inspect_parameters
from analysis.themes.lexicon import lexicon_fingerprint, with_user_lexicons

log = logging.getLogger(__name__)

LATEST = "latest"
MANIFEST = "manifest.json"
OK = "ok"
ABANDONED = "abandoned"


@dataclass
class RunResult:
    """What a run did: where, whether it was skipped, and per-notebook outcomes."""

    run_dir: Path
    status: str  # ok | failed | skipped
    notebooks: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""

    @property
    def exit_code(self) -> int:
        """0 for ok/skipped, 1 when a notebook failed."""
        return 0 if self.status in (OK, "skipped") else 1


def make_run_id(key: str, now: datetime | None = None) -> str:
    """``YYYYMMDDTHHMMSSZ-<8 hex of the cache key>``."""
    now = now or datetime.now(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + key[:8]


def read_latest_manifest(out_dir: Path) -> dict[str, Any] | None:
    """The manifest ``reports/latest`` points at, if any."""
    path = out_dir / LATEST / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


RUN_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}(?:-\d+)?$")


def prune_runs(out_dir: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest run folders (never the one ``latest`` points at).

    >>> prune_runs(Path("/nonexistent"), 3)
    []
    """
    if keep <= 0 or not out_dir.is_dir():
        return []
    runs = sorted((p for p in out_dir.iterdir()
                   if p.is_dir() and not p.is_symlink() and RUN_ID.match(p.name)),
                  key=lambda p: p.name)
    latest = (out_dir / LATEST).resolve() if (out_dir / LATEST).is_symlink() else None
    doomed = [p for p in runs[:-keep] if p.resolve() != latest]
    for p in doomed:
        shutil.rmtree(p)
        (out_dir / f"{p.name}.zip").unlink(missing_ok=True)  # its --zip archive goes with it
    return doomed


def longest_first(specs: list[dict[str, Any]], previous: dict[str, Any] | None) -> list[dict]:
    """Order jobs by their duration in the previous run, longest first (unknown ones first).

    Longest-processing-time-first keeps the last worker from starting a long notebook alone.

    >>> [s["key"] for s in longest_first([{"key": "a"}, {"key": "b"}, {"key": "c"}],
    ...     {"notebooks": [{"key": "a", "duration_s": 1}, {"key": "b", "duration_s": 9}]})]
    ['c', 'b', 'a']
    """
    took = {e["key"]: e.get("duration_s") or 0.0 for e in (previous or {}).get("notebooks", [])}
    return sorted(specs, key=lambda s: -took.get(s["key"], float("inf")))


def _terminate_as_interrupt():
    """Make SIGTERM (cron/CI cancel) clean up like Ctrl-C; return the old handler (or None)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    return signal.signal(signal.SIGTERM, handler)


def run_payload(jobs: list[Job], corpus_fp: str, lexicon_fp: str, show_code: bool) -> dict:
    """What decides whether a run can be skipped: inputs, parameters, notebooks, template.

    The package's source is recorded in the manifest (``code_fingerprint``) but not part of
    the key: a code change alone does not redo a weekly report (use ``--force``)."""
    return {
        "corpus": corpus_fp,
        "lexicons": lexicon_fp,
        "version": VERSION,
        "template": fp.template_fingerprint(),
        "show_code": show_code,
        "jobs": [{"key": j.key, "notebook": j.notebook.name, "sha256": file_sha256(j.notebook),
                  "parameters": j.parameters} for j in jobs],
    }


@contextmanager
def pin_store(store: Path | None, version: str | None = None) -> Iterator[str | None]:
    """Hold a reader lease on a store version (None: the current one) for the block; yield its name.

    While the lease is held no commit removes the version, so every notebook of a run reads the
    same articles (:func:`analysis.corpus.store.reader_lease`). An empty store yields None.
    """
    with ExitStack() as stack:
        try:
            vdir = stack.enter_context(reader_lease(store, version))
        except FileNotFoundError:
            vdir = None
        yield vdir.name if vdir is not None else None


def pin_jobs(jobs: list[Job], version: str | None) -> list[Job]:
    """Jobs whose notebooks declare ``store_version`` get the pinned version (others unchanged)."""
    out = []
    for job in jobs:
        params = dict(job.parameters)
        if version and "store_version" in inspect_parameters(job.notebook):
            params["store_version"] = version
        out.append(Job(job.key, job.notebook, params, job.required))
    return out


def cache_inputs(jobs: list[Job], store: Path | None, show_code: bool,
                 lexicons: str | Path | None = None,
                 version: str | None = None) -> tuple[str, str, str]:
    """Return ``(corpus fingerprint, lexicon fingerprint, cache key)`` of a run on store ``version``.

    ``lexicons`` is the folder of user themes the notebooks add to the shipped ones (None: the jobs'
    ``lexicons`` parameter, else the shipped lexicons only), so editing those lexicons changes the
    key and the next run is not skipped. The fingerprint is
    :func:`analysis.themes.lexicon.lexicon_fingerprint`, the same one the score cache and the model
    use. A ``model`` parameter's file enters the key by its SHA-256.
    """
    corpus_fp = corpus_fingerprint(store, version=version)
    params = [j.parameters for j in jobs]
    lexicons = lexicons or next((p["lexicons"] for p in params if p.get("lexicons")), None)
    lexicon_fp = lexicon_fingerprint(with_user_lexicons(lexicons))
    payload = run_payload(jobs, corpus_fp, lexicon_fp, show_code)
    models = sorted({str(p["model"]) for p in params if p.get("model")})
    if models:
        payload["models"] = {m: file_sha256(Path(m)) for m in models if Path(m).is_file()}
    return corpus_fp, lexicon_fp, fp.cache_key(payload)


def _first_line(source: str) -> str:
    """First non-blank line of a cell source, shortened."""
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


def describe_failure(nb: dict[str, Any]) -> str:
    """One line naming the notebook and the cell that failed."""
    err = nb.get("error") or {}
    cell, tcell = err.get("cell_index"), err.get("template_cell_index")
    if tcell is not None:
        where = f"cell {tcell} of {nb['notebook']}"
    elif cell is not None:
        where = f"cell {cell} of the executed notebook"
    else:
        where = "start-up (no cell ran)"
    if err.get("exec_count"):
        where += f" (In [{err['exec_count']}])"
    src = _first_line(err.get("source") or "")
    what = f"{err.get('ename', '')}: {str(err.get('evalue', '')).splitlines()[0] if err.get('evalue') else ''}"
    if nb.get("html_problems"):
        what += " HTML problems: " + "; ".join(nb["html_problems"][:5])
    return (f"{nb['label']} {nb['status']} at {where}{' `' + src + '`' if src else ''}: "
            f"{what.strip()} — executed notebook kept at {nb['ipynb']}")


def check_out_dir(out_dir: Path) -> None:
    """Refuse a reports folder that cannot hold runs (UsageError), before any kernel starts.

    ``--out`` must be a folder (or creatable as one) that this user can write, and ``DIR/latest``,
    if present, must be the symlink the runner moves (a real folder there would be replaced).

    >>> check_out_dir(Path("/dev/null"))
    Traceback (most recent call last):
    analysis.errors.UsageError: --out /dev/null: not a folder
    """
    if os.path.lexists(out_dir) and not out_dir.is_dir():
        what = "a dangling symlink" if out_dir.is_symlink() else "not a folder"
        raise UsageError(f"--out {out_dir}: {what}")
    probe = out_dir
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"--out {out_dir}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out_dir}: {probe} is not writable")
    latest = out_dir / LATEST
    if os.path.lexists(latest) and not latest.is_symlink():
        kind = "folder" if latest.is_dir() else "file"
        raise UsageError(f"{latest} is a real {kind}, not the symlink the runner points at the last "
                         f"good run; rename or remove it")


def _runner_identity() -> dict[str, Any]:
    """This process as a manifest records it: pid, its start time and the host."""
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "pid_started": psutil.Process().create_time()}


def _runner_alive(runner: dict[str, Any] | None) -> bool:
    """Whether the process that wrote a ``running`` manifest still runs (another host: assume so)."""
    if not runner or "pid" not in runner:
        return False
    if runner.get("host") != socket.gethostname():
        return True
    try:
        return abs(psutil.Process(int(runner["pid"])).create_time()
                   - float(runner.get("pid_started", 0))) < 1.0
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return False


def mark_abandoned(out_dir: Path) -> list[Path]:
    """Mark run folders whose manifest says ``running`` but whose runner is gone as ``abandoned``.

    A runner killed with SIGKILL cannot update its manifest; the next run does. Such runs never
    become ``latest`` (only an ``ok`` run does).

    >>> mark_abandoned(Path("/nonexistent"))
    []
    """
    marked = []
    for run_dir in sorted(p for p in out_dir.glob("*") if RUN_ID.match(p.name) and p.is_dir()):
        try:
            manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if manifest.get("status") == "running" and not _runner_alive(manifest.get("runner")):
            manifest.update(status=ABANDONED, abandoned_utc=_now())
            write_json_atomic(run_dir / MANIFEST, manifest)
            log.warning("run %s: its runner (pid %s) is gone; marked abandoned", run_dir.name,
                        (manifest.get("runner") or {}).get("pid"))
            marked.append(run_dir)
    return marked


def _now() -> str:
    """The UTC time as recorded in manifests."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def job_window(parameters: dict[str, Any]) -> dict[str, Any]:
    """The article selection a job's parameters ask for: start, end and the outlets as a list.

    >>> job_window({"start": "2025-01-01", "outlets": "Harbor Gazette,Metro Tribune"})
    {'start': '2025-01-01', 'end': None, 'outlets': ['Harbor Gazette', 'Metro Tribune']}
    """
    outlets = next((parameters[n] for n in ALIASES["outlets"] if n in parameters), None)
    return {"start": parameters.get("start") or None, "end": parameters.get("end") or None,
            "outlets": as_list(outlets)}


def _open_run(out_dir: Path, key: str, header: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    """Create the run folder and its ``running`` manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    run_id = make_run_id(key)
    run_dir = out_dir / run_id
    n = 1
    while True:
        try:
            run_dir.mkdir()
            break
        except FileExistsError:
            n += 1
            run_dir = out_dir / f"{run_id}-{n}"
    manifest: dict[str, Any] = {"run_id": run_dir.name, "status": "running", "cache_key": key,
                                "started_utc": _now(), "runner": _runner_identity(), **header,
                                "notebooks": []}
    write_json_atomic(run_dir / MANIFEST, manifest)
    return run_dir, manifest


def _job_specs(jobs: list[Job], run_dir: Path, timeout: float, show_code: bool) -> list[dict]:
    """One worker spec per job: its folder in the run, its parameters and rendering options."""
    specs = []
    for job in jobs:
        job_dir = run_dir / job.key
        job_dir.mkdir()
        specs.append({
            "key": job.key, "label": job.label, "input": str(job.notebook),
            "output": str(job_dir / f"{job.key}.ipynb"), "html": str(job_dir / f"{job.key}.html"),
            "cwd": str(job_dir), "parameters": job.parameters, "timeout": timeout,
            "progress_file": str(run_dir / f".{job.key}.progress"), "show_code": show_code,
            "run_info": {"run_id": run_dir.name, "parameters": {
                k: v for k, v in job.parameters.items() if k not in HIDDEN_PARAMS}}})
    return specs


def _entry(job: Job, spec: dict[str, Any], res: dict[str, Any], run_dir: Path,
           corpus_index: Any) -> dict[str, Any]:
    """The manifest entry of one executed job."""
    job_dir = Path(spec["cwd"])
    window = job_window(job.parameters)
    return {
        "key": job.key, "label": job.label, "notebook": job.notebook.name,
        "notebook_sha256": file_sha256(job.notebook), "parameters": job.parameters,
        "status": res.get("status"), "duration_s": res.get("duration_s"),
        "render_s": res.get("render_s"), "error": res.get("error"),
        "slowest_cells": res.get("slowest_cells", []),
        "html_problems": res.get("html_problems", []),
        "ipynb": f"{job.key}/{job.key}.ipynb",
        "html": f"{job.key}/{job.key}.html" if Path(spec["html"]).exists() else None,
        "figures": sorted(p.relative_to(run_dir).as_posix() for p in job_dir.rglob("*")
                          if p.suffix.lower() in (".png", ".svg", ".csv")),
        "corpus": fp.corpus_summary(corpus_index, window["start"], window["end"],
                                    window["outlets"] or None)
        if corpus_index is not None else {},
    }


def _execute(specs: list[dict], run_dir: Path, n_jobs: int, on_event) -> dict[str, dict[str, Any]]:
    """Run the specs on the worker pool (SIGTERM handled like Ctrl-C); return results by key."""
    previous = _terminate_as_interrupt()
    try:
        with tempfile.TemporaryDirectory(prefix="policy-news-kernel-") as scratch:
            env = kernel_env(Path(scratch))
            return run_specs(specs, n_jobs, env, run_dir / "runner.log", on_event)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        for spec in specs:
            Path(spec["progress_file"]).unlink(missing_ok=True)


def _finish(out_dir: Path, run_dir: Path, manifest: dict[str, Any], entries: list[dict],
            t_start: float) -> RunResult:
    """Write the index and the final manifest; move ``latest`` when every notebook succeeded."""
    status = OK if all(e["status"] == OK for e in entries) else "failed"
    manifest.update(status=status, notebooks=entries, finished_utc=_now(),
                    duration_s=round(time.perf_counter() - t_start, 3))
    write_index(run_dir, manifest)
    write_json_atomic(run_dir / MANIFEST, manifest)
    if status == OK:  # after the manifest: latest never points at a run that is not ok
        swap_symlink(out_dir / LATEST, run_dir)
    if status == OK:
        msg = f"{len(entries)} reports in {run_dir} ({manifest['duration_s']:.1f} s); " \
              f"{out_dir / LATEST} updated"
    else:
        failed = [e for e in entries if e["status"] != OK]
        msg = "\n".join(describe_failure({**e, "ipynb": run_dir / e["ipynb"]}) for e in failed)
        msg += f"\n{len(failed)} of {len(entries)} notebooks failed; {out_dir / LATEST} not moved"
    return RunResult(run_dir, status, entries, msg)


def _record_failure(run_dir: Path, manifest: dict[str, Any], exc: BaseException) -> str:
    """Mark the run ``interrupted`` (Ctrl-C, SIGTERM) or ``failed``; log the traceback; one line."""
    interrupted = isinstance(exc, KeyboardInterrupt)
    line = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".strip()
    manifest.update(status="interrupted" if interrupted else "failed", finished_utc=_now(),
                    error=None if interrupted else line)
    try:
        write_json_atomic(run_dir / MANIFEST, manifest)
        with open(run_dir / "runner.log", "a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(exc)))
    except OSError as err:  # the folder itself failed (disk full, removed): say so, keep the cause
        log.error("cannot record the failure of run %s: %s", run_dir.name, err)
    return line


def run_report(jobs: list[Job], out_dir: Path, store: Path | None, corpus: dict[str, Any],
               corpus_index: Any, options: dict[str, Any], n_jobs: int = 2,
               timeout: float = 600.0, show_code: bool = False, force: bool = False,
               on_event=None, version: str | None = None) -> RunResult:
    """Run (or skip) the planned jobs and write the run folder; ``latest`` moves only on success.

    The whole run reads one store version: ``version`` (None: the current one) is pinned with a
    reader lease from the cache check to the last page, passed to every notebook that declares
    ``store_version`` and recorded in the manifest. A run that stops on an error ends with its
    manifest saying ``failed`` (``interrupted`` on Ctrl-C/SIGTERM) and raises StoreError with one
    line; it never stays ``running``.
    """
    out_dir = Path(out_dir)
    check_out_dir(out_dir)
    mark_abandoned(out_dir)
    with pin_store(store, version) as version:
        return _pinned_run(pin_jobs(jobs, version), out_dir, store, version, corpus, corpus_index,
                           options, n_jobs, timeout, show_code, force, on_event)


def _pinned_run(jobs: list[Job], out_dir: Path, store: Path | None, version: str | None,
                corpus: dict[str, Any], corpus_index: Any, options: dict[str, Any], n_jobs: int,
                timeout: float, show_code: bool, force: bool, on_event) -> RunResult:
    """:func:`run_report` while the store version is pinned."""
    t_start = time.perf_counter()
    corpus_fp, lexicon_fp, key = cache_inputs(jobs, store, show_code, version=version)
    latest = read_latest_manifest(out_dir)
    if not force and latest and latest.get("cache_key") == key and latest.get("status") == OK:
        run_dir = (out_dir / LATEST).resolve()
        return RunResult(run_dir, "skipped", latest.get("notebooks", []),
                         f"unchanged corpus, lexicons, parameters and notebooks since run "
                         f"{latest.get('run_id')}; nothing to do ({out_dir / LATEST}). "
                         f"Use --force to run again.")
    check_loopback()  # before the run folder: a machine whose kernels cannot start fails in a second
    run_dir, manifest = _open_run(out_dir, key, {
        "corpus": {"store": str(store) if store else None, "version": version,
                   "fingerprint": corpus_fp, **corpus},
        "lexicon_fingerprint": lexicon_fp, "code_fingerprint": fp.code_fingerprint(),
        "options": options, "jobs": n_jobs,
        "timeout_s": timeout, "show_code": show_code, "kernel": "python3",
        "packages": fp.package_versions()})
    try:
        specs = longest_first(_job_specs(jobs, run_dir, timeout, show_code), latest)
        results = _execute(specs, run_dir, n_jobs, on_event)
        by_key = {s["key"]: s for s in specs}
        entries = [_entry(job, by_key[job.key], results.get(
            job.key, {"status": "error", "error": {"ename": "NotRun"}}), run_dir, corpus_index)
            for job in jobs]
        return _finish(out_dir, run_dir, manifest, entries, t_start)
    except KeyboardInterrupt as exc:
        _record_failure(run_dir, manifest, exc)
        raise
    except Exception as exc:
        line = _record_failure(run_dir, manifest, exc)
        raise StoreError(f"report run {run_dir.name} failed: {line} "
                         f"(traceback in {run_dir / 'runner.log'})") from exc
