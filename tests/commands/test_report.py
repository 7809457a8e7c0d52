"""The ``report`` command line (analysis.commands.report): validation before any kernel, exit codes, --dry-run.

Every mistake is named and exits 2 without a run folder, so no kernel is ever started; ``--dry-run``
prints the plan and runs nothing. Uses the stand-in notebooks and store of tests/report/test_run.py,
where the runs themselves (cache, ``latest``, timeout, kill) are tested.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.__main__ import build_parser, main
from analysis.commands import report as report_cmd
from analysis.corpus.store import current_version, load_corpus
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


# ---------------------------------------------------------------- every option, real notebooks

OUTLETS = ["Harbor Gazette", "Metro Tribune"]
WINDOW = ("2025-01-01", "2025-12-31")


def _report_options() -> set[str]:
    """Every option string of ``python -m analysis report`` (from its argparse parser)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {o for a in sub.choices["report"]._actions for o in a.option_strings} - {"-h", "--help"}


def _expected_articles(store: Path) -> int:
    """Articles of OUTLETS within WINDOW, counted from the store itself."""
    df = load_corpus(store, columns=["date", "source"])
    dates = pd.to_datetime(df["date"])
    inside = (dates >= WINDOW[0]) & (dates < pd.Timestamp(WINDOW[1]) + pd.Timedelta(days=1))
    return int((inside & df["source"].isin(OUTLETS)).sum())


