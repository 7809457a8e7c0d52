"""`--dask` on the CLI (ingest, score, report) and reports rendered from a Dask run's count tables.

One real LocalCluster (2 worker processes on 127.0.0.1) serves the module; CLI subprocesses reach it
with ``--dask tcp://...``; one ingest starts its own ``--dask local`` cluster.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.aggregate import count_files
from analysis.aggregate import counts as aggregate
from analysis.aggregate import evidence_counts as evidence_stats
from analysis.aggregate.report_counts import KWIC_ROWS, TEXT_ROWS, TEXT_TABLES, selection_params
from analysis.cluster import engine as dx
from analysis.cluster import session
from analysis.cluster.report_counts import aggregate_params, compute_report_aggregates, stale_params
from analysis.corpus.ingest import ingest
from analysis.corpus.store import load_corpus
from analysis.errors import UsageError
from analysis.notebook import source as src

pytest.importorskip("distributed")

THEME = "trade"
NOTEBOOKS = "01-corpus-overview,02-theme-report"


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster: 2 worker processes, one thread each, on 127.0.0.1."""
    c = session.client("local", n_workers=2, processes=True, quiet=True)
    yield c
    cluster = c.cluster
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def address(cluster) -> str:
    """The scheduler address the CLI subprocesses connect to."""
    return cluster.scheduler.address


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    """data/sample ingested by the pandas path (copy it before writing into it)."""
    store = tmp_path_factory.mktemp("agg") / "store"
    ingest([config.SAMPLE_DIR], store=store, progress=False)
    return store


def _copy(store: Path, dest: Path) -> Path:
    shutil.copytree(store, dest, symlinks=True)
    return dest


