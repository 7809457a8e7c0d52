"""The ``report`` command line (analysis.commands.report): validation before any kernel, exit codes, --dry-run.

Every mistake is named and exits 2 without a run folder, so no kernel is ever started; ``--dry-run``
prints the plan and runs nothing. Uses the stand-in notebooks and store of tests/report/test_run.py,
where the runs themselves (cache, ``latest``, timeout, kill) are tested.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import config
from analysis.__main__ import build_parser, main
from analysis.commands import report as report_cmd
from analysis.corpus.store import current_version, load_corpus
from analysis.errors import StoreError
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
                      "03-article-brief[trade]", "03-article-brief[migration]", "04-compare"]
    assert "'theme': 'migration', 'n_top': 5" in lines[2] and "'start': '2024-01-10'" in lines[0]
    assert "'theme': 'trade'" in lines[3] and "'start': '2024-01-10'" in lines[3]  # the brief's selection
    assert "n_top" not in lines[3]                      # the article brief declares no n_top
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
    assert jobs[0].parameters["outlets"] == "Daily A" and jobs[0].parameters["theme"] == "trade"
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

    second = subprocess.run([*cmd, "--force", "--keep", "1", "--zip"], env=cli_env, capture_output=True,
                            text=True, timeout=240)
    used |= {"--force", "--keep", "--zip"}
    assert second.returncode == 0 and "skipped" not in second.stdout, second.stderr[-3000:]
    run2 = (out / "latest").resolve()
    assert run2 != run1 and not run1.exists() and f"removed old run {run1.name}" in second.stdout
    assert f"archive: {out / (run2.name + '.zip')}" in second.stdout          # the real pages archived
    _check_archive(out / f"{run2.name}.zip", tmp_path / "unzipped", {"01-corpus-overview", "02-theme-report-trade"})

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


# ---------------------------------------------------------------- values checked before any kernel (real notebooks)

@pytest.fixture()
def real_args(sample_store, tmp_path) -> list[str]:
    """The real notebooks on the sample store; nothing may run (a mistake exits 2 first)."""
    return ["report", "--corpus", str(sample_store), "--notebooks", str(config.NOTEBOOKS_DIR),
            "--out", str(tmp_path / "r"), "--themes", "trade"]


@pytest.mark.parametrize("param, expected", [
    ("04-compare:group_by=sectoin", "04-compare: group_by: cannot group by 'sectoin' (did you mean 'section'?)"),
    ("04-compare:groups=Harbour Gazete", "(did you mean 'Harbor Gazette'?)"),
    ("04-compare:freq=weekly", "04-compare: freq: 'weekly' is not one of MS, QS, YS"),
    ("article_id=0000000000000000", "article_id: no article '0000000000000000'"),
    ("path=EMPTY", "cannot be read as an article"),
    ("02-theme-report:top=0", "top: 0 is not a whole number >= 1"),
])
def test_values_that_failed_in_the_kernel_now_exit_2(param, expected, real_args, sample_store, tmp_path, capsys):
    """04-compare's group_by/groups and the brief's article_id/path are checked before any kernel."""
    if "EMPTY" in param:  # inside the store folder (an allowed root), but no article in it
        empty = sample_store / "empty-article.txt"
        empty.write_text("")
        param = param.replace("EMPTY", str(empty))
    try:
        assert main([*real_args, "-p", param]) == 2
    finally:
        (sample_store / "empty-article.txt").unlink(missing_ok=True)
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err, err
    assert not (tmp_path / "r").exists()


def test_outlets_and_groups_reach_the_notebooks_in_the_corpus_spelling(real_args, capsys):
    """``--outlets "harbor gazette"`` and ``groups=metro-tribune`` are matched like the corpus spells them."""
    assert main([*real_args, "--dry-run", "--outlets", "harbor gazette,METRO TRIBUNE",
                 "-p", "04-compare:groups=metro-tribune"]) == 0
    plan = capsys.readouterr().out
    assert "'outlets': 'Harbor Gazette,Metro Tribune'" in plan and "'groups': 'Metro Tribune'" in plan
    assert main([*real_args, "--dry-run", "--outlets", "Harbor Gazete"]) == 2
    assert "unknown outlet 'Harbor Gazete' (did you mean 'Harbor Gazette'?)" in capsys.readouterr().err


def test_naming_the_article_makes_one_brief(real_args, capsys):
    article = next((config.SAMPLE_DIR / "html").glob("*.html"))
    assert main([*real_args, "--dry-run", "--themes", "trade,migration", "-p", f"path={article}"]) == 0
    labels = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert [lb for lb in labels if lb.startswith("03-article-brief")] == ["03-article-brief"]


# ---------------------------------------------------------------- --zip

def _check_archive(archive: Path, into: Path, jobs: set[str]) -> None:
    """Unzip ``archive``: one run folder, index + pages + charts + CSVs, every local link resolving inside."""
    from analysis.report.archive import local_links

    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        zf.extractall(into)
    (root,) = {n.split("/")[0] for n in names}
    run = into / root
    assert (run / "index.html").is_file()
    for job in jobs:
        assert (run / job / f"{job}.html").is_file()
        assert list((run / job).glob("*.png")) and list((run / job).glob("*.csv"))
    for page in run.rglob("*.html"):
        for link in local_links(page.read_text(encoding="utf-8")):
            assert not link.startswith("/") and ":" not in link.split("/")[0], f"{page.name}: {link}"
            target = (page.parent / link.split("#")[0].split("?")[0]).resolve()
            assert target.is_relative_to(run.resolve()) and target.exists(), f"{page.name}: {link}"


@pytest.mark.slow
def test_zip_archives_the_run_and_opens_offline(setup, cli_env, tmp_path):
    """``--zip`` writes reports/<run-id>.zip next to the run and prints it; a skipped rerun archives
    latest again; --keep removes a pruned run's archive with it."""
    out = tmp_path / "reports"
    args = ["--themes", "trade", "--only", "01-corpus-overview,02-theme-report", "--zip"]
    first = run_cli(args, cli_env, setup, out)
    assert first.returncode == 0, first.stderr
    run1 = (out / "latest").resolve()
    archive = out / f"{run1.name}.zip"
    assert f"archive: {archive}" in first.stdout and archive.is_file()
    _check_archive(archive, tmp_path / "x", {"01-corpus-overview", "02-theme-report-trade"})
    again = run_cli(args, cli_env, setup, out)
    assert "skipped" in again.stdout and f"archive: {archive}" in again.stdout
    third = run_cli([*args, "--force", "--keep", "1"], cli_env, setup, out)
    assert third.returncode == 0, third.stderr
    assert not archive.exists() and (out / f"{(out / 'latest').resolve().name}.zip").is_file()
    assert not list(out.glob(".*.part"))


