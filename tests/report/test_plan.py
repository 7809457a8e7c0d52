"""The plan and its checks before any kernel (analysis.report.plan, declarations, checks) and outlet matching.

Values are checked against the declarations and a real store (the bundled sample, ingested into a
temporary store): every mistake is one line with a did-you-mean, every accepted value reaches the
notebook in the corpus's own spelling. The command line around them is tested in
tests/commands/test_report.py.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.aggregate import selection
from analysis.corpus.ingest import ingest
from analysis.errors import UsageError
from analysis.report import checks, declarations
from analysis.report import fingerprints as fp
from analysis.report import plan as reports
from tests.report.test_run import make_notebooks


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> checks.Corpus:
    """The bundled sample as a store, seen as the checks see a run's pinned version."""
    store = tmp_path_factory.mktemp("plan") / "store"
    ingest([config.SAMPLE_DIR], store=store, progress=False)
    return checks.Corpus(store, None, reports.valid_themes(), fp.read_corpus_index(store))


def _job(stem: str, **params) -> reports.Job:
    """A job of the real notebook ``stem`` with these (already typed) parameters."""
    return reports.Job(stem, config.NOTEBOOKS_DIR / f"{stem}.ipynb", params)


def _problems(job: reports.Job, corpus: checks.Corpus) -> list[str]:
    """The problems the checks find in one job."""
    return checks.check_job(job, corpus)[1]


# ---------------------------------------------------------------- outlets

def test_outlets_match_case_and_punctuation_insensitively():
    known = ["New York Times - News", "Fox News", "CNN (Web News)"]
    assert selection.match_outlets("new york times news, cnn web news", known) == \
        ["New York Times - News", "CNN (Web News)"]
    assert selection.match_outlets(["FOX  NEWS"], known) == ["Fox News"]
    with pytest.raises(UsageError, match=r"unknown outlet 'New York Tims' \(did you mean 'New York Times - News'\?\)"):
        selection.match_outlets(["New York Tims"], known)
    assert selection.match_outlets(["Nowhere"], known, strict=False) == ["Nowhere"]


def test_a_notebook_run_by_hand_selects_outlets_the_same_way():
    """select_articles (what the notebooks call) matches outlets like the runner does."""
    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "dup_of": [None, None, None],
                         "source": ["New York Times - News", "Fox News", "New York Times - News"],
                         "date": pd.to_datetime(["2020-01-01"] * 3)})
    assert selection.select_articles(arts, outlets="new york times news").article_id.tolist() == ["a", "c"]
    assert selection.select_articles(arts, outlets="Nowhere").empty   # no article carries it: none
    grouped, _ = selection.compare_groups(arts, "outlet")
    assert set(selection.pick_groups(grouped, "fox news").group) == {"Fox News"}
    with pytest.raises(ValueError, match="did you mean 'Fox News'"):
        selection.pick_groups(grouped, "Fox Newz")
    years = pd.DataFrame({"year": [2019, 2020, 2020], "n": [1, 2, 3]})  # a group column that is not text
    assert selection.pick_groups(years, top=1, column="year")["n"].tolist() == [2, 3]
    assert selection.pick_groups(years, "2019", column="year")["n"].tolist() == [1]


def test_runner_outlets_come_back_in_the_corpus_spelling(corpus):
    assert reports.check_outlets(["harbor gazette", "METRO-TRIBUNE"], {"sources": corpus.sources()}) == \
        ["Harbor Gazette", "Metro Tribune"]
    with pytest.raises(UsageError, match="did you mean 'Harbor Gazette'"):
        reports.check_outlets(["Harbour Gazete"], {"sources": corpus.sources()})


# ---------------------------------------------------------------- declarations

def _cell_annotations(notebook: Path) -> dict[str, str]:
    """``name -> annotation`` of a notebook's parameters cell."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    tree = ast.parse("".join(cell["source"]))
    return {n.target.id: ast.unparse(n.annotation) for n in tree.body if isinstance(n, ast.AnnAssign)}


@pytest.mark.parametrize("notebook", sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_notebook_parameter_is_declared_with_its_type(notebook):
    """The declaration table covers every parameter of every notebook, with the notebook's type."""
    declared = declarations.DECLARED[notebook.stem]
    for name, annotation in _cell_annotations(notebook).items():
        assert name in declared, f"{notebook.name}: {name} is not in analysis/report/declarations.py"
        assert declared[name].type == annotation, f"{notebook.name}: {name}"
        assert declared[name].kind in declarations.KINDS


# ---------------------------------------------------------------- values against the corpus