def _cli(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("article_id").reset_index(drop=True)


def test_lexicon_fingerprint_follows_a_custom_lexicon_folder(tmp_path, sample_store):
    """Editing a term of a custom lexicon folder changes the aggregates' params; no edit, no change (no cluster)."""
    lexicons = tmp_path / "lexicons"
    lexicons.mkdir()
    for path in sorted(config.LEXICON_DIR.glob("*.yml")):
        shutil.copy(path, lexicons / path.name)
    sel = selection_params()
    shipped = aggregate_params(sample_store, sel)
    first = aggregate_params(sample_store, sel, lexicons)
    assert first == aggregate_params(sample_store, sel, lexicons)            # unchanged folder: same params
    assert first["lexicon_fingerprint"] == shipped["lexicon_fingerprint"]    # a copy of the shipped lexicons
    assert first["lexicons"] == str(lexicons) and shipped["lexicons"] is None
    trade = lexicons / "trade.yml"
    text = trade.read_text(encoding="utf-8")
    assert "\n  - steel\n" in text
    trade.write_text(text.replace("\n  - steel\n", "\n  - stainless steel\n"), encoding="utf-8")
    edited = aggregate_params(sample_store, sel, lexicons)
    assert edited["lexicon_fingerprint"] not in (first["lexicon_fingerprint"], shipped["lexicon_fingerprint"])
    assert {k: v for k, v in edited.items() if k != "lexicon_fingerprint"} == \
        {k: v for k, v in first.items() if k != "lexicon_fingerprint"}
    assert edited == aggregate_params(sample_store, sel, lexicons)
    assert aggregate_params(sample_store, sel) == shipped                    # the shipped lexicons are untouched


def test_cli_ingest_dask_local_equals_pandas(tmp_path, cli_env):
    pandas_run = _cli(cli_env, "ingest", str(config.SAMPLE_DIR), "--store", str(tmp_path / "p"), "--no-progress")
    dask_run = _cli(cli_env, "ingest", str(config.SAMPLE_DIR), "--store", str(tmp_path / "d"),
                    "--dask", "local", "--dask-workers", "2")
    assert pandas_run.returncode == 0, pandas_run.stderr[-2000:]
    assert dask_run.returncode == 0, dask_run.stderr[-2000:]
    assert "dask dashboard: http://127.0.0.1" in dask_run.stdout
    assert "% Completed" in dask_run.stdout                        # the text progress bar
    p, d = load_corpus(store=tmp_path / "p"), load_corpus(store=tmp_path / "d")
    pd.testing.assert_frame_equal(_sorted(p), _sorted(d))
    assert p["dup_of"].notna().sum() == 2                          # the sample's exact + near copy
    summary = [ln for ln in dask_run.stdout.splitlines() if ln.startswith(("articles loaded", "duplicates"))]
    assert summary == [ln for ln in pandas_run.stdout.splitlines() if ln.startswith(("articles loaded", "duplicates"))]
    report = json.loads((tmp_path / "d" / "ingest_report.json").read_text())
    assert report["engine"] == "dask" and report["store_rows"] == len(p)


def test_cli_score_dask_writes_scores_and_aggregates(tmp_path, cli_env, sample_store, address):
    store = _copy(sample_store, tmp_path / "store")
    run = _cli(cli_env, "score", "--store", str(store), "--dask", address, "--no-progress")
    assert run.returncode == 0, run.stderr[-2000:]
    tables = count_files.read_aggregates(store)
    assert set(dx.THEME_TABLES + dx.TERM_TABLES) <= set(tables)
    assert all(len(tables[t]) for t in ("theme_periods", "cooccurrence", "matched_terms"))
    n = len(load_corpus(store=store))
    at = pd.read_parquet(store / dx.SCORES_DIR / "article_themes")
    assert len(at) == n and f"scored on dask: {n} articles" in run.stdout
    assert int(tables["articles"]["n_articles"].sum()) == int(load_corpus(store=store)["date"].notna().sum())


def test_cli_unreachable_scheduler_is_a_usage_error(tmp_path, cli_env, sample_store):
    t0 = time.perf_counter()
    run = _cli(cli_env, "score", "--store", str(sample_store), "--dask", "tcp://127.0.0.1:1", timeout=60)
    assert run.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in run.stderr
    assert "Traceback" not in run.stderr
    assert time.perf_counter() - t0 < 30
    bad = _cli(cli_env, "ingest", str(config.SAMPLE_DIR), "--store", str(tmp_path / "x"), "--dask", "spark://x")
    assert bad.returncode == 2 and "--dask must be 'local' or tcp://HOST:PORT" in bad.stderr
    assert not (tmp_path / "x" / "articles").exists()


def _both(store: Path, sel: dict, client, partition_rows: int = 40) -> tuple[src.AggregateData, src.ArticleData]:
    """Aggregates on the cluster (small partitions: the tree reduction runs) and the pandas path."""
    tables = compute_report_aggregates(store, sel, show_progress=False, partition_rows=partition_rows)
    data = src.report_data(store, sel["start"] or "", sel["end"] or "", sel["outlets"], sel["exclude_duplicates"])
    return src.AggregateData(tables, "", store), data


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                  check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("sel", [selection_params(),
                                 selection_params("2025-03-01", "2025-09-30", "", False)])
def test_report_counts_on_cluster_equal_pandas(sample_store, cluster, sel):
    agg, art = _both(sample_store, sel, cluster)
    for freq in ("W", "MS"):
        _same(agg.article_counts(freq), art.article_counts(freq))
        _same(aggregate.theme_share(agg.theme_period_counts(freq, by="source")),
              aggregate.theme_share(art.theme_period_counts(freq, by="source")))
        _same(evidence_stats.tone_mean(agg.tone_counts(THEME, freq)),
              evidence_stats.tone_mean(art.tone_counts(THEME, freq)))
    _same(aggregate.theme_share(agg.theme_counts()), aggregate.theme_share(art.theme_counts()))
    _same(aggregate.cooccurrence_matrix(agg.cooccurrence_counts()),
          aggregate.cooccurrence_matrix(art.cooccurrence_counts()))
    _same(aggregate.top_matched_terms(agg.term_counts(THEME)), aggregate.top_matched_terms(art.term_counts(THEME)))
    _same(aggregate.subtheme_share(agg.subtheme_counts(THEME)), aggregate.subtheme_share(art.subtheme_counts(THEME)))
    for kind in src.MENTION_KINDS:
        _same(evidence_stats.top_mentions(agg.mention_counts(kind, THEME)),
              evidence_stats.top_mentions(art.mention_counts(kind, THEME)))
    _same(agg.quality_counts(), art.quality_counts())
    assert agg.n_theme_articles(THEME) == art.n_theme_articles(THEME)
    assert agg.n_theme_articles(THEME)[0] > 0
    assert _same_text_sections(agg, art) >= 20


TEXT_SECTIONS = {
    "top_articles": lambda d, t: d.top_articles(t, n=15),
    "collocations": lambda d, t: d.collocations(t, top=15),
    "keyness": lambda d, t: d.keyness(t, top=15),
    "quote_table": lambda d, t: d.quote_table(t),
    "who_is_quoted": lambda d, t: d.who_is_quoted(t, n=15),
    "amount_table": lambda d, t: d.amount_table(t),
    "kwic": lambda d, t: d.kwic(t, n=15),
    "countries_by_theme": lambda d, t: d.countries_by_theme(t, top=15),
}


def _same_text_sections(agg: src.AggregateData, art: src.ArticleData) -> int:
    """Every text section of every theme: the Dask pieces' table equals the pandas path's; the number
    of non-empty tables compared."""
    themes = sorted(set(agg.theme_counts().query("n_articles_with_theme > 0")["theme"]))
    assert themes and set(agg.tables["top_articles"]["theme"]) == set(themes)
    full = 0
    for theme in themes:
        for name, section in TEXT_SECTIONS.items():
            a, b = section(agg, theme), section(art, theme)
            keep = name == "countries_by_theme"                    # the country is the index
            try:
                pd.testing.assert_frame_equal(a.reset_index(drop=not keep), b.reset_index(drop=not keep),
                                              check_dtype=False, check_index_type=False, check_column_type=False)
            except AssertionError as err:
                raise AssertionError(f"{name} of {theme}: {err}") from None
            full += bool(len(b))
    return full


@pytest.fixture(scope="module")
def allsides_store(tmp_path_factory, allsides_path: Path) -> Path:
    """A slice of the shared AllSides corpus (the first 900 records) ingested by the pandas path."""
    folder = tmp_path_factory.mktemp("allsides")
    with open(allsides_path, encoding="utf-8") as fh:
        (folder / "allsides.jsonl").write_text("".join(next(fh) for _ in range(ALLSIDES_SLICE)), encoding="utf-8")
    ingest([folder / "allsides.jsonl"], store=folder / "store", progress=False)
    return folder / "store"


ALLSIDES_SLICE = 900


def test_text_sections_on_cluster_equal_pandas_on_allsides(allsides_store, cluster):
    """Quotes, amounts, keyness, collocations, KWIC, who is quoted, countries and the most on-theme articles
    of a report --dask run equal the pandas path's tables on real news (many partitions, tree-reduced)."""
    agg, art = _both(allsides_store, selection_params(), cluster, partition_rows=100)
    assert len(agg.tables["articles"]) and _same_text_sections(agg, art) >= 100
    rows = {name: len(agg.tables[name]) for name in TEXT_TABLES}
    themes = agg.tables["top_articles"]["theme"].nunique()
    assert rows["top_articles"] <= TEXT_ROWS * themes and rows["kwic_rows"] <= KWIC_ROWS * themes, rows  # k per theme
    assert agg.tables["top_articles"].groupby("theme").size().max() == TEXT_ROWS
    for kind in ("quote_rows", "amount_rows"):                           # whole articles of the k newest rows
        per_theme = agg.tables[kind].groupby("theme")["article_id"].nunique()
        assert per_theme.max() <= TEXT_ROWS, per_theme


def _csvs(run_dir: Path) -> dict[str, pd.DataFrame]:
    return {f"{p.parent.name}/{p.name}": pd.read_csv(p) for p in sorted(run_dir.glob("*/*.csv"))}


def test_report_dask_renders_same_chart_numbers(tmp_path, cli_env, sample_store, address):
    store = _copy(sample_store, tmp_path / "store")
    common = ["report", "--store", str(store), "--themes", THEME, "--only", NOTEBOOKS, "--jobs", "2"]
    dask_run = _cli(cli_env, *common, "--out", str(tmp_path / "rd"), "--dask", address, "--no-progress")
    assert dask_run.returncode == 0, dask_run.stderr[-3000:]
    assert "aggregates computed on dask" in dask_run.stdout
    params = count_files.read_params(store)
    assert params["kind"] == "report" and params["selection"] == selection_params()
    pandas_run = _cli(cli_env, *common, "--out", str(tmp_path / "rp"))
    assert pandas_run.returncode == 0, pandas_run.stderr[-3000:]
    d, p = _csvs(tmp_path / "rd" / "latest"), _csvs(tmp_path / "rp" / "latest")
    text = {f"02-theme-report-{THEME}/{THEME}_{n}.csv" for n in
            ("collocations", "quotes", "amounts", "kwic", "top_articles", "who_is_quoted", "countries_by_theme")}
    assert set(d) == set(p) and text <= set(d)                 # the text sections run on the cluster too
    assert {"01-corpus-overview/theme_mix.csv", f"02-theme-report-{THEME}/{THEME}_attention.csv"} <= set(d)
    for name in d:
        _same(d[name], p[name])
    assert all(len(d[name]) for name in text - {f"02-theme-report-{THEME}/{THEME}_collocations.csv"})
    nb = json.loads(next((tmp_path / "rd" / "latest").glob("02-*/*.ipynb")).read_text())
    assert "this section needs the article text" not in json.dumps(nb)
    again = _cli(cli_env, *common, "--out", str(tmp_path / "rd"), "--dask", "tcp://127.0.0.1:1")
    assert again.returncode == 0 and "aggregates up to date" in again.stdout   # no cluster needed


def test_aggregate_mode_reads_no_article_file(tmp_path, cli_env, sample_store, cluster):
    store = _copy(sample_store, tmp_path / "store")
    sel = selection_params()
    count_files.write_aggregates(compute_report_aggregates(store, sel, show_progress=False), store,
                        params=aggregate_params(store, sel))
    for part in (store / "articles").resolve().rglob("*.parquet"):
        part.unlink()                                     # only the manifest and the aggregates remain
    out = tmp_path / "nb"
    cmd = [sys.executable, "-m", "papermill", "-k", "python3", "--cwd", str(tmp_path), "--no-progress-bar",
           str(config.NOTEBOOKS_DIR / "01-corpus-overview.ipynb"), str(tmp_path / "01.ipynb"),
           "-p", "store", str(store), "-p", "out_dir", str(out), "-y", json.dumps({"use_aggregates": True})]
    run = subprocess.run(cmd, env=cli_env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    mix = pd.read_csv(out / "theme_mix.csv")
    assert len(mix) > 0 and mix["share"].between(0, 1).all()
    assert (out / "articles_per_period.png").stat().st_size > 0


def test_aggregates_for_another_selection_or_stale_store_are_refused(tmp_path, sample_store, cluster):
    store = _copy(sample_store, tmp_path / "store")
    with pytest.raises(UsageError, match="no report aggregates"):
        src.load_aggregate_data(store)
    sel = selection_params(start="2025-03-01")
    count_files.write_aggregates(compute_report_aggregates(store, sel, show_progress=False), store,
                        params=aggregate_params(store, sel))
    assert stale_params(store, sel) is None
    assert src.load_aggregate_data(store, start="2025-03-01").tables["quality"]["n_articles"].sum() > 0
    with pytest.raises(UsageError, match="were computed for"):
        src.load_aggregate_data(store)                     # the notebook's own selection differs
    extra = tmp_path / "extra.txt"
    extra.write_text("Tariff talks\n\nNew tariffs on steel imports hit exports and trade talks stalled.\n")
    ingest([extra], store=store, defaults={"source": "Test", "date": "2025-05-05"}, progress=False)
    with pytest.raises(UsageError, match="not computed on its articles"):
        src.load_aggregate_data(store, start="2025-03-01")
    assert stale_params(store, sel) is not None


def test_keyness_and_collocations_only_for_the_report_themes(tmp_path, sample_store, cluster):
    """A run for one theme counts keyness and collocations (the vocabulary-sized tables) for it alone,
    records it in the params, equals the pandas path for it, and says so for another theme; a run for
    a theme not counted yet recomputes (keeping the themes counted before), one already counted does not."""
    store = _copy(sample_store, tmp_path / "store")
    sel = selection_params()
    params = stale_params(store, sel, text_themes=[THEME])
    assert params is not None and params["text"]["themes"] == [THEME]
    tables = compute_report_aggregates(store, sel, show_progress=False, partition_rows=40, text_themes=[THEME])
    count_files.write_aggregates(tables, store, params=params)
    assert set(tables["collocation_pairs"]["theme"]) == set(tables["collocation_words"]["theme"]) == {THEME}
    assert set(tables["keyness_terms"]["theme"]) == {"", THEME}               # the reference: all articles
    assert tables["collocation_pairs"][["key_a", "key_b"]].dtypes.eq("int64").all()   # hashed words, no strings
    agg, art = src.load_aggregate_data(store), src.report_data(store)
    for section in ("collocations", "keyness"):
        got, want = TEXT_SECTIONS[section](agg, THEME), TEXT_SECTIONS[section](art, THEME)
        assert len(want)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)
    other = next(t for t in sorted(set(tables["top_articles"]["theme"])) if t != THEME)
    assert len(TEXT_SECTIONS["quote_table"](agg, other)) == len(TEXT_SECTIONS["quote_table"](art, other))
    assert agg.keyness(other).empty and agg.collocations(other).empty and not agg.not_counted(THEME, "x")
    assert "not computed for this theme in the cluster run" in agg.not_counted(other, "Collocations")
    assert stale_params(store, sel, text_themes=[THEME]) is None                 # counted: nothing to do
    assert stale_params(store, sel, text_themes=[other])["text"]["themes"] == sorted([THEME, other])
    assert stale_params(store, sel)["text"]["themes"] is None                    # every theme: recompute