def test_zip_is_atomic(tmp_path, monkeypatch):
    """A failure while writing leaves the previous archive whole and no temporary file behind."""
    from analysis.report import archive as archive_mod

    run = tmp_path / "20260101T000000Z-0123abcd"
    (run / "job").mkdir(parents=True)
    (run / "index.html").write_text('<a href="job/job.html">job</a>')
    (run / "job" / "job.html").write_text('<a href="../index.html">back</a><a href="job.csv">csv</a>')
    (run / "job" / "job.csv").write_text("a,b\n1,2\n")
    good = archive_mod.write_archive(run)
    before = good.read_bytes()
    assert sorted(zipfile.ZipFile(good).namelist()) == [
        f"{run.name}/index.html", f"{run.name}/job/job.csv", f"{run.name}/job/job.html"]

    def broken(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        archive_mod.write_archive(run)
    assert good.read_bytes() == before and [p.name for p in tmp_path.iterdir() if p.is_file()] == [good.name]
    monkeypatch.undo()
    (run / "job" / "job.html").write_text('<img src="/etc/hosts"><a href="../../elsewhere.html">x</a>')
    with pytest.raises(StoreError, match="absolute link /etc/hosts"):
        archive_mod.write_archive(run)
    assert good.read_bytes() == before


# ---------------------------------------------------------------- kernels that cannot start

def _netns_works() -> bool:
    """Whether ``unshare -rn`` (a user + network namespace whose loopback is down) is allowed here."""
    return bool(shutil.which("unshare")) and subprocess.run(["unshare", "-rn", "true"],
                                                            capture_output=True).returncode == 0


@pytest.mark.skipif(not _netns_works(), reason="unshare -rn (network namespace) not permitted here")
def test_no_loopback_interface_fails_fast_with_the_reason(setup, cli_env, tmp_path):
    """The real command in a network namespace with ``lo`` down: exit 1 with the reason, no run folder,
    no kernel waiting its 60 s start-up timeout."""
    out = tmp_path / "reports"
    cmd = ["unshare", "-rn", *CLI, "--corpus", str(setup["store"]), "--notebooks", str(setup["notebooks"]),
           "--out", str(out), "--only", "01-corpus-overview"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=cli_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "error: no loopback interface: kernels cannot start" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()
    assert time.perf_counter() - t0 < 30


# ---------------------------------------------------------------- the scheduled workflow

WORKFLOW = config.ROOT / ".github" / "workflows" / "weekly-report.yml"


def _ingest_step() -> dict:
    """The workflow's ingest step."""
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return next(s for s in flow["jobs"]["report"]["steps"] if "ingest" in s.get("run", ""))


def test_the_weekly_workflow_never_ingests_the_sample():
    """The scheduled report ingests the user's input folder (data/raw by default), never data/sample."""
    step = _ingest_step()
    assert "ingest data/sample" not in WORKFLOW.read_text(encoding="utf-8")
    assert "'data/raw'" in step["env"]["REPORT_INPUT"] and 'ingest "$REPORT_INPUT"' in step["run"]


@pytest.mark.skipif(not shutil.which("bash") or not shutil.which("realpath"), reason="needs bash and realpath")
@pytest.mark.parametrize("folder, code, says", [("data/sample", 2, "is the bundled sample"),
                                                ("data/sample/", 2, "is the bundled sample"),
                                                ("data/raw", 0, "no new article files")])
def test_the_ingest_step_refuses_the_sample(folder, code, says, tmp_path):
    """The step's own shell: REPORT_INPUT=data/sample stops it; an empty input folder ingests nothing."""
    (tmp_path / "data" / "sample").mkdir(parents=True)
    (tmp_path / "data" / "raw").mkdir()
    proc = subprocess.run(["bash", "-e", "-c", _ingest_step()["run"]], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "REPORT_INPUT": folder}, timeout=30)
    assert proc.returncode == code and says in proc.stdout, proc.stdout + proc.stderr
