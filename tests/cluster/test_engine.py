"""The Dask engine (analysis.cluster.engine) gives the pandas path's results on the shared corpora, on a real cluster.

The 2-worker LocalCluster and the corpus heads are fixtures of tests/cluster/conftest.py; the distributed
ingest is tested in tests/cluster/test_ingest.py.
"""
from __future__ import annotations

import argparse
import gc
import importlib
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.aggregate import count_files, evidence_counts
from analysis.aggregate import counts as aggregate
from analysis.cluster import engine as dx
from analysis.cluster import options, session
from analysis.corpus import leases
from analysis.corpus.ingest import ingest
from analysis.corpus.store import current_version, kept_versions, load_corpus
from analysis.errors import StoreError, UsageError
from analysis.text.words import term_counts_table, top_terms_from_counts
from analysis.themes import scoring as themes

pytest.importorskip("distributed")


def _norm(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sort rows by ``keys`` (the only order difference allowed) and reset the index."""
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def store(tmp_path_factory, corpus_heads: list[Path]) -> Path:
    """The first records of both shared corpora, ingested by the pandas path."""
    store = tmp_path_factory.mktemp("dask") / "pandas"
    ingest(corpus_heads, store=store, progress=False)
    return store


@pytest.fixture(scope="module")
def corpus(store: Path) -> pd.DataFrame:
    """The pandas store's article table."""
    return load_corpus(store)


@pytest.fixture(scope="module")
def pandas_scores(corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Theme scores and hits by the pandas path."""
    return themes.analyze(corpus)


def test_read_store_partitions_match_load_corpus(store, corpus, client):
    ddf = dx.read_store(store, partition_rows=1000)
    assert ddf.npartitions >= 4
    pd.testing.assert_frame_equal(_norm(ddf.compute(), ["article_id"]), _norm(corpus, ["article_id"]))
    assert list(ddf._meta.columns) == list(corpus.columns)


def test_scores_hits_and_article_themes_identical(store, corpus, pandas_scores, client):
    ddf = dx.read_store(store, partition_rows=2500)
    scores, hits = pandas_scores
    got_s, got_h = client.compute([dx.score_themes(ddf), dx.theme_hits(ddf)], sync=True)
    pd.testing.assert_frame_equal(_norm(got_s, ["article_id", "theme"]), _norm(scores, ["article_id", "theme"]))
    hk = ["article_id", "start", "end", "theme"]
    pd.testing.assert_frame_equal(_norm(got_h, hk), _norm(hits, hk))
    assert got_s.dtypes.equals(scores.dtypes) and len(got_h) > 5_000


def test_aggregates_identical_and_written_for_reports(store, corpus, pandas_scores, client):
    ddf = dx.read_store(store, partition_rows=2500)
    got = dx.aggregates(ddf, freq="W", by=("source",), tables=dx.THEME_TABLES, show_progress=False)
    scores, hits = pandas_scores
    want = aggregate.theme_share(aggregate.count_theme_periods(corpus, scores, freq="W", by=("source",)))
    pd.testing.assert_frame_equal(aggregate.theme_share(got["theme_periods"]), want)
    assert want["n_articles_with_theme"].sum() > 500
    pd.testing.assert_frame_equal(aggregate.cooccurrence_matrix(got["cooccurrence"]),
                                  aggregate.cooccurrence_matrix(aggregate.count_cooccurrence(scores)))
    pd.testing.assert_frame_equal(aggregate.top_matched_terms(got["matched_terms"]),
                                  aggregate.top_matched_terms(aggregate.count_matched_terms(hits, present=scores)))
    pd.testing.assert_frame_equal(aggregate.subtheme_share(got["subthemes"]),
                                  aggregate.subtheme_share(aggregate.count_subthemes(hits, present=scores)))
    pd.testing.assert_frame_equal(
        _norm(got["articles"], ["period", "source"]),
        _norm(aggregate.count_articles(corpus, freq="W", by=("source",)), ["period", "source"]))
    out = count_files.write_aggregates(got, store, params={"freq": "W"})
    back = count_files.read_aggregates(store)
    assert out.name == "aggregates" and set(back) == set(dx.THEME_TABLES)
    pd.testing.assert_frame_equal(aggregate.theme_share(back["theme_periods"]), want)


@pytest.fixture(scope="module")
def sample(corpus) -> pd.DataFrame:
    """150 AllSides articles (full texts) for the slower text extractors."""
    long = corpus[corpus["n_words"] > 200]
    return long.sort_values("article_id").head(150).reset_index(drop=True)


def test_text_extractors_identical(sample, client):
    import dask.dataframe as dd

    ddf = dd.from_pandas(sample, npartitions=3)
    hits = themes.theme_hits(sample)
    kinds = {"quotes": ["article_id", "start"], "amounts": ["article_id", "start"],
             "places": ["article_id", "canonical"], "actors": ["article_id", "kind", "canonical"],
             "tone:article": ["article_id"], "tone:theme": ["article_id", "theme"]}
    got = client.compute([dx.extract(ddf, k) for k in kinds], sync=True)
    for (kind, keys), g in zip(kinds.items(), got):
        want = dx.extract_partition(sample, kind, hits=hits)
        assert len(want) > 0, kind
        pd.testing.assert_frame_equal(_norm(g, keys), _norm(want, keys), obj=kind)
    tone = importlib.import_module("analysis.evidence.tone")
    pd.testing.assert_frame_equal(_norm(got[4], ["article_id"]), _norm(tone.tone(sample, by="article"), ["article_id"]))
    at = dx.article_themes(ddf).compute()
    pd.testing.assert_frame_equal(_norm(at, ["article_id"]),
                                  _norm(themes.article_themes(themes.score_themes(sample), sample), ["article_id"]))


def test_top_terms_and_evidence_counts_identical(sample, client):
    import dask.dataframe as dd

    text = importlib.import_module("analysis.text.concordance")
    ddf = dd.from_pandas(sample, npartitions=3)
    got = dx.aggregates(ddf, freq="MS", by=(), tables=dx.TERM_TABLES + dx.EVIDENCE_TABLES, show_progress=False)
    hits = themes.theme_hits(sample)
    pd.testing.assert_frame_equal(top_terms_from_counts(got["top_terms_source"]), text.top_terms(sample, by="source"))
    pd.testing.assert_frame_equal(top_terms_from_counts(got["top_terms_theme"], top=10),
                                  text.top_terms(sample, by="theme", hits=hits, top=10))
    tone = importlib.import_module("analysis.evidence.tone")
    want_tone = evidence_counts.tone_mean(evidence_counts.count_tone(sample, tone.tone(sample, by="article"), freq="MS"))
    pd.testing.assert_frame_equal(evidence_counts.tone_mean(got["tone"]), want_tone)
    places = importlib.import_module("analysis.evidence.places")
    pd.testing.assert_frame_equal(evidence_counts.top_mentions(got["places"]),
                                  evidence_counts.top_mentions(evidence_counts.count_mentions(places.places(sample, hits=hits))))
    assert len(top_terms_from_counts(term_counts_table(sample))) == 20


def test_partition_work_leaves_no_document_in_the_caches(sample):
    """A worker's partition functions empty the per-document caches after each partition (memory stays flat)."""
    from analysis.evidence.wordscan import PLACE_CACHE
    from analysis.text.sentences import SPAN_CACHE

    part = sample.head(20)
    dx.partition_counts(part, freq="MS", by=(), tables=["places", "actors", "tone"])
    assert not SPAN_CACHE and not PLACE_CACHE
    dx.extract_and_clear(part, "places")
    assert not SPAN_CACHE and not PLACE_CACHE
    dx.extract_partition(part, "places")  # the plain function keeps them (the caller decides when to clear)
    assert SPAN_CACHE and PLACE_CACHE
    dx.clear_worker_caches()


def test_dask_option_and_errors():
    parser = argparse.ArgumentParser()
    options.add_dask_argument(parser)
    assert options.engine_from_args(parser.parse_args([])) is None
    assert parser.parse_args(["--dask", "tcp://127.0.0.1:8786"]).dask == "tcp://127.0.0.1:8786"
    with pytest.raises(UsageError):
        session.client("http://example.org")
    with pytest.raises(UsageError):
        dx.partition_counts(pd.DataFrame(), tables=["nope"])


def _commit(store: Path, folder: Path, i: int) -> str:
    """Ingest one new dated article (a new version of ``store``); return the new current version's name."""
    path = folder / f"new-{i}.txt"
    path.write_text(f"Tariff round {i}\n\nRound {i} of tariffs on steel imports hit exports; trade talks "
                    f"stalled for the {i}th time.\n", encoding="utf-8")
    report = ingest([path], store=store, defaults={"source": "Test", "date": f"2025-05-0{i}"}, progress=False)
    assert report["articles_new"] == 1
    return current_version(store).name


@pytest.fixture()
def small_store(tmp_path) -> Path:
    """data/sample ingested into a fresh store (one version)."""
    store = tmp_path / "store"
    ingest([config.SAMPLE_DIR], store=store, progress=False)
    return store


def test_read_store_keeps_its_version_through_two_commits(small_store, tmp_path, client):
    """Two ingests commit between building the graph and computing it: the original version is read."""
    store, first = small_store, current_version(small_store).name
    want = load_corpus(store)
    ddf = dx.read_store(store, partition_rows=5)
    n_rows = ddf.map_partitions(len).sum()                 # built on it: holds the lease too
    del ddf
    newer = [_commit(store, tmp_path, i) for i in (1, 2)]
    assert first in kept_versions(store) and leases.holders(store)[first] is True   # pinned, not pruned
    assert int(n_rows.compute()) == len(want) == len(load_corpus(store)) - 2
    got = dx.read_store(store, version=first).compute()
    pd.testing.assert_frame_equal(_norm(got, ["article_id"]), _norm(want, ["article_id"]))
    del n_rows
    gc.collect()
    assert leases.holders(store).get(first) is False       # released with the last frame built on it
    third = _commit(store, tmp_path, 3)
    assert kept_versions(store) == [newer[1], third]       # the next commit removes it


def test_pinned_store_reads_one_version_for_a_block(small_store, tmp_path, client):
    """pinned_store + read_store(version=): aggregates count the pinned version; a gone version is a StoreError."""
    store = small_store
    dated = int(load_corpus(store)["date"].notna().sum())
    with dx.pinned_store(store) as version:
        for i in (1, 2):
            _commit(store, tmp_path, i)
        got = dx.aggregates(dx.read_store(store, version=version), tables=("articles",), show_progress=False)
        assert int(got["articles"]["n_articles"].sum()) == dated
        assert int(load_corpus(store)["date"].notna().sum()) == dated + 2
        assert version in kept_versions(store)
    gc.collect()
    last = _commit(store, tmp_path, 3)
    assert version not in kept_versions(store) and kept_versions(store)[-1] == last
    with pytest.raises(StoreError, match=f"has no version {version}"):
        dx.read_store(store, version=version)
    with pytest.raises(UsageError, match="no article store"):
        dx.read_store(tmp_path / "no-store")
    with pytest.raises(UsageError, match="no article store"), dx.pinned_store(tmp_path / "no-store"):
        pass
