"""The cached theme scores next to the article store (analysis.themes.cache).

The ``score`` command that fills the cache is tested in tests/commands/test_score.py.
"""
from __future__ import annotations

import shutil

import pandas as pd

from analysis import config
from analysis.themes.cache import load_scores


def _articles(extra: str = "") -> pd.DataFrame:
    """A small article table."""
    return pd.DataFrame({"article_id": ["a", "b"],
                         "title": ["Tariffs on steel", "Migrants at the border"],
                         "text": ["The trade war grew." + extra, "Deportations rose and asylum claims fell."]})


def test_cache_written_and_reused(tmp_path):
    store = tmp_path / "store"
    first = load_scores(store, articles=_articles())
    assert first["recomputed"]
    for name in (config.THEME_SCORES_FILE, config.THEME_HITS_FILE, config.ARTICLE_THEMES_FILE):
        assert (store / name).exists()
    second = load_scores(store, articles=_articles())
    assert not second["recomputed"]
    pd.testing.assert_frame_equal(first["scores"], second["scores"])
    pd.testing.assert_frame_equal(first["hits"], second["hits"])
    assert second["article_themes"]["primary_theme"].tolist() == ["trade", "migration"]
    assert second["article_themes"]["themes"].tolist() == first["article_themes"]["themes"].tolist()


def test_recomputed_when_articles_change(tmp_path):
    load_scores(tmp_path, articles=_articles())
    again = load_scores(tmp_path, articles=_articles(" Tariffs again."))
    assert again["recomputed"]
    row = again["scores"].query("article_id == 'a' and theme == 'trade'").iloc[0]
    assert row.hits == 4


def test_recomputed_when_lexicons_change(tmp_path):
    lex = tmp_path / "lex"
    shutil.copytree(config.LEXICON_DIR, lex)
    first = load_scores(tmp_path / "s", lexicons=lex, articles=_articles())
    assert not load_scores(tmp_path / "s", lexicons=lex, articles=_articles())["recomputed"]
    path = lex / "trade.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - steel\n", "  - steel\n  - grew\n"), encoding="utf-8")
    changed = load_scores(tmp_path / "s", lexicons=lex, articles=_articles())
    assert changed["recomputed"] and changed["fingerprint"] != first["fingerprint"]
    assert "grew" in set(changed["hits"]["term"]) and "grew" not in set(first["hits"]["term"])


def test_scores_of_a_pinned_store_version(tmp_path):
    """``version=`` scores the articles of that committed version, not the current one."""
    import json

    from analysis.corpus.ingest import ingest
    from analysis.corpus.store import current_version, load_corpus

    store = tmp_path / "store"
    for name, titles in (("a", ["Tariffs on steel", "Border wall funding"]), ("b", ["Export quotas debated"])):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps({"title": t, "text": f"{t}. The trade war grew."}) + "\n"
                                for t in titles), encoding="utf-8")
        ingest([path], store=store, progress=False)
        if name == "a":
            first = current_version(store).name
    first_ids = set(load_corpus(store, columns=["article_id"], version=first)["article_id"])
    pinned = load_scores(store, version=first)
    assert set(pinned["article_themes"]["article_id"]) == first_ids and len(first_ids) == 2
    now = load_scores(store)
    assert len(set(now["article_themes"]["article_id"])) == 3 and now["fingerprint"] != pinned["fingerprint"]
    again = load_scores(store, version=first)
    assert again["recomputed"] and set(again["scores"]["article_id"]) == first_ids
