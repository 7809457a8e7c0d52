"""``report --query NAME=QUERY`` (analysis.commands.report, analysis.report.plan, analysis.notebook.query_theme).

A query is rendered by the real theme-report notebook like a theme: planned as its own job, checked
before any kernel starts, and run end to end through papermill and nbconvert.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import config
from analysis.__main__ import main
from analysis.aggregate.query_counts import query_share
from analysis.corpus.store import load_corpus
from analysis.notebook.helpers import prepare
from analysis.notebook.query_theme import with_query
from analysis.notebook.source import ArticleData
from analysis.report.plan import plan_jobs
from analysis.search.engine import query
from tests.report.test_run import CLI

Q = "tariff* OR (border AND wall)"


def _report(store: Path, out: Path, *args: str) -> int:
    """``python -m analysis report`` in process with the real notebooks."""
    return main(["report", "--store", str(store), "--out", str(out), "--notebooks", str(config.NOTEBOOKS_DIR), *args])


def test_plan_has_one_theme_report_per_query() -> None:
    """Queries follow the themes; each job sets ``theme`` to the name and ``query``."""
    jobs = plan_jobs(["trade"], Path("nb"), [("tm", Q)])
    assert [j.key for j in jobs] == ["01-corpus-overview", "02-theme-report-trade", "02-theme-report-tm",
                                     "03-article-brief", "04-compare"]
    assert jobs[2].parameters == {"theme": "tm", "query": Q} and jobs[2].label == "02-theme-report[tm]"


def test_dry_run_plans_queries_and_saved_names(sample_store: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """NAME=QUERY and a saved query's name both become theme-report jobs; nothing runs."""
    code = _report(sample_store, tmp_path / "r", "--themes", "trade", "--query", f"tm={Q}",
                   "--query", "deportation_without_courts", "--dry-run")
    out = capsys.readouterr().out
    assert code == 0 and not (tmp_path / "r").exists()
    assert "02-theme-report[tm]: " in out and f"'query': '{Q}'" in out
    assert "02-theme-report[deportation_without_courts]: " in out and "'query': 'deport* NOT (court* OR judge*)'" in out


@pytest.mark.parametrize("args,message", [
    (["--query", "trade=tariff*"], "the name 'trade' is already a theme or another query"),
    (["--query", "a=x1", "--query", "a=x2"], "the name 'a' is already a theme or another query"),
    (["--query", "tm=tariff AND (Mexico"], "unclosed '(' (column 12)"),
    (["--query", "tm=foo:bar"], "unknown field 'foo'"),
    (["--query", "tm=tariff*", "--dask", "local"], "--query reads the article table; it cannot be combined with --dask"),
])
def test_bad_queries_exit_2_before_any_kernel(sample_store: Path, tmp_path: Path, args: list[str], message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Name clashes, syntax errors and --dask are named; exit 2; no run folder."""
    code = _report(sample_store, tmp_path / "r", *args)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_with_query_adds_a_pseudo_theme(sample_store: Path) -> None:
    """Score rows, hit rows and article themes of the query's matches join the report data."""
    data = ArticleData(prepare(str(sample_store)))
    got = with_query(data, "tm", Q)
    want = query(data.corpus.articles, Q)
    on = got.on_theme("tm")
    assert 0 < len(on) < len(data.corpus.articles)
    assert sorted(on["article_id"].astype(str)) == sorted(want.articles["article_id"].astype(str))
    rows = got.corpus.scores[got.corpus.scores["theme"] == "tm"].set_index("article_id")
    assert rows.loc[want.articles["article_id"], "hits"].tolist() == want.articles["hits"].tolist()
    assert rows["present"].all() and (rows["share_of_sentences"] > 0).all() and (rows["share_of_sentences"] <= 1).all()
    hits = got.corpus.hits[got.corpus.hits["theme"] == "tm"]
    assert len(hits) == len(want.hits) and set(hits["term"]) <= {"tariff*", "border", "wall"}
    tagged = got.corpus.article_themes.set_index("article_id")["themes"]
    assert all("tm" in tagged[a] for a in on["article_id"])
    assert len(got.corpus.scores) == len(data.corpus.scores) + len(rows)   # the themes' rows are kept
    with pytest.raises(Exception, match="is a theme id"):
        with_query(data, "trade", Q)


@pytest.mark.slow
def test_query_report_end_to_end(sample_store: Path, cli_env: dict, tmp_path: Path) -> None:
    """The real notebook renders the query's report; its attention CSV holds query_share's numbers."""
    out = tmp_path / "reports"
    r = subprocess.run([*CLI, "--store", str(sample_store), "--out", str(out), "--notebooks",
                        str(config.NOTEBOOKS_DIR), "--query", f"tm={Q}", "--only", "02-theme-report-tm",
                        "--timeout", "300"], env=cli_env, capture_output=True, text=True, timeout=400)
    assert r.returncode == 0, r.stderr[-3000:]
    run = (out / "latest").resolve()
    manifest = json.loads((run / "manifest.json").read_text())
    entry = next(e for e in manifest["notebooks"] if e["key"] == "02-theme-report-tm")
    assert manifest["status"] == "ok" and entry["parameters"]["query"] == Q and entry["parameters"]["theme"] == "tm"
    assert manifest["options"]["queries"] == [f"tm={Q}"]
    folder = run / "02-theme-report-tm"
    assert (folder / "02-theme-report-tm.html").exists()
    plotted = pd.read_csv(folder / "tm_attention.csv")
    arts = load_corpus(sample_store, drop_duplicates=True)
    want = query_share(arts, Q, by=["month"], name="tm")
    assert plotted["n_articles_with_theme"].sum() == want["n_articles_with_theme"].sum() > 0
    assert np.allclose(sorted(plotted["share"]), sorted(want["share"]))
    assert "02-theme-report-tm" in (run / "index.html").read_text()


def test_with_query_takes_a_saved_name(sample_store: Path) -> None:
    """The notebook's ``query`` parameter may name a saved query."""
    data = ArticleData(prepare(str(sample_store)))
    saved = with_query(data, "nac", "tariffs_north_america")
    direct = with_query(data, "nac", "tariff* AND (Mexico OR Canada)")
    assert saved.n_theme_articles("nac") == direct.n_theme_articles("nac")


def test_theme_field_uses_the_reports_own_scores(sample_store: Path) -> None:
    """theme:x inside a report query reads the presence of the report's score table."""
    data = ArticleData(prepare(str(sample_store)))
    got = with_query(data, "tt", "theme:trade")
    assert got.n_theme_articles("tt") == data.n_theme_articles("trade")
