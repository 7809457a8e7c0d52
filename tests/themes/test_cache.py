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
