"""The report notebooks: thin, output-free templates that execute through papermill with a real
kernel on the bundled sample, on a slice of the AllSides corpus and (the brief) on the seed;
their saved CSVs hold the package's own numbers for the same parameters."""
from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import config
from analysis.aggregate import counts as aggregate
from analysis.aggregate import selection
from analysis.notebook import charts, tables
from analysis.notebook import helpers as notebook_helpers

REQUIRE_SHARED = os.environ.get("POLICY_NEWS_REQUIRE_SHARED") == "1"

NOTEBOOKS = ["01-corpus-overview", "02-theme-report", "03-article-brief", "04-compare", "05-explore-api"]
ALLSIDES_SLICE = 300
MIX_MIN_ARTICLES = inspect.signature(charts.theme_mix).parameters["min_articles"].default  # as the notebook runs it


def _nb(name: str) -> nbformat.NotebookNode:
    return nbformat.read(config.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)


# --- static checks: committed templates are thin and output-free ---------------------------------

@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_thin_and_output_free(name):
    nb = _nb(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "outputs must be stripped"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    for line in tagged[0].source.splitlines():
        node = ast.parse(line.split("  #")[0]).body[0]
        assert isinstance(node, ast.AnnAssign), f"parameter without annotation: {line}"
        assert isinstance(node.value, ast.Constant), f"parameter default is not a literal: {line}"
        assert "  # " in line and line.count("=") == 1, f"needs a trailing comment without '=': {line}"
    assert "out_dir" in tagged[0].source
    source = "\n".join(c.source for c in code)
    for banned in ("sys.path", "../data", "escape=False", "import os"):
        assert banned not in source
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 2
    ast.parse(source)  # every code cell is valid Python


def test_papermill_documents_every_parameter():
    import papermill as pm

    for name in NOTEBOOKS:
        params = pm.inspect_notebook(str(config.NOTEBOOKS_DIR / f"{name}.ipynb"))
        declared = [ln.split(":")[0] for ln in
                    [c for c in _nb(name).cells if "parameters" in c.metadata.get("tags", [])][0].source.splitlines()]
        assert list(params) == declared
        assert all(p["help"] and p["inferred_type_name"] != "None" for p in params.values())


def test_tables_are_html_escaped():
    df = pd.DataFrame({"<b>col</b>": ['<script>alert("x")</script>', "x"],
                       "url": ["https://example.org/a?b=1&c=2", 'https://x.org/"onmouseover="alert(1)'],
                       "other": ["javascript:alert(1)", None]})
    html = notebook_helpers.table_html(df)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html
    assert '<a href="https://example.org/a?b=1&amp;c=2"' in html
    assert '"onmouseover' not in html and "&quot;onmouseover=&quot;" in html
    assert 'href="javascript' not in html


# --- execution ---------------------------------------------------------------------------------

def _env(root: Path) -> dict[str, str]:
    """Like the ``cli_env`` fixture, for session-scoped set-up: every write stays under ``root``."""
    env = dict(os.environ)
    env.update(POLICY_NEWS_DATA=str(root / "data"), POLICY_NEWS_REPORTS=str(root / "reports"), MPLBACKEND="Agg")
    return env


def _ingest(paths: list[Path], store: Path, env: dict[str, str]) -> Path:
    """Ingest with the CLI, then score once so the notebooks read the cached scores."""
    cmd = [sys.executable, "-m", "analysis", "ingest", *map(str, paths), "--store", str(store)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    from analysis.themes.cache import load_scores

    load_scores(store)
    return store


def _papermill(job: tuple[str, str, dict], root: Path, env: dict[str, str]) -> tuple[str, int, str]:
    key, name, params = job
    out = root / key
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "papermill", "-k", "python3", "--cwd", str(out), "--no-progress-bar",
           str(config.NOTEBOOKS_DIR / f"{name}.ipynb"), str(out / f"{name}.ipynb")]
    for k, v in {**params, "out_dir": str(out / "figures")}.items():
        cmd += ["-p", k, str(v)] if not isinstance(v, (bool, int)) else ["-y", json.dumps({k: v})]
    if key.startswith("s"):  # the sample runs use the notebook backend, as the report runner does
        env = {**env, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
    return key, proc.returncode, proc.stderr[-3000:]


@pytest.fixture(scope="session")
def runs(tmp_path_factory, request) -> dict:
    """Execute every notebook (sample store, AllSides slice, seed brief) in parallel processes."""
    root = tmp_path_factory.mktemp("notebooks")
    env = _env(root)
    sample = _ingest([config.SAMPLE_DIR], root / "sample_store", env)
    jobs = [
        ("s01", "01-corpus-overview", {"store": sample}),
        ("s02", "02-theme-report", {"store": sample, "theme": "trade", "freq": "MS"}),
        ("s03", "03-article-brief", {"path": config.SAMPLE_DIR / "text" / "000_border_trade_brief.txt"}),
        ("s03d", "03-article-brief", {"store": sample, "theme": "migration"}),
        ("s04", "04-compare", {"store": sample, "group_by": "outlet", "max_groups": 3}),
        ("s05", "05-explore-api", {"store": sample}),
    ]
    allsides = seed = None
    if config.ALLSIDES_JSONL.exists():
        src = root / "allsides_slice.jsonl"
        with config.ALLSIDES_JSONL.open(encoding="utf-8") as f:
            src.write_text("".join(next(f) for _ in range(ALLSIDES_SLICE)), encoding="utf-8")
        allsides = _ingest([src], root / "allsides_store", env)
        jobs += [
            ("a01", "01-corpus-overview", {"store": allsides}),
            ("a02", "02-theme-report", {"store": allsides, "theme": "migration", "freq": "QS",
                                        "start": "2012-06-01", "end": "2013-03-31"}),
            ("a04", "04-compare", {"store": allsides, "group_by": "source_bias"}),
            ("a05", "05-explore-api", {"store": allsides, "theme": "economy", "pattern": "immigra*"}),
        ]
        if config.SEED_ARTICLE.exists():
            seed = config.SEED_ARTICLE
            jobs.append(("seed03", "03-article-brief", {"path": seed}))
            jobs.append(("a03", "03-article-brief", {"store": allsides,
                                                     "article_id": _first_id(allsides)}))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda j: _papermill(j, root, env), jobs))
    return {"root": root, "sample": sample, "allsides": allsides, "seed": seed,
            "results": {k: (rc, err) for k, rc, err in results}}


