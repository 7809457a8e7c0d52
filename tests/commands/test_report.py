"""The ``report`` command line (analysis.commands.report): validation before any kernel, exit codes, --dry-run.

Every mistake is named and exits 2 without a run folder, so no kernel is ever started; ``--dry-run``
prints the plan and runs nothing. Uses the stand-in notebooks and store of tests/report/test_run.py,
where the runs themselves (cache, ``latest``, timeout, kill) are tested.
"""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from analysis.__main__ import main
from analysis.commands import report as report_cmd
from tests.report.test_run import CLI, make_notebooks, make_store, run_cli


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict[str, Path]:
    """A store and stand-in notebooks shared by the tests of this module."""
    root = tmp_path_factory.mktemp("report-cli")
    return {"store": make_store(root / "store"), "notebooks": make_notebooks(root / "notebooks")}


def _main(setup: dict[str, Path], out: Path, *args: str) -> int:
    """Run ``python -m analysis report`` in process on the test store and notebooks."""
    return main(["report", "--corpus", str(setup["store"]), "--notebooks", str(setup["notebooks"]),
                 "--out", str(out), *args])


@pytest.mark.parametrize("args, expected", [
    (["-p", "thme=trade"], "did you mean 'theme'"),
    (["-p", "n_top=ten"], "expects int"),
    (["--themes", "trade,migraton"], "did you mean 'migration'"),
    (["--start", "2024-02-01", "--end", "2024-01-01"], "empty date range"),
    (["--start", "2030-01-01"], "after the last article"),
    (["--end", "1990-01-01"], "before the first article"),
    (["--outlets", "Daily AA"], "did you mean 'Daily A'"),
    (["--start", "yesterday-ish"], "not a date"),
    (["--only", "02-theme-reprt"], "did you mean '02-theme-report'"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--timeout", "0"], "--timeout must be positive"),
])
def test_bad_parameters_exit_2_without_a_kernel(args, expected, setup, tmp_path, capsys):
    """Each mistake is named, exits 2 and leaves no run folder (so no kernel started)."""
    out = tmp_path / "reports"
    code = _main(setup, out, *args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert expected in err
    assert not out.exists() or not any(out.iterdir())


def test_every_mistake_reported_at_once(setup, tmp_path, capsys):
    """Several mistakes in one command line are listed together, not one per attempt."""
    assert _main(setup, tmp_path / "r", "--themes", "tarde", "--outlets", "Daily AA", "--start", "someday") == 2
    err = capsys.readouterr().err
    assert "did you mean 'trade'" in err and "did you mean 'Daily A'" in err and "not a date" in err


def test_dry_run_prints_the_plan_and_runs_nothing(setup, tmp_path, capsys):
    out = tmp_path / "reports"
    assert _main(setup, out, "--dry-run", "--themes", "trade,migration", "-p", "n_top=5",
                 "--start", "2024-01-10") == 0
    lines = capsys.readouterr().out.splitlines()
    labels = [line.split(":")[0] for line in lines]
    assert labels == ["01-corpus-overview", "02-theme-report[trade]", "02-theme-report[migration]",
                      "03-article-brief", "04-compare"]
    assert "'theme': 'migration', 'n_top': 5" in lines[2] and "'start': '2024-01-10'" in lines[0]
    assert "'start'" not in lines[3]                    # the article brief declares no date range
    assert not out.exists()


def test_plan_from_args_resolves_the_options(setup):
    """The parsed command line becomes jobs with typed parameters and the run's context."""
    import argparse

    parser = argparse.ArgumentParser()
    report_cmd.add_arguments(parser)
    args = parser.parse_args(["--corpus", str(setup["store"]), "--notebooks", str(setup["notebooks"]),
                              "--themes", "trade", "--outlets", "Daily A", "--only", "02-theme-report"])
    jobs, ctx = report_cmd.plan_from_args(args)
    assert [j.key for j in jobs] == ["02-theme-report-trade"]
    assert jobs[0].parameters["outlets"] == ["Daily A"] and jobs[0].parameters["theme"] == "trade"
    assert ctx["corpus"]["n_articles"] == 40 and ctx["window"]["n_articles"] == 20
    assert report_cmd.aggregate_selection(jobs) is None     # no --dask: no notebook reads aggregates


def test_unknown_theme_through_the_cli(setup, cli_env, tmp_path):
    """The real command line: exit 2, the valid theme ids listed, no traceback, no run folder."""
    t0 = time.perf_counter()
    proc = run_cli(["--themes", "tarde"], cli_env, setup, tmp_path / "r")
    assert proc.returncode == 2
    assert "did you mean 'trade'" in proc.stderr and "migration" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "r").exists()
    assert time.perf_counter() - t0 < 60


def test_no_kernel_for_missing_store(setup, cli_env, tmp_path):
    """An empty store is a usage error naming the ingest command."""
    cmd = [*CLI, "--corpus", str(tmp_path / "none"),
           "--notebooks", str(setup["notebooks"]), "--out", str(tmp_path / "r")]
    proc = subprocess.run(cmd, env=cli_env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "analysis ingest" in proc.stderr
    assert not (tmp_path / "r").exists() and not (tmp_path / "none").exists()
