"""The Parquet article store: layout, readers, atomic commits, lock, schema alignment."""
from __future__ import annotations

import errno
import glob
import json
import logging
import os
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

from analysis.corpus import store as st
from analysis.corpus.clean import clean_articles
from analysis.corpus.dedupe import DedupeIndex, flag_duplicates
from analysis.errors import StoreError
from analysis.schema import ARTICLE_COLUMNS, ARTICLE_DTYPES

TESTS = Path(__file__).parent


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


def _ingest(root: Path, df: pd.DataFrame, who: str = "") -> None:
    """What ``ingest`` does with the store: skip stored ids, flag duplicates, append, report."""
    with st.transaction(root) as tx:
        new = df[~df["article_id"].isin(tx.existing_ids())].reset_index(drop=True)
        dup_of, _, tx.index = flag_duplicates(new["article_id"].tolist(), new["title"].tolist(),
                                              new["text"].tolist(), tx.index)
        new["dup_of"] = pd.array(dup_of.tolist(), dtype="string")
        tx.append(new)
        tx.report = {"articles_new": len(new), "who": who}


def _subprocess_script(body: str) -> str:
    """A script that can import this test module's helpers."""
    return f"import os, signal, sys\nsys.path.insert(0, {str(TESTS)!r})\n" + textwrap.dedent(body)


def _state(root: Path) -> tuple[pd.DataFrame, list[str], list[str]]:
    """What a clean run must reproduce: the rows, the dedupe index ids and roots."""
    with st.transaction(root) as tx:
        index = tx.index
    return st.load_corpus(root), index.ids.tolist(), index.roots.tolist()


def _leftovers(root: Path) -> list[str]:
    """Staged folders and versions newer than the current one."""
    top = st.version_number(st.current_version(root).name)
    return [p.name for p in (root / ".versions").iterdir()
            if ".tmp-" in p.name or p.name.startswith(".trash-") or (st.version_number(p.name) or 0) > top]


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


def test_appends_are_held_and_written_once_per_partition(tmp_path: Path) -> None:
    root = tmp_path / "store"
    df = _articles(40)
    with st.transaction(root) as tx:
        for lo in range(0, 40, 10):                      # four batches over the same months
            tx.append(df.iloc[lo:lo + 10])
        assert tx.staged_rows() == 40 and not tx.new_files      # held in memory until the commit
    manifest = st.read_manifest(st.current_version(root))
    parts = [f["path"].rsplit("/", 1)[0] for f in manifest["files"]]
    assert len(parts) == len(set(parts))                 # one part file per year/month
    assert manifest["rows"] == 40 and sorted(st.load_corpus(root)["article_id"]) == sorted(df["article_id"])


def test_held_rows_are_written_when_the_memory_bound_is_reached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(st, "PENDING_BYTES", 1)
    root = tmp_path / "store"
    with st.transaction(root) as tx:
        tx.append(_articles(5))
        assert tx.new_files and tx.staged_rows() == 5
    assert len(st.load_corpus(root)) == 5


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
    assert len([p for p in (root / ".versions").iterdir() if p.is_dir()]) <= 2   # old versions pruned


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no article store"):
        st.load_corpus(tmp_path / "nothing")


def test_unknown_column_is_a_clear_error(tmp_path: Path) -> None:
    _commit(tmp_path / "store", _articles(3))
    with pytest.raises(KeyError, match="unknown column"):
        st.load_corpus(tmp_path / "store", columns=["article_id", "nosuch"])


