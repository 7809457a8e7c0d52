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
import re
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from analysis.config import VERSION
from analysis.corpus.store import corpus_fingerprint
from analysis.files import swap_symlink, write_json_atomic
from analysis.report import fingerprints as fp
from analysis.report.execute import kernel_env, run_specs
from analysis.report.index_page import HIDDEN_PARAMS, write_index
from analysis.report.plan import Job, file_sha256
from analysis.themes.lexicon import lexicon_fingerprint

log = logging.getLogger(__name__)

LATEST = "latest"
MANIFEST = "manifest.json"
OK = "ok"


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


def cache_inputs(jobs: list[Job], store: Path | None, show_code: bool,
                 lexicons: str | Path | None = None) -> tuple[str, str, str]:
    """Return ``(corpus fingerprint, lexicon fingerprint, cache key)`` of a run.

    ``lexicons`` is the lexicon folder the notebooks score with (None: the shipped lexicons, which
    the report notebooks use), so editing those lexicons changes the key and the next run is not
    skipped. The fingerprint is :func:`analysis.themes.lexicon.lexicon_fingerprint`, the same one
    the score cache and the model use.
    """
    corpus_fp, lexicon_fp = corpus_fingerprint(store), lexicon_fingerprint(lexicons)
    return corpus_fp, lexicon_fp, fp.cache_key(run_payload(jobs, corpus_fp, lexicon_fp, show_code))


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


def run_report(jobs: list[Job], out_dir: Path, store: Path | None, corpus: dict[str, Any],
               corpus_index: Any, options: dict[str, Any], n_jobs: int = 2,
               timeout: float = 600.0, show_code: bool = False, force: bool = False,
               on_event=None) -> RunResult:
    """Run (or skip) the planned jobs and write the run folder; ``latest`` moves only on success."""
    t_start = time.perf_counter()
    out_dir = Path(out_dir)
    corpus_fp, lexicon_fp, key = cache_inputs(jobs, store, show_code)
    latest = read_latest_manifest(out_dir)
    if not force and latest and latest.get("cache_key") == key and latest.get("status") == OK:
        run_dir = (out_dir / LATEST).resolve()
        return RunResult(run_dir, "skipped", latest.get("notebooks", []),
                         f"unchanged corpus, lexicons, parameters and notebooks since run "
                         f"{latest.get('run_id')}; nothing to do ({out_dir / LATEST}). "
                         f"Use --force to run again.")
    out_dir.mkdir(parents=True, exist_ok=True)
    run_id = make_run_id(key)
    run_dir = out_dir / run_id
    n = 1
    while run_dir.exists():
        n += 1
        run_dir = out_dir / f"{run_id}-{n}"
    run_dir.mkdir()
    run_id = run_dir.name
    manifest: dict[str, Any] = {
        "run_id": run_id, "status": "running", "cache_key": key,
        "started_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus": {"store": str(store) if store else None, "fingerprint": corpus_fp, **corpus},
        "lexicon_fingerprint": lexicon_fp, "code_fingerprint": fp.code_fingerprint(),
        "options": options, "jobs": n_jobs,
        "timeout_s": timeout, "show_code": show_code, "kernel": "python3",
        "packages": fp.package_versions(), "notebooks": [],
    }
    write_json_atomic(run_dir / MANIFEST, manifest)
    specs = []
    for job in jobs:
        job_dir = run_dir / job.key
        job_dir.mkdir()
        specs.append({
            "key": job.key, "label": job.label, "input": str(job.notebook),
            "output": str(job_dir / f"{job.key}.ipynb"), "html": str(job_dir / f"{job.key}.html"),
            "cwd": str(job_dir), "parameters": job.parameters, "timeout": timeout,
            "progress_file": str(run_dir / f".{job.key}.progress"), "show_code": show_code,
            "run_info": {"run_id": run_id, "parameters": {
                k: v for k, v in job.parameters.items() if k not in HIDDEN_PARAMS}}})
    specs = longest_first(specs, latest)
    previous = _terminate_as_interrupt()
    try:
        with tempfile.TemporaryDirectory(prefix="policy-news-kernel-") as scratch:
            env = kernel_env(Path(scratch))
            results = run_specs(specs, n_jobs, env, run_dir / "runner.log", on_event)
    except BaseException:
        manifest["status"] = "interrupted"
        write_json_atomic(run_dir / MANIFEST, manifest)
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    for spec in specs:
        Path(spec["progress_file"]).unlink(missing_ok=True)
    entries = []
    for job, spec in zip(jobs, specs):
        res = results.get(job.key, {"status": "error", "error": {"ename": "NotRun"}})
        job_dir = Path(spec["cwd"])
        window = {k: job.parameters.get(k) for k in ("start", "end")}
        entries.append({
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
            "corpus": fp.corpus_summary(corpus_index, window["start"] or None,
                                        window["end"] or None,
                                        job.parameters.get("outlets") or None)
            if corpus_index is not None else {},
        })
    status = OK if all(e["status"] == OK for e in entries) else "failed"
    manifest.update(status=status, notebooks=entries,
                    finished_utc=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    duration_s=round(time.perf_counter() - t_start, 3))
    write_index(run_dir, manifest)
    write_json_atomic(run_dir / MANIFEST, manifest)
    if status == OK:
        swap_symlink(out_dir / LATEST, run_dir)
        msg = f"{len(entries)} reports in {run_dir} ({manifest['duration_s']:.1f} s); " \
              f"{out_dir / LATEST} updated"
    else:
        failed = [e for e in entries if e["status"] != OK]
        msg = "\n".join(describe_failure({**e, "ipynb": run_dir / e["ipynb"]}) for e in failed)
        msg += f"\n{len(failed)} of {len(entries)} notebooks failed; {out_dir / LATEST} not moved"
    return RunResult(run_dir, status, entries, msg)
