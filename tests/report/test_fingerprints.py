"""What decides whether a report is redone (analysis.report.fingerprints): fingerprints, cache key, corpus summary."""
from __future__ import annotations

import re

import pandas as pd

from analysis.report.fingerprints import (
    cache_key,
    code_fingerprint,
    corpus_summary,
    package_versions,
    read_corpus_index,
    template_fingerprint,
)
from tests.report.test_run import make_store


def test_cache_key_changes_with_a_parameter_only() -> None:
    payload = {"corpus": "0123456789abcdef", "lexicons": "fedcba9876543210",
               "jobs": [{"key": "02-theme-report-trade", "parameters": {"theme": "trade", "n_top": 10}}]}
    key = cache_key(payload)
    assert re.fullmatch(r"[0-9a-f]{16}", key)
    assert cache_key(dict(reversed(list(payload.items())))) == key            # key order does not matter
    changed = {**payload, "jobs": [{"key": "02-theme-report-trade", "parameters": {"theme": "trade", "n_top": 5}}]}
    assert cache_key(changed) != key and cache_key(payload) == key


def test_code_and_template_fingerprints_are_stable() -> None:
    assert code_fingerprint() == code_fingerprint()
    assert template_fingerprint() == template_fingerprint() != code_fingerprint()
    versions = package_versions()
    assert versions["python"].count(".") == 2 and versions["papermill"] != "absent"


def test_corpus_index_and_summary(tmp_path) -> None:
    assert read_corpus_index(tmp_path / "none").empty
    index = read_corpus_index(make_store(tmp_path / "store", n=10))
    assert list(index.columns) == ["date", "source"] and len(index) == 10
    whole = corpus_summary(index)
    assert whole == {"n_articles": 10, "n_undated": 0, "start": "2024-01-01", "end": "2024-01-10",
                     "sources": ["Daily A", "Weekly B"]}
    window = corpus_summary(index, start=pd.Timestamp("2024-01-03"), end="2024-01-06", outlets=["Daily A"])
    assert window["n_articles"] == 2 and (window["start"], window["end"]) == ("2024-01-03", "2024-01-05")