@pytest.mark.parametrize("stem, params, expected", [
    ("01-corpus-overview", {"freq": "weekly"}, "freq: 'weekly' is not one of D, W, MS, QS, YS"),
    ("04-compare", {"freq": "W"}, "freq: 'W' is not one of MS, QS, YS"),
    ("04-compare", {"group_by": "sectoin"}, "cannot group by 'sectoin' (did you mean 'section'?)"),
    ("04-compare", {"group_by": "outlet", "groups": "Harbor Gazete"}, "(did you mean 'Harbor Gazette'?)"),
    ("04-compare", {"group_by": "outlet", "groups": "Harbor Gazette", "outlets": "Metro Tribune"},
     "group(s) not in the selection (grouped by outlet): 'Harbor Gazette'"),
    ("04-compare", {"group_by": "period", "freq": "YS", "groups": "1999"}, "(grouped by period): '1999'; its groups: (unknown), 20"),
    ("04-compare", {"max_groups": 0}, "max_groups: 0 is not a whole number >= 1"),
    ("02-theme-report", {"theme": "migraton"}, "unknown theme 'migraton' (did you mean 'migration'?)"),
    ("02-theme-report", {"theme": "trade", "query": "tariff AND ("}, "query:"),
    ("02-theme-report", {"start": "yesterday"}, "start: 'yesterday' is not a date"),
    ("03-article-brief", {"article_id": "no-such-article"}, "article_id: no article 'no-such-article'"),
])
def test_bad_values_are_one_line_with_a_hint(stem, params, expected, corpus):
    found = _problems(_job(stem, **params), corpus)
    assert len(found) == 1 and expected in found[0], found
    assert "\n" not in found[0] and found[0].startswith(stem)


def test_good_values_reach_the_notebook_in_canonical_form(corpus):
    job, problems = checks.check_job(_job("04-compare", group_by="outlet", groups="metro tribune, HARBOR gazette",
                                          freq="ys", outlets="metro tribune,harbor gazette"), corpus)
    assert problems == []
    assert job.parameters == {"group_by": "outlet", "groups": "Metro Tribune,Harbor Gazette", "freq": "YS",
                              "outlets": "Metro Tribune,Harbor Gazette"}
    year = str(pd.Timestamp(corpus.index["date"].max()).year)
    period, problems = checks.check_job(_job("04-compare", group_by="period", freq="YS", groups=year), corpus)
    assert problems == [] and period.parameters["groups"] == year
    section, problems = checks.check_job(_job("04-compare", group_by="section", groups="us news"), corpus)
    assert problems == [] and section.parameters["groups"] == "US News", section.parameters


def test_article_id_prefix_gets_the_full_id(corpus):
    full = sorted(corpus.article_ids())[0]
    (problem,) = _problems(_job("03-article-brief", article_id=full[:6]), corpus)
    assert f"did you mean {full!r}" in problem
    assert _problems(_job("03-article-brief", article_id=full), corpus) == []


def test_article_path_must_load(corpus, tmp_path):
    empty = corpus.store.parent / "empty.txt"
    empty.write_text("")
    (problem,) = _problems(_job("03-article-brief", path=str(empty)), corpus)
    assert "cannot be read as an article" in problem
    article = next((config.SAMPLE_DIR / "html").glob("*.html"))
    assert _problems(_job("03-article-brief", path=str(article)), corpus) == []


def test_check_values_lists_every_problem(corpus):
    with pytest.raises(UsageError) as err:
        checks.check_values([_job("01-corpus-overview", freq="x"), _job("04-compare", group_by="nope")], corpus)
    lines = str(err.value).splitlines()
    assert lines[0] == "invalid report parameters:" and len(lines) == 3


# ---------------------------------------------------------------- the plan

def test_one_article_brief_per_theme(tmp_path):
    """The brief declares ``theme``: one brief per requested theme; -p article_id/path: one brief."""
    nbs = make_notebooks(tmp_path / "nbs")
    jobs = reports.plan_jobs(["trade", "migration"], nbs)
    briefs = [j for j in jobs if j.notebook.name == reports.ARTICLE_BRIEF]
    assert [(j.key, j.label, j.parameters) for j in briefs] == [
        ("03-article-brief-trade", "03-article-brief[trade]", {"theme": "trade"}),
        ("03-article-brief-migration", "03-article-brief[migration]", {"theme": "migration"})]
    assert reports.names_the_article(reports.parse_assignments(["03-article-brief:path=a.txt"]))
    assert not reports.names_the_article(reports.parse_assignments(["article_id="]))
    single = reports.plan_jobs(["trade", "migration"], nbs, brief_per_theme=False)
    assert [j.key for j in single if j.notebook.name == reports.ARTICLE_BRIEF] == ["03-article-brief"]
    common = {"store": "/s", "start": "2024-01-01", "end": "2024-02-01", "outlets": ["Daily A"],
              "out_dir": ".", "lexicons": None}
    resolved = {j.key: j.parameters for j in reports.resolve_jobs(jobs, common, [], ["trade", "migration"])}
    assert resolved["03-article-brief-trade"] == {"store": "/s", "out_dir": ".", "theme": "trade",
                                                  "start": "2024-01-01", "end": "2024-02-01",
                                                  "outlets": "Daily A"}
