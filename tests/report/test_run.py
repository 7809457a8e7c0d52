"""The report runner (analysis.report.run, analysis.report.execute): runs, failures, caching, safe HTML.

The runner is exercised through ``python -m analysis report`` on a temporary store and on tiny
stand-in notebooks with the real notebooks' file names and parameter conventions (the real
notebooks are executed by tests/notebook/test_notebooks.py). The worker processes of
analysis.report.execute run every notebook here and stop the ones over time or on SIGTERM; their
helpers are tested directly in tests/report/test_execute.py. The command line itself (validation,
exit 2 before any kernel starts, ``--dry-run``) is tested in tests/commands/test_report.py, which
imports the helpers below, as does tests/report/test_browser.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import config
from analysis.errors import StoreError, UsageError
from analysis.files import swap_symlink
from analysis.report import plan as reports
from analysis.report.render import check_html, clean_fragment
from analysis.report.run import LATEST, cache_inputs, prune_runs, run_report
from analysis.schema import ARTICLE_COLUMNS

EVIL_TITLE = "<script>alert(1)</script>"
CLI = [sys.executable, "-m", "analysis", "report"]

PARAMS = '''store: str = ""  # article store folder, empty for the configured store
store_version: str = ""  # store version, empty for the current one
start: str = ""  # first day, YYYY-MM-DD
end: str = ""  # last day, YYYY-MM-DD
outlets: str = ""  # comma-separated outlet names, empty for all
out_dir: str = "."  # where figures go
'''
LOAD = '''import pandas as pd, matplotlib.pyplot as plt
from pathlib import Path
from analysis.corpus.store import load_corpus
df = load_corpus(store or None, start=start or None, end=end or None,
                 sources=[o for o in outlets.split(",") if o] or None, version=store_version or None)
print(len(df), "articles")
'''
SHOW = '''counts = df.groupby("source").size().rename("n").reset_index()
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(counts["source"], counts["n"])
ax.set_title(NAME)
fig.savefig(Path(out_dir) / "articles_by_source.png", dpi=80)
fig.savefig(Path(out_dir) / "articles_by_source.svg")
counts.to_csv(Path(out_dir) / "articles_by_source.csv", index=False)
plt.show()
df[["title", "source"]].head(5)
'''


def _notebook(path: Path, heading: str, params: str, body: list[str]) -> None:
    """Write a notebook with a markdown heading, a tagged parameters cell and code cells."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {heading}\nStand-in report."), cell]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in body]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


def make_notebooks(folder: Path) -> Path:
    """Write stand-ins of the four report notebooks; the theme report fails if ``fail=True``; the
    article brief declares ``theme`` (one brief per theme) and the selection, as the real one does."""
    folder.mkdir(parents=True, exist_ok=True)
    _notebook(folder / reports.OVERVIEW, "Corpus overview", PARAMS,
              [LOAD, 'NAME = "overview"\n' + SHOW])
    _notebook(folder / reports.THEME_REPORT, "Theme report",
              'theme: str = "trade"  # theme id\nn_top: int = 10  # rows\n'
              'fail: bool = False  # raise on purpose\n' + PARAMS,
              [LOAD, 'NAME = theme\nif fail:\n    raise ValueError(f"asked to fail on {theme}")\n'
               + SHOW])
    _notebook(folder / reports.ARTICLE_BRIEF, "Article brief",
              'article_id: str = ""  # article to show, empty for the first\nstore: str = ""  # store\n'
              'theme: str = ""  # the theme whose most on-theme article is shown\n'
              'start: str = ""  # first day\nend: str = ""  # last day\n'
              'outlets: str = ""  # outlets\nout_dir: str = "."  # figures\n',
              ['from analysis.corpus.store import load_corpus\ndf = load_corpus(store or None)\n'
               'print(theme or "any theme")\ndf[["article_id", "title"]].head(3)'])
    _notebook(folder / reports.COMPARE, "Compare outlets", 'group_by: str = "outlet"  # x\n'
              + PARAMS, [LOAD, 'NAME = group_by\n' + SHOW])
    return folder


