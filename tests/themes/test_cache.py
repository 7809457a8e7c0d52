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


def _user_theme(folder, term: str = "steel"):
    """A folder with one user theme (``metals``) in one YAML file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metals.yml").write_text(
        "id: metals\nlabel: Metals\ndescription: Steel and aluminium.\ncap_major: []\nsource: test\n"
        f"terms:\n  - {term}\n  - aluminium\n", encoding="utf-8")
    return folder


def test_two_lexicon_sets_keep_their_own_caches(tmp_path):
    """Scores of the shipped set and of shipped + a user theme live side by side; neither overwrites the other."""
    from analysis.themes.cache import LEXICON_SETS_DIR
    from analysis.themes.lexicon import with_user_lexicons

    store = tmp_path / "store"
    user = with_user_lexicons(_user_theme(tmp_path / "mine"))
    shipped = load_scores(store, articles=_articles())
    added = load_scores(store, lexicons=user, articles=_articles())
    assert shipped["recomputed"] and added["recomputed"] and shipped["fingerprint"] != added["fingerprint"]
    assert "metals" in set(added["scores"]["theme"]) and "metals" not in set(shipped["scores"]["theme"])
    assert "trade" in set(added["scores"]["theme"])  # the user folder adds to the shipped themes
    assert len(list((store / LEXICON_SETS_DIR).iterdir())) == 1
    again = load_scores(store, articles=_articles())
    assert not again["recomputed"] and again["fingerprint"] == shipped["fingerprint"]
    assert not load_scores(store, lexicons=user, articles=_articles())["recomputed"]
    pd.testing.assert_frame_equal(again["scores"], shipped["scores"])


def test_user_theme_overrides_the_shipped_one_of_the_same_id(tmp_path):
    from analysis.themes.lexicon import load_lexicons, with_user_lexicons

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "my_trade.yml").write_text(
        "id: trade\nlabel: Trade (mine)\ndescription: Only steel.\ncap_major: [18]\nsource: test\nterms:\n  - steel\n",
        encoding="utf-8")
    lex = with_user_lexicons(mine)
    assert set(lex) == set(load_lexicons()) and lex["trade"].label == "Trade (mine)"
    assert [t.text for t in lex["trade"].terms] == ["steel"]


def test_number_of_cached_lexicon_sets_is_bounded(tmp_path):
    from analysis.themes.cache import LEXICON_SETS_DIR, MAX_LEXICON_SETS
    from analysis.themes.lexicon import with_user_lexicons

    store = tmp_path / "store"
    load_scores(store, articles=_articles())
    for i in range(MAX_LEXICON_SETS + 2):
        load_scores(store, lexicons=with_user_lexicons(_user_theme(tmp_path / f"u{i}", f"word{i}")),
                    articles=_articles())
    kept = list((store / LEXICON_SETS_DIR).iterdir())
    assert len(kept) == MAX_LEXICON_SETS
    assert (store / config.THEME_SCORES_FILE).exists()  # the shipped set's cache is never pruned
    assert not load_scores(store, articles=_articles())["recomputed"]
    oldest = with_user_lexicons(_user_theme(tmp_path / "u0", "word0"))
    assert load_scores(store, lexicons=oldest, articles=_articles())["recomputed"]  # pruned, so scored again


def test_cache_key_names_the_presence_rule():
    """A store cached under an earlier presence rule is recomputed, never served with its old flags."""
    from analysis.themes import cache, scoring

    assert scoring.PRESENCE_RULE in cache.RULES_VERSION