# ---------------------------------------------------------------------------- faults in a commit
BATCH1, BATCH2 = _articles(12), _articles(10, start=100)
AFTER_SWAP = st.COMMIT_STEPS[st.COMMIT_STEPS.index("swapped"):]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The state after the two ingests ran without faults."""
    root = tmp_path_factory.mktemp("clean") / "store"
    _ingest(root, BATCH1)
    _ingest(root, BATCH2)
    return _state(root)


def _assert_recovered(root: Path, step: str, before: pd.DataFrame, clean_run: tuple) -> None:
    """After a fault at ``step``: the right version reads exactly, the next ingest equals a clean run."""
    expected = clean_run[0] if step in AFTER_SWAP else before
    pd.testing.assert_frame_equal(st.load_corpus(root), expected)
    _ingest(root, BATCH2)                               # the next writer recovers and succeeds
    assert not _leftovers(root)
    state = _state(root)
    pd.testing.assert_frame_equal(state[0], clean_run[0])
    assert state[1:] == clean_run[1:]
    reports = sorted((root / "ingest_reports").glob("*.json"))
    latest = json.loads((root / "ingest_report.json").read_text())
    assert latest == json.loads(reports[-1].read_text())
    if step in AFTER_SWAP:                              # the faulty run committed: its report is published
        committed = json.loads((root / "articles" / "_manifest.json").read_text())["txid"]
        assert (root / "ingest_reports" / f"{committed}.json").is_file()


@pytest.mark.parametrize("step", st.COMMIT_STEPS)
def test_exception_at_each_commit_step_is_recoverable(
        tmp_path: Path, step: str, clean_run: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "store"
    _ingest(root, BATCH1)
    before = st.load_corpus(root)

    def fault(name: str) -> None:
        if name == step:
            raise OSError(errno.EIO, f"injected fault at {name}")

    monkeypatch.setattr(st, "commit_hook", fault)
    with pytest.raises(OSError, match="injected fault"):
        _ingest(root, BATCH2)
    monkeypatch.setattr(st, "commit_hook", None)
    assert not _leftovers(root)                         # rolled back at once
    _assert_recovered(root, step, before, clean_run)


def test_full_disk_at_the_symlink_swap_does_not_wedge_the_store(
        tmp_path: Path, clean_run: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "store"
    _ingest(root, BATCH1)
    before = st.load_corpus(root)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "symlink", full)
        with pytest.raises(OSError, match="No space left"):
            _ingest(root, BATCH2)
    _assert_recovered(root, "renamed", before, clean_run)


@pytest.mark.parametrize("step", st.COMMIT_STEPS)
def test_writer_killed_at_each_commit_step_is_recovered_by_the_next(
        tmp_path: Path, step: str, clean_run: tuple, python: str, cli_env: dict[str, str]) -> None:
    root = tmp_path / "store"
    _ingest(root, BATCH1)
    before = st.load_corpus(root)
    script = _subprocess_script(f"""
        from test_store import BATCH2, _ingest
        from analysis.corpus import store as st
        st.commit_hook = lambda name: os.kill(os.getpid(), signal.SIGKILL) if name == {step!r} else None
        _ingest({str(root)!r}, BATCH2)
    """)
    proc = subprocess.run([python, "-c", script], env=cli_env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    _assert_recovered(root, step, before, clean_run)


# ---------------------------------------------------------------------------- reader leases
def test_reader_lease_keeps_its_version_across_two_commits(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(10))
    with st.reader_lease(root) as pinned:
        files = [pinned / f["path"] for f in st.read_manifest(pinned)["files"]]
        _ingest(root, _articles(5, start=100))
        _ingest(root, _articles(5, start=200))
        _ingest(root, _articles(5, start=300))
        assert all(f.is_file() for f in files)
        assert len(st.load_corpus(root, version=pinned.name)) == 10
        assert len(st.load_corpus(root)) == 25
    _ingest(root, _articles(5, start=400))              # lease ended: the next commit prunes it
    assert not pinned.exists()
    assert st.kept_versions(root) == ["v000004", "v000005"]
    with pytest.raises(StoreError, match="no version v000001"):
        st.load_corpus(root, version=pinned.name)


_HOLD_LEASE = """
    from analysis.corpus import store as st
    with st.reader_lease({root!r}) as v:
        print(v.name, flush=True)
        sys.stdin.readline()
        print(len(st.load_corpus({root!r}, version=v.name)), flush=True)