def _first_id(store: Path) -> str:
    from analysis.corpus.store import load_corpus

    return str(load_corpus(store=store, columns=["article_id"])["article_id"].iloc[0])


def _ok(runs: dict, key: str) -> Path:
    """Assert the run succeeded without error outputs; return its figures folder."""
    if key not in runs["results"]:
        msg = f"run {key} needs shared data that is absent"
        if REQUIRE_SHARED:
            pytest.fail(msg + " (POLICY_NEWS_REQUIRE_SHARED=1)")
        pytest.skip(msg)
    rc, err = runs["results"][key]
    assert rc == 0, err
    out = runs["root"] / key
    nb = nbformat.read(next(out.glob("*.ipynb")), as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    if key == "s05":  # the API tour shows its charts the notebook way
        images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if "image/png" in o.get("data", {})]
        assert len(images) == len(list((out / "figures").glob("*.png")))
    elif key.startswith("s"):  # every saved chart is also shown in the notebook, once, as an <img> with alt text
        html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                       for o in c.get("outputs", []))
        assert not [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        assert html.count('<img alt="Chart: ') == len(list((out / "figures").glob("*.png")))
        assert html.count('class="pn-finding"') >= 2 and "<details" in html
    return out / "figures"


def _chart(folder: Path, stem: str) -> pd.DataFrame:
    for ext in ("png", "svg", "csv"):
        assert (folder / f"{stem}.{ext}").stat().st_size > 0, f"{stem}.{ext}"
    return pd.read_csv(folder / f"{stem}.csv")


def _corpus(store: Path, **kw) -> notebook_helpers.Corpus:
    return notebook_helpers.prepare(str(store), **kw)


def _check_overview(folder: Path, store: Path) -> None:
    c = _corpus(store)
    per = _chart(folder, "articles_per_period")
    assert per["n_articles"].sum() == c.articles["date"].notna().sum()
    mix = _chart(folder, "theme_mix")
    ref = aggregate.theme_share(aggregate.count_theme_periods(c.articles, c.scores, freq="MS", by=()))
    ref = ref.assign(period=ref["period"].dt.strftime("%Y-%m-%d"))
    merged = mix.merge(ref, on=["period", "theme"], suffixes=("", "_ref"))
    assert len(merged) == len(mix) > 0  # both stores have periods with enough articles: something is compared
    thick = ref.loc[ref["n_articles"] >= MIX_MIN_ARTICLES, "period"]
    assert set(mix["period"]) == set(thick)  # the thin periods, and only they, are hidden
    assert (merged["n_articles_with_theme"] == merged["n_articles_with_theme_ref"]).all()
    assert ((merged["share"] - merged["share_ref"]).abs() < 1e-9).all()
    co = _chart(folder, "theme_cooccurrence")
    mat = aggregate.cooccurrence_matrix(aggregate.count_cooccurrence(c.scores))
    assert co["value"].sum() == mat.values.sum()
    ot = _chart(folder, "outlets_by_theme")
    assert ((ot["share"] - ot["n_articles_with_theme"] / ot["n_articles"]).abs() < 1e-9).all()
    q = dict(_chart(folder, "data_quality")[["check", "n"]].values)
    from analysis.corpus.store import load_corpus

    stored = load_corpus(store=store)
    assert q["articles in store"] == len(stored)
    assert q["articles without a date"] == stored["date"].isna().sum()
    assert q["duplicates flagged (dup_of set)"] == stored["dup_of"].notna().sum()


def test_overview_on_sample(runs):
    folder = _ok(runs, "s01")
    _check_overview(folder, runs["sample"])
    totals = pd.read_csv(folder / "theme_totals.csv")
    assert {"trade", "migration", "security_crime"} <= set(totals.query("n_articles_with_theme > 0")["theme"])


def test_overview_on_allsides(runs):
    _check_overview(_ok(runs, "a01"), runs["allsides"])


def _check_theme_report(folder: Path, store: Path, theme: str, freq: str, **kw) -> None:
    c = _corpus(store, **kw)
    att = _chart(folder, f"{theme}_attention")
    ref = aggregate.share_with_ci(aggregate.count_theme_periods(c.articles, c.scores, freq=freq, by="source"), by=())
    ref = ref[ref["theme"] == theme]
    assert att["n_articles"].tolist() == ref["n_articles"].tolist()
    assert att["n_articles_with_theme"].tolist() == ref["n_articles_with_theme"].tolist()
    assert (att["ci_low"] - ref["ci_low"].to_numpy()).abs().max() < 1e-9
    assert att["n_articles"].sum() == c.articles["date"].notna().sum()
    terms = _chart(folder, f"{theme}_top_terms")
    ref_terms = aggregate.top_matched_terms(aggregate.count_matched_terms(c.hits, theme, present=c.scores), top=15)
    assert terms[["term", "n_hits"]].values.tolist() == ref_terms[["term", "n_hits"]].values.tolist()
    for stem in ("attention_by_outlet", "subthemes", "keyness", "tone", "places", "actors", "cooccurring"):
        _chart(folder, f"{theme}_{stem}")
    top = pd.read_csv(folder / f"{theme}_top_articles.csv")
    on, _ = tables.theme_articles(c.articles, c.scores, theme)
    assert len(top) > 0 and set(top["article_id"]) <= set(on["article_id"])
    for name in ("collocations", "quotes", "amounts", "kwic"):
        assert (folder / f"{theme}_{name}.csv").exists()


def test_theme_report_on_sample(runs):
    folder = _ok(runs, "s02")
    _check_theme_report(folder, runs["sample"], "trade", "MS")
    quotes = pd.read_csv(folder / "trade_quotes.csv")
    assert {"speaker", "quote", "date", "outlet"} <= set(quotes.columns)
    voices = pd.read_csv(folder / "trade_who_is_quoted.csv")  # who is quoted: canonical speakers with a type
    assert {"speaker", "speaker_type", "quotes", "outlets"} <= set(voices.columns)
    assert (folder / "trade_countries_by_theme.csv").exists()


def test_theme_report_on_allsides(runs):
    _check_theme_report(_ok(runs, "a02"), runs["allsides"], "migration", "QS", start="2012-06-01", end="2013-03-31")


def test_article_brief_on_sample_article(runs):
    folder = _ok(runs, "s03")
    strip = _chart(folder, "theme_strip")
    art = notebook_helpers.load_article(path=str(config.SAMPLE_DIR / "text" / "000_border_trade_brief.txt"))
    from analysis.themes.scoring import theme_hits

    assert strip["hits"].sum() == len(theme_hits(art))
    assert (folder / "evidence_sentences.csv").exists() and (folder / "quotes.csv").exists()


def test_article_brief_defaults_to_the_most_on_theme_article_of_the_store(runs):
    """Without article_id/path the brief reads the store's most on-theme article, never the bundled sample."""
    folder = _ok(runs, "s03d")
    expected = notebook_helpers.most_on_theme(_corpus(runs["sample"]), "migration")["article_id"].iloc[0]
    assert set(pd.read_csv(folder / "article_scores.csv")["article_id"].astype(str)) == {str(expected)}
    nb = nbformat.read(next((runs["root"] / "s03d").glob("*.ipynb")), as_version=4)
    shown = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "most on-theme article about migration" in shown and "sample article" not in shown


def test_article_brief_on_seed(runs):
    folder = _ok(runs, "seed03")
    scores = pd.read_csv(folder / "article_scores.csv")
    present = set(scores.loc[scores["present"], "theme"])
    assert {"trade", "migration", "security_crime"} <= present
    evidence = pd.read_csv(folder / "evidence_sentences.csv")
    assert evidence["sentence"].str.contains("fentanyl").any()
    assert _chart(folder, "theme_strip")["paragraph"].max() >= 10


def test_article_brief_by_id(runs):
    folder = _ok(runs, "a03")
    assert len(pd.read_csv(folder / "article_scores.csv")) > 0


def _check_compare(folder: Path, store: Path, group_by: str, max_groups: int) -> None:
    c = _corpus(store)
    grouped, _ = selection.compare_groups(c.articles, group_by)
    grouped = selection.pick_groups(grouped, "", max_groups)
    ref = aggregate.share_with_ci(aggregate.count_themes(grouped, c.scores, by="group"))
    got = _chart(folder, "compare_theme_shares")
    label = [col for col in got.columns if col not in ref.columns][0]
    merged = got.rename(columns={label: "group"}).merge(ref, on=["theme", "group"], suffixes=("", "_ref"))
    assert len(merged) == len(got) > 0
    assert (merged["share"] - merged["share_ref"]).abs().max() < 1e-9
    assert (merged["ci_high"] - merged["ci_high_ref"]).abs().max() < 1e-9
    terms = _chart(folder, "compare_distinctive_terms")
    assert set(terms["group"]) <= set(grouped["group"])


def test_compare_on_sample(runs):
    _check_compare(_ok(runs, "s04"), runs["sample"], "outlet", 3)


def test_compare_by_bias_on_allsides(runs):
    folder = _ok(runs, "a04")
    _check_compare(folder, runs["allsides"], "source_bias", 4)
    assert set(pd.read_csv(folder / "compare_theme_shares.csv")["source bias"]) == {"left", "center", "right"}


@pytest.mark.parametrize("key", ["s05", "a05"])
def test_explore_api(runs, key):
    folder = _ok(runs, key)
    assert len(_chart(folder, "explore_theme_mix")) > 0
