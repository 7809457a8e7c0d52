"""The Parquet article store: layout, readers, atomic commits, lock, schema alignment."""
from __future__ import annotations

import json
import subprocess
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

from analysis.corpus import store as st
from analysis.corpus.clean import clean_articles
from analysis.schema import ARTICLE_COLUMNS, ARTICLE_DTYPES


def _articles(n: int, start: int = 0, **extra: list) -> pd.DataFrame:
    """n clean articles (ids a<start..>), one undated, with optional extra columns."""
    raw = pd.DataFrame({
        "title": [f"Title {i}" for i in range(start, start + n)],
        "text": [f"Body number {i} about tariffs." for i in range(start, start + n)],
        "source": ["Outlet A" if i % 2 else "Outlet B" for i in range(start, start + n)],
        "raw_date": [None if i == start else f"20{10 + i % 10}-0{1 + i % 9}-1{i % 9}" for i in range(start, start + n)],
        "origin": [f"f.jsonl:{i}" for i in range(start, start + n)],
        **extra,
    })
    df, _ = clean_articles(raw)
    df["article_id"] = [f"a{i:05d}" for i in range(start, start + n)]
    return df


def _commit(root: Path, df: pd.DataFrame) -> None:
    with st.transaction(root) as tx:
        tx.append(df)


def test_layout_and_load_corpus(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _commit(root, _articles(20, topic=["trade"] * 20))
    link = root / "articles"
    assert link.is_symlink() and (link / "_manifest.json").exists()
    parts = sorted(p.relative_to(link).parts[:2] for p in link.rglob("*.parquet"))
    assert ("year=undated", "month=undated") in parts and all(p[0].startswith("year=") for p in parts)
    df = st.load_corpus(root)
    assert len(df) == 20 and df.columns.tolist() == ARTICLE_COLUMNS + ["topic"]
    assert df.dtypes[ARTICLE_COLUMNS].astype(str).tolist() == [str(pd.Series(dtype=t).dtype) for t in ARTICLE_DTYPES.values()]
    assert df["date"].isna().sum() == 1
    sub = st.load_corpus(root, columns=["article_id", "date"], start="2012-01-01", end="2014-12-31")
    assert sub.columns.tolist() == ["article_id", "date"]
    assert sub["date"].between("2012-01-01", "2014-12-31").all() and len(sub) == 6
    assert set(st.load_corpus(root, sources=["Outlet A"])["source"]) == {"Outlet A"}


def test_other_readers_see_the_same_table(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _commit(root, _articles(30))
    _commit(root, _articles(10, start=30, cap_major=list(range(10))))   # new column: files re-aligned
    path = str(root / "articles")
    table = ds.dataset(path, partitioning="hive", format="parquet").to_table()
    assert table.num_rows == 40 and {"year", "month", "cap_major"} <= set(table.column_names)
    import dask.dataframe as dd
    ddf = dd.read_parquet(path)
    assert len(ddf) == 40 and "cap_major" in ddf.columns
    import duckdb
    rows = duckdb.sql(f"select count(*), count(cap_major), count(distinct year) "
                      f"from read_parquet('{path}/**/*.parquet', hive_partitioning=true)").fetchall()[0]
    assert rows[0] == 40 and rows[1] == 10 and rows[2] >= 5
    df = st.load_corpus(root)
    assert df["cap_major"].notna().sum() == 10 and df["article_id"].is_unique


def test_failed_transaction_leaves_store_unchanged(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _commit(root, _articles(5))
    before = (root / "articles").resolve()
    with pytest.raises(RuntimeError):
        with st.transaction(root) as tx:
            tx.append(_articles(5, start=5))
            raise RuntimeError("boom")
    assert (root / "articles").resolve() == before and len(st.load_corpus(root)) == 5
    assert not [p for p in (root / ".versions").iterdir() if ".tmp-" in p.name]


def test_killed_run_leaves_previous_version(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    root = tmp_path / "store"
    _commit(root, _articles(5))
    before = st.load_corpus(root)
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_store import _articles
        from analysis.corpus import store as st
        with st.transaction({str(root)!r}) as tx:
            tx.append(_articles(50, start=100))
            os.kill(os.getpid(), signal.SIGKILL)      # killed halfway: files staged, nothing committed
    """)
    proc = subprocess.run([python, "-c", script], env=cli_env, capture_output=True, timeout=120)
    assert proc.returncode != 0
    assert [p for p in (root / ".versions").iterdir() if ".tmp-" in p.name]      # leftovers exist
    pd.testing.assert_frame_equal(st.load_corpus(root), before)
    _commit(root, _articles(3, start=200))                                        # next writer cleans up
    assert not [p for p in (root / ".versions").iterdir() if ".tmp-" in p.name]
    assert len(st.load_corpus(root)) == 8


def test_lock_serializes_writers(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    root = tmp_path / "store"
    _commit(root, _articles(2))
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_store import _articles
        from analysis.corpus import store as st
        with st.transaction({str(root)!r}) as tx:
            tx.append(_articles(10, start=int(sys.argv[1])))
    """)
    with st.store_lock(root):
        procs = [subprocess.Popen([python, "-c", script, str(s)], env=cli_env) for s in (1000, 2000)]
        time.sleep(2.0)
        assert all(p.poll() is None for p in procs)          # both wait for the lock
    assert all(p.wait(timeout=120) == 0 for p in procs)
    df = st.load_corpus(root)
    assert len(df) == 22 and df["article_id"].is_unique
    manifest = json.loads((root / "articles" / "_manifest.json").read_text())
    assert manifest["version"] == 3 and manifest["rows"] == 22
    assert len(list((root / ".versions").iterdir())) <= 2                      # old versions pruned


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no article store"):
        st.load_corpus(tmp_path / "nothing")


def test_unknown_column_is_a_clear_error(tmp_path: Path) -> None:
    _commit(tmp_path / "store", _articles(3))
    with pytest.raises(KeyError, match="unknown column"):
        st.load_corpus(tmp_path / "store", columns=["article_id", "nosuch"])