@pytest.mark.slow
def test_every_runner_option_end_to_end(sample_store, cli_env, tmp_path, capsys):
    """Every option of ``report`` in three real runs of the real notebooks (papermill, kernel, nbconvert).

    The README's ``--outlets "Harbor Gazette"`` form crashed the runner after every notebook had run
    (the notebooks take ``outlets`` as a comma-separated string; the runner then used that string as a
    list), leaving the manifest ``running``: no report with --outlets could succeed.
    """
    out = tmp_path / "reports"
    used = {"--corpus"}  # --store's alias
    args = ["--store", str(sample_store), "--out", str(out), "--notebooks", str(config.NOTEBOOKS_DIR),
            "--themes", "trade", "--start", WINDOW[0], "--end", WINDOW[1], "--outlets", ",".join(OUTLETS),
            "--only", "01-corpus-overview,02-theme-report", "--jobs", "2", "--timeout", "300",
            "--show-code", "-p", "02-theme-report:top=5", "--param", "01-corpus-overview:freq=MS"]
    used |= {a for a in args if a.startswith("-")}
    cmd = [*CLI, *args]
    expected = _expected_articles(sample_store)
    assert 0 < expected < len(load_corpus(sample_store, columns=["source"]))

    assert main(["report", *args, "--dry-run"]) == 0
    used.add("--dry-run")
    plan = capsys.readouterr().out
    assert f"'outlets': '{','.join(OUTLETS)}'" in plan and not out.exists()

    first = subprocess.run(cmd, env=cli_env, capture_output=True, text=True, timeout=240)
    assert first.returncode == 0, first.stderr[-3000:]
    run1 = (out / "latest").resolve()
    manifest = json.loads((run1 / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["timeout_s"] == 300 and manifest["jobs"] == 2
    assert manifest["options"]["outlets"] == OUTLETS and manifest["show_code"] is True
    by_key = {e["key"]: e for e in manifest["notebooks"]}
    assert set(by_key) == {"01-corpus-overview", "02-theme-report-trade"}
    for entry in by_key.values():                  # the notebooks' own type: a comma-separated string
        assert entry["parameters"]["outlets"] == ",".join(OUTLETS)
        assert entry["parameters"]["start"] == WINDOW[0] and entry["corpus"]["n_articles"] == expected
        assert entry["corpus"]["sources"] == sorted(OUTLETS)
    assert by_key["02-theme-report-trade"]["parameters"]["top"] == 5
    assert by_key["01-corpus-overview"]["parameters"]["freq"] == "MS"
    plotted = pd.read_csv(run1 / "01-corpus-overview" / "articles_per_period.csv")
    assert set(plotted["source"]) == set(OUTLETS)  # the kernel applied the outlets
    html = (run1 / "02-theme-report-trade" / "02-theme-report-trade.html").read_text()
    assert '<div class="highlight' in html          # --show-code

    second = subprocess.run([*cmd, "--force", "--keep", "1"], env=cli_env, capture_output=True,
                            text=True, timeout=240)
    used |= {"--force", "--keep"}
    assert second.returncode == 0 and "skipped" not in second.stdout, second.stderr[-3000:]
    run2 = (out / "latest").resolve()
    assert run2 != run1 and not run1.exists() and f"removed old run {run1.name}" in second.stdout

    third = subprocess.run([*cmd, "--dask", "local", "--dask-workers", "1", "--no-progress"],
                           env=cli_env, capture_output=True, text=True, timeout=240)
    used |= {"--dask", "--dask-workers", "--no-progress"}
    assert third.returncode == 0, third.stderr[-3000:]
    assert "aggregates computed on dask" in third.stdout
    manifest = json.loads(((out / "latest").resolve() / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["options"]["dask"] == "local"
    for entry in manifest["notebooks"]:
        assert entry["parameters"]["use_aggregates"] is True
        assert entry["corpus"]["n_articles"] == expected
    used.add("--query")  # run end to end in tests/commands/test_report_query.py
    used |= {"--lexicons", "--model"}  # run end to end in tests/commands/test_report_themes.py
    assert _report_options() <= used, f"options never exercised: {_report_options() - used}"


# ---------------------------------------------------------------- hostile paths and folders

@pytest.mark.parametrize("args, expected", [
    (["-p", "out_dir=/tmp/elsewhere"], "-p out_dir: set by the runner"),
    (["-p", "02-theme-report:out_dir=../../.."], "-p out_dir: set by the runner"),
    (["-p", "figures_dir=/tmp/elsewhere"], "-p figures_dir: set by the runner"),
    (["-p", "store_version=v000001"], "-p store_version: set by the runner"),
    (["-p", "store=/tmp"], "use --store instead of -p store"),
    (["-p", "03-article-brief:store=../../.."], "use --store instead of -p store"),
    (["-p", "store="], "use --store instead of -p store"),
])
def test_runner_owned_and_store_parameters_refused(args, expected, setup, tmp_path, capsys):
    """Outputs stay in the run folder and every notebook reads the run's store: -p cannot redirect them."""
    out = tmp_path / "reports"
    assert _main(setup, out, *args) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()


def test_runner_sets_every_output_folder(setup, tmp_path, capsys):
    """A notebook whose output-folder parameters default elsewhere still writes into its own folder."""
    from tests.report.test_run import _notebook

    nbs = make_notebooks(tmp_path / "nbs")
    _notebook(nbs / "03-article-brief.ipynb", "Brief", 'store: str = ""  # x\n'
              'out_dir: str = "/tmp/elsewhere"  # x\nfigures_dir: str = "../../escape"  # x\n', ["1"])
    code = main(["report", "--corpus", str(setup["store"]), "--notebooks", str(nbs), "--out",
                 str(tmp_path / "r"), "--only", "03-article-brief", "--dry-run"])
    plan = capsys.readouterr().out
    assert code == 0 and "'out_dir': '.'" in plan and "'figures_dir': '.'" in plan, plan


@pytest.fixture()
def brief_args(tmp_path) -> list[str]:
    """The real article brief (it declares ``path``) on a small store, validation only."""
    store = make_store(tmp_path / "store", n=4)
    return ["report", "--corpus", str(store), "--notebooks", str(config.NOTEBOOKS_DIR),
            "--out", str(tmp_path / "r"), "--only", "03-article-brief", "--dry-run"]


@pytest.mark.parametrize("value", ["/etc/passwd", "../../../../../../../../etc/hosts", "LINK"])
def test_hostile_article_paths_refused(value, brief_args, tmp_path, capsys):
    """``-p path=`` outside the data folders (absolute, ``..`` escapes, a symlink pointing out) exits 2."""
    if value == "LINK":  # inside the store folder, pointing out of it
        link = tmp_path / "store" / "innocent.txt"
        link.symlink_to("/etc/passwd")
        value = str(link)
    assert main([*brief_args, "-p", f"path={value}"]) == 2
    err = capsys.readouterr().err
    assert "is outside the folders reports may read" in err and "Traceback" not in err


def test_article_path_inside_the_data_is_made_absolute(brief_args, monkeypatch, capsys):
    """A relative ``path`` inside an allowed folder reaches the kernel as an absolute path."""
    monkeypatch.chdir(config.SAMPLE_DIR)
    article = next((config.SAMPLE_DIR / "text").glob("*.txt"))
    assert main([*brief_args, "-p", f"path=text/{article.name}"]) == 0
    assert f"'path': '{article.resolve()}'" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["devnull", "file", "under-file", "latest-folder", "latest-file"])
def test_unusable_out_folder_exits_2_before_any_kernel(where, setup, tmp_path, capsys):
    """--out on a file or /dev/null, or a real folder where the ``latest`` symlink goes: one line, exit 2."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    out = {"devnull": Path("/dev/null"), "file": afile, "under-file": afile / "reports"}.get(
        where, tmp_path / "reports")
    if where.startswith("latest"):
        out.mkdir()
        (out / "latest").mkdir() if where == "latest-folder" else (out / "latest").write_text("x")
    assert _main(setup, out, "--only", "03-article-brief") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert ("not a folder" in err) if where != "latest-folder" and where != "latest-file" \
        else ("is a real" in err and "symlink" in err)
    if where.startswith("latest"):
        assert [p.name for p in out.iterdir()] == ["latest"]      # no run folder: no kernel started


# ---------------------------------------------------------------- one store version per run

def _pages_counts(run_dir: Path) -> dict[str, int]:
    """The article count each executed page printed (the stand-ins print ``N articles``)."""
    counts = {}
    for ipynb in run_dir.glob("*/*.ipynb"):
        text = "".join("".join(o.get("text", "")) for c in json.loads(ipynb.read_text())["cells"]
                       for o in c.get("outputs", []) if o.get("output_type") == "stream")
        found = re.findall(r"(\d+) articles", text)
        if found:
            counts[ipynb.parent.name] = int(found[0])
    return counts


@pytest.mark.slow
def test_a_run_reads_one_store_version(tmp_path, monkeypatch):
    """Two ingests commit after the first page is done: every page still counts the pinned version,
    the one the manifest records (not a mix of 10 and 20 articles), and that version was kept."""
    store = make_store(tmp_path / "store", n=10)
    nbs = make_notebooks(tmp_path / "nbs")
    commits: list[str] = []

    class CommitBetweenPages(report_cmd.Progress):
        def __call__(self, kind, spec, info):
            super().__call__(kind, spec, info)
            if kind == "done" and not commits:       # another process would do this; same effect
                for first in (100, 105):
                    make_store(store, n=5, first=first)
                commits.append(current_version(store).name)

    monkeypatch.setattr(report_cmd, "Progress", CommitBetweenPages)
    out = tmp_path / "reports"
    assert main(["report", "--corpus", str(store), "--notebooks", str(nbs), "--out", str(out),
                 "--themes", "trade", "--only", "01-corpus-overview,02-theme-report,04-compare",
                 "--jobs", "1"]) == 0
    manifest = json.loads(((out / "latest").resolve() / "manifest.json").read_text())
    assert commits and len(load_corpus(store, columns=["source"])) == 20  # two commits landed mid-run
    pages = _pages_counts((out / "latest").resolve())
    assert pages == {"01-corpus-overview": 10, "02-theme-report-trade": 10, "04-compare": 10}
    assert manifest["corpus"]["n_articles"] == 10 and commits[0] != manifest["corpus"]["version"]
    for entry in manifest["notebooks"]:
        assert entry["parameters"]["store_version"] == manifest["corpus"]["version"]