"""


def test_reader_in_another_process_reads_its_version_after_two_commits(
        tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(10))
    proc = subprocess.Popen([python, "-c", _subprocess_script(_HOLD_LEASE.format(root=str(root)))], env=cli_env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "v000001"
        for start in (100, 200, 300):
            _ingest(root, _articles(5, start=start))
        out, _ = proc.communicate("go\n", timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0 and out.strip() == "10"
    _ingest(root, _articles(5, start=400))
    assert "v000001" not in st.kept_versions(root)


def test_killed_lease_holder_does_not_pin_forever(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(10))
    proc = subprocess.Popen([python, "-c", _subprocess_script(_HOLD_LEASE.format(root=str(root)))], env=cli_env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "v000001"
    _ingest(root, _articles(5, start=100))
    _ingest(root, _articles(5, start=200))
    assert "v000001" in st.kept_versions(root)          # pinned while the reader lives
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    _ingest(root, _articles(5, start=300))
    assert st.kept_versions(root) == ["v000003", "v000004"]
    assert not (root / ".leases" / "v000001.lease").exists()


def test_load_corpus_resolves_again_when_its_version_vanishes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "store"
    for start in (0, 100, 200):
        _ingest(root, _articles(5, start=start))
    gone = root / ".versions" / "v000001"
    assert not gone.exists()
    calls = iter([gone, st.current_version(root)])      # a commit pruned v000001 after we resolved it
    monkeypatch.setattr(st, "current_version", lambda store=None: next(calls))
    assert len(st.load_corpus(root)) == 15


def test_named_versions_and_their_fingerprints(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(5))
    _ingest(root, _articles(5, start=100))
    assert len(st.load_corpus(root, version="v000001")) == 5
    assert st.version_dir(root, "v000001") == root / ".versions" / "v000001"
    assert st.corpus_fingerprint(root, version="v000002") == st.corpus_fingerprint(root)
    assert st.corpus_fingerprint(root, version="v000001") != st.corpus_fingerprint(root)
    for bad in ("v000003", "latest"):
        with pytest.raises(StoreError):
            st.version_dir(root, bad)


# ---------------------------------------------------------------------------- ingest reports
def test_ingest_reports_are_written_under_the_lock_with_history(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(5), who="first")
    _ingest(root, _articles(5, start=100), who="second")
    _ingest(root, _articles(5, start=100), who="nothing new")
    reports = [json.loads(p.read_text()) for p in sorted((root / "ingest_reports").glob("*.json"))]
    assert [r["who"] for r in reports] == ["first", "second", "nothing new"]
    assert [r["committed"] for r in reports] == [True, True, False]
    assert [r["version"] for r in reports] == ["v000001", "v000002", "v000002"]
    assert json.loads((root / "ingest_report.json").read_text()) == reports[-1]


def test_concurrent_ingests_each_leave_their_report(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(2), who="setup")
    script = _subprocess_script(f"""
        from test_store import _articles, _ingest
        _ingest({str(root)!r}, _articles(10, start=int(sys.argv[1])), who=sys.argv[1])
    """)
    with st.store_lock(root):
        procs = [subprocess.Popen([python, "-c", script, who], env=cli_env) for who in ("1000", "2000")]
        time.sleep(2.0)
    assert all(p.wait(timeout=120) == 0 for p in procs)
    reports = {json.loads(p.read_text())["who"]: json.loads(p.read_text())
               for p in (root / "ingest_reports").glob("*.json")}
    assert set(reports) == {"setup", "1000", "2000"}
    last = json.loads((root / "articles" / "_manifest.json").read_text())["txid"]
    assert json.loads((root / "ingest_report.json").read_text())["txid"] == last


# ---------------------------------------------------------------------------- read, remove, replace
def test_transaction_reads_and_removes_rows(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(20))
    base = st.current_version(root)
    gone = ["a00003", "a00004"]
    with st.transaction(root) as tx:
        rows = tx.read(columns=["article_id", "title"], article_ids=gone + ["nosuch"])
        assert sorted(rows["article_id"]) == gone and str(rows["title"].dtype) == "string"
        assert tx.remove(gone + ["nosuch"]) == 2
        assert tx.remove(gone) == 0
        assert not set(gone) & tx.existing_ids()
    df = st.load_corpus(root)
    assert len(df) == 18 and not set(gone) & set(df["article_id"])
    manifest = st.read_manifest(st.current_version(root))
    old = {f["path"] for f in st.read_manifest(base)["files"]}
    changed = old - {f["path"] for f in manifest["files"]}
    assert 1 <= len(changed) <= len(gone)                           # only the files holding them
    for f in manifest["files"]:
        if f["path"] in old:                                        # the others are hard links
            assert (st.current_version(root) / f["path"]).stat().st_ino == (base / f["path"]).stat().st_ino
    assert manifest["rows"] == 18 and manifest["removed"] == 2
    with st.transaction(root) as tx:
        assert len(tx.index) == 18 and not set(gone) & set(tx.index.ids.tolist())


def test_remove_then_append_replaces_an_article_in_place(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(6))
    fixed = _articles(6).iloc[[2]].assign(title="Corrected title", source="Outlet C")
    with st.transaction(root) as tx:
        assert tx.remove(fixed["article_id"]) == 1
        dup_of, _, tx.index = flag_duplicates(fixed["article_id"].tolist(), fixed["title"].tolist(),
                                              fixed["text"].tolist(), tx.index)
        tx.append(fixed.assign(dup_of=pd.array(dup_of.tolist(), dtype="string")))
    df = st.load_corpus(root).set_index("article_id")
    assert len(df) == 6 and df.loc["a00002", "title"] == "Corrected title"
    assert df.loc["a00002", "source"] == "Outlet C" and pd.isna(df.loc["a00002", "dup_of"])


def test_removing_a_first_copy_reroots_the_index(tmp_path: Path) -> None:
    root = tmp_path / "store"
    text = "the minister met the president on friday to talk about trade and the border " * 5
    df = _articles(4)
    df["text"] = [text, text, "other story entirely about the harbor and its ships " * 5, text]
    _ingest(root, df)
    stored = st.load_corpus(root).set_index("article_id")["dup_of"]
    assert stored.fillna("").to_dict() == {"a00000": "", "a00001": "a00000", "a00002": "", "a00003": "a00000"}
    with st.transaction(root) as tx:
        tx.remove(["a00000"])
    with st.transaction(root) as tx:
        assert dict(zip(tx.index.ids, tx.index.roots)) == {"a00001": "", "a00002": "", "a00003": "a00001"}
        dup_of, _, _ = flag_duplicates(["z"], ["Z"], [text], tx.index)
    assert dup_of.tolist() == ["a00001"]


# ---------------------------------------------------------------------------- append-only index
def test_dedupe_index_is_append_only_segments(tmp_path: Path) -> None:
    root = tmp_path / "store"
    for k in range(3):
        _ingest(root, _articles(4, start=100 * k))
    v2, v3 = root / ".versions" / "v000002", st.current_version(root)
    segments = st.read_manifest(v3)["dedupe"]
    assert segments == ["_dedupe-v000001.npz", "_dedupe-v000002.npz", "_dedupe-v000003.npz"]
    for name in segments[:2]:                                   # old segments are hard links
        assert (v3 / name).stat().st_ino == (v2 / name).stat().st_ino
    newest = DedupeIndex.load(v3 / segments[-1])
    assert newest.ids.tolist() == [f"a{i:05d}" for i in range(200, 204)]
    with st.transaction(root) as tx:
        assert tx.index.ids.tolist() == sorted(st.load_corpus(root)["article_id"])
    for k in range(3, 3 + st.MAX_SEGMENTS):
        _ingest(root, _articles(2, start=100 * k))
    merged = st.read_manifest(st.current_version(root))["dedupe"]
    assert len(merged) <= st.MAX_SEGMENTS
    with st.transaction(root) as tx:
        assert sorted(tx.index.ids.tolist()) == sorted(st.load_corpus(root)["article_id"])


def test_store_with_a_single_file_index_is_read_and_extended(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(4))
    v1 = st.current_version(root)                               # make it look like an older store
    manifest = st.read_manifest(v1)
    os.rename(v1 / manifest.pop("dedupe")[0], v1 / "_dedupe.npz")
    (v1 / "_manifest.json").write_text(json.dumps(manifest))
    _ingest(root, _articles(4, start=100))
    assert st.read_manifest(st.current_version(root))["dedupe"] == ["_dedupe.npz", "_dedupe-v000002.npz"]
    with st.transaction(root) as tx:
        assert len(tx.index) == 8


# ---------------------------------------------------------------------------- damage, lock, layout
def test_truncated_part_file_is_a_one_line_store_error(tmp_path: Path, python: str, cli_env: dict[str, str]) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(6))
    _ingest(root, _articles(3, start=100))
    rel = next(f["path"] for f in st.read_manifest(st.current_version(root))["files"] if "part-" in f["path"]
               and f["path"] not in {g["path"] for g in st.read_manifest(root / ".versions" / "v000001")["files"]})
    part = root / "articles" / rel
    part.write_bytes(part.read_bytes()[:40])
    with pytest.raises(StoreError) as err:
        st.load_corpus(root)
    msg = str(err.value)
    assert "\n" not in msg and rel in msg and "v000001" in msg and "v000002" in msg
    assert len(st.load_corpus(root, version="v000001")) == 6   # the hint works
    proc = subprocess.run([python, "-c", "import sys; from analysis.__main__ import main; "
                           f"sys.argv[1:] = ['summary', '--store', {str(root)!r}]; sys.exit(main())"],
                          env=cli_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: store ")


def test_lock_wait_says_so_once_and_times_out_with_a_store_error(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path / "store"
    _ingest(root, _articles(2))
    caplog.set_level(logging.INFO, logger=st.__name__)
    with st.store_lock(root):
        started = time.monotonic()
        with pytest.raises(StoreError, match="still locked by pid") as err:
            with st.transaction(root, timeout=1.5):
                pass
    assert 1.5 <= time.monotonic() - started < 10 and "\n" not in str(err.value)
    waits = [r for r in caplog.records if "lock" in r.getMessage()]
    assert len(waits) == 1 and f"pid {os.getpid()}" in waits[0].getMessage()


def test_naive_globs_do_not_read_hidden_versions(tmp_path: Path) -> None:
    root = tmp_path / "store"
    for start in (0, 100, 200):
        _ingest(root, _articles(5, start=start))
    manifest = st.read_manifest(st.current_version(root))
    found = glob.glob(f"{root}/**/*.parquet", recursive=True)
    assert len(found) == len(manifest["files"]) and all("/articles/" in f for f in found)
    assert ds.dataset(root / "articles", partitioning="hive", format="parquet").count_rows() == 15
    import duckdb
    safe = duckdb.sql(f"select count(*) from read_parquet('{root}/articles/**/*.parquet', hive_partitioning=true)")
    assert safe.fetchall()[0][0] == 15
    with pytest.raises(duckdb.Error, match="NOT-A-DATASET"):  # never a silent double count of old versions
        duckdb.sql(f"select count(*) from read_parquet('{root}/**/*.parquet')").fetchall()
