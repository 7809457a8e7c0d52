"""A query on a real 2-worker LocalCluster (analysis.cluster.query) gives exactly the pandas results."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.aggregate.query_counts import share_of_matches
from analysis.cluster import engine as dx
from analysis.cluster.query import in_dates, query_store
from analysis.corpus.ingest import ingest
from analysis.corpus.store import load_corpus
from analysis.search.engine import query


@pytest.fixture(scope="module")
def store(allsides_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the first 400 AllSides articles."""
    root = tmp_path_factory.mktemp("cluster_query")
    (root / "in").mkdir()
    with allsides_path.open(encoding="utf-8") as fh:
        (root / "in" / "a.jsonl").write_text("".join(next(fh) for _ in range(400)), encoding="utf-8")
    ingest([root / "in"], store=root / "store", progress=False)
    return root / "store"


@pytest.mark.parametrize("q,by,start,end", [
    ("court* AND (marriage OR gay)", ("month",), None, None),
    ('tax* NOT "health care"', ("year", "source"), "2012-09-01", "2013-03-31"),
    ('SENT(Obama AND (tax* OR budget)) OR "fiscal cliff"~2', ("source",), None, "2013-01-31"),
])
def test_cluster_query_equals_pandas(client, store: Path, q: str, by: tuple, start: str | None,
                                     end: str | None) -> None:
    """Share table, matching count, top matches and their hits equal the pandas path on the same articles."""
    arts = dx.read_store(store, partition_rows=60)
    assert arts.npartitions >= 5
    got = query_store(arts, q, by=by, name="q", show=7, start=start, end=end, show_progress=False)
    local = load_corpus(store, start=start, end=end)
    want = query(local, q)
    want_share = share_of_matches(local, want.articles["article_id"], by=list(by), name="q")
    pd.testing.assert_frame_equal(got.share.reset_index(drop=True), want_share.reset_index(drop=True))
    assert got.n_matching == len(want.articles) > 0 and got.top.n_articles == len(local)
    top = want.articles.head(7)
    assert got.top.articles["article_id"].tolist() == top["article_id"].tolist()
    assert got.top.articles["hits"].tolist() == top["hits"].tolist()
    want_hits = want.hits[want.hits["article_id"].isin(set(top["article_id"]))]
    key = ["article_id", "start", "term"]
    pd.testing.assert_frame_equal(got.top.hits.sort_values(key).reset_index(drop=True),
                                  want_hits.sort_values(key).reset_index(drop=True))


def test_in_dates_is_inclusive_and_drops_undated() -> None:
    """The date filter of a partition matches load_corpus: inclusive days, undated rows out."""
    part = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-31", None, "2024-02-01"])})
    assert in_dates(part, "2024-01-01", "2024-01-31").index.tolist() == [0, 1]
    assert in_dates(part, None, None).index.tolist() == [0, 1, 2, 3]