def make_store(store: Path, n: int = 40, first: int = 0) -> Path:
    """Write a small article store (two outlets, Jan-Feb 2024, one evil title); with ``first``,
    commit articles ``first`` .. ``first + n - 1`` to an existing store."""
    from analysis.corpus.store import transaction

    rows = []
    for i in range(first, first + n):
        rows.append({
            "article_id": f"{i:016x}", "source": ["Daily A", "Weekly B"][i % 2],
            "date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=i),
            "title": EVIL_TITLE if i == 0 else f"Tariffs and trade talk {i}", "section": "news",
            "byline": "", "url": f"https://example.org/{i}", "origin": f"test:{i}", "dup_of": None,
            "text": "The tariff on steel imports rose. Trade talks stalled.", "n_words": 9})
    df = pd.DataFrame(rows)[ARTICLE_COLUMNS]
    with transaction(store) as tx:
        tx.append(df)
    return store


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict[str, Path]:
    """A store and stand-in notebooks shared by the tests of this module."""
    root = tmp_path_factory.mktemp("reports")
    return {"store": make_store(root / "store"), "notebooks": make_notebooks(root / "notebooks")}


def run_cli(args: list[str], env: dict[str, str], setup: dict[str, Path], out: Path,
            timeout: float = 170) -> subprocess.CompletedProcess:
    """Run ``python -m analysis report`` on the test store and notebooks."""
    cmd = [*CLI, "--corpus", str(setup["store"]), "--notebooks", str(setup["notebooks"]),
           "--out", str(out), *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


# ---------------------------------------------------------------- the plan

def test_resolve_maps_runner_options_to_declared_parameters(setup):
    """Common options reach only notebooks that declare them; CLI strings get the declared type."""
    jobs = reports.plan_jobs(["trade"], setup["notebooks"])
    common = {"store": "/s", "start": "2024-01-01", "end": None, "outlets": ["A"], "out_dir": "."}
    out = reports.resolve_jobs(jobs, common, reports.parse_assignments(["n_top=5"]), ["trade"])
    by_key = {j.key: j.parameters for j in out}
    assert by_key["02-theme-report-trade"] == {"store": "/s", "start": "2024-01-01",
                                               "outlets": "A", "out_dir": ".",
                                               "theme": "trade", "n_top": 5}
    assert by_key["03-article-brief-trade"] == {"store": "/s", "out_dir": ".", "theme": "trade",
                                                "start": "2024-01-01", "outlets": "A"}
    with pytest.raises(UsageError, match="expects bool"):
        reports.resolve_jobs(jobs, common, reports.parse_assignments(["fail=maybe"]))


def test_ast_fallback_sees_parameters_papermill_misses(tmp_path):
    """``x: str | None = None`` is invisible to papermill's regex but still validated."""
    path = tmp_path / "nb.ipynb"
    _notebook(path, "t", 'start: str | None = None  # first day\nn: int = 3\n', [])
    params = reports.inspect_parameters(path)
    assert set(params) == {"start", "n"}
    assert reports.coerce_value("2024-01-01", params["start"].type_name, "start", "t") == "2024-01-01"
    assert reports.coerce_value("None", params["start"].type_name, "start", "t") is None


# ---------------------------------------------------------------- runs

@pytest.mark.slow
def test_success_failure_and_skip(setup, cli_env, tmp_path):
    """A good run writes the run folder and moves latest; a failing one keeps it; reruns skip."""
    out = tmp_path / "reports"
    proc = run_cli(["--themes", "trade,migration", "--jobs", "2"], cli_env, setup, out)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    latest = out / "latest"
    assert latest.is_symlink()
    run_dir = latest.resolve()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "ok" and len(manifest["notebooks"]) == 6  # a brief per theme
    assert {e["status"] for e in manifest["notebooks"]} == {"ok"}
    assert manifest["corpus"]["n_articles"] == 40 and manifest["corpus"]["fingerprint"]
    assert manifest["lexicon_fingerprint"] and manifest["packages"]["papermill"]
    trade = next(e for e in manifest["notebooks"] if e["key"] == "02-theme-report-trade")
    assert trade["parameters"]["theme"] == "trade"
    for suffix in (".png", ".svg", ".csv"):  # figures land in the notebook's own folder
        assert (run_dir / "02-theme-report-trade" / f"articles_by_source{suffix}").is_file()
    assert (run_dir / "02-theme-report-trade" / "02-theme-report-trade.html").is_file()
    index = (run_dir / "index.html").read_text()
    assert index.count('class="card"') == 6 and "data:image/png;base64," in index
    assert "theme=trade" in index and "40 articles" in index
    # the injected title is text, never a script, in the report and the index
    html = (run_dir / "01-corpus-overview" / "01-corpus-overview.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for page in (html, index):
        assert check_html(page) == []
        assert _external_loads(page) == []
    assert "load_corpus" not in html and '<div class="highlight' not in html  # code hidden

    # unchanged inputs: skipped, quickly, latest untouched
    t0 = time.perf_counter()
    again = run_cli(["--themes", "trade,migration"], cli_env, setup, out)
    assert again.returncode == 0 and "skipped" in again.stdout, again.stdout + again.stderr
    assert len([p for p in out.iterdir() if not p.is_symlink()]) == 1
    assert time.perf_counter() - t0 < 60  # no kernel: validation + fingerprints only
    assert latest.resolve() == run_dir

    # a parameter reaching the kernel makes one notebook fail: exit 1, latest kept
    bad = run_cli(["--themes", "trade", "--only", "02-theme-report", "-p",
                   "02-theme-report:fail=true"], cli_env, setup, out)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert latest.resolve() == run_dir
    assert "ValueError: asked to fail on trade" in bad.stderr
    failed_runs = [p for p in out.iterdir() if p.is_dir() and not p.is_symlink() and p != run_dir]
    assert len(failed_runs) == 1
    failed_nb = failed_runs[0] / "02-theme-report-trade" / "02-theme-report-trade.ipynb"
    nb = nbformat.read(str(failed_nb), as_version=4)
    assert any(o.get("ename") == "ValueError" for c in nb.cells for o in c.get("outputs", []))
    fman = json.loads((failed_runs[0] / "manifest.json").read_text())
    assert fman["status"] == "failed"
    err = next(e for e in fman["notebooks"] if e["status"] != "ok")["error"]
    assert err["ename"] == "ValueError" and err["exec_count"] == 4
    template = nbformat.read(str(setup["notebooks"] / reports.THEME_REPORT), as_version=4)
    assert "if fail:" in template.cells[err["template_cell_index"]].source
    assert f"failed at cell {err['template_cell_index']} of 02-theme-report.ipynb (In [4])" \
        in bad.stderr


@pytest.mark.slow
def test_force_and_show_code(setup, cli_env, tmp_path):
    """--force re-runs an unchanged report; --show-code keeps the code cells in the HTML."""
    out = tmp_path / "reports"
    args = ["--themes", "trade", "--only", "02-theme-report", "--show-code"]
    first = run_cli(args, cli_env, setup, out)
    assert first.returncode == 0, first.stderr
    second = run_cli(args + ["--force"], cli_env, setup, out)
    assert second.returncode == 0 and "skipped" not in second.stdout
    runs = sorted(p for p in out.iterdir() if not p.is_symlink())
    assert len(runs) == 2 and (out / "latest").resolve() == runs[-1]
    html = (runs[-1] / "02-theme-report-trade" / "02-theme-report-trade.html").read_text()
    assert '<div class="highlight' in html and "load_corpus" in html


def _slow_brief(tmp_path: Path) -> tuple[Path, Path]:
    """Notebook templates whose article brief sleeps a minute; return (templates, reports folder)."""
    nbs = tmp_path / "nbs"
    make_notebooks(nbs)
    _notebook(nbs / reports.ARTICLE_BRIEF, "Slow", 'seconds: int = 60  # sleep\nstore: str = ""  # x\n',
              ["import time\ntime.sleep(seconds)"])
    return nbs, tmp_path / "reports"


@pytest.mark.slow
def test_timeout_kills_the_notebook(setup, cli_env, tmp_path):
    """A notebook over its time limit is stopped and reported, latest is not created."""
    nbs, out = _slow_brief(tmp_path)
    cmd = [*CLI, "--corpus", str(setup["store"]), "--notebooks", str(nbs), "--out", str(out),
           "--only", "03-article-brief", "--timeout", "3"]
    proc = subprocess.run(cmd, env=cli_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "03-article-brief timeout" in proc.stderr
    assert not (out / "latest").exists()
    import psutil

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the killed notebook's kernel is gone too
        left = [p for p in psutil.process_iter(["cwd"]) if str(out) in (p.info["cwd"] or "")]
        if not left:
            break
        time.sleep(0.5)
    assert left == []


@pytest.mark.slow
def test_terminated_run_never_becomes_latest(setup, cli_env, tmp_path):
    """SIGTERM mid-run: workers and kernels stop, the manifest says interrupted, no latest."""
    import signal

    import psutil

    nbs, out = _slow_brief(tmp_path)
    cmd = [*CLI, "--corpus", str(setup["store"]), "--notebooks", str(nbs), "--out", str(out),
           "--only", "03-article-brief"]
    proc = subprocess.Popen(cmd, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob("*/.03-article-brief.progress")):
        time.sleep(0.2)  # the notebook is running once its progress file appears
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert not (out / "latest").exists()
    (run_dir,) = [p for p in out.iterdir() if p.is_dir()]
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "interrupted"
    time.sleep(1)
    assert [p for p in psutil.process_iter(["cwd"]) if str(out) in (p.info["cwd"] or "")] == []


def _processes_in(folder: Path) -> list:
    """Live processes whose working folder is inside ``folder`` (the runner's workers and kernels)."""
    import psutil

    found = []
    for p in psutil.process_iter(["cwd"]):
        if str(folder) in (p.info["cwd"] or ""):
            found.append(p)
    return found


def _tree(folder: Path) -> dict[str, int]:
    """Every file below ``folder`` with its size."""
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_killed_runner_leaves_nothing_running(setup, cli_env, tmp_path):
    """SIGKILL of the runner: its workers and kernels die at once, the run folder stops changing,
    and the next run marks the orphaned ``running`` manifest ``abandoned`` (never latest)."""
    import signal

    import psutil

    nbs, out = tmp_path / "nbs", tmp_path / "reports"
    make_notebooks(nbs)
    _notebook(nbs / reports.ARTICLE_BRIEF, "Ticking", 'ticks: int = 600  # x\nstore: str = ""  # x\n',
              ["import time\nfrom pathlib import Path\nfor i in range(ticks):\n"
               "    Path(f'tick-{i}.txt').write_text('x')\n    time.sleep(0.1)"])
    cmd = [*CLI, "--corpus", str(setup["store"]), "--notebooks", str(nbs), "--out", str(out),
           "--only", "03-article-brief"]
    proc = subprocess.Popen(cmd, env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: list = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None \
                and not list(out.glob("*/03-article-brief/tick-3.txt")):
            time.sleep(0.2)  # the kernel is writing
        children = _processes_in(out)
        assert len(children) >= 2, "expected a worker and a kernel"  # worker (cwd = job folder) + kernel
        (run_dir,) = [p for p in out.iterdir() if p.is_dir()]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        gone, alive = psutil.wait_procs(children, timeout=5)
        assert alive == [], f"survived the runner: {[p.pid for p in alive]}"
        before = _tree(run_dir)
        time.sleep(1.5)
        assert _tree(run_dir) == before                                  # nothing written any more
        manifest = json.loads((run_dir / "manifest.json").read_text())
        assert manifest["status"] == "running" and manifest["runner"]["pid"] == proc.pid
    finally:
        for p in children:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
    again = run_cli(["--only", "03-article-brief"], cli_env, setup, out)
    assert again.returncode == 0, again.stderr
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "abandoned"
    assert (out / "latest").resolve() != run_dir
    assert "marked abandoned" in again.stderr


@pytest.mark.slow
def test_a_run_that_breaks_ends_failed(setup, tmp_path):
    """An error in the runner after the notebooks ran (as the --outlets crash did) leaves the manifest
    ``failed`` with the error, raises one line (StoreError), and never moves latest."""
    jobs = reports.resolve_jobs(reports.select_jobs(reports.plan_jobs([], setup["notebooks"]),
                                                    ["03-article-brief"]),
                                {"store": str(setup["store"]), "out_dir": "."})
    out = tmp_path / "reports"
    broken_index = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"])})   # no "source" column
    with pytest.raises(StoreError, match="failed: KeyError") as err:
        run_report(jobs, out, setup["store"], {}, broken_index, {}, n_jobs=1, timeout=120)
    assert "\n" not in str(err.value)
    (run_dir,) = [p for p in out.iterdir() if p.is_dir()]
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "KeyError" in manifest["error"]
    assert "Traceback" in (run_dir / "runner.log").read_text()
    assert not (out / "latest").exists()


# ---------------------------------------------------------------- HTML safety

def _external_loads(html: str) -> list[str]:
    """src/href of script, link, style-ish and font loads pointing off the page."""
    found: list[str] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            for attr in ("src", "href"):
                v = (a.get(attr) or "").strip()
                if tag in ("script", "link", "img", "iframe", "source") and (
                        v.startswith(("http:", "https:", "//"))):
                    found.append(f"{tag} {v}")
    P().feed(html)
    found += [m for m in ("cdn.jsdelivr", "cdnjs", "unpkg.com", "require.js", "mathjax",
                          "fonts.googleapis") if m in html.lower()]
    return found


def test_check_html_flags_unsafe_pages():
    """The audit catches scripts, handlers, javascript: links and external CSS/fonts."""
    assert check_html("<table><tr><td>&lt;script&gt;</td></tr></table>") == []
    assert check_html('<a href="https://example.org/story">link</a>') == []
    assert check_html('<img src="x" onerror="alert(1)">') == ["event handler onerror on <img>"]
    assert check_html('<a href="javascript:alert(1)">x</a>')
    assert check_html("<style>@font-face{src:url(https://fonts.example/f.woff)}</style>")
    assert check_html('<link rel="stylesheet" href="//cdn.example/x.css">')
    assert clean_fragment("<p>a</p><script>alert(1)</script>") == "<p>a</p>"


def test_prune_keeps_newest_and_latest(tmp_path):
    """--keep N deletes older run folders but never the one latest points at."""
    names = [f"2026010{i}T000000Z-0123456{i}" for i in range(1, 6)]
    for name in names:
        (tmp_path / name).mkdir()
    (tmp_path / "notes").mkdir()
    swap_symlink(tmp_path / LATEST, tmp_path / names[0])
    gone = prune_runs(tmp_path, 2)
    assert sorted(p.name for p in gone) == names[1:3]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([names[0], *names[3:], "latest", "notes"])
    assert (tmp_path / "latest").resolve() == tmp_path / names[0]


def test_cache_key_follows_the_lexicons_used(tmp_path):
    """Editing a custom lexicon folder changes the run's lexicon fingerprint and cache key; no edit, no change."""
    lexicons = tmp_path / "lexicons"
    lexicons.mkdir()
    for path in config.LEXICON_DIR.glob("*.yml"):
        (lexicons / path.name).write_bytes(path.read_bytes())
    store = make_store(tmp_path / "store", n=4)
    jobs = reports.plan_jobs(["trade"], make_notebooks(tmp_path / "notebooks"))
    corpus_fp, lexicon_fp, key = cache_inputs(jobs, store, False, lexicons)
    assert (corpus_fp, lexicon_fp, key) == cache_inputs(jobs, store, False, lexicons)
    assert lexicon_fp == cache_inputs(jobs, store, False)[1]      # a copy of the shipped lexicons

    trade = lexicons / "trade.yml"
    trade.write_text(trade.read_text(encoding="utf-8").replace("\nterms:\n", "\nterms:\n  - widget levy\n", 1),
                     encoding="utf-8")
    edited = cache_inputs(jobs, store, False, lexicons)
    assert edited[0] == corpus_fp and edited[1] != lexicon_fp and edited[2] != key
    assert cache_inputs(jobs, store, False)[1:] == (lexicon_fp, key)   # the shipped lexicons are untouched
    assert edited == cache_inputs(jobs, store, False, lexicons)
