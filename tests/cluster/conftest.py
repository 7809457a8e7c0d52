"""Fixtures of the Dask tests: a real 2-worker LocalCluster and the first records of both shared corpora."""
from __future__ import annotations

from pathlib import Path

import pytest

ALLSIDES_LINES = 1200
NYT_LINES = 4000


@pytest.fixture(scope="module")
def client():
    """A real LocalCluster on 127.0.0.1: 2 worker processes, one thread each (one per test module)."""
    pytest.importorskip("distributed")
    from analysis.cluster import session

    c = session.client("local", n_workers=2, processes=True, quiet=True)
    assert len(c.scheduler_info()["workers"]) == 2
    assert c.dashboard_link.startswith("http://127.0.0.1")
    yield c
    cluster = c.cluster
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def corpus_heads(tmp_path_factory, allsides_path: Path, nyt_path: Path) -> list[Path]:
    """The first 1200 AllSides and 4000 NYT records, as two JSONL files in a temporary folder."""
    folder = tmp_path_factory.mktemp("heads")
    inputs = []
    for path, n in ((allsides_path, ALLSIDES_LINES), (nyt_path, NYT_LINES)):
        with open(path, encoding="utf-8") as fh:
            head = [next(fh) for _ in range(n)]
        inputs.append(folder / path.name)
        inputs[-1].write_text("".join(head), encoding="utf-8")
    return inputs
