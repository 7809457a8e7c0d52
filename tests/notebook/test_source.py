"""The notebooks' data source: one pinned store version per report, from start to end."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.aggregate.count_files import write_aggregates
from analysis.aggregate.report_counts import KIND, report_counts, selection_params
from analysis.corpus.ingest import ingest
from analysis.corpus.store import corpus_fingerprint, current_version, load_corpus
from analysis.errors import UsageError
from analysis.notebook import helpers, source

TRADE = "Tariffs on steel imports rose again. The trade talks stalled over export quotas and tariffs."


def _ingest(folder: Path, store: Path, first: int, n: int) -> set[str]:
    """Ingest ``n`` on-theme JSONL articles numbered from ``first``; return the new article ids."""
    rows = [{"title": f"Steel tariffs story {i}", "text": f"{TRADE} Story number {i}.",
             "date": f"2025-02-{1 + i:02d}", "source": "Harbor Gazette" if i % 2 else "Metro Ledger"}
            for i in range(first, first + n)]
    path = folder / f"batch{first}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    before = set(load_corpus(store, columns=["article_id"])["article_id"]) if current_version(store) else set()
    report = ingest([path], store=store, progress=False)
    assert report["articles_new"] == n
    return set(load_corpus(store, columns=["article_id"])["article_id"]) - before


@pytest.fixture()
def two_versions(tmp_path: Path) -> tuple[Path, str, set[str], set[str]]:
    """A store with two committed versions: (store, first version name, first ids, later ids)."""
    store = tmp_path / "store"
    first_ids = _ingest(tmp_path / "in", store, 0, 4)
    first = current_version(store).name
    later_ids = _ingest(tmp_path / "in", store, 4, 3)
    assert current_version(store).name != first
    return store, first, first_ids, later_ids


def test_report_data_reads_the_pinned_version(two_versions) -> None:
    store, first, first_ids, later_ids = two_versions
    now = source.report_data(store)
    assert set(now.corpus.articles["article_id"]) == first_ids | later_ids
    pinned = source.report_data(store, store_version=first)
    assert set(pinned.corpus.articles["article_id"]) == first_ids
    assert set(pinned.corpus.scores["article_id"]) == first_ids     # scores of exactly those articles
    assert set(pinned.corpus.hits["article_id"]) <= first_ids
    assert pinned.n_theme_articles("trade") == (4, 4)
    assert int(pinned.quality_counts()["n_articles"].sum()) == 4    # the whole-store read is pinned too
    assert int(now.quality_counts()["n_articles"].sum()) == 7
    assert pinned.corpus.params["store_version"] == first
    assert "4 articles" in pinned.note and "7 articles" in now.note
    assert int(pinned.article_counts("MS")["n_articles"].sum()) == 4


def test_prepare_and_load_article_take_the_version(two_versions) -> None:
    store, first, first_ids, later_ids = two_versions
    assert set(helpers.prepare(store, store_version=first).articles["article_id"]) == first_ids
    late = sorted(later_ids)[0]
    assert helpers.load_article(late, store=store)["article_id"].tolist() == [late]
    with pytest.raises(UsageError, match="not found"):
        helpers.load_article(late, store=store, store_version=first)
    early = sorted(first_ids)[0]
    assert helpers.load_article(early, store=store, store_version=first)["article_id"].tolist() == [early]


@pytest.mark.parametrize("name", ["v999999", "../../etc", "latest"])
def test_unknown_version_is_a_one_line_error(two_versions, name: str) -> None:
    store, first, _first_ids, _later_ids = two_versions
    with pytest.raises(UsageError) as err:
        source.report_data(store, store_version=name)
    msg = str(err.value)
    assert "\n" not in msg and repr(name) in msg and first in msg and current_version(store).name in msg
    with pytest.raises(UsageError, match="it has: "):
        helpers.load_article(sorted(_first_ids)[0], store=store, store_version=name)


def test_aggregates_are_checked_against_the_pinned_version(two_versions) -> None:
    store, first, first_ids, _later_ids = two_versions
    sel = selection_params()
    part = load_corpus(store, version=first)
    write_aggregates(report_counts(part, sel), store,
                     {"kind": KIND, "selection": sel, "corpus_fingerprint": corpus_fingerprint(store, version=first)})
    with pytest.raises(UsageError, match="not computed on its articles"):
        source.report_data(store, use_aggregates=True)                   # the current version has more
    data = source.report_data(store, use_aggregates=True, store_version=first)
    assert data.params["store_version"] == first
    assert data.n_theme_articles("trade") == (4, 4)
    with pytest.raises(UsageError, match="it has: "):
        source.load_aggregate_data(store, store_version="v999999")


def test_ingest_report_of_the_pinned_version(two_versions) -> None:
    store, first, _first_ids, _later_ids = two_versions
    assert source.report_data(store, store_version=first).ingest_report()["articles_new"] == 4
    assert source.report_data(store).ingest_report()["articles_new"] == 3
    assert source.ingest_report(store, first)["articles_new"] == 4


def test_mention_counts_of_aggregates_equal_the_article_path(tmp_path: Path) -> None:
    """The 'mention the theme' line reads the same numbers from Dask-style count tables as from the articles."""
    import pandas as pd

    from analysis import config
    from analysis.aggregate import counts

    store = tmp_path / "s"
    ingest([config.SAMPLE_DIR], store=store, progress=False)
    agg = source.AggregateData(report_counts(load_corpus(store=store), selection_params()), "", store)
    art = source.report_data(store)
    for freq in ("W", "MS"):
        a = counts.theme_share(agg.mention_period_counts(freq), by=())
        b = counts.theme_share(art.mention_period_counts(freq), by=())
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    carried = counts.theme_share(art.theme_period_counts("MS", by=()), by=())
    assert b["n_articles_with_theme"].sum() > carried["n_articles_with_theme"].sum() > 0
    old = source.AggregateData({k: v for k, v in agg.tables.items() if k != "mention_periods"}, "", store)
    assert old.mention_period_counts("MS") is None  # aggregates written before the table: no mentions line


TEXT_SECTIONS = ("top_articles", "collocations", "keyness", "quote_table", "who_is_quoted", "amount_table", "kwic",
                 "countries_by_theme")


def _pieces_in_process(store: Path, parts: int) -> dict:
    """The report tables as a Dask run makes them, computed here: ``parts`` partitions, one reduction step."""
    import pandas as pd

    from analysis.aggregate.grouping import combine_counts
    from analysis.aggregate.report_counts import REPORT_TABLES, TEXT_TABLES
    from analysis.cluster.report_counts import partition_tables
    from analysis.cluster.report_text import choose_kwic, combine_piece, kwic_pass

    corpus = load_corpus(store=store)
    cut = [corpus.iloc[i * len(corpus) // parts:(i + 1) * len(corpus) // parts] for i in range(parts)]
    sel = selection_params()
    pieces = [partition_tables(p, sel, None, i) for i, p in enumerate(cut)]
    out = {n: combine_counts([p[n] for p in pieces]) for n in REPORT_TABLES}
    out.update({n: combine_piece(n, [p[n] for p in pieces]) for n in TEXT_TABLES if n != "kwic_rows"})
    chosen = choose_kwic([p["kwic_candidates"] for p in pieces])
    out["kwic_rows"] = pd.concat([kwic_pass(p, sel, None, chosen) for p in cut], ignore_index=True)
    return out


def test_text_sections_from_partition_pieces_equal_the_article_path(tmp_path: Path) -> None:
    """Quotes, amounts, keyness, collocations, KWIC, voices, countries and top articles of a report from
    aggregates: the pieces of three partitions, reduced, give the pandas path's tables (no cluster)."""
    import pandas as pd

    from analysis import config
    from analysis.aggregate import text_counts
    from analysis.aggregate.report_counts import KWIC_ROWS, TEXT_ROWS, TEXT_TABLES
    from analysis.notebook import text_samples

    store = tmp_path / "s"
    ingest([config.SAMPLE_DIR], store=store, progress=False)
    tables = _pieces_in_process(store, 3)
    agg, art = source.AggregateData(tables, "", store), source.report_data(store)
    shown = 0
    for theme in ("trade", "migration", "health"):
        for name in TEXT_SECTIONS:
            a = getattr(agg, name)(theme, 15)
            b = getattr(art, name)(theme, 15)
            keep = name == "countries_by_theme"
            pd.testing.assert_frame_equal(a.reset_index(drop=not keep), b.reset_index(drop=not keep), check_dtype=False,
                                          check_index_type=False, check_column_type=False, obj=f"{name} of {theme}")
            shown += bool(len(b))
    assert shown >= 18
    assert set(TEXT_TABLES) <= set(tables) and "kwic_candidates" not in tables
    assert tables["top_articles"].groupby("theme").size().max() <= TEXT_ROWS
    assert tables["kwic_rows"].groupby("theme")["first_n"].max().max() <= KWIC_ROWS
    assert list(text_samples.kwic_from_sample(tables["kwic_rows"], "trade", 3)["article_id"]) == \
        list(art.kwic("trade", 3)["article_id"])                         # any n up to the sample size
    assert text_counts.ALL in set(tables["keyness_terms"]["theme"])


def test_aggregates_without_text_pieces_show_a_note(tmp_path: Path) -> None:
    """Aggregates written before the text pieces existed still load; their text sections are empty tables."""
    from analysis import config
    from analysis.notebook import tables as report_tables

    store = tmp_path / "s"
    ingest([config.SAMPLE_DIR], store=store, progress=False)
    agg = source.AggregateData(report_counts(load_corpus(store=store), selection_params()), "", store)
    assert not agg.has_pieces("top_articles")
    assert list(agg.top_articles("trade").columns) == report_tables.TOP_ARTICLE_COLUMNS
    assert agg.quote_table("trade").empty and agg.kwic("trade").empty
